package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	orgapi "github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/scp"
	"github.com/guardrail-sec/guardrail/internal/scp/explain"
	"github.com/guardrail-sec/guardrail/internal/scp/rollout"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/yamlpos"
)

// scpRolloutFlags are the flags of scp plan, apply, rollback, status and
// explain.
type scpRolloutFlags struct {
	intents   string
	loaded    *scp.Intents
	build     string
	out       string
	plan      string
	format    string
	yes       bool
	force     bool
	db        dbFlag
	logBucket string
	home, far string
	adminRole string

	event        string
	account      string
	principal    string
	action       string
	region       string
	resource     string
	context      []string
	policiesFrom string
}

// addSCPRolloutCmds adds plan, apply, rollback, status and explain to
// the scp command.
func addSCPRolloutCmds(parent *cobra.Command, g *globals) {
	var pf scpRolloutFlags
	plan := &cobra.Command{
		Use:   "plan",
		Short: "Show what apply would change in the organization's SCPs, and what representative calls would then be allowed",
		Long: `Read the organization's SCPs and attachments (management account), compare
them with the built policies, and show per target the policies before and
after (created, updated, attached, detached, unchanged, kept) and, for one
member account under each changed target, the SCP decision before and after
for representative calls: RunInstances with and without IMDSv2 and in a far
region, StopLogging as a developer and as the administrator role, deleting
the log archive bucket (--log-bucket), leaving the organization, a service
outside the usual list, and every action Guardrail's own scan calls.
Nothing is changed. --out saves the plan for 'scp apply --plan'.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runSCPPlan(c.Context(), g, &pf, c.OutOrStdout())
		},
	}
	pf.registerDesired(plan)
	plan.Flags().StringVar(&pf.out, "out", "", "save the plan (JSON) to this file, for 'scp apply --plan'")
	plan.Flags().StringVar(&pf.logBucket, "log-bucket", "", "the log archive bucket, for the representative s3:DeleteBucket call")
	plan.Flags().StringVar(&pf.home, "home-region", "us-east-1", "a region the intents allow, for the representative calls")
	plan.Flags().StringVar(&pf.far, "far-region", "ap-southeast-2", "a region the intents deny, for the representative calls")
	plan.Flags().StringVar(&pf.adminRole, "admin-role", "OrganizationAccountAccessRole", "the administrator role the intents except, for the representative calls")
	plan.Flags().StringVar(&pf.format, "format", "text", "output format: text or json")

	var af scpRolloutFlags
	apply := &cobra.Command{
		Use:   "apply",
		Short: "Create, update, attach and detach the SCPs a plan says, journaling each prior state first",
		Long: `Apply a plan saved by 'scp plan --out' (or the built policies directly).
The organization is read again first: if the changes needed now differ from
the plan's, nothing is changed. Policies are created and updated first, then
attached, and only then are Guardrail's policies no longer wanted detached.
Each change is journaled in the store with its exact prior state before it
is sent; the first failure stops the run. Undo it with 'scp rollback RUN'.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runSCPApply(c.Context(), g, &af, c.InOrStdin(), c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	af.registerDesired(apply)
	apply.Flags().StringVar(&af.plan, "plan", "", "a plan saved by 'scp plan --out'")
	apply.Flags().BoolVar(&af.yes, "yes", false, "do not ask for confirmation (required when not on a terminal)")
	apply.Flags().StringVar(&af.format, "format", "text", "output format: text or json")
	af.db.register(apply)

	var rf scpRolloutFlags
	rollback := &cobra.Command{
		Use:   "rollback RUN",
		Short: "Restore the SCPs and attachments an apply run changed, newest change first",
		Long: `Restore the exact prior state of every change of an apply run, newest first:
policies it detached are attached again, policies it attached are detached,
policies it updated get their name, description and content back, and
policies it created are deleted. A policy someone changed since the run is
left alone unless --force. Each restore is journaled as a rollback run.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runSCPRollback(c.Context(), g, &rf, args[0], c.InOrStdin(), c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	rollback.Flags().BoolVar(&rf.yes, "yes", false, "do not ask for confirmation (required when not on a terminal)")
	rollback.Flags().BoolVar(&rf.force, "force", false, "also restore policies changed since the run by someone else")
	rollback.Flags().StringVar(&rf.format, "format", "text", "output format: text or json")
	rf.db.register(rollback)

	var sf scpRolloutFlags
	status := &cobra.Command{
		Use:   "status [RUN]",
		Short: "List the journaled SCP runs, or one run's changes with their prior states",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runSCPStatus(c.Context(), &sf, args, c.OutOrStdout())
		},
	}
	status.Flags().StringVar(&sf.format, "format", "text", "output format: text or json")
	sf.db.register(status)

	var ef scpRolloutFlags
	expl := &cobra.Command{
		Use:   "explain",
		Short: "Say which SCP statement denied a call, or that no SCP did",
		Long: `Explain a denied call: from a CloudTrail record (--event FILE, or - for
standard input: one record or a log file, of which the first denied record
is taken) or from flags (--account, --principal, --action, --region,
--resource, --context key=value). The SCPs along the account's path (root,
each OU, the account) are read from Organizations with the management
account's credentials, or from a plan saved by 'scp plan --out'
(--policies-from: the SCPs as that plan would leave them). It prints the
policy (ID, name), the root, OU or account it is attached to and the
statement (Sid and text) that denied the call, or the level where no SCP
allows it, or that no SCP denies it: the cause is then elsewhere (an
identity policy, a resource policy, a permissions boundary).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runSCPExplain(c.Context(), g, &ef, c.InOrStdin(), c.OutOrStdout())
		},
	}
	f := expl.Flags()
	f.StringVar(&ef.event, "event", "", "a CloudTrail record (JSON file, or - for standard input)")
	f.StringVar(&ef.account, "account", "", "the account the call was made in")
	f.StringVar(&ef.principal, "principal", "", "the caller's ARN (role, assumed-role session, user)")
	f.StringVar(&ef.action, "action", "", "the IAM action (ec2:RunInstances)")
	f.StringVar(&ef.region, "region", "", "the region the call was made in")
	f.StringVar(&ef.resource, "resource", "*", "the resource's ARN")
	f.StringArrayVar(&ef.context, "context", nil, "a condition key of the request, key=value (repeatable; ec2:MetadataHttpTokens=optional)")
	f.StringVar(&ef.policiesFrom, "policies-from", "", "read the SCPs from a plan saved by 'scp plan --out' (as it would leave them) instead of Organizations")
	f.StringVar(&ef.format, "format", "text", "output format: text or json")

	parent.AddCommand(plan, apply, rollback, status, expl)
}

