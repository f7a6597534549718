package world

// Route53 is an account's Route 53 hosted zones (a global service: one
// state per account).
type Route53 struct {
	HostedZones []*HostedZone `yaml:"hosted_zones"`
}

// HostedZone is a Route 53 hosted zone.
type HostedZone struct {
	// ID is the zone ID without the "/hostedzone/" prefix (Z and upper-case
	// letters and digits).
	ID      string `yaml:"id"`
	Name    string `yaml:"name"` // fully qualified, with the trailing dot
	Private bool   `yaml:"private"`
	Comment string `yaml:"comment"`
	Records int    `yaml:"records"`
	// QueryLogGroupARN, when set, is the CloudWatch Logs log group (in
	// us-east-1) the zone's query logging configuration sends to.
	QueryLogGroupARN string `yaml:"query_log_group_arn"`
	// QueryLoggingID is the ID of that configuration ("" derives one).
	QueryLoggingID string `yaml:"query_logging_id"`
}
