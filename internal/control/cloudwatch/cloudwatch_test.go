package cloudwatch

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/filterpattern"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudwatch"
	"github.com/guardrail-sec/guardrail/internal/snapshot/logs"
	"github.com/guardrail-sec/guardrail/internal/snapshot/sns"
)

const (
	acct = "111122223333"
	mgmt = "999988887777"
)

var regions = []string{"us-east-1", "eu-west-1"}

// env is one account with a complete monitoring chain for every CIS item:
// a multi-region trail sending to log group "trail" in us-east-1, the CIS
// filters on it, an alarm on each metric notifying topic "alarms", which
// has a confirmed subscription.
type env struct {
	a *snapshot.Account
}

func newEnv(id string) env {
	a := controltest.Account(regions...)
	a.ID = id
	for _, r := range regions {
		a.Regions[r].CloudTrail = &cloudtrail.CloudTrail{Trails: []cloudtrail.Trail{}}
		a.Regions[r].Logs = &logs.Logs{}
		a.Regions[r].CloudWatch = &cloudwatch.CloudWatch{}
		a.Regions[r].SNS = &sns.SNS{}
	}
	e := env{a}
	e.trail(trail(id, "main"))
	us := a.Regions["us-east-1"]
	for _, s := range specs() {
		e.filter(s.metric, s.pattern)
		us.CloudWatch.Alarms = append(us.CloudWatch.Alarms, cloudwatch.Alarm{
			Name: "cis-" + s.metric, MetricName: s.metric, Namespace: "CISBenchmark", ActionsEnabled: true,
			AlarmActions: []string{"arn:aws:sns:us-east-1:" + id + ":alarms"},
		})
	}
	us.SNS.Topics = []sns.Topic{{ARN: "arn:aws:sns:us-east-1:" + id + ":alarms", Name: "alarms",
		Subscriptions: []sns.Subscription{{ARN: "arn:aws:sns:us-east-1:" + id + ":alarms:1", Protocol: "email", Endpoint: "sec@example.com"}}}}
	return e
}

func trail(id, name string) cloudtrail.Trail {
	return cloudtrail.Trail{
		ARN: "arn:aws:cloudtrail:us-east-1:" + id + ":trail/" + name, Name: name, HomeRegion: "us-east-1", IsMultiRegion: true,
		CloudWatchLogsLogGroupARN: "arn:aws:logs:us-east-1:" + id + ":log-group:trail:*",
		Status:                    &cloudtrail.Status{IsLogging: true},
		Selectors:                 &cloudtrail.Selectors{Basic: []cloudtrail.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}},
	}
}

// trail adds t to every region that shows it.
func (e env) trail(t cloudtrail.Trail) {
	for _, r := range regions {
		if t.IsMultiRegion || t.HomeRegion == r {
			ct := e.a.Regions[r].CloudTrail
			ct.Trails = append(ct.Trails, t)
		}
	}
}

// setTrails replaces the account's trails.
func (e env) setTrails(ts ...cloudtrail.Trail) {
	for _, r := range regions {
		e.a.Regions[r].CloudTrail.Trails = nil
	}
	for _, t := range ts {
		e.trail(t)
	}
}

// filter replaces the filter publishing metric with one of pattern.
func (e env) filter(metric, pattern string) {
	l := e.a.Regions["us-east-1"].Logs
	var keep []logs.MetricFilter
	for _, f := range l.MetricFilters {
		if f.Name != "cis-"+metric {
			keep = append(keep, f)
		}
	}
	l.MetricFilters = append(keep, logs.MetricFilter{Name: "cis-" + metric, LogGroupName: "trail", Pattern: pattern,
		Transformations: []logs.MetricTransformation{{MetricName: metric, MetricNamespace: "CISBenchmark", MetricValue: "1"}}})
}

func (e env) alarm(metric string, f func(*cloudwatch.Alarm)) {
	as := e.a.Regions["us-east-1"].CloudWatch.Alarms
	for i := range as {
		if as[i].MetricName == metric {
			f(&as[i])
		}
	}
}

