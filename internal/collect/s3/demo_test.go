package s3_test

import (
	"sort"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	s3collect "github.com/guardrail-sec/guardrail/internal/collect/s3"
	"github.com/guardrail-sec/guardrail/internal/control"
	s3control "github.com/guardrail-sec/guardrail/internal/control/s3"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
)

// TestDemoOutcomes collects every demo account with the real collector and
// runs the S3 controls over the result: the demo must show what each
// profile is meant to show (hardened passing, weak and neglected failing),
// every control must have both outcomes somewhere, and nothing may be an
// ERROR.
func TestDemoOutcomes(t *testing.T) {
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, w)
	snap := &snapshot.Snapshot{}
	for _, id := range w.AccountIDs() {
		a, err := collecttest.Run(t, s3collect.Collector(), s.Config(t, id, home), id, home, simtest.Now)
		if err != nil {
			t.Fatalf("collect %s: %v", id, err)
		}
		// The trails each account owns, as the cloudtrail collector would
		// record them in their home region.
		for region, r := range w.Accounts[id].Regional {
			sr := &snapshot.Region{Name: region, CloudTrail: &cloudtrail.CloudTrail{}}
			for _, tr := range r.CloudTrail.Trails {
				sr.CloudTrail.Trails = append(sr.CloudTrail.Trails, cloudtrail.Trail{
					ARN: "arn:aws:cloudtrail:" + region + ":" + id + ":trail/" + tr.Name, Name: tr.Name, S3BucketName: tr.S3BucketName})
			}
			a.Regions[region] = sr
		}
		snap.Add(a)
	}
	got := map[string]map[string]control.Status{} // control -> resource -> status
	count := map[string]map[control.Status]int{}
	for _, a := range snap.Accounts {
		for _, r := range control.EvaluateAccount(s3control.Controls(), snap, a, func(c string) bool { return c == "s3" }, simtest.Now) {
			if got[r.Control] == nil {
				got[r.Control], count[r.Control] = map[string]control.Status{}, map[control.Status]int{}
			}
			key := r.Resource.ARN
			if r.Resource.Type == "AwsAccount" {
				key = r.Resource.Account
			}
			got[r.Control][key] = r.Status
			count[r.Control][r.Status]++
			if r.Status == control.Error {
				t.Errorf("%s %s: ERROR %s", r.Control, r.Resource.ARN, r.Reason)
			}
		}
	}
	ids := make([]string, 0, len(count))
	for id := range count {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		t.Logf("%-13s %v", id, count[id])
		if count[id][control.Passed] == 0 || count[id][control.Failed] == 0 {
			t.Errorf("%s: %v, want both PASSED and FAILED in the demo", id, count[id])
		}
	}
	if len(ids) != len(s3control.Controls()) {
		t.Errorf("controls with results: %v", ids)
	}

	bucket := func(name string) string { return "arn:aws:s3:::" + name }
	for _, tc := range []struct {
		control, resource string
		want              control.Status
	}{
		{"S3.1", logArchive, control.Passed},
		{"S3.1", management, control.Passed},
		{"S3.1", "444444444401", control.Failed},
		{"S3.1", paymentsDv, control.Failed},
		{"S3.2", bucket("org-log-archive-" + logArchive), control.Passed},
		{"S3.2", bucket("payments-dev-static-site-" + paymentsDv), control.Failed},
		{"S3.2", bucket("cloudtrail-" + paymentsDv), control.Failed},
		{"S3.2", bucket("sandbox-alice-public-share-" + sandbox), control.Failed},
		{"S3.2", bucket("cfn-stacksets-" + management), control.Passed}, // open to the organization only
		{"S3.3", bucket("sandbox-alice-uploads-" + sandbox), control.Failed},
		{"S3.3", bucket("sandbox-alice-public-share-" + sandbox), control.Passed},
		{"S3.5", bucket("org-log-archive-" + logArchive), control.Passed},
		{"S3.5", bucket("payments-prod-assets-444444444401"), control.Failed},
		{"S3.6", bucket("payments-dev-ci-artifacts-" + paymentsDv), control.Failed},
		{"S3.6", bucket("org-log-archive-" + logArchive), control.Passed},
		{"S3.8", bucket("cloudtrail-444444444401"), control.Failed},
		{"S3.8", bucket("security-artifacts-" + logArchive), control.Passed},
		{"S3.9", bucket("billing-reports-" + management), control.Failed},
		{"S3.9", bucket("terraform-state-" + management), control.Passed},
		{"S3.12", bucket("payments-dev-static-site-" + paymentsDv), control.Failed},
		{"S3.12", bucket("cloudtrail-444444444401"), control.Passed},
		{"S3.17", bucket("cfn-stacksets-" + management), control.Passed},
		{"S3.17", bucket("billing-reports-" + management), control.Failed},
		{"S3.19", "arn:aws:s3:us-east-1:" + logArchive + ":accesspoint/security-tooling-read", control.Passed},
		{"S3.19", "arn:aws:s3:us-west-2:" + paymentsDv + ":accesspoint/ci-downloads", control.Failed},
		// The log archive has a lifecycle configuration, which S3 does not
		// allow beside MFA delete: Security Hub reports nothing there.
		{"S3.20", bucket("org-log-archive-" + logArchive), control.NotApplicable},
		{"S3.13", bucket("org-log-archive-" + logArchive), control.Passed},
		{"S3.13", bucket("security-artifacts-" + logArchive), control.Failed},
		{"S3.20", bucket("terraform-state-" + management), control.Failed},
		{"CloudTrail.6", "arn:aws:cloudtrail:us-east-1:" + management + ":trail/org-trail", control.Passed},
		{"CloudTrail.6", "arn:aws:cloudtrail:us-east-1:" + paymentsDv + ":trail/dev-trail", control.Failed},
		{"CloudTrail.6", "arn:aws:cloudtrail:us-east-1:444444444401:trail/payments-prod-audit", control.Passed},
		{"CloudTrail.7", "arn:aws:cloudtrail:us-east-1:" + management + ":trail/org-trail", control.Passed},
		{"CloudTrail.7", "arn:aws:cloudtrail:us-east-1:444444444401:trail/payments-prod-audit", control.Failed},
	} {
		if s := got[tc.control][tc.resource]; s != tc.want {
			t.Errorf("%s %s: %q, want %s", tc.control, tc.resource, s, tc.want)
		}
	}
}
