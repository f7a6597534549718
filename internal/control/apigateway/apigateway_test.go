package apigateway_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/apigateway"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapgw "github.com/guardrail-sec/guardrail/internal/snapshot/apigateway"
)

const region = "us-east-1"

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, apigateway.Controls(), id)
}

func TestCatalog(t *testing.T) {
	cs := apigateway.Controls()
	if len(cs) != 7 {
		t.Errorf("%d controls", len(cs))
	}
	for _, c := range cs {
		want := control.Medium
		if c.ID == "APIGateway.3" {
			want = control.Low
		}
		if c.Severity != want || c.Global || len(c.Needs) != 1 || c.Needs[0] != "apigateway" || c.Remediation == "" ||
			c.Rationale == "" || len(c.WellArchitected) != 1 || c.Service != "API Gateway" {
			t.Errorf("%s: severity %v global %v needs %v", c.ID, c.Severity, c.Global, c.Needs)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func restARN(api, stage string) string {
	return "arn:aws:apigateway:us-east-1::/restapis/" + api + "/stages/" + stage
}
func v2ARN(api, stage string) string {
	return "arn:aws:apigateway:us-east-1::/apis/" + api + "/stages/" + stage
}
func routeARN(api, route string) string {
	return "arn:aws:apigateway:us-east-1::/apis/" + api + "/routes/" + route
}

// state: REST API "shop" with a hardened stage, a bare one, one whose
// logging is off for one method and whose cache is partly plain, and one
// with a cache cluster but no caching method; an HTTP and a WebSocket API.
func state() *snapgw.APIGateway {
	return &snapgw.APIGateway{
		RestAPIs: []*snapgw.RestAPI{{ID: "shop", Name: "shop", Stages: []*snapgw.RestStage{
			{ARN: restARN("shop", "prod"), Name: "prod", ClientCertificateID: "c1", Tracing: true, WebACLARN: "arn:aws:wafv2:us-east-1:111122223333:regional/webacl/a/1",
				CacheCluster: true, MethodSettings: map[string]snapgw.MethodSetting{"*/*": {LoggingLevel: "INFO", Caching: true, CacheEncrypted: true}}},
			{ARN: restARN("shop", "dev"), Name: "dev"},
			{ARN: restARN("shop", "qa"), Name: "qa", CacheCluster: true, MethodSettings: map[string]snapgw.MethodSetting{
				"*/*": {LoggingLevel: "ERROR", Caching: true, CacheEncrypted: true}, "reports/GET": {LoggingLevel: "OFF", Caching: true}}},
			{ARN: restARN("shop", "beta"), Name: "beta", CacheCluster: true, MethodSettings: map[string]snapgw.MethodSetting{"*/*": {LoggingLevel: "OFF"}}},
		}}},
		APIs: []*snapgw.API{
			{ID: "http1", Name: "catalog", Protocol: "HTTP",
				Stages: []*snapgw.Stage{{ARN: v2ARN("http1", "$default"), Name: "$default", AccessLogARN: "arn:aws:logs:us-east-1:111122223333:log-group:a"}},
				Routes: []*snapgw.Route{{ARN: routeARN("http1", "r1"), ID: "r1", Key: "GET /items", AuthorizationType: "JWT"},
					{ARN: routeARN("http1", "r2"), ID: "r2", Key: "$default", AuthorizationType: "NONE"}}},
			{ID: "ws1", Name: "chat", Protocol: "WEBSOCKET",
				Stages: []*snapgw.Stage{{ARN: v2ARN("ws1", "live"), Name: "live", LoggingLevel: "INFO"},
					{ARN: v2ARN("ws1", "test"), Name: "test", LoggingLevel: "ERROR", RouteLogging: map[string]string{"send": "OFF"}}},
				Routes: []*snapgw.Route{{ARN: routeARN("ws1", "c"), ID: "c", Key: "$connect", AuthorizationType: "NONE"},
					{ARN: routeARN("ws1", "s"), ID: "s", Key: "send", AuthorizationType: "NONE"}}},
		},
	}
}

func eval(t *testing.T, c *control.Control, g *snapgw.APIGateway) map[string]control.Status {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].APIGateway = g
	return controltest.Statuses(t, controltest.Eval(c, controltest.Snapshot(a)))
}

func check(t *testing.T, what string, got, want map[string]control.Status) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s is %s, want %s", what, k, got[k], w)
		}
	}
}