func (f *scpRolloutFlags) registerDesired(c *cobra.Command) {
	c.Flags().StringVar(&f.intents, "intents", "", "an intents file (YAML), built against the policies attached now")
	c.Flags().StringVar(&f.build, "build", "", "the manifest.json 'guardrail scp build --out DIR' wrote")
}

func (f *scpRolloutFlags) hasDesired() bool { return f.intents != "" || f.build != "" }

// load reads the intents or the build before any call to AWS, so a
// malformed file is refused first.
func (f *scpRolloutFlags) load() error {
	switch {
	case f.intents != "" && f.build != "":
		return usageErr("--intents and --build go apart: give one")
	case f.intents != "":
		in, err := rollout.LoadIntents(f.intents)
		if err != nil {
			var ye *yamlpos.Error
			if errors.As(err, &ye) {
				return err
			}
			return usageErr("--intents: %v", err)
		}
		f.loaded = in
	case f.build != "":
		if _, err := rollout.ReadBuild(f.build); err != nil {
			return usageErr("--build %v", err)
		}
	default:
		return usageErr("say what to roll out: --intents FILE or --build manifest.json")
	}
	return nil
}

func checkFormat(format string) error {
	if format != "text" && format != "json" {
		return usageErr("--format %q: want text or json", format)
	}
	return nil
}

