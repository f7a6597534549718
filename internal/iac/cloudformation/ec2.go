package cloudformation

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/iac"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
)

// The controls that judge what each EC2 property decides.
var (
	sgControls       = []string{"EC2.2", "EC2.18", "EC2.19", "EC2.53", "EC2.54"}
	imdsControls     = []string{"EC2.8"}
	publicIPControls = []string{"EC2.9"}
	volumeControls   = []string{"EC2.3"}
	templateControls = []string{"EC2.25", "EC2.170"}
)

// sgRule reads one rule (of a group's SecurityGroupIngress or
// SecurityGroupEgress list, or a rule resource's properties) at path;
// false when a value it needs is unknown (recorded on owner).
func (r *resource) sgRule(v *Value, path string, egress bool, owner *iac.Resource) (ec2.Rule, bool) {
	known := true
	field := func(key string) string {
		x := get(v, key)
		if x == nil {
			return ""
		}
		if x.IsUnknown() {
			r.unknownOn(owner, joinPath(path, key), firstReason(x), sgControls...)
			known = false
			return ""
		}
		s, _ := x.Scalar()
		return s
	}
	rule := ec2.Rule{Protocol: iac.Protocol(field("IpProtocol")), FromPort: -1, ToPort: -1,
		CIDR: field("CidrIp"), IPv6CIDR: field("CidrIpv6"), Description: field("Description")}
	if rule.Protocol != "-1" {
		if n, err := strconv.Atoi(field("FromPort")); err == nil {
			rule.FromPort = n
		}
		if n, err := strconv.Atoi(field("ToPort")); err == nil {
			rule.ToPort = n
		}
	}
	if egress {
		rule.PrefixListID, rule.GroupID = field("DestinationPrefixListId"), field("DestinationSecurityGroupId")
	} else {
		rule.PrefixListID, rule.GroupID = field("SourcePrefixListId"), field("SourceSecurityGroupId")
		rule.GroupOwner = field("SourceSecurityGroupOwnerId")
		if rule.GroupID == "" {
			rule.GroupID = field("SourceSecurityGroupName")
		}
	}
	return rule, known
}

// unknownOn records an unknown property on another resource's entry (the
// one whose results it decides: a rule resource's group).
func (r *resource) unknownOn(ir *iac.Resource, path, why string, controls ...string) {
	if ir == r.ir {
		r.unknown(path, why, controls...)
		return
	}
	entry := r.LogicalID + "." + path + " (" + why + ")"
	ir.AddUnknown(entry)
	r.ir.AddUnknown(path + " (" + why + ")")
	if ir.UnknownFor != nil {
		for _, c := range controls {
			ir.UnknownFor[c] = append(ir.UnknownFor[c], entry)
		}
	}
}

var allEgress = ec2.Rule{Protocol: "-1", FromPort: -1, ToPort: -1, CIDR: "0.0.0.0/0"}

func mapSecurityGroup(r *resource) {
	id, arn := r.identity()
	name, ok, _ := r.prop("GroupName")
	if !ok {
		name = generatedName(r.m.t.StackName, r.LogicalID, false)
	}
	desc, _, _ := r.prop("GroupDescription")
	vpc, _, _ := r.prop("VpcId")
	g := ec2.SecurityGroup{ID: id, ARN: arn, Name: name, Description: desc, VPCID: vpc, Tags: r.ir.Tags}
	for _, dir := range []string{"SecurityGroupIngress", "SecurityGroupEgress"} {
		x := get(r.Properties, dir)
		if x != nil && x.Kind == Unknown {
			r.unknown(dir, x.Reason, sgControls...)
			continue
		}
		if x == nil {
			continue
		}
		for i, rv := range x.List {
			rule, _ := r.sgRule(rv, fmt.Sprintf("%s[%d]", dir, i), dir == "SecurityGroupEgress", r.ir)
			if dir == "SecurityGroupEgress" {
				g.Egress = append(g.Egress, rule)
			} else {
				g.Ingress = append(g.Ingress, rule)
			}
		}
	}
	// EC2 gives a new group an allow-all egress rule unless the group
	// itself lists its egress rules (rule resources add to it).
	if get(r.Properties, "SecurityGroupEgress") == nil {
		g.Egress = append(g.Egress, allEgress)
	}
	r.m.reg.EC2.SecurityGroups = append(r.m.reg.EC2.SecurityGroups, g)
}

