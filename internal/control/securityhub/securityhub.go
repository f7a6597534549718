// Package securityhub holds Guardrail's controls on AWS Security Hub
// (CSPM): that it is enabled (GR.SecurityHub.1, CIS 4.16) and runs the
// FSBP and CIS standards (GR.SecurityHub.2). Security Hub has no FSBP
// control of its own for either. It reads snapshot/securityhub only.
package securityhub

import (
	"fmt"
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/securityhub"
)

// Controls returns the Security Hub controls.
func Controls() []*control.Control {
	return []*control.Control{enabled(), standards()}
}

const orgNote = "\nIn an organization, the Security Hub delegated administrator can enable it, and its " +
	"standards, for every member account with central configuration policies."

func enabled() *control.Control {
	return &control.Control{
		ID:           "GR.SecurityHub.1",
		Title:        "AWS Security Hub should be enabled",
		Service:      "SecurityHub",
		Severity:     control.Medium,
		ResourceType: "AwsAccount",
		Needs:        []string{"securityhub"},
		Check: func(in *control.Input) {
			if h := hub(in); h != nil {
				in.Pass(in.AccountMeta(), "Security Hub is enabled (%s)", h.HubARN)
			}
		},
		Rationale: "Security Hub gathers the findings of GuardDuty, Inspector, Access Analyzer and Config rules and " +
			"checks the account against security standards continuously, in one place per region.",
		Remediation: "Console: Security Hub > Go to Security Hub > Enable Security Hub, in every region.\n" +
			"CLI: aws securityhub enable-security-hub --region <region> --enable-default-standards" + orgNote,
		WellArchitected: []string{"SEC04"},
	}
}

// hub returns the region's Security Hub state when the hub is enabled;
// otherwise it reports FAILED (not enabled) or ERROR (not collected) and
// returns nil.
func hub(in *control.Input) *securityhub.SecurityHub {
	h := in.Region.SecurityHub
	switch {
	case h == nil:
		in.Error(in.AccountMeta(), "Security Hub state was not collected")
		return nil
	case !h.Enabled:
		in.Fail(in.AccountMeta(), "Security Hub is not enabled in the region")
		return nil
	}
	return h
}

// Substrings of the standards' ARNs. CIS v1.2.0 is a region-less
// "ruleset" ARN; the others are regional "standards" ARNs.
const (
	fsbpPath = "/aws-foundational-security-best-practices/"
	cisPath  = "/cis-aws-foundations-benchmark/v/"
)

func standards() *control.Control {
	return &control.Control{
		ID:           "GR.SecurityHub.2",
		Title:        "Security Hub should run the AWS Foundational Security Best Practices and CIS AWS Foundations standards",
		Service:      "SecurityHub",
		Severity:     control.Low,
		ResourceType: "AwsAccount",
		Needs:        []string{"securityhub"},
		Check:        checkStandards,
		Rationale: "Security Hub only evaluates the controls of the standards enabled in it. Without FSBP and CIS " +
			"AWS Foundations, the checks this report is built on do not run there between Guardrail scans.",
		Remediation: "Console: Security Hub > Security standards > enable \"AWS Foundational Security Best Practices\" " +
			"and the latest \"CIS AWS Foundations Benchmark\".\n" +
			"CLI: aws securityhub batch-enable-standards --region <region> --standards-subscription-requests " +
			"StandardsArn=arn:aws:securityhub:<region>::standards/aws-foundational-security-best-practices/v/1.0.0 " +
			"StandardsArn=arn:aws:securityhub:<region>::standards/cis-aws-foundations-benchmark/v/3.0.0" + orgNote,
		WellArchitected: []string{"SEC04"},
	}
}

// active reports whether a subscription is enabled or being enabled.
// INCOMPLETE means some of its controls could not be enabled: the
// standard still runs.
func active(s securityhub.Standard) bool {
	switch s.Status {
	case "READY", "PENDING", "INCOMPLETE":
		return true
	}
	return false
}

func checkStandards(in *control.Input) {
	h := hub(in)
	if h == nil {
		return
	}
	m := in.AccountMeta()
	if e := h.Errors[securityhub.DetailStandards]; e != "" {
		in.Error(m, "could not read the enabled standards: %s", e)
		return
	}
	var fsbp bool
	var cis, inactive []string
	for _, s := range h.Standards {
		if !active(s) {
			inactive = append(inactive, fmt.Sprintf("%s is %s", name(s.ARN), s.Status))
			continue
		}
		switch {
		case strings.Contains(s.ARN, fsbpPath):
			fsbp = true
		case strings.Contains(s.ARN, cisPath):
			cis = append(cis, s.ARN[strings.Index(s.ARN, cisPath)+len(cisPath):])
		}
	}
	sort.Strings(cis)
	var missing []string
	if !fsbp {
		missing = append(missing, "AWS Foundational Security Best Practices")
	}
	if len(cis) == 0 {
		missing = append(missing, "CIS AWS Foundations Benchmark")
	}
	if len(missing) > 0 {
		reason := "not enabled: " + strings.Join(missing, " and ")
		if len(inactive) > 0 {
			reason += " (" + strings.Join(inactive, "; ") + ")"
		}
		in.Fail(m, "%s", reason)
		return
	}
	in.Pass(m, "AWS Foundational Security Best Practices and CIS AWS Foundations Benchmark v%s are enabled", strings.Join(cis, ", v"))
}

// name is the readable tail of a standard's ARN
// ("cis-aws-foundations-benchmark/v/3.0.0").
func name(arn string) string {
	for _, sep := range []string{":standards/", ":ruleset/"} {
		if i := strings.Index(arn, sep); i >= 0 {
			return arn[i+len(sep):]
		}
	}
	return arn
}
