// Package autoscaling simulates Amazon EC2 Auto Scaling (awsQuery): groups
// and launch configurations. DescribeAutoScalingGroups and
// DescribeLaunchConfigurations return 50 records by default, MaxRecords
// at most 100, with NextToken; names that do not exist are left out of
// the answer, not errors.
package autoscaling

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon EC2 Auto Scaling (awsQuery) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:      "autoscaling",
		Protocol:  wire.Query,
		Namespace: "http://autoscaling.amazonaws.com/doc/2011-01-01/",
		Ops: map[string]svc.Handler{
			"DescribeAutoScalingGroups":    describeGroups,
			"DescribeLaunchConfigurations": describeLaunchConfigurations,
			"CreateAutoScalingGroup":       createGroup,
			"CreateLaunchConfiguration":    createLaunchConfiguration,
		},
	}
}

func validation(format string, args ...any) error {
	return wire.Errorf(400, "ValidationError", format, args...)
}

func page[T any](c *svc.Ctx, items []T) ([]T, string, error) {
	max, err := c.Int("MaxRecords", 50)
	if err != nil {
		return nil, "", err
	}
	if max < 1 || max > 100 {
		return nil, "", validation("1 validation error detected: Value '%d' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to 100", max)
	}
	return svc.Page(items, c.Form.Get("NextToken"), max, 50, "InvalidNextToken")
}

type launchTemplateSpec struct {
	LaunchTemplateId   string `xml:",omitempty"`
	LaunchTemplateName string `xml:",omitempty"`
	Version            string `xml:",omitempty"`
}

type override struct {
	InstanceType string
}

type mixedPolicy struct {
	LaunchTemplate struct {
		LaunchTemplateSpecification launchTemplateSpec
		Overrides                   []override `xml:"Overrides>member"`
	}
}

type group struct {
	AutoScalingGroupName    string
	AutoScalingGroupARN     string
	LaunchConfigurationName string              `xml:",omitempty"`
	LaunchTemplate          *launchTemplateSpec `xml:",omitempty"`
	MixedInstancesPolicy    *mixedPolicy        `xml:",omitempty"`
	MinSize                 int
	MaxSize                 int
	DesiredCapacity         int
	DefaultCooldown         int
	AvailabilityZones       []string `xml:"AvailabilityZones>member"`
	LoadBalancerNames       []string `xml:"LoadBalancerNames>member"`
	TargetGroupARNs         []string `xml:"TargetGroupARNs>member"`
	HealthCheckType         string
	HealthCheckGracePeriod  int
	CreatedTime             time.Time
	VPCZoneIdentifier       string `xml:",omitempty"`
	ServiceLinkedRoleARN    string
}

func groupARN(c *svc.Ctx, g *world.AutoScalingGroup) string {
	return c.ARN("autoscaling", "autoScalingGroup:"+uuid(c.Account.ID, c.Region, g.Name)+":autoScalingGroupName/"+g.Name)
}

