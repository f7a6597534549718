// Package controltest runs controls over hand-built snapshots in tests.
package controltest

import (
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// Now is the scan time tests use: credential ages are measured from it.
var Now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// Account returns an account 111122223333 with the given regions, home
// region the first of them (us-east-1 when none), ready to fill.
func Account(regions ...string) *snapshot.Account {
	if len(regions) == 0 {
		regions = []string{"us-east-1"}
	}
	a := &snapshot.Account{ID: "111122223333", Name: "test", Partition: "aws", HomeRegion: regions[0],
		Regions: map[string]*snapshot.Region{}}
	for _, r := range regions {
		a.Regions[r] = &snapshot.Region{Name: r}
	}
	return a
}

// Snapshot returns a snapshot of accounts.
func Snapshot(accounts ...*snapshot.Account) *snapshot.Snapshot {
	s := &snapshot.Snapshot{Taken: Now}
	for _, a := range accounts {
		s.Add(a)
	}
	return s
}

// GlobalCollectors are the collectors whose gaps are per account.
var GlobalCollectors = map[string]bool{"iam": true, "s3": true, "account": true, "cloudfront": true, "route53": true}

// Eval runs c over every account of s at Now.
func Eval(c *control.Control, s *snapshot.Snapshot) []control.Result {
	var out []control.Result
	for _, a := range s.Accounts {
		out = append(out, control.EvaluateAccount([]*control.Control{c}, s, a,
			func(n string) bool { return GlobalCollectors[n] }, Now)...)
	}
	return out
}

// Statuses maps each result's resource ARN (and region, for account-level
// resources reported per region: "AWS::::Account:111122223333@eu-west-1")
// to its status, failing t when a resource has two results or a result
// has no reason.
func Statuses(t testing.TB, rs []control.Result) map[string]control.Status {
	t.Helper()
	out := map[string]control.Status{}
	for _, r := range rs {
		if r.Unexplained() {
			t.Errorf("control %s: %s result for %s without a reason", r.Control, r.Status, r.Resource.ARN)
		}
		k := r.Resource.ARN
		if r.Resource.Type == "AwsAccount" {
			k += "@" + r.Resource.Region
		}
		if _, dup := out[k]; dup {
			t.Errorf("control %s: two results for %s", r.Control, k)
		}
		out[k] = r.Status
	}
	return out
}

// ByID returns the control of cs with ID id, failing the test when there
// is none.
func ByID(t testing.TB, cs []*control.Control, id string) *control.Control {
	t.Helper()
	for _, c := range cs {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no control %s", id)
	return nil
}
