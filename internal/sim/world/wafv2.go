package world

// WAFv2 is an account's AWS WAF (v2) resources in one region. Web ACLs of
// scope CLOUDFRONT live in us-east-1, where AWS keeps them.
type WAFv2 struct {
	WebACLs []*WebACL `yaml:"web_acls"`
}

// WebACL is a WAFv2 web ACL.
type WebACL struct {
	Name string `yaml:"name"`
	// ID is a UUID; derived from the name when empty.
	ID          string `yaml:"id"`
	Scope       string `yaml:"scope"` // REGIONAL (default) or CLOUDFRONT
	Description string `yaml:"description"`
	// DefaultBlock: the default action is Block (Allow otherwise).
	DefaultBlock bool       `yaml:"default_block"`
	NoMetrics    bool       `yaml:"no_metrics"`
	Rules        []*WAFRule `yaml:"rules"`
	// LogDestinations are the logging configuration's destinations (a
	// Firehose stream, log group or bucket ARN); none is logging off.
	LogDestinations []string `yaml:"log_destinations"`
	// Resources are the ARNs of the regional resources associated with
	// the web ACL (Application Load Balancers, API Gateway stages).
	Resources []string `yaml:"resources"`
	// LoadBalancers names Application Load Balancers of the same account
	// and region associated with the web ACL (the demo cannot spell their
	// derived ARNs).
	LoadBalancers []string `yaml:"load_balancers"`
}

// WAFRule is one rule of a web ACL.
type WAFRule struct {
	Name     string `yaml:"name"`
	Priority int    `yaml:"priority"`
	// ManagedGroup names an AWS managed rule group (AWSManagedRulesCommonRuleSet);
	// otherwise the rule is a rate-based rule with RateLimit.
	ManagedGroup string `yaml:"managed_group"`
	RateLimit    int    `yaml:"rate_limit"`
	NoMetrics    bool   `yaml:"no_metrics"`
}
