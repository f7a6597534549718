// Package guardduty holds the controls on Amazon GuardDuty: that it is
// enabled in every region (GuardDuty.1) and that its protection plans are
// (GuardDuty.5–13). It reads snapshot/guardduty only.
//
// Every control judges the account in the region, as Security Hub does:
// a region without a detector, or with a suspended one, fails them all.
package guardduty

import (
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/guardduty"
)

// Controls returns the GuardDuty controls.
func Controls() []*control.Control {
	return []*control.Control{
		guardDuty1(),
		feature("GuardDuty.5", "GuardDuty EKS Audit Log Monitoring should be enabled", control.High,
			"EKS Audit Log Monitoring", guardduty.FeatureEKSAuditLogs,
			"GuardDuty reads the Kubernetes audit logs of EKS clusters to find suspicious API activity, such as "+
				"anonymous access or a pod started with a privileged container.",
			"Console: GuardDuty > Protection plans > EKS Protection > Edit > enable EKS Audit Log Monitoring.\n"+
				`CLI: aws guardduty update-detector --region <region> --detector-id <id> --features '[{"Name":"EKS_AUDIT_LOGS","Status":"ENABLED"}]'`),
		feature("GuardDuty.6", "GuardDuty Lambda Protection should be enabled", control.High,
			"Lambda Protection", guardduty.FeatureLambdaNetworkLogs,
			"Lambda Protection watches the network activity of Lambda functions, to find functions that were "+
				"compromised to mine cryptocurrency or talk to known malicious hosts.",
			"Console: GuardDuty > Protection plans > Lambda Protection > Edit > Enable.\n"+
				`CLI: aws guardduty update-detector --region <region> --detector-id <id> --features '[{"Name":"LAMBDA_NETWORK_LOGS","Status":"ENABLED"}]'`),
		eksRuntime(),
		feature("GuardDuty.8", "GuardDuty Malware Protection for EC2 should be enabled", control.High,
			"Malware Protection for EC2", guardduty.FeatureEBSMalwareProtection,
			"When GuardDuty suspects an EC2 instance or container workload, Malware Protection scans its EBS "+
				"volumes for malware, without an agent, and confirms the compromise.",
			"Console: GuardDuty > Protection plans > Malware Protection for EC2 > Edit > Enable.\n"+
				`CLI: aws guardduty update-detector --region <region> --detector-id <id> --features '[{"Name":"EBS_MALWARE_PROTECTION","Status":"ENABLED"}]'`),
		feature("GuardDuty.9", "GuardDuty RDS Protection should be enabled", control.High,
			"RDS Protection", guardduty.FeatureRDSLoginEvents,
			"RDS Protection profiles the login activity of Aurora and RDS databases and flags brute force and "+
				"anomalous logins, a common step in data theft.",
			"Console: GuardDuty > Protection plans > RDS Protection > Edit > Enable.\n"+
				`CLI: aws guardduty update-detector --region <region> --detector-id <id> --features '[{"Name":"RDS_LOGIN_EVENTS","Status":"ENABLED"}]'`),
		feature("GuardDuty.10", "GuardDuty S3 Protection should be enabled", control.High,
			"S3 Protection", guardduty.FeatureS3DataEvents,
			"S3 Protection analyzes S3 data events (object reads, writes and deletes) to find data exfiltration "+
				"and destruction that management events alone do not show.",
			"Console: GuardDuty > Protection plans > S3 Protection > Edit > Enable.\n"+
				`CLI: aws guardduty update-detector --region <region> --detector-id <id> --features '[{"Name":"S3_DATA_EVENTS","Status":"ENABLED"}]'`),
		feature("GuardDuty.11", "GuardDuty Runtime Monitoring should be enabled", control.High,
			"Runtime Monitoring", guardduty.FeatureRuntimeMonitoring,
			"Runtime Monitoring has a GuardDuty agent report process, file and network events from EKS nodes, ECS "+
				"tasks and EC2 instances, where log-based detection cannot see: reverse shells, container escapes, miners.",
			"Console: GuardDuty > Runtime Monitoring > Configuration > Enable.\n"+
				`CLI: aws guardduty update-detector --region <region> --detector-id <id> --features '[{"Name":"RUNTIME_MONITORING","Status":"ENABLED"}]'`),
		runtimeAgent("GuardDuty.12", "GuardDuty ECS Runtime Monitoring should be enabled", "ECS (Fargate)",
			guardduty.AdditionalECSFargateAgentManagement,
			"On Fargate, GuardDuty can only watch ECS tasks when it manages its security agent itself: without "+
				"automated agent configuration for ECS, no Fargate task is monitored."),
		runtimeAgent("GuardDuty.13", "GuardDuty EC2 Runtime Monitoring should be enabled", "EC2",
			guardduty.AdditionalEC2AgentManagement,
			"With automated agent configuration for EC2, GuardDuty installs and updates its security agent on the "+
				"SSM-managed instances, so new instances are monitored without anyone deploying the agent."),
	}
}

