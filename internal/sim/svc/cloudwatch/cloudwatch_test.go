package cloudwatch_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwsdk "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

var updated = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

const topic = "arn:aws:sns:eu-west-1:222222222222:alarms"

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func seed() *world.World {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	r.CloudWatch = world.CloudWatch{
		Alarms: []*world.MetricAlarm{
			{Name: "CIS-4.3-RootAccountUsage", MetricName: "RootAccountUsage", Namespace: "CISBenchmark", Statistic: "Sum", Period: 300,
				EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold", AlarmActions: []string{topic},
				State: "OK", StateUpdated: updated, ConfigUpdated: updated},
			{Name: "cpu-high", MetricName: "CPUUtilization", Namespace: "AWS/EC2", Statistic: "Average", Period: 60, EvaluationPeriods: 3,
				Threshold: 90.5, ComparisonOperator: "GreaterThanThreshold", State: "ALARM", StateUpdated: updated, ConfigUpdated: updated,
				Dimensions: []world.CWDimension{{Name: "InstanceId", Value: "i-1"}}},
		},
		Metrics: []world.CWMetric{{Namespace: "AWS/EC2", MetricName: "CPUUtilization", Dimensions: []world.CWDimension{{Name: "InstanceId", Value: "i-1"}}},
			{Namespace: "CISBenchmark", MetricName: "RootAccountUsage"}},
	}
	return w
}

func TestDescribeAlarms(t *testing.T) {
	s := simtest.Start(t, seed())
	c := cwsdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	out, err := c.DescribeAlarms(ctx, &cwsdk.DescribeAlarmsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.MetricAlarms) != 2 || out.NextToken != nil {
		t.Fatalf("%+v", out)
	}
	a := out.MetricAlarms[0]
	if aws.ToString(a.AlarmName) != "CIS-4.3-RootAccountUsage" || aws.ToString(a.MetricName) != "RootAccountUsage" ||
		aws.ToString(a.Namespace) != "CISBenchmark" || a.Statistic != types.StatisticSum || aws.ToInt32(a.Period) != 300 ||
		aws.ToInt32(a.EvaluationPeriods) != 1 || aws.ToFloat64(a.Threshold) != 1 ||
		a.ComparisonOperator != types.ComparisonOperatorGreaterThanOrEqualToThreshold || len(a.AlarmActions) != 1 || a.AlarmActions[0] != topic ||
		a.StateValue != types.StateValueOk || !aws.ToBool(a.ActionsEnabled) || !aws.ToTime(a.StateUpdatedTimestamp).Equal(updated) ||
		!aws.ToTime(a.AlarmConfigurationUpdatedTimestamp).Equal(updated) ||
		aws.ToString(a.AlarmArn) != "arn:aws:cloudwatch:eu-west-1:222222222222:alarm:CIS-4.3-RootAccountUsage" {
		t.Errorf("alarm = %+v", a)
	}
	b := out.MetricAlarms[1]
	if aws.ToFloat64(b.Threshold) != 90.5 || len(b.Dimensions) != 1 || aws.ToString(b.Dimensions[0].Value) != "i-1" {
		t.Errorf("alarm 2 = %+v", b)
	}
	for _, tc := range []struct {
		in   cwsdk.DescribeAlarmsInput
		want int
	}{
		{cwsdk.DescribeAlarmsInput{AlarmNames: []string{"cpu-high", "nope"}}, 1},
		{cwsdk.DescribeAlarmsInput{AlarmNamePrefix: aws.String("CIS-")}, 1},
		{cwsdk.DescribeAlarmsInput{StateValue: types.StateValueAlarm}, 1},
		{cwsdk.DescribeAlarmsInput{StateValue: types.StateValueInsufficientData}, 0},
		{cwsdk.DescribeAlarmsInput{ActionPrefix: aws.String("arn:aws:sns:")}, 1},
		{cwsdk.DescribeAlarmsInput{AlarmTypes: []types.AlarmType{types.AlarmTypeCompositeAlarm}}, 0},
	} {
		o, err := c.DescribeAlarms(ctx, &tc.in)
		if err != nil || len(o.MetricAlarms) != tc.want {
			t.Errorf("DescribeAlarms(%+v) = %d %v", tc.in, len(o.MetricAlarms), err)
		}
	}
	_, err = c.DescribeAlarms(ctx, &cwsdk.DescribeAlarmsInput{MaxRecords: aws.Int32(101)})
	var iv *types.InvalidParameterValueException
	if !errors.As(err, &iv) || code(err) != "InvalidParameterValue" {
		t.Errorf("MaxRecords 101: %T %v (code %q)", err, err, code(err))
	}
	_, err = c.DescribeAlarms(ctx, &cwsdk.DescribeAlarmsInput{NextToken: aws.String("junk")})
	var nt *types.InvalidNextToken
	if !errors.As(err, &nt) || code(err) != "InvalidNextToken" {
		t.Errorf("bad token: %T %v", err, err)
	}
	// Region and account isolation.
	for _, cfg := range []aws.Config{s.Config(t, simtest.Member, "us-east-1"), s.Config(t, simtest.Management, region)} {
		o, err := cwsdk.NewFromConfig(cfg).DescribeAlarms(ctx, &cwsdk.DescribeAlarmsInput{})
		if err != nil || len(o.MetricAlarms) != 0 {
			t.Errorf("isolation: %+v %v", o, err)
		}
	}
}

