package cloudtrail

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
)

const (
	acct = "111122223333" // controltest.Account
	mgmt = "999988887777"
)

func arn(account, region, name string) string {
	return "arn:aws:cloudtrail:" + region + ":" + account + ":trail/" + name
}

// good is a multi-region trail homed in us-east-1 that passes everything.
func good(account, name string) cloudtrail.Trail {
	return cloudtrail.Trail{
		ARN: arn(account, "us-east-1", name), Name: name, S3BucketName: "logs", HomeRegion: "us-east-1",
		IsMultiRegion: true, IncludeGlobalServiceEvents: true, LogFileValidation: true,
		KMSKeyID:                  "arn:aws:kms:us-east-1:" + account + ":key/k",
		CloudWatchLogsLogGroupARN: "arn:aws:logs:us-east-1:" + account + ":log-group:trail:*",
		Status:                    &cloudtrail.Status{IsLogging: true},
		Selectors: &cloudtrail.Selectors{Basic: []cloudtrail.EventSelector{
			{ReadWriteType: "All", IncludeManagementEvents: true,
				DataResources: []cloudtrail.DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}}},
		}},
	}
}

func with(t cloudtrail.Trail, f func(*cloudtrail.Trail)) cloudtrail.Trail {
	f(&t)
	return t
}

// account returns an account with trails in every region of regions that
// shows them (a trail is shown in its home region, and everywhere when it
// is multi-region).
func account(id string, regions []string, trails ...cloudtrail.Trail) *snapshot.Account {
	a := controltest.Account(regions...)
	a.ID = id
	for _, r := range regions {
		ct := &cloudtrail.CloudTrail{Trails: []cloudtrail.Trail{}}
		for _, t := range trails {
			if t.HomeRegion == r || t.IsMultiRegion {
				ct.Trails = append(ct.Trails, t)
			}
		}
		a.Regions[r].CloudTrail = ct
	}
	return a
}

var two = []string{"us-east-1", "eu-west-1"}

func gap(s *snapshot.Snapshot, account, region string) *snapshot.Snapshot {
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: account, Region: region, Collector: "cloudtrail"},
		Class: "access denied", Reason: "AccessDenied: not allowed"})
	return s
}

func control_(t *testing.T, id string) *control.Control {
	t.Helper()
	for _, c := range Controls() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no control %s", id)
	return nil
}

type want struct {
	key    string // resource ARN, or AWS::::Account:<id>@<region>
	status control.Status
	reason string // a substring of the reason
}

func run(t *testing.T, id string, s *snapshot.Snapshot, wants []want, onlyAccount string) {
	t.Helper()
	rs := controltest.Eval(control_(t, id), s)
	var mine []control.Result
	for _, r := range rs {
		if onlyAccount == "" || r.Resource.Account == onlyAccount {
			mine = append(mine, r)
		}
	}
	got := controltest.Statuses(t, mine)
	if len(got) != len(wants) {
		t.Errorf("%s: %d results, want %d: %+v", id, len(got), len(wants), mine)
	}
	for _, w := range wants {
		if got[w.key] != w.status {
			t.Errorf("%s: %s = %q, want %s (results %+v)", id, w.key, got[w.key], w.status, mine)
		}
		for _, r := range mine {
			k := r.Resource.ARN
			if r.Resource.Type == "AwsAccount" {
				k += "@" + r.Resource.Region
			}
			if k == w.key && !strings.Contains(r.Reason, w.reason) {
				t.Errorf("%s: %s reason %q, want it to say %q", id, k, r.Reason, w.reason)
			}
		}
	}
}

func acctKey(id, region string) string { return "AWS::::Account:" + id + "@" + region }