// uuid is a stable identifier derived from parts (AWS's is random; the
// simulator's only has to be stable).
func uuid(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

func render(c *svc.Ctx, g *world.AutoScalingGroup) group {
	o := group{AutoScalingGroupName: g.Name, AutoScalingGroupARN: groupARN(c, g), LaunchConfigurationName: g.LaunchConfiguration,
		MinSize: g.Min, MaxSize: g.Max, DesiredCapacity: g.Desired, DefaultCooldown: 300,
		AvailabilityZones: g.AvailabilityZones, LoadBalancerNames: g.LoadBalancers, TargetGroupARNs: g.TargetGroups,
		HealthCheckType: cmp.Or(g.HealthCheckType, "EC2"), HealthCheckGracePeriod: 300, CreatedTime: g.Created,
		VPCZoneIdentifier:    strings.Join(g.Subnets, ","),
		ServiceLinkedRoleARN: world.ARN("iam", "", c.Account.ID, "role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling")}
	if g.LaunchTemplate != "" {
		spec := launchTemplateSpec{LaunchTemplateName: g.LaunchTemplate, Version: cmp.Or(g.LaunchTemplateVersion, "$Default")}
		if len(g.MixedInstanceTypes) > 0 {
			m := &mixedPolicy{}
			m.LaunchTemplate.LaunchTemplateSpecification = spec
			for _, t := range g.MixedInstanceTypes {
				m.LaunchTemplate.Overrides = append(m.LaunchTemplate.Overrides, override{t})
			}
			o.MixedInstancesPolicy = m
		} else {
			o.LaunchTemplate = &spec
		}
	}
	return o
}

func describeGroups(c *svc.Ctx) (any, error) {
	names := c.List("AutoScalingGroupNames")
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var all []group
	for _, g := range c.Regional().AutoScaling.Groups {
		if len(names) == 0 || want[g.Name] {
			all = append(all, render(c, g))
		}
	}
	p, next, err := page(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		AutoScalingGroups []group `xml:"AutoScalingGroups>member"`
		NextToken         string  `xml:",omitempty"`
	}{p, next}, nil
}

type metadataOptions struct {
	HttpTokens              string
	HttpPutResponseHopLimit int
	HttpEndpoint            string
}

type launchConfiguration struct {
	LaunchConfigurationName  string
	LaunchConfigurationARN   string
	ImageId                  string
	InstanceType             string
	SecurityGroups           []string `xml:"SecurityGroups>member"`
	AssociatePublicIpAddress *bool    `xml:",omitempty"`
	MetadataOptions          *metadataOptions
	CreatedTime              time.Time
}

func lcARN(c *svc.Ctx, name string) string {
	return c.ARN("autoscaling", "launchConfiguration:"+uuid(c.Account.ID, c.Region, "lc", name)+":launchConfigurationName/"+name)
}

func renderLC(c *svc.Ctx, l *world.LaunchConfiguration) launchConfiguration {
	o := launchConfiguration{LaunchConfigurationName: l.Name, LaunchConfigurationARN: lcARN(c, l.Name), ImageId: l.ImageID,
		InstanceType: l.InstanceType, SecurityGroups: l.SecurityGroups, AssociatePublicIpAddress: l.AssociatePublicIP, CreatedTime: l.Created}
	if l.HttpTokens != "" || l.HttpEndpoint != "" {
		o.MetadataOptions = &metadataOptions{HttpTokens: cmp.Or(l.HttpTokens, "optional"), HttpPutResponseHopLimit: 1,
			HttpEndpoint: cmp.Or(l.HttpEndpoint, "enabled")}
	}
	return o
}

func describeLaunchConfigurations(c *svc.Ctx) (any, error) {
	names := c.List("LaunchConfigurationNames")
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var all []launchConfiguration
	for _, l := range c.Regional().AutoScaling.LaunchConfigurations {
		if len(names) == 0 || want[l.Name] {
			all = append(all, renderLC(c, l))
		}
	}
	p, next, err := page(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		LaunchConfigurations []launchConfiguration `xml:"LaunchConfigurations>member"`
		NextToken            string                `xml:",omitempty"`
	}{p, next}, nil
}

func alreadyExists(kind, name string) error {
	return wire.Errorf(400, "AlreadyExists", "%s named %s already exists", kind, name)
}

func createLaunchConfiguration(c *svc.Ctx) (any, error) {
	name := c.Form.Get("LaunchConfigurationName")
	if name == "" {
		return nil, validation("LaunchConfigurationName is required")
	}
	r := c.Regional()
	for _, l := range r.AutoScaling.LaunchConfigurations {
		if l.Name == name {
			return nil, alreadyExists("Launch Configuration", name)
		}
	}
	l := &world.LaunchConfiguration{Name: name, ImageID: c.Form.Get("ImageId"), InstanceType: c.Form.Get("InstanceType"),
		SecurityGroups: c.List("SecurityGroups"), Created: c.Now(),
		HttpTokens: c.Form.Get("MetadataOptions.HttpTokens"), HttpEndpoint: c.Form.Get("MetadataOptions.HttpEndpoint")}
	if l.ImageID == "" || l.InstanceType == "" {
		return nil, validation("ImageId and InstanceType are required when no instance is given")
	}
	switch v := c.Form.Get("AssociatePublicIpAddress"); v {
	case "true", "false":
		b := v == "true"
		l.AssociatePublicIP = &b
	case "":
	default:
		return nil, validation("AssociatePublicIpAddress must be true or false")
	}
	r.AutoScaling.LaunchConfigurations = append(r.AutoScaling.LaunchConfigurations, l)
	return struct{}{}, nil
}

func createGroup(c *svc.Ctx) (any, error) {
	name := c.Form.Get("AutoScalingGroupName")
	if name == "" {
		return nil, validation("AutoScalingGroupName is required")
	}
	r := c.Regional()
	for _, g := range r.AutoScaling.Groups {
		if g.Name == name {
			return nil, alreadyExists("AutoScalingGroup", name)
		}
	}
	min, err := c.Int("MinSize", -1)
	if err != nil {
		return nil, err
	}
	max, err := c.Int("MaxSize", -1)
	if err != nil {
		return nil, err
	}
	if min < 0 || max < min {
		return nil, validation("MinSize and MaxSize are required, MinSize <= MaxSize")
	}
	desired, err := c.Int("DesiredCapacity", min)
	if err != nil {
		return nil, err
	}
	g := &world.AutoScalingGroup{Name: name, Min: min, Max: max, Desired: desired, Created: c.Now(),
		LaunchConfiguration: c.Form.Get("LaunchConfigurationName"),
		AvailabilityZones:   c.List("AvailabilityZones"), LoadBalancers: c.List("LoadBalancerNames"), TargetGroups: c.List("TargetGroupARNs"),
		HealthCheckType: c.Form.Get("HealthCheckType")}
	if s := c.Form.Get("VPCZoneIdentifier"); s != "" {
		g.Subnets = strings.Split(s, ",")
		if len(g.AvailabilityZones) == 0 {
			// The group's zones are its subnets' zones.
			seen := map[string]bool{}
			for _, id := range g.Subnets {
				az := ""
				for _, sn := range r.EC2.Subnets {
					if sn.ID == id {
						az = sn.AZ
					}
				}
				if az == "" {
					return nil, validation("The subnet ID '%s' does not exist", id)
				}
				if !seen[az] {
					seen[az] = true
					g.AvailabilityZones = append(g.AvailabilityZones, az)
				}
			}
		}
	}
	lt := c.Form.Get("LaunchTemplate.LaunchTemplateName")
	mixed := c.Form.Get("MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.LaunchTemplateName")
	switch {
	case mixed != "":
		g.LaunchTemplate = mixed
		g.LaunchTemplateVersion = c.Form.Get("MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.Version")
		for i := 1; ; i++ {
			t := c.Form.Get("MixedInstancesPolicy.LaunchTemplate.Overrides.member." + strconv.Itoa(i) + ".InstanceType")
			if t == "" {
				break
			}
			g.MixedInstanceTypes = append(g.MixedInstanceTypes, t)
		}
	case lt != "":
		g.LaunchTemplate, g.LaunchTemplateVersion = lt, c.Form.Get("LaunchTemplate.Version")
	}
	sources := 0
	for _, s := range []string{g.LaunchConfiguration, lt, mixed} {
		if s != "" {
			sources++
		}
	}
	if sources != 1 {
		return nil, validation("Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.")
	}
	if g.LaunchConfiguration != "" {
		found := false
		for _, l := range r.AutoScaling.LaunchConfigurations {
			found = found || l.Name == g.LaunchConfiguration
		}
		if !found {
			return nil, validation("Launch configuration name not found - Launch configuration %s not found", g.LaunchConfiguration)
		}
	}
	if len(g.AvailabilityZones) == 0 && len(g.Subnets) == 0 {
		return nil, validation("At least one Availability Zone or VPC Subnet is required.")
	}
	r.AutoScaling.Groups = append(r.AutoScaling.Groups, g)
	return struct{}{}, nil
}
