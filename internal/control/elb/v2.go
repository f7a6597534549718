package elb

import (
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/elb"
)

// RecommendedPolicies are the security policies ELB.17 accepts on an
// HTTPS (Application) or TLS (Network) listener: Security Hub's fixed
// sslPolicies parameter for the control (TLS 1.3 policies, with TLS 1.2
// allowed only with the restricted cipher suites).
var RecommendedPolicies = []string{
	"ELBSecurityPolicy-TLS13-1-3-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
}

// applicationOnly reports NOT_APPLICABLE for a load balancer that is not
// an Application Load Balancer.
func applicationOnly(in *control.Input, m snapshot.Meta, l *elb.LoadBalancer) bool {
	if !l.Application() {
		in.NotApplicable(m, "%s: the control applies to Application Load Balancers", typeName(l))
		return false
	}
	return true
}

// terminal is the action that decides where a request goes: the last one
// (authenticate actions come first).
func terminal(actions []elb.Action) (elb.Action, bool) {
	if len(actions) == 0 {
		return elb.Action{}, false
	}
	return actions[len(actions)-1], true
}

func elb1() *control.Control {
	return v2Control(control.Control{
		ID:       "ELB.1",
		Title:    "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS",
		Severity: control.Medium,
		Rationale: "An HTTP listener that serves requests instead of redirecting them to HTTPS sends cookies, tokens and " +
			"form data in clear text between the client and the load balancer.",
		Remediation: "Make every rule of each HTTP listener (the default rule included) redirect to HTTPS; a rule that " +
			"forwards plain HTTP to a target group fails the control.\n" +
			"Console: EC2 > Load Balancers > the load balancer > Listeners and rules > HTTP:80 > Edit listener: default action " +
			"Redirect to URL, protocol HTTPS, port 443, status 301; edit or delete the rules that forward.\n" +
			"CLI: aws elbv2 modify-listener --listener-arn <http-listener-arn> --default-actions " +
			"'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'",
		WellArchitected: []string{"SEC09"},
	}, func(in *control.Input, m snapshot.Meta, l *elb.LoadBalancer) {
		if !applicationOnly(in, m, l) {
			return
		}
		if l.Listeners == nil {
			in.Error(m, "listeners could not be read: %s", orUnknown(l.Errors["listeners"]))
			return
		}
		var bad []string
		checked := 0
		for _, li := range l.Listeners {
			if li.Protocol != "HTTP" {
				continue
			}
			checked++
			if li.Rules == nil {
				in.Error(m, "rules of the HTTP listener on port %d could not be read: %s", li.Port, orUnknown(li.Errors["rules"]))
				return
			}
			for _, r := range li.Rules {
				a, ok := terminal(r.Actions)
				if !ok || a.Type == "forward" || a.Type == "redirect" && !a.RedirectsToHTTPS() {
					what := "forwards HTTP"
					if a.Type == "redirect" {
						what = "redirects to " + a.RedirectProtocol
					}
					bad = append(bad, fmt.Sprintf("port %d rule %s %s", li.Port, r.Priority, what))
				}
			}
		}
		switch {
		case len(bad) > 0:
			in.Fail(m, "HTTP not redirected to HTTPS: %s", strings.Join(bad, "; "))
		case checked == 0:
			in.Pass(m, "no HTTP listener")
		default:
			in.Pass(m, "every rule of its %d HTTP listener(s) redirects to HTTPS", checked)
		}
	})
}

func elb4() *control.Control {
	return v2Control(control.Control{
		ID:       "ELB.4",
		Title:    "Application Load Balancer should be configured to drop invalid http headers",
		Severity: control.Medium,
		Rationale: "Headers whose names are not valid HTTP tokens are passed to targets unless the load balancer drops " +
			"them; back ends that parse them differently are open to request smuggling (HTTP desync).",
		Remediation: "Console: EC2 > Load Balancers > the load balancer > Attributes > Edit > Drop invalid header fields: on.\n" +
			"CLI: aws elbv2 modify-load-balancer-attributes --load-balancer-arn <arn> " +
			"--attributes Key=routing.http.drop_invalid_header_fields.enabled,Value=true",
		WellArchitected: []string{"SEC06"},
	}, func(in *control.Input, m snapshot.Meta, l *elb.LoadBalancer) {
		if !applicationOnly(in, m, l) {
			return
		}
		v, ok := attribute(in, m, l, "routing.http.drop_invalid_header_fields.enabled")
		if ok {
			in.Check(m, v == "true", "invalid header fields are dropped", "invalid header fields are passed to targets")
		}
	})
}

