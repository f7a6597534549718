package ec2

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
)

func ec2_6() *control.Control {
	return &control.Control{
		ID:           "EC2.6",
		Title:        "VPC flow logging should be enabled in all VPCs",
		Service:      "EC2",
		Severity:     control.Medium,
		ResourceType: typeVPC,
		Needs:        []string{collector},
		Check: func(in *control.Input) {
			e := state(in, ec2.PartVPCs, ec2.PartFlowLogs)
			if e == nil {
				return
			}
			for i := range e.VPCs {
				v := &e.VPCs[i]
				var ok, acceptOnly []string
				for _, f := range e.FlowLogs {
					if f.ResourceID != v.ID || (f.Status != "" && f.Status != "ACTIVE") {
						continue
					}
					switch f.TrafficType {
					case "ALL", "REJECT":
						ok = append(ok, f.ID+" ("+f.TrafficType+")")
					default:
						acceptOnly = append(acceptOnly, f.ID)
					}
				}
				switch {
				case len(ok) > 0:
					in.Pass(vpcMeta(v), "flow logs %s", strings.Join(ok, ", "))
				case len(acceptOnly) > 0:
					in.Fail(vpcMeta(v), "flow logs %s record only accepted traffic, not rejected", strings.Join(acceptOnly, ", "))
				default:
					in.Fail(vpcMeta(v), "no active flow log")
				}
			}
		},
		Rationale: "Flow logs record the traffic in and out of a VPC's interfaces; without them rejected " +
			"connection attempts, scanning and exfiltration leave no trace to investigate.",
		Remediation: "Create a flow log for the VPC capturing at least rejected traffic (ALL preferred), " +
			"delivered to CloudWatch Logs or S3. Console: VPC > Your VPCs > the VPC > Flow logs > Create flow " +
			"log. CLI: aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> --traffic-type ALL " +
			"--log-destination-type s3 --log-destination arn:aws:s3:::<bucket>",
		WellArchitected: []string{"SEC04"},
	}
}

func ec2_10() *control.Control {
	return &control.Control{
		ID:           "EC2.10",
		Title:        "Amazon EC2 should be configured to use VPC endpoints that are created for the Amazon EC2 service",
		Service:      "EC2",
		Severity:     control.Medium,
		ResourceType: typeVPC,
		Needs:        []string{collector},
		Check: func(in *control.Input) {
			e := state(in, ec2.PartVPCs, ec2.PartVPCEndpoints)
			if e == nil {
				return
			}
			for i := range e.VPCs {
				v := &e.VPCs[i]
				var found string
				for _, ep := range e.VPCEndpoints {
					if ep.VPCID == v.ID && strings.HasSuffix(ep.ServiceName, "."+in.RegionName()+".ec2") && usable(ep.State) {
						found = ep.ID
						break
					}
				}
				in.Check(vpcMeta(v), found != "", "EC2 endpoint "+found, "no VPC endpoint for the EC2 API")
			}
		},
		Rationale: "With an interface endpoint for EC2, calls to the EC2 API from the VPC stay on the AWS " +
			"network and can be restricted by an endpoint policy, instead of crossing the internet.",
		Remediation: "Create an interface VPC endpoint for com.amazonaws.<region>.ec2 in the VPC's private " +
			"subnets, with private DNS enabled. Console: VPC > Endpoints > Create endpoint > AWS services > " +
			"com.amazonaws.<region>.ec2. CLI: aws ec2 create-vpc-endpoint --vpc-id <vpc-id> " +
			"--vpc-endpoint-type Interface --service-name com.amazonaws.<region>.ec2 --subnet-ids <subnet-ids> " +
			"--security-group-ids <sg-id> --private-dns-enabled",
		WellArchitected: []string{"SEC05"},
	}
}

// usable reports whether an endpoint in state can carry traffic (or soon
// will).
func usable(state string) bool {
	switch strings.ToLower(state) {
	case "deleting", "deleted", "rejected", "failed", "expired":
		return false
	}
	return true
}

func ec2_15() *control.Control {
	return &control.Control{
		ID:           "EC2.15",
		Title:        "Amazon EC2 subnets should not automatically assign public IP addresses",
		Service:      "EC2",
		Severity:     control.Medium,
		ResourceType: typeSubnet,
		Needs:        []string{collector},
		Check: func(in *control.Input) {
			e := state(in, ec2.PartSubnets)
			if e == nil {
				return
			}
			for i := range e.Subnets {
				s := &e.Subnets[i]
				in.Check(meta(typeSubnet, s.ARN, s.ID, s.Tags), !s.MapPublicIPOnLaunch,
					"instances launched in it get no public IPv4 address",
					"instances launched in it get a public IPv4 address (MapPublicIpOnLaunch)")
			}
		},
		Rationale: "A subnet that gives every new instance a public IPv4 address exposes instances that " +
			"were never meant to be public, as soon as a route to an internet gateway exists.",
		Remediation: "Turn off automatic public IPv4 assignment; give public addresses only to instances that " +
			"need them, or put them behind a load balancer. Console: VPC > Subnets > the subnet > Actions > " +
			"Edit subnet settings > clear \"Enable auto-assign public IPv4 address\". CLI: aws ec2 " +
			"modify-subnet-attribute --subnet-id <subnet-id> --no-map-public-ip-on-launch",
		WellArchitected: []string{"SEC05"},
	}
}