func (e env) topic(f func(*sns.Topic)) { f(&e.a.Regions["us-east-1"].SNS.Topics[0]) }

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, Controls(), id)
}

// result evaluates control id on s and returns account's one result.
func result(t *testing.T, id string, s *snapshot.Snapshot, account string) control.Result {
	t.Helper()
	var mine []control.Result
	for _, r := range controltest.Eval(byID(t, id), s) {
		if r.Resource.Account == account {
			mine = append(mine, r)
		}
	}
	if len(mine) != 1 {
		t.Fatalf("%s: %d results for %s, want 1: %+v", id, len(mine), account, mine)
	}
	if r := mine[0]; r.Resource.ARN != "AWS::::Account:"+account || r.Resource.Region != "us-east-1" {
		t.Errorf("%s: result on %s in %s, want the account in its home region", id, r.Resource.ARN, r.Resource.Region)
	}
	return mine[0]
}

func expect(t *testing.T, r control.Result, status control.Status, reason string) {
	t.Helper()
	if r.Status != status || !strings.Contains(r.Reason, reason) {
		t.Errorf("%s = %s %q\nwant %s %q", r.Control, r.Status, r.Reason, status, reason)
	}
}

func TestEveryItemPasses(t *testing.T) {
	e := newEnv(acct)
	s := controltest.Snapshot(e.a)
	for _, c := range Controls() {
		expect(t, result(t, c.ID, s, acct), control.Passed, "trail main sends to log group trail (111122223333/us-east-1), where alarm cis-")
	}
}