func elb6() *control.Control {
	return v2Control(control.Control{
		ID:       "ELB.6",
		Title:    "Application, Gateway, and Network Load Balancers should have deletion protection enabled",
		Severity: control.Medium,
		Rationale: "A load balancer deleted by mistake (or by an automation that cleans up) takes the application " +
			"offline and changes its DNS name when recreated.",
		Remediation: "Console: EC2 > Load Balancers > the load balancer > Attributes > Edit > Deletion protection: on.\n" +
			"CLI: aws elbv2 modify-load-balancer-attributes --load-balancer-arn <arn> " +
			"--attributes Key=deletion_protection.enabled,Value=true",
		WellArchitected: []string{"SEC10"},
	}, func(in *control.Input, m snapshot.Meta, l *elb.LoadBalancer) {
		if v, ok := attribute(in, m, l, "deletion_protection.enabled"); ok {
			in.Check(m, v == "true", "deletion protection is enabled", "deletion protection is disabled")
		}
	})
}

func elb12() *control.Control {
	return v2Control(control.Control{
		ID:       "ELB.12",
		Title:    "Application Load Balancer should be configured with defensive or strictest desync mitigation mode",
		Severity: control.Medium,
		Rationale: "In monitor mode the load balancer forwards requests that are ambiguous about where they end, which " +
			"lets an attacker smuggle a request past it (HTTP desync) and poison queues or caches.",
		Remediation: "Console: EC2 > Load Balancers > the load balancer > Attributes > Edit > Desync mitigation mode: " +
			"Defensive (or Strictest).\n" +
			"CLI: aws elbv2 modify-load-balancer-attributes --load-balancer-arn <arn> " +
			"--attributes Key=routing.http.desync_mitigation_mode,Value=defensive",
		WellArchitected: []string{"SEC06"},
	}, func(in *control.Input, m snapshot.Meta, l *elb.LoadBalancer) {
		if !applicationOnly(in, m, l) {
			return
		}
		if v, ok := attribute(in, m, l, "routing.http.desync_mitigation_mode"); ok {
			in.Check(m, v == "defensive" || v == "strictest", "desync mitigation mode is "+v, "desync mitigation mode is "+orUnknown(v))
		}
	})
}

func elb13() *control.Control {
	return v2Control(control.Control{
		ID:        "ELB.13",
		Title:     "Application, Network and Gateway Load Balancers should span multiple Availability Zones",
		Severity:  control.Medium,
		Rationale: "A load balancer enabled in one Availability Zone has nowhere to send traffic when that zone fails.",
		Remediation: "Enable the load balancer in a subnet of a second Availability Zone (and register targets there).\n" +
			"Console: EC2 > Load Balancers > the load balancer > Network mapping > Edit subnets.\n" +
			"CLI: aws elbv2 set-subnets --load-balancer-arn <arn> --subnets <subnet-az-a> <subnet-az-b>",
		WellArchitected: []string{"SEC10"},
	}, func(in *control.Input, m snapshot.Meta, l *elb.LoadBalancer) {
		n := len(l.Zones)
		in.Check(m, n >= 2, fmt.Sprintf("enabled in %d Availability Zones", n),
			fmt.Sprintf("enabled in %d Availability Zone(s) (%s), fewer than 2", n, strings.Join(l.Zones, ", ")))
	})
}

func listenerMeta(in *control.Input, l *elb.LoadBalancer, li *elb.Listener) snapshot.Meta {
	return snapshot.Meta{ARN: li.ARN, Type: typeListener, Name: fmt.Sprintf("%s:%d", l.Name, li.Port), Account: in.Account.ID, Region: in.RegionName()}
}

