package cloudwatch

import (
	"fmt"
	"strings"
	"sync"

	"github.com/guardrail-sec/guardrail/internal/control"
	ctctl "github.com/guardrail-sec/guardrail/internal/control/cloudtrail"
	"github.com/guardrail-sec/guardrail/internal/filterpattern"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudwatch"
	"github.com/guardrail-sec/guardrail/internal/snapshot/logs"
)

// Controls returns the CIS monitoring controls.
func Controls() []*control.Control {
	var out []*control.Control
	for _, s := range specs() {
		ref := filterpattern.MustParse(refOf(s))
		out = append(out, &control.Control{
			ID:              s.id,
			Title:           s.title,
			Service:         "CloudWatch",
			Severity:        control.Low,
			ResourceType:    "AwsAccount",
			Global:          true,
			Needs:           []string{"cloudtrail", "logs", "cloudwatch", "sns"},
			Check:           func(in *control.Input) { check(in, s, ref) },
			Rationale:       s.rationale + " CIS " + s.cis + " asks for a CloudWatch Logs metric filter and alarm on them, fed by a multi-Region trail.",
			Remediation:     remediation(s),
			WellArchitected: []string{"SEC04"},
		})
	}
	return out
}

func remediation(s spec) string {
	pattern := s.pattern
	if s.ref != "" && s.cis == "4.1" {
		pattern = s.ref
	}
	return "Console: CloudWatch > Log groups > the log group your multi-Region CloudTrail trail sends to > Metric filters > Create metric filter " +
		"with the pattern below, namespace CISBenchmark, metric name " + s.metric + ", value 1; then Create alarm on that metric " +
		"(Sum over 5 minutes >= 1) that notifies an SNS topic with at least one confirmed subscription. " +
		"If no trail sends to CloudWatch Logs, first fix CloudTrail.1 and CloudTrail.5.\n" +
		"Pattern: " + pattern + "\n" +
		"CLI: aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name " + s.metric +
		" --metric-transformations metricName=" + s.metric + ",metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '" + pattern + "' && " +
		"aws cloudwatch put-metric-alarm --alarm-name " + s.metric + " --metric-name " + s.metric + " --namespace CISBenchmark --statistic Sum " +
		"--period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions <sns-topic-arn> && " +
		"aws sns subscribe --topic-arn <sns-topic-arn> --protocol email --notification-endpoint <address>"
}

// Steps of the chain, in order; a broken chain is reported at the
// furthest step any candidate reached.
const (
	stepTrail = iota
	stepFilter
	stepAlarm
	stepTopic
)

// verdict collects what each candidate chain found.
type verdict struct {
	pass     string
	unknown  []string
	failStep int
	fail     string
}

func (v *verdict) failAt(step int, format string, args ...any) {
	if v.fail == "" || step > v.failStep {
		v.failStep, v.fail = step, fmt.Sprintf(format, args...)
	}
}

func (v *verdict) unknownf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	for _, u := range v.unknown {
		if u == msg {
			return
		}
	}
	v.unknown = append(v.unknown, msg)
}

func check(in *control.Input, s spec, ref *filterpattern.Pattern) {
	var v verdict
	view := ctctl.See(in)
	ok, why, unknown := view.Qualifying(in, cloudtrail.ManagementEvents)
	for _, u := range unknown {
		v.unknownf("%s", u)
	}
	candidates := 0
	for _, t := range ok {
		if t.CloudWatchLogsLogGroupARN == "" {
			why = append(why, ctctl.Label(in, t)+" does not send to CloudWatch Logs")
			continue
		}
		candidates++
		chain(in, s, ref, t, &v)
		if v.pass != "" {
			in.Pass(in.AccountMeta(), "%s", v.pass)
			return
		}
	}
	if len(v.unknown) > 0 {
		in.Error(in.AccountMeta(), "%s", strings.Join(v.unknown, "; "))
		return
	}
	if candidates == 0 {
		msg := "no multi-region trail that is logging all management events sends them to CloudWatch Logs"
		if len(why) > 0 {
			msg += ": " + strings.Join(why, "; ")
		}
		in.Fail(in.AccountMeta(), "%s", msg)
		return
	}
	// Say why the other trails were not followed: the account's own
	// trail may be the one its owners look at.
	msg := v.fail
	if len(why) > 0 {
		msg += "; " + strings.Join(why, "; ")
	}
	in.Fail(in.AccountMeta(), "%s", msg)
}

