package cloudtrail_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/cloudtrail"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	ctsnap "github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
)

const (
	management = "111111111111"
	security   = "222222222222" // hardened
	payments   = "444444444401" // partial
	dev        = "555555555501" // weak
	sandbox    = "666666666601" // neglected
)

const orgTrail = "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"

func start(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

func collect(t *testing.T, s *simtest.Sim, account, region string) (*ctsnap.CloudTrail, error) {
	t.Helper()
	a, err := collecttest.Run(t, cloudtrail.Collector(), s.Config(t, account, region), account, region, simtest.Now)
	return a.Regions[region].CloudTrail, err
}

func find(t *testing.T, ct *ctsnap.CloudTrail, arn string) ctsnap.Trail {
	t.Helper()
	for _, tr := range ct.Trails {
		if tr.ARN == arn {
			return tr
		}
	}
	t.Fatalf("no trail %s in %+v", arn, ct.Trails)
	return ctsnap.Trail{}
}

func TestDemo(t *testing.T) {
	s := start(t)

	// The management account's organization trail, in its home region.
	ct, err := collect(t, s, management, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(ct.Trails) != 1 {
		t.Fatalf("management sees %d trails, want the organization trail", len(ct.Trails))
	}
	org := find(t, ct, orgTrail)
	if org.Name != "org-trail" || org.HomeRegion != "us-east-1" || !org.IsMultiRegion || !org.IsOrganization || !org.LogFileValidation ||
		org.S3BucketName != "org-log-archive-333333333333" ||
		org.KMSKeyID != "arn:aws:kms:us-east-1:111111111111:key/c0ffee00-c7a1-4bbb-9000-000000000011" ||
		org.CloudWatchLogsLogGroupARN != "arn:aws:logs:us-east-1:111111111111:log-group:aws-cloudtrail-logs-111111111111:*" {
		t.Errorf("organization trail = %+v", org)
	}
	if org.Status == nil || !org.Status.IsLogging || org.Selectors == nil || len(org.Errors) > 0 {
		t.Fatalf("organization trail details: status %+v selectors %+v errors %v", org.Status, org.Selectors, org.Errors)
	}
	if m, o := org.Selectors.Management(), org.Selectors.S3Objects(); !m.All() || !o.Write || o.Read {
		t.Errorf("organization trail logs management %+v, S3 objects %+v; want all management events and object writes", m, o)
	}

	// A member sees its own trail and the organization's; the member asks
	// about the organization trail by ARN and gets its details.
	ct, err = collect(t, s, security, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	own := find(t, ct, "arn:aws:cloudtrail:us-east-1:222222222222:trail/security-tooling-security-trail")
	if own.Owner() != security || own.Selectors == nil || len(own.Selectors.Advanced) != 2 || !own.Selectors.S3Objects().All() {
		t.Errorf("security trail = %+v selectors %+v", own, own.Selectors)
	}
	if o := find(t, ct, orgTrail); o.Status == nil || !o.Status.IsLogging || o.Selectors == nil || o.Owner() != management {
		t.Errorf("organization trail seen by a member = %+v", o)
	}

	// A shadow trail in another region: status and selectors come from
	// the home region.
	ct, err = collect(t, s, payments, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(ct.Trails) != 2 {
		t.Errorf("payments-prod sees %d trails in eu-west-1, want its own and the organization's", len(ct.Trails))
	}
	audit := find(t, ct, "arn:aws:cloudtrail:us-east-1:444444444401:trail/payments-prod-audit")
	if audit.HomeRegion != "us-east-1" || audit.LogFileValidation || audit.KMSKeyID != "" || audit.Status == nil || !audit.Status.IsLogging {
		t.Errorf("payments-prod-audit shadow = %+v", audit)
	}
	if m := audit.Selectors.Management(); !m.All() || !m.Excludes("kms.amazonaws.com") {
		t.Errorf("payments-prod-audit management events = %+v, want all but KMS", m)
	}

	// The development account's trail: single-region, stopped, writes only.
	ct, err = collect(t, s, dev, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	d := find(t, ct, "arn:aws:cloudtrail:us-east-1:555555555501:trail/dev-trail")
	if d.IsMultiRegion || d.Status == nil || d.Status.IsLogging || d.Status.StopLoggingTime.IsZero() {
		t.Errorf("dev-trail = %+v status %+v", d, d.Status)
	}
	if stopped, want := d.Status.StopLoggingTime, simtest.Now.AddDate(0, 0, -45); !stopped.Equal(want) {
		t.Errorf("dev-trail stopped at %v, want 45 days before the clock (%v)", stopped, want)
	}
	if m := d.Selectors.Management(); m.Read || !m.Write {
		t.Errorf("dev-trail management events = %+v, want write only", m)
	}
	ct, err = collect(t, s, dev, "eu-west-1")
	if err != nil || len(ct.Trails) != 1 || ct.Trails[0].ARN != orgTrail {
		t.Errorf("dev in eu-west-1: %v, %+v; want only the organization trail", err, ct)
	}

	// The sandbox has no trail of its own.
	ct, err = collect(t, s, sandbox, "us-west-2")
	if err != nil || len(ct.Trails) != 1 || ct.Trails[0].ARN != orgTrail {
		t.Errorf("sandbox: %v, %+v; want only the organization trail", err, ct)
	}
}

func TestDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: payments, Service: "cloudtrail", Action: "DescribeTrails"}}})
	if _, err := collect(t, s, payments, "us-east-1"); err == nil || !strings.Contains(err.Error(), "describe trails") {
		t.Errorf("denied DescribeTrails: err = %v, want one naming the call", err)
	}

	// Status is asked of the home region: denying it there, and only
	// there, is seen from eu-west-1 and recorded on each trail.
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: payments, Region: "us-east-1", Service: "cloudtrail", Action: "GetTrailStatus"}}})
	ct, err := collect(t, s, payments, "eu-west-1")
	if err != nil {
		t.Fatalf("a denied detail failed the collector: %v", err)
	}
	for _, tr := range ct.Trails {
		if tr.Status != nil || !strings.HasPrefix(tr.Errors["status"], "AccessDenied") || tr.Selectors == nil {
			t.Errorf("%s: status %+v errors %v selectors %+v; want the status error recorded and the selectors read", tr.Name, tr.Status, tr.Errors, tr.Selectors)
		}
	}

	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: payments, Service: "cloudtrail", Action: "GetEventSelectors"}}})
	ct, err = collect(t, s, payments, "us-east-1")
	if err != nil {
		t.Fatalf("a denied detail failed the collector: %v", err)
	}
	for _, tr := range ct.Trails {
		if tr.Selectors != nil || tr.Errors["event_selectors"] == "" || tr.Status == nil {
			t.Errorf("%s: selectors %+v errors %v; want the selectors error recorded", tr.Name, tr.Selectors, tr.Errors)
		}
	}
}
