// Package ssm holds the AWS Systems Manager controls. They read the "ssm"
// collector's state (and, for SSM.1, the "ec2" collector's instances)
// and never call AWS.
//
// SSM.1 judges running instances: a stopped instance's agent cannot
// answer, so it is not applicable rather than failed. SSM.2 and SSM.3
// judge the managed instances that have compliance data of their type;
// one without (no patch baseline scan or association ran on it) is not
// applicable, as in AWS Config.
package ssm

import (
	"fmt"
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ssm"
)

// Controls returns the Systems Manager controls.
func Controls() []*control.Control {
	return []*control.Control{ssm1(), ssm2(), ssm3(), ssm4(), ssm7()}
}

// state returns the SSM state of the region, or reports ERROR and nil
// when it, or one of parts, was not collected.
func state(in *control.Input, parts ...string) *ssm.SSM {
	s := in.Region.SSM
	if s == nil {
		in.Error(in.AccountMeta(), "Systems Manager state was not collected in %s", in.RegionName())
		return nil
	}
	for _, p := range parts {
		if why, ok := s.Errors[p]; ok {
			in.Error(in.AccountMeta(), "Systems Manager %s not collected: %s", strings.ReplaceAll(p, "_", " "), why)
			return nil
		}
	}
	return s
}

func instanceARN(in *control.Input, id string) string {
	return fmt.Sprintf("arn:%s:ec2:%s:%s:instance/%s", in.Account.Partition, in.RegionName(), in.Account.ID, id)
}

func ssm1() *control.Control {
	c := &control.Control{
		ID:           "SSM.1",
		Title:        "Amazon EC2 instances should be managed by AWS Systems Manager",
		Service:      "SSM",
		Severity:     control.Medium,
		ResourceType: "AwsEc2Instance",
		Needs:        []string{"ec2", "ssm"},
		Reads:        map[string][]string{"ec2": {ec2.PartInstances}},
		Rationale: "An instance Systems Manager does not manage is outside patching, inventory, Session Manager " +
			"and State Manager: it drifts unseen and needs SSH keys or bastions to reach.",
		Remediation: "Install and start the SSM Agent (preinstalled on Amazon Linux and Windows AMIs), give the " +
			"instance a profile with AmazonSSMManagedInstanceCore (or turn on Default Host Management " +
			"Configuration), and let it reach the SSM endpoints (internet or VPC endpoints).\n" +
			"CLI: aws ec2 associate-iam-instance-profile --instance-id <id> --iam-instance-profile Name=<profile>; " +
			"aws ssm update-service-setting --setting-id /ssm/managed-instance/default-ec2-instance-management-role --setting-value <role>",
		WellArchitected: []string{"SEC06"},
	}
	c.Check = func(in *control.Input) {
		e := in.Region.EC2
		if e == nil {
			in.Error(in.AccountMeta(), "EC2 state was not collected in %s", in.RegionName())
			return
		}
		if p, why := e.Err(ec2.PartInstances); p != "" {
			in.Error(in.AccountMeta(), "EC2 instances not collected: %s", why)
			return
		}
		s := state(in)
		if s == nil {
			return
		}
		for n := range e.Instances {
			i := &e.Instances[n]
			if !i.Live() {
				continue
			}
			m := snapshot.Meta{ARN: i.ARN, Type: "AwsEc2Instance", Name: i.ID, Account: in.Account.ID, Region: in.RegionName(), Tags: i.Tags}
			if i.State != "running" {
				in.NotApplicable(m, "the instance is %s", i.State)
				continue
			}
			ping, managed := s.ManagedInstances[i.ID]
			switch {
			case !managed:
				in.Fail(m, "the instance is not registered with Systems Manager")
			case ping != "Online":
				in.Fail(m, "the instance's SSM Agent is %s", ping)
			default:
				in.Pass(m, "managed by Systems Manager (agent online)")
			}
		}
	}
	return c
}