// chain follows trail t's log group to a filter, an alarm and a topic.
func chain(in *control.Input, s spec, ref *filterpattern.Pattern, t cloudtrail.Trail, v *verdict) {
	acct, region, group, ok := logGroup(t.CloudWatchLogsLogGroupARN)
	if !ok {
		v.failAt(stepFilter, "trail %s sends to a log group ARN that cannot be read: %s", t.Name, t.CloudWatchLogsLogGroupARN)
		return
	}
	where := acct + "/" + region
	reg, why := regionOf(in, acct, region, "logs")
	if why != "" {
		v.unknownf("log group %s of trail %s: %s", group, t.Name, why)
		return
	}
	filters := reg.Logs.Filters(group)
	var matching []logs.MetricFilter
	var unspecific, notJSON []string
	closest, closestMiss := "", []filterpattern.Clause(nil)
	for _, f := range filters {
		pr := parse(f.Pattern)
		switch {
		case pr.err != nil && strings.TrimSpace(f.Pattern) == "":
			unspecific = append(unspecific, fmt.Sprintf("metric filter %s has an empty pattern, which matches every event: an alarm on it does not single out %s",
				f.Name, s.what))
			continue
		case pr.err != nil:
			notJSON = append(notJSON, f.Name)
			continue
		}
		if pr.everyOrdinary {
			// It matches all activity, so the events CIS asks about too,
			// covered or not in the sense of Uncovered.
			unspecific = append(unspecific, fmt.Sprintf("metric filter %s matches all activity, routine calls included (%s): an alarm on it does not single out %s",
				f.Name, pr.ordinary, s.what))
			continue
		}
		miss := pr.p.Uncovered(ref)
		if len(miss) == 0 {
			if pr.ordinary != "" {
				unspecific = append(unspecific, fmt.Sprintf("metric filter %s also matches routine activity (%s): an alarm on it does not single out %s",
					f.Name, pr.ordinary, s.what))
				continue
			}
			matching = append(matching, f)
			continue
		}
		if len(miss) < len(ref.Clauses()) && (closest == "" || len(miss) < len(closestMiss)) {
			closest, closestMiss = f.Name, miss
		}
	}
	if len(matching) == 0 {
		msg := fmt.Sprintf("no metric filter for %s on log group %s (%s)", s.what, group, where)
		if len(unspecific) > 0 {
			msg += "; " + strings.Join(unspecific, "; ")
		}
		if closest != "" {
			msg += fmt.Sprintf("; metric filter %s misses %s", closest, missing(ref, closestMiss))
		}
		if len(notJSON) > 0 && len(unspecific) == 0 && closest == "" {
			msg += fmt.Sprintf("; %s not in the JSON filter syntax, which this check judges", plural(len(notJSON), "metric filter "+notJSON[0]+" is",
				"metric filters "+strings.Join(notJSON, ", ")+" are"))
		}
		v.failAt(stepFilter, "%s", msg)
		return
	}
	cw, why := regionOf(in, acct, region, "cloudwatch")
	if why != "" {
		v.unknownf("alarms of log group %s: %s", group, why)
		return
	}
	for _, f := range matching {
		if len(f.Transformations) == 0 {
			v.failAt(stepAlarm, "metric filter %s on log group %s (%s) publishes no metric", f.Name, group, where)
		}
		for _, m := range f.Transformations {
			alarms := cw.CloudWatch.OnMetric(m.MetricNamespace, m.MetricName)
			if len(alarms) == 0 {
				v.failAt(stepAlarm, "no CloudWatch alarm on metric %s/%s of metric filter %s (log group %s, %s)",
					m.MetricNamespace, m.MetricName, f.Name, group, where)
				continue
			}
			for _, a := range alarms {
				notify(in, f, a, v)
				if v.pass != "" {
					v.pass = fmt.Sprintf("trail %s sends to log group %s (%s), where %s", ctctl.Label(in, t), group, where, v.pass)
					return
				}
			}
		}
	}
}

