// Package autoscaling holds the Amazon EC2 Auto Scaling controls over
// groups and launch configurations. They read the "autoscaling"
// collector's state and never call AWS.
//
// AutoScaling.3 passes a launch configuration that turns the instance
// metadata service off: with no endpoint, IMDSv1 cannot be used either.
package autoscaling

import (
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/autoscaling"
)

// Controls returns the Auto Scaling controls.
func Controls() []*control.Control {
	return []*control.Control{as1(), as2(), as3(), as5(), as6(), as9()}
}

// MinZones is AutoScaling.2's minAvailabilityZones parameter (its default).
const MinZones = 2

func collected(in *control.Input) bool {
	if in.Region == nil || in.Region.AutoScaling == nil {
		in.Error(in.AccountMeta(), "Auto Scaling state was not collected in %s", in.RegionName())
		return false
	}
	return true
}

func groupControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, g *autoscaling.Group)) *control.Control {
	c.Service = "AutoScaling"
	c.ResourceType = "AwsAutoScalingAutoScalingGroup"
	c.Needs = []string{"autoscaling"}
	c.Check = func(in *control.Input) {
		if !collected(in) {
			return
		}
		for _, g := range in.Region.AutoScaling.Groups {
			judge(in, snapshot.Meta{ARN: g.ARN, Type: c.ResourceType, Name: g.Name, Account: in.Account.ID, Region: in.RegionName()}, g)
		}
	}
	return &c
}

func launchConfigControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, l *autoscaling.LaunchConfiguration)) *control.Control {
	c.Service = "AutoScaling"
	c.ResourceType = "AwsAutoScalingLaunchConfiguration"
	c.Needs = []string{"autoscaling"}
	c.Check = func(in *control.Input) {
		if !collected(in) {
			return
		}
		for _, l := range in.Region.AutoScaling.LaunchConfigurations {
			judge(in, snapshot.Meta{ARN: l.ARN, Type: c.ResourceType, Name: l.Name, Account: in.Account.ID, Region: in.RegionName()}, l)
		}
	}
	return &c
}

func as1() *control.Control {
	return groupControl(control.Control{
		ID:       "AutoScaling.1",
		Title:    "Amazon EC2 Auto Scaling groups associated with a load balancer should use ELB health checks",
		Severity: control.Low,
		Rationale: "With EC2 health checks only, an instance whose application has stopped answering stays in " +
			"service as long as the instance runs; the load balancer's checks let the group replace it.",
		Remediation: "Add the ELB health check type to the group.\n" +
			"CLI: aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group> --health-check-type ELB --health-check-grace-period 300",
		WellArchitected: []string{"SEC10"},
	}, func(in *control.Input, m snapshot.Meta, g *autoscaling.Group) {
		if len(g.LoadBalancers) == 0 {
			in.NotApplicable(m, "the group is not associated with a load balancer")
			return
		}
		for _, t := range strings.Split(g.HealthCheckType, ",") {
			if strings.TrimSpace(t) == "ELB" {
				in.Pass(m, "ELB health checks are used")
				return
			}
		}
		in.Fail(m, "health check type %s: the load balancer's health checks are not used", g.HealthCheckType)
	})
}

