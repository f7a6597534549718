// Package cli is the guardrail command line: one file per subcommand, each
// a thin layer that parses flags and calls the packages that do the work.
// Errors become exit codes in one place, exitCode; the codes are the
// constants below and the README's table.
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
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/search"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/yamlpos"
)

// Exit codes. The README's table of exit codes says the same.
const (
	// ExitOK is success.
	ExitOK = 0
	// ExitFindings is a control failed at or over --fail-on (and drift
	// with baseline status --fail-on-drift).
	ExitFindings = 1
	// ExitUsage is a usage or configuration error: a bad flag value, an
	// unknown command, scan, run or item, a malformed file, a store or
	// address that cannot be opened. Nothing was done.
	ExitUsage = 2
	// ExitFailure is a run that could not complete (AWS unreachable,
	// items that failed, ...).
	ExitFailure = 3
	// ExitIncomplete is a scan that finished but some in-scope targets
	// could not be assessed (with --fail-on, unless --allow-partial).
	ExitIncomplete = 4
	// ExitInterrupted is Ctrl-C or SIGTERM.
	ExitInterrupted = 130
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

// exitCode is the one place an error becomes an exit code: an
// interruption is 130 whatever it broke; an *ExitError says its code;
// cobra's flag and argument errors and the typed errors of malformed
// input (a file at a line, a DSN, a search query, a selector that
// matches nothing of the organization) are usage errors;
// anything else is a run that could not complete.
func exitCode(ctx context.Context, err error) int {
	var (
		ee  *ExitError
		ye  *yamlpos.Error
		de  *store.DSNError
		qe  *search.QueryError
		se  *org.SelectorError
		re  *remediate.InputError
		use usageError
	)
	switch {
	case err == nil:
		return ExitOK
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, &use), errors.As(err, &ye), errors.As(err, &de), errors.As(err, &qe), errors.As(err, &se), errors.As(err, &re):
		return ExitUsage
	}
	return ExitFailure
}

// usageError is an error of cobra's own: a flag that does not parse, an
// argument count, an unknown command.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

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
	stopPacing()
	if err != nil {
		fmt.Fprintf(stderr, "guardrail: %v\n", err)
	}
	return exitCode(ctx, err)
}

// usageArgs makes every command's argument errors usage errors, and
// gives every command that only groups others a RunE: alone it shows its
// help; with an unknown subcommand it is a usage error (cobra would show
// the help and exit 0).
func usageArgs(c *cobra.Command) {
	if c.HasSubCommands() && c.RunE == nil && c.Run == nil {
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return c.Help()
			}
			hint := ""
			if s := c.SuggestionsFor(args[0]); len(s) > 0 {
				hint = "; did you mean " + strings.Join(s, " or ") + "?"
			}
			return usageError{fmt.Errorf("unknown command %q for %q%s (see '%s --help')", args[0], c.CommandPath(), hint, c.CommandPath())}
		}
	} else if check := c.Args; check != nil {
		c.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				return usageError{fmt.Errorf("%s: %w (see '%s --help')", c.CommandPath(), err, c.CommandPath())}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		usageArgs(sub)
	}
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "guardrail",
		Short: "Keep every account of an AWS Organization, in every region, inside safe security limits",
		Long: `Guardrail discovers an AWS Organization, assesses every account and region
against CIS AWS Foundations and AWS FSBP, keeps the findings across scans,
searches every account's resources, serves a dashboard, and applies the
detective baseline and fixes failing findings in waves behind a health
gate, both with a journal to roll them back, watches CloudTrail across
the organization (alerts on risky changes, and re-assesses what changed),
and builds and validates service control policies from intents. The
same controls check Terraform plans and CloudFormation templates (and
cdk.out) before they are applied (iac scan). Notification routes (by
account, OU, tag, severity, control) to Slack, Teams, e-mail, signed
webhooks, SNS and Jira are checked and tested with 'guardrail notify test'.
'guardrail deploy template' writes the CloudFormation that runs it in
AWS: ECS services and scheduled scans in a security tooling account, and
a StackSet of read roles for every account.

AWS access follows the AWS CLI: the standard credential chain, --profile or
AWS_PROFILE, --region or AWS_REGION, and --endpoint-url or AWS_ENDPOINT_URL
(for example to point at the simulator started by 'guardrail sim serve').`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%s: %w (see '%s --help')", c.CommandPath(), err, c.CommandPath())}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&g.profile, "profile", "", "AWS shared config profile (default $AWS_PROFILE)")
	pf.StringVar(&g.region, "region", "", "AWS region for API calls that need one (default $AWS_REGION or the profile's)")
	pf.StringVar(&g.endpointURL, "endpoint-url", "", "send every AWS call to this endpoint (default $AWS_ENDPOINT_URL)")
	pf.DurationVar(&g.connectTimeout, "connect-timeout", awsx.DefaultConnectTimeout, "give up connecting to an AWS endpoint (TLS handshake included) after this long")
	pf.DurationVar(&g.attemptTimeout, "attempt-timeout", awsx.DefaultAttemptTimeout, "give up one attempt of an AWS call (request sent to answer read) after this long; a call that gets no answer is tried twice")
	root.PersistentPreRunE = func(c *cobra.Command, _ []string) error { paceGC(c); return g.check() }
	root.AddCommand(newScanCmd(g), newBaselineCmd(g), newRemediateCmd(g), newFindingsCmd(g), newScansCmd(), newSearchCmd(), newOrgCmd(g), newControlsCmd(), newIAMPolicyCmd(), newSCPCmd(g), newBenchCmd(g), newSimCmd(g), newDemoCmd(g), newServeCmd(g), newWatchCmd(g), newWorkerCmd(g), newIACCmd(g), newNotifyCmd(g), newDeployCmd(), newVersionCmd())
	attachNotifyOutbox(root, g)
	usageArgs(root)
	return root
}
