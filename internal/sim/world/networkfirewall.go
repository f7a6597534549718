package world

// NetworkFirewall is an account's AWS Network Firewall resources in one
// region.
type NetworkFirewall struct {
	Firewalls  []*Firewall       `yaml:"firewalls"`
	Policies   []*FirewallPolicy `yaml:"policies"`
	RuleGroups []*FWRuleGroup    `yaml:"rule_groups"`
}

// Firewall is a Network Firewall firewall.
type Firewall struct {
	Name   string `yaml:"name"`
	VpcID  string `yaml:"vpc_id"`
	Policy string `yaml:"policy"` // the firewall policy's name
	// Subnets maps each firewall subnet to its Availability Zone.
	Subnets                map[string]string `yaml:"subnets"`
	DeleteProtection       bool              `yaml:"delete_protection"`
	SubnetChangeProtection bool              `yaml:"subnet_change_protection"`
	// Logs are the log types sent somewhere (FLOW, ALERT, TLS), each to
	// Destination; none is logging off.
	Logs        []string `yaml:"logs"`
	Destination string   `yaml:"destination"` // S3 bucket name, log group or Firehose stream
	DestType    string   `yaml:"destination_type"`
}

// FirewallPolicy is a Network Firewall firewall policy.
type FirewallPolicy struct {
	Name string `yaml:"name"`
	// StatelessDefault and StatelessFragmentDefault are the default
	// stateless actions (aws:pass, aws:drop, aws:forward_to_sfe or a
	// custom action's name).
	StatelessDefault         []string `yaml:"stateless_default"`
	StatelessFragmentDefault []string `yaml:"stateless_fragment_default"`
	// StatelessGroups and StatefulGroups name rule groups of the account.
	StatelessGroups []string `yaml:"stateless_groups"`
	StatefulGroups  []string `yaml:"stateful_groups"`
}

// FWRuleGroup is a Network Firewall rule group.
type FWRuleGroup struct {
	Name     string `yaml:"name"`
	Type     string `yaml:"type"` // STATELESS or STATEFUL
	Capacity int    `yaml:"capacity"`
	// Rules is how many stateless rules (STATELESS) or the Suricata rules
	// string (STATEFUL, in RulesString).
	StatelessRules int    `yaml:"stateless_rules"`
	RulesString    string `yaml:"rules_string"`
}
