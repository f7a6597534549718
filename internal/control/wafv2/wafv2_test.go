package wafv2_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/wafv2"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	elbsnap "github.com/guardrail-sec/guardrail/internal/snapshot/elb"
	wafsnap "github.com/guardrail-sec/guardrail/internal/snapshot/wafv2"
)

const region = "eu-west-1"

const (
	P  = control.Passed
	F  = control.Failed
	NA = control.NotApplicable
	E  = control.Error
)

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, wafv2.Controls(), id)
}

func TestCatalog(t *testing.T) {
	want := map[string]control.Severity{"WAF.10": control.Medium, "WAF.11": control.Low, "ELB.16": control.Medium}
	cs := wafv2.Controls()
	if len(cs) != len(want) {
		t.Errorf("%d controls", len(cs))
	}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || c.Global || c.Remediation == "" || c.Rationale == "" || len(c.Needs) == 0 {
			t.Errorf("%s: %+v", c.ID, c)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func acl(name string, change func(a *wafsnap.WebACL)) *wafsnap.WebACL {
	a := &wafsnap.WebACL{ARN: "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/" + name + "/1", Name: name, ID: "1", Scope: "REGIONAL",
		Rules:   []wafsnap.Rule{{Name: "common", MetricsEnabled: true, RuleGroup: true}},
		Logging: &wafsnap.Logging{Enabled: true, Destinations: []string{"arn:aws:logs:eu-west-1:111122223333:log-group:aws-waf-logs-x"}}, LoadBalancers: []string{}}
	if change != nil {
		change(a)
	}
	return a
}

func eval(t *testing.T, id string, w *wafsnap.WAFv2, e *elbsnap.ELB) map[string]control.Status {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].WAFv2 = w
	a.Regions[region].ELB = e
	return controltest.Statuses(t, controltest.Eval(byID(t, id), controltest.Snapshot(a)))
}

func TestWebACLControls(t *testing.T) {
	s := &wafsnap.WAFv2{WebACLs: []*wafsnap.WebACL{
		acl("good", nil),
		acl("empty", func(a *wafsnap.WebACL) { a.Rules = []wafsnap.Rule{} }),
		acl("nolog", func(a *wafsnap.WebACL) { a.Logging = &wafsnap.Logging{} }),
		acl("unread", func(a *wafsnap.WebACL) {
			a.Rules, a.Logging = nil, nil
			a.Errors = map[string]string{"acl": "AccessDenied", "logging": "AccessDenied"}
		}),
	}}
	arn := func(n string) string { return "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/" + n + "/1" }
	for id, want := range map[string]map[string]control.Status{
		"WAF.10": {arn("good"): P, arn("empty"): F, arn("nolog"): P, arn("unread"): E},
		"WAF.11": {arn("good"): P, arn("empty"): P, arn("nolog"): F, arn("unread"): E},
	} {
		got := eval(t, id, s, nil)
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s %s: %s, want %s", id, k, got[k], w)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: %v", id, got)
		}
	}
}

func TestELB16(t *testing.T) {
	lb := func(name, typ string) *elbsnap.LoadBalancer {
		return &elbsnap.LoadBalancer{ARN: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/" + name + "/1", Name: name, Type: typ}
	}
	e := &elbsnap.ELB{LoadBalancers: []*elbsnap.LoadBalancer{lb("web", "application"), lb("bare", "application"), lb("tcp", "network")}}
	w := &wafsnap.WAFv2{WebACLs: []*wafsnap.WebACL{acl("good", func(a *wafsnap.WebACL) { a.LoadBalancers = []string{e.LoadBalancers[0].ARN} }),
		acl("edge", func(a *wafsnap.WebACL) { a.Scope, a.LoadBalancers = "CLOUDFRONT", nil })}}
	got := eval(t, "ELB.16", w, e)
	if got[e.LoadBalancers[0].ARN] != P || got[e.LoadBalancers[1].ARN] != F || got[e.LoadBalancers[2].ARN] != NA || len(got) != 3 {
		t.Errorf("ELB.16: %v", got)
	}
	// An unread association list makes an unassociated ALB ERROR, never FAILED.
	w.WebACLs = append(w.WebACLs, acl("hidden", func(a *wafsnap.WebACL) {
		a.LoadBalancers, a.Errors = nil, map[string]string{"resources": "AccessDenied"}
	}))
	got = eval(t, "ELB.16", w, e)
	if got[e.LoadBalancers[0].ARN] != P || got[e.LoadBalancers[1].ARN] != E {
		t.Errorf("ELB.16 with an unread web ACL: %v", got)
	}
}

// TestNotCollected: no state or a collector gap is ERROR, never PASSED.
func TestNotCollected(t *testing.T) {
	for _, c := range wafv2.Controls() {
		rs := controltest.Eval(c, controltest.Snapshot(controltest.Account(region)))
		if len(rs) != 1 || rs[0].Status != E {
			t.Errorf("%s without state: %+v", c.ID, rs)
		}
		a := controltest.Account(region)
		a.Regions[region].WAFv2 = &wafsnap.WAFv2{WebACLs: []*wafsnap.WebACL{acl("good", nil)}}
		a.Regions[region].ELB = &elbsnap.ELB{}
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "wafv2"}, Class: "access denied", Reason: "AccessDenied"})
		rs = controltest.Eval(c, s)
		if len(rs) == 0 {
			t.Errorf("%s with a gap: no result", c.ID)
		}
		for _, r := range rs {
			if r.Status != E {
				t.Errorf("%s with a gap: %+v", c.ID, r)
			}
		}
	}
}
