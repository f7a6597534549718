package remediate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/store"
)

// Run is a remediation run as the journal keeps it.
type Run struct {
	store.BaselineRun
	Scan   string `json:"scan,omitempty"`
	Waves  []Wave `json:"waves,omitempty"`
	Halted *Halt  `json:"halted,omitempty"`
	Counts Counts `json:"counts,omitempty"`
	Gate   *Gate  `json:"gate,omitempty"`
	// RolledBackBy are the rollback runs of an apply run.
	RolledBackBy []string `json:"rolled_back_by,omitempty"`
	// Steps are the run's changes, in the order they were journaled
	// (RunStatus only).
	Steps []store.BaselineStep `json:"steps,omitempty"`
}

// Runs lists the remediation runs, newest first.
func Runs(ctx context.Context, j store.Journal) ([]Run, error) {
	all, err := j.BaselineRuns(ctx, 0)
	if err != nil {
		return nil, err
	}
	var out []Run
	undone := map[string][]string{}
	for _, r := range all {
		if r.Engine == store.EngineRemediate && r.Kind == store.RunRollback {
			undone[r.Of] = append(undone[r.Of], r.ID)
		}
	}
	for _, r := range all {
		if r.Engine != store.EngineRemediate {
			continue
		}
		run := Run{BaselineRun: r, RolledBackBy: undone[r.ID]}
		var oc outcome
		if len(r.Outcome) > 0 && json.Unmarshal(r.Outcome, &oc) == nil {
			run.Scan, run.Waves, run.Halted, run.Counts = oc.Scan, oc.Waves, oc.Halted, oc.Counts
			if oc.Gate.On() {
				g := oc.Gate
				run.Gate = &g
			}
		}
		out = append(out, run)
	}
	return out, nil
}

// RunStatus returns one remediation run with its steps.
func RunStatus(ctx context.Context, j store.Journal, id string) (Run, error) {
	runs, err := Runs(ctx, j)
	if err != nil {
		return Run{}, err
	}
	for _, r := range runs {
		if r.ID == id {
			r.Steps, err = j.BaselineSteps(ctx, id)
			return r, err
		}
	}
	return Run{}, inputErr("no remediation run %q (see 'guardrail remediate status')", id)
}

// History returns the journaled changes to a resource under a control,
// across runs, oldest first.
func History(ctx context.Context, j store.Journal, control, arn string) ([]store.BaselineStep, error) {
	runs, err := Runs(ctx, j)
	if err != nil {
		return nil, err
	}
	var out []store.BaselineStep
	key := control + " " + arn
	for i := len(runs) - 1; i >= 0; i-- {
		steps, err := j.BaselineSteps(ctx, runs[i].ID)
		if err != nil {
			return nil, err
		}
		for _, s := range steps {
			if s.Item == key {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// WriteRuns writes runs for a terminal.
func WriteRuns(w io.Writer, runs []Run) error {
	if len(runs) == 0 {
		_, err := fmt.Fprintln(w, "No remediation runs journaled.")
		return err
	}
	var b strings.Builder
	for _, r := range runs {
		fmt.Fprintf(&b, "%s  %-8s %-11s %s", r.ID, r.Kind, r.Status, r.Started.Format(time.RFC3339))
		if r.Of != "" {
			fmt.Fprintf(&b, "  of %s", r.Of)
		}
		if r.Scan != "" {
			fmt.Fprintf(&b, "  from %s", r.Scan)
		}
		if len(r.Waves) > 0 {
			fmt.Fprintf(&b, "  %d waves", len(r.Waves))
		}
		var parts []string
		for _, a := range []Action{Changed, Unverified, Restored, Failed, Pending} {
			if n := r.Counts[a]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, a))
			}
		}
		if len(parts) > 0 {
			fmt.Fprintf(&b, "  %s", strings.Join(parts, ", "))
		}
		if len(r.RolledBackBy) > 0 {
			fmt.Fprintf(&b, "  rolled back by %s", strings.Join(r.RolledBackBy, ", "))
		}
		b.WriteString("\n")
		if r.Halted != nil {
			fmt.Fprintf(&b, "    halted in wave %d: %s\n", r.Halted.Wave, r.Halted.Reason)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteRun writes one run, its waves and its changes, for a terminal.
func WriteRun(w io.Writer, r Run) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s, started %s by %s", r.ID, r.Kind, r.Status, r.Started.Format(time.RFC3339), r.By)
	if r.Of != "" {
		fmt.Fprintf(&b, ", rolls back %s", r.Of)
	}
	if r.Scan != "" {
		fmt.Fprintf(&b, ", from %s", r.Scan)
	}
	b.WriteString("\n")
	if r.Gate != nil {
		fmt.Fprintf(&b, "health gate: alarms %s\n", strings.Join(append(prefixed(r.Gate.AlarmPrefixes, "prefix "), prefixed(r.Gate.AlarmTags, "tag ")...), ", "))
	}
	for _, wv := range r.Waves {
		fmt.Fprintf(&b, "wave %d: %s, %d accounts, %d changes (%d changed, %d failed): %s\n", wv.N, wv.Status, len(wv.Accounts), wv.Changes, wv.Changed, wv.Failed, strings.Join(wv.Accounts, " "))
	}
	if r.Halted != nil {
		fmt.Fprintf(&b, "halted in wave %d: %s\n", r.Halted.Wave, r.Halted.Reason)
		if r.Halted.RolledBack != "" {
			fmt.Fprintf(&b, "  rolled back by %s\n", r.Halted.RolledBack)
		}
	}
	if len(r.RolledBackBy) > 0 {
		fmt.Fprintf(&b, "rolled back by %s\n", strings.Join(r.RolledBackBy, ", "))
	}
	for _, s := range r.Steps {
		wave := ""
		if s.Wave > 0 {
			wave = fmt.Sprintf(" wave %d", s.Wave)
		}
		fmt.Fprintf(&b, "  %s/%s %s%s %s", s.Account, s.Region, s.Item, wave, s.Status)
		if s.Detail != "" {
			fmt.Fprintf(&b, " (%s)", s.Detail)
		}
		fmt.Fprintf(&b, "\n    prior %s\n    want  %s\n", s.Prior, s.Want)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func prefixed(ss []string, p string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p + s
	}
	return out
}

// IsInput reports whether err is an InputError.
func IsInput(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}
