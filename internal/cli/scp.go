package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/scp"
)

func newSCPCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "scp",
		Short: "Build and validate service control policies (preventive guardrails) from intents",
		Long: `Preventive guardrails: service control policies (SCPs) built from a YAML
file of intents per target (the root, an OU, an account): allowed regions,
denied services, protected security services and buckets, no leaving the
organization, no root user, IMDSv2 only, no disabling EBS default
encryption or S3 Block Public Access, plus raw statements.

'scp build' compiles the intents to AWS's documented SCP statements,
merges and packs them within AWS's limits (5,120 characters a policy, 5
policies a target counting FullAWSAccess and what stays attached), and
validates them; 'scp validate' checks intents files and SCP JSON files.
Every statement that can spare someone spares Guardrail's own role, and
validation proves no statement denies it an action it needs.

'scp plan', 'apply', 'rollback' and 'status' roll the built policies out
through AWS Organizations (management account) with the baseline's
journal; 'scp explain' names the SCP statement that denied a call.`,
	}
	c.AddCommand(newSCPBuildCmd(), newSCPValidateCmd())
	addSCPRolloutCmds(c, g) // plan, apply, rollback, status, explain (scp_rollout.go)
	return c
}

// guardrailActions are the actions Guardrail's role calls: the scan's
// (collectors and discovery), the baseline's and remediation's.
func guardrailActions() scp.GuardrailActions {
	var ga scp.GuardrailActions
	for _, st := range registry.Policy().Statement {
		ga.Scan = append(ga.Scan, st.Action...)
	}
	ga.Baseline = slices.Clone(scp.BaselineActions)
	ga.Remediate = append(slices.Clone(registry.DiscoveryActions), remediate.Actions(playbook.All())...)
	return ga
}

// scpCatalog is the catalog of the actions Guardrail knows.
func scpCatalog() *scp.Catalog {
	ga := guardrailActions()
	return scp.NewCatalog(ga.Scan, ga.Remediate)
}

// loadIntents reads and parses an intents file; any problem is a usage
// error naming file:line:column.
func loadIntents(path string) (*scp.Intents, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErr("--intents: %v", err)
	}
	in, err := scp.Load(path, src)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	return in, nil
}

// buildPlan builds and validates the intents: warnings go to stderr;
// errors (a policy that cannot fit, a misspelled action, a lockout) are
// a usage error and nothing is built.
func buildPlan(in *scp.Intents, attached scp.Attached, stderr io.Writer) (*scp.Plan, error) {
	plan, err := scp.Build(in, attached)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: %w", in.File, err)}
	}
	problems := scp.Validate(in, plan, scpCatalog(), guardrailActions())
	for _, p := range problems {
		if p.Severity == scp.Warning {
			fmt.Fprintln(stderr, p.String())
		}
	}
	if errs := scp.Errors(problems); len(errs) > 0 {
		var lines []string
		for _, p := range errs {
			lines = append(lines, p.String())
		}
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%d problem(s) in %s; nothing built:\n%s", len(errs), in.File, strings.Join(lines, "\n"))}
	}
	return plan, nil
}

type scpBuildOptions struct {
	intents  string
	out      string
	attached string
	format   string
}

