package wafv2_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/wafv2"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	wafsnap "github.com/guardrail-sec/guardrail/internal/snapshot/wafv2"
)

const alb = "arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/app/web/0123456789abcdef"

func collect(t *testing.T, s *simtest.Sim, account, region string) (*wafsnap.WAFv2, error) {
	t.Helper()
	a, err := collecttest.Run(t, wafv2.Collector(), s.Config(t, account, region), account, region, simtest.Now)
	return a.Regions[region].WAFv2, err
}

func seed() *world.World {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In("us-east-1")
	r.WAFv2.WebACLs = []*world.WebACL{
		{Name: "web", Rules: []*world.WAFRule{{Name: "common", ManagedGroup: "AWSManagedRulesCommonRuleSet"}, {Name: "rate", Priority: 1, RateLimit: 100, NoMetrics: true}},
			LogDestinations: []string{"arn:aws:logs:us-east-1:222222222222:log-group:aws-waf-logs-web"},
			Resources:       []string{alb, "arn:aws:apigateway:us-east-1::/restapis/a1/stages/prod"}},
		{Name: "edge", Scope: "CLOUDFRONT"},
	}
	for i := range 120 {
		r.WAFv2.WebACLs = append(r.WAFv2.WebACLs, &world.WebACL{Name: fmt.Sprintf("acl-%03d", i)})
	}
	return w
}

func TestCollect(t *testing.T) {
	s := simtest.Start(t, seed())
	out, err := collect(t, s, simtest.Member, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(out.WebACLs) != 122 {
		t.Fatalf("%d web ACLs, want 121 regional over two pages and 1 CLOUDFRONT", len(out.WebACLs))
	}
	web := out.WebACLs[0]
	if web.Scope != "REGIONAL" || len(web.Rules) != 2 || !web.Rules[0].RuleGroup || !web.Rules[0].MetricsEnabled || web.Rules[1].MetricsEnabled ||
		web.Rules[1].RuleGroup || web.Logging == nil || !web.Logging.Enabled || len(web.LoadBalancers) != 1 || web.LoadBalancers[0] != alb {
		t.Errorf("web = %+v", web)
	}
	edge := out.WebACLs[121]
	if edge.Name != "edge" || edge.Scope != "CLOUDFRONT" || edge.Rules == nil || len(edge.Rules) != 0 || edge.Logging == nil || edge.Logging.Enabled ||
		edge.LoadBalancers != nil || len(edge.Errors) != 0 {
		t.Errorf("edge = %+v", edge)
	}
	// Another region lists no CLOUDFRONT scope; another account nothing.
	for _, tc := range []struct{ account, region string }{{simtest.Member, "eu-west-1"}, {simtest.Management, "us-east-1"}} {
		out, err := collect(t, s, tc.account, tc.region)
		if err != nil || out.WebACLs == nil || len(out.WebACLs) != 0 {
			t.Errorf("%s/%s: %+v %v", tc.account, tc.region, out, err)
		}
	}
}

func TestDenied(t *testing.T) {
	s := simtest.Start(t, seed())
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "wafv2", Action: "ListWebACLs"}}})
	if _, err := collect(t, s, simtest.Member, "us-east-1"); err == nil || !strings.Contains(err.Error(), "web ACLs") {
		t.Errorf("denied ListWebACLs: err = %v", err)
	}
	for op, key := range map[string]string{"GetWebACL": "acl", "GetLoggingConfiguration": "logging", "ListResourcesForWebACL": "resources"} {
		s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "wafv2", Action: op}}})
		out, err := collect(t, s, simtest.Member, "us-east-1")
		if err != nil {
			t.Fatalf("denied %s failed the collector: %v", op, err)
		}
		web := out.WebACLs[0]
		unread := map[string]bool{"acl": web.Rules == nil, "logging": web.Logging == nil, "resources": web.LoadBalancers == nil}
		if !unread[key] || len(web.Errors) != 1 || !strings.Contains(web.Errors[key], "AccessDenied") {
			t.Errorf("denied %s: %+v", op, web)
		}
	}
}
