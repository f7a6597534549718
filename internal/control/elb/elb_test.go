package elb_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/elb"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapelb "github.com/guardrail-sec/guardrail/internal/snapshot/elb"
)

const region = "us-east-1"

const (
	P  = control.Passed
	F  = control.Failed
	NA = control.NotApplicable
	E  = control.Error
)

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, elb.Controls(), id)
}

func TestCatalog(t *testing.T) {
	want := map[string]control.Severity{"ELB.1": control.Medium, "ELB.2": control.Medium, "ELB.3": control.Medium, "ELB.4": control.Medium,
		"ELB.5": control.Medium, "ELB.6": control.Medium, "ELB.7": control.Low, "ELB.8": control.Medium, "ELB.9": control.Medium,
		"ELB.10": control.Medium, "ELB.12": control.Medium, "ELB.13": control.Medium, "ELB.14": control.Medium, "ELB.17": control.Medium,
		"ELB.18": control.Medium}
	cs := elb.Controls()
	if len(cs) != len(want) {
		t.Errorf("%d controls, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || c.Global || len(c.Needs) != 1 || c.Needs[0] != "elb" || c.Service != "ELB" ||
			c.Remediation == "" || c.Rationale == "" {
			t.Errorf("%s: severity %v global %v needs %v", c.ID, c.Severity, c.Global, c.Needs)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func arn(name string) string {
	return "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/" + name + "/0123456789abcdef"
}

func classicARN(name string) string {
	return "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/" + name
}

// alb returns a compliant Application Load Balancer, changed by change.
func alb(name string, change func(l *snapelb.LoadBalancer)) *snapelb.LoadBalancer {
	l := &snapelb.LoadBalancer{ARN: arn(name), Name: name, Type: "application", Scheme: "internet-facing", Zones: []string{"us-east-1a", "us-east-1b"},
		Attributes: map[string]string{"deletion_protection.enabled": "true", "access_logs.s3.enabled": "true", "access_logs.s3.bucket": "logs",
			"routing.http.drop_invalid_header_fields.enabled": "true", "routing.http.desync_mitigation_mode": "defensive"},
		Listeners: []*snapelb.Listener{
			{ARN: arn(name) + "/l80", Port: 80, Protocol: "HTTP", DefaultActions: []snapelb.Action{{Type: "redirect", RedirectProtocol: "HTTPS"}},
				Rules: []snapelb.Rule{{Priority: "default", IsDefault: true, Actions: []snapelb.Action{{Type: "redirect", RedirectProtocol: "HTTPS"}}}}},
			{ARN: arn(name) + "/l443", Port: 443, Protocol: "HTTPS", SSLPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
				DefaultActions: []snapelb.Action{{Type: "forward"}}},
		}}
	if change != nil {
		change(l)
	}
	return l
}

func nlb(name string, change func(l *snapelb.LoadBalancer)) *snapelb.LoadBalancer {
	l := &snapelb.LoadBalancer{ARN: arn(name), Name: name, Type: "network", Scheme: "internal", Zones: []string{"us-east-1a", "us-east-1b"},
		Attributes: map[string]string{"deletion_protection.enabled": "true", "access_logs.s3.enabled": "false"},
		Listeners:  []*snapelb.Listener{{ARN: arn(name) + "/l443", Port: 443, Protocol: "TLS", SSLPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06"}}}
	if change != nil {
		change(l)
	}
	return l
}

// clb returns a compliant Classic Load Balancer, changed by change.
func clb(name string, change func(l *snapelb.ClassicLoadBalancer)) *snapelb.ClassicLoadBalancer {
	l := &snapelb.ClassicLoadBalancer{ARN: classicARN(name), Name: name, Scheme: "internet-facing", Zones: []string{"us-east-1a", "us-east-1b"},
		Listeners: []snapelb.ClassicListener{{Protocol: "HTTPS", Port: 443, InstanceProtocol: "HTTP", InstancePort: 80,
			Certificate: "arn:aws:acm:us-east-1:111122223333:certificate/c", Policies: []string{"tls12"}}},
		Attributes: &snapelb.ClassicAttributes{CrossZone: true, AccessLog: true, ConnectionDraining: true, DesyncMode: "defensive"},
		Policies: []snapelb.ClassicPolicy{{Name: "tls12", Type: "SSLNegotiationPolicyType",
			Attributes: map[string]string{"Reference-Security-Policy": "ELBSecurityPolicy-TLS-1-2-2017-01"}}}}
	if change != nil {
		change(l)
	}
	return l
}

func eval(t *testing.T, c *control.Control, s *snapelb.ELB) map[string]control.Status {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].ELB = s
	return controltest.Statuses(t, controltest.Eval(c, controltest.Snapshot(a)))
}

func check(t *testing.T, id string, got, want map[string]control.Status) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d results %v, want %d %v", id, len(got), got, len(want), want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s = %s, want %s", id, k, got[k], w)
		}
	}
}

func noAttributes(l *snapelb.LoadBalancer) {
	l.Attributes, l.Errors = nil, map[string]string{"attributes": "AccessDenied: not authorized"}
}

func TestV2LoadBalancerControls(t *testing.T) {
	set := func(k, v string) func(l *snapelb.LoadBalancer) {
		return func(l *snapelb.LoadBalancer) { l.Attributes[k] = v }
	}
	s := &snapelb.ELB{LoadBalancers: []*snapelb.LoadBalancer{
		alb("good", nil),
		alb("bad", func(l *snapelb.LoadBalancer) {
			for k, v := range map[string]string{"deletion_protection.enabled": "false", "access_logs.s3.enabled": "false",
				"routing.http.drop_invalid_header_fields.enabled": "false", "routing.http.desync_mitigation_mode": "monitor"} {
				set(k, v)(l)
			}
			l.Zones = []string{"us-east-1a"}
		}),
		alb("unread", noAttributes),
		nlb("nlb", nil),
		nlb("nlb-bad", func(l *snapelb.LoadBalancer) {
			l.Attributes["deletion_protection.enabled"] = "false"
			l.Zones = l.Zones[:1]
		}),
	}}
	for id, want := range map[string]map[string]control.Status{
		"ELB.4":  {arn("good"): P, arn("bad"): F, arn("unread"): E, arn("nlb"): NA, arn("nlb-bad"): NA},
		"ELB.5":  {arn("good"): P, arn("bad"): F, arn("unread"): E, arn("nlb"): NA, arn("nlb-bad"): NA},
		"ELB.6":  {arn("good"): P, arn("bad"): F, arn("unread"): E, arn("nlb"): P, arn("nlb-bad"): F},
		"ELB.12": {arn("good"): P, arn("bad"): F, arn("unread"): E, arn("nlb"): NA, arn("nlb-bad"): NA},
		"ELB.13": {arn("good"): P, arn("bad"): F, arn("unread"): P, arn("nlb"): P, arn("nlb-bad"): F},
	} {
		check(t, id, eval(t, byID(t, id), s), want)
	}
	// A desync mode AWS added later, or an empty one, is not a pass.
	s = &snapelb.ELB{LoadBalancers: []*snapelb.LoadBalancer{alb("strict", set("routing.http.desync_mitigation_mode", "strictest")),
		alb("empty", set("routing.http.desync_mitigation_mode", ""))}}
	check(t, "ELB.12", eval(t, byID(t, "ELB.12"), s), map[string]control.Status{arn("strict"): P, arn("empty"): F})
}

func TestELB1(t *testing.T) {
	rule := func(prio string, a ...snapelb.Action) snapelb.Rule {
		return snapelb.Rule{Priority: prio, IsDefault: prio == "default", Actions: a}
	}
	withRules := func(rules ...snapelb.Rule) func(l *snapelb.LoadBalancer) {
		return func(l *snapelb.LoadBalancer) { l.Listeners[0].Rules = rules }
	}
	https := snapelb.Action{Type: "redirect", RedirectProtocol: "HTTPS"}
	s := &snapelb.ELB{LoadBalancers: []*snapelb.LoadBalancer{
		alb("good", nil),
		// A rule forwarding one path over HTTP breaks "all requests".
		alb("path-forward", withRules(rule("10", snapelb.Action{Type: "forward"}), rule("default", https))),
		alb("default-forward", withRules(rule("default", snapelb.Action{Type: "forward"}))),
		alb("keep-protocol", withRules(rule("default", snapelb.Action{Type: "redirect", RedirectProtocol: "#{protocol}"}))),
		// authenticate then redirect: the terminal action decides.
		alb("auth-then-redirect", withRules(rule("default", snapelb.Action{Type: "authenticate-oidc"}, https))),
		alb("fixed", withRules(rule("5", snapelb.Action{Type: "fixed-response"}), rule("default", https))),
		alb("https-only", func(l *snapelb.LoadBalancer) { l.Listeners = l.Listeners[1:] }),
		alb("rules-unread", func(l *snapelb.LoadBalancer) {
			l.Listeners[0].Rules, l.Listeners[0].Errors = nil, map[string]string{"rules": "AccessDenied"}
		}),
		alb("listeners-unread", func(l *snapelb.LoadBalancer) {
			l.Listeners, l.Errors = nil, map[string]string{"listeners": "Throttling"}
		}),
		nlb("nlb", nil),
	}}
	check(t, "ELB.1", eval(t, byID(t, "ELB.1"), s), map[string]control.Status{
		arn("good"): P, arn("path-forward"): F, arn("default-forward"): F, arn("keep-protocol"): F, arn("auth-then-redirect"): P,
		arn("fixed"): P, arn("https-only"): P, arn("rules-unread"): E, arn("listeners-unread"): E, arn("nlb"): NA,
	})
}

func TestListenerControls(t *testing.T) {
	s := &snapelb.ELB{LoadBalancers: []*snapelb.LoadBalancer{
		alb("good", nil),
		alb("old-policy", func(l *snapelb.LoadBalancer) { l.Listeners[1].SSLPolicy = "ELBSecurityPolicy-2016-08" }),
		nlb("nlb", nil),
		nlb("nlb-tcp", func(l *snapelb.LoadBalancer) { l.Listeners[0].Protocol, l.Listeners[0].SSLPolicy = "TCP", "" }),
		{ARN: arn("gwlb"), Name: "gwlb", Type: "gateway", Zones: []string{"a", "b"}, Listeners: []*snapelb.Listener{{ARN: arn("gwlb") + "/l", Protocol: "GENEVE", Port: 6081}}},
		alb("unread", func(l *snapelb.LoadBalancer) {
			l.Listeners, l.Errors = nil, map[string]string{"listeners": "AccessDenied"}
		}),
	}}
	check(t, "ELB.17", eval(t, byID(t, "ELB.17"), s), map[string]control.Status{
		arn("good") + "/l80": NA, arn("good") + "/l443": P, arn("old-policy") + "/l80": NA, arn("old-policy") + "/l443": F,
		arn("nlb") + "/l443": P, arn("nlb-tcp") + "/l443": NA, arn("gwlb") + "/l": NA, arn("unread"): E,
	})
	check(t, "ELB.18", eval(t, byID(t, "ELB.18"), s), map[string]control.Status{
		arn("good") + "/l80": F, arn("good") + "/l443": P, arn("old-policy") + "/l80": F, arn("old-policy") + "/l443": P,
		arn("nlb") + "/l443": P, arn("nlb-tcp") + "/l443": F, arn("gwlb") + "/l": NA, arn("unread"): E,
	})
}

func TestClassicControls(t *testing.T) {
	unread := func(l *snapelb.ClassicLoadBalancer) {
		l.Attributes, l.Policies = nil, nil
		l.Errors = map[string]string{"attributes": "AccessDenied", "policies": "AccessDenied"}
	}
	s := &snapelb.ELB{Classic: []*snapelb.ClassicLoadBalancer{
		clb("good", nil),
		clb("bad", func(l *snapelb.ClassicLoadBalancer) {
			l.Zones = l.Zones[:1]
			l.Attributes = &snapelb.ClassicAttributes{DesyncMode: "monitor"}
			l.Listeners = append(l.Listeners, snapelb.ClassicListener{Protocol: "HTTP", Port: 80, InstanceProtocol: "HTTP", InstancePort: 80})
			l.Listeners[0].Certificate = "arn:aws:iam::111122223333:server-certificate/old"
			l.Policies[0].Attributes["Reference-Security-Policy"] = "ELBSecurityPolicy-2016-08"
		}),
		clb("tcp-only", func(l *snapelb.ClassicLoadBalancer) {
			l.Listeners = []snapelb.ClassicListener{{Protocol: "TCP", Port: 5432, InstanceProtocol: "TCP", InstancePort: 5432}}
		}),
		clb("custom-policy", func(l *snapelb.ClassicLoadBalancer) {
			l.Policies[0].Attributes = map[string]string{"Protocol-TLSv1.2": "true"}
		}),
		clb("no-listener", func(l *snapelb.ClassicLoadBalancer) { l.Listeners = nil }),
		clb("unread", unread),
	}}
	for id, want := range map[string]map[string]control.Status{
		"ELB.2":  {"good": P, "bad": F, "tcp-only": NA, "custom-policy": P, "no-listener": NA, "unread": P},
		"ELB.3":  {"good": P, "bad": F, "tcp-only": F, "custom-policy": P, "no-listener": NA, "unread": P},
		"ELB.5":  {"good": P, "bad": F, "tcp-only": P, "custom-policy": P, "no-listener": P, "unread": E},
		"ELB.7":  {"good": P, "bad": F, "tcp-only": P, "custom-policy": P, "no-listener": P, "unread": E},
		"ELB.8":  {"good": P, "bad": F, "tcp-only": NA, "custom-policy": F, "no-listener": NA, "unread": E},
		"ELB.9":  {"good": P, "bad": F, "tcp-only": P, "custom-policy": P, "no-listener": P, "unread": E},
		"ELB.10": {"good": P, "bad": F, "tcp-only": P, "custom-policy": P, "no-listener": P, "unread": P},
		"ELB.14": {"good": P, "bad": F, "tcp-only": P, "custom-policy": P, "no-listener": P, "unread": E},
	} {
		w := map[string]control.Status{}
		for n, st := range want {
			w[classicARN(n)] = st
		}
		check(t, id, eval(t, byID(t, id), s), w)
	}
}

// TestNotCollected: no state, or a collector gap, is ERROR for every
// control, never a pass; a region with no load balancers yields nothing.
func TestNotCollected(t *testing.T) {
	for _, c := range elb.Controls() {
		a := controltest.Account(region)
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s without state: %+v", c.ID, rs)
		}
		a.Regions[region].ELB = &snapelb.ELB{LoadBalancers: []*snapelb.LoadBalancer{alb("a", nil)}, Classic: []*snapelb.ClassicLoadBalancer{clb("c", nil)}}
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "elb"}, Class: "access denied", Reason: "AccessDenied"})
		rs := controltest.Eval(c, s)
		if len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
		a.Regions[region].ELB = &snapelb.ELB{}
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
			t.Errorf("%s with no load balancers: %+v", c.ID, rs)
		}
	}
}