func newSCPBuildCmd() *cobra.Command {
	var o scpBuildOptions
	c := &cobra.Command{
		Use:   "build --intents FILE [--out DIR] [--attached FILE] [--format text|json]",
		Short: "Compile intents to SCPs, merged and packed within AWS's limits, and validate them",
		Long: `Compile an intents file to service control policies: each intent becomes
the statement AWS documents for it, statements that differ only in their
actions are merged, and the result is packed into as few policies as fit
in 5,120 characters (minified), at most 5 per target counting FullAWSAccess
(which stays attached: SCPs need an Allow at every level) and the other
policies attached today (--attached: a JSON object of target to policy
names; Guardrail's own guardrail-… policies are replaced, not counted).
A target that cannot fit is an error naming it, its count and its size.

The built policies are validated as 'scp validate' does; on an error
nothing is written. With --out, each policy is written to DIR/<name>.json
and the plan to DIR/manifest.json; without it, the plan is printed.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runSCPBuild(o, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	c.Flags().StringVar(&o.intents, "intents", "", "the intents file (YAML; see examples/scp/intents.yaml)")
	c.Flags().StringVar(&o.out, "out", "", "write the policies and manifest.json to this directory")
	c.Flags().StringVar(&o.attached, "attached", "", `the SCPs attached today, as JSON: {"ou:Workloads": ["FullAWSAccess", "X"]} (default: FullAWSAccess only)`)
	c.Flags().StringVar(&o.format, "format", "text", "text or json (the manifest)")
	return c
}

func runSCPBuild(o scpBuildOptions, w, stderr io.Writer) error {
	if o.intents == "" {
		return usageErr("--intents FILE is required (see examples/scp/intents.yaml)")
	}
	if o.format != "text" && o.format != "json" {
		return usageErr("--format %q: want text or json", o.format)
	}
	in, err := loadIntents(o.intents)
	if err != nil {
		return err
	}
	var attached scp.Attached
	if o.attached != "" {
		data, err := os.ReadFile(o.attached)
		if err != nil {
			return usageErr("--attached: %v", err)
		}
		if attached, err = scp.LoadAttached(o.attached, data); err != nil {
			return usageErr("--attached: %v", err)
		}
	}
	plan, err := buildPlan(in, attached, stderr)
	if err != nil {
		return err
	}
	if o.out != "" {
		if err := writePlan(o.out, plan); err != nil {
			return err
		}
	}
	if o.format == "json" {
		return encodePlan(w, plan)
	}
	return writePlanText(w, plan, o.out)
}

// writePlan writes each policy to dir/<name>.json (the minified document
// itself, as AWS receives it) and the plan to dir/manifest.json, each
// file whole or not at all.
func writePlan(dir string, plan *scp.Plan) error {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return usageErr("--out %s: not a directory", dir)
	} else if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return usageErr("--out %s: %v", dir, err)
		}
	}
	for i := range plan.Targets {
		for j := range plan.Targets[i].Policies {
			b := &plan.Targets[i].Policies[j]
			b.File = b.Name + ".json"
			doc := b.Document
			if err := writeFile(filepath.Join(dir, b.File), func(w io.Writer) error { _, err := w.Write(doc); return err }); err != nil {
				return err
			}
		}
	}
	return writeFile(filepath.Join(dir, "manifest.json"), func(w io.Writer) error { return encodePlan(w, plan) })
}

// encodePlan writes the plan as one line of JSON: each policy's document
// stays byte for byte what is sent to AWS (indenting would add
// whitespace to it, and AWS counts whitespace sent through its API).
func encodePlan(w io.Writer, plan *scp.Plan) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(plan)
}

func writePlanText(w io.Writer, plan *scp.Plan, dir string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	n := 0
	for _, tp := range plan.Targets {
		fmt.Fprintf(tw, "%s\t%d polic%s\tslots %d of %d (kept: %s)\n", tp.Target, len(tp.Policies), plural(len(tp.Policies), "y", "ies"),
			len(tp.Policies)+len(tp.Keep), scp.MaxPerTarget, strings.Join(tp.Keep, ", "))
		for _, b := range tp.Policies {
			n++
			fmt.Fprintf(tw, "  %s\t%d of %d characters\t%s\n", b.Name, b.Size, scp.MaxPolicySize, strings.Join(b.Sids, ", "))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if dir != "" {
		_, err := fmt.Fprintf(w, "\nwrote %d polic%s and manifest.json to %s\n", n, plural(n, "y", "ies"), dir)
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d polic%s validated; --out DIR writes them and manifest.json\n", n, plural(n, "y", "ies"))
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

type scpValidateOptions struct {
	role    string
	regions []string
}

func newSCPValidateCmd() *cobra.Command {
	o := scpValidateOptions{role: scp.DefaultGuardrailRole, regions: []string{"us-east-1"}}
	c := &cobra.Command{
		Use:   "validate FILE... [--role NAME] [--regions r1,r2]",
		Short: "Check SCP JSON files and intents files: grammar, size, actions, and that Guardrail is not locked out",
		Long: `Check each file: an intents file (.yaml, .yml) is loaded, built and
validated as 'scp build' does; any other file is read as one SCP (JSON).

For an SCP: JSON and grammar errors with line and column; more than 5,120
characters minified; a Principal (SCPs take none); each action checked
against the catalog of actions Guardrail knows (a misspelled action of a
known service is an error with the likely action; a service unknown to
Guardrail is a warning); and every action Guardrail's role calls (scan,
baseline, remediation: 'guardrail iam-policy') evaluated as
arn:aws:iam::<account>:role/<--role> in each of --regions: a statement that
would deny one is an error naming the action and the statement.

Warnings are printed and the exit code is 0; any error exits 2.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runSCPValidate(o, args, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	c.Flags().StringVar(&o.role, "role", o.role, "Guardrail's role name in member accounts, for an SCP file (an intents file names its own)")
	c.Flags().StringSliceVar(&o.regions, "regions", o.regions, "the regions Guardrail's calls are evaluated in, for an SCP file")
	return c
}

func runSCPValidate(o scpValidateOptions, files []string, w, stderr io.Writer) error {
	if len(o.regions) == 0 {
		return usageErr("--regions: give at least one region")
	}
	cat := scpCatalog()
	ga := guardrailActions()
	var errs, warns int
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return usageErr("%v", err)
		}
		var problems []scp.Problem
		if ext := strings.ToLower(filepath.Ext(f)); ext == ".yaml" || ext == ".yml" {
			in, err := scp.Load(f, data)
			if err != nil {
				for _, line := range strings.Split(err.Error(), "\n") {
					fmt.Fprintln(stderr, strings.Replace(line, ": ", ": error: ", 1))
					errs++
				}
				continue
			}
			plan, err := scp.Build(in, nil)
			if err != nil {
				for _, line := range strings.Split(err.Error(), "\n") {
					fmt.Fprintf(stderr, "%s: error: %s\n", f, line)
					errs++
				}
				plan = nil
			}
			problems = scp.Validate(in, plan, cat, ga)
		} else {
			problems = scp.ValidateDocument(f, data, cat, scp.Lockout{Role: o.role, Regions: o.regions, Actions: ga})
		}
		for _, p := range problems {
			fmt.Fprintln(stderr, p.String())
			if p.Severity == scp.Error {
				errs++
			} else {
				warns++
			}
		}
	}
	if errs > 0 {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%d error(s), %d warning(s) in %d file(s)", errs, warns, len(files))}
	}
	_, err := fmt.Fprintf(w, "%d file(s) valid, %d warning(s)\n", len(files), warns)
	return err
}
