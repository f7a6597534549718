package detect

import (
	"fmt"
	"strings"
	"sync"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/cloudwatch"
	"github.com/guardrail-sec/guardrail/internal/filterpattern"
	"github.com/guardrail-sec/guardrail/internal/trailevent"
)

// BuiltinSource is the Source of the built-in rules.
const BuiltinSource = "built-in"

// Builtin returns the built-in rules: the CIS monitoring items (CIS.4.1 to
// CIS.4.16), then Guardrail's own (GR.*). See the package doc.
func Builtin() *Set { return builtin() }

var builtin = sync.OnceValue(func() *Set {
	var rules []*Rule
	for _, it := range cloudwatch.MonitoringItems() {
		c, ok := cisRules[it.CIS]
		if !ok {
			panic("detect: no severity and controls for CIS " + it.CIS)
		}
		rules = append(rules, filterRule("CIS."+it.CIS, "CIS "+it.CIS+": "+it.What, c.severity, it.Pattern, c.controls,
			fmt.Sprintf("The CIS AWS Foundations Benchmark v3.0.0 monitoring item %s (metric filter and alarm: %s), evaluated on each event with its pattern.", it.CIS, it.Control)))
	}
	rules = append(rules, filterRule("CIS.4.16", "CIS 4.16: Security Hub disabled or detached", control.High,
		`{ ($.eventSource = securityhub.amazonaws.com) && (($.eventName = DisableSecurityHub) || ($.eventName = BatchDisableStandards) || `+
			`($.eventName = DisassociateFromAdministratorAccount) || ($.eventName = DisassociateFromMasterAccount)) }`,
		[]string{"GR.SecurityHub.1", "GR.SecurityHub.2"},
		"CIS v3.0.0 4.16 asks for Security Hub to be enabled; this catches it being turned off, a standard disabled, or the account leaving its administrator."))
	for _, g := range grRules {
		if g.fn != nil {
			r := &Rule{ID: g.id, Title: g.title, Severity: g.severity, Controls: g.controls, Source: BuiltinSource, Description: g.description,
				m: funcMatcher(g.fn), names: g.names}
			rules = append(rules, r)
			continue
		}
		rules = append(rules, filterRule(g.id, g.title, g.severity, g.pattern, g.controls, g.description))
	}
	return newSet(rules...)
})

func filterRule(id, title string, sev control.Severity, pattern string, controls []string, desc string) *Rule {
	p := filterpattern.MustParse(pattern)
	if err := p.Evaluable(); err != nil {
		panic(fmt.Sprintf("detect: built-in rule %s: %v", id, err))
	}
	r := &Rule{ID: id, Title: title, Severity: sev, Controls: controls, Source: BuiltinSource, Description: desc,
		Syntax: "filter_pattern", Pattern: pattern, m: filterMatcher{p}}
	r.indexFilter(p)
	return r
}

// The controls whose results a change can move, by what changed.
var (
	trailControls = []string{"CloudTrail.1", "CloudTrail.2", "CloudTrail.4", "CloudTrail.5", "CloudTrail.6", "CloudTrail.7", "S3.22", "S3.23",
		"CloudWatch.1", "CloudWatch.2", "CloudWatch.3", "CloudWatch.4", "CloudWatch.5", "CloudWatch.6", "CloudWatch.7",
		"CloudWatch.8", "CloudWatch.9", "CloudWatch.10", "CloudWatch.11", "CloudWatch.12", "CloudWatch.13", "CloudWatch.14", "GR.CloudWatch.1"}
	monitoringControls = []string{"CloudWatch.1", "CloudWatch.2", "CloudWatch.3", "CloudWatch.4", "CloudWatch.5", "CloudWatch.6", "CloudWatch.7",
		"CloudWatch.8", "CloudWatch.9", "CloudWatch.10", "CloudWatch.11", "CloudWatch.12", "CloudWatch.13", "CloudWatch.14", "GR.CloudWatch.1"}
	sgControls         = []string{"EC2.2", "EC2.18", "EC2.19", "EC2.53", "EC2.54"}
	instanceControls   = []string{"EC2.3", "EC2.8", "EC2.9", "GR.EC2.1"}
	publicBlockControl = []string{"S3.1", "S3.2", "S3.3", "S3.8", "S3.19", "CloudTrail.6"}
	guardDutyControls  = []string{"GuardDuty.1", "GuardDuty.5", "GuardDuty.6", "GuardDuty.7", "GuardDuty.8", "GuardDuty.9", "GuardDuty.10", "GuardDuty.11", "GuardDuty.12", "GuardDuty.13"}
)