func TestChain(t *testing.T) {
	const id = "CloudWatch.4"
	cis44 := specs()[3].pattern
	noSubs := []sns.Subscription{}
	for _, tc := range []struct {
		name   string
		change func(e env, s *snapshot.Snapshot)
		status control.Status
		reason string
	}{
		{"complete", func(env, *snapshot.Snapshot) {}, control.Passed, "where alarm cis-IAMPolicyChanges on metric filter cis-IAMPolicyChanges notifies SNS topic alarms (1 confirmed subscription)"},
		{"reordered quoted scoped filter", func(e env, _ *snapshot.Snapshot) {
			e.filter("IAMPolicyChanges", `{ $.eventSource = "iam.amazonaws.com" && ($.eventName = "DetachGroupPolicy" || $.eventName = "AttachGroupPolicy" || $.eventName = "DetachUserPolicy" || $.eventName = "AttachUserPolicy" || $.eventName = "DetachRolePolicy" || $.eventName = "AttachRolePolicy" || $.eventName = "DeletePolicyVersion" || $.eventName = "CreatePolicyVersion" || $.eventName = "DeletePolicy" || $.eventName = "CreatePolicy" || $.eventName = "PutUserPolicy" || $.eventName = "PutRolePolicy" || $.eventName = "PutGroupPolicy" || $.eventName = "DeleteUserPolicy" || $.eventName = "DeleteRolePolicy" || $.eventName = "DeleteGroupPolicy") }`)
		}, control.Passed, "notifies"},
		{"filter misses an event", func(e env, _ *snapshot.Snapshot) {
			e.filter("IAMPolicyChanges", strings.Replace(cis44, "||($.eventName=DetachGroupPolicy)", "", 1))
		}, control.Failed, `no metric filter for IAM policy changes on log group trail (111122223333/us-east-1); metric filter cis-IAMPolicyChanges misses $.eventName = "DetachGroupPolicy"`},
		{"filter narrowed to one region", func(e env, _ *snapshot.Snapshot) {
			e.filter("IAMPolicyChanges", "{ $.awsRegion = us-east-1 && "+cis44[1:])
		}, control.Failed, "no metric filter for IAM policy changes"},
		{"filter not in the JSON syntax", func(e env, _ *snapshot.Snapshot) { e.filter("IAMPolicyChanges", "PutUserPolicy") }, control.Failed,
			"no metric filter for IAM policy changes on log group trail (111122223333/us-east-1); metric filter cis-IAMPolicyChanges is not in the JSON filter syntax, which this check judges"},
		{"no alarm", func(e env, _ *snapshot.Snapshot) {
			e.alarm("IAMPolicyChanges", func(a *cloudwatch.Alarm) { a.MetricName = "Other" })
		}, control.Failed, "no CloudWatch alarm on metric CISBenchmark/IAMPolicyChanges of metric filter cis-IAMPolicyChanges (log group trail, 111122223333/us-east-1)"},
		{"alarm in another namespace", func(e env, _ *snapshot.Snapshot) {
			e.alarm("IAMPolicyChanges", func(a *cloudwatch.Alarm) { a.Namespace = "LogMetrics" })
		}, control.Failed, "no CloudWatch alarm on metric CISBenchmark/IAMPolicyChanges"},
		{"actions disabled", func(e env, _ *snapshot.Snapshot) {
			e.alarm("IAMPolicyChanges", func(a *cloudwatch.Alarm) { a.ActionsEnabled = false })
		}, control.Failed, "alarm cis-IAMPolicyChanges on metric filter cis-IAMPolicyChanges has its actions disabled"},
		{"no SNS action", func(e env, _ *snapshot.Snapshot) {
			e.alarm("IAMPolicyChanges", func(a *cloudwatch.Alarm) { a.AlarmActions = []string{"arn:aws:automate:us-east-1:ec2:stop"} })
		}, control.Failed, "alarm cis-IAMPolicyChanges on metric filter cis-IAMPolicyChanges has no SNS action"},
		{"subscription pending", func(e env, _ *snapshot.Snapshot) {
			e.topic(func(t *sns.Topic) {
				t.Subscriptions = []sns.Subscription{{ARN: "PendingConfirmation", Protocol: "email"}}
			})
		}, control.Failed, "alarm cis-IAMPolicyChanges has no SNS action with a confirmed subscription (topic alarms has no confirmed subscription)"},
		{"no subscription", func(e env, _ *snapshot.Snapshot) { e.topic(func(t *sns.Topic) { t.Subscriptions = noSubs }) },
			control.Failed, "has no SNS action with a confirmed subscription"},
		{"topic deleted", func(e env, _ *snapshot.Snapshot) { e.topic(func(t *sns.Topic) { t.ARN += "-old" }) },
			control.Failed, "(topic alarms does not exist)"},
		{"subscriptions unknown", func(e env, _ *snapshot.Snapshot) {
			e.topic(func(t *sns.Topic) {
				t.Subscriptions, t.Errors = nil, map[string]string{"subscriptions": "AuthorizationError: no"}
			})
		}, control.Error, "subscriptions of SNS topic arn:aws:sns:us-east-1:111122223333:alarms not read: AuthorizationError"},
		{"no filter on the group", func(e env, _ *snapshot.Snapshot) { e.a.Regions["us-east-1"].Logs.MetricFilters = nil },
			control.Failed, "no metric filter for IAM policy changes on log group trail (111122223333/us-east-1)"},
		{"no trail", func(e env, _ *snapshot.Snapshot) { e.setTrails() }, control.Failed, "no multi-region trail that is logging all management events sends them to CloudWatch Logs"},
		{"trail not integrated", func(e env, _ *snapshot.Snapshot) {
			tr := trail(acct, "main")
			tr.CloudWatchLogsLogGroupARN = ""
			e.setTrails(tr)
		}, control.Failed, "main does not send to CloudWatch Logs"},
		{"single-region trail", func(e env, _ *snapshot.Snapshot) {
			tr := trail(acct, "main")
			tr.IsMultiRegion = false
			e.setTrails(tr)
		}, control.Failed, "main is single-region"},
		{"trail stopped", func(e env, _ *snapshot.Snapshot) {
			tr := trail(acct, "main")
			tr.Status = &cloudtrail.Status{}
			e.setTrails(tr)
		}, control.Failed, "main is not logging"},
		{"write events only", func(e env, _ *snapshot.Snapshot) {
			tr := trail(acct, "main")
			tr.Selectors = &cloudtrail.Selectors{Basic: []cloudtrail.EventSelector{{ReadWriteType: "WriteOnly", IncludeManagementEvents: true}}}
			e.setTrails(tr)
		}, control.Failed, "main logs only write management events"},
		{"trail status unknown", func(e env, _ *snapshot.Snapshot) {
			tr := trail(acct, "main")
			tr.Status, tr.Errors = nil, map[string]string{"status": "AccessDeniedException: no"}
			e.setTrails(tr)
		}, control.Error, "status of trail main not read: AccessDeniedException"},
		{"logs not collected", func(_ env, s *snapshot.Snapshot) {
			s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: acct, Region: "us-east-1", Collector: "logs"}, Reason: "AccessDenied: no"})
		}, control.Error, "logs not collected in 111122223333/us-east-1: AccessDenied"},
		{"alarms not collected", func(e env, _ *snapshot.Snapshot) { e.a.Regions["us-east-1"].CloudWatch = nil },
			control.Error, "cloudwatch not collected in 111122223333/us-east-1"},
		{"trails not collected in a region", func(e env, s *snapshot.Snapshot) {
			e.setTrails()
			s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: acct, Region: "eu-west-1", Collector: "cloudtrail"}, Reason: "AccessDenied: no"})
		}, control.Error, "cloudtrail not collected in eu-west-1"},
		{"the chain that got furthest", func(e env, _ *snapshot.Snapshot) {
			// "aaa" sends to a group without filters; "main" gets to SNS.
			other := trail(acct, "aaa")
			other.ARN = strings.Replace(other.ARN, "main", "aaa", 1)
			other.CloudWatchLogsLogGroupARN = "arn:aws:logs:us-east-1:" + acct + ":log-group:empty:*"
			e.trail(other)
			e.topic(func(t *sns.Topic) { t.Subscriptions = noSubs })
		}, control.Failed, "alarm cis-IAMPolicyChanges has no SNS action with a confirmed subscription"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(acct)
			s := controltest.Snapshot(e.a)
			tc.change(e, s)
			expect(t, result(t, id, s, acct), tc.status, tc.reason)
		})
	}
}

