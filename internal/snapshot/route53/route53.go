// Package route53 holds the normalized Amazon Route 53 state of one
// account (a global service): its hosted zones and where each logs its
// DNS queries. It must not import the AWS SDK.
package route53

// Route53 is the Route 53 state of one account.
type Route53 struct {
	HostedZones []*HostedZone `json:"hosted_zones"`
}

// HostedZone is one hosted zone.
type HostedZone struct {
	// ID is the zone ID without the "/hostedzone/" prefix.
	ID      string `json:"id"`
	ARN     string `json:"arn"`
	Name    string `json:"name"`
	Private bool   `json:"private"`
	// QueryLogGroups are the CloudWatch Logs log groups the zone's query
	// logging configurations send to (none: queries are not logged).
	QueryLogGroups []string `json:"query_log_groups,omitempty"`
	// Errors records details that could not be read: "query_logging",
	// with the reason.
	Errors map[string]string `json:"errors,omitempty"`
}
