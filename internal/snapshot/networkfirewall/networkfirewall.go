// Package networkfirewall holds the normalized AWS Network Firewall state
// of one account in one region: firewalls, firewall policies and the
// account's stateless rule groups. It must not import the AWS SDK.
package networkfirewall

// NetworkFirewall is the Network Firewall state of one region.
type NetworkFirewall struct {
	Firewalls  []*Firewall  `json:"firewalls"`
	Policies   []*Policy    `json:"policies"`
	RuleGroups []*RuleGroup `json:"rule_groups"`
	// Errors records lists that could not be read: "policies" or
	// "rule_groups", with the reason.
	Errors map[string]string `json:"errors,omitempty"`
}

// Firewall is one firewall.
type Firewall struct {
	ARN                    string   `json:"arn"`
	Name                   string   `json:"name"`
	VpcID                  string   `json:"vpc_id,omitempty"`
	PolicyARN              string   `json:"policy_arn,omitempty"`
	Zones                  []string `json:"zones,omitempty"`
	DeleteProtection       bool     `json:"delete_protection"`
	SubnetChangeProtection bool     `json:"subnet_change_protection"`
	// LogTypes are the log types sent to a destination (FLOW, ALERT, TLS).
	LogTypes []string `json:"log_types,omitempty"`
	// Errors records details that could not be read: "firewall" or
	// "logging", with the reason.
	Errors map[string]string `json:"errors,omitempty"`
}

// Policy is one firewall policy.
type Policy struct {
	ARN                      string   `json:"arn"`
	Name                     string   `json:"name"`
	StatelessDefault         []string `json:"stateless_default,omitempty"`
	StatelessFragmentDefault []string `json:"stateless_fragment_default,omitempty"`
	StatelessGroups          []string `json:"stateless_groups,omitempty"`
	StatefulGroups           []string `json:"stateful_groups,omitempty"`
	// Errors records "policy" when the policy could not be described.
	Errors map[string]string `json:"errors,omitempty"`
}

// RuleGroup is one stateless rule group of the account.
type RuleGroup struct {
	ARN            string `json:"arn"`
	Name           string `json:"name"`
	StatelessRules int    `json:"stateless_rules"`
	// Errors records "rule_group" when the group could not be described.
	Errors map[string]string `json:"errors,omitempty"`
}
