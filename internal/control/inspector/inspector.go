// Package inspector holds the controls on Amazon Inspector: that each of
// its scan types is on in every region (Inspector.1–4). It reads
// snapshot/inspector2 only.
//
// Security Hub reports these in the Inspector delegated administrator for
// the whole organization; Guardrail judges every account in every region,
// which finds the same gaps, one account at a time.
package inspector

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/inspector2"
)

// Controls returns the Amazon Inspector controls.
func Controls() []*control.Control {
	return []*control.Control{
		scan("Inspector.1", "Amazon Inspector EC2 scanning should be enabled", "EC2 scanning", "EC2",
			func(s *inspector2.Inspector2) string { return s.EC2 },
			"Inspector scans EC2 instances for software vulnerabilities and unintended network exposure, and "+
				"rescans when a new CVE is published, so a vulnerable instance is known before it is exploited."),
		scan("Inspector.2", "Amazon Inspector ECR scanning should be enabled", "ECR scanning", "ECR",
			func(s *inspector2.Inspector2) string { return s.ECR },
			"Inspector scans the container images pushed to Amazon ECR for vulnerable operating system and "+
				"language packages, and keeps rescanning them as new vulnerabilities are published."),
		scan("Inspector.3", "Amazon Inspector Lambda code scanning should be enabled", "Lambda code scanning", "LAMBDA_CODE",
			func(s *inspector2.Inspector2) string { return s.LambdaCode },
			"Lambda code scanning reads the application code of functions for injection flaws, data leaks, weak "+
				"cryptography and hard-coded secrets, which dependency scanning cannot see."),
		scan("Inspector.4", "Amazon Inspector Lambda standard scanning should be enabled", "Lambda standard scanning", "LAMBDA",
			func(s *inspector2.Inspector2) string { return s.Lambda },
			"Lambda standard scanning checks the dependencies of functions and layers for known vulnerabilities "+
				"when they are deployed and when new vulnerabilities are published."),
	}
}

// scan returns the control that the scan type apiType ("EC2", "LAMBDA")
// of Amazon Inspector, whose status get reads, is enabled.
func scan(id, title, label, apiType string, get func(*inspector2.Inspector2) string, rationale string) *control.Control {
	return &control.Control{
		ID:           id,
		Title:        title,
		Service:      "Inspector",
		Severity:     control.High,
		ResourceType: "AwsAccount",
		Needs:        []string{"inspector2"},
		Check: func(in *control.Input) {
			m := in.AccountMeta()
			s := in.Region.Inspector2
			if s == nil {
				in.Error(m, "Amazon Inspector state was not collected")
				return
			}
			st := get(s)
			switch {
			case st == inspector2.StatusEnabled:
				in.Pass(m, "%s is enabled", label)
			case st == "":
				in.NotApplicable(m, "Amazon Inspector does not report %s in this region", label)
			case s.Status != inspector2.StatusEnabled:
				in.Fail(m, "Amazon Inspector is not enabled in the region (status %s), so %s is %s", s.Status, label, st)
			default:
				in.Fail(m, "%s is %s", label, st)
			}
		},
		Rationale: rationale,
		Remediation: "Console: Amazon Inspector > Settings > Account management > select the account > Activate > " +
			label + ", in every region.\n" +
			"CLI: aws inspector2 enable --region <region> --resource-types " + apiType + " --account-ids <account>\n" +
			"In an organization, run it from the Inspector delegated administrator, and have new accounts get it: " +
			"aws inspector2 update-organization-configuration --auto-enable ec2=true,ecr=true,lambda=true,lambdaCode=true",
		WellArchitected: []string{"SEC06"},
	}
}