func TestEnabled(t *testing.T) {
	org := with(good(mgmt, "org-trail"), func(t *cloudtrail.Trail) { t.IsOrganization = true })
	orgNoStatus := with(org, func(t *cloudtrail.Trail) {
		t.Status = nil
		t.Errors = map[string]string{"status": "AccessDenied: denied"}
	})
	noKMS := with(good(acct, "main"), func(t *cloudtrail.Trail) {
		t.Selectors = &cloudtrail.Selectors{Basic: []cloudtrail.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true,
			ExcludeManagementEventSources: []string{"kms.amazonaws.com"}}}}
	})
	home := acctKey(acct, "us-east-1")
	for _, tc := range []struct {
		name string
		snap *snapshot.Snapshot
		want want
	}{
		{"own trail", controltest.Snapshot(account(acct, two, good(acct, "main"))), want{home, control.Passed, "main is logging read and write"}},
		{"organization trail", controltest.Snapshot(account(acct, two, org)), want{home, control.Passed, "org-trail of " + mgmt}},
		{"organization trail status from the owner", controltest.Snapshot(account(acct, two, orgNoStatus), account(mgmt, two, org)),
			want{home, control.Passed, "org-trail"}},
		{"organization trail status unknown", controltest.Snapshot(account(acct, two, orgNoStatus)),
			want{home, control.Error, "status of trail org-trail not read: AccessDenied"}},
		{"no trail", controltest.Snapshot(account(acct, two)), want{home, control.Failed, "no CloudTrail trail"}},
		{"single region", controltest.Snapshot(account(acct, two, with(good(acct, "main"), func(t *cloudtrail.Trail) { t.IsMultiRegion = false }))),
			want{home, control.Failed, "main is single-region"}},
		{"stopped", controltest.Snapshot(account(acct, two, with(good(acct, "main"), func(t *cloudtrail.Trail) {
			t.Status = &cloudtrail.Status{IsLogging: false, StopLoggingTime: controltest.Now.AddDate(0, 0, -45)}
		}))), want{home, control.Failed, "main is not logging since 2026-04-17"}},
		{"write only", controltest.Snapshot(account(acct, two, with(good(acct, "main"), func(t *cloudtrail.Trail) {
			t.Selectors = &cloudtrail.Selectors{Basic: []cloudtrail.EventSelector{{ReadWriteType: "WriteOnly", IncludeManagementEvents: true}}}
		}))), want{home, control.Failed, "main logs only write management events"}},
		// Issue #12: a trail that leaves out a service's management events
		// does not log all of them; it used to pass with a note.
		{"excluded source", controltest.Snapshot(account(acct, two, noKMS)),
			want{home, control.Failed, "main leaves out management events from kms.amazonaws.com"}},
		{"excluded source by an advanced selector", controltest.Snapshot(account(acct, two, with(good(acct, "main"), func(t *cloudtrail.Trail) {
			t.Selectors = &cloudtrail.Selectors{Advanced: []cloudtrail.AdvancedEventSelector{{FieldSelectors: []cloudtrail.FieldSelector{
				{Field: "eventCategory", Equals: []string{"Management"}}, {Field: "eventSource", NotEquals: []string{"rdsdata.amazonaws.com"}}}}}}
		}))), want{home, control.Failed, "main leaves out management events from rdsdata.amazonaws.com"}},
		{"excluded source, organization trail qualifies", controltest.Snapshot(account(acct, two, noKMS, org)),
			want{home, control.Passed, "org-trail of " + mgmt + " is logging read and write management events"}},
		{"selectors unknown", controltest.Snapshot(account(acct, two, with(good(acct, "main"), func(t *cloudtrail.Trail) {
			t.Selectors, t.Errors = nil, map[string]string{"event_selectors": "AccessDenied: no"}
		}))), want{home, control.Error, "event selectors of trail main not read"}},
		{"region not collected", gap(controltest.Snapshot(account(acct, two)), acct, "eu-west-1"),
			want{home, control.Error, "cloudtrail not collected in eu-west-1: AccessDenied"}},
		{"a pass is certain despite a gap", gap(controltest.Snapshot(account(acct, two, good(acct, "main"))), acct, "eu-west-1"),
			want{home, control.Passed, "main"}},
	} {
		t.Run(tc.name, func(t *testing.T) { run(t, "CloudTrail.1", tc.snap, []want{tc.want}, acct) })
	}
}

func TestTrailControls(t *testing.T) {
	plain := with(good(acct, "plain"), func(t *cloudtrail.Trail) {
		t.KMSKeyID, t.LogFileValidation, t.CloudWatchLogsLogGroupARN = "", false, ""
	})
	regional := with(plain, func(t *cloudtrail.Trail) {
		t.Name, t.ARN, t.HomeRegion, t.IsMultiRegion = "eu", arn(acct, "eu-west-1", "eu"), "eu-west-1", false
	})
	org := with(good(mgmt, "org-trail"), func(t *cloudtrail.Trail) { t.IsOrganization, t.LogFileValidation = true, false })
	gARN, pARN, rARN, oARN := good(acct, "main").ARN, plain.ARN, regional.ARN, org.ARN

	for _, id := range []string{"CloudTrail.2", "CloudTrail.4", "CloudTrail.5"} {
		t.Run(id, func(t *testing.T) {
			// Each trail once, though multi-region trails show in both regions.
			run(t, id, controltest.Snapshot(account(acct, two, good(acct, "main"), plain, regional)), []want{
				{gARN, control.Passed, "main"}, {pARN, control.Failed, "plain"}, {rARN, control.Failed, "eu"},
			}, acct)
			// Nothing to judge: no data.
			run(t, id, controltest.Snapshot(account(acct, two)), nil, acct)
			// A region that was not collected.
			run(t, id, gap(controltest.Snapshot(account(acct, two, good(acct, "main"))), acct, "eu-west-1"), []want{
				{gARN, control.Passed, "main"}, {acctKey(acct, "eu-west-1"), control.Error, "cloudtrail not collected in eu-west-1"},
			}, acct)
			// The organization trail is judged in its owner, not in every member.
			s := controltest.Snapshot(account(acct, two, org), account(mgmt, two, org))
			run(t, id, s, nil, acct)
			// ... unless the owner is not in the snapshot.
			st := control.Passed
			if id == "CloudTrail.4" {
				st = control.Failed
			}
			run(t, id, controltest.Snapshot(account(acct, two, org)), []want{{oARN, st, "org-trail of " + mgmt}}, acct)
		})
	}
	run(t, "CloudTrail.4", controltest.Snapshot(account(acct, two, org), account(mgmt, two, org)),
		[]want{{oARN, control.Failed, "org-trail does not have log file validation"}}, mgmt)
	run(t, "CloudTrail.2", controltest.Snapshot(account(acct, two, plain)),
		[]want{{pARN, control.Failed, "not encrypted with a KMS key"}}, acct)
	run(t, "CloudTrail.5", controltest.Snapshot(account(acct, two, good(acct, "main"))),
		[]want{{gARN, control.Passed, "sends its events to log group arn:aws:logs:us-east-1:111122223333:log-group:trail:*"}}, acct)
}