func as2() *control.Control {
	return groupControl(control.Control{
		ID:       "AutoScaling.2",
		Title:    "Amazon EC2 Auto Scaling group should cover multiple Availability Zones",
		Severity: control.Medium,
		Rationale: "A group in a single Availability Zone goes down with it; spread over several, it keeps serving " +
			"and rebalances.",
		Remediation: "Add subnets in other Availability Zones to the group.\n" +
			"CLI: aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group> --vpc-zone-identifier <subnet-a>,<subnet-b>",
		WellArchitected: []string{"SEC10"},
	}, func(in *control.Input, m snapshot.Meta, g *autoscaling.Group) {
		n := len(g.AvailabilityZones)
		in.Check(m, n >= MinZones, "the group covers "+strings.Join(g.AvailabilityZones, ", "),
			"the group covers "+plural(n, "Availability Zone")+" ("+strings.Join(g.AvailabilityZones, ", ")+")")
	})
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

func as3() *control.Control {
	return launchConfigControl(control.Control{
		ID:       "AutoScaling.3",
		Title:    "Amazon EC2 Auto Scaling group launch configurations should configure EC2 instances to require Instance Metadata Service Version 2 (IMDSv2)",
		Severity: control.High,
		Rationale: "IMDSv1 answers any GET request, so a server-side request forgery in an application hands out the " +
			"instance role's credentials; IMDSv2's session tokens stop that.",
		Remediation: "Launch configurations cannot be changed: create a launch template (or a new launch " +
			"configuration) with HttpTokens required and move the group to it.\n" +
			"CLI: aws ec2 create-launch-template --launch-template-name <name> --launch-template-data " +
			"'{\"ImageId\":\"<ami>\",\"InstanceType\":\"<type>\",\"MetadataOptions\":{\"HttpTokens\":\"required\"}}'; " +
			"aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group> --launch-template LaunchTemplateName=<name>,Version='$Latest'",
		WellArchitected: []string{"SEC05"},
	}, func(in *control.Input, m snapshot.Meta, l *autoscaling.LaunchConfiguration) {
		switch {
		case l.HttpEndpoint == "disabled":
			in.Pass(m, "the instance metadata service is turned off")
		case l.HttpTokens == "required":
			in.Pass(m, "IMDSv2 is required")
		case l.HttpTokens == "":
			in.Fail(m, "no metadata options: instances allow IMDSv1")
		default:
			in.Fail(m, "HttpTokens is %s: instances allow IMDSv1", l.HttpTokens)
		}
	})
}

func as5() *control.Control {
	return launchConfigControl(control.Control{
		ID:       "AutoScaling.5",
		Title:    "Amazon EC2 instances launched using Amazon EC2 Auto Scaling group launch configurations should not have Public IP addresses",
		Severity: control.High,
		Rationale: "Instances with public IP addresses are reachable from the internet wherever their security " +
			"groups allow it; a group's instances belong in private subnets behind a load balancer.",
		Remediation: "Create a launch template (or launch configuration) with AssociatePublicIpAddress false and move " +
			"the group to it, in private subnets.\n" +
			"CLI: aws autoscaling create-launch-configuration --launch-configuration-name <name> --image-id <ami> " +
			"--instance-type <type> --no-associate-public-ip-address",
		WellArchitected: []string{"SEC05"},
	}, func(in *control.Input, m snapshot.Meta, l *autoscaling.LaunchConfiguration) {
		in.Check(m, l.AssociatePublicIP == nil || !*l.AssociatePublicIP, "no public IP address is requested",
			"AssociatePublicIpAddress is true: every instance gets a public IP address")
	})
}

func as6() *control.Control {
	return groupControl(control.Control{
		ID:       "AutoScaling.6",
		Title:    "Amazon EC2 Auto Scaling groups should use multiple instance types in multiple Availability Zones",
		Severity: control.Medium,
		Rationale: "A group tied to one instance type cannot launch when that type runs out of capacity in a zone; " +
			"several types keep it scaling.",
		Remediation: "Use a mixed instances policy with several instance types (or attribute-based selection).\n" +
			"CLI: aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group> --mixed-instances-policy " +
			"'{\"LaunchTemplate\":{\"LaunchTemplateSpecification\":{\"LaunchTemplateName\":\"<name>\"},\"Overrides\":[{\"InstanceType\":\"m6i.large\"},{\"InstanceType\":\"m5.large\"}]}}'",
		WellArchitected: []string{"SEC10"},
	}, func(in *control.Input, m snapshot.Meta, g *autoscaling.Group) {
		for _, t := range g.InstanceTypes {
			if t == "attribute-based" {
				in.Pass(m, "instance types are selected by attributes")
				return
			}
		}
		if len(g.InstanceTypes) >= 2 {
			in.Pass(m, "instance types %s", strings.Join(g.InstanceTypes, ", "))
			return
		}
		in.Fail(m, "the group launches a single instance type")
	})
}

func as9() *control.Control {
	return groupControl(control.Control{
		ID:       "AutoScaling.9",
		Title:    "Amazon EC2 Auto Scaling groups should use Amazon EC2 launch templates",
		Severity: control.Medium,
		Rationale: "Launch configurations get no new features or instance types (since the end of 2022): no " +
			"versioning, no mixed instances, none of the newer metadata and network settings. Launch templates are " +
			"where security settings are kept up to date.",
		Remediation: "Create a launch template from the launch configuration and switch the group to it.\n" +
			"Console: EC2 > Launch configurations > the configuration > Copy to launch template.\n" +
			"CLI: aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group> --launch-template LaunchTemplateName=<name>,Version='$Latest'",
		WellArchitected: []string{"SEC06"},
	}, func(in *control.Input, m snapshot.Meta, g *autoscaling.Group) {
		if g.LaunchConfiguration != "" {
			in.Fail(m, "the group launches from launch configuration %s", g.LaunchConfiguration)
			return
		}
		in.Pass(m, "the group launches from launch template %s", g.LaunchTemplate)
	})
}