// runtimeAgent returns the control that Runtime Monitoring is enabled
// with GuardDuty managing its agent for one resource type (the additional
// configuration agent of RUNTIME_MONITORING), as the AWS Config rules
// behind GuardDuty.12 and GuardDuty.13 check: a manually deployed agent
// cannot be seen from the API, and agent management under a disabled
// RUNTIME_MONITORING monitors nothing.
func runtimeAgent(id, title, kind, agent, rationale string) *control.Control {
	label := kind + " Runtime Monitoring"
	return &control.Control{
		ID:           id,
		Title:        title,
		Service:      "GuardDuty",
		Severity:     control.Medium,
		ResourceType: "AwsAccount",
		Needs:        []string{"guardduty"},
		Check: func(in *control.Input) {
			checkFeature(in, label, func(d *guardduty.Detector) (bool, bool, string) {
				f, ok := d.Features[guardduty.FeatureRuntimeMonitoring]
				if !ok {
					return false, false, ""
				}
				st := f.Additional[agent]
				switch {
				case f.Status != guardduty.Enabled:
					return false, true, fmt.Sprintf("%s is %s", guardduty.FeatureRuntimeMonitoring, f.Status)
				case st != guardduty.Enabled:
					return false, true, fmt.Sprintf("%s is ENABLED but %s agent management (%s) is %s", guardduty.FeatureRuntimeMonitoring, kind, agent, orUnset(st))
				}
				return true, true, fmt.Sprintf("%s is ENABLED with %s agent management (%s)", guardduty.FeatureRuntimeMonitoring, kind, agent)
			})
		},
		Rationale: rationale,
		Remediation: "Console: GuardDuty > Runtime Monitoring > Configuration > Enable, then enable automated agent " +
			"configuration for " + kind + ".\n" +
			`CLI: aws guardduty update-detector --region <region> --detector-id <id> --features '[{"Name":"RUNTIME_MONITORING","Status":"ENABLED","AdditionalConfiguration":[{"Name":"` + agent + `","Status":"ENABLED"}]}]'` +
			orgNote,
		WellArchitected: []string{"SEC04"},
	}
}

// orgNote is appended to every remediation: in an organization the
// delegated administrator turns features on for the members.
const orgNote = "\nIn an organization, run it in the GuardDuty delegated administrator account, and use " +
	"aws guardduty update-organization-configuration to enable it for the member accounts."

func guardDuty1() *control.Control {
	return &control.Control{
		ID:           "GuardDuty.1",
		Title:        "GuardDuty should be enabled",
		Service:      "GuardDuty",
		Severity:     control.High,
		ResourceType: "AwsAccount",
		Needs:        []string{"guardduty"},
		Check: func(in *control.Input) {
			if d := enabledDetector(in); d != nil {
				in.Pass(in.AccountMeta(), "detector %s is enabled", d.ID)
			}
		},
		Rationale: "GuardDuty is the threat detection service of AWS: it analyzes CloudTrail, VPC flow and DNS logs " +
			"for compromised credentials, instances and accounts. A region without it, even one you do not use, " +
			"is where an attacker's activity goes unseen.",
		Remediation: "Console: GuardDuty > Get started > Enable GuardDuty, in every region (or resume a suspended " +
			"detector under Settings).\n" +
			"CLI: aws guardduty create-detector --region <region> --enable " +
			"(suspended: aws guardduty update-detector --region <region> --detector-id <id> --enable)" + orgNote,
		WellArchitected: []string{"SEC04"},
	}
}

// enabledDetector returns the region's detector when it is enabled;
// otherwise it reports why not (FAILED, or ERROR when unknown) and
// returns nil.
func enabledDetector(in *control.Input) *guardduty.Detector {
	m := in.AccountMeta()
	g := in.Region.GuardDuty
	switch {
	case g == nil:
		in.Error(m, "GuardDuty state was not collected")
		return nil
	case len(g.Detectors) == 0:
		in.Fail(m, "GuardDuty is not enabled: no detector in the region")
		return nil
	}
	// GuardDuty allows one detector per account and region.
	d := &g.Detectors[0]
	switch {
	case d.Errors[guardduty.DetailDetector] != "":
		in.Error(m, "could not read detector %s: %s", d.ID, d.Errors[guardduty.DetailDetector])
		return nil
	case d.Status != guardduty.Enabled:
		in.Fail(m, "detector %s is suspended (status %s)", d.ID, d.Status)
		return nil
	}
	return d
}

