package ec2

import (
	"fmt"
	"hash/fnv"
	"maps"
	"net"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

func sgNotFound(id string) error {
	return invalid("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
}

func findSG(e *world.EC2, id string) *world.SecurityGroup {
	for _, g := range e.SecurityGroups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

func defaultVPC(e *world.EC2) *world.VPC {
	for _, v := range e.VPCs {
		if v.IsDefault {
			return v
		}
	}
	return nil
}

// findSGByName looks a group up by name in the default VPC (as EC2 does
// for GroupName parameters), or in any VPC when there is none.
func findSGByName(e *world.EC2, name string) *world.SecurityGroup {
	dv := defaultVPC(e)
	for _, g := range e.SecurityGroups {
		if g.Name == name && (dv == nil || g.VPCID == dv.ID) {
			return g
		}
	}
	return nil
}

// ensureRuleIDs gives every rule an ID (rules seeded without one). The ID
// is derived from the group and the rule's place in it, not from the
// world's counter, so it does not depend on which request came first.
func ensureRuleIDs(_ *svc.Ctx, e *world.EC2) {
	for _, g := range e.SecurityGroups {
		for i, r := range g.Rules {
			if r.ID == "" {
				h := fnv.New64a()
				fmt.Fprintf(h, "%s/%d", g.ID, i)
				r.ID = fmt.Sprintf("sgr-%017x", h.Sum64())
			}
		}
	}
}

// groupParam resolves GroupId / GroupName of a request.
func groupParam(c *svc.Ctx, e *world.EC2) (*world.SecurityGroup, error) {
	if id := c.Form.Get("GroupId"); id != "" {
		if !strings.HasPrefix(id, "sg-") {
			return nil, invalid("InvalidGroupId.Malformed", "Invalid id: \"%s\" (expecting \"sg-...\")", id)
		}
		g := findSG(e, id)
		if g == nil {
			return nil, sgNotFound(id)
		}
		return g, nil
	}
	if name := c.Form.Get("GroupName"); name != "" {
		g := findSGByName(e, name)
		if g == nil {
			return nil, invalid("InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC '%s'", name, vpcIDOf(defaultVPC(e)))
		}
		return g, nil
	}
	return nil, missing("GroupId")
}

func vpcIDOf(v *world.VPC) string {
	if v == nil {
		return "none"
	}
	return v.ID
}

// ---- XML ----

type ipRangeXML struct {
	CidrIP      string `xml:"cidrIp"`
	Description string `xml:"description,omitempty"`
}

type ipv6RangeXML struct {
	CidrIpv6    string `xml:"cidrIpv6"`
	Description string `xml:"description,omitempty"`
}

type userGroupXML struct {
	GroupID     string `xml:"groupId"`
	UserID      string `xml:"userId"`
	Description string `xml:"description,omitempty"`
}

type prefixListXML struct {
	PrefixListID string `xml:"prefixListId"`
	Description  string `xml:"description,omitempty"`
}

type ipPermissionXML struct {
	IPProtocol    string          `xml:"ipProtocol"`
	FromPort      *int            `xml:"fromPort,omitempty"`
	ToPort        *int            `xml:"toPort,omitempty"`
	Groups        []userGroupXML  `xml:"groups>item"`
	IPRanges      []ipRangeXML    `xml:"ipRanges>item"`
	Ipv6Ranges    []ipv6RangeXML  `xml:"ipv6Ranges>item"`
	PrefixListIDs []prefixListXML `xml:"prefixListIds>item"`
}

type securityGroupXML struct {
	OwnerID          string            `xml:"ownerId"`
	GroupID          string            `xml:"groupId"`
	GroupName        string            `xml:"groupName"`
	GroupDescription string            `xml:"groupDescription"`
	VpcID            string            `xml:"vpcId"`
	SecurityGroupArn string            `xml:"securityGroupArn"`
	IPPermissions    []ipPermissionXML `xml:"ipPermissions>item"`
	IPPermissionsEg  []ipPermissionXML `xml:"ipPermissionsEgress>item"`
	Tags             []tagItem         `xml:"tagSet>item"`
}

// permissions groups rules of one direction by protocol and port range,
// the way DescribeSecurityGroups shows them.
func permissions(c *svc.Ctx, rules []*world.SGRule, egress bool) []ipPermissionXML {
	var out []ipPermissionXML
	index := map[string]int{}
	for _, r := range rules {
		if r.Egress != egress {
			continue
		}
		k := fmt.Sprintf("%s/%d/%d", r.Protocol, r.FromPort, r.ToPort)
		i, ok := index[k]
		if !ok {
			p := ipPermissionXML{IPProtocol: r.Protocol}
			if r.Protocol != "-1" {
				p.FromPort, p.ToPort = ptrInt(r.FromPort), ptrInt(r.ToPort)
			}
			out = append(out, p)
			i = len(out) - 1
			index[k] = i
		}
		p := &out[i]
		switch {
		case r.CIDR != "":
			p.IPRanges = append(p.IPRanges, ipRangeXML{r.CIDR, r.Description})
		case r.IPv6CIDR != "":
			p.Ipv6Ranges = append(p.Ipv6Ranges, ipv6RangeXML{r.IPv6CIDR, r.Description})
		case r.GroupID != "":
			p.Groups = append(p.Groups, userGroupXML{r.GroupID, ruleGroupOwner(c, r), r.Description})
		case r.PrefixListID != "":
			p.PrefixListIDs = append(p.PrefixListIDs, prefixListXML{r.PrefixListID, r.Description})
		}
	}
	return out
}

func ruleGroupOwner(c *svc.Ctx, r *world.SGRule) string {
	if r.GroupOwner != "" {
		return r.GroupOwner
	}
	return owner(c)
}

func sgOut(c *svc.Ctx, g *world.SecurityGroup) securityGroupXML {
	return securityGroupXML{
		OwnerID: owner(c), GroupID: g.ID, GroupName: g.Name, GroupDescription: g.Description, VpcID: g.VPCID,
		SecurityGroupArn: c.ARN("ec2", "security-group/"+g.ID),
		IPPermissions:    permissions(c, g.Rules, false), IPPermissionsEg: permissions(c, g.Rules, true), Tags: tagSet(g.Tags),
	}
}

func ruleVals(g *world.SecurityGroup, egress bool, get func(*world.SGRule) string) []string {
	var out []string
	for _, r := range g.Rules {
		if r.Egress == egress {
			if v := get(r); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

func sgFilters(c *svc.Ctx) filterSet[*world.SecurityGroup] {
	fs := filterSet[*world.SecurityGroup]{
		"group-id":    func(g *world.SecurityGroup) []string { return one(g.ID) },
		"group-name":  func(g *world.SecurityGroup) []string { return one(g.Name) },
		"vpc-id":      func(g *world.SecurityGroup) []string { return one(g.VPCID) },
		"description": func(g *world.SecurityGroup) []string { return one(g.Description) },
		"owner-id":    func(g *world.SecurityGroup) []string { return one(owner(c)) },
	}
	for _, dir := range []struct {
		prefix string
		egress bool
	}{{"ip-permission.", false}, {"egress.ip-permission.", true}} {
		eg := dir.egress
		fs[dir.prefix+"cidr"] = func(g *world.SecurityGroup) []string {
			return ruleVals(g, eg, func(r *world.SGRule) string { return r.CIDR })
		}
		fs[dir.prefix+"ipv6-cidr"] = func(g *world.SecurityGroup) []string {
			return ruleVals(g, eg, func(r *world.SGRule) string { return r.IPv6CIDR })
		}
		fs[dir.prefix+"group-id"] = func(g *world.SecurityGroup) []string {
			return ruleVals(g, eg, func(r *world.SGRule) string { return r.GroupID })
		}
		fs[dir.prefix+"prefix-list-id"] = func(g *world.SecurityGroup) []string {
			return ruleVals(g, eg, func(r *world.SGRule) string { return r.PrefixListID })
		}
		fs[dir.prefix+"protocol"] = func(g *world.SecurityGroup) []string {
			return ruleVals(g, eg, func(r *world.SGRule) string { return r.Protocol })
		}
		fs[dir.prefix+"from-port"] = func(g *world.SecurityGroup) []string {
			return ruleVals(g, eg, func(r *world.SGRule) string { return strconv.Itoa(r.FromPort) })
		}
		fs[dir.prefix+"to-port"] = func(g *world.SecurityGroup) []string {
			return ruleVals(g, eg, func(r *world.SGRule) string { return strconv.Itoa(r.ToPort) })
		}
		fs[dir.prefix+"user-id"] = func(g *world.SecurityGroup) []string {
			return ruleVals(g, eg, func(r *world.SGRule) string {
				if r.GroupID == "" {
					return ""
				}
				return ruleGroupOwner(c, r)
			})
		}
	}
	return fs
}

func describeSecurityGroups(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	ensureRuleIDs(c, e)
	items := e.SecurityGroups
	for _, id := range c.EC2List("GroupId") {
		if !strings.HasPrefix(id, "sg-") {
			return nil, invalid("InvalidGroupId.Malformed", "Invalid id: \"%s\" (expecting \"sg-...\")", id)
		}
	}
	items, err := selectIDs(c, items, "GroupId", func(g *world.SecurityGroup) string { return g.ID }, sgNotFound)
	if err != nil {
		return nil, err
	}
	if names := c.EC2List("GroupName"); len(names) > 0 {
		var keep []*world.SecurityGroup
		for _, n := range names {
			g := findSGByName(e, n)
			if g == nil {
				return nil, invalid("InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC '%s'", n, vpcIDOf(defaultVPC(e)))
			}
			for _, it := range items {
				if it == g {
					keep = append(keep, g)
				}
			}
		}
		items = keep
	}
	if items, err = filter(c, items, sgFilters(c), func(g *world.SecurityGroup) map[string]string { return g.Tags }); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "GroupId", std5)
	if err != nil {
		return nil, err
	}
	out := make([]securityGroupXML, 0, len(p))
	for _, g := range p {
		out = append(out, sgOut(c, g))
	}
	return struct {
		Groups    []securityGroupXML `xml:"securityGroupInfo>item"`
		NextToken string             `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

// ---- rules ----

type refGroupXML struct {
	GroupID string `xml:"groupId"`
	UserID  string `xml:"userId"`
}

type sgRuleXML struct {
	ID           string       `xml:"securityGroupRuleId"`
	GroupID      string       `xml:"groupId"`
	GroupOwnerID string       `xml:"groupOwnerId"`
	IsEgress     bool         `xml:"isEgress"`
	IPProtocol   string       `xml:"ipProtocol"`
	FromPort     int          `xml:"fromPort"`
	ToPort       int          `xml:"toPort"`
	CidrIpv4     string       `xml:"cidrIpv4,omitempty"`
	CidrIpv6     string       `xml:"cidrIpv6,omitempty"`
	PrefixListID string       `xml:"prefixListId,omitempty"`
	Referenced   *refGroupXML `xml:"referencedGroupInfo,omitempty"`
	Description  string       `xml:"description,omitempty"`
	Arn          string       `xml:"securityGroupRuleArn"`
	Tags         []tagItem    `xml:"tagSet>item"`
}

type ruleRef struct {
	g *world.SecurityGroup
	r *world.SGRule
}

func ruleOut(c *svc.Ctx, g *world.SecurityGroup, r *world.SGRule) sgRuleXML {
	x := sgRuleXML{
		ID: r.ID, GroupID: g.ID, GroupOwnerID: owner(c), IsEgress: r.Egress, IPProtocol: r.Protocol,
		FromPort: r.FromPort, ToPort: r.ToPort, CidrIpv4: r.CIDR, CidrIpv6: r.IPv6CIDR, PrefixListID: r.PrefixListID,
		Description: r.Description, Arn: c.ARN("ec2", "security-group-rule/"+r.ID), Tags: tagSet(r.Tags),
	}
	if r.GroupID != "" {
		x.Referenced = &refGroupXML{r.GroupID, ruleGroupOwner(c, r)}
	}
	return x
}

func describeSecurityGroupRules(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	ensureRuleIDs(c, e)
	var items []ruleRef
	for _, g := range e.SecurityGroups {
		for _, r := range g.Rules {
			items = append(items, ruleRef{g, r})
		}
	}
	items, err := selectIDs(c, items, "SecurityGroupRuleId", func(x ruleRef) string { return x.r.ID }, func(id string) error {
		return invalid("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
	})
	if err != nil {
		return nil, err
	}
	fs := filterSet[ruleRef]{
		"group-id":               func(x ruleRef) []string { return one(x.g.ID) },
		"security-group-rule-id": func(x ruleRef) []string { return one(x.r.ID) },
	}
	if items, err = filter(c, items, fs, func(x ruleRef) map[string]string { return x.r.Tags }); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "SecurityGroupRuleId", std5)
	if err != nil {
		return nil, err
	}
	out := make([]sgRuleXML, 0, len(p))
	for _, x := range p {
		out = append(out, ruleOut(c, x.g, x.r))
	}
	return struct {
		Rules     []sgRuleXML `xml:"securityGroupRuleSet>item"`
		NextToken string      `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

// ---- create / delete ----

func createSecurityGroup(c *svc.Ctx) (any, error) {
	name, desc := c.Form.Get("GroupName"), c.Form.Get("GroupDescription")
	if name == "" {
		return nil, missing("GroupName")
	}
	if desc == "" {
		return nil, missing("GroupDescription")
	}
	if len(name) > 255 || strings.HasPrefix(strings.ToLower(name), "sg-") {
		return nil, badValue("Value (%s) for parameter GroupName is invalid. Group names may not be in the format sg-*.", name)
	}
	if name == "default" {
		return nil, badValue("Cannot use reserved security group name: default")
	}
	e := ec2State(c)
	vpcID := c.Form.Get("VpcId")
	if vpcID == "" {
		dv := defaultVPC(e)
		if dv == nil {
			return nil, invalid("VPCIdNotSpecified", "No default VPC for this user")
		}
		vpcID = dv.ID
	} else if findVPC(e, vpcID) == nil {
		return nil, vpcNotFound(vpcID)
	}
	for _, g := range e.SecurityGroups {
		if g.VPCID == vpcID && g.Name == name {
			return nil, invalid("InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'", name, vpcID)
		}
	}
	g := &world.SecurityGroup{ID: c.World.HexID("sg-", 17), Name: name, Description: desc, VPCID: vpcID, Tags: tagSpecs(c, "security-group")}
	g.Rules = []*world.SGRule{{ID: c.World.HexID("sgr-", 17), Egress: true, Protocol: "-1", FromPort: -1, ToPort: -1, CIDR: "0.0.0.0/0"}}
	e.SecurityGroups = append(e.SecurityGroups, g)
	return struct {
		GroupID string    `xml:"groupId"`
		Arn     string    `xml:"securityGroupArn"`
		Tags    []tagItem `xml:"tagSet>item"`
	}{g.ID, c.ARN("ec2", "security-group/"+g.ID), tagSet(g.Tags)}, nil
}

func deleteSecurityGroup(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	g, err := groupParam(c, e)
	if err != nil {
		return nil, err
	}
	if g.Name == "default" {
		return nil, invalid("CannotDelete", "the specified group: \"%s\" name: \"default\" cannot be deleted by a user", g.ID)
	}
	for _, n := range allENIs(e) {
		for _, id := range n.GroupIDs {
			if id == g.ID {
				return nil, invalid("DependencyViolation", "resource %s has a dependent object", g.ID)
			}
		}
	}
	for _, o := range e.SecurityGroups {
		if o == g {
			continue
		}
		for _, r := range o.Rules {
			if r.GroupID == g.ID {
				return nil, invalid("DependencyViolation", "resource %s has a dependent object", g.ID)
			}
		}
	}
	e.SecurityGroups = remove(e.SecurityGroups, func(x *world.SecurityGroup) bool { return x == g })
	return struct {
		Return  bool   `xml:"return"`
		GroupID string `xml:"groupId"`
	}{true, g.ID}, nil
}

// ---- authorize / revoke ----

func normProtocol(p string) (string, bool) {
	switch strings.ToLower(p) {
	case "-1", "all":
		return "-1", true
	case "tcp", "6":
		return "tcp", true
	case "udp", "17":
		return "udp", true
	case "icmp", "1":
		return "icmp", true
	case "icmpv6", "58":
		return "icmpv6", true
	}
	n, err := strconv.Atoi(p)
	return p, err == nil && n >= 0 && n <= 255
}

// permParams is one IpPermission of a request, flattened into rules.
func permRules(c *svc.Ctx, e *world.EC2, g *world.SecurityGroup, egress bool) ([]*world.SGRule, error) {
	type perm struct {
		proto, from, to string
		prefix          string // "IpPermissions.N." or "" for the legacy top-level form
	}
	var perms []perm
	for i := 1; ; i++ {
		p := "IpPermissions." + strconv.Itoa(i) + "."
		found := false
		for k := range c.Form {
			if strings.HasPrefix(k, p) {
				found = true
				break
			}
		}
		if !found {
			break
		}
		perms = append(perms, perm{c.Form.Get(p + "IpProtocol"), c.Form.Get(p + "FromPort"), c.Form.Get(p + "ToPort"), p})
	}
	legacy := c.Form.Get("IpProtocol") != "" || c.Form.Get("CidrIp") != "" || c.Form.Get("SourceSecurityGroupName") != ""
	if legacy {
		proto := c.Form.Get("IpProtocol")
		if proto == "" && c.Form.Get("SourceSecurityGroupName") != "" {
			proto = "-1"
		}
		perms = append(perms, perm{proto, c.Form.Get("FromPort"), c.Form.Get("ToPort"), ""})
	}
	if len(perms) == 0 {
		return nil, missing("IpPermissions")
	}
	var rules []*world.SGRule
	for _, p := range perms {
		if p.proto == "" {
			return nil, missing("IpPermissions.IpProtocol")
		}
		proto, ok := normProtocol(p.proto)
		if !ok {
			return nil, invalid("InvalidParameterValue", "Invalid value '%s' for IP protocol. Unknown protocol.", p.proto)
		}
		from, to := -1, -1
		if proto != "-1" {
			var err1, err2 error
			if p.from == "" || p.to == "" {
				if proto == "tcp" || proto == "udp" {
					return nil, missing("FromPort")
				}
			} else {
				from, err1 = strconv.Atoi(p.from)
				to, err2 = strconv.Atoi(p.to)
				if err1 != nil || err2 != nil {
					return nil, badValue("Invalid port range %s-%s", p.from, p.to)
				}
			}
			if (proto == "tcp" || proto == "udp") && (from < 0 || to > 65535 || from > to) {
				return nil, invalid("InvalidParameterValue", "Invalid TCP/UDP port range (%d-%d)", from, to)
			}
		}
		base := world.SGRule{Egress: egress, Protocol: proto, FromPort: from, ToPort: to}
		n := 0
		add := func(r world.SGRule) {
			rr := r
			rules = append(rules, &rr)
			n++
		}
		if p.prefix == "" {
			if cidr := c.Form.Get("CidrIp"); cidr != "" {
				if err := checkCIDR(cidr, false); err != nil {
					return nil, err
				}
				r := base
				r.CIDR = cidr
				add(r)
			}
			if name := c.Form.Get("SourceSecurityGroupName"); name != "" {
				src := findSGByName(e, name)
				if src == nil {
					return nil, invalid("InvalidGroup.NotFound", "The security group '%s' does not exist", name)
				}
				r := base
				r.GroupID = src.ID
				add(r)
			}
		} else {
			for j := 1; ; j++ {
				k := p.prefix + "IpRanges." + strconv.Itoa(j) + "."
				cidr, ok := c.Form[k+"CidrIp"]
				if !ok {
					break
				}
				if err := checkCIDR(cidr[0], false); err != nil {
					return nil, err
				}
				r := base
				r.CIDR, r.Description = cidr[0], c.Form.Get(k+"Description")
				add(r)
			}
			for j := 1; ; j++ {
				k := p.prefix + "Ipv6Ranges." + strconv.Itoa(j) + "."
				cidr, ok := c.Form[k+"CidrIpv6"]
				if !ok {
					break
				}
				if err := checkCIDR(cidr[0], true); err != nil {
					return nil, err
				}
				r := base
				r.IPv6CIDR, r.Description = cidr[0], c.Form.Get(k+"Description")
				add(r)
			}
			for j := 1; ; j++ {
				k := p.prefix + "PrefixListIds." + strconv.Itoa(j) + "."
				pl, ok := c.Form[k+"PrefixListId"]
				if !ok {
					break
				}
				r := base
				r.PrefixListID, r.Description = pl[0], c.Form.Get(k+"Description")
				add(r)
			}
			for j := 1; ; j++ {
				k := p.prefix + "Groups." + strconv.Itoa(j) + "."
				id, name := c.Form.Get(k+"GroupId"), c.Form.Get(k+"GroupName")
				if id == "" && name == "" {
					break
				}
				user := c.Form.Get(k + "UserId")
				if user == "" || user == owner(c) {
					var src *world.SecurityGroup
					if id != "" {
						src = findSG(e, id)
					} else {
						src = findSGByName(e, name)
					}
					if src == nil {
						return nil, sgNotFound(id + name)
					}
					id, user = src.ID, ""
				}
				r := base
				r.GroupID, r.GroupOwner, r.Description = id, user, c.Form.Get(k+"Description")
				add(r)
			}
		}
		if n == 0 {
			// A permission with no source: AWS treats it as no-op input error.
			return nil, missing("IpPermissions.IpRanges")
		}
	}
	return rules, nil
}

func checkCIDR(s string, v6 bool) error {
	ip, _, err := net.ParseCIDR(s)
	if err != nil || (ip.To4() == nil) != v6 {
		return badValue("CIDR block %s is malformed", s)
	}
	return nil
}

func sameRule(a, b *world.SGRule) bool {
	return a.Egress == b.Egress && a.Protocol == b.Protocol && a.FromPort == b.FromPort && a.ToPort == b.ToPort &&
		a.CIDR == b.CIDR && a.IPv6CIDR == b.IPv6CIDR && a.GroupID == b.GroupID && a.PrefixListID == b.PrefixListID
}

func describeRule(r *world.SGRule) string {
	peer := r.CIDR + r.IPv6CIDR + r.GroupID + r.PrefixListID
	proto := strings.ToUpper(r.Protocol)
	if r.Protocol == "-1" {
		proto = "ALL"
	}
	return fmt.Sprintf("peer: %s, %s, from port: %d, to port: %d, ALLOW", peer, proto, r.FromPort, r.ToPort)
}

func authorize(egress bool) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		e := ec2State(c)
		ensureRuleIDs(c, e)
		g, err := groupParam(c, e)
		if err != nil {
			return nil, err
		}
		rules, err := permRules(c, e, g, egress)
		if err != nil {
			return nil, err
		}
		for i, r := range rules {
			prior := append(append([]*world.SGRule(nil), g.Rules...), rules[:i]...)
			for _, x := range prior {
				if sameRule(x, r) {
					return nil, invalid("InvalidPermission.Duplicate", "the specified rule \"%s\" already exists", describeRule(r))
				}
			}
		}
		if n := len(ruleVals(g, egress, func(*world.SGRule) string { return "x" })) + len(rules); n > 60 {
			return nil, invalid("RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached.")
		}
		// TagSpecification tags every rule the call adds.
		tags := tagSpecs(c, "security-group-rule")
		var out []sgRuleXML
		for _, r := range rules {
			r.ID = c.World.HexID("sgr-", 17)
			if tags != nil {
				r.Tags = maps.Clone(tags)
			}
			g.Rules = append(g.Rules, r)
			out = append(out, ruleOut(c, g, r))
		}
		return struct {
			Return bool        `xml:"return"`
			Rules  []sgRuleXML `xml:"securityGroupRuleSet>item"`
		}{true, out}, nil
	}
}

type revokedRuleXML struct {
	ID                string `xml:"securityGroupRuleId"`
	GroupID           string `xml:"groupId"`
	IsEgress          bool   `xml:"isEgress"`
	IPProtocol        string `xml:"ipProtocol"`
	FromPort          int    `xml:"fromPort"`
	ToPort            int    `xml:"toPort"`
	CidrIpv4          string `xml:"cidrIpv4,omitempty"`
	CidrIpv6          string `xml:"cidrIpv6,omitempty"`
	PrefixListID      string `xml:"prefixListId,omitempty"`
	ReferencedGroupID string `xml:"referencedGroupId,omitempty"`
	Description       string `xml:"description,omitempty"`
}

func revoke(egress bool) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		e := ec2State(c)
		ensureRuleIDs(c, e)
		g, err := groupParam(c, e)
		if err != nil {
			return nil, err
		}
		var drop []*world.SGRule
		var unknown []*world.SGRule
		if ids := c.EC2List("SecurityGroupRuleId"); len(ids) > 0 {
			for _, id := range ids {
				var hit *world.SGRule
				for _, r := range g.Rules {
					if r.ID == id && r.Egress == egress {
						hit = r
					}
				}
				if hit == nil {
					return nil, invalid("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
				}
				drop = append(drop, hit)
			}
		} else {
			want, err := permRules(c, e, g, egress)
			if err != nil {
				return nil, err
			}
			for _, w := range want {
				var hit *world.SGRule
				for _, r := range g.Rules {
					if sameRule(r, w) {
						hit = r
					}
				}
				if hit == nil {
					unknown = append(unknown, w)
					continue
				}
				drop = append(drop, hit)
			}
			if len(unknown) > 0 {
				if dv := defaultVPC(e); dv == nil || g.VPCID != dv.ID {
					return nil, invalid("InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
				}
			}
		}
		var revoked []revokedRuleXML
		for _, d := range drop {
			g.Rules = remove(g.Rules, func(r *world.SGRule) bool { return r == d })
			revoked = append(revoked, revokedRuleXML{d.ID, g.ID, d.Egress, d.Protocol, d.FromPort, d.ToPort, d.CIDR, d.IPv6CIDR, d.PrefixListID, d.GroupID, d.Description})
		}
		var unk []ipPermissionXML
		for _, u := range unknown {
			unk = append(unk, permissions(c, []*world.SGRule{u}, egress)...)
		}
		return struct {
			Return  bool              `xml:"return"`
			Unknown []ipPermissionXML `xml:"unknownIpPermissionSet>item"`
			Revoked []revokedRuleXML  `xml:"revokedSecurityGroupRuleSet>item"`
		}{true, unk, revoked}, nil
	}
}

// ---- network interfaces ----

// eni is a network interface as shown: a stored one, or an instance's
// primary interface.
type eni struct {
	world.NetworkInterface
	inst *world.Instance
}

// primaryENIID is the ID of an instance's primary interface.
func primaryENIID(inst *world.Instance) string { return "eni-" + suffix(inst.ID) }

func allENIs(e *world.EC2) []eni {
	var out []eni
	for _, n := range e.NetworkInterfaces {
		out = append(out, eni{NetworkInterface: *n})
	}
	for _, i := range e.Instances {
		if i.State == "terminated" {
			continue
		}
		out = append(out, eni{NetworkInterface: world.NetworkInterface{
			ID: primaryENIID(i), SubnetID: i.SubnetID, VPCID: i.VPCID, AZ: i.AZ, InterfaceType: "interface",
			PrivateIP: i.PrivateIP, PublicIP: i.PublicIP, GroupIDs: i.SecurityGroups, Status: "in-use", Tags: nil,
		}, inst: i})
	}
	return out
}

type eniAttachXML struct {
	AttachmentID        string `xml:"attachmentId"`
	InstanceID          string `xml:"instanceId"`
	InstanceOwnerID     string `xml:"instanceOwnerId"`
	DeviceIndex         int    `xml:"deviceIndex"`
	Status              string `xml:"status"`
	AttachTime          string `xml:"attachTime"`
	DeleteOnTermination bool   `xml:"deleteOnTermination"`
}

type eniAssocXML struct {
	PublicIP      string `xml:"publicIp"`
	PublicDNSName string `xml:"publicDnsName"`
	IPOwnerID     string `xml:"ipOwnerId"`
}

type eniXML struct {
	ID               string          `xml:"networkInterfaceId"`
	SubnetID         string          `xml:"subnetId"`
	VpcID            string          `xml:"vpcId"`
	AvailabilityZone string          `xml:"availabilityZone"`
	Description      string          `xml:"description"`
	OwnerID          string          `xml:"ownerId"`
	RequesterManaged bool            `xml:"requesterManaged"`
	Status           string          `xml:"status"`
	MacAddress       string          `xml:"macAddress"`
	PrivateIP        string          `xml:"privateIpAddress"`
	PrivateDNSName   string          `xml:"privateDnsName"`
	SourceDestCheck  bool            `xml:"sourceDestCheck"`
	InterfaceType    string          `xml:"interfaceType"`
	Groups           []groupIdentXML `xml:"groupSet>item"`
	Attachment       *eniAttachXML   `xml:"attachment,omitempty"`
	Association      *eniAssocXML    `xml:"association,omitempty"`
	Tags             []tagItem       `xml:"tagSet>item"`
}

func privateDNS(region, ip string) string {
	if ip == "" {
		return ""
	}
	host := "ip-" + strings.ReplaceAll(ip, ".", "-")
	if region == "us-east-1" {
		return host + ".ec2.internal"
	}
	return host + "." + region + ".compute.internal"
}

func publicDNS(region, ip string) string {
	if ip == "" {
		return ""
	}
	host := "ec2-" + strings.ReplaceAll(ip, ".", "-")
	if region == "us-east-1" {
		return host + ".compute-1.amazonaws.com"
	}
	return host + "." + region + ".compute.amazonaws.com"
}

func eniOut(c *svc.Ctx, e *world.EC2, n eni) eniXML {
	st := n.Status
	if st == "" {
		st = "in-use"
	}
	typ := n.InterfaceType
	if typ == "" {
		typ = "interface"
	}
	x := eniXML{
		ID: n.ID, SubnetID: n.SubnetID, VpcID: n.VPCID, AvailabilityZone: n.AZ, Description: n.Description, OwnerID: owner(c),
		RequesterManaged: typ != "interface", Status: st, MacAddress: mac(n.ID), PrivateIP: n.PrivateIP,
		PrivateDNSName: privateDNS(c.Region, n.PrivateIP), SourceDestCheck: true, InterfaceType: typ, Tags: tagSet(n.Tags),
	}
	for _, g := range n.GroupIDs {
		x.Groups = append(x.Groups, groupIdentXML{g, groupName(e, g)})
	}
	if n.inst != nil {
		x.Attachment = &eniAttachXML{"eni-attach-" + suffix(n.inst.ID), n.inst.ID, owner(c), 0, "attached", ts(n.inst.LaunchTime), true}
	}
	if n.PublicIP != "" {
		x.Association = &eniAssocXML{n.PublicIP, publicDNS(c.Region, n.PublicIP), "amazon"}
	}
	return x
}

func mac(id string) string {
	h := uint32(2166136261)
	for i := 0; i < len(id); i++ {
		h = (h ^ uint32(id[i])) * 16777619
	}
	return fmt.Sprintf("0a:%02x:%02x:%02x:%02x:%02x", byte(h>>24), byte(h>>16), byte(h>>8), byte(h), byte(len(id)))
}

func describeNetworkInterfaces(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	items, err := selectIDs(c, allENIs(e), "NetworkInterfaceId", func(n eni) string { return n.ID }, func(id string) error {
		return invalid("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", id)
	})
	if err != nil {
		return nil, err
	}
	fs := filterSet[eni]{
		"network-interface-id": func(n eni) []string { return one(n.ID) },
		"group-id":             func(n eni) []string { return n.GroupIDs },
		"group-name": func(n eni) []string {
			var out []string
			for _, g := range n.GroupIDs {
				out = append(out, groupName(e, g))
			}
			return out
		},
		"vpc-id":            func(n eni) []string { return one(n.VPCID) },
		"subnet-id":         func(n eni) []string { return one(n.SubnetID) },
		"availability-zone": func(n eni) []string { return one(n.AZ) },
		"status":            func(n eni) []string { return one(eniOut(c, e, n).Status) },
		"interface-type":    func(n eni) []string { return one(eniOut(c, e, n).InterfaceType) },
		"private-ip-address": func(n eni) []string {
			return one(n.PrivateIP)
		},
		"association.public-ip": func(n eni) []string { return one(n.PublicIP) },
		"description":           func(n eni) []string { return one(n.Description) },
		"owner-id":              func(n eni) []string { return one(owner(c)) },
		"requester-managed":     func(n eni) []string { return boolStr(eniOut(c, e, n).RequesterManaged) },
		"attachment.instance-id": func(n eni) []string {
			if n.inst == nil {
				return nil
			}
			return one(n.inst.ID)
		},
	}
	if items, err = filter(c, items, fs, func(n eni) map[string]string { return n.Tags }); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "NetworkInterfaceId", std5)
	if err != nil {
		return nil, err
	}
	out := make([]eniXML, 0, len(p))
	for _, n := range p {
		out = append(out, eniOut(c, e, n))
	}
	return struct {
		ENIs      []eniXML `xml:"networkInterfaceSet>item"`
		NextToken string   `xml:"nextToken,omitempty"`
	}{out, next}, nil
}
