package terraform

import (
	"fmt"
	"strconv"

	"github.com/guardrail-sec/guardrail/internal/iac"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
)

// EC2: security groups (inline rules and the separate rule resources),
// instances and launch templates, EBS volumes, snapshots and encryption
// by default, VPCs, their default security group and flow logs.
//
// A new VPC gets a default security group from EC2 that allows all
// traffic from itself and all egress; unless an
// aws_default_security_group of the plan manages it (Terraform then
// removes every rule but the ones it configures), that group is assessed
// as EC2 creates it, reported on the VPC's address. Terraform removes the
// allow-all egress rule EC2 adds to a new aws_security_group, so a
// group's rules are exactly those of the plan.

var _ = register(0, mapSecurityGroup, "aws_security_group", "aws_default_security_group")
var _ = register(1, mapSGRule, "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule")
var _ = register(0, mapVPC, "aws_vpc")
var _ = register(1, mapFlowLog, "aws_flow_log")
var _ = register(0, mapInstance, "aws_instance")
var _ = register(0, mapLaunchTemplate, "aws_launch_template")
var _ = register(0, mapVolume, "aws_ebs_volume")
var _ = register(1, mapVolumeAttachment, "aws_volume_attachment")
var _ = register(1, mapEBSSnapshot, "aws_ebs_snapshot")
var _ = register(0, mapEBSDefault, "aws_ebs_encryption_by_default")

type ec2State struct {
	groups    map[*instance]*ec2.SecurityGroup
	groupIDs  map[*instance]string
	vpcs      map[*instance]*ec2.VPC
	defaultSG map[*instance]*instance // vpc → its aws_default_security_group
	instances map[*instance]*ec2.Instance
	volumes   map[*instance]*ec2.Volume
	order     []*instance
	// external are the stand-ins of groups outside the plan that the
	// plan adds rules to, by ID.
	external map[string]*instance
}

func newEC2State() *ec2State {
	return &ec2State{groups: map[*instance]*ec2.SecurityGroup{}, groupIDs: map[*instance]string{}, vpcs: map[*instance]*ec2.VPC{},
		defaultSG: map[*instance]*instance{}, instances: map[*instance]*ec2.Instance{}, volumes: map[*instance]*ec2.Volume{},
		external: map[string]*instance{}}
}

// idOf is a resource's ID: the plan's when known, else a placeholder.
func idOf(in *instance, prefix string) string {
	if id, ok := in.after.str("id"); ok && id != "" {
		return id
	}
	return syntheticID(prefix, in.addr)
}

func mapVPC(b *builder, in *instance) {
	id := idOf(in, "vpc-")
	v := &ec2.VPC{ID: id, ARN: b.arn("ec2", "vpc/"+id), State: "available", Tags: in.res.Tags}
	v.CIDR, _ = in.after.str("cidr_block")
	in.res.ARN = v.ARN
	b.ec2.vpcs[in] = v
	b.ec2.order = append(b.ec2.order, in)
}

func vpcKey(c *instance) string { return idOf(c, "vpc-") }

func mapSecurityGroup(b *builder, in *instance) {
	id := idOf(in, "sg-")
	name, _ := in.after.str("name")
	g := &ec2.SecurityGroup{ID: id, ARN: b.arn("ec2", "security-group/"+id), Name: name, Tags: in.res.Tags}
	g.Description, _ = in.after.str("description")
	if in.typ == "aws_default_security_group" {
		g.Name = "default"
		if vpc := b.ref(in, "vpc_id", vpcKey, "aws_vpc"); vpc != nil {
			b.ec2.defaultSG[vpc] = in
			g.VPCID = vpcKey(vpc)
		}
	} else if vpc := b.ref(in, "vpc_id", vpcKey, "aws_vpc"); vpc != nil {
		g.VPCID = vpcKey(vpc)
	}
	if g.VPCID == "" {
		g.VPCID, _ = in.after.str("vpc_id")
	}
	if name == "" && in.typ != "aws_default_security_group" {
		g.Name = placeholderName(in.addr)
	}
	for _, dir := range []string{"ingress", "egress"} {
		if in.after.unknown(dir) {
			unknownAttr(in.res, in, dir)
			continue
		}
		for _, r := range in.after.blocks(dir) {
			rules := inlineRules(r, id)
			if dir == "ingress" {
				g.Ingress = append(g.Ingress, rules...)
			} else {
				g.Egress = append(g.Egress, rules...)
			}
			if anyTrue(r.u) {
				unknownAttr(in.res, in, dir)
			}
		}
	}
	in.res.ARN = g.ARN
	b.ec2.groups[in] = g
	b.ec2.groupIDs[in] = id
}

