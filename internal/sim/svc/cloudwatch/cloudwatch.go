// Package cloudwatch simulates Amazon CloudWatch (Smithy RPC v2 CBOR,
// awsQueryCompatible): metric alarms, their tags and states, and the
// metric list. Alarms that follow a legacy application's health change
// state as the world's health model says (world/health.go): every call
// that reads alarms first brings them up to date.
package cloudwatch

import (
	"sort"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon CloudWatch (Smithy RPC v2 CBOR) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "monitoring",
		Protocol: wire.CBOR,
		Ops: map[string]svc.Handler{
			"DescribeAlarms":          describeAlarms,
			"DescribeAlarmsForMetric": describeAlarmsForMetric,
			"PutMetricAlarm":          putMetricAlarm,
			"DeleteAlarms":            deleteAlarms,
			"ListMetrics":             listMetrics,
			"EnableAlarmActions":      enableAlarmActions,
			"DisableAlarmActions":     disableAlarmActions,
			"SetAlarmState":           setAlarmState,
			"TagResource":             tagResource,
			"UntagResource":           untagResource,
			"ListTagsForResource":     listTagsForResource,
		},
	}
}

// apiError answers a modeled CloudWatch error the way the service does:
// the body's __type names the Smithy error shape, X-Amzn-Query-Error
// carries the awsQuery code the SDK reports (awsQueryCompatible).
//
// wire.Encoder.WriteError uses one code for both, so the SDK could not
// map InvalidParameterValue to *types.InvalidParameterValueException;
// this writes the whole error response itself.
func apiError(status int, shape, queryCode, format string, args ...any) (any, error) {
	e := wire.Errorf(status, queryCode, format, args...)
	e.Type = "com.amazonaws.cloudwatch#" + shape
	return nil, e
}

func invalidValue(format string, args ...any) (any, error) {
	return apiError(400, "InvalidParameterValueException", "InvalidParameterValue", format, args...)
}

func missing(name string) (any, error) {
	return apiError(400, "MissingRequiredParameterException", "MissingParameter", "The parameter %s is required.", name)
}

// request helpers over the decoded CBOR map.

type req map[string]any

func (r req) str(k string) string {
	s, _ := r[k].(string)
	return s
}

func (r req) has(k string) bool { _, ok := r[k]; return ok }

