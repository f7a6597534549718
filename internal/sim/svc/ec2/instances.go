package ec2

import (
	"cmp"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

var stateCodes = map[string]int{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}

type instanceStateXML struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

func stateOf(name string) instanceStateXML { return instanceStateXML{stateCodes[name], name} }

func instNotFound(id string) error {
	return invalid("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
}

func checkInstanceIDs(ids []string) error {
	for _, id := range ids {
		if !strings.HasPrefix(id, "i-") {
			return invalid("InvalidInstanceID.Malformed", "Invalid id: \"%s\"", id)
		}
	}
	return nil
}

func findInstance(e *world.EC2, id string) *world.Instance {
	for _, i := range e.Instances {
		if i.ID == id {
			return i
		}
	}
	return nil
}

func reservationID(i *world.Instance) string {
	if i.ReservationID != "" {
		return i.ReservationID
	}
	return "r-" + suffix(i.ID)
}

// metadata returns an instance's IMDS options with AWS's defaults filled in.
func metadata(i *world.Instance) world.InstanceMetadata {
	m := i.Metadata
	if m.HTTPTokens == "" {
		m.HTTPTokens = "optional"
	}
	if m.HTTPEndpoint == "" {
		m.HTTPEndpoint = "enabled"
	}
	if m.HTTPPutHopLimit == 0 {
		m.HTTPPutHopLimit = 1
	}
	if m.InstanceMetadataTags == "" {
		m.InstanceMetadataTags = "disabled"
	}
	if m.HTTPProtocolIPv6 == "" {
		m.HTTPProtocolIPv6 = "disabled"
	}
	return m
}

// ---- XML ----

type metadataOptionsXML struct {
	State                   string `xml:"state"`
	HTTPTokens              string `xml:"httpTokens"`
	HTTPPutResponseHopLimit int    `xml:"httpPutResponseHopLimit"`
	HTTPEndpoint            string `xml:"httpEndpoint"`
	HTTPProtocolIpv6        string `xml:"httpProtocolIpv6"`
	InstanceMetadataTags    string `xml:"instanceMetadataTags"`
}

func metadataOut(m world.InstanceMetadata, state string) metadataOptionsXML {
	return metadataOptionsXML{state, m.HTTPTokens, m.HTTPPutHopLimit, m.HTTPEndpoint, m.HTTPProtocolIPv6, m.InstanceMetadataTags}
}

type placementXML struct {
	AvailabilityZone string `xml:"availabilityZone"`
	GroupName        string `xml:"groupName"`
	Tenancy          string `xml:"tenancy"`
}

type ebsDeviceXML struct {
	VolumeID            string `xml:"volumeId"`
	Status              string `xml:"status"`
	AttachTime          string `xml:"attachTime"`
	DeleteOnTermination bool   `xml:"deleteOnTermination"`
}

type blockDeviceXML struct {
	DeviceName string       `xml:"deviceName"`
	Ebs        ebsDeviceXML `xml:"ebs"`
}

type iamProfileXML struct {
	Arn string `xml:"arn"`
	ID  string `xml:"id"`
}

type instanceENIXML struct {
	ID          string          `xml:"networkInterfaceId"`
	SubnetID    string          `xml:"subnetId"`
	VpcID       string          `xml:"vpcId"`
	OwnerID     string          `xml:"ownerId"`
	Status      string          `xml:"status"`
	MacAddress  string          `xml:"macAddress"`
	PrivateIP   string          `xml:"privateIpAddress"`
	PrivateDNS  string          `xml:"privateDnsName"`
	Groups      []groupIdentXML `xml:"groupSet>item"`
	Attachment  *eniAttachXML   `xml:"attachment,omitempty"`
	Association *eniAssocXML    `xml:"association,omitempty"`
	Interface   string          `xml:"interfaceType"`
}

type monitoringXML struct {
	State string `xml:"state"`
}

type instanceXML struct {
	InstanceID         string             `xml:"instanceId"`
	ImageID            string             `xml:"imageId"`
	State              instanceStateXML   `xml:"instanceState"`
	PrivateDNSName     string             `xml:"privateDnsName"`
	DNSName            string             `xml:"dnsName"`
	Reason             string             `xml:"reason"`
	KeyName            string             `xml:"keyName,omitempty"`
	AmiLaunchIndex     int                `xml:"amiLaunchIndex"`
	InstanceType       string             `xml:"instanceType"`
	LaunchTime         string             `xml:"launchTime"`
	Placement          placementXML       `xml:"placement"`
	Platform           string             `xml:"platform,omitempty"`
	Monitoring         monitoringXML      `xml:"monitoring"`
	SubnetID           string             `xml:"subnetId,omitempty"`
	VpcID              string             `xml:"vpcId,omitempty"`
	PrivateIP          string             `xml:"privateIpAddress,omitempty"`
	PublicIP           string             `xml:"ipAddress,omitempty"`
	SourceDestCheck    bool               `xml:"sourceDestCheck"`
	Groups             []groupIdentXML    `xml:"groupSet>item"`
	Architecture       string             `xml:"architecture"`
	RootDeviceType     string             `xml:"rootDeviceType"`
	RootDeviceName     string             `xml:"rootDeviceName"`
	BlockDevices       []blockDeviceXML   `xml:"blockDeviceMapping>item"`
	VirtualizationType string             `xml:"virtualizationType"`
	Tags               []tagItem          `xml:"tagSet>item"`
	Hypervisor         string             `xml:"hypervisor"`
	ENIs               []instanceENIXML   `xml:"networkInterfaceSet>item"`
	IamInstanceProfile *iamProfileXML     `xml:"iamInstanceProfile,omitempty"`
	EbsOptimized       bool               `xml:"ebsOptimized"`
	EnaSupport         bool               `xml:"enaSupport"`
	MetadataOptions    metadataOptionsXML `xml:"metadataOptions"`
	PlatformDetails    string             `xml:"platformDetails"`
}

type reservationXML struct {
	ReservationID string        `xml:"reservationId"`
	OwnerID       string        `xml:"ownerId"`
	Groups        []string      `xml:"groupSet>item"`
	Instances     []instanceXML `xml:"instancesSet>item"`
}

func profileID(arn string) string {
	h := uint64(1469598103934665603)
	for i := 0; i < len(arn); i++ {
		h = (h ^ uint64(arn[i])) * 1099511628211
	}
	return fmt.Sprintf("AIPA%017X", h)
}

func rootDevice(i *world.Instance) string {
	if i.RootDevice != "" {
		return i.RootDevice
	}
	if i.Platform == "windows" {
		return "/dev/sda1"
	}
	return "/dev/xvda"
}

func instanceOut(c *svc.Ctx, e *world.EC2, i *world.Instance, metaState string) instanceXML {
	live := i.State != "terminated"
	x := instanceXML{
		InstanceID: i.ID, ImageID: i.ImageID, State: stateOf(i.State), KeyName: i.KeyName, InstanceType: i.InstanceType,
		LaunchTime: ts(i.LaunchTime), Placement: placementXML{i.AZ, "", "default"}, Platform: i.Platform,
		Monitoring: monitoringXML{"disabled"}, SourceDestCheck: true, Architecture: "x86_64", RootDeviceType: "ebs",
		RootDeviceName: rootDevice(i), VirtualizationType: cmp.Or(i.VirtualizationType, "hvm"), Tags: tagSet(i.Tags), Hypervisor: "xen",
		EbsOptimized: false, EnaSupport: true, MetadataOptions: metadataOut(metadata(i), metaState), PlatformDetails: "Linux/UNIX",
	}
	if i.Platform == "windows" {
		x.PlatformDetails = "Windows"
	}
	// AWS reports when a user stopped or terminated an instance in its
	// state transition reason; a running instance has none.
	if (i.State == "stopped" || i.State == "terminated") && !i.StateTransitionTime.IsZero() {
		x.Reason = "User initiated (" + i.StateTransitionTime.UTC().Format("2006-01-02 15:04:05") + " GMT)"
	}
	if live {
		x.SubnetID, x.VpcID, x.PrivateIP, x.PublicIP = i.SubnetID, i.VPCID, i.PrivateIP, i.PublicIP
		x.PrivateDNSName = privateDNS(c.Region, i.PrivateIP)
		x.DNSName = publicDNS(c.Region, i.PublicIP)
		for _, g := range i.SecurityGroups {
			x.Groups = append(x.Groups, groupIdentXML{g, groupName(e, g)})
		}
		n := eniOut(c, e, eni{NetworkInterface: world.NetworkInterface{
			ID: primaryENIID(i), SubnetID: i.SubnetID, VPCID: i.VPCID, AZ: i.AZ, PrivateIP: i.PrivateIP, PublicIP: i.PublicIP, GroupIDs: i.SecurityGroups,
		}, inst: i})
		x.ENIs = []instanceENIXML{{n.ID, n.SubnetID, n.VpcID, n.OwnerID, n.Status, n.MacAddress, n.PrivateIP, n.PrivateDNSName, n.Groups, n.Attachment, n.Association, n.InterfaceType}}
	} else {
		x.Reason = "User initiated"
	}
	if i.InstanceProfile != "" {
		x.IamInstanceProfile = &iamProfileXML{i.InstanceProfile, profileID(i.InstanceProfile)}
	}
	for _, v := range e.Volumes {
		for _, a := range v.Attachments {
			if a.InstanceID == i.ID {
				at := a.AttachTime
				if at.IsZero() {
					at = i.LaunchTime
				}
				x.BlockDevices = append(x.BlockDevices, blockDeviceXML{a.Device, ebsDeviceXML{v.ID, "attached", ts(at), a.DeleteOnTermination}})
			}
		}
	}
	return x
}

func instanceFilters(c *svc.Ctx, e *world.EC2) filterSet[*world.Instance] {
	return filterSet[*world.Instance]{
		"instance-id":                    func(i *world.Instance) []string { return one(i.ID) },
		"instance-state-name":            func(i *world.Instance) []string { return one(i.State) },
		"instance-state-code":            func(i *world.Instance) []string { return one(strconv.Itoa(stateCodes[i.State])) },
		"instance-type":                  func(i *world.Instance) []string { return one(i.InstanceType) },
		"image-id":                       func(i *world.Instance) []string { return one(i.ImageID) },
		"vpc-id":                         func(i *world.Instance) []string { return one(i.VPCID) },
		"subnet-id":                      func(i *world.Instance) []string { return one(i.SubnetID) },
		"availability-zone":              func(i *world.Instance) []string { return one(i.AZ) },
		"private-ip-address":             func(i *world.Instance) []string { return one(i.PrivateIP) },
		"ip-address":                     func(i *world.Instance) []string { return one(i.PublicIP) },
		"key-name":                       func(i *world.Instance) []string { return one(i.KeyName) },
		"platform":                       func(i *world.Instance) []string { return one(i.Platform) },
		"owner-id":                       func(i *world.Instance) []string { return one(owner(c)) },
		"reservation-id":                 func(i *world.Instance) []string { return one(reservationID(i)) },
		"iam-instance-profile.arn":       func(i *world.Instance) []string { return one(i.InstanceProfile) },
		"metadata-options.http-tokens":   func(i *world.Instance) []string { return one(metadata(i).HTTPTokens) },
		"metadata-options.http-endpoint": func(i *world.Instance) []string { return one(metadata(i).HTTPEndpoint) },
		"metadata-options.instance-metadata-tags": func(i *world.Instance) []string { return one(metadata(i).InstanceMetadataTags) },
		"metadata-options.http-put-response-hop-limit": func(i *world.Instance) []string {
			return one(strconv.Itoa(metadata(i).HTTPPutHopLimit))
		},
		"instance.group-id": func(i *world.Instance) []string { return i.SecurityGroups },
		"group-id":          func(i *world.Instance) []string { return i.SecurityGroups },
		"instance.group-name": func(i *world.Instance) []string {
			var out []string
			for _, g := range i.SecurityGroups {
				out = append(out, groupName(e, g))
			}
			return out
		},
		"network-interface.network-interface-id": func(i *world.Instance) []string { return one(primaryENIID(i)) },
		"block-device-mapping.volume-id": func(i *world.Instance) []string {
			var out []string
			for _, v := range e.Volumes {
				for _, a := range v.Attachments {
					if a.InstanceID == i.ID {
						out = append(out, v.ID)
					}
				}
			}
			return out
		},
	}
}

func describeInstances(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	if err := checkInstanceIDs(c.EC2List("InstanceId")); err != nil {
		return nil, err
	}
	items, err := selectIDs(c, e.Instances, "InstanceId", func(i *world.Instance) string { return i.ID }, instNotFound)
	if err != nil {
		return nil, err
	}
	if items, err = filter(c, items, instanceFilters(c, e), func(i *world.Instance) map[string]string { return i.Tags }); err != nil {
		return nil, err
	}
	// Group by reservation, in order of first appearance; pages count
	// reservations.
	var order []string
	byRes := map[string][]*world.Instance{}
	for _, i := range items {
		r := reservationID(i)
		if _, ok := byRes[r]; !ok {
			order = append(order, r)
		}
		byRes[r] = append(byRes[r], i)
	}
	p, next, err := page(c, order, "InstanceId", std5)
	if err != nil {
		return nil, err
	}
	out := make([]reservationXML, 0, len(p))
	for _, r := range p {
		rx := reservationXML{ReservationID: r, OwnerID: owner(c)}
		for _, i := range byRes[r] {
			rx.Instances = append(rx.Instances, instanceOut(c, e, i, "applied"))
		}
		out = append(out, rx)
	}
	return struct {
		Reservations []reservationXML `xml:"reservationSet>item"`
		NextToken    string           `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

// ---- metadata options ----

func oneOf(c *svc.Ctx, name string, allowed ...string) (string, error) {
	v := c.Form.Get(name)
	if v == "" {
		return "", nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	return "", badValue("Value (%s) for parameter %s is invalid. Valid values: %s", v, name, strings.Join(allowed, ", "))
}

func hopLimit(c *svc.Ctx, name string, allowNoPref bool) (int, error) {
	s := c.Form.Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err == nil && allowNoPref && n == -1 {
		return -1, nil
	}
	if err != nil || n < 1 || n > 64 {
		return 0, badValue("Value (%s) for parameter %s is invalid. Valid range: 1-64", s, name)
	}
	return n, nil
}

func modifyInstanceMetadataOptions(c *svc.Ctx) (any, error) {
	id := c.Form.Get("InstanceId")
	if id == "" {
		return nil, missing("InstanceId")
	}
	if err := checkInstanceIDs([]string{id}); err != nil {
		return nil, err
	}
	tokens, err := oneOf(c, "HttpTokens", "optional", "required")
	if err != nil {
		return nil, err
	}
	endpoint, err := oneOf(c, "HttpEndpoint", "enabled", "disabled")
	if err != nil {
		return nil, err
	}
	tags, err := oneOf(c, "InstanceMetadataTags", "enabled", "disabled")
	if err != nil {
		return nil, err
	}
	v6, err := oneOf(c, "HttpProtocolIpv6", "enabled", "disabled")
	if err != nil {
		return nil, err
	}
	hop, err := hopLimit(c, "HttpPutResponseHopLimit", false)
	if err != nil {
		return nil, err
	}
	e := ec2State(c)
	i := findInstance(e, id)
	if i == nil {
		return nil, instNotFound(id)
	}
	if i.State == "terminated" || i.State == "shutting-down" {
		return nil, invalid("IncorrectInstanceState", "The instance '%s' is not in a valid state for this operation.", id)
	}
	m := metadata(i)
	if tokens != "" {
		m.HTTPTokens = tokens
	}
	if endpoint != "" {
		m.HTTPEndpoint = endpoint
	}
	if tags != "" {
		m.InstanceMetadataTags = tags
	}
	if v6 != "" {
		m.HTTPProtocolIPv6 = v6
	}
	if hop != 0 {
		m.HTTPPutHopLimit = hop
	}
	before := i.Metadata
	i.Metadata = m
	c.World.MetadataChanged(c.Account.ID, c.Region, i, before)
	return struct {
		InstanceID string             `xml:"instanceId"`
		Options    metadataOptionsXML `xml:"instanceMetadataOptions"`
	}{i.ID, metadataOut(m, "pending")}, nil
}

type metadataDefaultsXML struct {
	HTTPTokens              string `xml:"httpTokens,omitempty"`
	HTTPPutResponseHopLimit int    `xml:"httpPutResponseHopLimit,omitempty"`
	HTTPEndpoint            string `xml:"httpEndpoint,omitempty"`
	InstanceMetadataTags    string `xml:"instanceMetadataTags,omitempty"`
}

func getInstanceMetadataDefaults(c *svc.Ctx) (any, error) {
	d := ec2State(c).MetadataDefaults
	return struct {
		AccountLevel metadataDefaultsXML `xml:"accountLevel"`
	}{metadataDefaultsXML{d.HTTPTokens, d.HTTPPutHopLimit, d.HTTPEndpoint, d.InstanceMetadataTags}}, nil
}

func modifyInstanceMetadataDefaults(c *svc.Ctx) (any, error) {
	tokens, err := oneOf(c, "HttpTokens", "optional", "required", "no-preference")
	if err != nil {
		return nil, err
	}
	endpoint, err := oneOf(c, "HttpEndpoint", "enabled", "disabled", "no-preference")
	if err != nil {
		return nil, err
	}
	tags, err := oneOf(c, "InstanceMetadataTags", "enabled", "disabled", "no-preference")
	if err != nil {
		return nil, err
	}
	hop, err := hopLimit(c, "HttpPutResponseHopLimit", true)
	if err != nil {
		return nil, err
	}
	d := &ec2State(c).MetadataDefaults
	set := func(dst *string, v string) {
		switch v {
		case "":
		case "no-preference":
			*dst = ""
		default:
			*dst = v
		}
	}
	set(&d.HTTPTokens, tokens)
	set(&d.HTTPEndpoint, endpoint)
	set(&d.InstanceMetadataTags, tags)
	switch {
	case hop == -1:
		d.HTTPPutHopLimit = 0
	case hop > 0:
		d.HTTPPutHopLimit = hop
	}
	return returnResult{true}, nil
}

// ---- run / state changes ----

func findImage(e *world.EC2, id string) *world.Image {
	for _, im := range e.Images {
		if im.ID == id {
			return im
		}
	}
	return nil
}

// nthIP returns the n-th host address of cidr (skipping AWS's reserved
// first four).
func nthIP(cidr string, n int) string {
	_, nw, err := net.ParseCIDR(cidr)
	if err != nil || nw.IP.To4() == nil {
		return ""
	}
	ip := nw.IP.To4()
	v := uint32(ip[0])<<24 | uint32(ip[1])<<16 | uint32(ip[2])<<8 | uint32(ip[3])
	ones, bits := nw.Mask.Size()
	size := uint32(1) << (bits - ones)
	v += 4 + uint32(n)%(size-5)
	return fmt.Sprintf("%d.%d.%d.%d", byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

func runInstances(c *svc.Ctx) (any, error) {
	image := c.Form.Get("ImageId")
	if image == "" {
		return nil, missing("ImageId")
	}
	if !strings.HasPrefix(image, "ami-") {
		return nil, invalid("InvalidAMIID.Malformed", "Invalid id: \"%s\" (expecting \"ami-...\")", image)
	}
	minS, maxS := c.Form.Get("MinCount"), c.Form.Get("MaxCount")
	if minS == "" {
		return nil, missing("MinCount")
	}
	if maxS == "" {
		return nil, missing("MaxCount")
	}
	minN, err1 := strconv.Atoi(minS)
	maxN, err2 := strconv.Atoi(maxS)
	if err1 != nil || err2 != nil || minN < 1 || maxN < minN {
		return nil, badValue("Invalid MinCount (%s) / MaxCount (%s)", minS, maxS)
	}
	if maxN > 20 {
		if minN > 20 {
			return nil, invalid("InstanceLimitExceeded", "You have requested more instances (%d) than your current instance limit of 20 allows for the specified instance type.", minN)
		}
		maxN = 20
	}
	e := ec2State(c)
	var subnet *world.Subnet
	if id := c.Form.Get("SubnetId"); id != "" {
		for _, s := range e.Subnets {
			if s.ID == id {
				subnet = s
			}
		}
		if subnet == nil {
			return nil, invalid("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
		}
	} else {
		dv := defaultVPC(e)
		if dv == nil {
			return nil, invalid("VPCIdNotSpecified", "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.")
		}
		for _, s := range e.Subnets {
			if s.VPCID == dv.ID && (subnet == nil || s.DefaultForAZ && !subnet.DefaultForAZ) {
				subnet = s
			}
		}
		if subnet == nil {
			return nil, invalid("MissingInput", "No subnets found for the default VPC '%s'. Please specify a subnet.", dv.ID)
		}
	}
	var groups []string
	for _, id := range c.EC2List("SecurityGroupId") {
		g := findSG(e, id)
		if g == nil {
			return nil, sgNotFound(id)
		}
		if g.VPCID != subnet.VPCID {
			return nil, badValue("Security group %s and subnet %s belong to different networks.", id, subnet.ID)
		}
		groups = append(groups, id)
	}
	for _, name := range c.EC2List("SecurityGroup") {
		var hit *world.SecurityGroup
		for _, g := range e.SecurityGroups {
			if g.Name == name && g.VPCID == subnet.VPCID {
				hit = g
			}
		}
		if hit == nil {
			return nil, invalid("InvalidGroup.NotFound", "The security group '%s' does not exist in VPC '%s'", name, subnet.VPCID)
		}
		groups = append(groups, hit.ID)
	}
	if len(groups) == 0 {
		for _, g := range e.SecurityGroups {
			if g.VPCID == subnet.VPCID && g.Name == "default" {
				groups = append(groups, g.ID)
			}
		}
	}
	// Metadata options: request, else account defaults, else the AMI's.
	d := e.MetadataDefaults
	m := world.InstanceMetadata{HTTPTokens: d.HTTPTokens, HTTPEndpoint: d.HTTPEndpoint, HTTPPutHopLimit: d.HTTPPutHopLimit, InstanceMetadataTags: d.InstanceMetadataTags}
	if im := findImage(e, image); im != nil && im.IMDSSupport == "v2.0" && m.HTTPTokens == "" {
		m.HTTPTokens = "required"
		if m.HTTPPutHopLimit == 0 {
			m.HTTPPutHopLimit = 2
		}
	}
	if v, err := oneOf(c, "MetadataOptions.HttpTokens", "optional", "required"); err != nil {
		return nil, err
	} else if v != "" {
		m.HTTPTokens = v
	}
	if v, err := oneOf(c, "MetadataOptions.HttpEndpoint", "enabled", "disabled"); err != nil {
		return nil, err
	} else if v != "" {
		m.HTTPEndpoint = v
	}
	if v, err := oneOf(c, "MetadataOptions.InstanceMetadataTags", "enabled", "disabled"); err != nil {
		return nil, err
	} else if v != "" {
		m.InstanceMetadataTags = v
	}
	if v, err := hopLimit(c, "MetadataOptions.HttpPutResponseHopLimit", false); err != nil {
		return nil, err
	} else if v != 0 {
		m.HTTPPutHopLimit = v
	}
	profile := c.Form.Get("IamInstanceProfile.Arn")
	if name := c.Form.Get("IamInstanceProfile.Name"); profile == "" && name != "" {
		profile = c.GlobalARN("iam", "instance-profile/"+name)
	}
	typ := c.Form.Get("InstanceType")
	if typ == "" {
		typ = "m1.small"
	}
	resID := c.World.HexID("r-", 17)
	now := c.Now()
	rx := reservationXML{ReservationID: resID, OwnerID: owner(c)}
	for n := 0; n < maxN; n++ {
		i := &world.Instance{
			ID: c.World.HexID("i-", 17), ReservationID: resID, ImageID: image, InstanceType: typ, State: "running",
			AZ: subnet.AZ, VPCID: subnet.VPCID, SubnetID: subnet.ID, KeyName: c.Form.Get("KeyName"),
			SecurityGroups: append([]string(nil), groups...), InstanceProfile: profile, Metadata: m, LaunchTime: now,
			Tags: tagSpecs(c, "instance"),
		}
		i.PrivateIP = nthIP(subnet.CIDR, len(e.Instances)+len(e.NetworkInterfaces)+n)
		if subnet.MapPublicIP {
			k := c.World.NextID()
			i.PublicIP = fmt.Sprintf("3.%d.%d.%d", 80+byte(k>>16)%100, byte(k>>8), 1+byte(k)%254)
		}
		e.Instances = append(e.Instances, i)
		vol := &world.Volume{
			ID: c.World.HexID("vol-", 17), Size: 8, Type: "gp3", AZ: subnet.AZ, State: "in-use", Created: now,
			Encrypted: e.EBSEncryptionByDefault, Attachments: []world.VolumeAttachment{{InstanceID: i.ID, Device: rootDevice(i), DeleteOnTermination: true, AttachTime: now}},
		}
		if vol.Encrypted {
			vol.KMSKeyID = defaultKMSKey(c, e)
		}
		e.Volumes = append(e.Volumes, vol)
		x := instanceOut(c, e, i, "pending")
		x.State = stateOf("pending")
		x.AmiLaunchIndex = n
		rx.Instances = append(rx.Instances, x)
	}
	return rx, nil
}

type stateChangeXML struct {
	InstanceID    string           `xml:"instanceId"`
	CurrentState  instanceStateXML `xml:"currentState"`
	PreviousState instanceStateXML `xml:"previousState"`
}

// changeState serves Terminate/Stop/StartInstances: the answer shows the
// transitional state, the world holds the final one.
func changeState(target string) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		ids := c.EC2List("InstanceId")
		if len(ids) == 0 {
			return nil, missing("InstanceId")
		}
		if err := checkInstanceIDs(ids); err != nil {
			return nil, err
		}
		e := ec2State(c)
		var insts []*world.Instance
		for _, id := range ids {
			i := findInstance(e, id)
			if i == nil {
				return nil, instNotFound(id)
			}
			if i.State == "terminated" && target != "terminated" {
				return nil, invalid("IncorrectInstanceState", "The instance '%s' is not in a state from which it can be %s.", id, map[string]string{"stopped": "stopped", "running": "started"}[target])
			}
			insts = append(insts, i)
		}
		var out []stateChangeXML
		for _, i := range insts {
			prev := i.State
			cur := map[string]string{"terminated": "shutting-down", "stopped": "stopping", "running": "pending"}[target]
			if prev == target || (target == "terminated" && prev == "shutting-down") {
				cur = prev
			}
			if target == "terminated" && prev != "terminated" {
				i.PublicIP = ""
				terminateVolumes(e, i.ID)
			}
			if prev != target {
				i.StateTransitionTime = time.Time{}
				if target != "running" {
					i.StateTransitionTime = c.Now()
				}
			}
			i.State = target
			out = append(out, stateChangeXML{i.ID, stateOf(cur), stateOf(prev)})
		}
		return struct {
			Instances []stateChangeXML `xml:"instancesSet>item"`
		}{out}, nil
	}
}

// terminateVolumes deletes the volumes that go with a terminated instance
// and detaches the others.
func terminateVolumes(e *world.EC2, id string) {
	var keep []*world.Volume
	for _, v := range e.Volumes {
		drop := false
		var atts []world.VolumeAttachment
		for _, a := range v.Attachments {
			if a.InstanceID == id {
				drop = drop || a.DeleteOnTermination
				continue
			}
			atts = append(atts, a)
		}
		if drop {
			continue
		}
		v.Attachments = atts
		if len(atts) == 0 {
			v.State = "available"
		}
		keep = append(keep, v)
	}
	e.Volumes = keep
}