// An organization trail sends every member's events to the management
// account's log group: the chain there watches the member too.
func TestOrganizationTrail(t *testing.T) {
	org := trail(mgmt, "org-trail")
	org.IsOrganization = true
	m := newEnv(mgmt)
	m.setTrails(org)
	member := newEnv(acct)
	member.setTrails(org)
	member.a.Regions["us-east-1"].Logs.MetricFilters = nil

	s := controltest.Snapshot(m.a, member.a)
	expect(t, result(t, "CloudWatch.1", s, acct), control.Passed, "trail org-trail of 999988887777 sends to log group trail (999988887777/us-east-1)")
	expect(t, result(t, "CloudWatch.1", s, mgmt), control.Passed, "trail org-trail sends to log group trail (999988887777/us-east-1)")

	m.alarm("RootAccountUsage", func(a *cloudwatch.Alarm) { a.MetricName = "x" })
	expect(t, result(t, "CloudWatch.1", s, acct), control.Failed, "no CloudWatch alarm on metric CISBenchmark/RootAccountUsage of metric filter cis-RootAccountUsage (log group trail, 999988887777/us-east-1)")

	// The management account was not scanned: nothing is known.
	alone := controltest.Snapshot(member.a)
	expect(t, result(t, "CloudWatch.1", alone, acct), control.Error, "log group trail of trail org-trail: account 999988887777 is not assessed")
}

