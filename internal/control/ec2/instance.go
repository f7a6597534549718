package ec2

import (
	"fmt"
	"strings"
	"time"

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

// StoppedAllowedDays is how long EC2.4 lets an instance stay stopped:
// Security Hub's default for the AllowedDays parameter.
const StoppedAllowedDays = 30

// stoppedAt reads when a user stopped an instance from its state
// transition reason, "User initiated (2006-01-02 15:04:05 GMT)", the form
// DescribeInstances gives for user-initiated stops.
func stoppedAt(reason string) (time.Time, bool) {
	_, rest, ok := strings.Cut(reason, "(")
	if !ok {
		return time.Time{}, false
	}
	stamp, _, ok := strings.Cut(rest, ")")
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02 15:04:05 MST", strings.TrimSpace(stamp))
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

func ec2_4() *control.Control {
	return &control.Control{
		ID:           "EC2.4",
		Title:        "Stopped EC2 instances should be removed after a specified time period",
		Service:      "EC2",
		Severity:     control.Medium,
		ResourceType: typeInstance,
		Needs:        []string{collector},
		Reads:        instanceReads,
		Check: instanceControl(func(in *control.Input, i *ec2.Instance) {
			m := instanceMeta(i)
			if i.State != "stopped" {
				in.Pass(m, "the instance is %s, not stopped", i.State)
				return
			}
			at, ok := stoppedAt(i.StateReason)
			if !ok {
				// Without the stop time the age is unknown: never a pass.
				in.Error(m, "stopped, but when is not reported (state transition reason %q)", i.StateReason)
				return
			}
			days := int(in.Now.Sub(at).Hours() / 24)
			in.Check(m, days <= StoppedAllowedDays,
				fmt.Sprintf("stopped %d days ago (allowed: %d)", days, StoppedAllowedDays),
				fmt.Sprintf("stopped %d days ago, on %s (allowed: %d days)", days, at.Format("2006-01-02"), StoppedAllowedDays))
		}),
		Rationale: "A stopped instance keeps its volumes, network interfaces, roles and AMI, unpatched and " +
			"forgotten, and can be started again as it was; after a month it is rarely needed, and removing it " +
			"removes an outdated host from the inventory and its data from the attack surface.",
		Remediation: "Snapshot or image the instance if its data must be kept, then terminate it. Console: EC2 > " +
			"Instances > the instance > Instance state > Terminate instance. CLI: aws ec2 create-image --instance-id " +
			"<id> --name <name>; aws ec2 terminate-instances --instance-ids <id>",
		WellArchitected: []string{"SEC06"},
	}
}

func ec2_24() *control.Control {
	return &control.Control{
		ID:           "EC2.24",
		Title:        "Amazon EC2 paravirtual instance types should not be used",
		Service:      "EC2",
		Severity:     control.Medium,
		ResourceType: typeInstance,
		Needs:        []string{collector},
		Reads:        instanceReads,
		Check: instanceControl(func(in *control.Input, i *ec2.Instance) {
			m := instanceMeta(i)
			switch i.Virtualization {
			case "":
				in.Error(m, "virtualization type not reported")
			case "paravirtual":
				in.Fail(m, "paravirtual (PV) virtualization (instance type %s)", i.Type)
			default:
				in.Pass(m, "%s virtualization", i.Virtualization)
			}
		}),
		Rationale: "Paravirtual guests run only on previous-generation instance types, cannot use enhanced " +
			"networking, Nitro or current kernels' security features, and AWS no longer publishes PV AMIs: the " +
			"operating system is old and stays unpatched.",
		Remediation: "Rebuild the workload on an HVM AMI (for Linux, a current Amazon Linux or distribution " +
			"image) and a current instance type, move the data over, then terminate the PV instance; the " +
			"virtualization type of an instance cannot be changed in place. Console: EC2 > Instances > the " +
			"instance > Actions > Image and templates > Create image (to keep its data). CLI: aws ec2 " +
			"describe-instances --filters Name=virtualization-type,Values=paravirtual; aws ec2 " +
			"terminate-instances --instance-ids <id>",
		WellArchitected: []string{"SEC06"},
	}
}
