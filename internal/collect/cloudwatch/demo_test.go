package cloudwatch_test

import (
	"context"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	collectpkg "github.com/guardrail-sec/guardrail/internal/collect"
	ctcollect "github.com/guardrail-sec/guardrail/internal/collect/cloudtrail"
	"github.com/guardrail-sec/guardrail/internal/collect/cloudwatch"
	logscollect "github.com/guardrail-sec/guardrail/internal/collect/logs"
	snscollect "github.com/guardrail-sec/guardrail/internal/collect/sns"
	"github.com/guardrail-sec/guardrail/internal/control"
	ctcontrol "github.com/guardrail-sec/guardrail/internal/control/cloudtrail"
	cwcontrol "github.com/guardrail-sec/guardrail/internal/control/cloudwatch"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// TestDemoResults collects the whole demo organization with the four
// collectors of the monitoring chain and checks what the controls make of
// it: the mix `guardrail demo` shows.
func TestDemoResults(t *testing.T) {
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, w)
	regions := []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1"}
	collectors := []collectpkg.Collector{ctcollect.Collector(), logscollect.Collector(), cloudwatch.Collector(), snscollect.Collector()}
	snap := &snapshot.Snapshot{Taken: simtest.Now}
	for _, id := range w.AccountIDs() {
		a := &snapshot.Account{ID: id, Name: w.Accounts[id].Name, Partition: "aws", HomeRegion: "us-east-1", Regions: map[string]*snapshot.Region{}}
		for _, r := range regions {
			a.Regions[r] = &snapshot.Region{Name: r}
		}
		snap.Add(a)
		for _, r := range regions {
			cfg := s.Config(t, id, r)
			for _, c := range collectors {
				in := collectpkg.Input{Config: cfg, Target: target.Target{Partition: "aws", Account: id, Region: r}, Account: a, Region: a.Regions[r], Now: simtest.Now}
				if err := c.Collect(context.Background(), in); err != nil {
					t.Fatalf("%s %s/%s: %v", c.Name, id, r, err)
				}
			}
		}
	}
	var results []control.Result
	for _, a := range snap.Accounts {
		results = append(results, control.EvaluateAccount(append(ctcontrol.Controls(), cwcontrol.Controls()...), snap, a,
			func(string) bool { return false }, simtest.Now)...)
	}
	got := map[string]map[string][]control.Result{} // control -> account -> results
	for _, r := range results {
		if got[r.Control] == nil {
			got[r.Control] = map[string][]control.Result{}
		}
		got[r.Control][r.Resource.Account] = append(got[r.Control][r.Resource.Account], r)
	}
	const (
		mgmt     = "111111111111"
		security = "222222222222"
		payments = "444444444401"
		dev      = "555555555501"
		sandbox  = "666666666601"
	)
	for _, tc := range []struct {
		control, account string
		status           control.Status
		reason           string
	}{
		{"CloudTrail.1", mgmt, control.Passed, "org-trail"},
		{"CloudTrail.1", security, control.Passed, "security-tooling-security-trail"},
		{"CloudTrail.1", dev, control.Passed, "org-trail of 111111111111"},
		{"CloudTrail.1", sandbox, control.Passed, "org-trail of 111111111111"},
		{"CloudTrail.2", mgmt, control.Passed, "org-trail encrypts"},
		{"CloudTrail.2", payments, control.Failed, "payments-prod-audit is not encrypted"},
		{"CloudTrail.4", dev, control.Failed, "dev-trail does not have log file validation"},
		{"CloudTrail.5", dev, control.Failed, "dev-trail does not send"},
		{"CloudTrail.5", payments, control.Passed, "payments-prod-audit sends"},
		{"S3.22", sandbox, control.Passed, "org-trail of 111111111111 logs S3 object-level write"},
		{"S3.23", sandbox, control.Failed, "org-trail of 111111111111 logs S3 object-level write events only"},
		{"S3.23", security, control.Passed, "security-tooling-security-trail"},
		{"CloudWatch.1", sandbox, control.Passed, "trail org-trail of 111111111111 sends to log group aws-cloudtrail-logs-111111111111 (111111111111/us-east-1), where alarm CIS-4.3-RootAccountUsage"},
		{"CloudWatch.1", security, control.Passed, "trail security-tooling-security-trail sends to log group aws-cloudtrail-logs-222222222222 (222222222222/us-east-1), where alarm CIS-4.3-RootAccountUsage on metric filter CIS-4.3-RootAccountUsage notifies SNS topic cis-security-alarms (1 confirmed subscription)"},
		{"CloudWatch.4", payments, control.Passed, "log group aws-cloudtrail-logs-111111111111"},
		{"CloudWatch.7", payments, control.Passed, "log group aws-cloudtrail-logs-111111111111"},
		{"CloudWatch.10", security, control.Passed, "log group aws-cloudtrail-logs-222222222222"},
		// payments' own trail leaves out KMS events: it does not qualify,
		// so only the organization trail's chain is followed (issue #12).
		{"CloudTrail.1", payments, control.Passed, "org-trail of 111111111111"},
		{"CloudWatch.10", payments, control.Failed, "no CloudWatch alarm on metric CISBenchmark/SecurityGroupChanges of metric filter " +
			"CIS-4.10-SecurityGroupChanges (log group aws-cloudtrail-logs-111111111111, 111111111111/us-east-1); " +
			"payments-prod-audit leaves out management events from kms.amazonaws.com"},
		{"CloudWatch.11", payments, control.Failed, "no CloudWatch alarm on metric CISBenchmark/NACLChanges"},
		{"CloudWatch.11", mgmt, control.Failed, "no CloudWatch alarm on metric CISBenchmark/NACLChanges"},
		{"CloudWatch.13", dev, control.Failed, "no CloudWatch alarm on metric CISBenchmark/RouteTableChanges"},
		{"GR.CloudWatch.1", dev, control.Passed, "CIS-4.15-OrganizationsChanges"},
	} {
		rs := got[tc.control][tc.account]
		var match bool
		for _, r := range rs {
			match = match || r.Status == tc.status && strings.Contains(r.Reason, tc.reason)
		}
		if !match {
			t.Errorf("%s in %s: %+v\nwant %s %q", tc.control, tc.account, rs, tc.status, tc.reason)
		}
	}
	// The organization trail is judged once, in the management account.
	for _, r := range results {
		if r.Control == "CloudTrail.4" && strings.HasSuffix(r.Resource.ARN, "trail/org-trail") && r.Resource.Account != mgmt {
			t.Errorf("organization trail judged in member %s", r.Resource.Account)
		}
		if r.Status == control.Error {
			t.Errorf("ERROR in the demo: %+v", r)
		}
	}
	// A mix: every status but ERROR, and the hardened account best.
	count := map[string]map[control.Status]int{}
	for _, r := range results {
		if count[r.Resource.Account] == nil {
			count[r.Resource.Account] = map[control.Status]int{}
		}
		count[r.Resource.Account][r.Status]++
	}
	if count[security][control.Failed] != 0 || count[dev][control.Failed] < 8 || count[payments][control.Failed] < 7 {
		t.Errorf("results per account: %v", count)
	}
}
