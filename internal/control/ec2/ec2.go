package ec2

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
)

// collector is the collector every control here needs.
const collector = "ec2"

// ASFF resource types.
const (
	typeInstance       = "AwsEc2Instance"
	typeSecurityGroup  = "AwsEc2SecurityGroup"
	typeNetworkACL     = "AwsEc2NetworkAcl"
	typeVPC            = "AwsEc2Vpc"
	typeSubnet         = "AwsEc2Subnet"
	typeVolume         = "AwsEc2Volume"
	typeAccount        = "AwsAccount"
	typeLaunchTemplate = "AwsEc2LaunchTemplate"
	typeTransitGateway = "AwsEc2TransitGateway"
	// ASFF has no type for EBS snapshots.
	typeSnapshot = "Other"
)

// Controls returns the EC2 controls.
func Controls() []*control.Control {
	return []*control.Control{
		ec2_1(), ec2_2(), ec2_3(), ec2_4(), ec2_6(), ec2_7(), ec2_8(), ec2_9(), ec2_10(), ec2_15(),
		ec2_18(), ec2_19(), ec2_21(), ec2_23(), ec2_24(), ec2_25(), ec2_53(), ec2_54(), ec2_170(), grEC2_1(),
	}
}

// state returns the region's EC2 state, or nil after reporting ERROR for
// the region when it, or one of the parts the control reads, was not
// collected.
func state(in *control.Input, parts ...string) *ec2.EC2 {
	e := in.Region.EC2
	if e == nil {
		in.Error(in.AccountMeta(), "ec2 state not collected")
		return nil
	}
	if p, why := e.Err(parts...); p != "" {
		in.Error(in.AccountMeta(), "ec2 %s not collected: %s", strings.ReplaceAll(p, "_", " "), why)
		return nil
	}
	return e
}

// meta identifies a resource; its name is its Name tag, or name when it
// has none. The evaluator fills in account and region.
func meta(typ, arn, name string, tags map[string]string) snapshot.Meta {
	if n := tags["Name"]; n != "" {
		name = n
	}
	return snapshot.Meta{ARN: arn, Type: typ, Name: name, Tags: tags}
}

func instanceMeta(i *ec2.Instance) snapshot.Meta { return meta(typeInstance, i.ARN, i.ID, i.Tags) }

func groupMeta(g *ec2.SecurityGroup) snapshot.Meta {
	return meta(typeSecurityGroup, g.ARN, g.Name, g.Tags)
}

func vpcMeta(v *ec2.VPC) snapshot.Meta { return meta(typeVPC, v.ARN, v.ID, v.Tags) }

// plural returns "1 rule" or "2 rules".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return itoa(n) + " " + word + "s"
}
