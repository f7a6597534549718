package ec2

import (
	"net"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

func vpcNotFound(id string) error {
	return invalid("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id)
}

func findVPC(e *world.EC2, id string) *world.VPC {
	for _, v := range e.VPCs {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// suffix is an ID without its prefix ("vpc-0abc" → "0abc").
func suffix(id string) string {
	if i := strings.IndexByte(id, '-'); i >= 0 {
		return id[i+1:]
	}
	return id
}

// ---- VPCs ----

type vpcCIDRAssoc struct {
	AssociationID string   `xml:"associationId"`
	CIDR          string   `xml:"cidrBlock"`
	State         stateXML `xml:"cidrBlockState"`
}

type vpcXML struct {
	VpcID           string         `xml:"vpcId"`
	OwnerID         string         `xml:"ownerId"`
	State           string         `xml:"state"`
	CidrBlock       string         `xml:"cidrBlock"`
	CIDRAssocs      []vpcCIDRAssoc `xml:"cidrBlockAssociationSet>item"`
	DhcpOptionsID   string         `xml:"dhcpOptionsId,omitempty"`
	InstanceTenancy string         `xml:"instanceTenancy"`
	IsDefault       bool           `xml:"isDefault"`
	Tags            []tagItem      `xml:"tagSet>item"`
}

func vpcOut(c *svc.Ctx, v *world.VPC) vpcXML {
	state := v.State
	if state == "" {
		state = "available"
	}
	ten := v.InstanceTenancy
	if ten == "" {
		ten = "default"
	}
	return vpcXML{
		VpcID: v.ID, OwnerID: owner(c), State: state, CidrBlock: v.CIDR,
		CIDRAssocs:    []vpcCIDRAssoc{{"vpc-cidr-assoc-" + suffix(v.ID), v.CIDR, stateXML{"associated"}}},
		DhcpOptionsID: v.DHCPOptionsID, InstanceTenancy: ten, IsDefault: v.IsDefault, Tags: tagSet(v.Tags),
	}
}

func vpcFilters(c *svc.Ctx) filterSet[*world.VPC] {
	return filterSet[*world.VPC]{
		"vpc-id":                                func(v *world.VPC) []string { return one(v.ID) },
		"cidr":                                  func(v *world.VPC) []string { return one(v.CIDR) },
		"cidr-block-association.cidr-block":     func(v *world.VPC) []string { return one(v.CIDR) },
		"cidr-block-association.state":          func(v *world.VPC) []string { return one("associated") },
		"is-default":                            func(v *world.VPC) []string { return boolStr(v.IsDefault) },
		"state":                                 func(v *world.VPC) []string { return one(vpcOut(c, v).State) },
		"owner-id":                              func(v *world.VPC) []string { return one(owner(c)) },
		"dhcp-options-id":                       func(v *world.VPC) []string { return one(v.DHCPOptionsID) },
		"cidr-block-association.association-id": func(v *world.VPC) []string { return one("vpc-cidr-assoc-" + suffix(v.ID)) },
	}
}

func vpcTags(v *world.VPC) map[string]string { return v.Tags }

func describeVpcs(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	items, err := selectIDs(c, e.VPCs, "VpcId", func(v *world.VPC) string { return v.ID }, vpcNotFound)
	if err != nil {
		return nil, err
	}
	if items, err = filter(c, items, vpcFilters(c), vpcTags); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "VpcId", std5)
	if err != nil {
		return nil, err
	}
	out := make([]vpcXML, 0, len(p))
	for _, v := range p {
		out = append(out, vpcOut(c, v))
	}
	return struct {
		Vpcs      []vpcXML `xml:"vpcSet>item"`
		NextToken string   `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

// createVpc creates a VPC with what AWS creates with it: a main route
// table, a default network ACL and a default security group.
func createVpc(c *svc.Ctx) (any, error) {
	cidr := c.Form.Get("CidrBlock")
	if cidr == "" {
		return nil, missing("CidrBlock")
	}
	_, n, err := net.ParseCIDR(cidr)
	if err != nil || n.IP.To4() == nil {
		return nil, badValue("Value (%s) for parameter cidrBlock is invalid. This is not a valid CIDR block.", cidr)
	}
	if ones, _ := n.Mask.Size(); ones < 16 || ones > 28 {
		return nil, invalid("InvalidVpc.Range", "The CIDR '%s' is invalid.", cidr)
	}
	ten := c.Form.Get("InstanceTenancy")
	switch ten {
	case "", "default", "dedicated":
	default:
		return nil, badValue("Value (%s) for parameter instanceTenancy is invalid.", ten)
	}
	e := ec2State(c)
	v := &world.VPC{ID: c.World.HexID("vpc-", 17), CIDR: n.String(), State: "available", InstanceTenancy: ten, Tags: tagSpecs(c, "vpc")}
	e.VPCs = append(e.VPCs, v)
	addVPCDefaults(c, e, v)
	out := vpcOut(c, v)
	out.State = "pending"
	return struct {
		Vpc vpcXML `xml:"vpc"`
	}{out}, nil
}

func addVPCDefaults(c *svc.Ctx, e *world.EC2, v *world.VPC) {
	e.RouteTables = append(e.RouteTables, &world.RouteTable{
		ID: c.World.HexID("rtb-", 17), VPCID: v.ID, Main: true,
		Routes: []world.Route{{Destination: v.CIDR, GatewayID: "local", State: "active"}},
	})
	e.NetworkACLs = append(e.NetworkACLs, &world.NetworkACL{
		ID: c.World.HexID("acl-", 17), VPCID: v.ID, Default: true,
		Entries: []world.NACLEntry{
			{RuleNumber: 100, Protocol: "-1", Action: "allow", CIDR: "0.0.0.0/0"},
			{RuleNumber: 100, Egress: true, Protocol: "-1", Action: "allow", CIDR: "0.0.0.0/0"},
		},
	})
	sg := &world.SecurityGroup{ID: c.World.HexID("sg-", 17), Name: "default", Description: "default VPC security group", VPCID: v.ID}
	sg.Rules = []*world.SGRule{
		{ID: c.World.HexID("sgr-", 17), Protocol: "-1", FromPort: -1, ToPort: -1, GroupID: sg.ID},
		{ID: c.World.HexID("sgr-", 17), Egress: true, Protocol: "-1", FromPort: -1, ToPort: -1, CIDR: "0.0.0.0/0"},
	}
	e.SecurityGroups = append(e.SecurityGroups, sg)
}

func deleteVpc(c *svc.Ctx) (any, error) {
	id := c.Form.Get("VpcId")
	if id == "" {
		return nil, missing("VpcId")
	}
	e := ec2State(c)
	v := findVPC(e, id)
	if v == nil {
		return nil, vpcNotFound(id)
	}
	dep := false
	for _, s := range e.Subnets {
		dep = dep || s.VPCID == id
	}
	for _, g := range e.InternetGateways {
		dep = dep || g.VPCID == id
	}
	for _, g := range e.SecurityGroups {
		dep = dep || (g.VPCID == id && g.Name != "default")
	}
	for _, i := range e.Instances {
		dep = dep || (i.VPCID == id && i.State != "terminated")
	}
	for _, p := range e.VPCEndpoints {
		dep = dep || p.VPCID == id
	}
	for _, r := range e.RouteTables {
		dep = dep || (r.VPCID == id && !r.Main)
	}
	for _, n := range e.NetworkACLs {
		dep = dep || (n.VPCID == id && !n.Default)
	}
	if dep {
		return nil, invalid("DependencyViolation", "The vpc '%s' has dependencies and cannot be deleted.", id)
	}
	e.VPCs = remove(e.VPCs, func(x *world.VPC) bool { return x.ID == id })
	e.RouteTables = remove(e.RouteTables, func(x *world.RouteTable) bool { return x.VPCID == id })
	e.NetworkACLs = remove(e.NetworkACLs, func(x *world.NetworkACL) bool { return x.VPCID == id })
	e.SecurityGroups = remove(e.SecurityGroups, func(x *world.SecurityGroup) bool { return x.VPCID == id })
	e.FlowLogs = remove(e.FlowLogs, func(x *world.FlowLog) bool { return x.ResourceID == id })
	return returnResult{true}, nil
}

func remove[T any](items []T, drop func(T) bool) []T {
	out := items[:0]
	for _, it := range items {
		if !drop(it) {
			out = append(out, it)
		}
	}
	return out
}

// ---- subnets ----

type subnetXML struct {
	SubnetID            string    `xml:"subnetId"`
	SubnetArn           string    `xml:"subnetArn"`
	OwnerID             string    `xml:"ownerId"`
	VpcID               string    `xml:"vpcId"`
	State               string    `xml:"state"`
	CidrBlock           string    `xml:"cidrBlock"`
	AvailableIPs        int       `xml:"availableIpAddressCount"`
	AvailabilityZone    string    `xml:"availabilityZone"`
	AvailabilityZoneID  string    `xml:"availabilityZoneId"`
	DefaultForAz        bool      `xml:"defaultForAz"`
	MapPublicIPOnLaunch bool      `xml:"mapPublicIpOnLaunch"`
	Tags                []tagItem `xml:"tagSet>item"`
}

func subnetFilters(c *svc.Ctx) filterSet[*world.Subnet] {
	return filterSet[*world.Subnet]{
		"subnet-id":               func(s *world.Subnet) []string { return one(s.ID) },
		"vpc-id":                  func(s *world.Subnet) []string { return one(s.VPCID) },
		"availability-zone":       func(s *world.Subnet) []string { return one(s.AZ) },
		"availability-zone-id":    func(s *world.Subnet) []string { return one(zoneID(c.Region, s.AZ)) },
		"cidr-block":              func(s *world.Subnet) []string { return one(s.CIDR) },
		"cidr":                    func(s *world.Subnet) []string { return one(s.CIDR) },
		"default-for-az":          func(s *world.Subnet) []string { return boolStr(s.DefaultForAZ) },
		"map-public-ip-on-launch": func(s *world.Subnet) []string { return boolStr(s.MapPublicIP) },
		"state":                   func(s *world.Subnet) []string { return one("available") },
		"owner-id":                func(s *world.Subnet) []string { return one(owner(c)) },
		"subnet-arn":              func(s *world.Subnet) []string { return one(c.ARN("ec2", "subnet/"+s.ID)) },
	}
}

func describeSubnets(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	items, err := selectIDs(c, e.Subnets, "SubnetId", func(s *world.Subnet) string { return s.ID }, func(id string) error {
		return invalid("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
	})
	if err != nil {
		return nil, err
	}
	if items, err = filter(c, items, subnetFilters(c), func(s *world.Subnet) map[string]string { return s.Tags }); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "SubnetId", std5)
	if err != nil {
		return nil, err
	}
	out := make([]subnetXML, 0, len(p))
	for _, s := range p {
		avail := s.AvailableIPCount
		if avail == 0 {
			if _, n, err := net.ParseCIDR(s.CIDR); err == nil {
				ones, bits := n.Mask.Size()
				avail = 1<<(bits-ones) - 5
			}
		}
		out = append(out, subnetXML{
			SubnetID: s.ID, SubnetArn: c.ARN("ec2", "subnet/"+s.ID), OwnerID: owner(c), VpcID: s.VPCID, State: "available",
			CidrBlock: s.CIDR, AvailableIPs: avail, AvailabilityZone: s.AZ, AvailabilityZoneID: zoneID(c.Region, s.AZ),
			DefaultForAz: s.DefaultForAZ, MapPublicIPOnLaunch: s.MapPublicIP, Tags: tagSet(s.Tags),
		})
	}
	return struct {
		Subnets   []subnetXML `xml:"subnetSet>item"`
		NextToken string      `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

// ---- route tables ----

type routeXML struct {
	DestinationCidrBlock     string `xml:"destinationCidrBlock,omitempty"`
	DestinationIpv6CidrBlock string `xml:"destinationIpv6CidrBlock,omitempty"`
	GatewayID                string `xml:"gatewayId,omitempty"`
	NatGatewayID             string `xml:"natGatewayId,omitempty"`
	VpcPeeringConnectionID   string `xml:"vpcPeeringConnectionId,omitempty"`
	State                    string `xml:"state"`
	Origin                   string `xml:"origin"`
}

type rtAssocXML struct {
	ID           string   `xml:"routeTableAssociationId"`
	RouteTableID string   `xml:"routeTableId"`
	SubnetID     string   `xml:"subnetId,omitempty"`
	Main         bool     `xml:"main"`
	State        stateXML `xml:"associationState"`
}

type routeTableXML struct {
	RouteTableID string       `xml:"routeTableId"`
	VpcID        string       `xml:"vpcId"`
	OwnerID      string       `xml:"ownerId"`
	Routes       []routeXML   `xml:"routeSet>item"`
	Associations []rtAssocXML `xml:"associationSet>item"`
	Tags         []tagItem    `xml:"tagSet>item"`
}

func rtAssocs(r *world.RouteTable) []rtAssocXML {
	var out []rtAssocXML
	if r.Main {
		out = append(out, rtAssocXML{ID: "rtbassoc-" + suffix(r.ID), RouteTableID: r.ID, Main: true, State: stateXML{"associated"}})
	}
	for _, s := range r.Subnets {
		out = append(out, rtAssocXML{ID: "rtbassoc-" + suffix(s), RouteTableID: r.ID, SubnetID: s, State: stateXML{"associated"}})
	}
	return out
}

func routeVals(r *world.RouteTable, get func(world.Route) string) []string {
	var out []string
	for _, rt := range r.Routes {
		if v := get(rt); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func routeTableFilters(c *svc.Ctx) filterSet[*world.RouteTable] {
	assocVals := func(r *world.RouteTable, get func(rtAssocXML) string) []string {
		var out []string
		for _, a := range rtAssocs(r) {
			if v := get(a); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	return filterSet[*world.RouteTable]{
		"route-table-id": func(r *world.RouteTable) []string { return one(r.ID) },
		"vpc-id":         func(r *world.RouteTable) []string { return one(r.VPCID) },
		"owner-id":       func(r *world.RouteTable) []string { return one(owner(c)) },
		"association.main": func(r *world.RouteTable) []string {
			if r.Main {
				return []string{"true"}
			}
			if len(r.Subnets) > 0 {
				return []string{"false"}
			}
			return nil
		},
		"association.subnet-id": func(r *world.RouteTable) []string { return r.Subnets },
		"association.route-table-association-id": func(r *world.RouteTable) []string {
			return assocVals(r, func(a rtAssocXML) string { return a.ID })
		},
		"association.route-table-id": func(r *world.RouteTable) []string {
			return assocVals(r, func(a rtAssocXML) string { return a.RouteTableID })
		},
		"route.destination-cidr-block": func(r *world.RouteTable) []string {
			return routeVals(r, func(x world.Route) string { return x.Destination })
		},
		"route.destination-ipv6-cidr-block": func(r *world.RouteTable) []string {
			return routeVals(r, func(x world.Route) string { return x.DestinationIPv6 })
		},
		"route.gateway-id": func(r *world.RouteTable) []string {
			return routeVals(r, func(x world.Route) string { return x.GatewayID })
		},
		"route.nat-gateway-id": func(r *world.RouteTable) []string {
			return routeVals(r, func(x world.Route) string { return x.NATGatewayID })
		},
		"route.vpc-peering-connection-id": func(r *world.RouteTable) []string {
			return routeVals(r, func(x world.Route) string { return x.PeeringID })
		},
	}
}

func describeRouteTables(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	items, err := selectIDs(c, e.RouteTables, "RouteTableId", func(r *world.RouteTable) string { return r.ID }, func(id string) error {
		return invalid("InvalidRouteTableID.NotFound", "The routeTable ID '%s' does not exist", id)
	})
	if err != nil {
		return nil, err
	}
	if items, err = filter(c, items, routeTableFilters(c), func(r *world.RouteTable) map[string]string { return r.Tags }); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "RouteTableId", std5rt)
	if err != nil {
		return nil, err
	}
	out := make([]routeTableXML, 0, len(p))
	for _, r := range p {
		x := routeTableXML{RouteTableID: r.ID, VpcID: r.VPCID, OwnerID: owner(c), Associations: rtAssocs(r), Tags: tagSet(r.Tags)}
		for _, rt := range r.Routes {
			st := rt.State
			if st == "" {
				st = "active"
			}
			origin := "CreateRoute"
			if rt.GatewayID == "local" {
				origin = "CreateRouteTable"
			}
			x.Routes = append(x.Routes, routeXML{rt.Destination, rt.DestinationIPv6, rt.GatewayID, rt.NATGatewayID, rt.PeeringID, st, origin})
		}
		out = append(out, x)
	}
	return struct {
		RouteTables []routeTableXML `xml:"routeTableSet>item"`
		NextToken   string          `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

// ---- internet gateways ----

type igwAttachXML struct {
	VpcID string `xml:"vpcId"`
	State string `xml:"state"`
}

type igwXML struct {
	ID          string         `xml:"internetGatewayId"`
	OwnerID     string         `xml:"ownerId"`
	Attachments []igwAttachXML `xml:"attachmentSet>item"`
	Tags        []tagItem      `xml:"tagSet>item"`
}

func describeInternetGateways(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	items, err := selectIDs(c, e.InternetGateways, "InternetGatewayId", func(g *world.InternetGateway) string { return g.ID }, func(id string) error {
		return invalid("InvalidInternetGatewayID.NotFound", "The internetGateway ID '%s' does not exist", id)
	})
	if err != nil {
		return nil, err
	}
	fs := filterSet[*world.InternetGateway]{
		"internet-gateway-id": func(g *world.InternetGateway) []string { return one(g.ID) },
		"attachment.vpc-id":   func(g *world.InternetGateway) []string { return one(g.VPCID) },
		"attachment.state": func(g *world.InternetGateway) []string {
			if g.VPCID != "" {
				return []string{"available"}
			}
			return nil
		},
		"owner-id": func(g *world.InternetGateway) []string { return one(owner(c)) },
	}
	if items, err = filter(c, items, fs, func(g *world.InternetGateway) map[string]string { return g.Tags }); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "InternetGatewayId", std5)
	if err != nil {
		return nil, err
	}
	out := make([]igwXML, 0, len(p))
	for _, g := range p {
		x := igwXML{ID: g.ID, OwnerID: owner(c), Tags: tagSet(g.Tags)}
		if g.VPCID != "" {
			x.Attachments = []igwAttachXML{{g.VPCID, "available"}}
		}
		out = append(out, x)
	}
	return struct {
		Gateways  []igwXML `xml:"internetGatewaySet>item"`
		NextToken string   `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

// ---- network ACLs ----

type portRangeXML struct {
	From int `xml:"from"`
	To   int `xml:"to"`
}

type icmpXML struct {
	Code int `xml:"code"`
	Type int `xml:"type"`
}

type naclEntryXML struct {
	RuleNumber    int           `xml:"ruleNumber"`
	Protocol      string        `xml:"protocol"`
	RuleAction    string        `xml:"ruleAction"`
	Egress        bool          `xml:"egress"`
	CidrBlock     string        `xml:"cidrBlock,omitempty"`
	Ipv6CidrBlock string        `xml:"ipv6CidrBlock,omitempty"`
	PortRange     *portRangeXML `xml:"portRange,omitempty"`
	IcmpTypeCode  *icmpXML      `xml:"icmpTypeCode,omitempty"`
}

type naclAssocXML struct {
	ID           string `xml:"networkAclAssociationId"`
	NetworkAclID string `xml:"networkAclId"`
	SubnetID     string `xml:"subnetId"`
}

type naclXML struct {
	ID           string         `xml:"networkAclId"`
	VpcID        string         `xml:"vpcId"`
	Default      bool           `xml:"default"`
	OwnerID      string         `xml:"ownerId"`
	Entries      []naclEntryXML `xml:"entrySet>item"`
	Associations []naclAssocXML `xml:"associationSet>item"`
	Tags         []tagItem      `xml:"tagSet>item"`
}

// naclEntries returns the entries of n with the final catch-all deny
// (rule 32767) every ACL has.
func naclEntries(n *world.NetworkACL) []naclEntryXML {
	var out []naclEntryXML
	has := map[bool]bool{}
	for _, en := range n.Entries {
		x := naclEntryXML{RuleNumber: en.RuleNumber, Protocol: en.Protocol, RuleAction: en.Action, Egress: en.Egress, CidrBlock: en.CIDR, Ipv6CidrBlock: en.IPv6CIDR}
		if en.FromPort != nil || en.ToPort != nil {
			x.PortRange = &portRangeXML{}
			if en.FromPort != nil {
				x.PortRange.From = *en.FromPort
			}
			if en.ToPort != nil {
				x.PortRange.To = *en.ToPort
			}
		}
		if en.ICMPType != nil || en.ICMPCode != nil {
			x.IcmpTypeCode = &icmpXML{}
			if en.ICMPType != nil {
				x.IcmpTypeCode.Type = *en.ICMPType
			}
			if en.ICMPCode != nil {
				x.IcmpTypeCode.Code = *en.ICMPCode
			}
		}
		if en.RuleNumber == 32767 && en.CIDR == "0.0.0.0/0" {
			has[en.Egress] = true
		}
		out = append(out, x)
	}
	for _, eg := range []bool{false, true} {
		if !has[eg] {
			out = append(out, naclEntryXML{RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: eg, CidrBlock: "0.0.0.0/0"})
		}
	}
	return out
}

func naclFilters(c *svc.Ctx) filterSet[*world.NetworkACL] {
	ent := func(get func(naclEntryXML) string) func(*world.NetworkACL) []string {
		return func(n *world.NetworkACL) []string {
			var out []string
			for _, en := range naclEntries(n) {
				if v := get(en); v != "" {
					out = append(out, v)
				}
			}
			return out
		}
	}
	return filterSet[*world.NetworkACL]{
		"network-acl-id":        func(n *world.NetworkACL) []string { return one(n.ID) },
		"vpc-id":                func(n *world.NetworkACL) []string { return one(n.VPCID) },
		"default":               func(n *world.NetworkACL) []string { return boolStr(n.Default) },
		"owner-id":              func(n *world.NetworkACL) []string { return one(owner(c)) },
		"association.subnet-id": func(n *world.NetworkACL) []string { return n.Subnets },
		"association.network-acl-id": func(n *world.NetworkACL) []string {
			if len(n.Subnets) > 0 {
				return []string{n.ID}
			}
			return nil
		},
		"association.association-id": func(n *world.NetworkACL) []string {
			var out []string
			for _, s := range n.Subnets {
				out = append(out, "aclassoc-"+suffix(s))
			}
			return out
		},
		"entry.cidr":        ent(func(x naclEntryXML) string { return x.CidrBlock }),
		"entry.ipv6-cidr":   ent(func(x naclEntryXML) string { return x.Ipv6CidrBlock }),
		"entry.egress":      ent(func(x naclEntryXML) string { return strconv.FormatBool(x.Egress) }),
		"entry.rule-action": ent(func(x naclEntryXML) string { return x.RuleAction }),
		"entry.rule-number": ent(func(x naclEntryXML) string { return strconv.Itoa(x.RuleNumber) }),
		"entry.protocol":    ent(func(x naclEntryXML) string { return x.Protocol }),
		"entry.port-range.from": ent(func(x naclEntryXML) string {
			if x.PortRange == nil {
				return ""
			}
			return strconv.Itoa(x.PortRange.From)
		}),
		"entry.port-range.to": ent(func(x naclEntryXML) string {
			if x.PortRange == nil {
				return ""
			}
			return strconv.Itoa(x.PortRange.To)
		}),
	}
}

func describeNetworkAcls(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	items, err := selectIDs(c, e.NetworkACLs, "NetworkAclId", func(n *world.NetworkACL) string { return n.ID }, func(id string) error {
		return invalid("InvalidNetworkAclID.NotFound", "The networkAcl ID '%s' does not exist", id)
	})
	if err != nil {
		return nil, err
	}
	if items, err = filter(c, items, naclFilters(c), func(n *world.NetworkACL) map[string]string { return n.Tags }); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "NetworkAclId", std5)
	if err != nil {
		return nil, err
	}
	out := make([]naclXML, 0, len(p))
	for _, n := range p {
		x := naclXML{ID: n.ID, VpcID: n.VPCID, Default: n.Default, OwnerID: owner(c), Entries: naclEntries(n), Tags: tagSet(n.Tags)}
		for _, s := range n.Subnets {
			x.Associations = append(x.Associations, naclAssocXML{"aclassoc-" + suffix(s), n.ID, s})
		}
		out = append(out, x)
	}
	return struct {
		ACLs      []naclXML `xml:"networkAclSet>item"`
		NextToken string    `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

// ---- VPC endpoints ----

type groupIdentXML struct {
	GroupID   string `xml:"groupId"`
	GroupName string `xml:"groupName"`
}

type vpcEndpointXML struct {
	ID                string          `xml:"vpcEndpointId"`
	Type              string          `xml:"vpcEndpointType"`
	VpcID             string          `xml:"vpcId"`
	ServiceName       string          `xml:"serviceName"`
	State             string          `xml:"state"`
	PolicyDocument    string          `xml:"policyDocument,omitempty"`
	RouteTableIDs     []string        `xml:"routeTableIdSet>item"`
	SubnetIDs         []string        `xml:"subnetIdSet>item"`
	Groups            []groupIdentXML `xml:"groupSet>item"`
	PrivateDNSEnabled bool            `xml:"privateDnsEnabled"`
	RequesterManaged  bool            `xml:"requesterManaged"`
	Created           string          `xml:"creationTimestamp"`
	OwnerID           string          `xml:"ownerId"`
	Tags              []tagItem       `xml:"tagSet>item"`
}

func groupName(e *world.EC2, id string) string {
	if g := findSG(e, id); g != nil {
		return g.Name
	}
	return ""
}

func describeVpcEndpoints(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	items, err := selectIDs(c, e.VPCEndpoints, "VpcEndpointId", func(v *world.VPCEndpoint) string { return v.ID }, func(id string) error {
		return invalid("InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '%s' does not exist", id)
	})
	if err != nil {
		return nil, err
	}
	state := func(v *world.VPCEndpoint) string {
		if v.State == "" {
			return "available"
		}
		return v.State
	}
	fs := filterSet[*world.VPCEndpoint]{
		"vpc-endpoint-id":    func(v *world.VPCEndpoint) []string { return one(v.ID) },
		"vpc-id":             func(v *world.VPCEndpoint) []string { return one(v.VPCID) },
		"service-name":       func(v *world.VPCEndpoint) []string { return one(v.ServiceName) },
		"vpc-endpoint-state": func(v *world.VPCEndpoint) []string { return one(state(v)) },
		"vpc-endpoint-type":  func(v *world.VPCEndpoint) []string { return one(v.Type) },
	}
	if items, err = filter(c, items, fs, func(v *world.VPCEndpoint) map[string]string { return v.Tags }); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "", loose)
	if err != nil {
		return nil, err
	}
	out := make([]vpcEndpointXML, 0, len(p))
	for _, v := range p {
		x := vpcEndpointXML{
			ID: v.ID, Type: v.Type, VpcID: v.VPCID, ServiceName: v.ServiceName, State: state(v), PolicyDocument: v.PolicyDocument,
			RouteTableIDs: v.RouteTableIDs, SubnetIDs: v.SubnetIDs, PrivateDNSEnabled: v.PrivateDNS,
			Created: ts(v.Created), OwnerID: owner(c), Tags: tagSet(v.Tags),
		}
		for _, g := range v.GroupIDs {
			x.Groups = append(x.Groups, groupIdentXML{g, groupName(e, g)})
		}
		out = append(out, x)
	}
	return struct {
		Endpoints []vpcEndpointXML `xml:"vpcEndpointSet>item"`
		NextToken string           `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

// ---- peering ----

type peeringVPCXML struct {
	CidrBlock string `xml:"cidrBlock"`
	OwnerID   string `xml:"ownerId"`
	VpcID     string `xml:"vpcId"`
	Region    string `xml:"region"`
}

type peeringStatusXML struct {
	Code    string `xml:"code"`
	Message string `xml:"message"`
}

type peeringXML struct {
	ID        string           `xml:"vpcPeeringConnectionId"`
	Requester peeringVPCXML    `xml:"requesterVpcInfo"`
	Accepter  peeringVPCXML    `xml:"accepterVpcInfo"`
	Status    peeringStatusXML `xml:"status"`
	Tags      []tagItem        `xml:"tagSet>item"`
}

func describeVpcPeeringConnections(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	items, err := selectIDs(c, e.PeeringConnections, "VpcPeeringConnectionId", func(p *world.PeeringConnection) string { return p.ID }, func(id string) error {
		return invalid("InvalidVpcPeeringConnectionID.NotFound", "The vpcPeeringConnection ID '%s' does not exist", id)
	})
	if err != nil {
		return nil, err
	}
	fs := filterSet[*world.PeeringConnection]{
		"vpc-peering-connection-id": func(p *world.PeeringConnection) []string { return one(p.ID) },
		"status-code": func(p *world.PeeringConnection) []string {
			if p.Status == "" {
				return []string{"active"}
			}
			return one(p.Status)
		},
		"requester-vpc-info.vpc-id":     func(p *world.PeeringConnection) []string { return one(p.Requester.VPCID) },
		"requester-vpc-info.owner-id":   func(p *world.PeeringConnection) []string { return one(p.Requester.OwnerID) },
		"requester-vpc-info.cidr-block": func(p *world.PeeringConnection) []string { return one(p.Requester.CIDR) },
		"accepter-vpc-info.vpc-id":      func(p *world.PeeringConnection) []string { return one(p.Accepter.VPCID) },
		"accepter-vpc-info.owner-id":    func(p *world.PeeringConnection) []string { return one(p.Accepter.OwnerID) },
		"accepter-vpc-info.cidr-block":  func(p *world.PeeringConnection) []string { return one(p.Accepter.CIDR) },
	}
	if items, err = filter(c, items, fs, func(p *world.PeeringConnection) map[string]string { return p.Tags }); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "VpcPeeringConnectionId", std5)
	if err != nil {
		return nil, err
	}
	out := make([]peeringXML, 0, len(p))
	side := func(v world.PeeringVPC) peeringVPCXML { return peeringVPCXML{v.CIDR, v.OwnerID, v.VPCID, v.Region} }
	for _, pc := range p {
		st := pc.Status
		if st == "" {
			st = "active"
		}
		msg := strings.ToUpper(st[:1]) + strings.ReplaceAll(st[1:], "-", " ")
		if st == "pending-acceptance" {
			msg = "Pending Acceptance by " + pc.Accepter.OwnerID
		}
		out = append(out, peeringXML{pc.ID, side(pc.Requester), side(pc.Accepter), peeringStatusXML{st, msg}, tagSet(pc.Tags)})
	}
	return struct {
		Conns     []peeringXML `xml:"vpcPeeringConnectionSet>item"`
		NextToken string       `xml:"nextToken,omitempty"`
	}{out, next}, nil
}