// protocol normalizes a protocol as EC2 reports it.
func protocol(p string) string { return iac.Protocol(p) }

// ports are -1 for "all" protocols, as EC2 reports them.
func ports(o obj, proto string) (int, int) {
	if proto == "-1" {
		return -1, -1
	}
	f, ok1 := o.num("from_port")
	t, ok2 := o.num("to_port")
	if !ok1 || !ok2 {
		return -1, -1
	}
	return f, t
}

// inlineRules expands an inline ingress/egress block: one rule per peer.
func inlineRules(r obj, self string) []ec2.Rule {
	p, _ := r.str("protocol")
	proto := protocol(p)
	from, to := ports(r, proto)
	base := ec2.Rule{Protocol: proto, FromPort: from, ToPort: to}
	base.Description, _ = r.str("description")
	var out []ec2.Rule
	for _, c := range r.strs("cidr_blocks") {
		x := base
		x.CIDR = c
		out = append(out, x)
	}
	for _, c := range r.strs("ipv6_cidr_blocks") {
		x := base
		x.IPv6CIDR = c
		out = append(out, x)
	}
	for _, c := range r.strs("prefix_list_ids") {
		x := base
		x.PrefixListID = c
		out = append(out, x)
	}
	for _, c := range r.strs("security_groups") {
		x := base
		x.GroupID = c
		out = append(out, x)
	}
	if s, _ := r.boolean("self"); s {
		x := base
		x.GroupID = self
		out = append(out, x)
	}
	return out
}

func sgKey(c *instance) string { return idOf(c, "sg-") }

func mapSGRule(b *builder, in *instance) {
	target := b.ref(in, "security_group_id", sgKey, "aws_security_group", "aws_default_security_group")
	if target == nil {
		id, known := in.after.str("security_group_id")
		if !known || id == "" {
			unjoined(in, "security_group_id", "security group")
			return
		}
		// Rules added to a group outside the plan: they are judged;
		// the group's other rules are its live state.
		target = b.ec2.externalGroup(b, in, id)
	}
	g := b.ec2.groups[target]
	if target != in {
		in.res.ARN, in.res.Joins = g.ARN, target.addr
	}
	o := in.after
	egress := in.typ == "aws_vpc_security_group_egress_rule"
	var rules []ec2.Rule
	switch in.typ {
	case "aws_security_group_rule":
		t, _ := o.str("type")
		egress = t == "egress"
		rules = inlineRules(o, g.ID)
		if s, ok := o.str("source_security_group_id"); ok && s != "" {
			p := protocol(str(o, "protocol"))
			f, t := ports(o, p)
			rules = append(rules, ec2.Rule{Protocol: p, FromPort: f, ToPort: t, GroupID: s})
		} else if o.unknown("source_security_group_id") {
			p := protocol(str(o, "protocol"))
			f, t := ports(o, p)
			rules = append(rules, ec2.Rule{Protocol: p, FromPort: f, ToPort: t, GroupID: syntheticID("sg-", in.addr+".source")})
		}
	default:
		p := protocol(str(o, "ip_protocol"))
		f, t := ports(o, p)
		r := ec2.Rule{Protocol: p, FromPort: f, ToPort: t}
		r.Description, _ = o.str("description")
		r.CIDR, _ = o.str("cidr_ipv4")
		r.IPv6CIDR, _ = o.str("cidr_ipv6")
		r.PrefixListID, _ = o.str("prefix_list_id")
		r.GroupID, _ = o.str("referenced_security_group_id")
		if r.GroupID == "" && o.unknown("referenced_security_group_id") {
			r.GroupID = syntheticID("sg-", in.addr+".referenced")
		}
		rules = []ec2.Rule{r}
	}
	for _, k := range []string{"cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6", "from_port", "to_port", "protocol", "ip_protocol"} {
		if o.partlyUnknown(k) {
			unknownAttr(target.res, in, k)
		}
	}
	if egress {
		g.Egress = append(g.Egress, rules...)
	} else {
		g.Ingress = append(g.Ingress, rules...)
	}
}

