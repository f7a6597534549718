package remediate

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/jsondiff"
	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
)

// Action is what happened, or would happen, to one finding's resource.
type Action string

// The actions.
const (
	// Change: the plan would change it.
	Change Action = "change"
	// Changed: apply changed it and the control now passes.
	Changed Action = "changed"
	// Unverified: apply changed it, but re-assessing the control did not
	// find it passing (Reason says what it found).
	Unverified Action = "unverified"
	// Passing: the live state already passes; nothing to do.
	Passing Action = "passing"
	// Exempt: a tag or a suppression exempts it (Reason says which).
	Exempt Action = "exempt"
	// Skipped: the playbook does not fix it (a parameter is missing, it
	// changed since the plan, it is gone), with why; not an error.
	Skipped Action = "skipped"
	// Pending: planned for a wave that did not run (the run halted).
	Pending Action = "pending"
	// Failed: reading or changing it failed, with the error.
	Failed Action = "failed"
	// Restored: a rollback put it back; Unchanged: it already was.
	Restored  Action = "restored"
	Unchanged Action = "unchanged"
)

// Item is one finding's resource in a plan, an apply or a rollback.
type Item struct {
	Finding  string            `json:"finding,omitempty"`
	Control  string            `json:"control"`
	Severity string            `json:"severity,omitempty"`
	Account  string            `json:"account"`
	Region   string            `json:"region"`
	Global   bool              `json:"global,omitempty"`
	Resource playbook.Resource `json:"resource"`
	Playbook string            `json:"playbook"`
	Phase    int               `json:"phase,omitempty"`
	Wave     int               `json:"wave,omitempty"`
	Action   Action            `json:"action"`
	Reason   string            `json:"reason,omitempty"`
	Changes  []jsondiff.Field  `json:"changes,omitempty"`
	// Prior is the live state the plan read; Want the state that passes.
	Prior json.RawMessage `json:"prior,omitempty"`
	Want  json.RawMessage `json:"want,omitempty"`
}

// key is the item's journal item: "<control> <resource ARN>".
func (it *Item) key() string { return it.Control + " " + it.Resource.ARN }

// Wave is one wave of a run.
type Wave struct {
	N        int      `json:"n"`
	Accounts []string `json:"accounts"`
	// Changes is how many changes the plan put in it.
	Changes int `json:"changes"`
	// Status: planned, applied (and soaked), halted, rolled-back, not-run.
	Status  string `json:"status"`
	Changed int    `json:"changed,omitempty"`
	Failed  int    `json:"failed,omitempty"`
}

// Wave statuses.
const (
	WavePlanned    = "planned"
	WaveApplied    = "applied"
	WaveHalted     = "halted"
	WaveRolledBack = "rolled-back"
	WaveNotRun     = "not-run"
)

// Alarm is a CloudWatch alarm the health gate saw in ALARM.
type Alarm struct {
	Account string    `json:"account"`
	Region  string    `json:"region"`
	Name    string    `json:"name"`
	Reason  string    `json:"reason,omitempty"`
	Since   time.Time `json:"since,omitzero"`
}

func (a Alarm) String() string { return fmt.Sprintf("%s in %s/%s", a.Name, a.Account, a.Region) }

// Halt says why a run stopped before its last wave completed.
type Halt struct {
	Wave   int     `json:"wave"`
	Reason string  `json:"reason"`
	Alarms []Alarm `json:"alarms,omitempty"`
	// RolledBack is the rollback run that undid the wave (or the run).
	RolledBack string `json:"rolled_back,omitempty"`
}

// Counts are items by action.
type Counts map[Action]int

// Stats measure a run.
type Stats struct {
	Accounts int     `json:"accounts"`
	Targets  int     `json:"targets"`
	APICalls int64   `json:"api_calls"`
	WallSecs float64 `json:"wall_s"`
}

