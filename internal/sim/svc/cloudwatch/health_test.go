package cloudwatch_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwsdk "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const (
	legacy  = "i-01e9ac7000000ee01" // runs the legacy application
	modern  = "i-0b0d0c7100001c0d1" // runs an application that uses IMDSv2
	delay   = 3 * time.Second
	healthy = "Threshold Crossed: 2 out of the last 2 datapoints [0.0 (01/06/26 11:58:00), 0.0 (01/06/26 11:57:00)] were not greater than or equal to the threshold (5.0) (minimum 2 datapoints for ALARM -> OK transition)."
)

// appAlarm is an alarm on the application metric of instance id.
func appAlarm(name, id string) *world.MetricAlarm {
	return &world.MetricAlarm{
		Name: name, Namespace: "LegacyWeb", MetricName: "HTTPCode_5XX_Count", Statistic: "Sum", Period: 60,
		EvaluationPeriods: 2, DatapointsToAlarm: 2, Threshold: 5, ComparisonOperator: "GreaterThanOrEqualToThreshold",
		TreatMissingData: "notBreaching", Dimensions: []world.CWDimension{{Name: "InstanceId", Value: id}},
		AlarmActions: []string{topic}, State: "OK", StateReason: healthy, StateUpdated: updated, ConfigUpdated: updated,
		Tags: map[string]string{"guardrail:health": "true", "app": "legacy-web"},
	}
}

// healthWorld is a member account with a legacy and a modern instance in
// region, an application alarm on each, and a CPU alarm on the legacy
// one; its health clock is a stopwatch at zero.
func healthWorld() (*world.World, *world.Stopwatch) {
	w := simtest.NewWorld()
	sw := &world.Stopwatch{}
	w.Health.Elapsed, w.Health.Delay = sw.Elapsed, delay
	r := w.Accounts[simtest.Member].In(region)
	r.EC2.Instances = []*world.Instance{
		{ID: legacy, State: "running", Metadata: world.InstanceMetadata{HTTPTokens: "optional"}, LegacyIMDSv1: true, Tags: map[string]string{"app": "legacy-web"}},
		{ID: modern, State: "running", Metadata: world.InstanceMetadata{HTTPTokens: "optional"}},
	}
	cpu := appAlarm("legacy-web-cpu", legacy)
	cpu.Namespace, cpu.MetricName, cpu.Tags = "AWS/EC2", "CPUUtilization", nil
	r.CloudWatch.Alarms = []*world.MetricAlarm{appAlarm("legacy-web-health", legacy), appAlarm("modern-web-health", modern), cpu}
	return w, sw
}

func setTokens(t *testing.T, c *ec2sdk.Client, id string, tokens ec2types.HttpTokensState) {
	t.Helper()
	if _, err := c.ModifyInstanceMetadataOptions(context.Background(), &ec2sdk.ModifyInstanceMetadataOptionsInput{
		InstanceId: aws.String(id), HttpTokens: tokens}); err != nil {
		t.Fatal(err)
	}
}

func alarm(t *testing.T, c *cwsdk.Client, name string) types.MetricAlarm {
	t.Helper()
	o, err := c.DescribeAlarms(context.Background(), &cwsdk.DescribeAlarmsInput{AlarmNames: []string{name}})
	if err != nil || len(o.MetricAlarms) != 1 {
		t.Fatalf("DescribeAlarms %s: %+v %v", name, o, err)
	}
	return o.MetricAlarms[0]
}