// desired reads what to roll out: the intents built against st, or a
// build's manifest.
func (f *scpRolloutFlags) desired(st *rollout.State) (rollout.Desired, error) {
	switch {
	case f.loaded != nil:
		d, err := st.Build(f.loaded)
		if err != nil {
			return d, usageErr("--intents %s: %v", f.intents, err)
		}
		return d, nil
	case f.build != "":
		d, err := rollout.ReadBuild(f.build)
		if err != nil {
			return d, usageErr("--build %v", err)
		}
		return d, nil
	}
	return rollout.Desired{}, usageErr("say what to roll out: --intents FILE or --build manifest.json")
}

func orgClient(ctx context.Context, g *globals) (*orgapi.Client, aws.Config, error) {
	cfg, err := awsx.Load(ctx, g.awsOptions())
	if err != nil {
		return nil, cfg, usageErr("%v", err)
	}
	return orgapi.NewFromConfig(cfg), cfg, nil
}

func runSCPPlan(ctx context.Context, g *globals, f *scpRolloutFlags, w io.Writer) error {
	if err := checkFormat(f.format); err != nil {
		return err
	}
	if err := f.load(); err != nil {
		return err
	}
	c, _, err := orgClient(ctx, g)
	if err != nil {
		return err
	}
	st, err := rollout.Read(ctx, c)
	if err != nil {
		return err
	}
	d, err := f.desired(st)
	if err != nil {
		return err
	}
	p, err := rollout.MakePlan(st, d)
	if err != nil {
		return usageErr("%v", err)
	}
	var scan []string
	for _, s := range registry.Policy().Statement {
		scan = append(scan, s.Action...)
	}
	if err := p.Judge(st, rollout.Calls(rollout.CallOptions{HomeRegion: f.home, FarRegion: f.far, AdminRole: f.adminRole,
		LogBucket: f.logBucket, ScanActions: scan})); err != nil {
		return err
	}
	if f.out != "" {
		if err := os.WriteFile(f.out, p.JSON(), 0o600); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	if f.format == "json" {
		_, err := w.Write(p.JSON())
		return err
	}
	if err := p.WriteText(w); err != nil {
		return err
	}
	if f.out != "" {
		fmt.Fprintf(w, "\nSaved to %s: apply it with 'guardrail scp apply --plan %s'.\n", f.out, f.out)
	}
	return nil
}

func runSCPApply(ctx context.Context, g *globals, f *scpRolloutFlags, in io.Reader, w, stderr io.Writer) error {
	if err := checkFormat(f.format); err != nil {
		return err
	}
	if (f.plan == "") == !f.hasDesired() {
		return usageErr("say what to apply: --plan FILE (from 'scp plan --out'), or --intents FILE or --build manifest.json")
	}
	if f.plan == "" {
		if err := f.load(); err != nil {
			return err
		}
	}
	if err := f.db.check(); err != nil {
		return err
	}
	c, cfg, err := orgClient(ctx, g)
	if err != nil {
		return err
	}
	var p *rollout.Plan
	if f.plan != "" {
		data, err := os.ReadFile(f.plan)
		if err != nil {
			return usageErr("--plan: %v", err)
		}
		if p, err = rollout.ReadPlan(data, f.plan); err != nil {
			return usageErr("--plan %v", err)
		}
	} else {
		st, err := rollout.Read(ctx, c)
		if err != nil {
			return err
		}
		d, err := f.desired(st)
		if err != nil {
			return err
		}
		if p, err = rollout.MakePlan(st, d); err != nil {
			return usageErr("%v", err)
		}
	}
	if len(p.Changes) == 0 {
		_, err := fmt.Fprintln(w, "Nothing to change: the organization's SCPs already match.")
		return err
	}
	if !f.yes {
		if !isTerminal(in) {
			return usageErr("scp apply changes the organization's SCPs: pass --yes when not on a terminal; see 'guardrail scp plan' first")
		}
		p.WriteText(w)
		if !askYes(in, stderr, fmt.Sprintf("Apply %d SCP changes (each prior state is journaled first)?", len(p.Changes))) {
			return nil
		}
	}
	st, err := f.db.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	_, by, err := awsx.CallerIdentity(ctx, cfg)
	if err != nil {
		return fmt.Errorf("scp apply: who am I: %w", err)
	}
	rep, err := rollout.Apply(ctx, c, p, rollout.Options{Journal: st, Now: f.db.clock(), By: by})
	var stale *rollout.StaleError
	if errors.As(err, &stale) {
		if len(stale.Got) == 0 {
			_, err := fmt.Fprintln(w, "Nothing to change: the organization's SCPs already match the plan.")
			return err
		}
		return &ExitError{Code: ExitFailure, Err: err}
	}
	return writeSCPReport(w, rep, f.format, err)
}

func writeSCPReport(w io.Writer, rep *rollout.Report, format string, err error) error {
	if rep != nil {
		if format == "json" {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			enc.Encode(rep)
		} else {
			of := ""
			if rep.Of != "" {
				of = " of " + rep.Of
			}
			fmt.Fprintf(w, "SCP %s run %s%s: %s\n", rep.Kind, rep.Run, of, rep.Status)
			for _, s := range rep.Steps {
				fmt.Fprintf(w, "  %-11s %s", s.Status, s.Change)
				if s.Detail != "" {
					fmt.Fprintf(w, "  (%s)", s.Detail)
				}
				fmt.Fprintln(w)
			}
			if rep.Kind == "apply" {
				fmt.Fprintf(w, "Undo it with 'guardrail scp rollback %s'.\n", rep.Run)
			}
		}
	}
	if err != nil {
		return err
	}
	if rep.Status != store.Complete {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("scp %s run %s is %s (steps above)", rep.Kind, rep.Run, rep.Status)}
	}
	return nil
}