// mapSecurityGroupRule adds an AWS::EC2::SecurityGroupIngress or Egress
// to its group.
func mapSecurityGroupRule(r *resource) {
	egress := r.Type == "AWS::EC2::SecurityGroupEgress"
	gv := get(r.Properties, "GroupId")
	if gv == nil {
		gv = get(r.Properties, "GroupName")
	}
	target := r.m.refTarget(gv, "AWS::EC2::SecurityGroup")
	var g *ec2.SecurityGroup
	var owner *iac.Resource
	if target != nil {
		owner = r.m.ir[target.LogicalID]
	} else if s, ok := gv.Scalar(); ok {
		// The default security group of a VPC of the template.
		for _, ir := range r.m.src.Resources {
			if strings.HasSuffix(ir.Address, ".DefaultSecurityGroup") && strings.HasSuffix(ir.ARN, "/"+s) {
				owner = ir
			}
		}
	}
	if owner == nil {
		name, _ := gv.Scalar()
		r.m.dropJoin(r, "the security group "+orUnknown(name, gv)+" is not defined in this template: its other rules are not known here")
		return
	}
	for i := range r.m.reg.EC2.SecurityGroups {
		if r.m.reg.EC2.SecurityGroups[i].ARN == owner.ARN {
			g = &r.m.reg.EC2.SecurityGroups[i]
		}
	}
	r.ir.Joins, r.ir.ARN = owner.Address, owner.ARN
	rule, _ := r.sgRule(r.Properties, "", egress, owner)
	if egress {
		g.Egress = append(g.Egress, rule)
	} else {
		g.Ingress = append(g.Ingress, rule)
	}
}

func mapVPC(r *resource) {
	id, arn := r.identity()
	cidr, _, _ := r.prop("CidrBlock")
	r.m.reg.EC2.VPCs = append(r.m.reg.EC2.VPCs, ec2.VPC{ID: id, ARN: arn, CIDR: cidr, State: "available", Tags: r.ir.Tags})
	// EC2 creates the VPC's default security group: all traffic from
	// itself in, everything out.
	sgID := defaultSGID(r.m.t.StackName, r.LogicalID)
	o := r.m.t.opts
	sgARN := fmt.Sprintf("arn:%s:ec2:%s:%s:security-group/%s", o.Partition, o.Region, o.AccountID, sgID)
	r.m.reg.EC2.SecurityGroups = append(r.m.reg.EC2.SecurityGroups, ec2.SecurityGroup{
		ID: sgID, ARN: sgARN, Name: "default", Description: "default VPC security group", VPCID: id,
		Ingress: []ec2.Rule{{Protocol: "-1", FromPort: -1, ToPort: -1, GroupID: sgID}},
		Egress:  []ec2.Rule{allEgress},
	})
	r.m.src.Resources = append(r.m.src.Resources, &iac.Resource{Address: r.ir.Address + ".DefaultSecurityGroup",
		Type: "AWS::EC2::SecurityGroup", ARN: sgARN, File: r.ir.File, Line: r.ir.Line, UnknownFor: map[string][]string{}})
}

func mapSubnet(r *resource) {
	id, arn := r.identity()
	vpc, _, _ := r.prop("VpcId")
	cidr, _, _ := r.prop("CidrBlock")
	az, _, _ := r.prop("AvailabilityZone")
	pub, _ := r.boolProp("MapPublicIpOnLaunch", false, "EC2.15")
	r.m.reg.EC2.Subnets = append(r.m.reg.EC2.Subnets, ec2.Subnet{ID: id, ARN: arn, VPCID: vpc, CIDR: cidr, AZ: az, MapPublicIPOnLaunch: pub, Tags: r.ir.Tags})
}

func mapFlowLog(r *resource) {
	id, _ := r.identity()
	rv := get(r.Properties, "ResourceId")
	target := r.m.refTarget(rv, "AWS::EC2::VPC", "AWS::EC2::Subnet")
	if target == nil {
		name, _ := rv.Scalar()
		r.m.dropJoin(r, "the resource it logs, "+orUnknown(name, rv)+", is not defined in this template")
		return
	}
	owner := r.m.ir[target.LogicalID]
	r.ir.Joins, r.ir.ARN = owner.Address, owner.ARN
	rid := r.m.e.rawID(target).Str
	traffic, _, why := r.prop("TrafficType")
	if why != "" {
		r.unknownOn(owner, "TrafficType", why, "EC2.6")
	}
	dt, ok, _ := r.prop("LogDestinationType")
	if !ok {
		dt = "cloud-watch-logs"
	}
	dest, _, _ := r.prop("LogDestination")
	if dest == "" {
		dest, _, _ = r.prop("LogGroupName")
	}
	r.m.reg.EC2.FlowLogs = append(r.m.reg.EC2.FlowLogs, ec2.FlowLog{ID: id, ResourceID: rid, TrafficType: traffic, Status: "ACTIVE", DestinationType: dt, Destination: dest})
}

