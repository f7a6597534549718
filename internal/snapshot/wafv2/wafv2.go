// Package wafv2 holds the normalized AWS WAF (v2) state of one account in
// one region: its web ACLs (scope REGIONAL; in us-east-1 also scope
// CLOUDFRONT) with their rules, logging and associated load balancers. It
// must not import the AWS SDK.
//
// A detail that could not be read is nil and says why in Errors, so a
// control reports ERROR for it instead of judging an empty value.
package wafv2

// WAFv2 is the AWS WAF state of a region.
type WAFv2 struct {
	WebACLs []*WebACL `json:"web_acls"`
}

// WebACL is a web ACL.
type WebACL struct {
	ARN   string `json:"arn"`
	Name  string `json:"name"`
	ID    string `json:"id"`
	Scope string `json:"scope"` // REGIONAL or CLOUDFRONT
	// Rules; nil when the web ACL could not be read (Errors["acl"]).
	Rules []Rule `json:"rules"`
	// Logging; nil when it could not be read (Errors["logging"]).
	Logging *Logging `json:"logging"`
	// LoadBalancers are the Application Load Balancers associated with a
	// REGIONAL web ACL; nil when they could not be read
	// (Errors["resources"]) and for CLOUDFRONT web ACLs.
	LoadBalancers []string          `json:"load_balancers,omitempty"`
	Errors        map[string]string `json:"errors,omitempty"`
}

// Rule is a rule of a web ACL.
type Rule struct {
	Name           string `json:"name"`
	Priority       int    `json:"priority"`
	MetricsEnabled bool   `json:"metrics_enabled"`
	// RuleGroup is true for a rule that references a rule group (managed
	// or the account's own).
	RuleGroup bool `json:"rule_group,omitempty"`
}

// Logging is a web ACL's logging configuration.
type Logging struct {
	Enabled      bool     `json:"enabled"`
	Destinations []string `json:"destinations,omitempty"`
}