// feature returns the control that a protection plan, one feature of the
// detector, is enabled.
func feature(id, title string, sev control.Severity, label, name, rationale, remediation string) *control.Control {
	return &control.Control{
		ID:           id,
		Title:        title,
		Service:      "GuardDuty",
		Severity:     sev,
		ResourceType: "AwsAccount",
		Needs:        []string{"guardduty"},
		Check: func(in *control.Input) {
			checkFeature(in, label, func(d *guardduty.Detector) (ok, offered bool, why string) {
				f, offered := d.Features[name]
				if !offered {
					return false, false, ""
				}
				return f.Status == guardduty.Enabled, true, fmt.Sprintf("%s (%s) is %s", label, name, f.Status)
			})
		},
		Rationale:       rationale,
		Remediation:     remediation + orgNote,
		WellArchitected: []string{"SEC04"},
	}
}

// checkFeature judges one protection plan of the region's detector by
// judge, which says whether it is enabled, whether the detector reports
// it at all (GuardDuty does not offer every plan in every region), and
// what was found.
func checkFeature(in *control.Input, label string, judge func(*guardduty.Detector) (ok, offered bool, why string)) {
	m := in.AccountMeta()
	g := in.Region.GuardDuty
	if g != nil && len(g.Detectors) == 0 {
		in.Fail(m, "GuardDuty is not enabled in the region (no detector), so %s is off", label)
		return
	}
	d := enabledDetector(in)
	if d == nil {
		return
	}
	ok, offered, why := judge(d)
	switch {
	case !offered:
		in.NotApplicable(m, "GuardDuty does not offer %s in this region (detector %s does not report it)", label, d.ID)
	case ok:
		in.Pass(m, "%s on detector %s", why, d.ID)
	default:
		in.Fail(m, "%s on detector %s", why, d.ID)
	}
}

// eksRuntime is GuardDuty.7. EKS Runtime Monitoring is either the older
// EKS_RUNTIME_MONITORING feature or the EKS part of RUNTIME_MONITORING;
// like the AWS Config rule behind the control, it counts only with
// automated agent management (EKS_ADDON_MANAGEMENT), since a manually
// deployed agent cannot be seen from the API.
func eksRuntime() *control.Control {
	return &control.Control{
		ID:           "GuardDuty.7",
		Title:        "GuardDuty EKS Runtime Monitoring should be enabled",
		Service:      "GuardDuty",
		Severity:     control.Medium,
		ResourceType: "AwsAccount",
		Needs:        []string{"guardduty"},
		Check: func(in *control.Input) {
			checkFeature(in, "EKS Runtime Monitoring", func(d *guardduty.Detector) (bool, bool, string) {
				var offered bool
				var found []string
				for _, name := range []string{guardduty.FeatureRuntimeMonitoring, guardduty.FeatureEKSRuntimeMonitoring} {
					f, ok := d.Features[name]
					if !ok {
						continue
					}
					offered = true
					agent := f.Additional[guardduty.AdditionalEKSAddonManagement]
					if f.Status == guardduty.Enabled && agent == guardduty.Enabled {
						return true, true, fmt.Sprintf("%s is ENABLED with EKS agent management", name)
					}
					if f.Status == guardduty.Enabled {
						found = append(found, fmt.Sprintf("%s is ENABLED but EKS agent management (%s) is %s", name, guardduty.AdditionalEKSAddonManagement, orUnset(agent)))
					} else {
						found = append(found, fmt.Sprintf("%s is %s", name, f.Status))
					}
				}
				return false, offered, strings.Join(found, "; ")
			})
		},
		Rationale: "EKS Runtime Monitoring watches process, file and network events inside the nodes and " +
			"containers of EKS clusters, where audit logs cannot see: container escapes, reverse shells, miners.",
		Remediation: "Console: GuardDuty > Runtime Monitoring > Configuration > Enable, and enable automated agent " +
			"configuration for Amazon EKS.\n" +
			`CLI: aws guardduty update-detector --region <region> --detector-id <id> --features '[{"Name":"RUNTIME_MONITORING","Status":"ENABLED","AdditionalConfiguration":[{"Name":"EKS_ADDON_MANAGEMENT","Status":"ENABLED"}]}]'` +
			orgNote,
		WellArchitected: []string{"SEC04"},
	}
}

func orUnset(s string) string {
	if s == "" {
		return "not set"
	}
	return s
}