// externalGroup returns the stand-in for security group id, outside the
// plan, that in adds rules to, making in its owner the first time.
func (st *ec2State) externalGroup(b *builder, in *instance, id string) *instance {
	if owner, ok := st.external[id]; ok {
		return owner
	}
	g := &ec2.SecurityGroup{ID: id, ARN: b.arn("ec2", "security-group/"+id), Name: id}
	st.groups[in] = g
	st.groupIDs[in] = id
	st.external[id] = in
	in.res.ARN = g.ARN
	in.res.Partial = "security group " + id + " is not in the plan: only the rules the plan adds are known, its other rules are its live state"
	return in
}

func str(o obj, k string) string { s, _ := o.str(k); return s }

func mapFlowLog(b *builder, in *instance) {
	o := in.after
	f := ec2.FlowLog{ID: idOf(in, "fl-"), Status: "ACTIVE"}
	f.TrafficType, _ = o.str("traffic_type")
	f.DestinationType, _ = o.str("log_destination_type")
	f.Destination, _ = o.str("log_destination")
	if vpc := b.ref(in, "vpc_id", vpcKey, "aws_vpc"); vpc != nil {
		f.ResourceID = vpcKey(vpc)
		in.res.ARN, in.res.Joins = b.ec2.vpcs[vpc].ARN, vpc.addr
		if o.unknown("traffic_type") {
			unknownAttr(vpc.res, in, "traffic_type")
		}
	} else if id, ok := o.str("vpc_id"); ok && id != "" {
		f.ResourceID = id
	} else if id, ok := o.str("subnet_id"); ok && id != "" {
		f.ResourceID = id
	} else if id, ok := o.str("eni_id"); ok && id != "" {
		f.ResourceID = id
	} else {
		unjoined(in, "vpc_id", "VPC")
		return
	}
	b.reg.EC2.FlowLogs = append(b.reg.EC2.FlowLogs, f)
}

// metadata reads metadata_options; ok is false when HTTPTokens is not
// known (unset: the AMI and the account's defaults decide).
func metadata(o obj) (*ec2.MetadataOptions, bool) {
	m, ok := o.block("metadata_options")
	if !ok {
		return nil, false
	}
	md := &ec2.MetadataOptions{}
	md.HTTPTokens, _ = m.str("http_tokens")
	md.HTTPEndpoint, _ = m.str("http_endpoint")
	md.HTTPPutResponseHopLimit, _ = m.num("http_put_response_hop_limit")
	md.InstanceMetadataTags, _ = m.str("instance_metadata_tags")
	return md, md.HTTPTokens != "" || md.HTTPEndpoint == "disabled"
}

