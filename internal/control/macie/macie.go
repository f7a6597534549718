// Package macie holds the controls on Amazon Macie: enabled in every
// region (Macie.1) and automated sensitive data discovery on
// (Macie.2). It reads snapshot/macie only. Both judge the account in the
// region, as Security Hub does.
package macie

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/macie"
)

// Controls returns the Macie controls.
func Controls() []*control.Control { return []*control.Control{macie1(), macie2()} }

const orgNote = "\nIn an organization, designate a Macie delegated administrator " +
	"(aws macie2 enable-organization-admin-account --admin-account-id <id>) and have it enable the members."

// state returns the region's Macie state, or reports ERROR and nil.
func state(in *control.Input) *macie.Macie {
	m := in.Region.Macie
	if m == nil {
		in.Error(in.AccountMeta(), "Macie state was not collected in %s", in.RegionName())
	}
	return m
}

func macie1() *control.Control {
	return &control.Control{
		ID:           "Macie.1",
		Title:        "Amazon Macie should be enabled",
		Service:      "Macie",
		Severity:     control.Medium,
		ResourceType: "AwsAccount",
		Needs:        []string{"macie"},
		Check: func(in *control.Input) {
			m := state(in)
			if m == nil {
				return
			}
			switch m.Status {
			case macie.Enabled:
				in.Pass(in.AccountMeta(), "Macie is enabled")
			case macie.Paused:
				in.Fail(in.AccountMeta(), "Macie is paused: it neither evaluates buckets nor discovers sensitive data")
			default:
				in.Fail(in.AccountMeta(), "Macie is not enabled in %s", in.RegionName())
			}
		},
		Rationale: "Macie inventories the S3 buckets of the region, flags the public, unencrypted and shared ones, and " +
			"finds sensitive data (credentials, personal and financial data) in them: without it, nobody knows where " +
			"that data sits.",
		Remediation: "Console: Macie > Get started > Enable Macie, in every region where you store data (resume a paused " +
			"Macie under Settings).\n" +
			"CLI: aws macie2 enable-macie --region <region> (paused: aws macie2 update-macie-session --status ENABLED)" + orgNote,
		WellArchitected: []string{"SEC07"},
	}
}

func macie2() *control.Control {
	return &control.Control{
		ID:           "Macie.2",
		Title:        "Macie automated sensitive data discovery should be enabled",
		Service:      "Macie",
		Severity:     control.High,
		ResourceType: "AwsAccount",
		Needs:        []string{"macie"},
		Check: func(in *control.Input) {
			m := state(in)
			if m == nil {
				return
			}
			meta := in.AccountMeta()
			switch {
			case m.Status == "":
				in.Fail(meta, "Macie is not enabled in %s, so automated sensitive data discovery is off", in.RegionName())
			case m.Errors[macie.DetailAdministrator] != "":
				in.Error(meta, "could not read the Macie administrator account: %s", m.Errors[macie.DetailAdministrator])
			case m.Administrator != "":
				// The setting belongs to the administrator account.
				in.NotApplicable(meta, "member account: automated discovery is set by the Macie administrator %s", m.Administrator)
			case m.Errors[macie.DetailDiscovery] != "":
				in.Error(meta, "could not read automated discovery: %s", m.Errors[macie.DetailDiscovery])
			case m.AutomatedDiscovery != macie.Enabled:
				in.Fail(meta, "automated sensitive data discovery is %s", orDisabled(m.AutomatedDiscovery))
			case m.Status == macie.Paused:
				in.Fail(meta, "automated sensitive data discovery is ENABLED but Macie is paused")
			default:
				in.Pass(meta, "automated sensitive data discovery is ENABLED")
			}
		},
		Rationale: "Automated discovery samples every bucket continuously and keeps a sensitivity score per bucket, at " +
			"a bounded cost; without it Macie finds sensitive data only in the buckets someone thought of scanning.",
		Remediation: "Console: Macie (administrator or standalone account) > Automated sensitive data discovery > Enable.\n" +
			"CLI: aws macie2 update-automated-discovery-configuration --region <region> --status ENABLED " +
			"(in an administrator account add --auto-enable-organization-members ALL)",
		WellArchitected: []string{"SEC07"},
	}
}

func orDisabled(s string) string {
	if s == "" {
		return macie.Disabled
	}
	return s
}