// complianceControl completes c as a control over the managed instances'
// compliance of one type (Patch or Association).
func complianceControl(c control.Control, typ string, statuses func(s *ssm.SSM) map[string]string) *control.Control {
	c.Service = "SSM"
	c.Needs = []string{"ssm"}
	c.Check = func(in *control.Input) {
		s := state(in, ssm.PartCompliance)
		if s == nil {
			return
		}
		byID := statuses(s)
		for _, id := range sortedKeys(s.ManagedInstances) {
			m := snapshot.Meta{ARN: instanceARN(in, id), Type: c.ResourceType, Name: id, Account: in.Account.ID, Region: in.RegionName()}
			switch st, ok := byID[id]; {
			case !ok:
				in.NotApplicable(m, "no %s compliance data for the instance", strings.ToLower(typ))
			case st == "COMPLIANT":
				in.Pass(m, "%s compliance is COMPLIANT", typ)
			default:
				in.Fail(m, "%s compliance is %s", typ, st)
			}
		}
	}
	return &c
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func ssm2() *control.Control {
	return complianceControl(control.Control{
		ID:           "SSM.2",
		Title:        "Amazon EC2 instances managed by Systems Manager should have a patch compliance status of COMPLIANT after a patch installation",
		Severity:     control.High,
		ResourceType: "AwsSsmPatchCompliance",
		Rationale: "A managed instance that is non-compliant with its patch baseline is missing security patches " +
			"the organization decided to install.",
		Remediation: "Install the missing patches (Patch Manager: patch now, or a maintenance window running " +
			"AWS-RunPatchBaseline with Operation=Install) and check the instance's patch compliance again.\n" +
			"CLI: aws ssm send-command --document-name AWS-RunPatchBaseline --targets Key=InstanceIds,Values=<id> " +
			"--parameters Operation=Install",
		WellArchitected: []string{"SEC06"},
	}, "Patch", func(s *ssm.SSM) map[string]string { return s.Patch })
}

func ssm3() *control.Control {
	return complianceControl(control.Control{
		ID:           "SSM.3",
		Title:        "Amazon EC2 instances managed by Systems Manager should have an association compliance status of COMPLIANT",
		Severity:     control.Low,
		ResourceType: "AwsSsmAssociationCompliance",
		Rationale: "A failed State Manager association means the configuration it enforces (agents, hardening, " +
			"software) is not in place on the instance.",
		Remediation: "Find the failed association (Systems Manager > State Manager > the association > " +
			"Execution history), fix its cause, and apply it again.\n" +
			"CLI: aws ssm start-associations-once --association-ids <association-id>",
		WellArchitected: []string{"SEC06"},
	}, "Association", func(s *ssm.SSM) map[string]string { return s.Association })
}

func ssm4() *control.Control {
	c := &control.Control{
		ID:           "SSM.4",
		Title:        "SSM documents should not be public",
		Service:      "SSM",
		Severity:     control.Critical,
		ResourceType: "AwsSsmDocument",
		Needs:        []string{"ssm"},
		Rationale: "A public document can be read and run by any AWS account: its scripts, parameters and the " +
			"internal names they reveal are out.",
		Remediation: "Stop sharing the document publicly (share it with named accounts if needed), then block public " +
			"sharing for the account (SSM.7).\n" +
			"CLI: aws ssm modify-document-permission --name <document> --permission-type Share --account-ids-to-remove all",
		WellArchitected: []string{"SEC03"},
	}
	c.Check = func(in *control.Input) {
		s := state(in, ssm.PartDocuments)
		if s == nil {
			return
		}
		for _, d := range s.Documents {
			m := snapshot.Meta{ARN: d.ARN, Type: c.ResourceType, Name: d.Name, Account: in.Account.ID, Region: in.RegionName()}
			if d.Error != "" {
				in.Error(m, "document permissions could not be read: %s", d.Error)
				continue
			}
			public := false
			for _, a := range d.SharedWith {
				public = public || strings.EqualFold(a, "all")
			}
			in.Check(m, !public, "the document is not public", "the document is shared publicly (with all accounts)")
		}
	}
	return c
}

func ssm7() *control.Control {
	c := &control.Control{
		ID:           "SSM.7",
		Title:        "SSM documents should have the block public sharing setting enabled",
		Service:      "SSM",
		Severity:     control.Critical,
		ResourceType: "AwsAccount",
		Needs:        []string{"ssm"},
		Rationale: "Without the block, anyone who may modify a document's permissions can make it public by " +
			"mistake or on purpose.",
		Remediation: "Block public sharing of documents in each Region.\n" +
			"Console: Systems Manager > Documents > Preferences > Block public sharing > Edit: on.\n" +
			"CLI: aws ssm update-service-setting --setting-id /ssm/documents/console/public-sharing-permission --setting-value Disable",
		WellArchitected: []string{"SEC03"},
	}
	c.Check = func(in *control.Input) {
		s := state(in, ssm.PartSetting)
		if s == nil {
			return
		}
		in.Check(in.AccountMeta(), s.PublicSharingBlocked, "public sharing of documents is blocked",
			"public sharing of documents is not blocked")
	}
	return c
}
