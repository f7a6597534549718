package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/export"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/org"
)

func newFindingsExportCmd(g *globals) *cobra.Command {
	var db dbFlag
	var f findingFilter
	var format, output, role string
	c := &cobra.Command{
		Use:   "export",
		Short: "Export findings: to Security Hub (ASFF, BatchImportFindings), OCSF JSON lines or CSV",
		Long: `Export the findings that match the filters.

--format securityhub imports them into AWS Security Hub with
BatchImportFindings, in each finding's own account and region (assuming
--role in member accounts), in batches of 100; throttled batches are
retried and rejected findings are listed with the reason. --format asff
writes the same findings as a JSON array instead; ocsf writes OCSF 1.5.0
Compliance Finding events, one per line; csv a table.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			flt, err := f.filter()
			if err != nil {
				return err
			}
			switch format {
			case "securityhub", "asff", "ocsf", "csv":
			default:
				return usageErr("--format %q: want securityhub, asff, ocsf or csv", format)
			}
			st, err := db.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if err := f.reachable(c.Context(), st, &db); err != nil {
				return err
			}
			fs, _, err := st.Findings(c.Context(), flt)
			if err != nil {
				return err
			}
			if format == "securityhub" {
				cfg, err := awsx.Load(c.Context(), g.awsOptions())
				if err != nil {
					return usageErr("%v", err)
				}
				return exportSecurityHub(c.Context(), cfg, role, fs, c.OutOrStdout())
			}
			write := func(w io.Writer) error {
				switch format {
				case "asff":
					return writeASFF(w, fs)
				case "ocsf":
					return export.OCSFLines(w, fs, export.Options{})
				}
				return export.CSV(w, fs)
			}
			if output == "" {
				return write(c.OutOrStdout())
			}
			if err := writeFile(output, write); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "%d findings written to %s\n", len(fs), output)
			return nil
		},
	}
	db.register(c)
	f.register(c, 0)
	c.Flags().StringVar(&format, "format", "csv", "securityhub, asff, ocsf or csv")
	c.Flags().StringVarP(&output, "output", "o", "", "write to this file (asff, ocsf, csv)")
	c.Flags().StringVar(&role, "role", org.DefaultRole, "role to assume in member accounts (securityhub)")
	return c
}

// exportSecurityHub imports fs into Security Hub and prints the outcome.
func exportSecurityHub(ctx context.Context, cfg aws.Config, role string, fs []finding.Finding, w io.Writer) error {
	caller, _, err := awsx.CallerIdentity(ctx, cfg)
	if err != nil {
		return err
	}
	configFor := func(account, region string) (aws.Config, error) {
		c := cfg
		if account != caller {
			c = awsx.AssumeRole(cfg, "arn:aws:iam::"+account+":role/"+role, "guardrail-export")
		}
		c = c.Copy()
		c.Region = region
		return c, nil
	}
	res, err := export.SecurityHub(ctx, cfg, fs, export.Options{ConfigFor: configFor})
	fmt.Fprintf(w, "Security Hub: %d imported, %d rejected\n", res.Imported, len(res.Rejected))
	for _, t := range res.Targets {
		fmt.Fprintf(w, "  %s %s: %d of %d imported in %d calls (%d resent after throttling)%s\n", t.Account, t.Region, t.Imported, t.Findings, t.Calls, t.Retries, errSuffix(t.Error))
	}
	for _, r := range res.Rejected {
		fmt.Fprintf(w, "  rejected %s %s %s %s: %s %s\n", r.FindingID[:12], r.Account, r.Region, r.Control, r.Code, strings.TrimSpace(r.Message))
	}
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d findings were not imported: %w", len(res.Rejected), err)}
	}
	return nil
}

func errSuffix(e string) string {
	if e == "" {
		return ""
	}
	return ": " + e
}

// writeASFF writes findings as a JSON array of ASFF findings.
func writeASFF(w io.Writer, fs []finding.Finding) error {
	docs := make([]json.RawMessage, 0, len(fs))
	for _, f := range fs {
		d, err := export.ASFF(f, export.Options{})
		if err != nil {
			return fmt.Errorf("finding %s: %w", f.ID, err)
		}
		docs = append(docs, d)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(docs)
}
