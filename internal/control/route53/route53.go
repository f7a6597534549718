// Package route53 holds the Amazon Route 53 control (Route53.2). Route 53
// is global, so the control is Global and judges each hosted zone of the
// account once. It reads the "route53" collector's state and never calls
// AWS.
package route53

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// Controls returns the Route 53 controls.
func Controls() []*control.Control {
	return []*control.Control{queryLogging()}
}

const resourceType = "AwsRoute53HostedZone"

// queryLogging (Route53.2) follows route53-query-logging-enabled: a public hosted zone
// without a query logging configuration fails; a private zone is not
// judged (Route 53 logs queries to private zones through Resolver query
// logging, a VPC setting, not the zone).
func queryLogging() *control.Control {
	return &control.Control{
		ID:           "Route53.2",
		Title:        "Route 53 public hosted zones should log DNS queries",
		Severity:     control.Medium,
		Service:      "Route53",
		ResourceType: resourceType,
		Global:       true,
		Needs:        []string{"route53"},
		Rationale: "DNS query logs record which names were asked for, from which resolver location and with which " +
			"answer: the evidence to spot subdomain enumeration, a hijacked record being used, or exfiltration over DNS.",
		Remediation: "Create a log group in us-east-1 (query logging sends only there) whose resource policy lets " +
			"route53.amazonaws.com write to it, then turn logging on for the zone.\n" +
			"Console: Route 53 > Hosted zones > the zone > Configure query logging.\n" +
			"CLI: aws route53 create-query-logging-config --hosted-zone-id <zone id> " +
			"--cloud-watch-logs-log-group-arn arn:aws:logs:us-east-1:<account>:log-group:/aws/route53/<zone name>",
		WellArchitected: []string{"SEC04"},
		Check: func(in *control.Input) {
			s := in.Account.Route53
			if s == nil {
				in.Error(in.AccountMeta(), "Route 53 state was not collected")
				return
			}
			for _, z := range s.HostedZones {
				if z.Private {
					continue
				}
				m := snapshot.Meta{ARN: z.ARN, Type: resourceType, Name: z.Name}
				if why, ok := z.Errors["query_logging"]; ok {
					in.Error(m, "could not read the zone's query logging: %s", why)
					continue
				}
				in.Check(m, len(z.QueryLogGroups) > 0, "DNS queries logged to "+strings.Join(z.QueryLogGroups, ", "),
					"no query logging configuration for public zone "+z.Name)
			}
		},
	}
}
