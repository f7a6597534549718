// Package networkfirewall simulates AWS Network Firewall (awsJson1.0,
// target prefix NetworkFirewall_20201112): the firewalls, firewall
// policies and rule groups of a region as a security review reads them
// (List* with MaxResults 1-100 and NextToken, Describe* by name or ARN,
// DescribeLoggingConfiguration), and UpdateFirewallDeleteProtection to
// write. A resource that does not exist is ResourceNotFoundException;
// a request that names neither a name nor an ARN, a MaxResults out of
// range, or a token the service did not issue is InvalidRequestException
// (the only client error the List operations declare).
package networkfirewall

import (
	"net/http"
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Network Firewall simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "network-firewall",
		Protocol: wire.JSON10,
		Ops: map[string]svc.Handler{
			"ListFirewalls":                  listFirewalls,
			"DescribeFirewall":               describeFirewall,
			"DescribeLoggingConfiguration":   describeLogging,
			"ListFirewallPolicies":           listPolicies,
			"DescribeFirewallPolicy":         describePolicy,
			"ListRuleGroups":                 listRuleGroups,
			"DescribeRuleGroup":              describeRuleGroup,
			"UpdateFirewallDeleteProtection": updateDeleteProtection,
		},
	}
}

func invalid(format string, args ...any) error {
	return wire.Errorf(http.StatusBadRequest, "InvalidRequestException", format, args...)
}

func notFound(kind, name string) error {
	return wire.Errorf(http.StatusBadRequest, "ResourceNotFoundException", "%s not found: %s", kind, name)
}

func fwARN(c *svc.Ctx, name string) string { return c.ARN("network-firewall", "firewall/"+name) }
func policyARN(c *svc.Ctx, name string) string {
	return c.ARN("network-firewall", "firewall-policy/"+name)
}
func groupARN(c *svc.Ctx, g *world.FWRuleGroup) string {
	return c.ARN("network-firewall", strings.ToLower(groupType(g))+"-rulegroup/"+g.Name)
}

func groupType(g *world.FWRuleGroup) string {
	if g.Type == "" {
		return "STATELESS"
	}
	return g.Type
}

// page reads MaxResults (1-100, default 100) and NextToken.
func page[T any](items []T, max *int, token string) ([]T, string, error) {
	n := 100
	if max != nil {
		if *max < 1 || *max > 100 {
			return nil, "", invalid("MaxResults must be between 1 and 100, got %d", *max)
		}
		n = *max
	}
	return svc.Page(items, token, n, 100, "InvalidRequestException")
}

type listIn struct {
	NextToken  string
	MaxResults *int
	Type       string
	Scope      string
}

type ref struct {
	Name string `json:",omitempty"`
	Arn  string `json:",omitempty"`
}

func listOut(key string, refs []ref, next string) map[string]any {
	if refs == nil {
		refs = []ref{}
	}
	out := map[string]any{key: refs}
	if next != "" {
		out["NextToken"] = next
	}
	return out
}

func sortedFirewalls(c *svc.Ctx) []*world.Firewall {
	fs := append([]*world.Firewall(nil), c.Regional().NetworkFirewall.Firewalls...)
	sort.Slice(fs, func(i, j int) bool { return fs[i].Name < fs[j].Name })
	return fs
}