func (r req) num(k string) (float64, bool) {
	switch v := r[k].(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

func (r req) int(k string) (int, bool) {
	f, ok := r.num(k)
	return int(f), ok
}

func (r req) bool(k string) (bool, bool) {
	b, ok := r[k].(bool)
	return b, ok
}

func (r req) strs(k string) []string {
	l, _ := r[k].([]any)
	var out []string
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func (r req) dims(k string) []world.CWDimension {
	l, _ := r[k].([]any)
	var out []world.CWDimension
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			out = append(out, world.CWDimension{Name: req(m).str("Name"), Value: req(m).str("Value")})
		}
	}
	return out
}

func decode(c *svc.Ctx) (req, error) {
	m, err := wire.DecodeCBOR(c.Body)
	if err != nil {
		return nil, err
	}
	return req(m), nil
}

type dimension struct {
	Name  string
	Value string
}

type metricAlarm struct {
	AlarmName                          string
	AlarmArn                           string
	AlarmDescription                   string `json:",omitempty"`
	AlarmConfigurationUpdatedTimestamp time.Time
	ActionsEnabled                     bool
	OKActions                          []string
	AlarmActions                       []string
	InsufficientDataActions            []string
	StateValue                         string
	StateReason                        string
	StateReasonData                    string `json:",omitempty"`
	StateUpdatedTimestamp              time.Time
	StateTransitionedTimestamp         time.Time
	MetricName                         string `json:",omitempty"`
	Namespace                          string `json:",omitempty"`
	Statistic                          string `json:",omitempty"`
	ExtendedStatistic                  string `json:",omitempty"`
	Dimensions                         []dimension
	Period                             int    `json:",omitempty"`
	Unit                               string `json:",omitempty"`
	EvaluationPeriods                  int
	DatapointsToAlarm                  int `json:",omitempty"`
	Threshold                          float64
	ComparisonOperator                 string
	TreatMissingData                   string `json:",omitempty"`
}

func alarmARN(c *svc.Ctx, name string) string { return c.ARN("cloudwatch", "alarm:"+name) }

func dims(d []world.CWDimension) []dimension {
	out := []dimension{}
	for _, x := range d {
		out = append(out, dimension{x.Name, x.Value})
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func view(c *svc.Ctx, a *world.MetricAlarm) metricAlarm {
	reason := a.StateReason
	if reason == "" && a.StateValue() == "INSUFFICIENT_DATA" {
		reason = "Unchecked: Initial alarm creation"
	}
	return metricAlarm{
		AlarmName: a.Name, AlarmArn: alarmARN(c, a.Name), AlarmDescription: a.Description,
		AlarmConfigurationUpdatedTimestamp: a.ConfigUpdated, ActionsEnabled: !a.ActionsDisabled,
		OKActions: nonNil(a.OKActions), AlarmActions: nonNil(a.AlarmActions), InsufficientDataActions: nonNil(a.InsufficientDataActions),
		StateValue: a.StateValue(), StateReason: reason, StateReasonData: a.StateReasonData,
		StateUpdatedTimestamp: a.StateUpdated, StateTransitionedTimestamp: a.Transitioned(),
		MetricName: a.MetricName, Namespace: a.Namespace, Statistic: a.Statistic, ExtendedStatistic: a.ExtendedStatistic,
		Dimensions: dims(a.Dimensions), Period: a.Period, Unit: a.Unit, EvaluationPeriods: a.EvaluationPeriods,
		DatapointsToAlarm: a.DatapointsToAlarm, Threshold: a.Threshold, ComparisonOperator: a.ComparisonOperator,
		TreatMissingData: a.TreatMissingData,
	}
}

// sortedAlarms returns the region's alarms by name, brought up to date
// with the health model first.
func sortedAlarms(c *svc.Ctx) []*world.MetricAlarm {
	c.World.EvaluateAlarms(c.Account.ID, c.Region, c.Regional())
	as := append([]*world.MetricAlarm(nil), c.Regional().CloudWatch.Alarms...)
	sort.Slice(as, func(i, j int) bool { return as[i].Name < as[j].Name })
	return as
}

var states = map[string]bool{"OK": true, "ALARM": true, "INSUFFICIENT_DATA": true}

func describeAlarms(c *svc.Ctx) (any, error) {
	r, err := decode(c)
	if err != nil {
		return nil, err
	}
	names := r.strs("AlarmNames")
	prefix := r.str("AlarmNamePrefix")
	if len(names) > 0 && prefix != "" {
		return apiError(400, "InvalidParameterCombinationException", "InvalidParameterCombination", "AlarmNamePrefix and AlarmNames cannot both be specified.")
	}
	if len(names) > 100 {
		return invalidValue("The collection AlarmNames must not have a size greater than 100.")
	}
	composite := r.str("ChildrenOfAlarmName") != "" || r.str("ParentsOfAlarmName") != ""
	if composite && (len(names) > 0 || prefix != "" || r.has("StateValue") || r.has("ActionPrefix") || r.has("AlarmTypes")) {
		return apiError(400, "InvalidParameterCombinationException", "InvalidParameterCombination",
			"ChildrenOfAlarmName and ParentsOfAlarmName cannot be specified with any other parameter except MaxRecords and NextToken.")
	}
	state := r.str("StateValue")
	if state != "" && !states[state] {
		return invalidValue("1 validation error detected: Value '%s' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]", state)
	}
	max := 50
	if n, ok := r.int("MaxRecords"); ok {
		if n < 1 || n > 100 {
			return invalidValue("1 validation error detected: Value '%d' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and 100", n)
		}
		max = n
	}
	// Without AlarmTypes only metric alarms are listed; the simulator has
	// no composite alarms, so the composite relations list nothing.
	metricOnly := !composite
	if types := r.strs("AlarmTypes"); len(types) > 0 {
		metricOnly = false
		for _, t := range types {
			if t != "MetricAlarm" && t != "CompositeAlarm" {
				return invalidValue("1 validation error detected: Value '%s' at 'alarmTypes' failed to satisfy constraint: Member must satisfy enum value set: [CompositeAlarm, MetricAlarm]", t)
			}
			metricOnly = metricOnly || t == "MetricAlarm"
		}
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	action := r.str("ActionPrefix")
	var all []metricAlarm
	if metricOnly {
		for _, a := range sortedAlarms(c) {
			if len(want) > 0 && !want[a.Name] || !strings.HasPrefix(a.Name, prefix) || state != "" && a.StateValue() != state {
				continue
			}
			if action != "" && !hasPrefix(a.AlarmActions, action) && !hasPrefix(a.OKActions, action) && !hasPrefix(a.InsufficientDataActions, action) {
				continue
			}
			all = append(all, view(c, a))
		}
	}
	page, next, err := svc.Page(all, r.str("NextToken"), max, 50, "InvalidNextToken")
	if err != nil {
		return apiError(400, "InvalidNextToken", "InvalidNextToken", "The service returned an invalid next token.")
	}
	if page == nil {
		page = []metricAlarm{}
	}
	return struct {
		MetricAlarms    []metricAlarm
		CompositeAlarms []struct{}
		NextToken       string `json:",omitempty"`
	}{page, []struct{}{}, next}, nil
}

func hasPrefix(l []string, p string) bool {
	for _, s := range l {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func sameDims(a, b []world.CWDimension) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[world.CWDimension]bool{}
	for _, d := range a {
		m[d] = true
	}
	for _, d := range b {
		if !m[d] {
			return false
		}
	}
	return true
}

func describeAlarmsForMetric(c *svc.Ctx) (any, error) {
	r, err := decode(c)
	if err != nil {
		return nil, err
	}
	if r.str("MetricName") == "" {
		return missing("MetricName")
	}
	if r.str("Namespace") == "" {
		return missing("Namespace")
	}
	period, hasPeriod := r.int("Period")
	out := []metricAlarm{}
	for _, a := range sortedAlarms(c) {
		if a.MetricName != r.str("MetricName") || a.Namespace != r.str("Namespace") ||
			r.str("Statistic") != "" && a.Statistic != r.str("Statistic") ||
			r.str("ExtendedStatistic") != "" && a.ExtendedStatistic != r.str("ExtendedStatistic") ||
			hasPeriod && a.Period != period || r.str("Unit") != "" && a.Unit != r.str("Unit") ||
			r.has("Dimensions") && !sameDims(a.Dimensions, r.dims("Dimensions")) {
			continue
		}
		out = append(out, view(c, a))
	}
	return struct{ MetricAlarms []metricAlarm }{out}, nil
}

var comparisons = map[string]bool{
	"GreaterThanOrEqualToThreshold": true, "GreaterThanThreshold": true, "LessThanThreshold": true,
	"LessThanOrEqualToThreshold": true, "LessThanLowerOrGreaterThanUpperThreshold": true,
	"LessThanLowerThreshold": true, "GreaterThanUpperThreshold": true,
}

var statistics = map[string]bool{"SampleCount": true, "Average": true, "Sum": true, "Minimum": true, "Maximum": true}

func putMetricAlarm(c *svc.Ctx) (any, error) {
	r, err := decode(c)
	if err != nil {
		return nil, err
	}
	name := r.str("AlarmName")
	if name == "" {
		return missing("AlarmName")
	}
	if len(name) > 255 {
		return invalidValue("1 validation error detected: Value at 'alarmName' failed to satisfy constraint: Member must have length less than or equal to 255")
	}
	evals, ok := r.int("EvaluationPeriods")
	if !ok {
		return missing("EvaluationPeriods")
	}
	if evals < 1 {
		return invalidValue("1 validation error detected: Value '%d' at 'evaluationPeriods' failed to satisfy constraint: Member must have value greater than or equal to 1", evals)
	}
	cmp := r.str("ComparisonOperator")
	if cmp == "" {
		return missing("ComparisonOperator")
	}
	if !comparisons[cmp] {
		return invalidValue("1 validation error detected: Value '%s' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set", cmp)
	}
	stat, ext := r.str("Statistic"), r.str("ExtendedStatistic")
	if r.has("Metrics") {
		return invalidValue("Metric math alarms (Metrics) are not supported by the simulator.")
	}
	if r.str("MetricName") == "" || r.str("Namespace") == "" {
		return invalidValue("MetricName and Namespace must be specified.")
	}
	if stat == "" && ext == "" {
		return missing("Statistic")
	}
	if stat != "" && ext != "" {
		return apiError(400, "InvalidParameterCombinationException", "InvalidParameterCombination", "Statistic and ExtendedStatistic cannot both be specified.")
	}
	if stat != "" && !statistics[stat] {
		return invalidValue("1 validation error detected: Value '%s' at 'statistic' failed to satisfy constraint: Member must satisfy enum value set: [Maximum, SampleCount, Sum, Minimum, Average]", stat)
	}
	period, ok := r.int("Period")
	if !ok {
		return missing("Period")
	}
	if period != 10 && period != 20 && period != 30 && (period < 60 || period%60 != 0) {
		return invalidValue("Period must be 10, 20, 30 or a multiple of 60.")
	}
	threshold, ok := r.num("Threshold")
	if !ok {
		return missing("Threshold")
	}
	dtA, _ := r.int("DatapointsToAlarm")
	if dtA > evals {
		return invalidValue("DatapointsToAlarm must be less than or equal to EvaluationPeriods.")
	}
	tmd := r.str("TreatMissingData")
	if tmd != "" && tmd != "breaching" && tmd != "notBreaching" && tmd != "ignore" && tmd != "missing" {
		return invalidValue("Invalid value for TreatMissingData: %s", tmd)
	}
	for _, k := range []string{"AlarmActions", "OKActions", "InsufficientDataActions"} {
		acts := r.strs(k)
		if len(acts) > 5 {
			return apiError(400, "LimitExceededFault", "LimitExceeded", "The maximum number of %s is 5.", k)
		}
		for _, a := range acts {
			if !strings.HasPrefix(a, "arn:") {
				return invalidValue("Invalid arn syntax: %s", a)
			}
		}
	}
	tags, err := r.tags("Tags")
	if err != nil {
		return nil, err
	}
	if len(tags) > 50 {
		return invalidValue("The number of tags must not be greater than 50.")
	}
	enabled := true
	if b, ok := r.bool("ActionsEnabled"); ok {
		enabled = b
	}
	now := c.Now()
	reg := c.Regional()
	c.World.EvaluateAlarms(c.Account.ID, c.Region, reg)
	var a *world.MetricAlarm
	for _, x := range reg.CloudWatch.Alarms {
		if x.Name == name {
			a = x
		}
	}
	created := a == nil
	if a == nil {
		if len(reg.CloudWatch.Alarms) >= 5000 {
			return apiError(400, "LimitExceededFault", "LimitExceeded", "The maximum number of alarms has been reached.")
		}
		// Tags apply when the alarm is created; an update ignores them
		// (TagResource and UntagResource change them).
		a = &world.MetricAlarm{Name: name, State: "INSUFFICIENT_DATA", StateReason: "Unchecked: Initial alarm creation", StateUpdated: now, Tags: tags}
		reg.CloudWatch.Alarms = append(reg.CloudWatch.Alarms, a)
	}
	a.Description = r.str("AlarmDescription")
	a.MetricName, a.Namespace, a.Statistic, a.ExtendedStatistic = r.str("MetricName"), r.str("Namespace"), stat, ext
	a.Dimensions = r.dims("Dimensions")
	a.Period, a.EvaluationPeriods, a.DatapointsToAlarm, a.Threshold = period, evals, dtA, threshold
	a.ComparisonOperator, a.TreatMissingData, a.Unit = cmp, tmd, r.str("Unit")
	a.ActionsDisabled = !enabled
	a.AlarmActions, a.OKActions, a.InsufficientDataActions = r.strs("AlarmActions"), r.strs("OKActions"), r.strs("InsufficientDataActions")
	a.ConfigUpdated = now
	c.World.AlarmPut(reg, a, created)
	return nil, nil
}

func deleteAlarms(c *svc.Ctx) (any, error) {
	r, err := decode(c)
	if err != nil {
		return nil, err
	}
	names := r.strs("AlarmNames")
	if !r.has("AlarmNames") {
		return missing("AlarmNames")
	}
	if len(names) > 100 {
		return invalidValue("The collection AlarmNames must not have a size greater than 100.")
	}
	reg := c.Regional()
	var missingNames []string
	for _, n := range names {
		found := false
		for _, a := range reg.CloudWatch.Alarms {
			found = found || a.Name == n
		}
		if !found {
			missingNames = append(missingNames, n)
		}
	}
	if len(missingNames) > 0 {
		return apiError(404, "ResourceNotFound", "ResourceNotFound", "%s does not exist", strings.Join(missingNames, ", "))
	}
	drop := map[string]bool{}
	for _, n := range names {
		drop[n] = true
	}
	var keep []*world.MetricAlarm
	for _, a := range reg.CloudWatch.Alarms {
		if !drop[a.Name] {
			keep = append(keep, a)
		}
	}
	reg.CloudWatch.Alarms = keep
	return nil, nil
}

func setActions(c *svc.Ctx, enabled bool) (any, error) {
	r, err := decode(c)
	if err != nil {
		return nil, err
	}
	if !r.has("AlarmNames") {
		return missing("AlarmNames")
	}
	for _, n := range r.strs("AlarmNames") {
		for _, a := range c.Regional().CloudWatch.Alarms {
			if a.Name == n {
				a.ActionsDisabled = !enabled
			}
		}
	}
	return nil, nil
}

func enableAlarmActions(c *svc.Ctx) (any, error)  { return setActions(c, true) }
func disableAlarmActions(c *svc.Ctx) (any, error) { return setActions(c, false) }

type metric struct {
	Namespace  string
	MetricName string
	Dimensions []dimension
}

func listMetrics(c *svc.Ctx) (any, error) {
	r, err := decode(c)
	if err != nil {
		return nil, err
	}
	filter := r.dims("Dimensions")
	ms := append([]world.CWMetric(nil), c.Regional().CloudWatch.Metrics...)
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].Namespace != ms[j].Namespace {
			return ms[i].Namespace < ms[j].Namespace
		}
		return ms[i].MetricName < ms[j].MetricName
	})
	var all []metric
	for _, m := range ms {
		if r.str("Namespace") != "" && m.Namespace != r.str("Namespace") || r.str("MetricName") != "" && m.MetricName != r.str("MetricName") {
			continue
		}
		ok := true
		for _, f := range filter {
			hit := false
			for _, d := range m.Dimensions {
				hit = hit || d.Name == f.Name && (f.Value == "" || d.Value == f.Value)
			}
			ok = ok && hit
		}
		if ok {
			all = append(all, metric{m.Namespace, m.MetricName, dims(m.Dimensions)})
		}
	}
	page, next, err := svc.Page(all, r.str("NextToken"), 500, 500, "InvalidNextToken")
	if err != nil {
		return apiError(400, "InvalidNextToken", "InvalidNextToken", "The service returned an invalid next token.")
	}
	if page == nil {
		page = []metric{}
	}
	return struct {
		Metrics   []metric
		NextToken string `json:",omitempty"`
	}{page, next}, nil
}