func TestObjectLogging(t *testing.T) {
	home := acctKey(acct, "us-east-1")
	writes := with(good(acct, "main"), func(t *cloudtrail.Trail) {
		t.Selectors = &cloudtrail.Selectors{Basic: []cloudtrail.EventSelector{
			{ReadWriteType: "All", IncludeManagementEvents: true},
			{ReadWriteType: "WriteOnly", DataResources: []cloudtrail.DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::"}}}},
		}}
	})
	advanced := with(good(acct, "main"), func(t *cloudtrail.Trail) {
		t.Selectors = &cloudtrail.Selectors{Advanced: []cloudtrail.AdvancedEventSelector{{FieldSelectors: []cloudtrail.FieldSelector{
			{Field: "eventCategory", Equals: []string{"Data"}}, {Field: "resources.type", Equals: []string{"AWS::S3::Object"}},
			{Field: "readOnly", Equals: []string{"true"}},
		}}}}
	})
	org := with(good(mgmt, "org-trail"), func(t *cloudtrail.Trail) { t.IsOrganization = true })
	for _, tc := range []struct {
		name        string
		snap        *snapshot.Snapshot
		s322, s323  control.Status
		why22, why3 string
	}{
		{"all events", controltest.Snapshot(account(acct, two, good(acct, "main"))), control.Passed, control.Passed, "main logs S3 object-level write", "main logs S3 object-level read"},
		{"writes only", controltest.Snapshot(account(acct, two, writes)), control.Passed, control.Failed, "main", "main logs S3 object-level write events only"},
		{"advanced reads", controltest.Snapshot(account(acct, two, advanced)), control.Failed, control.Passed, "main logs S3 object-level read events only", "main"},
		{"organization trail", controltest.Snapshot(account(acct, two, org)), control.Passed, control.Passed, "org-trail of " + mgmt, "org-trail of " + mgmt},
		{"single region", controltest.Snapshot(account(acct, two, with(good(acct, "main"), func(t *cloudtrail.Trail) { t.IsMultiRegion = false }))),
			control.Failed, control.Failed, "no multi-region trail", "no multi-region trail"},
		{"not logging", controltest.Snapshot(account(acct, two, with(good(acct, "main"), func(t *cloudtrail.Trail) { t.Status.IsLogging = false }))),
			control.Failed, control.Failed, "main is not logging", "main is not logging"},
		{"no trail", controltest.Snapshot(account(acct, two)), control.Failed, control.Failed, "no multi-region trail", "no multi-region trail"},
		{"selectors unknown", controltest.Snapshot(account(acct, two, with(good(acct, "main"), func(t *cloudtrail.Trail) {
			t.Selectors, t.Errors = nil, map[string]string{"event_selectors": "AccessDenied: no"}
		}))), control.Error, control.Error, "event selectors of trail main not read", "AccessDenied"},
		{"region gap", gap(controltest.Snapshot(account(acct, two, writes)), acct, "eu-west-1"), control.Passed, control.Error, "main", "cloudtrail not collected in eu-west-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run(t, "S3.22", tc.snap, []want{{home, tc.s322, tc.why22}}, acct)
			run(t, "S3.23", tc.snap, []want{{home, tc.s323, tc.why3}}, acct)
		})
	}
}

func TestControlsAreComplete(t *testing.T) {
	if _, err := control.NewCatalog(Controls(), nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range Controls() {
		if !c.Global || len(c.WellArchitected) == 0 || !strings.Contains(c.Remediation, "CLI: ") && !strings.Contains(c.Remediation, "CLI (") {
			t.Errorf("%s: want a Global control with Well-Architected questions and CLI remediation", c.ID)
		}
	}
}