// cisRules rates each CIS monitoring item, and names the controls its
// events can change. The severities follow the worst routine case of the
// item: denied calls and failed sign-ins are noise until they burst
// (low); a change of policy, network or logging is worth a look
// (medium); root use and the loss of keys can be the start of an
// incident (high).
var cisRules = map[string]struct {
	severity control.Severity
	controls []string
}{
	"4.1":  {control.Low, nil},
	"4.2":  {control.Medium, []string{"IAM.5", "IAM.9", "IAM.19"}},
	"4.3":  {control.High, []string{"GR.IAM.1"}},
	"4.4":  {control.Medium, []string{"IAM.1", "IAM.2", "IAM.21", "KMS.1", "KMS.2", "GR.IAM.4"}},
	"4.5":  {control.Medium, trailControls},
	"4.6":  {control.Low, nil},
	"4.7":  {control.High, []string{"KMS.3", "KMS.4"}},
	"4.8":  {control.Medium, []string{"S3.2", "S3.3", "S3.5", "S3.6", "S3.12", "CloudTrail.6"}},
	"4.9":  {control.Medium, []string{"Config.1"}},
	"4.10": {control.Medium, sgControls},
	"4.11": {control.Medium, []string{"EC2.21"}},
	"4.12": {control.Medium, nil},
	"4.13": {control.Medium, nil},
	"4.14": {control.Medium, []string{"EC2.2", "EC2.6", "EC2.10"}},
	"4.15": {control.Medium, nil},
}

// grRule is one of Guardrail's own rules: a filter pattern, or a Go
// function with the event names it can match.
type grRule struct {
	id, title   string
	severity    control.Severity
	pattern     string
	fn          func(*trailevent.Event) bool
	names       []string
	controls    []string
	description string
}

// ok is the condition of a call that succeeded: a denied or failed call
// changed nothing (CIS.4.1 counts denied ones).
const ok = ` && $.errorCode NOT EXISTS`

// names is a pattern that matches the given event names of a source.
func names(source string, ns ...string) string {
	terms := make([]string, len(ns))
	for i, n := range ns {
		terms[i] = "$.eventName = " + n
	}
	return "($.eventSource = " + source + ") && (" + strings.Join(terms, " || ") + ")"
}

