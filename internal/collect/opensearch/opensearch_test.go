package opensearch_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/opensearch"
	"github.com/guardrail-sec/guardrail/internal/control"
	oscontrol "github.com/guardrail-sec/guardrail/internal/control/opensearch"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapos "github.com/guardrail-sec/guardrail/internal/snapshot/opensearch"
)

// Demo accounts (internal/sim/demo/data/org.yaml).
const (
	hardened = "222222222222"
	partial  = "444444444401"
	weak     = "555555555501"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func load(t *testing.T) *world.World {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func collect(t *testing.T, s *simtest.Sim, account, region string) (*snapos.OpenSearch, error) {
	t.Helper()
	a, err := collecttest.Run(t, opensearch.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].OpenSearch, err
}

func TestCollect(t *testing.T) {
	s := simtest.Start(t, load(t))
	o, err := collect(t, s, hardened, "us-east-1")
	if err != nil || len(o.Domains) != 1 {
		t.Fatalf("%+v %v", o, err)
	}
	d := o.Domains[0]
	if d.ARN != "arn:aws:es:us-east-1:222222222222:domain/siem" || d.DataNodes != 3 || !d.ZoneAwareness || d.VpcID == "" || !d.EncryptAtRest ||
		!d.NodeToNode || !d.EnforceHTTPS || d.TLSPolicy != "Policy-Min-TLS-1-2-PFS-2023-10" || !d.FineGrained ||
		fmt.Sprint(d.Logs) != "[AUDIT_LOGS ES_APPLICATION_LOGS]" {
		t.Errorf("siem = %+v", d)
	}
	o, err = collect(t, s, weak, "us-east-1")
	if err != nil || len(o.Domains) != 1 || o.Domains[0].VpcID != "" || o.Domains[0].EngineVersion != "Elasticsearch_6.8" || o.Domains[0].Logs != nil {
		t.Errorf("weak = %+v %v", o, err)
	}
}

// TestBatches: DescribeDomains takes at most five names; twelve domains
// are described in three calls and none is lost.
func TestBatches(t *testing.T) {
	w := load(t)
	r := w.Accounts[partial].In("eu-west-1")
	for i := 0; i < 12; i++ {
		r.OpenSearch.Domains = append(r.OpenSearch.Domains, &world.OpenSearchDomain{Name: fmt.Sprintf("d%02d", i)})
	}
	s := simtest.Start(t, w)
	o, err := collect(t, s, partial, "eu-west-1")
	if err != nil || len(o.Domains) != 12 || o.Domains[11].Name != "d11" {
		t.Errorf("%d domains, %v", len(o.Domains), err)
	}
}

func TestDenied(t *testing.T) {
	s := simtest.Start(t, load(t))
	for _, action := range []string{"ListDomainNames", "DescribeDomains"} {
		s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "es", Action: action}}})
		if _, err := collect(t, s, weak, "us-east-1"); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
			t.Errorf("%s denied: err = %v", action, err)
		}
	}
}

// TestDemoMix: the hardened account passes everything, nothing is in
// ERROR, and every control both passes and fails somewhere in the demo.
func TestDemoMix(t *testing.T) {
	s := simtest.Start(t, load(t))
	profiles := map[string]string{"111111111111": "managed", hardened: "hardened", partial: "partial", weak: "weak", "666666666601": "neglected"}
	seen := map[string]map[control.Status]int{}
	for acct, profile := range profiles {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			a, err := collecttest.Run(t, opensearch.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s: %v", acct, region, err)
			}
			snap := &snapshot.Snapshot{}
			snap.Add(a)
			for _, r := range control.EvaluateAccount(oscontrol.Controls(), snap, a, func(string) bool { return false }, now) {
				if r.Status == control.Error || profile == "hardened" && r.Status == control.Failed {
					t.Errorf("%s (%s) %s: %s %s: %s", acct, profile, region, r.Control, r.Status, r.Reason)
				}
				if seen[r.Control] == nil {
					seen[r.Control] = map[control.Status]int{}
				}
				seen[r.Control][r.Status]++
			}
		}
	}
	for _, c := range oscontrol.Controls() {
		if seen[c.ID][control.Passed] == 0 || seen[c.ID][control.Failed] == 0 {
			t.Errorf("%s: demo results %v, want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
}
