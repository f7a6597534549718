package elb_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/elb"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	elbsnap "github.com/guardrail-sec/guardrail/internal/snapshot/elb"
)

const region = "eu-west-1"

func collect(t *testing.T, s *simtest.Sim, account, region string) (*elbsnap.ELB, error) {
	t.Helper()
	a, err := collecttest.Run(t, elb.Collector(), s.Config(t, account, region), account, region, simtest.Now)
	return a.Regions[region].ELB, err
}

func seed() *world.World {
	w := simtest.NewWorld()
	r := w.Account(simtest.Member).In(region)
	r.ELB.LoadBalancers = []*world.LoadBalancer{
		{Name: "web", Zones: []string{"eu-west-1a", "eu-west-1b"}, Attributes: map[string]string{"routing.http.drop_invalid_header_fields.enabled": "true"},
			Listeners: []*world.Listener{
				{Port: 80, Protocol: "HTTP", Default: world.ListenerAction{Type: "redirect", RedirectProtocol: "HTTPS", StatusCode: "HTTP_301"},
					Rules: []*world.ListenerRule{{Priority: 5, PathPatterns: []string{"/ping"}, Action: world.ListenerAction{TargetGroup: "web"}}}},
				{Port: 443, Protocol: "HTTPS", SSLPolicy: "ELBSecurityPolicy-2016-08", Certificates: []string{"arn:aws:acm:eu-west-1:222222222222:certificate/x"}},
			}},
		{Name: "nlb", Type: "network", Zones: []string{"eu-west-1a"}, Listeners: []*world.Listener{{Port: 5432, Protocol: "TCP"}}},
	}
	r.ELB.Classic = []*world.ClassicLoadBalancer{{Name: "old", Zones: []string{"eu-west-1a"}, DesyncMode: "monitor", ConnectionDraining: true,
		Listeners: []world.ClassicListener{{Protocol: "HTTPS", Port: 443, InstanceProtocol: "HTTP", InstancePort: 80, Certificate: "arn:aws:iam::222222222222:server-certificate/c", Policies: []string{"p"}}},
		Policies:  []world.ClassicPolicy{{Name: "p", Type: "SSLNegotiationPolicyType", Attributes: map[string]string{"Reference-Security-Policy": "ELBSecurityPolicy-TLS-1-2-2017-01"}}}}}
	for i := range 450 {
		r.ELB.LoadBalancers = append(r.ELB.LoadBalancers, &world.LoadBalancer{Name: fmt.Sprintf("lb-%03d", i), Type: "gateway", Zones: []string{"eu-west-1a"}})
	}
	return w
}

func TestCollect(t *testing.T) {
	s := simtest.Start(t, seed())
	out, err := collect(t, s, simtest.Member, region)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.LoadBalancers) != 452 {
		t.Fatalf("%d load balancers, want 452 over two pages", len(out.LoadBalancers))
	}
	web := out.LoadBalancers[0]
	if web.Name != "web" || !web.Application() || web.Scheme != "internet-facing" || len(web.Zones) != 2 ||
		web.Attributes["routing.http.drop_invalid_header_fields.enabled"] != "true" || web.Attributes["deletion_protection.enabled"] != "false" || len(web.Listeners) != 2 {
		t.Fatalf("web = %+v", web)
	}
	http := web.Listeners[0]
	if http.Protocol != "HTTP" || len(http.DefaultActions) != 1 || !http.DefaultActions[0].RedirectsToHTTPS() || len(http.Rules) != 2 ||
		http.Rules[0].Actions[0].Type != "forward" || !http.Rules[1].IsDefault {
		t.Errorf("http listener = %+v", http)
	}
	if https := web.Listeners[1]; https.SSLPolicy != "ELBSecurityPolicy-2016-08" || https.Rules != nil || len(https.Certificates) != 1 {
		t.Errorf("https listener = %+v (rules are read for HTTP listeners only)", https)
	}
	if nlb := out.LoadBalancers[1]; nlb.Type != "network" || len(nlb.Listeners) != 1 || nlb.Listeners[0].Rules != nil {
		t.Errorf("nlb = %+v", nlb)
	}
	if len(out.Classic) != 1 {
		t.Fatalf("classic = %+v", out.Classic)
	}
	c := out.Classic[0]
	if c.ARN != "arn:aws:elasticloadbalancing:eu-west-1:222222222222:loadbalancer/old" || c.Attributes == nil || c.Attributes.DesyncMode != "monitor" ||
		!c.Attributes.ConnectionDraining || c.Attributes.CrossZone || len(c.Listeners) != 1 || !c.Listeners[0].Secure() ||
		c.Policy("p") == nil || c.Policy("p").Attributes["Reference-Security-Policy"] != "ELBSecurityPolicy-TLS-1-2-2017-01" {
		t.Errorf("classic = %+v", c)
	}
	// Another region and another account see nothing.
	for _, tc := range []struct{ account, region string }{{simtest.Member, "us-east-1"}, {simtest.Management, region}} {
		out, err := collect(t, s, tc.account, tc.region)
		if err != nil || out.LoadBalancers == nil || len(out.LoadBalancers)+len(out.Classic) != 0 {
			t.Errorf("%s/%s: %+v %v", tc.account, tc.region, out, err)
		}
	}
}

func TestDenied(t *testing.T) {
	s := simtest.Start(t, seed())
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "elasticloadbalancing", Action: "DescribeLoadBalancers"}}})
	if _, err := collect(t, s, simtest.Member, region); err == nil || !strings.Contains(err.Error(), "describe load balancers") {
		t.Errorf("denied DescribeLoadBalancers: err = %v, want one naming the call", err)
	}
	for _, op := range []string{"DescribeLoadBalancerAttributes", "DescribeListeners", "DescribeRules", "DescribeLoadBalancerPolicies"} {
		s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "elasticloadbalancing", Action: op}}})
		out, err := collect(t, s, simtest.Member, region)
		if err != nil {
			t.Fatalf("denied %s failed the collector: %v", op, err)
		}
		web, c := out.LoadBalancers[0], out.Classic[0]
		var errs map[string]string
		var unread bool
		switch op {
		case "DescribeLoadBalancerAttributes":
			errs, unread = web.Errors, web.Attributes == nil && c.Attributes == nil && c.Errors["attributes"] != ""
		case "DescribeListeners":
			errs, unread = web.Errors, web.Listeners == nil
		case "DescribeRules":
			errs, unread = web.Listeners[0].Errors, web.Listeners[0].Rules == nil
		case "DescribeLoadBalancerPolicies":
			errs, unread = c.Errors, c.Policies == nil
		}
		if !unread || len(errs) != 1 {
			t.Errorf("denied %s: detail not recorded as unread: %+v / %+v", op, errs, web)
		}
		for _, e := range errs {
			if !strings.Contains(e, "AccessDenied") {
				t.Errorf("denied %s: error %q", op, e)
			}
		}
	}
}