func mapInstance(b *builder, in *instance) {
	o := in.after
	id := idOf(in, "i-")
	i := &ec2.Instance{ID: id, ARN: b.arn("ec2", "instance/"+id), State: "running", Tags: in.res.Tags}
	i.Type, _ = o.str("instance_type")
	i.ImageID, _ = o.str("ami")
	i.KeyName, _ = o.str("key_name")
	i.SubnetID, _ = o.str("subnet_id")
	if p, ok := o.str("iam_instance_profile"); ok && p != "" {
		i.InstanceProfileARN = b.globalARN("iam", "instance-profile/"+p)
	} else if o.unknown("iam_instance_profile") {
		i.InstanceProfileARN = "(" + iac.KnownAfterApply + ")"
	}
	i.SecurityGroups = append(o.strs("vpc_security_group_ids"), o.strs("security_groups")...)
	if o.partlyUnknown("vpc_security_group_ids") {
		for _, g := range b.refsTo(in, "vpc_security_group_ids", "aws_security_group") {
			i.SecurityGroups = append(i.SecurityGroups, sgKey(g))
		}
	}
	in.res.ARN = i.ARN
	in.res.UnknownFor = map[string][]string{}
	if md, ok := metadata(o); ok {
		i.Metadata = *md
	} else {
		in.res.AddUnknown("metadata_options.http_tokens")
		in.res.UnknownFor["EC2.8"] = []string{"metadata_options.http_tokens (not set: the AMI and the account's IMDS defaults decide)"}
	}
	if pub, known := o.boolean("associate_public_ip_address"); known {
		if pub {
			i.PublicIP = "(" + iac.KnownAfterApply + ")"
		}
	} else {
		in.res.AddUnknown("associate_public_ip_address")
		in.res.UnknownFor["EC2.9"] = []string{"associate_public_ip_address (not set: the subnet's map_public_ip_on_launch decides)"}
	}
	// Root and EBS block devices become attached volumes.
	for n, dev := range append(o.blocks("root_block_device"), o.blocks("ebs_block_device")...) {
		vid := syntheticID("vol-", fmt.Sprintf("%s.block_device[%d]", in.addr, n))
		if v, ok := dev.str("volume_id"); ok && v != "" {
			vid = v
		}
		v := ec2.Volume{ID: vid, ARN: b.arn("ec2", "volume/"+vid), State: "in-use", Tags: in.res.Tags,
			Attachments: []ec2.VolumeAttachment{{InstanceID: id, State: "attached"}}}
		v.Attachments[0].Device, _ = dev.str("device_name")
		v.Size, _ = dev.num("volume_size")
		v.Type, _ = dev.str("volume_type")
		v.KMSKeyID, _ = dev.str("kms_key_id")
		enc, known := dev.boolean("encrypted")
		v.Encrypted = enc
		if !known {
			// Unset: EBS encryption by default (or the snapshot) decides.
			v.Encrypted = b.reg.EC2.EBSEncryptionByDefault
			res := &iac.Resource{Address: fmt.Sprintf("%s (volume %s)", in.addr, deviceLabel(dev, n)), Type: in.typ, ARN: v.ARN,
				File: in.res.File, Line: in.res.Line, Joins: "",
				Unknown:     []string{"encrypted"},
				UnknownFor:  map[string][]string{"EC2.3": {"encrypted (not set: EBS encryption by default, or the AMI's snapshot, decides)"}},
				DefaultFrom: iac.FactEBSEncryptionByDefault, DefaultOnlyIfOn: true}
			b.src.Resources = append(b.src.Resources, res)
		} else {
			b.src.Resources = append(b.src.Resources, &iac.Resource{Address: fmt.Sprintf("%s (volume %s)", in.addr, deviceLabel(dev, n)),
				Type: in.typ, ARN: v.ARN, File: in.res.File, Line: in.res.Line})
		}
		i.Volumes = append(i.Volumes, vid)
		b.reg.EC2.Volumes = append(b.reg.EC2.Volumes, v)
	}
	// Its primary network interface carries its security groups.
	eni := ec2.NetworkInterface{ID: syntheticID("eni-", in.addr), Type: "interface", SubnetID: i.SubnetID, InstanceID: id,
		PublicIP: i.PublicIP, SecurityGroups: i.SecurityGroups, Status: "in-use"}
	i.NetworkInterfaces = []string{eni.ID}
	b.reg.EC2.NetworkInterfaces = append(b.reg.EC2.NetworkInterfaces, eni)
	b.ec2.instances[in] = i
}

