// Package wafv2 holds the AWS WAF controls WAF.10 and WAF.11, which judge
// each web ACL of a region (CLOUDFRONT-scoped web ACLs are judged in
// us-east-1, where AWS keeps them), and ELB.16, which judges each
// Application Load Balancer by the web ACLs' associations. They read the
// "wafv2" (and, for ELB.16, "elb") collectors' state and never call AWS.
package wafv2

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/wafv2"
)

// Controls returns the AWS WAF controls and ELB.16.
func Controls() []*control.Control {
	return []*control.Control{waf10(), waf11(), elb16()}
}

// resourceType is the ASFF type of a WAFv2 web ACL.
const resourceType = "AwsWafv2WebAcl"

func state(in *control.Input) *wafv2.WAFv2 {
	if in.Region == nil || in.Region.WAFv2 == nil {
		in.Error(in.AccountMeta(), "AWS WAF state was not collected in %s", in.RegionName())
		return nil
	}
	return in.Region.WAFv2
}

func orUnknown(s string) string {
	if s == "" {
		return "not collected"
	}
	return s
}

func aclControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, a *wafv2.WebACL)) *control.Control {
	c.Service = "WAF"
	c.ResourceType = resourceType
	c.Needs = []string{"wafv2"}
	c.Check = func(in *control.Input) {
		s := state(in)
		if s == nil {
			return
		}
		for _, a := range s.WebACLs {
			judge(in, snapshot.Meta{ARN: a.ARN, Type: resourceType, Name: a.Name}, a)
		}
	}
	return &c
}

func waf10() *control.Control {
	return aclControl(control.Control{
		ID: "WAF.10", Title: "AWS WAF web ACLs should have at least one rule or rule group", Severity: control.Medium,
		Rationale: "A web ACL without rules applies only its default action: it inspects nothing, so the resources it protects " +
			"are as exposed as without a firewall while looking protected.",
		Remediation: "Add rules to the web ACL: at least the AWS managed rule groups for the application's stack (Core rule set, " +
			"Known bad inputs) and a rate-based rule.\n" +
			"Console: WAF & Shield > Web ACLs > the web ACL > Rules > Add rules > Add managed rule groups.\n" +
			"CLI: aws wafv2 get-web-acl --name <name> --scope REGIONAL --id <id>, add to Rules, then aws wafv2 update-web-acl " +
			"with the LockToken.",
		WellArchitected: []string{"SEC05"},
	}, func(in *control.Input, m snapshot.Meta, a *wafv2.WebACL) {
		if a.Rules == nil {
			in.Error(m, "web ACL %s could not be read: %s", a.Name, orUnknown(a.Errors["acl"]))
			return
		}
		groups := 0
		for _, r := range a.Rules {
			if r.RuleGroup {
				groups++
			}
		}
		in.Check(m, len(a.Rules) > 0, "web ACL "+a.Name+" has "+plural(len(a.Rules), "rule")+" ("+plural(groups, "rule group")+")",
			"web ACL "+a.Name+" has no rule or rule group")
	})
}

func plural(n int, what string) string {
	s := itoa(n) + " " + what
	if n != 1 {
		s += "s"
	}
	return s
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func waf11() *control.Control {
	return aclControl(control.Control{
		ID: "WAF.11", Title: "AWS WAF web ACL logging should be enabled", Severity: control.Low,
		Rationale: "WAF logs record each inspected request and the rule that matched it: without them a blocked attack, a false " +
			"positive or a rule that never fires cannot be investigated.",
		Remediation: "Send the web ACL's logs to a CloudWatch Logs log group, an S3 bucket or a Firehose stream whose name starts " +
			"with aws-waf-logs-.\n" +
			"Console: WAF & Shield > Web ACLs > the web ACL > Logging and metrics > Enable.\n" +
			"CLI: aws wafv2 put-logging-configuration --logging-configuration ResourceArn=<web-acl-arn>,LogDestinationConfigs=<destination-arn>",
		WellArchitected: []string{"SEC04"},
	}, func(in *control.Input, m snapshot.Meta, a *wafv2.WebACL) {
		if a.Logging == nil {
			in.Error(m, "the logging configuration of web ACL %s could not be read: %s", a.Name, orUnknown(a.Errors["logging"]))
			return
		}
		in.Check(m, a.Logging.Enabled, "web ACL "+a.Name+" logs to "+strings.Join(a.Logging.Destinations, ", "),
			"web ACL "+a.Name+" has no logging configuration")
	})
}

func elb16() *control.Control {
	return &control.Control{
		ID: "ELB.16", Title: "Application Load Balancers should be associated with an AWS WAF web ACL", Severity: control.Medium,
		Service: "ELB", ResourceType: "AwsElbv2LoadBalancer", Needs: []string{"elb", "wafv2"},
		Rationale: "An Application Load Balancer without a web ACL passes SQL injection, cross-site scripting and request floods " +
			"straight to its targets.",
		Remediation: "Associate a REGIONAL web ACL of the load balancer's region with it.\n" +
			"Console: WAF & Shield > Web ACLs > the web ACL > Associated AWS resources > Add AWS resources > Application Load Balancer.\n" +
			"CLI: aws wafv2 associate-web-acl --web-acl-arn <web-acl-arn> --resource-arn <load-balancer-arn>",
		WellArchitected: []string{"SEC05"},
		Check: func(in *control.Input) {
			if in.Region == nil || in.Region.ELB == nil {
				in.Error(in.AccountMeta(), "Elastic Load Balancing state was not collected in %s", in.RegionName())
				return
			}
			s := state(in)
			if s == nil {
				return
			}
			protected := map[string]string{}
			var unread []string
			for _, a := range s.WebACLs {
				if a.Scope != "REGIONAL" {
					continue
				}
				if a.LoadBalancers == nil {
					unread = append(unread, a.Name+": "+orUnknown(a.Errors["resources"]))
				}
				for _, lb := range a.LoadBalancers {
					protected[lb] = a.Name
				}
			}
			for _, l := range in.Region.ELB.LoadBalancers {
				m := snapshot.Meta{ARN: l.ARN, Type: "AwsElbv2LoadBalancer", Name: l.Name}
				switch acl, ok := protected[l.ARN]; {
				case !l.Application():
					in.NotApplicable(m, "%s load balancer: the control applies to Application Load Balancers", l.Type)
				case ok:
					in.Pass(m, "associated with web ACL %s", acl)
				case len(unread) > 0:
					in.Error(m, "the associations of web ACL %s could not be read", strings.Join(unread, "; "))
				default:
					in.Fail(m, "Application Load Balancer %s is associated with no AWS WAF web ACL", l.Name)
				}
			}
		},
	}
}
