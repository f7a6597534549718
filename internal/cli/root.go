// Package cli is the guardrail command line: one file per subcommand, each
// a thin layer that parses flags and calls the packages that do the work.
// Errors become exit codes: 0 success, 1 findings at or over --fail-on,
// 2 usage or configuration error, 3 a run that could not complete, 4 a
// scan with --fail-on that could not assess some targets in scope (see
// ExitError).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/org"
)

// Exit codes.
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitUsage    = 2
	// ExitFailure is a run that could not complete (AWS unreachable, ...).
	ExitFailure = 3
	// ExitIncomplete is a scan with --fail-on that finished but could not
	// assess some targets in scope (and had no failure at or over the
	// threshold), without --allow-partial.
	ExitIncomplete = 4
)

// ExitError carries the exit code of a failed command.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// usageErr marks err as a usage or configuration error (exit 2).
func usageErr(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// globals are the flags every command shares; they follow the AWS CLI.
type globals struct {
	profile        string
	region         string
	endpointURL    string
	connectTimeout time.Duration
	attemptTimeout time.Duration
}

func (g *globals) awsOptions() awsx.Options {
	return awsx.Options{Profile: g.profile, Region: g.region, EndpointURL: g.endpointURL,
		ConnectTimeout: g.connectTimeout, AttemptTimeout: g.attemptTimeout}
}

// check rejects timeouts that are not positive.
func (g *globals) check() error {
	for _, t := range []struct {
		flag string
		d    time.Duration
	}{{"--connect-timeout", g.connectTimeout}, {"--attempt-timeout", g.attemptTimeout}} {
		if t.d <= 0 {
			return usageErr("%s must be positive, got %s", t.flag, t.d)
		}
	}
	return nil
}

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(stderr, "guardrail: %v\n", err)
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	var se *org.SelectorError
	if errors.As(err, &se) {
		return ExitUsage
	}
	if errors.Is(err, context.Canceled) {
		return 130
	}
	if isUsage(err) {
		return ExitUsage
	}
	return ExitFailure
}

// isUsage recognises cobra's own flag and argument errors.
type flagError struct{ error }

func isUsage(err error) bool {
	var fe flagError
	if errors.As(err, &fe) {
		return true
	}
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "accepts ", "requires at least", "invalid argument"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "guardrail",
		Short: "Keep every account of an AWS Organization, in every region, inside safe security limits",
		Long: `Guardrail discovers an AWS Organization, assesses every account and region
against CIS AWS Foundations and AWS FSBP, keeps the findings across scans,
searches every account's resources, serves a dashboard, and applies the
detective baseline with a journal to roll it back.

AWS access follows the AWS CLI: the standard credential chain, --profile or
AWS_PROFILE, --region or AWS_REGION, and --endpoint-url or AWS_ENDPOINT_URL
(for example to point at the simulator started by 'guardrail sim serve').`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return flagError{fmt.Errorf("%s: %w (see '%s --help')", c.CommandPath(), err, c.CommandPath())}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&g.profile, "profile", "", "AWS shared config profile (default $AWS_PROFILE)")
	pf.StringVar(&g.region, "region", "", "AWS region for API calls that need one (default $AWS_REGION or the profile's)")
	pf.StringVar(&g.endpointURL, "endpoint-url", "", "send every AWS call to this endpoint (default $AWS_ENDPOINT_URL)")
	pf.DurationVar(&g.connectTimeout, "connect-timeout", awsx.DefaultConnectTimeout, "give up connecting to an AWS endpoint (TLS handshake included) after this long")
	pf.DurationVar(&g.attemptTimeout, "attempt-timeout", awsx.DefaultAttemptTimeout, "give up one attempt of an AWS call (request sent to answer read) after this long; a call that gets no answer is tried twice")
	root.PersistentPreRunE = func(*cobra.Command, []string) error { return g.check() }
	root.AddCommand(newScanCmd(g), newBaselineCmd(g), newFindingsCmd(g), newScansCmd(), newSearchCmd(), newOrgCmd(g), newControlsCmd(), newIAMPolicyCmd(), newBenchCmd(g), newSimCmd(g), newDemoCmd(g), newServeCmd(), newVersionCmd())
	return root
}

// Version is set at build time with -ldflags "-X ...cli.Version=v1.2.3".
var Version = "dev"

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			fmt.Fprintln(c.OutOrStdout(), "guardrail", Version)
			return nil
		},
	}
}
