package ec2

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
)

// instanceReads: an instance control reads the instances only.
var instanceReads = map[string][]string{collector: {ec2.PartInstances}}

// instanceControl judges every instance of the region that still exists
// (not terminated or shutting down) with judge.
func instanceControl(judge func(in *control.Input, i *ec2.Instance)) func(*control.Input) {
	return func(in *control.Input) {
		e := state(in, ec2.PartInstances)
		if e == nil {
			return
		}
		for n := range e.Instances {
			if i := &e.Instances[n]; i.Live() {
				judge(in, i)
			}
		}
	}
}

func ec2_8() *control.Control {
	return &control.Control{
		ID:           "EC2.8",
		Title:        "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)",
		Service:      "EC2",
		Severity:     control.High,
		ResourceType: typeInstance,
		Needs:        []string{collector},
		Reads:        instanceReads,
		Check: instanceControl(func(in *control.Input, i *ec2.Instance) {
			m := instanceMeta(i)
			switch {
			case i.Metadata.HTTPEndpoint == "disabled":
				in.Pass(m, "instance metadata service disabled")
			case i.Metadata.HTTPTokens == "required":
				in.Pass(m, "IMDSv2 required")
			case i.Metadata.HTTPTokens == "":
				in.Error(m, "metadata options unknown")
			default:
				in.Fail(m, "IMDSv1 allowed (HttpTokens %s)", i.Metadata.HTTPTokens)
			}
		}),
		Rationale: "IMDSv1 answers plain GET requests, so a server-side request forgery in an application " +
			"can read the instance role's credentials; IMDSv2 requires a session token obtained with a PUT.",
		Remediation: "Check that the software on the instance uses IMDSv2 (CloudWatch metric " +
			"MetadataNoToken stays at 0), then require tokens. Console: EC2 > Instances > the instance > " +
			"Actions > Instance settings > Modify instance metadata options > IMDSv2: Required. CLI: aws ec2 " +
			"modify-instance-metadata-options --instance-id <id> --http-tokens required --http-endpoint enabled. " +
			"For new instances: aws ec2 modify-instance-metadata-defaults --http-tokens required",
		WellArchitected: []string{"SEC06"},
	}
}

func ec2_9() *control.Control {
	return &control.Control{
		ID:           "EC2.9",
		Title:        "Amazon EC2 instances should not have a public IPv4 address",
		Service:      "EC2",
		Severity:     control.High,
		ResourceType: typeInstance,
		Needs:        []string{collector},
		Reads:        instanceReads,
		Check: instanceControl(func(in *control.Input, i *ec2.Instance) {
			in.Check(instanceMeta(i), i.PublicIP == "", "no public IPv4 address", "public IPv4 address "+i.PublicIP)
		}),
		Rationale: "An instance with a public IPv4 address can be reached from the internet as far as its " +
			"security groups and network ACLs allow; keeping instances private behind load balancers or " +
			"NAT removes that exposure.",
		Remediation: "Move the instance to a private subnet behind a load balancer or NAT gateway (a public " +
			"address cannot be removed from a running instance's primary interface), and release Elastic " +
			"IPs it does not need. Console: EC2 > Elastic IPs > Disassociate. CLI: aws ec2 " +
			"disassociate-address --association-id <eipassoc-id>; for new instances launch with " +
			"--network-interfaces AssociatePublicIpAddress=false",
		WellArchitected: []string{"SEC05"},
	}
}

func grEC2_1() *control.Control {
	return &control.Control{
		ID:           "GR.EC2.1",
		Title:        "Running EC2 instances should use an IAM instance profile for AWS access",
		Service:      "EC2",
		Severity:     control.Medium,
		ResourceType: typeInstance,
		Needs:        []string{collector},
		Reads:        instanceReads,
		Check: instanceControl(func(in *control.Input, i *ec2.Instance) {
			m := instanceMeta(i)
			if i.State != "running" {
				in.NotApplicable(m, "instance is %s", i.State)
				return
			}
			in.Check(m, i.InstanceProfileARN != "", "instance profile "+i.InstanceProfileARN,
				"no IAM instance profile: AWS access from it needs stored credentials")
		}),
		Rationale: "An instance role gives software on the instance short-lived, automatically rotated " +
			"credentials; without one, AWS access from the instance relies on long-term access keys stored " +
			"on disk (CIS 1.18).",
		Remediation: "Create a role for EC2 with only the permissions the workload needs and attach it " +
			"through an instance profile, then delete access keys stored on the instance. Console: EC2 > " +
			"Instances > the instance > Actions > Security > Modify IAM role. CLI: aws ec2 " +
			"associate-iam-instance-profile --instance-id <id> --iam-instance-profile Name=<profile>",
		WellArchitected: []string{"SEC02", "SEC03"},
	}
}