func states(t *testing.T, c *cwsdk.Client) string {
	t.Helper()
	o, err := c.DescribeAlarms(context.Background(), &cwsdk.DescribeAlarmsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, a := range o.MetricAlarms {
		s = append(s, aws.ToString(a.AlarmName)+"="+string(a.StateValue))
	}
	return strings.Join(s, " ")
}

// TestLegacyApplicationAlarm is the EC2.8 incident: requiring IMDSv2 on an
// instance whose application still uses IMDSv1 fires its alarm after the
// delay, and allowing IMDSv1 again clears it after the delay; an instance
// whose application does not need IMDSv1, and an AWS/EC2 alarm on the
// legacy instance, never change.
func TestLegacyApplicationAlarm(t *testing.T) {
	w, sw := healthWorld()
	s := simtest.Start(t, w)
	cw := cwsdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ec := ec2sdk.NewFromConfig(s.Config(t, simtest.Member, region))
	const ok = "legacy-web-cpu=OK legacy-web-health=OK modern-web-health=OK"
	if got := states(t, cw); got != ok {
		t.Fatalf("before: %s", got)
	}
	sw.Advance(10 * time.Second)
	setTokens(t, ec, legacy, ec2types.HttpTokensStateRequired)
	setTokens(t, ec, modern, ec2types.HttpTokensStateRequired)
	sw.Advance(delay - time.Millisecond)
	if got := states(t, cw); got != ok {
		t.Errorf("just before the delay: %s", got)
	}
	sw.Advance(time.Millisecond)
	if got := states(t, cw); got != "legacy-web-cpu=OK legacy-web-health=ALARM modern-web-health=OK" {
		t.Errorf("after the delay: %s", got)
	}
	fired := simtest.Now.Add(10*time.Second + delay)
	a := alarm(t, cw, "legacy-web-health")
	wantReason := "Threshold Crossed: 2 out of the last 2 datapoints [10.0 (01/06/26 11:59:00), 10.0 (01/06/26 11:58:00)] were greater than or equal to the threshold (5.0) (minimum 2 datapoints for OK -> ALARM transition)."
	if !aws.ToTime(a.StateUpdatedTimestamp).Equal(fired) || !aws.ToTime(a.StateTransitionedTimestamp).Equal(fired) ||
		aws.ToString(a.StateReason) != wantReason || !aws.ToTime(a.AlarmConfigurationUpdatedTimestamp).Equal(updated) {
		t.Errorf("fired alarm: updated %v transitioned %v reason %q", a.StateUpdatedTimestamp, a.StateTransitionedTimestamp, aws.ToString(a.StateReason))
	}
	var data struct {
		Version             string
		Statistic           string
		Period              int
		Threshold           float64
		RecentDatapoints    []float64
		EvaluatedDatapoints []struct {
			Timestamp string
			Value     float64
		}
	}
	if err := json.Unmarshal([]byte(aws.ToString(a.StateReasonData)), &data); err != nil || data.Version != "1.0" || data.Statistic != "Sum" ||
		data.Period != 60 || data.Threshold != 5 || len(data.RecentDatapoints) != 2 || data.RecentDatapoints[0] < 5 ||
		len(data.EvaluatedDatapoints) != 2 || data.EvaluatedDatapoints[0].Timestamp != "2026-06-01T11:59:00.000+0000" {
		t.Errorf("StateReasonData %s: %+v %v", aws.ToString(a.StateReasonData), data, err)
	}
	// What a health gate asks: the alarms of the application in ALARM.
	o, err := cw.DescribeAlarms(context.Background(), &cwsdk.DescribeAlarmsInput{AlarmNamePrefix: aws.String("legacy-web-"), StateValue: types.StateValueAlarm})
	if err != nil || len(o.MetricAlarms) != 1 || aws.ToString(o.MetricAlarms[0].AlarmName) != "legacy-web-health" {
		t.Errorf("gate query: %+v %v", o, err)
	}
	// Setting the same value again changes nothing.
	setTokens(t, ec, legacy, ec2types.HttpTokensStateRequired)
	// Rollback: IMDSv1 back, OK after the delay.
	sw.Advance(time.Minute)
	setTokens(t, ec, legacy, ec2types.HttpTokensStateOptional)
	sw.Advance(delay - time.Millisecond)
	if got := alarm(t, cw, "legacy-web-health").StateValue; got != types.StateValueAlarm {
		t.Errorf("just before the delay after rollback: %s", got)
	}
	sw.Advance(time.Millisecond)
	if got := states(t, cw); got != ok {
		t.Errorf("after rollback: %s", got)
	}
	a = alarm(t, cw, "legacy-web-health")
	cleared := fired.Add(time.Minute + delay)
	if !aws.ToTime(a.StateUpdatedTimestamp).Equal(cleared) || !strings.Contains(aws.ToString(a.StateReason), "were not greater than or equal to the threshold (5.0) (minimum 2 datapoints for ALARM -> OK transition)") {
		t.Errorf("cleared alarm: %v %q", a.StateUpdatedTimestamp, aws.ToString(a.StateReason))
	}
	// Disabling the metadata endpoint breaks the application as well.
	mustModify(t, ec, &ec2sdk.ModifyInstanceMetadataOptionsInput{InstanceId: aws.String(legacy), HttpEndpoint: ec2types.InstanceMetadataEndpointStateDisabled})
	sw.Advance(delay)
	if got := alarm(t, cw, "legacy-web-health").StateValue; got != types.StateValueAlarm {
		t.Errorf("endpoint disabled: %s", got)
	}
}

func mustModify(t *testing.T, c *ec2sdk.Client, in *ec2sdk.ModifyInstanceMetadataOptionsInput) {
	t.Helper()
	if _, err := c.ModifyInstanceMetadataOptions(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

// TestLegacyToggle: changes faster than the delay play out in order, and
// an alarm read only at the end shows the last one, stamped when it fell
// due.
func TestLegacyToggle(t *testing.T) {
	w, sw := healthWorld()
	s := simtest.Start(t, w)
	cw := cwsdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ec := ec2sdk.NewFromConfig(s.Config(t, simtest.Member, region))
	setTokens(t, ec, legacy, ec2types.HttpTokensStateRequired)
	sw.Advance(time.Second)
	setTokens(t, ec, legacy, ec2types.HttpTokensStateOptional)
	sw.Advance(delay)
	if a := alarm(t, cw, "legacy-web-health"); a.StateValue != types.StateValueOk || !aws.ToTime(a.StateUpdatedTimestamp).Equal(simtest.Now.Add(time.Second+delay)) {
		t.Errorf("read at the end: %s at %v", a.StateValue, a.StateUpdatedTimestamp)
	}
	// Read in between, the ALARM shows.
	w2, sw2 := healthWorld()
	s2 := simtest.Start(t, w2)
	cw2 := cwsdk.NewFromConfig(s2.Config(t, simtest.Member, region))
	ec2c := ec2sdk.NewFromConfig(s2.Config(t, simtest.Member, region))
	setTokens(t, ec2c, legacy, ec2types.HttpTokensStateRequired)
	sw2.Advance(time.Second)
	setTokens(t, ec2c, legacy, ec2types.HttpTokensStateOptional)
	sw2.Advance(delay - time.Second)
	if got := alarm(t, cw2, "legacy-web-health").StateValue; got != types.StateValueAlarm {
		t.Errorf("in between: %s", got)
	}
	sw2.Advance(time.Second)
	if got := alarm(t, cw2, "legacy-web-health").StateValue; got != types.StateValueOk {
		t.Errorf("at the end: %s", got)
	}
}

// TestNewAlarmOnLegacyInstance: an alarm created on a legacy application
// leaves INSUFFICIENT_DATA for its actual state after the delay, and
// follows the application from then on.
func TestNewAlarmOnLegacyInstance(t *testing.T) {
	w, sw := healthWorld()
	s := simtest.Start(t, w)
	ctx := context.Background()
	cw := cwsdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ec := ec2sdk.NewFromConfig(s.Config(t, simtest.Member, region))
	setTokens(t, ec, legacy, ec2types.HttpTokensStateRequired)
	_, err := cw.PutMetricAlarm(ctx, &cwsdk.PutMetricAlarmInput{
		AlarmName: aws.String("legacy-web-errors"), Namespace: aws.String("LegacyWeb"), MetricName: aws.String("HTTPCode_5XX_Count"),
		Statistic: types.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
		ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold,
		Dimensions:         []types.Dimension{{Name: aws.String("InstanceId"), Value: aws.String(legacy)}},
		Tags:               []types.Tag{{Key: aws.String("guardrail:health"), Value: aws.String("true")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := alarm(t, cw, "legacy-web-errors").StateValue; got != types.StateValueInsufficientData {
		t.Errorf("new: %s", got)
	}
	sw.Advance(delay)
	a := alarm(t, cw, "legacy-web-errors")
	if a.StateValue != types.StateValueAlarm || !strings.HasPrefix(aws.ToString(a.StateReason), "Threshold Crossed: 1 out of the last 1 datapoints [2.0 (01/06/26 11:59:00)] was greater than the threshold (1.0) (minimum 1 datapoint for INSUFFICIENT_DATA -> ALARM transition)") {
		t.Errorf("first evaluation: %s %q", a.StateValue, aws.ToString(a.StateReason))
	}
	setTokens(t, ec, legacy, ec2types.HttpTokensStateOptional)
	sw.Advance(delay)
	if got := alarm(t, cw, "legacy-web-errors").StateValue; got != types.StateValueOk {
		t.Errorf("after IMDSv1 is back: %s", got)
	}
	// Pointing an alarm at the legacy instance by an update: it follows
	// what happens from then on.
	_, err = cw.PutMetricAlarm(ctx, &cwsdk.PutMetricAlarmInput{
		AlarmName: aws.String("modern-web-health"), Namespace: aws.String("LegacyWeb"), MetricName: aws.String("HTTPCode_5XX_Count"),
		Statistic: types.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(5),
		ComparisonOperator: types.ComparisonOperatorGreaterThanOrEqualToThreshold,
		Dimensions:         []types.Dimension{{Name: aws.String("InstanceId"), Value: aws.String(legacy)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	setTokens(t, ec, legacy, ec2types.HttpTokensStateRequired)
	sw.Advance(delay)
	if got := states(t, cw); got != "legacy-web-cpu=OK legacy-web-errors=ALARM legacy-web-health=ALARM modern-web-health=ALARM" {
		t.Errorf("re-pointed: %s", got)
	}
}

// TestSetAlarmState: a forced state holds until the alarm's next
// evaluation, one period later, then the alarm returns to its actual
// state; on an alarm the model does not follow as well.
func TestSetAlarmState(t *testing.T) {
	w, sw := healthWorld()
	s := simtest.Start(t, w)
	ctx := context.Background()
	cw := cwsdk.NewFromConfig(s.Config(t, simtest.Member, region))
	for _, name := range []string{"legacy-web-health", "legacy-web-cpu"} {
		_, err := cw.SetAlarmState(ctx, &cwsdk.SetAlarmStateInput{AlarmName: aws.String(name), StateValue: types.StateValueAlarm,
			StateReason: aws.String("testing the health gate"), StateReasonData: aws.String(`{"by":"test"}`)})
		if err != nil {
			t.Fatal(err)
		}
	}
	a := alarm(t, cw, "legacy-web-health")
	if a.StateValue != types.StateValueAlarm || aws.ToString(a.StateReason) != "testing the health gate" ||
		aws.ToString(a.StateReasonData) != `{"by":"test"}` || !aws.ToTime(a.StateUpdatedTimestamp).Equal(simtest.Now) {
		t.Errorf("forced: %+v", a)
	}
	sw.Advance(59 * time.Second)
	if got := states(t, cw); got != "legacy-web-cpu=ALARM legacy-web-health=ALARM modern-web-health=OK" {
		t.Errorf("within the period: %s", got)
	}
	sw.Advance(time.Second)
	if got := states(t, cw); got != "legacy-web-cpu=OK legacy-web-health=OK modern-web-health=OK" {
		t.Errorf("after the period: %s", got)
	}
	a = alarm(t, cw, "legacy-web-health")
	if aws.ToString(a.StateReason) != healthy || aws.ToString(a.StateReasonData) != "" || !aws.ToTime(a.StateUpdatedTimestamp).Equal(simtest.Now.Add(time.Minute)) {
		t.Errorf("returned: %+v", a)
	}
	// Forced OK on an application that is failing: the failure shows
	// again at the next evaluation.
	ec := ec2sdk.NewFromConfig(s.Config(t, simtest.Member, region))
	setTokens(t, ec, legacy, ec2types.HttpTokensStateRequired)
	sw.Advance(delay)
	if _, err := cw.SetAlarmState(ctx, &cwsdk.SetAlarmStateInput{AlarmName: aws.String("legacy-web-health"), StateValue: types.StateValueOk, StateReason: aws.String("silenced")}); err != nil {
		t.Fatal(err)
	}
	if got := alarm(t, cw, "legacy-web-health").StateValue; got != types.StateValueOk {
		t.Errorf("forced OK: %s", got)
	}
	sw.Advance(time.Minute)
	if got := alarm(t, cw, "legacy-web-health").StateValue; got != types.StateValueAlarm {
		t.Errorf("after forced OK: %s", got)
	}
	// Errors.
	_, err := cw.SetAlarmState(ctx, &cwsdk.SetAlarmStateInput{AlarmName: aws.String("nope"), StateValue: types.StateValueAlarm, StateReason: aws.String("x")})
	var rnf *types.ResourceNotFound
	if !errors.As(err, &rnf) || code(err) != "ResourceNotFound" {
		t.Errorf("missing alarm: %T %v", err, err)
	}
	_, err = cw.SetAlarmState(ctx, &cwsdk.SetAlarmStateInput{AlarmName: aws.String("legacy-web-health"), StateValue: types.StateValueAlarm, StateReason: aws.String("x"), StateReasonData: aws.String("{not json")})
	var bad *types.InvalidFormatFault
	if !errors.As(err, &bad) || code(err) != "InvalidFormat" {
		t.Errorf("bad JSON: %T %v", err, err)
	}
	_, err = cw.SetAlarmState(ctx, &cwsdk.SetAlarmStateInput{AlarmName: aws.String("legacy-web-health"), StateValue: "BROKEN", StateReason: aws.String("x")})
	if code(err) != "InvalidParameterValue" {
		t.Errorf("bad state: %v", err)
	}
}

// TestAlarmTags covers TagResource, UntagResource, ListTagsForResource and
// PutMetricAlarm's tags (kept on create, ignored on update).
func TestAlarmTags(t *testing.T) {
	w, _ := healthWorld()
	s := simtest.Start(t, w)
	ctx := context.Background()
	cw := cwsdk.NewFromConfig(s.Config(t, simtest.Member, region))
	arn := func(name string) *string {
		return aws.String(fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", region, simtest.Member, name))
	}
	list := func(name string) string {
		t.Helper()
		o, err := cw.ListTagsForResource(ctx, &cwsdk.ListTagsForResourceInput{ResourceARN: arn(name)})
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, tg := range o.Tags {
			s = append(s, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
		}
		return strings.Join(s, ",")
	}
	if got := list("legacy-web-health"); got != "app=legacy-web,guardrail:health=true" {
		t.Errorf("data tags: %s", got)
	}
	if got := list("legacy-web-cpu"); got != "" {
		t.Errorf("untagged: %q", got)
	}
	if _, err := cw.TagResource(ctx, &cwsdk.TagResourceInput{ResourceARN: arn("legacy-web-cpu"), Tags: []types.Tag{
		{Key: aws.String("team"), Value: aws.String("web")}, {Key: aws.String("guardrail:health"), Value: aws.String("true")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cw.TagResource(ctx, &cwsdk.TagResourceInput{ResourceARN: arn("legacy-web-cpu"), Tags: []types.Tag{
		{Key: aws.String("team"), Value: aws.String("platform")}}}); err != nil {
		t.Fatal(err)
	}
	if got := list("legacy-web-cpu"); got != "guardrail:health=true,team=platform" {
		t.Errorf("tagged: %s", got)
	}
	if _, err := cw.UntagResource(ctx, &cwsdk.UntagResourceInput{ResourceARN: arn("legacy-web-cpu"), TagKeys: []string{"team", "absent"}}); err != nil {
		t.Fatal(err)
	}
	if got := list("legacy-web-cpu"); got != "guardrail:health=true" {
		t.Errorf("untagged: %s", got)
	}
	put := func(tags ...types.Tag) error {
		_, err := cw.PutMetricAlarm(ctx, &cwsdk.PutMetricAlarmInput{
			AlarmName: aws.String("tagged"), Namespace: aws.String("App"), MetricName: aws.String("Errors"), Statistic: types.StatisticSum,
			Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1), ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold,
			Tags: tags})
		return err
	}
	if err := put(types.Tag{Key: aws.String("guardrail:health"), Value: aws.String("true")}); err != nil {
		t.Fatal(err)
	}
	if err := put(types.Tag{Key: aws.String("other"), Value: aws.String("x")}); err != nil {
		t.Fatal(err)
	}
	if got := list("tagged"); got != "guardrail:health=true" {
		t.Errorf("put tags (an update ignores them): %s", got)
	}
	// Errors.
	_, err := cw.ListTagsForResource(ctx, &cwsdk.ListTagsForResourceInput{ResourceARN: arn("nope")})
	var rnf *types.ResourceNotFoundException
	if !errors.As(err, &rnf) || code(err) != "ResourceNotFoundException" {
		t.Errorf("missing alarm: %T %v", err, err)
	}
	other := aws.String(fmt.Sprintf("arn:aws:cloudwatch:us-east-1:%s:alarm:legacy-web-health", simtest.Member))
	if _, err := cw.ListTagsForResource(ctx, &cwsdk.ListTagsForResourceInput{ResourceARN: other}); !errors.As(err, &rnf) {
		t.Errorf("another region's ARN: %v", err)
	}
	_, err = cw.TagResource(ctx, &cwsdk.TagResourceInput{ResourceARN: aws.String("legacy-web-health"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	var iv *types.InvalidParameterValueException
	if !errors.As(err, &iv) {
		t.Errorf("malformed ARN: %T %v", err, err)
	}
	_, err = cw.TagResource(ctx, &cwsdk.TagResourceInput{ResourceARN: arn("legacy-web-health"), Tags: []types.Tag{{Key: aws.String("aws:owner"), Value: aws.String("v")}}})
	if !errors.As(err, &iv) {
		t.Errorf("reserved key: %T %v", err, err)
	}
	var many []types.Tag
	for i := 0; i < 49; i++ {
		many = append(many, types.Tag{Key: aws.String(fmt.Sprintf("k%02d", i)), Value: aws.String("v")})
	}
	_, err = cw.TagResource(ctx, &cwsdk.TagResourceInput{ResourceARN: arn("legacy-web-health"), Tags: many})
	if !errors.As(err, &iv) {
		t.Errorf("51 tags: %T %v", err, err)
	}
}

// TestDescribeAlarmsFilters covers the filters a health gate combines,
// paging through them, and the validation of AlarmTypes and the
// composite-alarm relations.
func TestDescribeAlarmsFilters(t *testing.T) {
	w, _ := healthWorld()
	r := w.Accounts[simtest.Member].In(region)
	for i := 0; i < 7; i++ {
		a := appAlarm(fmt.Sprintf("legacy-web-%02d", i), legacy)
		if i%2 == 0 {
			a.State = "ALARM"
		}
		r.CloudWatch.Alarms = append(r.CloudWatch.Alarms, a)
	}
	s := simtest.Start(t, w)
	ctx := context.Background()
	cw := cwsdk.NewFromConfig(s.Config(t, simtest.Member, region))
	p := cwsdk.NewDescribeAlarmsPaginator(cw, &cwsdk.DescribeAlarmsInput{AlarmNamePrefix: aws.String("legacy-web-"), StateValue: types.StateValueAlarm,
		AlarmTypes: []types.AlarmType{types.AlarmTypeMetricAlarm, types.AlarmTypeCompositeAlarm}, MaxRecords: aws.Int32(3)})
	var names []string
	pages := 0
	for p.HasMorePages() {
		o, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, a := range o.MetricAlarms {
			names = append(names, aws.ToString(a.AlarmName))
		}
		if len(o.CompositeAlarms) != 0 {
			t.Errorf("composite alarms: %+v", o.CompositeAlarms)
		}
	}
	if strings.Join(names, " ") != "legacy-web-00 legacy-web-02 legacy-web-04 legacy-web-06" || pages != 2 {
		t.Errorf("pages %d: %v", pages, names)
	}
	o, err := cw.DescribeAlarms(ctx, &cwsdk.DescribeAlarmsInput{AlarmNames: []string{"legacy-web-01", "legacy-web-02", "nope"}, StateValue: types.StateValueOk})
	if err != nil || len(o.MetricAlarms) != 1 || aws.ToString(o.MetricAlarms[0].AlarmName) != "legacy-web-01" {
		t.Errorf("names and state: %+v %v", o, err)
	}
	_, err = cw.DescribeAlarms(ctx, &cwsdk.DescribeAlarmsInput{AlarmTypes: []types.AlarmType{"Nope"}})
	if code(err) != "InvalidParameterValue" {
		t.Errorf("bad alarm type: %v", err)
	}
	_, err = cw.DescribeAlarms(ctx, &cwsdk.DescribeAlarmsInput{ChildrenOfAlarmName: aws.String("c"), StateValue: types.StateValueAlarm})
	var ipc *types.InvalidParameterCombinationException
	if !errors.As(err, &ipc) {
		t.Errorf("children with a filter: %T %v", err, err)
	}
	o, err = cw.DescribeAlarms(ctx, &cwsdk.DescribeAlarmsInput{ParentsOfAlarmName: aws.String("legacy-web-00")})
	if err != nil || len(o.MetricAlarms) != 0 || len(o.CompositeAlarms) != 0 {
		t.Errorf("parents: %+v %v", o, err)
	}
}

// TestDemoLegacyWeb replays the incident on the demo organization: the
// health alarm of storefront-prod's legacy site, found by its name prefix
// and tag, fires when IMDSv2 is required on its instance, and only it.
func TestDemoLegacyWeb(t *testing.T) {
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	sw := &world.Stopwatch{}
	w.Health.Elapsed = sw.Elapsed
	s := simtest.Start(t, w)
	ctx := context.Background()
	const prod = "444444444402"
	cw := cwsdk.NewFromConfig(s.Config(t, prod, "us-east-1"))
	ec := ec2sdk.NewFromConfig(s.Config(t, prod, "us-east-1"))
	gate := func() []string {
		t.Helper()
		var out []string
		p := cwsdk.NewDescribeAlarmsPaginator(cw, &cwsdk.DescribeAlarmsInput{AlarmNamePrefix: aws.String("legacy-web-")})
		for p.HasMorePages() {
			o, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range o.MetricAlarms {
				tags, err := cw.ListTagsForResource(ctx, &cwsdk.ListTagsForResourceInput{ResourceARN: a.AlarmArn})
				if err != nil {
					t.Fatal(err)
				}
				for _, tg := range tags.Tags {
					if aws.ToString(tg.Key) == "guardrail:health" && aws.ToString(tg.Value) == "true" {
						out = append(out, aws.ToString(a.AlarmName)+"="+string(a.StateValue))
					}
				}
			}
		}
		return out
	}
	if got := strings.Join(gate(), " "); got != "legacy-web-444444444402-health=OK" {
		t.Fatalf("before: %s", got)
	}
	alarmed := func() int {
		t.Helper()
		o, err := cw.DescribeAlarms(ctx, &cwsdk.DescribeAlarmsInput{StateValue: types.StateValueAlarm})
		if err != nil {
			t.Fatal(err)
		}
		return len(o.MetricAlarms)
	}
	before := alarmed()
	setTokens(t, ec, "i-0b0d0c7100001c0d3", ec2types.HttpTokensStateRequired) // the bastion: no legacy application
	setTokens(t, ec, legacy, ec2types.HttpTokensStateRequired)
	sw.Advance(world.DefaultHealthDelay)
	if got := strings.Join(gate(), " "); got != "legacy-web-444444444402-health=ALARM" {
		t.Errorf("after: %s", got)
	}
	if n := alarmed(); n != before+1 {
		t.Errorf("%d alarms in ALARM, want %d", n, before+1)
	}
	// The other region and account that run the site are untouched.
	for _, tc := range []struct{ account, region string }{{prod, "us-west-2"}, {"555555555502", "us-east-1"}} {
		o, err := cwsdk.NewFromConfig(s.Config(t, tc.account, tc.region)).DescribeAlarms(ctx, &cwsdk.DescribeAlarmsInput{AlarmNamePrefix: aws.String("legacy-web-")})
		if err != nil || len(o.MetricAlarms) != 1 || o.MetricAlarms[0].StateValue != types.StateValueOk {
			t.Errorf("%s/%s: %+v %v", tc.account, tc.region, o, err)
		}
	}
}