func runSCPRollback(ctx context.Context, g *globals, f *scpRolloutFlags, run string, in io.Reader, w, stderr io.Writer) error {
	if err := checkFormat(f.format); err != nil {
		return err
	}
	if err := f.db.check(); err != nil {
		return err
	}
	st, err := f.db.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := st.BaselineRun(ctx, run)
	if errors.Is(err, store.ErrNotFound) || (err == nil && r.Engine != rollout.Engine) {
		return usageErr("no SCP run %q (see 'guardrail scp status%s')", run, f.db.flag())
	}
	if err != nil {
		return err
	}
	if !f.yes {
		if !isTerminal(in) {
			return usageErr("scp rollback changes the organization's SCPs: pass --yes when not on a terminal")
		}
		if !askYes(in, stderr, fmt.Sprintf("Roll back SCP run %s?", run)) {
			return nil
		}
	}
	c, cfg, err := orgClient(ctx, g)
	if err != nil {
		return err
	}
	_, by, err := awsx.CallerIdentity(ctx, cfg)
	if err != nil {
		return fmt.Errorf("scp rollback: who am I: %w", err)
	}
	rep, err := rollout.Rollback(ctx, c, run, rollout.Options{Journal: st, Now: f.db.clock(), By: by, Force: f.force})
	var ie *rollout.InputError
	if errors.As(err, &ie) {
		return usageErr("%v", err)
	}
	return writeSCPReport(w, rep, f.format, err)
}