// listenerControl completes c as a control that judges every listener of
// every v2 load balancer with judge; a load balancer whose listeners
// could not be read yields ERROR.
func listenerControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, l *elb.LoadBalancer, li *elb.Listener)) *control.Control {
	c.ResourceType = typeListener
	return v2Control(c, func(in *control.Input, m snapshot.Meta, l *elb.LoadBalancer) {
		if l.Listeners == nil {
			in.Error(m, "listeners could not be read: %s", orUnknown(l.Errors["listeners"]))
			return
		}
		for _, li := range l.Listeners {
			judge(in, listenerMeta(in, l, li), l, li)
		}
	})
}

func elb17() *control.Control {
	ok := map[string]bool{}
	for _, p := range RecommendedPolicies {
		ok[p] = true
	}
	return listenerControl(control.Control{
		ID:       "ELB.17",
		Title:    "Application and Network Load Balancers with listeners should use recommended security policies",
		Severity: control.Medium,
		Rationale: "An older security policy lets clients negotiate TLS 1.0/1.1 or weak cipher suites with the " +
			"load balancer. Accepted policies: " + strings.Join(RecommendedPolicies, ", ") + ".",
		Remediation: "Console: EC2 > Load Balancers > the load balancer > Listeners > the HTTPS/TLS listener > Edit > " +
			"Security policy: ELBSecurityPolicy-TLS13-1-2-Res-2021-06 (or a TLS 1.3-only policy).\n" +
			"CLI: aws elbv2 modify-listener --listener-arn <arn> --ssl-policy ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
		WellArchitected: []string{"SEC09"},
	}, func(in *control.Input, m snapshot.Meta, l *elb.LoadBalancer, li *elb.Listener) {
		if !(l.Type == "application" && li.Protocol == "HTTPS" || l.Type == "network" && li.Protocol == "TLS") {
			in.NotApplicable(m, "%s listener of a %s: no TLS policy", li.Protocol, typeName(l))
			return
		}
		in.Check(m, ok[li.SSLPolicy], "security policy "+li.SSLPolicy+" is recommended",
			"security policy "+orUnknown(li.SSLPolicy)+" is not one of the recommended TLS 1.3 policies")
	})
}

func elb18() *control.Control {
	return listenerControl(control.Control{
		ID:       "ELB.18",
		Title:    "Application and Network Load Balancer listeners should use secure protocols to encrypt data in transit",
		Severity: control.Medium,
		Rationale: "A listener on HTTP (Application) or TCP/UDP (Network) carries client traffic unencrypted up to the " +
			"load balancer. An HTTP listener that only redirects to HTTPS still fails, as Security Hub judges it.",
		Remediation: "Serve clients on HTTPS (Application Load Balancer) or TLS (Network Load Balancer) with an ACM " +
			"certificate, and remove plain listeners or keep only an HTTP listener that redirects (and accept this finding).\n" +
			"CLI: aws elbv2 create-listener --load-balancer-arn <arn> --protocol HTTPS --port 443 " +
			"--certificates CertificateArn=<acm-arn> --ssl-policy ELBSecurityPolicy-TLS13-1-2-Res-2021-06 " +
			"--default-actions Type=forward,TargetGroupArn=<tg-arn>; aws elbv2 delete-listener --listener-arn <plain-listener-arn>",
		WellArchitected: []string{"SEC09"},
	}, func(in *control.Input, m snapshot.Meta, l *elb.LoadBalancer, li *elb.Listener) {
		switch l.Type {
		case "application":
			in.Check(m, li.Protocol == "HTTPS", "listener uses HTTPS", "listener uses "+li.Protocol+", not HTTPS")
		case "network":
			in.Check(m, li.Protocol == "TLS", "listener uses TLS", "listener uses "+li.Protocol+", not TLS")
		default:
			in.NotApplicable(m, "%s listener of a %s", li.Protocol, typeName(l))
		}
	})
}
