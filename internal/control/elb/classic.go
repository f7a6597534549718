package elb

import (
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/elb"
)

// ClassicPolicy is the predefined security policy ELB.8 requires on the
// HTTPS/SSL listeners of a Classic Load Balancer (Security Hub's fixed
// predefinedPolicyName parameter).
const ClassicPolicy = "ELBSecurityPolicy-TLS-1-2-2017-01"

// attributes returns a Classic Load Balancer's attributes, reporting
// ERROR when they could not be read.
func attributes(in *control.Input, m snapshot.Meta, l *elb.ClassicLoadBalancer) *elb.ClassicAttributes {
	if l.Attributes == nil {
		in.Error(m, "load balancer attributes could not be read: %s", orUnknown(l.Errors["attributes"]))
	}
	return l.Attributes
}

// secure returns the HTTPS/SSL listeners of l.
func secure(l *elb.ClassicLoadBalancer) []elb.ClassicListener {
	var out []elb.ClassicListener
	for _, li := range l.Listeners {
		if li.Secure() {
			out = append(out, li)
		}
	}
	return out
}

func elb2() *control.Control {
	return classicControl(control.Control{
		ID:       "ELB.2",
		Title:    "Classic Load Balancers with SSL/HTTPS listeners should use a certificate provided by AWS Certificate Manager",
		Severity: control.Medium,
		Rationale: "A certificate uploaded to IAM is renewed by hand, and an expired one breaks clients or pushes " +
			"teams to disable validation; ACM renews the certificates it issues.",
		Remediation: "Request or import the certificate in ACM, then put it on each HTTPS/SSL listener.\n" +
			"CLI: aws elb set-load-balancer-listener-ssl-certificate --load-balancer-name <name> " +
			"--load-balancer-port 443 --ssl-certificate-id <acm-certificate-arn>",
		WellArchitected: []string{"SEC09"},
	}, func(in *control.Input, m snapshot.Meta, l *elb.ClassicLoadBalancer) {
		ls := secure(l)
		if len(ls) == 0 {
			in.NotApplicable(m, "no HTTPS or SSL listener")
			return
		}
		var bad []string
		for _, li := range ls {
			if !strings.Contains(li.Certificate, ":acm:") {
				bad = append(bad, fmt.Sprintf("%s:%d uses %s", li.Protocol, li.Port, orUnknown(li.Certificate)))
			}
		}
		in.Check(m, len(bad) == 0, "every HTTPS/SSL listener uses an ACM certificate",
			"certificate not from ACM: "+strings.Join(bad, "; "))
	})
}

func elb3() *control.Control {
	return classicControl(control.Control{
		ID:        "ELB.3",
		Title:     "Classic Load Balancer listeners should be configured with HTTPS or TLS termination",
		Severity:  control.Medium,
		Rationale: "An HTTP or TCP front-end listener carries client traffic unencrypted up to the load balancer.",
		Remediation: "Replace each HTTP/TCP listener with an HTTPS/SSL one using an ACM certificate.\n" +
			"CLI: aws elb create-load-balancer-listeners --load-balancer-name <name> --listeners " +
			"Protocol=HTTPS,LoadBalancerPort=443,InstanceProtocol=HTTP,InstancePort=80,SSLCertificateId=<acm-arn>; " +
			"aws elb delete-load-balancer-listeners --load-balancer-name <name> --load-balancer-ports 80",
		WellArchitected: []string{"SEC09"},
	}, func(in *control.Input, m snapshot.Meta, l *elb.ClassicLoadBalancer) {
		if len(l.Listeners) == 0 {
			in.NotApplicable(m, "no listener")
			return
		}
		var bad []string
		for _, li := range l.Listeners {
			if !li.Secure() {
				bad = append(bad, fmt.Sprintf("%s:%d", li.Protocol, li.Port))
			}
		}
		in.Check(m, len(bad) == 0, "every listener terminates HTTPS or SSL", "unencrypted listener(s): "+strings.Join(bad, ", "))
	})
}