// metadataOptions reads the MetadataOptions at path of the properties;
// nil when absent. HttpTokens that the template does not decide reads
// as "optional" with the unknown recorded for controls.
func (r *resource) metadataOptions(path string, controls []string) *ec2.MetadataOptions {
	if get(r.Properties, path) == nil {
		return nil
	}
	out := &ec2.MetadataOptions{HTTPEndpoint: "enabled"}
	if s, ok, why := r.prop(path+".HttpTokens", controls...); why != "" {
		out.HTTPTokens = "optional"
	} else if ok {
		out.HTTPTokens = s
	}
	if s, ok, _ := r.prop(path+".HttpEndpoint", controls...); ok {
		out.HTTPEndpoint = s
	}
	if s, ok, _ := r.prop(path + ".HttpPutResponseHopLimit"); ok {
		out.HTTPPutResponseHopLimit, _ = strconv.Atoi(s)
	}
	if s, ok, _ := r.prop(path + ".InstanceMetadataTags"); ok {
		out.InstanceMetadataTags = s
	}
	return out
}

func mapLaunchTemplate(r *resource) {
	id, arn := r.identity()
	name, ok, _ := r.prop("LaunchTemplateName")
	if !ok {
		name = generatedName(r.m.t.StackName, r.LogicalID, false)
	}
	data := get(r.Properties, "LaunchTemplateData")
	v := ec2.LaunchTemplateVersion{Number: 1, Default: true}
	v.Metadata = r.metadataOptions("LaunchTemplateData.MetadataOptions", []string{"EC2.170"})
	if v.Metadata != nil && v.Metadata.HTTPTokens == "" {
		// Unset: the AMI and the account's defaults decide at launch.
		v.Metadata.HTTPTokens = "optional"
		r.unknown("LaunchTemplateData.MetadataOptions.HttpTokens", "unset: the AMI and the account's IMDS defaults decide at launch", "EC2.170")
	}
	if nis := get(data, "NetworkInterfaces"); nis != nil && nis.Kind == List {
		for i, ni := range nis.List {
			lti := ec2.LaunchTemplateInterface{DeviceIndex: i}
			if s, ok, _ := r.str(ni, "DeviceIndex"); ok {
				lti.DeviceIndex, _ = strconv.Atoi(s)
			}
			if s, ok, why := r.prop(fmt.Sprintf("LaunchTemplateData.NetworkInterfaces[%d].AssociatePublicIpAddress", i), "EC2.25"); why == "" && ok {
				b := strings.EqualFold(s, "true")
				lti.AssociatePublicIP = &b
			}
			v.NetworkInterfaces = append(v.NetworkInterfaces, lti)
		}
	}
	r.m.reg.EC2.LaunchTemplates = append(r.m.reg.EC2.LaunchTemplates, ec2.LaunchTemplate{ID: id, ARN: arn, Name: name,
		DefaultVersion: 1, LatestVersion: 1, Tags: r.ir.Tags, Versions: []ec2.LaunchTemplateVersion{v}})
}

