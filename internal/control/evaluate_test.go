package control_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// regional passes every region; global fails the account.
var (
	regional = &control.Control{ID: "EC2.7", Needs: []string{"ec2"}, Check: func(in *control.Input) {
		in.Pass(in.AccountMeta(), "ok")
	}}
	global = &control.Control{ID: "IAM.4", Global: true, Needs: []string{"iam"}, Check: func(in *control.Input) {
		in.Fail(in.AccountMeta(), "root key")
	}}
	// acrossRegions is a Global control that reads regional state: it
	// fails when it sees no trail, as CloudTrail.1 does.
	acrossRegions = &control.Control{ID: "CloudTrail.1", Global: true, Needs: []string{"cloudtrail"}, Check: func(in *control.Input) {
		for _, r := range in.Account.Regions {
			if r.CloudTrail != nil && len(r.CloudTrail.Trails) > 0 {
				in.Pass(in.AccountMeta(), "trail")
				return
			}
		}
		in.Fail(in.AccountMeta(), "no trail in any assessed region")
	}}
	panics = &control.Control{ID: "S3.1", Global: true, Check: func(in *control.Input) { panic("boom") }}
	// mute passes without saying why; blankPanic panics with "".
	mute       = &control.Control{ID: "EC2.2", Global: true, Check: func(in *control.Input) { in.Pass(in.AccountMeta(), " ") }}
	blankPanic = &control.Control{ID: "S3.2", Global: true, Check: func(in *control.Input) { panic("") }}
)

func noRegion(_ *snapshot.Snapshot, a *snapshot.Account) {
	a.Regions = map[string]*snapshot.Region{}
	a.Skipped = map[string]string{"eu-west-9": "region not enabled (opt-in required)"}
}

func TestEvaluateAccount(t *testing.T) {
	isGlobal := func(c string) bool { return c == "iam" }
	for _, tc := range []struct {
		name  string
		setup func(*snapshot.Snapshot, *snapshot.Account)
		ctl   *control.Control
		want  map[string]string // region -> status: reason prefix
	}{
		{"regional passes per region", nil, regional,
			map[string]string{"us-east-1": "PASSED", "eu-west-1": "PASSED"}},
		{"regional gap is ERROR in that region only", func(s *snapshot.Snapshot, a *snapshot.Account) {
			s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: "eu-west-1", Collector: "ec2"}, Reason: "ec2:DescribeX: AccessDenied"})
		}, regional, map[string]string{"us-east-1": "PASSED", "eu-west-1": "ERROR: ec2 not collected: ec2:DescribeX: AccessDenied"}},
		{"global gap is ERROR", func(s *snapshot.Snapshot, a *snapshot.Account) {
			s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Collector: "iam"}, Reason: "denied"})
		}, global, map[string]string{"us-east-1": "ERROR: iam not collected: denied"}},
		{"global in home region", nil, global, map[string]string{"us-east-1": "FAILED: root key"}},
		{"account not assessed", func(s *snapshot.Snapshot, a *snapshot.Account) { a.Err = "cannot act in account" }, regional,
			map[string]string{"us-east-1": "ERROR: account not assessed: cannot act in account"}},
		// A region not enabled is out of scope: no result, not an ERROR.
		{"region not enabled", func(s *snapshot.Snapshot, a *snapshot.Account) {
			a.Skipped = map[string]string{"eu-south-1": "region not enabled (opt-in required)"}
		}, regional, map[string]string{"us-east-1": "PASSED", "eu-west-1": "PASSED"}},
		// --regions naming only regions the account has not enabled: a
		// control that reads regional state has seen nothing; one that
		// reads global state only still judges the account.
		{"no region assessed, regional state", noRegion, acrossRegions,
			map[string]string{"us-east-1": "ERROR: " + control.NoRegionAssessed}},
		{"no region assessed, global state", noRegion, global, map[string]string{"us-east-1": "FAILED: root key"}},
		{"no region assessed, regional control", noRegion, regional, map[string]string{}},
		{"panic is ERROR", nil, panics, map[string]string{"us-east-1": "ERROR: control S3.1 failed: boom"}},
		// Issue #12: no result may have an empty reason.
		{"a result without a reason says so", nil, mute,
			map[string]string{"us-east-1": "PASSED: control EC2.2 gave no reason for this PASSED result (a bug in Guardrail)"}},
		{"a blank panic", nil, blankPanic, map[string]string{"us-east-1": "ERROR: control S3.2 failed: no reason recorded"}},
		{"a gap without a reason", func(s *snapshot.Snapshot, a *snapshot.Account) {
			s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Collector: "iam"}})
		}, global, map[string]string{"us-east-1": "ERROR: iam not collected: no reason recorded"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := controltest.Account("us-east-1", "eu-west-1")
			s := controltest.Snapshot(a)
			if tc.setup != nil {
				tc.setup(s, a)
			}
			rs := control.EvaluateAccount([]*control.Control{tc.ctl}, s, a, isGlobal, controltest.Now)
			got := map[string]string{}
			for _, r := range rs {
				if r.Unexplained() != (tc.ctl == mute) {
					t.Errorf("Unexplained() = %v for %q", r.Unexplained(), r.Reason)
				}
				got[r.Resource.Region] = string(r.Status) + ": " + r.Reason
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for region, w := range tc.want {
				if !strings.HasPrefix(got[region], w) {
					t.Errorf("%s: got %q, want prefix %q", region, got[region], w)
				}
			}
		})
	}
}

func TestSeverityAndIDs(t *testing.T) {
	if s, err := control.ParseSeverity("High"); err != nil || s != control.High {
		t.Errorf("ParseSeverity(High) = %v, %v", s, err)
	}
	if _, err := control.ParseSeverity("urgent"); err == nil {
		t.Error("ParseSeverity(urgent) succeeded")
	}
	if !control.Less("EC2.2", "EC2.10") || control.Less("S3.1", "EC2.9") {
		t.Error("Less orders by service, then number")
	}
	ok := &control.Control{ID: "S3.1", Title: "t", Service: "S3", ResourceType: "AwsAccount", Check: func(*control.Input) {}, Rationale: "r", Remediation: "m"}
	dup := *ok
	bad := *ok
	bad.ID = "s3-1"
	for name, tc := range map[string]struct {
		cs   []*control.Control
		stds []control.Standard
		want string
	}{
		"duplicate":       {[]*control.Control{ok, &dup}, nil, "defined twice"},
		"bad id":          {[]*control.Control{&bad}, nil, "ID must look like"},
		"unknown control": {[]*control.Control{ok}, []control.Standard{{ID: "x", Short: "x", Requirements: []control.StdItem{{ID: "1", Controls: []string{"GR.S3.9"}}}}}, "no control GR.S3.9"},
	} {
		if _, err := control.NewCatalog(tc.cs, tc.stds); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
}
