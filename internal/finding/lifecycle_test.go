package finding

import (
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

func res(s control.Status) Observation {
	return Observation{Result: control.Result{Control: "S3.8", Status: s, Reason: string(s),
		Resource: snapshot.Meta{ARN: "arn:aws:s3:::b", Type: "AwsS3Bucket", Account: "111122223333", Region: "eu-west-1"}},
		Control: &control.Control{ID: "S3.8", Title: "t", Severity: control.High}}
}

// TestLifecycle walks one finding through sequences of scans.
func TestLifecycle(t *testing.T) {
	day := func(n int) time.Time { return time.Date(2026, 1, n, 0, 0, 0, 0, time.UTC) }
	type step struct {
		status   control.Status // "" = resource gone; "S" = suppress until day 5; "U" = unsuppress
		want     Workflow
		wantKind string // last event kind, "" for none
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"new, unchanged, fixed", []step{{control.Failed, New, "created"}, {control.Failed, New, ""}, {control.Passed, Resolved, "resolved"}}},
		{"fixed then reopened", []step{{control.Failed, New, "created"}, {control.Passed, Resolved, "resolved"}, {control.Failed, New, "reopened"}}},
		{"passing from the start", []step{{control.Passed, Resolved, "created"}, {control.Passed, Resolved, ""}}},
		{"error never resolves", []step{{control.Failed, New, "created"}, {control.Error, New, "compliance"}, {control.Failed, New, "compliance"}}},
		{"first seen as error opens nothing until it fails", []step{{control.Error, Resolved, "created"}, {control.Failed, New, "reopened"}}},
		{"resource gone", []step{{control.Failed, New, "created"}, {"", Resolved, "resolved"}, {control.Failed, New, "reopened"}}},
		{"suppressed stays suppressed while failing", []step{{control.Failed, New, "created"}, {"S", Suppressed, "suppressed"}, {control.Failed, Suppressed, ""}}},
		{"suppression expires", []step{{control.Failed, New, "created"}, {"S", Suppressed, "suppressed"}, {control.Failed, Suppressed, ""}, {control.Failed, Suppressed, ""}, {control.Failed, New, "suppression_expired"}}},
		{"unsuppress", []step{{control.Failed, New, "created"}, {"S", Suppressed, "suppressed"}, {"U", New, "unsuppressed"}}},
		{"suppressed then fixed", []step{{control.Failed, New, "created"}, {"S", Suppressed, "suppressed"}, {control.Passed, Resolved, "resolved"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f *Finding
			for i, s := range tc.steps {
				at := day(i + 1)
				var nf Finding
				var evs []Event
				switch s.status {
				case "":
					nf, evs = Gone(*f, "scan", at)
				case "S":
					var e Event
					nf, e = Suppress(*f, "accepted", "alice", day(5), at)
					evs = []Event{e}
				case "U":
					var e Event
					nf, e = Unsuppress(*f, "no longer accepted", "alice", at)
					evs = []Event{e}
				default:
					nf, evs = Observe(f, res(s.status), "scan", at)
				}
				if nf.Workflow != s.want {
					t.Fatalf("step %d (%s): workflow %s, want %s", i, s.status, nf.Workflow, s.want)
				}
				last := ""
				if len(evs) > 0 {
					last = evs[len(evs)-1].Kind
				}
				if last != s.wantKind {
					t.Fatalf("step %d (%s): last event %q, want %q (%v)", i, s.status, last, s.wantKind, evs)
				}
				f = &nf
			}
			if f.FirstSeen != day(1) || f.ID != ID(res(control.Failed).Result) {
				t.Errorf("first seen %v, id %s", f.FirstSeen, f.ID)
			}
		})
	}
}