func TestPutDescribeDeletePaginate(t *testing.T) {
	s := simtest.Start(t, seed())
	c := cwsdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		_, err := c.PutMetricAlarm(ctx, &cwsdk.PutMetricAlarmInput{
			AlarmName: aws.String(fmt.Sprintf("new-%d", i)), MetricName: aws.String("IAMPolicyChanges"), Namespace: aws.String("CISBenchmark"),
			Statistic: types.StatisticSum, Period: aws.Int32(300), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
			ComparisonOperator: types.ComparisonOperatorGreaterThanOrEqualToThreshold, AlarmActions: []string{topic},
			AlarmDescription: aws.String("d"), TreatMissingData: aws.String("notBreaching"),
			Dimensions: []types.Dimension{{Name: aws.String("k"), Value: aws.String("v")}},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	o, err := c.DescribeAlarms(ctx, &cwsdk.DescribeAlarmsInput{AlarmNames: []string{"new-3"}})
	if err != nil || len(o.MetricAlarms) != 1 {
		t.Fatalf("%+v %v", o, err)
	}
	a := o.MetricAlarms[0]
	if a.StateValue != types.StateValueInsufficientData || aws.ToString(a.AlarmDescription) != "d" || aws.ToString(a.TreatMissingData) != "notBreaching" ||
		aws.ToTime(a.AlarmConfigurationUpdatedTimestamp).IsZero() || len(a.Dimensions) != 1 {
		t.Errorf("new alarm = %+v", a)
	}
	p := cwsdk.NewDescribeAlarmsPaginator(c, &cwsdk.DescribeAlarmsInput{MaxRecords: aws.Int32(2)})
	n, pages := 0, 0
	for p.HasMorePages() {
		o, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(o.MetricAlarms)
		pages++
	}
	if n != 7 || pages != 4 {
		t.Errorf("n=%d pages=%d", n, pages)
	}
	fm, err := c.DescribeAlarmsForMetric(ctx, &cwsdk.DescribeAlarmsForMetricInput{MetricName: aws.String("IAMPolicyChanges"), Namespace: aws.String("CISBenchmark")})
	if err != nil || len(fm.MetricAlarms) != 5 {
		t.Errorf("for metric: %d %v", len(fm.MetricAlarms), err)
	}
	fm, _ = c.DescribeAlarmsForMetric(ctx, &cwsdk.DescribeAlarmsForMetricInput{MetricName: aws.String("CPUUtilization"), Namespace: aws.String("AWS/EC2"),
		Dimensions: []types.Dimension{{Name: aws.String("InstanceId"), Value: aws.String("i-2")}}})
	if len(fm.MetricAlarms) != 0 {
		t.Errorf("dimension filter: %d", len(fm.MetricAlarms))
	}
	// Update in place.
	_, err = c.PutMetricAlarm(ctx, &cwsdk.PutMetricAlarmInput{AlarmName: aws.String("new-0"), MetricName: aws.String("X"), Namespace: aws.String("N"),
		Statistic: types.StatisticMaximum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(2), Threshold: aws.Float64(0),
		ComparisonOperator: types.ComparisonOperatorLessThanThreshold, ActionsEnabled: aws.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	o, _ = c.DescribeAlarms(ctx, &cwsdk.DescribeAlarmsInput{AlarmNames: []string{"new-0"}})
	if a := o.MetricAlarms[0]; aws.ToString(a.MetricName) != "X" || aws.ToBool(a.ActionsEnabled) || len(a.AlarmActions) != 0 {
		t.Errorf("updated = %+v", a)
	}
	// Errors.
	bad := []struct {
		in   cwsdk.PutMetricAlarmInput
		code string
	}{
		{cwsdk.PutMetricAlarmInput{AlarmName: aws.String("x"), MetricName: aws.String("m"), Namespace: aws.String("n"), Statistic: types.StatisticSum,
			Period: aws.Int32(45), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1), ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold}, "InvalidParameterValue"},
		{cwsdk.PutMetricAlarmInput{AlarmName: aws.String("x"), MetricName: aws.String("m"), Namespace: aws.String("n"), Statistic: types.StatisticSum,
			Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1), ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold,
			AlarmActions: []string{"arn:1", "arn:2", "arn:3", "arn:4", "arn:5", "arn:6"}}, "LimitExceeded"},
		{cwsdk.PutMetricAlarmInput{AlarmName: aws.String("x"), MetricName: aws.String("m"), Namespace: aws.String("n"),
			Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1), ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold}, "MissingParameter"},
	}
	for _, tc := range bad {
		_, err := c.PutMetricAlarm(ctx, &tc.in)
		if code(err) != tc.code {
			t.Errorf("PutMetricAlarm: %v, want %s", err, tc.code)
		}
	}
	_, err = c.PutMetricAlarm(ctx, &bad[1].in)
	var le *types.LimitExceededFault
	if !errors.As(err, &le) {
		t.Errorf("limit: %T", err)
	}
	// Delete.
	_, err = c.DeleteAlarms(ctx, &cwsdk.DeleteAlarmsInput{AlarmNames: []string{"new-1", "missing"}})
	var rnf *types.ResourceNotFound
	if !errors.As(err, &rnf) || code(err) != "ResourceNotFound" {
		t.Errorf("delete missing: %T %v", err, err)
	}
	if _, err := c.DeleteAlarms(ctx, &cwsdk.DeleteAlarmsInput{AlarmNames: []string{"new-1", "new-2"}}); err != nil {
		t.Fatal(err)
	}
	o, _ = c.DescribeAlarms(ctx, &cwsdk.DescribeAlarmsInput{AlarmNamePrefix: aws.String("new-")})
	if len(o.MetricAlarms) != 3 {
		t.Errorf("after delete: %d", len(o.MetricAlarms))
	}
	if _, err := c.DisableAlarmActions(ctx, &cwsdk.DisableAlarmActionsInput{AlarmNames: []string{"new-3"}}); err != nil {
		t.Fatal(err)
	}
	o, _ = c.DescribeAlarms(ctx, &cwsdk.DescribeAlarmsInput{AlarmNames: []string{"new-3"}})
	if aws.ToBool(o.MetricAlarms[0].ActionsEnabled) {
		t.Error("actions still enabled")
	}
}

func TestListMetrics(t *testing.T) {
	s := simtest.Start(t, seed())
	ctx := context.Background()
	c := cwsdk.NewFromConfig(s.Config(t, simtest.Member, region))
	o, err := c.ListMetrics(ctx, &cwsdk.ListMetricsInput{})
	if err != nil || len(o.Metrics) != 2 || aws.ToString(o.Metrics[0].Namespace) != "AWS/EC2" {
		t.Fatalf("%+v %v", o, err)
	}
	o, _ = c.ListMetrics(ctx, &cwsdk.ListMetricsInput{Namespace: aws.String("CISBenchmark")})
	if len(o.Metrics) != 1 {
		t.Errorf("namespace filter: %+v", o.Metrics)
	}
	o, _ = c.ListMetrics(ctx, &cwsdk.ListMetricsInput{Dimensions: []types.DimensionFilter{{Name: aws.String("InstanceId")}}})
	if len(o.Metrics) != 1 {
		t.Errorf("dimension filter: %+v", o.Metrics)
	}
	o, err = cwsdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1")).ListMetrics(ctx, &cwsdk.ListMetricsInput{})
	if err != nil || len(o.Metrics) != 0 {
		t.Errorf("empty region: %+v %v", o, err)
	}
}

// TestDemoData decodes every profile of the demo data file.
func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.CloudWatch]("cloudwatch")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) == 0 {
		t.Fatal("no profiles")
	}
}
