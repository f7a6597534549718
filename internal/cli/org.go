package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// discoverFlags select the accounts and regions a command works on.
type discoverFlags struct {
	role          string
	regions       []string
	include       []string
	exclude       []string
	singleAccount bool
	concurrency   int
}

func (d *discoverFlags) register(c *cobra.Command) {
	d.registerSelection(c)
	c.Flags().IntVar(&d.concurrency, "concurrency", 16, "accounts examined at once")
}

// registerSelection registers the flags that select accounts and regions.
func (d *discoverFlags) registerSelection(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&d.role, "role", org.DefaultRole, "role to assume in each member account")
	f.StringSliceVar(&d.regions, "regions", nil, "only these regions (default: every enabled region)")
	f.StringSliceVar(&d.include, "include", nil, "only accounts matching: account ID, OU ID, OU name or path, or tag key=value")
	f.StringSliceVar(&d.exclude, "exclude", nil, "skip accounts matching (same selectors as --include)")
	f.BoolVar(&d.singleAccount, "single-account", false, "assess only the account of the current credentials, not the organization")
}

func (d *discoverFlags) options() (org.Options, error) {
	if d.concurrency < 1 {
		return org.Options{}, usageErr("--concurrency must be at least 1, got %d", d.concurrency)
	}
	for _, r := range d.regions {
		if !target.Region.MatchString(r) {
			return org.Options{}, usageErr("--regions: %q is not a region name (like eu-west-1)", r)
		}
	}
	if err := org.CheckSelectors(d.include, d.exclude); err != nil {
		return org.Options{}, &ExitError{Code: ExitUsage, Err: err}
	}
	return org.Options{Role: d.role, Regions: d.regions, Include: d.include, Exclude: d.exclude,
		SingleAccount: d.singleAccount, Concurrency: d.concurrency}, nil
}

func newOrgCmd(g *globals) *cobra.Command {
	var d discoverFlags
	var format string
	c := &cobra.Command{
		Use:   "org",
		Short: "Discover the organization: accounts, OUs, tags and enabled regions",
		Long: `Discover the AWS Organization from the management (or a delegated
administrator) account: every account with its OU path and tags, and the
regions each account has enabled, reached by assuming --role in each member.
Accounts whose role cannot be assumed are listed as NOT ASSESSED with why.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			opts, err := d.options()
			if err != nil {
				return err
			}
			opts.Tags = true // listed
			if format != "text" && format != "json" {
				return usageErr("--format %q: want text or json", format)
			}
			cfg, err := awsx.Load(c.Context(), g.awsOptions())
			if err != nil {
				return usageErr("%v", err)
			}
			return runOrg(c.Context(), cfg, opts, format, c.OutOrStdout())
		},
	}
	d.register(c)
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return c
}

// runOrg discovers the organization and prints it.
func runOrg(ctx context.Context, cfg aws.Config, opts org.Options, format string, w io.Writer) error {
	o, err := org.Discover(ctx, cfg, opts)
	if err != nil {
		return err
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(o)
	}
	if err := org.WriteText(w, o); err != nil {
		return fmt.Errorf("write organization: %w", err)
	}
	return nil
}
