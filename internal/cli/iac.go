package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/iac"
	"github.com/guardrail-sec/guardrail/internal/iac/cloudformation"
	"github.com/guardrail-sec/guardrail/internal/iac/terraform"
	s3snap "github.com/guardrail-sec/guardrail/internal/snapshot/s3"
	"github.com/guardrail-sec/guardrail/internal/store"
)

func newIACCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "iac",
		Short: "Assess Terraform plans and CloudFormation templates with the same controls as live accounts, before they are applied",
	}
	c.AddCommand(newIACScanCmd(g))
	return c
}

// iacScan is the options of 'iac scan'.
type iacScan struct {
	g          *globals
	db         dbFlag
	format     string
	out        string
	failOn     string
	account    string
	source     string
	exemptions string
	controls   []string
	standards  []string
	fromStore  bool
	ctxAccount string
	ebsDefault bool
	s3Account  bool
	paramList  []string
	params     map[string]string
	accountSet bool
	now        func() time.Time
}

func newIACScanCmd(g *globals) *cobra.Command {
	s := &iacScan{g: g, now: clock.Real}
	c := &cobra.Command{
		Use:   "scan PLAN.json|TEMPLATE|cdk.out...",
		Short: "Assess Terraform plans in JSON (terraform show -json), CloudFormation templates and cdk.out directories with Guardrail's controls",
		Long: `Assess each Terraform plan in JSON ('terraform show -json plan.out',
format versions 0.1 to 1.x) with the same controls, IDs, severities and
reasons as a scan of a live account: the plan's desired state (created,
updated, replaced and unchanged resources; deletions skipped, data sources
ignored) becomes the state the collectors would read once it is applied,
in one synthetic account (--account) and region (the plan's aws provider
region, else --region, else us-east-1).

A value known only after apply is UNKNOWN with the attributes, never
PASSED. Account-wide state (password policy, EBS encryption by default,
the account's S3 Block Public Access, CloudTrail, Config, GuardDuty, the
CIS metric filters) is judged only when the plan defines it, or from
--context-from-store (the latest live scan's results for --context-account
in the store) or the flags --ebs-encryption-by-default and
--s3-account-public-access-block; otherwise it is NOT_ASSESSED, with why.
A resource type no mapping covers is listed as not assessed.

A CloudFormation template (JSON or YAML, the short forms !Ref, !GetAtt,
!Sub, !If... and their long forms) is resolved where the template alone
decides: parameters from their Default or --parameter KEY=VALUE,
conditions, mappings and the pseudo parameters of --account and --region
(a cdk.out directory: each stack's environment when it names one). A
value it does not decide (an !ImportValue, a parameter without a value,
an attribute known once the resource exists) is UNKNOWN; a resource whose
condition is false is skipped. Results name the logical ID (cdk.out:
Stack/LogicalID) and its line in the template.

--source DIR (the Terraform root module's directory) adds the file and
line of each resource block. --exemptions FILE reads approved exceptions
(control, address or pattern, reason, approver, expires); a resource's
guardrail:exempt tag is read as on live resources. An exempted failure is
EXEMPTED and does not fail the run; an expired one fails again.

Exit codes: 0 no FAILED result at or over --fail-on (or no --fail-on),
1 one is, 2 a usage error or input that cannot be read (file:line:col).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			s.accountSet = c.Flags().Changed("account")
			return s.run(c.Context(), args, c.OutOrStdout(), c.ErrOrStderr(), c.Flags().Changed("ebs-encryption-by-default"), c.Flags().Changed("s3-account-public-access-block"))
		},
	}
	f := c.Flags()
	f.StringVar(&s.format, "format", "text", "output format: text, json, sarif or junit")
	f.StringVar(&s.out, "out", "", "write the report to this file (whole or not at all) instead of standard output")
	f.StringVar(&s.failOn, "fail-on", "", "exit 1 if a control fails (not exempted) at or above this severity (low, medium, high, critical)")
	f.StringVar(&s.account, "account", iac.DefaultAccount, "the synthetic account ID the plan is assessed in")
	f.StringVar(&s.source, "source", "", "the Terraform root module directory: results name the file and line of each resource block")
	f.StringVar(&s.exemptions, "exemptions", "", "a YAML file of approved exceptions (see 'IaC checks in CI' in the README)")
	f.StringSliceVar(&s.controls, "controls", nil, "assess only these controls (IDs, comma-separated)")
	f.StringSliceVar(&s.standards, "standard", nil, "assess only the controls of these standards ("+standardsHelp+")")
	f.BoolVar(&s.fromStore, "context-from-store", false, "take the account-wide state the plan does not define from the latest live scan of --context-account in the store (--db)")
	f.StringVar(&s.ctxAccount, "context-account", "", "with --context-from-store: the live account the plan will be applied to")
	f.BoolVar(&s.ebsDefault, "ebs-encryption-by-default", false, "the account has EBS encryption by default on (=false: off) in the plan's region")
	f.BoolVar(&s.s3Account, "s3-account-public-access-block", false, "the account has all four S3 Block Public Access settings on (=false: not all)")
	f.StringArrayVar(&s.paramList, "parameter", nil, "a CloudFormation template parameter's value, KEY=VALUE (repeatable; a list parameter's value is comma separated)")
	s.db.register(c)
	return c
}

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

func (s *iacScan) run(ctx context.Context, paths []string, stdout, stderr io.Writer, ebsSet, s3Set bool) error {
	if !slices.Contains(iac.Formats, s.format) {
		return usageErr("--format %q: want one of %s", s.format, strings.Join(iac.Formats, ", "))
	}
	var threshold *control.Severity
	if s.failOn != "" {
		sev, err := control.ParseSeverity(s.failOn)
		if err != nil {
			return usageErr("--fail-on: %v", err)
		}
		threshold = &sev
	}
	for _, kv := range s.paramList {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return usageErr("--parameter %q: want KEY=VALUE", kv)
		}
		if s.params == nil {
			s.params = map[string]string{}
		}
		s.params[k] = v
	}
	if !accountID.MatchString(s.account) {
		return usageErr("--account %q: want a 12-digit account ID", s.account)
	}
	if s.fromStore != (s.ctxAccount != "") {
		return usageErr("--context-from-store and --context-account go together")
	}
	if s.ctxAccount != "" && !accountID.MatchString(s.ctxAccount) {
		return usageErr("--context-account %q: want a 12-digit account ID", s.ctxAccount)
	}
	if s.source != "" {
		if st, err := os.Stat(s.source); err != nil || !st.IsDir() {
			return usageErr("--source %q: not a directory", s.source)
		}
	}
	cat, err := catalog.Default()
	if err != nil {
		return err
	}
	if _, err := iac.SelectControls(cat, s.controls, s.standards); err != nil {
		return usageErr("%v", err)
	}
	opts := iac.Options{Now: s.now(), Controls: s.controls, Standards: s.standards, Catalog: cat}
	if s.exemptions != "" {
		b, err := os.ReadFile(s.exemptions)
		if err != nil {
			return usageErr("--exemptions: %v", err)
		}
		if opts.Exemptions, err = iac.ParseExemptions(s.exemptions, b, cat); err != nil {
			return &ExitError{Code: ExitUsage, Err: err}
		}
	}
	var ictx *iac.Context
	if ebsSet || s3Set {
		ictx = &iac.Context{Source: "flags"}
		if ebsSet {
			v := s.ebsDefault
			ictx.EBSEncryptionByDefault = &v
		}
		if s3Set {
			v := s.s3Account
			ictx.S3AccountPublicAccessBlock = &s3snap.PublicAccessBlock{BlockPublicACLs: v, IgnorePublicACLs: v, BlockPublicPolicy: v, RestrictPublicBuckets: v}
		}
	}
	if s.fromStore {
		if err := s.db.check(); err != nil {
			return err
		}
		st, err := s.db.open(ctx)
		if err != nil {
			return err
		}
		fromStore, err := storeContext(ctx, st, cat, s.ctxAccount)
		_ = st.Close()
		if err != nil {
			return err
		}
		if ictx != nil { // the flags win over the store
			fromStore.Source += " and flags"
			if ictx.EBSEncryptionByDefault != nil {
				fromStore.EBSEncryptionByDefault = ictx.EBSEncryptionByDefault
			}
			if ictx.S3AccountPublicAccessBlock != nil {
				fromStore.S3AccountPublicAccessBlock = ictx.S3AccountPublicAccessBlock
			}
		}
		ictx = fromStore
	}
	opts.Context = ictx
	var reps []*iac.Report
	for _, p := range paths {
		srcs, err := s.load(p)
		if err != nil {
			return err
		}
		for _, src := range srcs {
			rep, err := iac.Evaluate(src, opts)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: %w", p, err)}
			}
			reps = append(reps, rep)
		}
	}
	rep := iac.Merge(reps...)
	relativeFiles(rep)
	write := func(w io.Writer) error { return iac.Write(w, rep, s.format) }
	if s.out != "" {
		if err := writeFile(s.out, write); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	} else if err := write(stdout); err != nil {
		return err
	}
	if threshold != nil {
		if n := len(rep.Failing(*threshold)); n > 0 {
			return &ExitError{Code: ExitFindings, Err: fmt.Errorf("%d failed results at or above %s (--fail-on)", n, *threshold)}
		}
	}
	return nil
}

// relativeFiles makes the file of each result relative to the working
// directory when it is under it: code scanning resolves a SARIF file's
// paths against the repository's root, where CI runs the scan.
func relativeFiles(rep *iac.Report) {
	wd, err := os.Getwd()
	if err != nil {
		return
	}
	for i := range rep.Results {
		f := rep.Results[i].File
		if !filepath.IsAbs(f) {
			continue
		}
		if rel, err := filepath.Rel(wd, f); err == nil && !strings.HasPrefix(rel, "..") {
			rep.Results[i].File = rel
		}
	}
}

// load reads one input and picks its loader by content: a CloudFormation
// template (JSON or YAML) or a cdk.out directory (one source per stack),
// else a Terraform plan.
func (s *iacScan) load(path string) ([]*iac.Source, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	var data []byte
	if !st.IsDir() {
		if data, err = os.ReadFile(path); err != nil {
			return nil, usageErr("%v", err)
		}
	}
	inputErr := func(err error) error {
		var ie *iac.InputError
		if errors.As(err, &ie) {
			return &ExitError{Code: ExitUsage, Err: err}
		}
		return err
	}
	if cloudformation.Detect(path, data) {
		o := cloudformation.LoadOptions{Now: s.now(), Options: cloudformation.Options{Region: s.g.region, Parameters: s.params}}
		if s.accountSet {
			o.AccountID = s.account
		}
		srcs, err := cloudformation.Load(path, o)
		if err != nil {
			return nil, inputErr(err)
		}
		return srcs, nil
	}
	if st.IsDir() {
		return nil, usageErr("%s: a directory without manifest.json; give a plan's JSON file (terraform show -json plan.out > plan.json), a template, or a cdk.out directory", path)
	}
	if len(s.params) > 0 {
		return nil, usageErr("%s: --parameter applies to CloudFormation templates, not Terraform plans", path)
	}
	src, err := terraform.Load(path, data, terraform.Options{Account: s.account, Region: s.g.region, Now: s.now(), SourceDir: s.source})
	if err != nil {
		return nil, inputErr(err)
	}
	return []*iac.Source{src}, nil
}

// storeContext is the account-wide state of account from the store: the
// store keeps results (findings), not the snapshot, so the latest results
// of the account-level controls are the context, and two of them give
// settings a plan's resources depend on (EC2.7: EBS encryption by
// default; S3.1: the account's Block Public Access).
func storeContext(ctx context.Context, st store.Store, cat *control.Catalog, account string) (*iac.Context, error) {
	var ids []string
	for _, c := range cat.Controls() {
		if c.ResourceType == "AwsAccount" {
			ids = append(ids, c.ID)
		}
	}
	fs, _, err := st.Findings(ctx, store.Filter{Accounts: []string{account}, Controls: ids, ResourceType: "AwsAccount"})
	if err != nil {
		return nil, fmt.Errorf("--context-from-store: %w", err)
	}
	if len(fs) == 0 {
		return nil, usageErr("--context-from-store: the store holds no result for account %s: scan it first (guardrail scan --include %s)", account, account)
	}
	return iac.ContextFromFindings(fs, account), nil
}
