// Package accessanalyzer holds the control on IAM Access Analyzer: an
// external access analyzer in every region (IAM.28, CIS 1.20). It reads
// snapshot/accessanalyzer only.
package accessanalyzer

import (
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/accessanalyzer"
)

// Controls returns the IAM Access Analyzer controls.
func Controls() []*control.Control {
	return []*control.Control{iam28()}
}

func iam28() *control.Control {
	return &control.Control{
		ID:           "IAM.28",
		Title:        "IAM Access Analyzer external access analyzer should be enabled",
		Service:      "IAM",
		Severity:     control.High,
		ResourceType: "AwsAccount",
		Needs:        []string{"accessanalyzer"},
		Check:        checkExternalAnalyzer,
		Rationale: "An external access analyzer continuously finds the buckets, roles, keys, queues and other " +
			"resources of the region that are shared with principals outside the account or organization, " +
			"so unintended public and cross-account access is seen.",
		Remediation: "Console: IAM > Access analyzer > Create analyzer, type External access, zone of trust the " +
			"account (or the organization, from the management or delegated administrator account), in every region.\n" +
			"CLI: aws accessanalyzer create-analyzer --region <region> --analyzer-name account-analyzer --type ACCOUNT " +
			"(or --type ORGANIZATION)",
		WellArchitected: []string{"SEC03"},
	}
}

// checkExternalAnalyzer passes a region with an ACTIVE analyzer of type
// ACCOUNT or ORGANIZATION. Unused- and internal-access analyzers do not
// find external access.
func checkExternalAnalyzer(in *control.Input) {
	m := in.AccountMeta()
	aa := in.Region.AccessAnalyzer
	if aa == nil {
		in.Error(m, "IAM Access Analyzer state was not collected")
		return
	}
	var notActive, others []string
	for _, a := range aa.Analyzers {
		if a.Type != accessanalyzer.TypeAccount && a.Type != accessanalyzer.TypeOrganization {
			others = append(others, fmt.Sprintf("%s (%s)", a.Name, a.Type))
			continue
		}
		if a.Status == accessanalyzer.StatusActive {
			in.Pass(m, "external access analyzer %s (%s) is active", a.Name, a.Type)
			return
		}
		s := fmt.Sprintf("%s (%s) is %s", a.Name, a.Type, a.Status)
		if a.StatusReason != "" {
			s += ": " + a.StatusReason
		}
		notActive = append(notActive, s)
	}
	switch {
	case len(notActive) > 0:
		in.Fail(m, "no active external access analyzer: %s", strings.Join(notActive, "; "))
	case len(others) > 0:
		in.Fail(m, "no external access analyzer (ACCOUNT or ORGANIZATION), only %s", strings.Join(others, ", "))
	default:
		in.Fail(m, "no IAM Access Analyzer analyzer in the region")
	}
}