func deviceLabel(dev obj, n int) string {
	if d, ok := dev.str("device_name"); ok && d != "" {
		return d
	}
	if n == 0 {
		return "root"
	}
	return strconv.Itoa(n)
}

func mapLaunchTemplate(b *builder, in *instance) {
	o := in.after
	id := idOf(in, "lt-")
	name, _ := o.str("name")
	if name == "" {
		name = placeholderName(in.addr)
	}
	lt := ec2.LaunchTemplate{ID: id, ARN: b.arn("ec2", "launch-template/"+id), Name: name, DefaultVersion: 1, LatestVersion: 1, Tags: in.res.Tags}
	v := ec2.LaunchTemplateVersion{Number: 1, Default: true}
	if md, ok := o.block("metadata_options"); ok {
		m := &ec2.MetadataOptions{}
		m.HTTPTokens, _ = md.str("http_tokens")
		m.HTTPEndpoint, _ = md.str("http_endpoint")
		m.HTTPPutResponseHopLimit, _ = md.num("http_put_response_hop_limit")
		if md.unknown("http_tokens") {
			in.res.AddUnknown("metadata_options.http_tokens")
		}
		v.Metadata = m
	}
	for n, ni := range o.blocks("network_interfaces") {
		li := ec2.LaunchTemplateInterface{DeviceIndex: n}
		if d, ok := ni.num("device_index"); ok {
			li.DeviceIndex = d
		}
		// The provider holds associate_public_ip_address as a string
		// ("true", "false", "" for unset).
		if p, known := ni.boolean("associate_public_ip_address"); known {
			li.AssociatePublicIP = &p
		} else if ni.unknown("associate_public_ip_address") {
			in.res.AddUnknown(fmt.Sprintf("network_interfaces[%d].associate_public_ip_address", n))
		}
		v.NetworkInterfaces = append(v.NetworkInterfaces, li)
	}
	lt.Versions = []ec2.LaunchTemplateVersion{v}
	in.res.ARN = lt.ARN
	b.reg.EC2.LaunchTemplates = append(b.reg.EC2.LaunchTemplates, lt)
}

func mapVolume(b *builder, in *instance) {
	o := in.after
	id := idOf(in, "vol-")
	v := &ec2.Volume{ID: id, ARN: b.arn("ec2", "volume/"+id), State: "available", Tags: in.res.Tags}
	v.Size, _ = o.num("size")
	v.Type, _ = o.str("type")
	v.KMSKeyID, _ = o.str("kms_key_id")
	enc, known := o.boolean("encrypted")
	v.Encrypted = enc
	if !known {
		in.res.AddUnknown("encrypted")
		in.res.UnknownFor = map[string][]string{"EC2.3": {"encrypted (not set: EBS encryption by default or the snapshot decides)"}}
		if _, fromSnapshot := o.str("snapshot_id"); !fromSnapshot && !o.unknown("snapshot_id") {
			in.res.DefaultFrom = iac.FactEBSEncryptionByDefault
		}
	}
	in.res.ARN = v.ARN
	b.ec2.volumes[in] = v
	b.ec2.order = append(b.ec2.order, in)
}

func volKey(c *instance) string  { return idOf(c, "vol-") }
func instKey(c *instance) string { return idOf(c, "i-") }