var grRules = []grRule{
	{id: "GR.ConsoleLogin", title: "Console sign-in", severity: control.Informational,
		pattern:     `{ $.eventName = ConsoleLogin && $.responseElements.ConsoleLogin = Success }`,
		description: "A successful sign-in to the AWS Management Console, by anyone."},
	{id: "GR.ConsoleLoginNoMFA", title: "Console sign-in without MFA", severity: control.Medium,
		pattern:     `{ $.eventName = ConsoleLogin && $.responseElements.ConsoleLogin = Success && $.userIdentity.type = IAMUser && $.additionalEventData.MFAUsed != Yes }`,
		controls:    []string{"IAM.5", "IAM.19"},
		description: "An IAM user signed in to the console with a password alone. (Federated and SSO sign-ins report no MFA here: their MFA happens at the identity provider.)"},
	{id: "GR.RootConsoleLogin", title: "Root user signed in to the console", severity: control.High,
		pattern:     `{ $.eventName = ConsoleLogin && $.userIdentity.type = Root && $.responseElements.ConsoleLogin = Success }`,
		controls:    []string{"GR.IAM.1", "IAM.9"},
		description: "The root user can do anything in the account and no policy restricts it; a sign-in is either a break-glass procedure or a stolen credential."},
	{id: "GR.ConsoleLoginFailed", title: "Failed console sign-in", severity: control.Low,
		pattern:     `{ $.eventName = ConsoleLogin && $.responseElements.ConsoleLogin = Failure }`,
		description: "A console sign-in that failed, whatever the reason (CIS.4.6 counts the failed passwords only)."},
	{id: "GR.RootAccessKeyCreated", title: "Access key created for the root user", severity: control.Critical,
		pattern:     `{ $.eventName = CreateAccessKey && $.userIdentity.type = Root && $.requestParameters.userName NOT EXISTS` + ok + ` }`,
		controls:    []string{"IAM.4"},
		description: "A root access key is a permanent credential that no policy can restrict. (The root user creating a key for an IAM user names the user; that is not this.)"},
	{id: "GR.CloudTrailStopped", title: "CloudTrail logging stopped or trail deleted", severity: control.High,
		pattern:  `{ ` + names("cloudtrail.amazonaws.com", "StopLogging", "DeleteTrail") + ok + ` }`,
		controls: trailControls,
		description: "Stopping a trail is how an intruder blinds the audit log; every event after it goes unrecorded " +
			"(it is still seen here if the organization trail or another trail keeps recording)."},
	{id: "GR.CloudTrailChanged", title: "CloudTrail trail or event selectors changed", severity: control.Medium,
		pattern:     `{ ` + names("cloudtrail.amazonaws.com", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors") + ok + ` }`,
		controls:    trailControls,
		description: "A changed trail or event selectors can stop recording some regions, management events or data events."},
	{id: "GR.S3PublicAccessBlockWeakened", title: "S3 Block Public Access removed or weakened", severity: control.High,
		pattern: `{ (($.eventName = DeleteBucketPublicAccessBlock || $.eventName = DeletePublicAccessBlock || $.eventName = DeleteAccountPublicAccessBlock) || ` +
			`(($.eventName = PutBucketPublicAccessBlock || $.eventName = PutPublicAccessBlock || $.eventName = PutAccountPublicAccessBlock) && ` +
			`($.requestParameters.PublicAccessBlockConfiguration.BlockPublicAcls IS FALSE || $.requestParameters.PublicAccessBlockConfiguration.BlockPublicAcls = "false" || ` +
			`$.requestParameters.PublicAccessBlockConfiguration.IgnorePublicAcls IS FALSE || $.requestParameters.PublicAccessBlockConfiguration.IgnorePublicAcls = "false" || ` +
			`$.requestParameters.PublicAccessBlockConfiguration.BlockPublicPolicy IS FALSE || $.requestParameters.PublicAccessBlockConfiguration.BlockPublicPolicy = "false" || ` +
			`$.requestParameters.PublicAccessBlockConfiguration.RestrictPublicBuckets IS FALSE || $.requestParameters.PublicAccessBlockConfiguration.RestrictPublicBuckets = "false")))` +
			ok + ` }`,
		controls:    publicBlockControl,
		description: "Block Public Access is what keeps a bucket policy or ACL from making data public; removing it, or turning one of its settings off, is the usual first step of an exposure."},
	{id: "GR.EC2InstanceStarted", title: "EC2 instances started", severity: control.Informational,
		pattern:  `{ ` + names("ec2.amazonaws.com", "RunInstances", "StartInstances") + ok + ` }`,
		controls: instanceControls},
	{id: "GR.EC2InstanceStopped", title: "EC2 instances stopped or terminated", severity: control.Informational,
		pattern:  `{ ` + names("ec2.amazonaws.com", "StopInstances", "TerminateInstances") + ok + ` }`,
		controls: instanceControls},
	{id: "GR.SecurityGroupOpenToInternet", title: "Security group opened to the internet", severity: control.High,
		fn: openToInternet, names: []string{"AuthorizeSecurityGroupIngress"}, controls: sgControls,
		description: "An ingress rule from 0.0.0.0/0 or ::/0: whatever listens on those ports is reachable by anyone."},
	{id: "GR.SecurityGroupRulesModified", title: "Security group rules modified", severity: control.Medium,
		pattern:     `{ ` + names("ec2.amazonaws.com", "ModifySecurityGroupRules") + ok + ` }`,
		controls:    sgControls,
		description: "ModifySecurityGroupRules changes existing rules in place; CIS 4.10 does not list it."},
	{id: "GR.ConfigStopped", title: "AWS Config recording stopped", severity: control.High,
		pattern:     `{ ` + names("config.amazonaws.com", "StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteDeliveryChannel") + ok + ` }`,
		controls:    []string{"Config.1"},
		description: "Without the recorder, later configuration changes leave no history."},
	{id: "GR.GuardDutyStopped", title: "GuardDuty disabled or detached", severity: control.High,
		pattern: `{ ($.eventSource = guardduty.amazonaws.com) && ($.eventName = DeleteDetector || ($.eventName = UpdateDetector && $.requestParameters.enable IS FALSE) || ` +
			`$.eventName = DisassociateFromMasterAccount || $.eventName = DisassociateFromAdministratorAccount || $.eventName = StopMonitoringMembers || ` +
			`$.eventName = DisassociateMembers || $.eventName = DeleteMembers)` + ok + ` }`,
		controls:    guardDutyControls,
		description: "Threat detection turned off, or an account taken out of the administrator's view."},
	{id: "GR.GuardDutyChanged", title: "GuardDuty findings suppressed or detector changed", severity: control.Medium,
		pattern: `{ ($.eventSource = guardduty.amazonaws.com) && ($.eventName = CreateFilter || $.eventName = UpdateFilter || $.eventName = CreateIPSet || ` +
			`$.eventName = UpdateIPSet || ($.eventName = UpdateDetector && ($.requestParameters.enable NOT EXISTS || $.requestParameters.enable IS TRUE)))` + ok + ` }`,
		controls:    guardDutyControls,
		description: "Suppression filters and trusted IP lists silence findings; detector updates can turn protection plans off."},
	{id: "GR.MonitoringRemoved", title: "CloudWatch alarm or metric filter removed", severity: control.Medium,
		pattern: `{ (($.eventSource = logs.amazonaws.com && $.eventName = DeleteMetricFilter) || ` +
			`($.eventSource = monitoring.amazonaws.com && ($.eventName = DeleteAlarms || $.eventName = DisableAlarmActions)))` + ok + ` }`,
		controls:    monitoringControls,
		description: "The CIS monitoring items rest on metric filters and alarms; removing one silences the item."},
}

// openToInternet reports an AuthorizeSecurityGroupIngress that allows
// 0.0.0.0/0 or ::/0, in any of its permissions (the request form
// CloudTrail records, and the older top-level cidrIp).
func openToInternet(ev *trailevent.Event) bool {
	if ev.Name != "AuthorizeSecurityGroupIngress" || ev.ErrorCode != "" {
		return false
	}
	return ev.Any("$.requestParameters.ipPermissions.items[*].ipRanges.items[*].cidrIp", anyIPv4) ||
		ev.Any("$.requestParameters.ipPermissions.items[*].ipv6Ranges.items[*].cidrIpv6", anyIPv6) ||
		ev.Any("$.requestParameters.cidrIp", anyIPv4)
}

func anyIPv4(v filterpattern.Value) bool {
	return v.Kind == filterpattern.String && v.Text == "0.0.0.0/0"
}

func anyIPv6(v filterpattern.Value) bool {
	return v.Kind == filterpattern.String && (v.Text == "::/0" || v.Text == "::0/0" || v.Text == "0:0:0:0:0:0:0:0/0")
}