func mapInstance(r *resource) {
	id, arn := r.identity()
	p := r.Properties
	inst := ec2.Instance{ID: id, ARN: arn, State: "running", LaunchTime: r.m.now, Tags: r.ir.Tags}
	inst.Type, _, _ = r.prop("InstanceType")
	inst.ImageID, _, _ = r.prop("ImageId")
	inst.KeyName, _, _ = r.prop("KeyName")
	inst.SubnetID, _, _ = r.prop("SubnetId")
	inst.PrivateIP, _, _ = r.prop("PrivateIpAddress")
	// The launch template of the template, if it names one: the
	// instance's own properties override it.
	var lt *ec2.LaunchTemplateVersion
	if t := r.m.refTarget(get(p, "LaunchTemplate.LaunchTemplateId"), "AWS::EC2::LaunchTemplate"); t != nil {
		lt = r.m.launchTemplate(t)
	} else if t := r.m.refTarget(get(p, "LaunchTemplate.LaunchTemplateName"), "AWS::EC2::LaunchTemplate"); t != nil {
		lt = r.m.launchTemplate(t)
	} else if get(p, "LaunchTemplate") != nil {
		r.unknown("LaunchTemplate", "a launch template not defined in this template", imdsControls...)
		r.unknown("LaunchTemplate", "a launch template not defined in this template", publicIPControls...)
	}

	// IMDS: the instance's options, else the launch template's, else
	// the AMI and the account's defaults decide at launch.
	md := r.metadataOptions("MetadataOptions", imdsControls)
	if md == nil && lt != nil && lt.Metadata != nil {
		c := *lt.Metadata
		md = &c
	}
	if md == nil {
		md = &ec2.MetadataOptions{HTTPEndpoint: "enabled"}
	}
	if md.HTTPTokens == "" {
		md.HTTPTokens = "optional"
		r.unknown("MetadataOptions.HttpTokens", "unset: the AMI and the account's IMDS defaults decide at launch", imdsControls...)
	}
	inst.Metadata = *md

	// Public IPv4: the primary interface's AssociatePublicIpAddress,
	// else the subnet's MapPublicIpOnLaunch.
	var assoc *bool
	if nis := get(p, "NetworkInterfaces"); nis != nil && nis.Kind == List {
		for i, ni := range nis.List {
			if s, _, _ := r.str(ni, "DeviceIndex"); s != "0" {
				continue
			}
			if s, ok, why := r.prop(fmt.Sprintf("NetworkInterfaces[%d].AssociatePublicIpAddress", i), publicIPControls...); why == "" && ok {
				b := strings.EqualFold(s, "true")
				assoc = &b
			} else if why != "" {
				assoc = new(bool)
			}
			if inst.SubnetID == "" {
				inst.SubnetID, _, _ = r.str(ni, "SubnetId")
			}
			groups, _ := r.strList(ni, "GroupSet")
			inst.SecurityGroups = append(inst.SecurityGroups, groups...)
		}
	} else if lt != nil {
		for _, ni := range lt.NetworkInterfaces {
			if ni.DeviceIndex == 0 && ni.AssociatePublicIP != nil {
				assoc = ni.AssociatePublicIP
			}
		}
	}
	switch {
	case assoc != nil && *assoc:
		inst.PublicIP = "(known after apply)"
	case assoc != nil:
	case inst.SubnetID == "":
		// No subnet: the default VPC's default subnet, which maps a
		// public IPv4 address to every instance.
		inst.PublicIP = "(known after apply)"
	default:
		sv := get(p, "SubnetId")
		if t := r.m.refTarget(sv, "AWS::EC2::Subnet"); t != nil {
			if pub, known := (&resource{Resource: t, m: r.m, ir: r.m.ir[t.LogicalID]}).boolProp("MapPublicIpOnLaunch", false); !known {
				r.unknown("SubnetId", "the subnet's MapPublicIpOnLaunch is unknown", publicIPControls...)
			} else if pub {
				inst.PublicIP = "(known after apply)"
			}
		} else {
			r.unknown("NetworkInterfaces[0].AssociatePublicIpAddress", "unset: the subnet's MapPublicIpOnLaunch decides, and the subnet is not in this template", publicIPControls...)
		}
	}

	if prof, ok, _ := r.prop("IamInstanceProfile"); ok {
		if t := r.m.refTarget(get(p, "IamInstanceProfile"), "AWS::IAM::InstanceProfile"); t != nil {
			inst.InstanceProfileARN = r.m.e.arnOf(t, r.m.e.rawID(t).Str)
		} else if strings.HasPrefix(prof, "arn:") {
			inst.InstanceProfileARN = prof
		} else {
			o := r.m.t.opts
			inst.InstanceProfileARN = fmt.Sprintf("arn:%s:iam::%s:instance-profile/%s", o.Partition, o.AccountID, prof)
		}
	} else if why := get(p, "IamInstanceProfile"); why != nil && why.Kind == Unknown {
		r.unknown("IamInstanceProfile", why.Reason, "GR.EC2.1")
	}
	for _, key := range []string{"SecurityGroupIds", "SecurityGroups"} {
		groups, _ := r.strList(p, key)
		inst.SecurityGroups = append(inst.SecurityGroups, groups...)
	}

	// The EBS volumes it launches with.
	if bdms := get(p, "BlockDeviceMappings"); bdms != nil && bdms.Kind == List {
		for i, bdm := range bdms.List {
			if get(bdm, "Ebs") == nil {
				continue
			}
			dev, _, _ := r.str(bdm, "DeviceName")
			path := fmt.Sprintf("BlockDeviceMappings[%d]", i)
			vid := "vol-" + hashOf(r.m.t.StackName, r.LogicalID, dev)[:17]
			o := r.m.t.opts
			varn := fmt.Sprintf("arn:%s:ec2:%s:%s:volume/%s", o.Partition, o.Region, o.AccountID, vid)
			vir := &iac.Resource{Address: r.ir.Address + "." + path, Type: "AWS::EC2::Volume", ARN: varn, File: r.ir.File, Line: r.ir.Line, UnknownFor: map[string][]string{}, Tags: r.ir.Tags}
			r.m.src.Resources = append(r.m.src.Resources, vir)
			vol := ec2.Volume{ID: vid, ARN: varn, State: "in-use", Attachments: []ec2.VolumeAttachment{{InstanceID: id, Device: dev, State: "attached"}}}
			vol.Type, _, _ = r.str(bdm, "Ebs.VolumeType")
			if s, ok, _ := r.str(bdm, "Ebs.VolumeSize"); ok {
				vol.Size, _ = strconv.Atoi(s)
			}
			vr := &resource{Resource: r.Resource, m: r.m, ir: vir}
			if s, ok, why := vr.prop(path+".Ebs.Encrypted", volumeControls...); why != "" {
			} else if ok {
				vol.Encrypted = strings.EqualFold(s, "true")
			} else {
				vr.unknown(path+".Ebs.Encrypted", "unset: EBS encryption by default and the AMI's snapshot decide", volumeControls...)
			}
			vol.KMSKeyID, _, _ = r.str(bdm, "Ebs.KmsKeyId")
			inst.Volumes = append(inst.Volumes, vid)
			r.m.reg.EC2.Volumes = append(r.m.reg.EC2.Volumes, vol)
		}
	}
	r.m.reg.EC2.Instances = append(r.m.reg.EC2.Instances, inst)
}