func mapVolumeAttachment(b *builder, in *instance) {
	vol := b.ref(in, "volume_id", volKey, "aws_ebs_volume")
	inst := b.ref(in, "instance_id", instKey, "aws_instance")
	if vol == nil {
		unjoined(in, "volume_id", "volume")
		return
	}
	v := b.ec2.volumes[vol]
	in.res.ARN, in.res.Joins = v.ARN, vol.addr
	to := "(an instance the plan does not hold)"
	if inst != nil {
		to = b.ec2.instances[inst].ID
		b.ec2.instances[inst].Volumes = append(b.ec2.instances[inst].Volumes, v.ID)
	} else if id, ok := in.after.str("instance_id"); ok {
		to = id
	}
	dev, _ := in.after.str("device_name")
	v.State = "in-use"
	v.Attachments = append(v.Attachments, ec2.VolumeAttachment{InstanceID: to, Device: dev, State: "attached"})
}

func mapEBSSnapshot(b *builder, in *instance) {
	o := in.after
	id := idOf(in, "snap-")
	s := ec2.Snapshot{ID: id, ARN: b.arn("ec2", "snapshot/"+id), State: "completed", Tags: in.res.Tags}
	if vol := b.ref(in, "volume_id", volKey, "aws_ebs_volume"); vol != nil {
		v := b.ec2.volumes[vol]
		s.VolumeID, s.Encrypted, s.Size = v.ID, v.Encrypted, v.Size
	} else {
		s.VolumeID, _ = o.str("volume_id")
	}
	if e, ok := o.boolean("encrypted"); ok {
		s.Encrypted = e
	}
	// Public sharing is aws_snapshot_create_volume_permission (not
	// mapped: listed not assessed); a new snapshot is private.
	in.res.ARN = s.ARN
	b.reg.EC2.Snapshots = append(b.reg.EC2.Snapshots, s)
}

func mapEBSDefault(b *builder, in *instance) {
	in.res.ARN = b.acct.ARN()
	in.res.Facts = []string{iac.FactEBSEncryptionByDefault}
	on, known := in.after.boolean("enabled")
	if !known && in.after.unknown("enabled") {
		unknownAttr(in.res, in, "enabled")
	} else if _, set := in.after.v["enabled"]; !set {
		on = true // the provider's default
	}
	b.reg.EC2.EBSEncryptionByDefault = on
}

func (st *ec2State) finish(b *builder) {
	e := b.reg.EC2
	for _, in := range st.order {
		if v, ok := st.vpcs[in]; ok {
			e.VPCs = append(e.VPCs, *v)
			if in.action == "create" || in.action == "replace" {
				if _, managed := st.defaultSG[in]; !managed {
					gid := syntheticID("sg-", in.addr+".default_security_group")
					g := ec2.SecurityGroup{ID: gid, ARN: b.arn("ec2", "security-group/"+gid), Name: "default", VPCID: v.ID,
						Description: "default VPC security group",
						Ingress:     []ec2.Rule{{Protocol: "-1", FromPort: -1, ToPort: -1, GroupID: gid}},
						Egress:      []ec2.Rule{{Protocol: "-1", FromPort: -1, ToPort: -1, CIDR: "0.0.0.0/0"}}}
					e.SecurityGroups = append(e.SecurityGroups, g)
					b.src.Resources = append(b.src.Resources, &iac.Resource{Address: in.addr + " (default security group)", Type: "aws_vpc",
						ARN: g.ARN, File: in.res.File, Line: in.res.Line})
				}
			}
		}
		if v, ok := st.volumes[in]; ok {
			e.Volumes = append(e.Volumes, *v)
		}
	}
	byGroup := map[string][]string{}
	for _, n := range e.NetworkInterfaces {
		for _, g := range n.SecurityGroups {
			byGroup[g] = append(byGroup[g], n.ID)
		}
	}
	for _, in := range b.insts {
		if g, ok := st.groups[in]; ok {
			g.NetworkInterfaces = byGroup[g.ID]
			e.SecurityGroups = append(e.SecurityGroups, *g)
		}
		if i, ok := st.instances[in]; ok {
			e.Instances = append(e.Instances, *i)
		}
	}
}