func elb5() *control.Control {
	c := &control.Control{
		ID:           "ELB.5",
		Title:        "Application and Classic Load Balancers logging should be enabled",
		Service:      "ELB",
		Severity:     control.Medium,
		ResourceType: typeV2,
		Needs:        []string{"elb"},
		Rationale: "Access logs record every request (client address, path, status, latency): without them an " +
			"investigation cannot tell who reached the application through the load balancer.",
		Remediation: "Create an S3 bucket whose policy lets Elastic Load Balancing write to it, then turn access logs on.\n" +
			"Application Load Balancer: aws elbv2 modify-load-balancer-attributes --load-balancer-arn <arn> --attributes " +
			"Key=access_logs.s3.enabled,Value=true Key=access_logs.s3.bucket,Value=<bucket>\n" +
			"Classic Load Balancer: aws elb modify-load-balancer-attributes --load-balancer-name <name> " +
			"--load-balancer-attributes 'AccessLog={Enabled=true,S3BucketName=<bucket>,EmitInterval=60}'",
		WellArchitected: []string{"SEC04"},
	}
	c.Check = func(in *control.Input) {
		s := state(in)
		if s == nil {
			return
		}
		for _, l := range s.LoadBalancers {
			m := v2Meta(in, l)
			if !l.Application() {
				in.NotApplicable(m, "%s: the control applies to Application and Classic Load Balancers", typeName(l))
				continue
			}
			if v, ok := attribute(in, m, l, "access_logs.s3.enabled"); ok {
				in.Check(m, v == "true", "access logs go to s3://"+l.Attributes["access_logs.s3.bucket"], "access logs are disabled")
			}
		}
		for _, l := range s.Classic {
			m := classicMeta(in, l)
			if a := attributes(in, m, l); a != nil {
				in.Check(m, a.AccessLog, "access logs are enabled", "access logs are disabled")
			}
		}
	}
	return c
}

func elb7() *control.Control {
	return classicControl(control.Control{
		ID:       "ELB.7",
		Title:    "Classic Load Balancers should have connection draining enabled",
		Severity: control.Low,
		Rationale: "Without connection draining, in-flight requests to an instance that is deregistered or " +
			"unhealthy are cut off.",
		Remediation: "CLI: aws elb modify-load-balancer-attributes --load-balancer-name <name> " +
			"--load-balancer-attributes 'ConnectionDraining={Enabled=true,Timeout=300}'",
		WellArchitected: []string{"SEC10"},
	}, func(in *control.Input, m snapshot.Meta, l *elb.ClassicLoadBalancer) {
		if a := attributes(in, m, l); a != nil {
			in.Check(m, a.ConnectionDraining, "connection draining is enabled", "connection draining is disabled")
		}
	})
}

func elb8() *control.Control {
	return classicControl(control.Control{
		ID:       "ELB.8",
		Title:    "Classic Load Balancers with SSL listeners should use a predefined security policy that has strong AWS Configuration",
		Severity: control.Medium,
		Rationale: "The SSL negotiation policy decides which protocols and ciphers clients may use; only " + ClassicPolicy +
			" limits Classic Load Balancers to TLS 1.2 with strong ciphers. A custom policy fails even if strong, as Security Hub judges it.",
		Remediation: "CLI: aws elb create-load-balancer-policy --load-balancer-name <name> --policy-name tls12 " +
			"--policy-type-name SSLNegotiationPolicyType --policy-attributes AttributeName=Reference-Security-Policy,AttributeValue=" + ClassicPolicy + "; " +
			"aws elb set-load-balancer-policies-of-listener --load-balancer-name <name> --load-balancer-port 443 --policy-names tls12",
		WellArchitected: []string{"SEC09"},
	}, func(in *control.Input, m snapshot.Meta, l *elb.ClassicLoadBalancer) {
		ls := secure(l)
		if len(ls) == 0 {
			in.NotApplicable(m, "no HTTPS or SSL listener")
			return
		}
		if l.Policies == nil {
			in.Error(m, "load balancer policies could not be read: %s", orUnknown(l.Errors["policies"]))
			return
		}
		var bad []string
		for _, li := range ls {
			ref := ""
			for _, name := range li.Policies {
				if p := l.Policy(name); p != nil && p.Type == "SSLNegotiationPolicyType" {
					ref = p.Attributes["Reference-Security-Policy"]
					if ref == "" {
						ref = "custom policy " + p.Name
					}
				}
			}
			if ref != ClassicPolicy {
				bad = append(bad, fmt.Sprintf("%s:%d uses %s", li.Protocol, li.Port, orUnknown(ref)))
			}
		}
		in.Check(m, len(bad) == 0, "every HTTPS/SSL listener uses "+ClassicPolicy, "not "+ClassicPolicy+": "+strings.Join(bad, "; "))
	})
}

