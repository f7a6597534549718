package apigateway_test

import (
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/awsx/ratelimit"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/apigateway"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/control"
	gwcontrol "github.com/guardrail-sec/guardrail/internal/control/apigateway"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapgw "github.com/guardrail-sec/guardrail/internal/snapshot/apigateway"
)

// Demo accounts (internal/sim/demo/data/org.yaml).
const (
	hardened = "222222222222"
	partial  = "444444444401"
	weak     = "555555555501"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func start(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

func collect(t *testing.T, s *simtest.Sim, account, region string) (*snapgw.APIGateway, error) {
	t.Helper()
	a, err := collecttest.Run(t, apigateway.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].APIGateway, err
}

func TestCollect(t *testing.T) {
	s := start(t)
	g, err := collect(t, s, partial, "us-east-1")
	if err != nil || len(g.RestAPIs) != 1 || len(g.APIs) != 1 || g.Errors != nil {
		t.Fatalf("%+v %v", g, err)
	}
	api := g.RestAPIs[0]
	if api.Name != "payments-prod-orders" || len(api.ID) != 10 || api.EndpointType != "REGIONAL" || len(api.Stages) != 2 || api.Errors != nil {
		t.Fatalf("rest api = %+v", api)
	}
	prod, staging := api.Stages[0], api.Stages[1]
	if prod.ARN != "arn:aws:apigateway:us-east-1::/restapis/"+api.ID+"/stages/prod" || prod.ClientCertificateID == "" || !prod.Tracing ||
		!strings.HasPrefix(prod.WebACLARN, "arn:aws:wafv2:us-east-1:444444444401:regional/webacl/payments-prod-web-acl/") || !prod.CacheCluster ||
		prod.MethodSettings["*/*"].LoggingLevel != "ERROR" || !prod.MethodSettings["*/*"].CacheEncrypted || prod.AccessLogARN == "" {
		t.Errorf("prod = %+v", prod)
	}
	if staging.WebACLARN != "" || staging.Tracing || staging.MethodSettings["*/*"].LoggingLevel != "OFF" {
		t.Errorf("staging = %+v", staging)
	}
	h := g.APIs[0]
	if h.Protocol != "HTTP" || len(h.Routes) != 2 || len(h.Stages) != 1 || h.Routes[0].AuthorizationType != "NONE" ||
		h.Routes[1].AuthorizationType != "JWT" || h.Stages[0].AccessLogARN == "" ||
		h.Stages[0].ARN != "arn:aws:apigateway:us-east-1::/apis/"+h.ID+"/stages/$default" ||
		h.Routes[0].ARN != "arn:aws:apigateway:us-east-1::/apis/"+h.ID+"/routes/"+h.Routes[0].ID {
		t.Errorf("http api = %+v", h)
	}
	g, err = collect(t, s, partial, "eu-west-1")
	if err != nil || len(g.RestAPIs) != 0 || len(g.APIs) != 1 || g.APIs[0].Protocol != "WEBSOCKET" || g.APIs[0].Stages[0].LoggingLevel != "ERROR" {
		t.Errorf("eu-west-1 = %+v %v", g, err)
	}
	// Another account with the same profile has its own API IDs.
	other, err := collect(t, s, "444444444402", "us-east-1")
	if err != nil || len(other.RestAPIs) != 1 || other.RestAPIs[0].ID == api.ID {
		t.Errorf("storefront-prod = %+v %v", other, err)
	}
}

func TestDenied(t *testing.T) {
	s := start(t)
	// GetStages denies the REST stages (the simulator names the v2 call
	// GetStagesV2), GetRoutes the v2 routes.
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{
		{Account: partial, Service: "apigateway", Action: "GetStages"},
		{Account: partial, Service: "apigateway", Action: "GetRoutes"},
	}})
	g, err := collect(t, s, partial, "us-east-1")
	if err != nil || len(g.RestAPIs) != 1 || len(g.APIs) != 1 {
		t.Fatalf("%+v %v", g, err)
	}
	if !strings.HasPrefix(g.RestAPIs[0].Errors["stages"], "AccessDenied") || !strings.HasPrefix(g.APIs[0].Errors["routes"], "AccessDenied") ||
		len(g.APIs[0].Stages) != 1 {
		t.Errorf("errors = %v / %v", g.RestAPIs[0].Errors, g.APIs[0].Errors)
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: partial, Service: "apigateway", Action: "GetApis"}}})
	g, err = collect(t, s, partial, "us-east-1")
	if err != nil || len(g.RestAPIs) != 1 || g.APIs != nil || !strings.HasPrefix(g.Errors["apis"], "AccessDenied") {
		t.Errorf("v2 list denied: %+v %v", g, err)
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: partial, Service: "apigateway", Action: "GetRestApis"}}})
	if _, err := collect(t, s, partial, "us-east-1"); err == nil || !strings.Contains(err.Error(), "get rest apis") {
		t.Errorf("err = %v", err)
	}
}

// TestDemoMix: the hardened account passes everything, nothing is in
// ERROR, and every control both passes and fails somewhere in the demo.
func TestDemoMix(t *testing.T) {
	s := start(t)
	profiles := map[string]string{"111111111111": "managed", hardened: "hardened", partial: "partial", weak: "weak", "666666666601": "neglected"}
	seen := map[string]map[control.Status]int{}
	for acct, profile := range profiles {
		for _, region := range []string{"us-east-1", "us-west-2", "eu-west-1"} {
			a, err := collecttest.Run(t, apigateway.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s: %v", acct, region, err)
			}
			snap := &snapshot.Snapshot{}
			snap.Add(a)
			for _, r := range control.EvaluateAccount(gwcontrol.Controls(), snap, a, func(string) bool { return false }, now) {
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
	for _, c := range gwcontrol.Controls() {
		if seen[c.ID][control.Passed] == 0 || seen[c.ID][control.Failed] == 0 {
			t.Errorf("%s: demo results %v, want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
}

// TestOneRateLimit: the REST and v2 clients draw from the one bucket of
// API Gateway's management API quota, as AWS counts them together.
func TestOneRateLimit(t *testing.T) {
	for _, id := range []string{"API Gateway", "ApiGatewayV2"} {
		if got := ratelimit.Service(id); got != "apigateway" {
			t.Errorf("%s signs as %q", id, got)
		}
	}
	if l := ratelimit.DefaultLimits["apigateway"]; l.Rate != 10 || l.Burst != 40 {
		t.Errorf("limit = %+v", l)
	}
}