func TestExcludedSource(t *testing.T) {
	e := newEnv(acct)
	tr := trail(acct, "main")
	tr.Selectors = &cloudtrail.Selectors{Basic: []cloudtrail.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true,
		ExcludeManagementEventSources: []string{"kms.amazonaws.com"}}}}
	e.setTrails(tr)
	s := controltest.Snapshot(e.a)
	// Issue #12: the trail does not log all management events, so it
	// feeds none of the items, not only the KMS one.
	for _, id := range []string{"CloudWatch.7", "CloudWatch.4"} {
		expect(t, result(t, id, s, acct), control.Failed, "main leaves out management events from kms.amazonaws.com")
	}
	// The organization's trail logs everything: the chain goes through it.
	org := trail(mgmt, "org-trail")
	org.IsOrganization = true
	e.trail(org)
	m := newEnv(mgmt)
	m.setTrails(org)
	s = controltest.Snapshot(e.a, m.a)
	expect(t, result(t, "CloudWatch.7", s, acct), control.Passed, "trail org-trail of 999988887777 sends to log group trail (999988887777/us-east-1)")
	// When the organization's chain breaks, the reason still says why the
	// account's own trail was not followed.
	m.alarm("DisableOrDeleteCMK", func(a *cloudwatch.Alarm) { a.ActionsEnabled = false })
	expect(t, result(t, "CloudWatch.7", s, acct), control.Failed,
		"alarm cis-DisableOrDeleteCMK on metric filter cis-DisableOrDeleteCMK has its actions disabled; main leaves out management events from kms.amazonaws.com")
}

// Every spelling CIS and Security Hub accept passes; the broader and
// narrower neighbours do what they should.
func TestAcceptedPatterns(t *testing.T) {
	for _, tc := range []struct {
		id, metric, pattern string
		ok                  bool
	}{
		{"CloudWatch.1", "RootAccountUsage", `{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}`, true},
		{"CloudWatch.1", "RootAccountUsage", `{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" && $.userIdentity.invokedBy NOT EXISTS && $.sourceIPAddress = "1.2.3.4" }`, false},
		{"CloudWatch.2", "UnauthorizedAPICalls", `{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}`, true},
		{"CloudWatch.2", "UnauthorizedAPICalls", `{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`, true},
		{"CloudWatch.2", "UnauthorizedAPICalls", `{ $.errorCode = "*UnauthorizedOperation" }`, false},
		{"CloudWatch.3", "ConsoleSigninWithoutMFA", `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`, true},
		{"CloudWatch.3", "ConsoleSigninWithoutMFA", `{ ($.eventName = "ConsoleLogin") && ($.userIdentity.type = "IAMUser") }`, true},
		{"CloudWatch.3", "ConsoleSigninWithoutMFA", `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "Root") }`, false},
		{"CloudWatch.10", "SecurityGroupChanges", `{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }`, true},
		{"CloudWatch.13", "RouteTableChanges", `{($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }`, true},
		{"CloudWatch.13", "RouteTableChanges", `{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }`, false},
		{"CloudWatch.7", "DisableOrDeleteCMK", `{ ($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion) }`, true},
		{"CloudWatch.7", "DisableOrDeleteCMK", `{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey) }`, false},
		{"GR.CloudWatch.1", "OrganizationsChanges", strings.ReplaceAll(specs()[14].pattern, `"`, ""), true},
	} {
		e := newEnv(acct)
		e.filter(tc.metric, tc.pattern)
		want := control.Failed
		if tc.ok {
			want = control.Passed
		}
		if r := result(t, tc.id, controltest.Snapshot(e.a), acct); r.Status != want {
			t.Errorf("%s with %s: %s (%s), want %s", tc.id, tc.pattern, r.Status, r.Reason, want)
		}
	}
}