func TestControls(t *testing.T) {
	P, F, N := control.Passed, control.Failed, control.NotApplicable
	check(t, "APIGateway.1", eval(t, byID(t, "APIGateway.1"), state()), map[string]control.Status{
		restARN("shop", "prod"): P, restARN("shop", "dev"): F, restARN("shop", "qa"): F, restARN("shop", "beta"): F,
		v2ARN("ws1", "live"): P, v2ARN("ws1", "test"): F})
	check(t, "APIGateway.2", eval(t, byID(t, "APIGateway.2"), state()), map[string]control.Status{
		restARN("shop", "prod"): P, restARN("shop", "dev"): F, restARN("shop", "qa"): F, restARN("shop", "beta"): F})
	check(t, "APIGateway.3", eval(t, byID(t, "APIGateway.3"), state()), map[string]control.Status{
		restARN("shop", "prod"): P, restARN("shop", "dev"): F, restARN("shop", "qa"): F, restARN("shop", "beta"): F})
	check(t, "APIGateway.4", eval(t, byID(t, "APIGateway.4"), state()), map[string]control.Status{
		restARN("shop", "prod"): P, restARN("shop", "dev"): F, restARN("shop", "qa"): F, restARN("shop", "beta"): F})
	check(t, "APIGateway.5", eval(t, byID(t, "APIGateway.5"), state()), map[string]control.Status{
		restARN("shop", "prod"): P, restARN("shop", "dev"): N, restARN("shop", "qa"): F, restARN("shop", "beta"): N})
	check(t, "APIGateway.8", eval(t, byID(t, "APIGateway.8"), state()), map[string]control.Status{
		routeARN("http1", "r1"): P, routeARN("http1", "r2"): F, routeARN("ws1", "c"): F, routeARN("ws1", "s"): N})
	check(t, "APIGateway.9", eval(t, byID(t, "APIGateway.9"), state()), map[string]control.Status{
		v2ARN("http1", "$default"): P, v2ARN("ws1", "live"): F, v2ARN("ws1", "test"): F})
}

func TestReasons(t *testing.T) {
	a := controltest.Account(region)
	a.Regions[region].APIGateway = state()
	for _, r := range controltest.Eval(byID(t, "APIGateway.1"), controltest.Snapshot(a)) {
		switch r.Resource.ARN {
		case restARN("shop", "qa"):
			if !strings.Contains(r.Reason, "reports/GET") {
				t.Errorf("qa: %s", r.Reason)
			}
		case v2ARN("ws1", "test"):
			if !strings.Contains(r.Reason, "route send") {
				t.Errorf("ws test: %s", r.Reason)
			}
		}
	}
}

// TestPartsUnread: an API whose stages or routes could not be read is an
// ERROR on the API, an unread list of v2 APIs one ERROR for the region;
// never a pass, and the rest is still judged.
func TestPartsUnread(t *testing.T) {
	g := state()
	g.RestAPIs = append(g.RestAPIs, &snapgw.RestAPI{ID: "hidden", Name: "hidden", Errors: map[string]string{"stages": "AccessDeniedException: no"}})
	g.APIs[0].Errors, g.APIs[0].Routes = map[string]string{"routes": "TooManyRequestsException: slow down"}, nil
	got := eval(t, byID(t, "APIGateway.2"), g)
	if got["arn:aws:apigateway:us-east-1::/restapis/hidden"] != control.Error || got[restARN("shop", "prod")] != control.Passed {
		t.Errorf("APIGateway.2 = %v", got)
	}
	got = eval(t, byID(t, "APIGateway.8"), g)
	if got["arn:aws:apigateway:us-east-1::/apis/http1"] != control.Error || got[routeARN("ws1", "c")] != control.Failed || len(got) != 3 {
		t.Errorf("APIGateway.8 = %v", got)
	}
	g = state()
	g.APIs, g.Errors = nil, map[string]string{"apis": "AccessDeniedException: no"}
	for _, id := range []string{"APIGateway.8", "APIGateway.9"} {
		check(t, id, eval(t, byID(t, id), g), map[string]control.Status{"AWS::::Account:111122223333@us-east-1": control.Error})
	}
	got = eval(t, byID(t, "APIGateway.1"), g)
	if got["AWS::::Account:111122223333@us-east-1"] != control.Error || got[restARN("shop", "prod")] != control.Passed {
		t.Errorf("APIGateway.1 with the v2 list unread = %v", got)
	}
}

// TestNotCollected: ERROR, never PASSED, for a region whose state is
// missing or has a gap; nothing for a region without APIs (a region
// without resources is NOT_APPLICABLE by having no result, as in
// Security Hub).
func TestNotCollected(t *testing.T) {
	for _, c := range apigateway.Controls() {
		a := controltest.Account(region)
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s without state: %+v", c.ID, rs)
		}
		a.Regions[region].APIGateway = state()
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "apigateway"}, Class: "access denied", Reason: "AccessDeniedException"})
		if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
		a.Regions[region].APIGateway = &snapgw.APIGateway{}
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
			t.Errorf("%s with no APIs: %+v", c.ID, rs)
		}
	}
}