func runSCPStatus(ctx context.Context, f *scpRolloutFlags, args []string, w io.Writer) error {
	if err := checkFormat(f.format); err != nil {
		return err
	}
	if err := f.db.check(); err != nil {
		return err
	}
	st, err := f.db.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if len(args) == 0 {
		runs, err := journaledRuns(ctx, st, rollout.Engine)
		if err != nil {
			return err
		}
		return writeRuns(w, runs, f.format, "No SCP runs journaled.")
	}
	r, err := st.BaselineRun(ctx, args[0])
	if errors.Is(err, store.ErrNotFound) || (err == nil && r.Engine != rollout.Engine) {
		return usageErr("no SCP run %q (see 'guardrail scp status%s')", args[0], f.db.flag())
	}
	if err != nil {
		return err
	}
	steps, err := st.BaselineSteps(ctx, r.ID)
	if err != nil {
		return err
	}
	if f.format == "json" {
		return json.NewEncoder(w).Encode(map[string]any{"run": r, "steps": steps})
	}
	fmt.Fprintf(w, "%s %s %s, started %s by %s, from %s\n", r.ID, r.Kind, r.Status, r.Started.Format(time.RFC3339), r.By, r.SpecName)
	for _, s := range steps {
		fmt.Fprintf(w, "  %-24s %-40s %-11s prior %s", s.Account, s.Item, s.Status, s.Prior)
		if s.Detail != "" {
			fmt.Fprintf(w, "  (%s)", s.Detail)
		}
		fmt.Fprintln(w)
	}
	return nil
}

func runSCPExplain(ctx context.Context, g *globals, f *scpRolloutFlags, in io.Reader, w io.Writer) error {
	if err := checkFormat(f.format); err != nil {
		return err
	}
	var call explain.Call
	switch {
	case f.event != "" && (f.account != "" || f.action != "" || f.principal != ""):
		return usageErr("give the call either as --event or as --account, --principal, --action and --region, not both")
	case f.event != "":
		name, data := f.event, []byte(nil)
		var err error
		if f.event == "-" {
			name = "standard input"
			data, err = io.ReadAll(in)
		} else {
			data, err = os.ReadFile(f.event)
		}
		if err != nil {
			return usageErr("--event: %v", err)
		}
		if call, err = explain.FromEvent(data, name); err != nil {
			return usageErr("--event %v", err)
		}
	default:
		var missing []string
		for _, m := range []struct{ flag, v string }{{"--account", f.account}, {"--principal", f.principal}, {"--action", f.action}, {"--region", f.region}} {
			if m.v == "" {
				missing = append(missing, m.flag)
			}
		}
		if len(missing) > 0 {
			return usageErr("say which call to explain: --event FILE, or %s", strings.Join(missing, ", "))
		}
		if !strings.Contains(f.action, ":") {
			return usageErr("--action %q: want service:Action (ec2:RunInstances)", f.action)
		}
		call = explain.Call{Account: f.account, Principal: f.principal, Action: f.action, Region: f.region, Resource: f.resource}
		for _, kv := range f.context {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return usageErr("--context %q: want key=value", kv)
			}
			if call.Context == nil {
				call.Context = map[string][]string{}
			}
			call.Context[k] = append(call.Context[k], v)
		}
	}
	var st *rollout.State
	if f.policiesFrom != "" {
		data, err := os.ReadFile(f.policiesFrom)
		if err != nil {
			return usageErr("--policies-from: %v", err)
		}
		p, err := rollout.ReadPlan(data, f.policiesFrom)
		if err != nil || p.State == nil {
			return usageErr("--policies-from %s: not a plan saved by 'scp plan --out' (%v)", f.policiesFrom, err)
		}
		st = p.After(p.State)
	} else {
		c, _, err := orgClient(ctx, g)
		if err != nil {
			return err
		}
		if st, err = rollout.Read(ctx, c); err != nil {
			return err
		}
	}
	e, err := explain.Explain(st, call)
	if err != nil {
		return usageErr("%v", err)
	}
	if f.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(e)
	}
	return e.WriteText(w)
}
