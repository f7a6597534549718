package ec2

import (
	"sort"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// ---- launch templates ----

func ltNotFound() error {
	return invalid("InvalidLaunchTemplateId.NotFound", "At least one of the launch templates specified in the request does not exist.")
}

func ltNameNotFound() error {
	return invalid("InvalidLaunchTemplateName.NotFoundException", "At least one of the launch templates specified in the request does not exist.")
}

// versionNumber is the number of the n-th (0-based) version of t.
func versionNumber(t *world.LaunchTemplate, n int) int {
	if v := t.Versions[n].Number; v != 0 {
		return v
	}
	return n + 1
}

func defaultVersion(t *world.LaunchTemplate) int {
	if t.DefaultVersion != 0 {
		return t.DefaultVersion
	}
	return 1
}

func latestVersion(t *world.LaunchTemplate) int {
	latest := 0
	for n := range t.Versions {
		latest = max(latest, versionNumber(t, n))
	}
	return latest
}

func createdBy(c *svc.Ctx, t *world.LaunchTemplate) string {
	if t.CreatedBy != "" {
		return t.CreatedBy
	}
	return "arn:aws:iam::" + owner(c) + ":root"
}

type launchTemplateXML struct {
	ID             string    `xml:"launchTemplateId"`
	Name           string    `xml:"launchTemplateName"`
	CreateTime     string    `xml:"createTime"`
	CreatedBy      string    `xml:"createdBy"`
	DefaultVersion int       `xml:"defaultVersionNumber"`
	LatestVersion  int       `xml:"latestVersionNumber"`
	Tags           []tagItem `xml:"tagSet>item"`
}

func describeLaunchTemplates(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	for _, id := range c.EC2List("LaunchTemplateId") {
		if !strings.HasPrefix(id, "lt-") {
			return nil, invalid("InvalidLaunchTemplateId.Malformed", "The specified ID for the launch template ID is not valid: %s", id)
		}
	}
	items, err := selectIDs(c, e.LaunchTemplates, "LaunchTemplateId", func(t *world.LaunchTemplate) string { return t.ID },
		func(string) error { return ltNotFound() })
	if err != nil {
		return nil, err
	}
	if items, err = selectIDs(c, items, "LaunchTemplateName", func(t *world.LaunchTemplate) string { return t.Name },
		func(string) error { return ltNameNotFound() }); err != nil {
		return nil, err
	}
	fs := filterSet[*world.LaunchTemplate]{
		"launch-template-name": func(t *world.LaunchTemplate) []string { return one(t.Name) },
		"create-time":          func(t *world.LaunchTemplate) []string { return one(ts(t.Created)) },
	}
	if items, err = filter(c, items, fs, func(t *world.LaunchTemplate) map[string]string { return t.Tags }); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "", pageSpec{1, 200, false})
	if err != nil {
		return nil, err
	}
	out := make([]launchTemplateXML, 0, len(p))
	for _, t := range p {
		out = append(out, launchTemplateXML{t.ID, t.Name, ts(t.Created), createdBy(c, t), defaultVersion(t), latestVersion(t), tagSet(t.Tags)})
	}
	return struct {
		Templates []launchTemplateXML `xml:"launchTemplates>item"`
		NextToken string              `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

type ltInterfaceXML struct {
	AssociatePublicIP   *bool    `xml:"associatePublicIpAddress,omitempty"`
	DeleteOnTermination *bool    `xml:"deleteOnTermination,omitempty"`
	DeviceIndex         int      `xml:"deviceIndex"`
	Groups              []string `xml:"groupSet>groupId"`
	SubnetID            string   `xml:"subnetId,omitempty"`
}

type ltMetadataXML struct {
	State                   string `xml:"state"`
	HTTPTokens              string `xml:"httpTokens,omitempty"`
	HTTPPutResponseHopLimit int    `xml:"httpPutResponseHopLimit,omitempty"`
	HTTPEndpoint            string `xml:"httpEndpoint,omitempty"`
	HTTPProtocolIpv6        string `xml:"httpProtocolIpv6,omitempty"`
	InstanceMetadataTags    string `xml:"instanceMetadataTags,omitempty"`
}

type ltProfileXML struct {
	Arn string `xml:"arn"`
}

type ltDataXML struct {
	ImageID            string           `xml:"imageId,omitempty"`
	InstanceType       string           `xml:"instanceType,omitempty"`
	KeyName            string           `xml:"keyName,omitempty"`
	IamInstanceProfile *ltProfileXML    `xml:"iamInstanceProfile,omitempty"`
	SecurityGroupIDs   []string         `xml:"securityGroupIdSet>item"`
	NetworkInterfaces  []ltInterfaceXML `xml:"networkInterfaceSet>item"`
	MetadataOptions    *ltMetadataXML   `xml:"metadataOptions,omitempty"`
}

type ltVersionXML struct {
	TemplateID     string    `xml:"launchTemplateId"`
	TemplateName   string    `xml:"launchTemplateName"`
	VersionNumber  int       `xml:"versionNumber"`
	Description    string    `xml:"versionDescription,omitempty"`
	CreateTime     string    `xml:"createTime"`
	CreatedBy      string    `xml:"createdBy"`
	DefaultVersion bool      `xml:"defaultVersion"`
	Data           ltDataXML `xml:"launchTemplateData"`
}

// ltVersion is one version of a template, as listed.
type ltVersion struct {
	t *world.LaunchTemplate
	n int // index in t.Versions
}

func (v ltVersion) number() int     { return versionNumber(v.t, v.n) }
func (v ltVersion) isDefault() bool { return v.number() == defaultVersion(v.t) }

func ltVersionOut(c *svc.Ctx, v ltVersion) ltVersionXML {
	ver := v.t.Versions[v.n]
	d := ver.Data
	x := ltVersionXML{
		TemplateID: v.t.ID, TemplateName: v.t.Name, VersionNumber: v.number(), Description: ver.Description,
		CreateTime: ts(ver.Created), CreatedBy: createdBy(c, v.t), DefaultVersion: v.isDefault(),
		Data: ltDataXML{ImageID: d.ImageID, InstanceType: d.InstanceType, KeyName: d.KeyName, SecurityGroupIDs: d.SecurityGroupIDs},
	}
	if d.InstanceProfileARN != "" {
		x.Data.IamInstanceProfile = &ltProfileXML{d.InstanceProfileARN}
	}
	for _, n := range d.NetworkInterfaces {
		x.Data.NetworkInterfaces = append(x.Data.NetworkInterfaces, ltInterfaceXML{n.AssociatePublicIP, n.DeleteOnTermination, n.DeviceIndex, n.GroupIDs, n.SubnetID})
	}
	if m := d.Metadata; m != nil {
		x.Data.MetadataOptions = &ltMetadataXML{"pending", m.HTTPTokens, m.HTTPPutHopLimit, m.HTTPEndpoint, m.HTTPProtocolIPv6, m.InstanceMetadataTags}
	}
	return x
}

func findTemplate(c *svc.Ctx, e *world.EC2) (*world.LaunchTemplate, error) {
	id, name := c.Form.Get("LaunchTemplateId"), c.Form.Get("LaunchTemplateName")
	if id != "" && name != "" {
		return nil, invalid("InvalidParameterCombination", "You can specify either a launch template ID or a launch template name in the request, but not both.")
	}
	for _, t := range e.LaunchTemplates {
		if (id != "" && t.ID == id) || (name != "" && t.Name == name) {
			return t, nil
		}
	}
	if id != "" {
		if !strings.HasPrefix(id, "lt-") {
			return nil, invalid("InvalidLaunchTemplateId.Malformed", "The specified ID for the launch template ID is not valid: %s", id)
		}
		return nil, ltNotFound()
	}
	return nil, ltNameNotFound()
}

// describeLaunchTemplateVersions lists versions of one template (by ID or
// name), or, with neither, the $Latest and/or $Default versions of every
// template in the region.
func describeLaunchTemplateVersions(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	want := c.EC2List("LaunchTemplateVersion")
	var items []ltVersion
	if c.Form.Get("LaunchTemplateId") == "" && c.Form.Get("LaunchTemplateName") == "" {
		if len(want) == 0 {
			return nil, missing("LaunchTemplateId or LaunchTemplateName")
		}
		latest, def := false, false
		for _, v := range want {
			switch v {
			case "$Latest":
				latest = true
			case "$Default":
				def = true
			default:
				return nil, badValue("To describe the versions of all launch templates, specify only $Latest or $Default: %s", v)
			}
		}
		for _, t := range e.LaunchTemplates {
			for n := range t.Versions {
				v := ltVersion{t, n}
				if (latest && v.number() == latestVersion(t)) || (def && v.isDefault()) {
					items = append(items, v)
				}
			}
		}
	} else {
		t, err := findTemplate(c, e)
		if err != nil {
			return nil, err
		}
		nums := map[int]bool{}
		for _, v := range want {
			switch v {
			case "$Latest":
				nums[latestVersion(t)] = true
			case "$Default":
				nums[defaultVersion(t)] = true
			default:
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return nil, badValue("Invalid launch template version: %s", v)
				}
				nums[n] = true
			}
		}
		minV, maxV := 0, 0
		for _, b := range []struct {
			name string
			to   *int
		}{{"MinVersion", &minV}, {"MaxVersion", &maxV}} {
			if s := c.Form.Get(b.name); s != "" {
				n, err := strconv.Atoi(s)
				if err != nil {
					return nil, badValue("Invalid value for %s: %s", b.name, s)
				}
				*b.to = n
			}
		}
		found := map[int]bool{}
		for n := range t.Versions {
			v := ltVersion{t, n}
			num := v.number()
			if len(nums) > 0 && !nums[num] {
				continue
			}
			if (minV != 0 && num < minV) || (maxV != 0 && num > maxV) {
				continue
			}
			found[num] = true
			items = append(items, v)
		}
		for n := range nums {
			if !found[n] {
				return nil, invalid("InvalidLaunchTemplateId.VersionNotFound", "Could not find launch template version %d for launch template %s.", n, t.ID)
			}
		}
		// Newest first, as EC2 lists them.
		sort.SliceStable(items, func(i, j int) bool { return items[i].number() > items[j].number() })
	}
	fs := filterSet[ltVersion]{
		"is-default-version": func(v ltVersion) []string { return boolStr(v.isDefault()) },
		"image-id":           func(v ltVersion) []string { return one(v.t.Versions[v.n].Data.ImageID) },
		"instance-type":      func(v ltVersion) []string { return one(v.t.Versions[v.n].Data.InstanceType) },
		"iam-instance-profile": func(v ltVersion) []string {
			return one(v.t.Versions[v.n].Data.InstanceProfileARN)
		},
		"http-tokens": func(v ltVersion) []string {
			if m := v.t.Versions[v.n].Data.Metadata; m != nil {
				return one(m.HTTPTokens)
			}
			return nil
		},
		"http-endpoint": func(v ltVersion) []string {
			if m := v.t.Versions[v.n].Data.Metadata; m != nil {
				return one(m.HTTPEndpoint)
			}
			return nil
		},
		"create-time": func(v ltVersion) []string { return one(ts(v.t.Versions[v.n].Created)) },
	}
	items, err := filter(c, items, fs, nil)
	if err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "", pageSpec{1, 200, false})
	if err != nil {
		return nil, err
	}
	out := make([]ltVersionXML, 0, len(p))
	for _, v := range p {
		out = append(out, ltVersionOut(c, v))
	}
	return struct {
		Versions  []ltVersionXML `xml:"launchTemplateVersionSet>item"`
		NextToken string         `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

// ---- transit gateways ----

type tgwOptionsXML struct {
	AmazonSideAsn                int64  `xml:"amazonSideAsn"`
	AutoAcceptSharedAttachments  string `xml:"autoAcceptSharedAttachments"`
	DefaultRouteTableAssociation string `xml:"defaultRouteTableAssociation"`
	AssociationDefaultRouteTable string `xml:"associationDefaultRouteTableId,omitempty"`
	DefaultRouteTablePropagation string `xml:"defaultRouteTablePropagation"`
	PropagationDefaultRouteTable string `xml:"propagationDefaultRouteTableId,omitempty"`
	VpnEcmpSupport               string `xml:"vpnEcmpSupport"`
	DNSSupport                   string `xml:"dnsSupport"`
	MulticastSupport             string `xml:"multicastSupport"`
}

type tgwXML struct {
	ID           string        `xml:"transitGatewayId"`
	Arn          string        `xml:"transitGatewayArn"`
	State        string        `xml:"state"`
	OwnerID      string        `xml:"ownerId"`
	Description  string        `xml:"description,omitempty"`
	CreationTime string        `xml:"creationTime"`
	Options      tgwOptionsXML `xml:"options"`
	Tags         []tagItem     `xml:"tagSet>item"`
}

func enable(on bool) string {
	if on {
		return "enable"
	}
	return "disable"
}

func tgwOut(c *svc.Ctx, g *world.TransitGateway) tgwXML {
	st := g.State
	if st == "" {
		st = "available"
	}
	asn := g.AmazonSideASN
	if asn == 0 {
		asn = 64512
	}
	rtb := "tgw-rtb-" + suffix(g.ID)
	o := tgwOptionsXML{
		AmazonSideAsn: asn, AutoAcceptSharedAttachments: enable(g.AutoAcceptSharedAttachments),
		DefaultRouteTableAssociation: enable(!g.NoDefaultRouteTableAssociation),
		DefaultRouteTablePropagation: enable(!g.NoDefaultRouteTablePropagation),
		VpnEcmpSupport:               "enable", DNSSupport: "enable", MulticastSupport: "disable",
	}
	if !g.NoDefaultRouteTableAssociation {
		o.AssociationDefaultRouteTable = rtb
	}
	if !g.NoDefaultRouteTablePropagation {
		o.PropagationDefaultRouteTable = rtb
	}
	return tgwXML{g.ID, c.ARN("ec2", "transit-gateway/"+g.ID), st, owner(c), g.Description, ts(g.Created), o, tagSet(g.Tags)}
}

func describeTransitGateways(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	items, err := selectIDs(c, e.TransitGateways, "TransitGatewayIds", func(g *world.TransitGateway) string { return g.ID },
		func(id string) error {
			return invalid("InvalidTransitGatewayID.NotFound", "Transit Gateway %s was deleted or does not exist.", id)
		})
	if err != nil {
		return nil, err
	}
	opt := func(get func(tgwOptionsXML) string) func(*world.TransitGateway) []string {
		return func(g *world.TransitGateway) []string { return one(get(tgwOut(c, g).Options)) }
	}
	fs := filterSet[*world.TransitGateway]{
		"transit-gateway-id":                     func(g *world.TransitGateway) []string { return one(g.ID) },
		"state":                                  func(g *world.TransitGateway) []string { return one(tgwOut(c, g).State) },
		"owner-id":                               func(g *world.TransitGateway) []string { return one(owner(c)) },
		"options.auto-accept-shared-attachments": opt(func(o tgwOptionsXML) string { return o.AutoAcceptSharedAttachments }),
		"options.default-route-table-association": opt(func(o tgwOptionsXML) string {
			return o.DefaultRouteTableAssociation
		}),
		"options.default-route-table-propagation": opt(func(o tgwOptionsXML) string {
			return o.DefaultRouteTablePropagation
		}),
		"options.amazon-side-asn": opt(func(o tgwOptionsXML) string { return strconv.FormatInt(o.AmazonSideAsn, 10) }),
	}
	if items, err = filter(c, items, fs, func(g *world.TransitGateway) map[string]string { return g.Tags }); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "TransitGatewayIds", std5)
	if err != nil {
		return nil, err
	}
	out := make([]tgwXML, 0, len(p))
	for _, g := range p {
		out = append(out, tgwOut(c, g))
	}
	return struct {
		Gateways  []tgwXML `xml:"transitGatewaySet>item"`
		NextToken string   `xml:"nextToken,omitempty"`
	}{out, next}, nil
}