// notify checks that alarm a notifies somebody through SNS.
func notify(in *control.Input, f logs.MetricFilter, a cloudwatch.Alarm, v *verdict) {
	if !a.ActionsEnabled {
		v.failAt(stepTopic, "alarm %s on metric filter %s has its actions disabled", a.Name, f.Name)
		return
	}
	var topics []string
	for _, act := range a.AlarmActions {
		if p := strings.Split(act, ":"); len(p) == 6 && p[0] == "arn" && p[2] == "sns" {
			topics = append(topics, act)
		}
	}
	if len(topics) == 0 {
		v.failAt(stepTopic, "alarm %s on metric filter %s has no SNS action", a.Name, f.Name)
		return
	}
	var pending []string
	for _, arn := range topics {
		p := strings.Split(arn, ":")
		reg, why := regionOf(in, p[4], p[3], "sns")
		if why != "" {
			v.unknownf("SNS topic %s of alarm %s: %s", arn, a.Name, why)
			continue
		}
		topic := reg.SNS.Topic(arn)
		switch {
		case topic == nil:
			pending = append(pending, "topic "+p[5]+" does not exist")
		case topic.Subscriptions == nil:
			e := topic.Errors["subscriptions"]
			if e == "" {
				e = "no data"
			}
			v.unknownf("subscriptions of SNS topic %s not read: %s", arn, e)
		case len(topic.Confirmed()) == 0:
			pending = append(pending, "topic "+topic.Name+" has no confirmed subscription")
		default:
			n := len(topic.Confirmed())
			v.pass = fmt.Sprintf("alarm %s on metric filter %s notifies SNS topic %s (%d confirmed subscription%s)",
				a.Name, f.Name, topic.Name, n, plural(n, "", "s"))
			return
		}
	}
	msg := fmt.Sprintf("alarm %s has no SNS action with a confirmed subscription", a.Name)
	if len(pending) > 0 {
		msg += " (" + strings.Join(pending, "; ") + ")"
	}
	v.failAt(stepTopic, "%s", msg)
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// logGroup reads arn:aws:logs:<region>:<account>:log-group:<name>[:*].
func logGroup(arn string) (account, region, name string, ok bool) {
	f := strings.Split(arn, ":")
	if len(f) < 7 || f[0] != "arn" || f[2] != "logs" || f[5] != "log-group" || f[6] == "" {
		return "", "", "", false
	}
	return f[4], f[3], f[6], true
}

// regionOf returns the regional state of account id in region with the
// collector's part present, or why it is not known.
func regionOf(in *control.Input, id, region, collector string) (*snapshot.Region, string) {
	a := in.Snapshot.Account(id)
	switch {
	case a == nil:
		return nil, fmt.Sprintf("account %s is not assessed", id)
	case a.Err != "":
		return nil, fmt.Sprintf("account %s not assessed: %s", id, a.Err)
	}
	if g, ok := in.Snapshot.Gap(id, region, collector); ok {
		return nil, fmt.Sprintf("%s not collected in %s/%s: %s", collector, id, region, g.Reason)
	}
	r := a.Regions[region]
	if r == nil {
		return nil, fmt.Sprintf("region %s of account %s is not assessed", region, id)
	}
	present := map[string]bool{"logs": r.Logs != nil, "cloudwatch": r.CloudWatch != nil, "sns": r.SNS != nil}[collector]
	if !present {
		return nil, fmt.Sprintf("%s not collected in %s/%s", collector, id, region)
	}
	return r, ""
}

// missing lists the clauses of ref a filter misses, at most three,
// leaving out the conditions every clause of ref shares (the event
// source): "$.eventName = \"DetachGroupPolicy\"".
func missing(ref *filterpattern.Pattern, miss []filterpattern.Clause) string {
	common := map[filterpattern.Cond]int{}
	for _, c := range ref.Clauses() {
		for _, x := range c {
			common[x]++
		}
	}
	var parts []string
	for i, c := range miss {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(miss)-3))
			break
		}
		var own filterpattern.Clause
		for _, x := range c {
			if common[x] < len(ref.Clauses()) {
				own = append(own, x)
			}
		}
		if len(own) == 0 {
			own = c
		}
		parts = append(parts, own.String())
	}
	return strings.Join(parts, ", ")
}

// parsed memoizes parse: an organization has a few distinct metric
// filter patterns, judged by 15 controls in every account and region
// (parsing them again was two thirds of all evaluation's allocations).
// A Pattern is immutable once parsed.
var parsed sync.Map // string -> parseResult

type parseResult struct {
	p   *filterpattern.Pattern
	err error
	// ordinary is the first ordinary event p may match ("" for none);
	// everyOrdinary is set when p may match them all.
	ordinary      string
	everyOrdinary bool
}

// parse is filterpattern.Parse and ordinaryMatch, memoized.
func parse(s string) parseResult {
	if r, ok := parsed.Load(s); ok {
		return r.(parseResult)
	}
	p, err := filterpattern.Parse(s)
	r := parseResult{p: p, err: err}
	if err == nil {
		r.ordinary, r.everyOrdinary = ordinaryMatch(p)
	}
	parsed.Store(s, r)
	return r
}
