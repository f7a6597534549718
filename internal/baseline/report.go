package baseline

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/baseline/item"
)

// Action is what happened to one item in one target.
type Action string

// The actions.
const (
	// Change: plan or status found the item differs from the spec.
	Change Action = "change"
	// Changed: apply changed it; Restored: rollback put it back.
	Changed  Action = "changed"
	Restored Action = "restored"
	// Unchanged: it already matched.
	Unchanged Action = "unchanged"
	// Done: a resumed run had already changed it.
	Done Action = "done"
	// Skipped: it could not be handled there (the service is not
	// available in the region), with the reason; not an error.
	Skipped Action = "skipped"
	// Failed: reading or changing it failed, with the error.
	Failed Action = "failed"
)

// Result is one item in one target.
type Result struct {
	Account string        `json:"account"`
	Region  string        `json:"region"`
	Global  bool          `json:"global,omitempty"`
	Item    string        `json:"item"`
	Action  Action        `json:"action"`
	Changes []item.Change `json:"changes,omitempty"`
	// Reason says why it was skipped or failed, or what a rollback
	// could not undo.
	Reason string `json:"reason,omitempty"`
}

// Target is "111122223333/eu-west-1" or "111122223333/global".
func (r Result) Target() string {
	if r.Global {
		return r.Account + "/global"
	}
	return r.Account + "/" + r.Region
}

// Counts are results by action.
type Counts struct {
	Change    int `json:"change,omitempty"`
	Changed   int `json:"changed,omitempty"`
	Restored  int `json:"restored,omitempty"`
	Unchanged int `json:"unchanged"`
	Done      int `json:"done,omitempty"`
	Skipped   int `json:"skipped"`
	Failed    int `json:"failed"`
	// NotApplicable are items that do not apply in a target (not
	// managed there, or for another account): counted, not listed.
	NotApplicable int `json:"not_applicable"`
}

// Report is what a plan, apply, rollback or status found or did.
type Report struct {
	// Kind is plan, apply, rollback or status.
	Kind string `json:"kind"`
	// Run is the journaled run (apply, rollback); Of the run a rollback
	// undid.
	Run  string `json:"run,omitempty"`
	Of   string `json:"of,omitempty"`
	Spec string `json:"spec"`
	// Resumed says an unfinished run was taken up again.
	Resumed bool     `json:"resumed,omitempty"`
	Results []Result `json:"results"`
	Counts  Counts   `json:"counts"`
	// NotAssessed are accounts that could not be reached, with why.
	NotAssessed map[string]string `json:"not_assessed,omitempty"`
	Stats       Stats             `json:"stats"`
}

// Stats are a run's costs.
type Stats struct {
	Accounts int     `json:"accounts"`
	Targets  int     `json:"targets"`
	Tasks    int     `json:"tasks"`
	APICalls int64   `json:"api_calls"`
	WallSecs float64 `json:"wall_s"`
	// Chain is the number of calls that had to follow one another: the
	// sequential calls of discovery, then for each phase the most calls
	// one task (one service in one target, its items in order) made.
	// Times the least latency of a call, it bounds the wall time from
	// below whatever the concurrency.
	Chain int `json:"chain"`
}

func (r *Report) count() {
	var c Counts
	for _, res := range r.Results {
		switch res.Action {
		case Change:
			c.Change++
		case Changed:
			c.Changed++
		case Restored:
			c.Restored++
		case Unchanged:
			c.Unchanged++
		case Done:
			c.Done++
		case Skipped:
			c.Skipped++
		case Failed:
			c.Failed++
		}
	}
	c.NotApplicable = r.Counts.NotApplicable
	r.Counts = c
	sort.Slice(r.Results, func(i, j int) bool {
		a, b := r.Results[i], r.Results[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Global != b.Global {
			return a.Global
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Item < b.Item
	})
}

// Failures are the failed results.
func (r *Report) Failures() []Result {
	var out []Result
	for _, res := range r.Results {
		if res.Action == Failed {
			out = append(out, res)
		}
	}
	return out
}

// WriteText writes the report for a person: like a Terraform plan, the
// changes per target and item with each field's old and new value, then
// what was skipped or failed and why, then the counts. Unchanged items
// are listed only with verbose.
func (r *Report) WriteText(w io.Writer, verbose bool) error {
	var b strings.Builder
	marks := map[Action]string{Change: "~", Changed: "~", Restored: "<", Unchanged: " ", Done: "=", Skipped: "-", Failed: "!"}
	last := ""
	for _, res := range r.Results {
		if !verbose && (res.Action == Unchanged || res.Action == Done) {
			continue
		}
		if t := res.Target(); t != last {
			fmt.Fprintf(&b, "%s\n", t)
			last = t
		}
		fmt.Fprintf(&b, "  %s %-34s %s", marks[res.Action], res.Item, res.Action)
		if res.Reason != "" {
			fmt.Fprintf(&b, ": %s", res.Reason)
		}
		b.WriteByte('\n')
		for _, c := range res.Changes {
			fmt.Fprintf(&b, "      %s: %s -> %s\n", c.Field, brief(c.From, verbose), brief(c.To, verbose))
		}
	}
	if len(r.NotAssessed) > 0 {
		b.WriteString("NOT REACHED\n")
		ids := make([]string, 0, len(r.NotAssessed))
		for id := range r.NotAssessed {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			fmt.Fprintf(&b, "  %s: %s\n", id, r.NotAssessed[id])
		}
	}
	c := r.Counts
	head := r.Kind
	if r.Run != "" {
		head += " " + r.Run
		if r.Resumed {
			head += " (resumed)"
		}
	}
	if r.Of != "" {
		head += " of " + r.Of
	}
	var parts []string
	for _, p := range []struct {
		n    int
		name string
	}{{c.Change, map[bool]string{true: "differ", false: "to change"}[r.Kind == "status"]}, {c.Changed, "changed"}, {c.Restored, "restored"}, {c.Done, "done earlier"},
		{c.Unchanged, "unchanged"}, {c.Skipped, "skipped"}, {c.Failed, "failed"}} {
		if p.n > 0 || p.name == "unchanged" || p.name == "failed" {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.name))
		}
	}
	fmt.Fprintf(&b, "%s: %s (%d accounts, %d targets, %d API calls, %.1fs)\n", head, strings.Join(parts, ", "),
		r.Stats.Accounts, r.Stats.Targets, r.Stats.APICalls, r.Stats.WallSecs)
	_, err := io.WriteString(w, b.String())
	return err
}

// brief shortens a long value for the text report (JSON has it whole).
func brief(v []byte, verbose bool) string {
	const max = 160
	if verbose || len(v) <= max {
		return string(v)
	}
	return fmt.Sprintf("%s... (%d bytes; -v or --format json shows it whole)", v[:max-40], len(v))
}