func TestSpecs(t *testing.T) {
	ids := map[string]bool{}
	for _, s := range specs() {
		ids[s.id] = true
		ref, err := filterpattern.Parse(refOf(s))
		if err != nil {
			t.Errorf("%s: reference: %v", s.id, err)
			continue
		}
		// The CIS text itself must pass.
		if p := filterpattern.MustParse(s.pattern); !p.Covers(ref) {
			t.Errorf("%s: the CIS pattern does not cover the reference: misses %v", s.id, p.Uncovered(ref))
		}
	}
	if len(ids) != 15 {
		t.Errorf("%d items, want CIS 4.1 to 4.15", len(ids))
	}
	if _, err := control.NewCatalog(Controls(), nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range Controls() {
		if c.Severity != control.Low || !c.Global || !strings.Contains(c.Remediation, "aws logs put-metric-filter") {
			t.Errorf("%s: want a Low, Global control with CLI remediation", c.ID)
		}
	}
}

// Issue #12: a filter that matches every event covers every CIS pattern,
// and used to satisfy a dozen items at once; an alarm on it is no
// monitoring. Such filters, and filters that cover the CIS pattern but
// also match routine calls, satisfy no item, and the reason says so.
func TestUnspecificFilters(t *testing.T) {
	everything := []struct{ pattern, reason string }{
		{`{ $.eventName = * }`, "matches all activity, routine calls included (a successful ec2:DescribeInstances call by an IAM user)"},
		{`{ $.eventSource = * }`, "matches all activity"},
		{`{ $.eventVersion = * }`, "matches all activity"},
		{`{ $.eventName = "*" || $.eventName = ConsoleLogin }`, "matches all activity"},
		{`{ $.eventName != "NoSuchCall" }`, "matches all activity"},
		{``, "has an empty pattern, which matches every event"},
		{`  `, "has an empty pattern, which matches every event"},
	}
	for _, s := range specs() {
		for _, ev := range everything {
			t.Run(s.id+" "+ev.pattern, func(t *testing.T) {
				e := newEnv(acct)
				e.filter(s.metric, ev.pattern)
				r := result(t, s.id, controltest.Snapshot(e.a), acct)
				expect(t, r, control.Failed, "metric filter cis-"+s.metric+" "+ev.reason)
				expect(t, r, control.Failed, "does not single out "+s.what)
			})
		}
	}
	for _, tc := range []struct {
		id, metric, pattern, reason string
	}{
		{"CloudWatch.7", "DisableOrDeleteCMK", `{ $.eventSource = kms.amazonaws.com }`,
			"metric filter cis-DisableOrDeleteCMK also matches routine activity (a successful kms:Decrypt call by an assumed role): an alarm on it does not single out disabling or scheduled deletion of KMS keys"},
		{"CloudWatch.4", "IAMPolicyChanges", `{ $.eventSource = "iam.amazonaws.com" }`, "also matches routine activity (a successful iam:ListPolicies call by an assumed role)"},
		{"CloudWatch.10", "SecurityGroupChanges", `{ $.eventSource = ec2.amazonaws.com && $.eventName = * }`, "also matches routine activity (a successful ec2:DescribeInstances"},
		{"GR.CloudWatch.1", "OrganizationsChanges", `{ $.eventSource = organizations.amazonaws.com }`, "also matches routine activity (a successful organizations:ListAccounts"},
	} {
		t.Run(tc.id+" "+tc.pattern, func(t *testing.T) {
			e := newEnv(acct)
			e.filter(tc.metric, tc.pattern)
			expect(t, result(t, tc.id, controltest.Snapshot(e.a), acct), control.Failed, tc.reason)
		})
	}
	// A catch-all filter next to the right one does not hide it.
	e := newEnv(acct)
	e.filter("Everything", `{ $.eventName = * }`)
	for _, c := range Controls() {
		expect(t, result(t, c.ID, controltest.Snapshot(e.a), acct), control.Passed, "where alarm cis-")
	}
}

// The ordinary events are routine: no CIS pattern, reference or accepted
// spelling matches any of them.
func TestOrdinaryEvents(t *testing.T) {
	for _, s := range specs() {
		for _, p := range []string{s.pattern, refOf(s)} {
			if first, _ := ordinaryMatch(filterpattern.MustParse(p)); first != "" {
				t.Errorf("%s: %s matches %s", s.id, p, first)
			}
		}
	}
	if len(ordinaryEvents) < 2 {
		t.Fatal("too few ordinary events")
	}
	for _, e := range ordinaryEvents {
		if !strings.HasPrefix(e.what, "a successful ") || e.event["eventName"] == nil || e.event["errorCode"] != nil {
			t.Errorf("ordinary event %q: %v", e.what, e.event)
		}
	}
}