func elb9() *control.Control {
	return classicControl(control.Control{
		ID:       "ELB.9",
		Title:    "Classic Load Balancers should have cross-zone load balancing enabled",
		Severity: control.Medium,
		Rationale: "Without cross-zone load balancing each node serves only its own zone's instances, so uneven " +
			"zones overload some instances and a zone with none drops its share of traffic.",
		Remediation: "CLI: aws elb modify-load-balancer-attributes --load-balancer-name <name> " +
			"--load-balancer-attributes 'CrossZoneLoadBalancing={Enabled=true}'",
		WellArchitected: []string{"SEC10"},
	}, func(in *control.Input, m snapshot.Meta, l *elb.ClassicLoadBalancer) {
		if a := attributes(in, m, l); a != nil {
			in.Check(m, a.CrossZone, "cross-zone load balancing is enabled", "cross-zone load balancing is disabled")
		}
	})
}

func elb10() *control.Control {
	return classicControl(control.Control{
		ID:        "ELB.10",
		Title:     "Classic Load Balancer should span multiple Availability Zones",
		Severity:  control.Medium,
		Rationale: "A Classic Load Balancer in one Availability Zone has nowhere to send traffic when that zone fails.",
		Remediation: "CLI (in a VPC): aws elb attach-load-balancer-to-subnets --load-balancer-name <name> --subnets <subnet-in-another-az>; " +
			"(EC2-Classic zones): aws elb enable-availability-zones-for-load-balancer --load-balancer-name <name> --availability-zones <az>",
		WellArchitected: []string{"SEC10"},
	}, func(in *control.Input, m snapshot.Meta, l *elb.ClassicLoadBalancer) {
		n := len(l.Zones)
		in.Check(m, n >= 2, fmt.Sprintf("spans %d Availability Zones", n),
			fmt.Sprintf("spans %d Availability Zone(s) (%s), fewer than 2", n, strings.Join(l.Zones, ", ")))
	})
}

func elb14() *control.Control {
	return classicControl(control.Control{
		ID:       "ELB.14",
		Title:    "Classic Load Balancer should be configured with defensive or strictest desync mitigation mode",
		Severity: control.Medium,
		Rationale: "In monitor mode the load balancer forwards requests that are ambiguous about where they end, which " +
			"lets an attacker smuggle a request past it (HTTP desync).",
		Remediation: "CLI: aws elb modify-load-balancer-attributes --load-balancer-name <name> " +
			"--load-balancer-attributes 'AdditionalAttributes=[{Key=elb.http.desyncmitigationmode,Value=defensive}]'",
		WellArchitected: []string{"SEC06"},
	}, func(in *control.Input, m snapshot.Meta, l *elb.ClassicLoadBalancer) {
		if a := attributes(in, m, l); a != nil {
			in.Check(m, a.DesyncMode == "defensive" || a.DesyncMode == "strictest", "desync mitigation mode is "+a.DesyncMode,
				"desync mitigation mode is "+orUnknown(a.DesyncMode))
		}
	})
}