// launchTemplate returns the mapped version of the template's launch
// template t.
func (m *mapper) launchTemplate(t *Resource) *ec2.LaunchTemplateVersion {
	ir := m.ir[t.LogicalID]
	if ir == nil {
		return nil
	}
	for i := range m.reg.EC2.LaunchTemplates {
		if lt := &m.reg.EC2.LaunchTemplates[i]; lt.ARN == ir.ARN && len(lt.Versions) > 0 {
			return &lt.Versions[0]
		}
	}
	return nil
}

func mapVolume(r *resource) {
	id, arn := r.identity()
	v := ec2.Volume{ID: id, ARN: arn, State: "available", Tags: r.ir.Tags}
	v.Size = r.intProp("Size", 0)
	v.Type, _, _ = r.prop("VolumeType")
	v.KMSKeyID, _, _ = r.prop("KmsKeyId")
	if s, ok, why := r.prop("Encrypted", volumeControls...); why == "" && ok {
		v.Encrypted = strings.EqualFold(s, "true")
	} else if why == "" {
		r.unknown("Encrypted", "unset: EBS encryption by default (and the source snapshot) decide", volumeControls...)
	}
	r.m.reg.EC2.Volumes = append(r.m.reg.EC2.Volumes, v)
}

// mapVolumeAttachment attaches a volume of the template to an instance.
func mapVolumeAttachment(r *resource) {
	vt := r.m.refTarget(get(r.Properties, "VolumeId"), "AWS::EC2::Volume")
	it := r.m.refTarget(get(r.Properties, "InstanceId"), "AWS::EC2::Instance")
	if vt == nil {
		r.m.dropJoin(r, "the volume it attaches is not defined in this template")
		return
	}
	owner := r.m.ir[vt.LogicalID]
	r.ir.Joins, r.ir.ARN = owner.Address, owner.ARN
	inst, _ := get(r.Properties, "InstanceId").Scalar()
	if it != nil {
		inst = r.m.e.rawID(it).Str
	}
	dev, _, _ := r.prop("Device")
	for i := range r.m.reg.EC2.Volumes {
		if v := &r.m.reg.EC2.Volumes[i]; v.ARN == owner.ARN {
			v.State = "in-use"
			v.Attachments = append(v.Attachments, ec2.VolumeAttachment{InstanceID: inst, Device: dev, State: "attached"})
		}
	}
}