func listFirewalls(c *svc.Ctx) (any, error) {
	var in listIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	p, next, err := page(sortedFirewalls(c), in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	var refs []ref
	for _, f := range p {
		refs = append(refs, ref{Name: f.Name, Arn: fwARN(c, f.Name)})
	}
	out := listOut("Firewalls", nil, next)
	fws := []map[string]string{}
	for _, r := range refs {
		fws = append(fws, map[string]string{"FirewallName": r.Name, "FirewallArn": r.Arn})
	}
	out["Firewalls"] = fws
	return out, nil
}

// byNameOrARN finds the item named by name or arn (the ARN's last path
// segment after prefix).
func byNameOrARN[T any](items []T, nameOf func(T) string, name, arn, prefix, kind string) (T, error) {
	var zero T
	if name == "" && arn == "" {
		return zero, invalid("You must specify the %s name or ARN", kind)
	}
	if arn != "" {
		n, ok := strings.CutPrefix(arn, prefix)
		if !ok || (name != "" && name != n) {
			return zero, notFound(kind, arn)
		}
		name = n
	}
	for _, it := range items {
		if nameOf(it) == name {
			return it, nil
		}
	}
	return zero, notFound(kind, cmpOr(arn, name))
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func firewall(c *svc.Ctx, name, arn string) (*world.Firewall, error) {
	return byNameOrARN(c.Regional().NetworkFirewall.Firewalls, func(f *world.Firewall) string { return f.Name }, name, arn,
		fwARN(c, ""), "Firewall")
}

func describeFirewall(c *svc.Ctx) (any, error) {
	var in struct{ FirewallName, FirewallArn string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	f, err := firewall(c, in.FirewallName, in.FirewallArn)
	if err != nil {
		return nil, err
	}
	subnets := make([]string, 0, len(f.Subnets))
	for s := range f.Subnets {
		subnets = append(subnets, s)
	}
	sort.Strings(subnets)
	mappings := []map[string]string{}
	sync := map[string]any{}
	for _, s := range subnets {
		mappings = append(mappings, map[string]string{"SubnetId": s, "IPAddressType": "IPV4"})
		sync[f.Subnets[s]] = map[string]any{"Attachment": map[string]string{"SubnetId": s, "Status": "READY",
			"EndpointId": "vpce-" + strings.TrimPrefix(s, "subnet-")}}
	}
	return map[string]any{
		"UpdateToken": "sim-" + f.Name,
		"Firewall": map[string]any{"FirewallName": f.Name, "FirewallArn": fwARN(c, f.Name), "FirewallId": "fw-" + c.Account.ID + "-" + f.Name,
			"FirewallPolicyArn": policyARN(c, f.Policy), "VpcId": f.VpcID, "SubnetMappings": mappings,
			"DeleteProtection": f.DeleteProtection, "SubnetChangeProtection": f.SubnetChangeProtection,
			"FirewallPolicyChangeProtection": false},
		"FirewallStatus": map[string]any{"Status": "READY", "ConfigurationSyncStateSummary": "IN_SYNC", "SyncStates": sync},
	}, nil
}

func describeLogging(c *svc.Ctx) (any, error) {
	var in struct{ FirewallName, FirewallArn string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	f, err := firewall(c, in.FirewallName, in.FirewallArn)
	if err != nil {
		return nil, err
	}
	configs := []map[string]any{}
	for _, t := range f.Logs {
		dt := cmpOr(f.DestType, "S3")
		key := map[string]string{"S3": "bucketName", "CloudWatchLogs": "logGroup", "KinesisDataFirehose": "deliveryStream"}[dt]
		configs = append(configs, map[string]any{"LogType": t, "LogDestinationType": dt, "LogDestination": map[string]string{key: f.Destination}})
	}
	return map[string]any{"FirewallArn": fwARN(c, f.Name), "LoggingConfiguration": map[string]any{"LogDestinationConfigs": configs}}, nil
}

func listPolicies(c *svc.Ctx) (any, error) {
	var in listIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	ps := append([]*world.FirewallPolicy(nil), c.Regional().NetworkFirewall.Policies...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	p, next, err := page(ps, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	var refs []ref
	for _, fp := range p {
		refs = append(refs, ref{Name: fp.Name, Arn: policyARN(c, fp.Name)})
	}
	return listOut("FirewallPolicies", refs, next), nil
}

func describePolicy(c *svc.Ctx) (any, error) {
	var in struct{ FirewallPolicyName, FirewallPolicyArn string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	fp, err := byNameOrARN(c.Regional().NetworkFirewall.Policies, func(p *world.FirewallPolicy) string { return p.Name },
		in.FirewallPolicyName, in.FirewallPolicyArn, policyARN(c, ""), "FirewallPolicy")
	if err != nil {
		return nil, err
	}
	groups := map[string]*world.FWRuleGroup{}
	for _, g := range c.Regional().NetworkFirewall.RuleGroups {
		groups[g.Name] = g
	}
	arnOf := func(name, typ string) string {
		if g := groups[name]; g != nil {
			return groupARN(c, g)
		}
		return c.ARN("network-firewall", strings.ToLower(typ)+"-rulegroup/"+name)
	}
	stateless := []map[string]any{}
	for i, n := range fp.StatelessGroups {
		stateless = append(stateless, map[string]any{"ResourceArn": arnOf(n, "STATELESS"), "Priority": (i + 1) * 10})
	}
	stateful := []map[string]any{}
	for _, n := range fp.StatefulGroups {
		stateful = append(stateful, map[string]any{"ResourceArn": arnOf(n, "STATEFUL")})
	}
	orPass := func(a []string) []string {
		if len(a) == 0 {
			return []string{"aws:pass"}
		}
		return a
	}
	policy := map[string]any{"StatelessDefaultActions": orPass(fp.StatelessDefault),
		"StatelessFragmentDefaultActions": orPass(fp.StatelessFragmentDefault)}
	if len(stateless) > 0 {
		policy["StatelessRuleGroupReferences"] = stateless
	}
	if len(stateful) > 0 {
		policy["StatefulRuleGroupReferences"] = stateful
	}
	return map[string]any{
		"UpdateToken": "sim-" + fp.Name,
		"FirewallPolicyResponse": map[string]any{"FirewallPolicyName": fp.Name, "FirewallPolicyArn": policyARN(c, fp.Name),
			"FirewallPolicyId": "fp-" + c.Account.ID + "-" + fp.Name, "FirewallPolicyStatus": "ACTIVE"},
		"FirewallPolicy": policy,
	}, nil
}

func listRuleGroups(c *svc.Ctx) (any, error) {
	var in listIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Scope == "MANAGED" {
		// AWS managed threat signature groups are not simulated.
		return listOut("RuleGroups", nil, ""), nil
	}
	var gs []*world.FWRuleGroup
	for _, g := range c.Regional().NetworkFirewall.RuleGroups {
		if in.Type == "" || groupType(g) == in.Type {
			gs = append(gs, g)
		}
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].Name < gs[j].Name })
	p, next, err := page(gs, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	var refs []ref
	for _, g := range p {
		refs = append(refs, ref{Name: g.Name, Arn: groupARN(c, g)})
	}
	return listOut("RuleGroups", refs, next), nil
}

func describeRuleGroup(c *svc.Ctx) (any, error) {
	var in struct{ RuleGroupName, RuleGroupArn, Type string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	var g *world.FWRuleGroup
	if in.RuleGroupArn != "" {
		for _, x := range c.Regional().NetworkFirewall.RuleGroups {
			if groupARN(c, x) == in.RuleGroupArn {
				g = x
			}
		}
		if g == nil {
			return nil, notFound("RuleGroup", in.RuleGroupArn)
		}
	} else {
		if in.RuleGroupName == "" {
			return nil, invalid("You must specify the RuleGroup name or ARN")
		}
		if in.Type == "" {
			return nil, invalid("You must specify the rule group type with its name")
		}
		for _, x := range c.Regional().NetworkFirewall.RuleGroups {
			if x.Name == in.RuleGroupName && groupType(x) == in.Type {
				g = x
			}
		}
		if g == nil {
			return nil, notFound("RuleGroup", in.RuleGroupName)
		}
	}
	source := map[string]any{}
	if groupType(g) == "STATELESS" {
		rules := []map[string]any{}
		for i := 0; i < g.StatelessRules; i++ {
			rules = append(rules, map[string]any{"Priority": i + 1, "RuleDefinition": map[string]any{
				"Actions": []string{"aws:drop"}, "MatchAttributes": map[string]any{"Sources": []map[string]string{{"AddressDefinition": "0.0.0.0/0"}}}}})
		}
		source["StatelessRulesAndCustomActions"] = map[string]any{"StatelessRules": rules}
	} else {
		source["RulesString"] = g.RulesString
	}
	capacity := g.Capacity
	if capacity == 0 {
		capacity = 100
	}
	return map[string]any{
		"UpdateToken": "sim-" + g.Name,
		"RuleGroup":   map[string]any{"RulesSource": source},
		"RuleGroupResponse": map[string]any{"RuleGroupName": g.Name, "RuleGroupArn": groupARN(c, g), "RuleGroupId": "rg-" + c.Account.ID + "-" + g.Name,
			"Type": groupType(g), "Capacity": capacity, "RuleGroupStatus": "ACTIVE"},
	}, nil
}

func updateDeleteProtection(c *svc.Ctx) (any, error) {
	var in struct {
		FirewallName, FirewallArn string
		DeleteProtection          *bool
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.DeleteProtection == nil {
		return nil, invalid("DeleteProtection is required")
	}
	f, err := firewall(c, in.FirewallName, in.FirewallArn)
	if err != nil {
		return nil, err
	}
	f.DeleteProtection = *in.DeleteProtection
	return map[string]any{"FirewallName": f.Name, "FirewallArn": fwARN(c, f.Name), "DeleteProtection": f.DeleteProtection,
		"UpdateToken": "sim-" + f.Name}, nil
}