// Report is what a plan, an apply or a rollback did.
type Report struct {
	Kind string `json:"kind"` // plan, apply, rollback
	// Planned is when the plan read the live state.
	Planned time.Time `json:"planned,omitzero"`
	Run     string    `json:"run,omitempty"`
	Of      string    `json:"of,omitempty"` // the run a rollback undoes
	Scan    string    `json:"scan,omitempty"`
	// Status of an apply or rollback run (store.Complete, store.Partial,
	// Halted, store.Interrupted).
	Status string `json:"status,omitempty"`
	Items  []Item `json:"items"`
	Waves  []Wave `json:"waves,omitempty"`
	Halted *Halt  `json:"halted,omitempty"`
	Counts Counts `json:"counts"`
	// MaxChanges is the run's limit on changes.
	MaxChanges int `json:"max_changes"`
	// NotAssessed are accounts whose findings could not be acted on.
	NotAssessed map[string]string `json:"not_assessed,omitempty"`
	Stats       Stats             `json:"stats"`
}

// Halted is the status of a run the gate stopped.
const Halted = "HALTED"

func (r *Report) count() {
	r.Counts = Counts{}
	for _, it := range r.Items {
		r.Counts[it.Action]++
	}
	sort.SliceStable(r.Items, func(i, j int) bool {
		a, b := r.Items[i], r.Items[j]
		if a.Wave != b.Wave {
			return a.Wave < b.Wave
		}
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.Control != b.Control {
			return a.Control < b.Control
		}
		return a.Resource.ARN < b.Resource.ARN
	})
}

// Changes returns how many items the plan would change.
func (r *Report) Changes() int {
	n := 0
	for _, it := range r.Items {
		if it.Action == Change || it.Action == Changed || it.Action == Unverified || it.Action == Pending {
			n++
		}
	}
	return n
}

// WriteText writes the report for a terminal; verbose adds every item
// that does not change, and each change's fields.
func (r *Report) WriteText(w io.Writer, verbose bool) error {
	var b strings.Builder
	switch r.Kind {
	case "plan":
		fmt.Fprintf(&b, "Remediation plan from scan %s: %d to change (limit %d per run)\n", r.Scan, r.Changes(), r.MaxChanges)
	case "apply":
		fmt.Fprintf(&b, "Remediation run %s from scan %s: %s\n", r.Run, r.Scan, r.Status)
	case "rollback":
		fmt.Fprintf(&b, "Rollback run %s of %s: %s\n", r.Run, r.Of, r.Status)
	}
	for _, wv := range r.Waves {
		fmt.Fprintf(&b, "  wave %d: %d accounts, %d changes, %s", wv.N, len(wv.Accounts), wv.Changes, wv.Status)
		if wv.Changed+wv.Failed > 0 {
			fmt.Fprintf(&b, " (%d changed, %d failed)", wv.Changed, wv.Failed)
		}
		if len(wv.Accounts) <= 4 {
			fmt.Fprintf(&b, "  %s", strings.Join(wv.Accounts, " "))
		}
		b.WriteString("\n")
	}
	if h := r.Halted; h != nil {
		fmt.Fprintf(&b, "HALTED in wave %d: %s\n", h.Wave, h.Reason)
		for _, a := range h.Alarms {
			fmt.Fprintf(&b, "  alarm %s: %s\n", a, a.Reason)
		}
		if h.RolledBack != "" {
			fmt.Fprintf(&b, "  rolled back by %s\n", h.RolledBack)
		}
	}
	for _, it := range r.Items {
		quiet := it.Action == Passing || it.Action == Unchanged || it.Action == Pending
		if quiet && !verbose {
			continue
		}
		where := it.Account + "/" + it.Region
		fmt.Fprintf(&b, "%-10s %-12s %-26s %s", it.Action, it.Control, where, it.Resource.ARN)
		if it.Wave > 0 {
			fmt.Fprintf(&b, " (wave %d)", it.Wave)
		}
		if it.Reason != "" {
			fmt.Fprintf(&b, ": %s", it.Reason)
		}
		b.WriteString("\n")
		if verbose || it.Action == Change {
			for _, c := range it.Changes {
				fmt.Fprintf(&b, "    %s: %s -> %s\n", c.Field, c.From, c.To)
			}
		}
	}
	var parts []string
	for _, a := range []Action{Change, Changed, Unverified, Restored, Unchanged, Passing, Exempt, Skipped, Pending, Failed} {
		if n := r.Counts[a]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, a))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing to do")
	}
	fmt.Fprintf(&b, "%s; %d API calls in %.1fs\n", strings.Join(parts, ", "), r.Stats.APICalls, r.Stats.WallSecs)
	for _, id := range sortedKeys(r.NotAssessed) {
		fmt.Fprintf(&b, "not assessed: %s: %s\n", id, r.NotAssessed[id])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
