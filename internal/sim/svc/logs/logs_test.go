package logs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	logssdk "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

var created = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

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
	r.Logs = world.Logs{
		Groups: []*world.LogGroup{
			{Name: "aws-cloudtrail-logs-222222222222", RetentionDays: 365, KMSKeyID: "arn:aws:kms:eu-west-1:222222222222:key/abc", Created: created, StoredBytes: 42},
			{Name: "/aws/lambda/fn", Created: created},
		},
		MetricFilters: []*world.LogMetricFilter{
			{Name: "root", LogGroup: "aws-cloudtrail-logs-222222222222", Pattern: `{ $.userIdentity.type = "Root" }`, Created: created,
				Transformations: []world.LogMetricTransformation{{MetricName: "RootAccountUsage", MetricNamespace: "CISBenchmark", MetricValue: "1"}}},
		},
	}
	return w
}

func TestDescribeLogGroups(t *testing.T) {
	s := simtest.Start(t, seed())
	c := logssdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	out, err := c.DescribeLogGroups(ctx, &logssdk.DescribeLogGroupsInput{})
	if err != nil || len(out.LogGroups) != 2 {
		t.Fatalf("%+v %v", out, err)
	}
	g := out.LogGroups[1]
	if aws.ToString(g.LogGroupName) != "aws-cloudtrail-logs-222222222222" || aws.ToInt32(g.RetentionInDays) != 365 ||
		aws.ToString(g.KmsKeyId) != "arn:aws:kms:eu-west-1:222222222222:key/abc" || aws.ToInt32(g.MetricFilterCount) != 1 ||
		aws.ToString(g.Arn) != "arn:aws:logs:eu-west-1:222222222222:log-group:aws-cloudtrail-logs-222222222222:*" ||
		aws.ToInt64(g.CreationTime) != created.UnixMilli() || g.LogGroupClass != types.LogGroupClassStandard {
		t.Errorf("group = %+v", g)
	}
	if out.LogGroups[0].RetentionInDays != nil {
		t.Errorf("never-expire group has retention %d", aws.ToInt32(out.LogGroups[0].RetentionInDays))
	}
	out, _ = c.DescribeLogGroups(ctx, &logssdk.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/")})
	if len(out.LogGroups) != 1 {
		t.Errorf("prefix: %d", len(out.LogGroups))
	}
	// Pagination.
	for i := 0; i < 5; i++ {
		if _, err := c.CreateLogGroup(ctx, &logssdk.CreateLogGroupInput{LogGroupName: aws.String("/app/g" + string(rune('0'+i)))}); err != nil {
			t.Fatal(err)
		}
	}
	p := logssdk.NewDescribeLogGroupsPaginator(c, &logssdk.DescribeLogGroupsInput{Limit: aws.Int32(2)})
	n, pages := 0, 0
	for p.HasMorePages() {
		o, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(o.LogGroups)
		pages++
	}
	if n != 7 || pages != 4 {
		t.Errorf("n=%d pages=%d", n, pages)
	}
	_, err = c.DescribeLogGroups(ctx, &logssdk.DescribeLogGroupsInput{NextToken: aws.String("bogus")})
	var ip *types.InvalidParameterException
	if !errors.As(err, &ip) {
		t.Errorf("bad token: %v", err)
	}
	// Isolation.
	for _, cfg := range []aws.Config{s.Config(t, simtest.Member, "us-east-1"), s.Config(t, simtest.Management, region)} {
		o, err := logssdk.NewFromConfig(cfg).DescribeLogGroups(ctx, &logssdk.DescribeLogGroupsInput{})
		if err != nil || len(o.LogGroups) != 0 {
			t.Errorf("isolation: %+v %v", o, err)
		}
	}
}

func TestLogGroupWrites(t *testing.T) {
	s := simtest.Start(t, seed())
	c := logssdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	_, err := c.CreateLogGroup(ctx, &logssdk.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/fn")})
	var ae *types.ResourceAlreadyExistsException
	if !errors.As(err, &ae) {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := c.CreateLogGroup(ctx, &logssdk.CreateLogGroupInput{LogGroupName: aws.String("bad name!")}); code(err) != "InvalidParameterException" {
		t.Errorf("bad name: %v", err)
	}
	if _, err := c.PutRetentionPolicy(ctx, &logssdk.PutRetentionPolicyInput{LogGroupName: aws.String("/aws/lambda/fn"), RetentionInDays: aws.Int32(400)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutRetentionPolicy(ctx, &logssdk.PutRetentionPolicyInput{LogGroupName: aws.String("/aws/lambda/fn"), RetentionInDays: aws.Int32(2)}); code(err) != "InvalidParameterException" {
		t.Errorf("bad retention: %v", err)
	}
	_, err = c.PutRetentionPolicy(ctx, &logssdk.PutRetentionPolicyInput{LogGroupName: aws.String("nope"), RetentionInDays: aws.Int32(1)})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("missing group: %v", err)
	}
	out, _ := c.DescribeLogGroups(ctx, &logssdk.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/fn")})
	if aws.ToInt32(out.LogGroups[0].RetentionInDays) != 400 {
		t.Errorf("retention after put: %v", out.LogGroups[0].RetentionInDays)
	}
	if _, err := c.DeleteRetentionPolicy(ctx, &logssdk.DeleteRetentionPolicyInput{LogGroupName: aws.String("/aws/lambda/fn")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AssociateKmsKey(ctx, &logssdk.AssociateKmsKeyInput{LogGroupName: aws.String("/aws/lambda/fn"), KmsKeyId: aws.String("arn:aws:kms:eu-west-1:222222222222:key/k")}); err != nil {
		t.Fatal(err)
	}
	out, _ = c.DescribeLogGroups(ctx, &logssdk.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/fn")})
	if out.LogGroups[0].RetentionInDays != nil || aws.ToString(out.LogGroups[0].KmsKeyId) == "" {
		t.Errorf("after delete retention / associate key: %+v", out.LogGroups[0])
	}
	if _, err := c.DeleteLogGroup(ctx, &logssdk.DeleteLogGroupInput{LogGroupName: aws.String("aws-cloudtrail-logs-222222222222")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteLogGroup(ctx, &logssdk.DeleteLogGroupInput{LogGroupName: aws.String("aws-cloudtrail-logs-222222222222")}); !errors.As(err, &nf) {
		t.Errorf("delete twice: %v", err)
	}
	mf, err := c.DescribeMetricFilters(ctx, &logssdk.DescribeMetricFiltersInput{})
	if err != nil || len(mf.MetricFilters) != 0 {
		t.Errorf("filters survive their group: %+v %v", mf, err)
	}
}

func TestMetricFilters(t *testing.T) {
	s := simtest.Start(t, seed())
	c := logssdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	lg := aws.String("aws-cloudtrail-logs-222222222222")
	mt := []types.MetricTransformation{{MetricName: aws.String("IAMPolicyChanges"), MetricNamespace: aws.String("CISBenchmark"), MetricValue: aws.String("1")}}
	pat := `{($.eventName=DeleteGroupPolicy)||($.eventName=PutUserPolicy)}`
	if _, err := c.PutMetricFilter(ctx, &logssdk.PutMetricFilterInput{LogGroupName: lg, FilterName: aws.String("iam"), FilterPattern: aws.String(pat), MetricTransformations: mt}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "   ", "{ ($.eventName = X) ", "{ ($.eventName = X }", "}{"} {
		_, err := c.PutMetricFilter(ctx, &logssdk.PutMetricFilterInput{LogGroupName: lg, FilterName: aws.String("bad"), FilterPattern: aws.String(bad), MetricTransformations: mt})
		var ip *types.InvalidParameterException
		if !errors.As(err, &ip) {
			t.Errorf("pattern %q: %v", bad, err)
		}
	}
	_, err := c.PutMetricFilter(ctx, &logssdk.PutMetricFilterInput{LogGroupName: aws.String("nope"), FilterName: aws.String("x"), FilterPattern: aws.String(pat), MetricTransformations: mt})
	if code(err) != "ResourceNotFoundException" {
		t.Errorf("missing group: %v", err)
	}
	out, err := c.DescribeMetricFilters(ctx, &logssdk.DescribeMetricFiltersInput{LogGroupName: lg})
	if err != nil || len(out.MetricFilters) != 2 {
		t.Fatalf("%+v %v", out, err)
	}
	f := out.MetricFilters[0]
	if aws.ToString(f.FilterName) != "iam" || aws.ToString(f.FilterPattern) != pat || aws.ToString(f.LogGroupName) != *lg ||
		len(f.MetricTransformations) != 1 || aws.ToString(f.MetricTransformations[0].MetricName) != "IAMPolicyChanges" || aws.ToInt64(f.CreationTime) == 0 {
		t.Errorf("filter = %+v", f)
	}
	out, _ = c.DescribeMetricFilters(ctx, &logssdk.DescribeMetricFiltersInput{MetricName: aws.String("RootAccountUsage"), MetricNamespace: aws.String("CISBenchmark")})
	if len(out.MetricFilters) != 1 || aws.ToString(out.MetricFilters[0].FilterName) != "root" {
		t.Errorf("by metric: %+v", out.MetricFilters)
	}
	out, _ = c.DescribeMetricFilters(ctx, &logssdk.DescribeMetricFiltersInput{LogGroupName: lg, FilterNamePrefix: aws.String("ro")})
	if len(out.MetricFilters) != 1 {
		t.Errorf("by prefix: %+v", out.MetricFilters)
	}
	if _, err := c.DescribeMetricFilters(ctx, &logssdk.DescribeMetricFiltersInput{MetricName: aws.String("x")}); code(err) != "InvalidParameterException" {
		t.Errorf("name without namespace: %v", err)
	}
	if _, err := c.DescribeMetricFilters(ctx, &logssdk.DescribeMetricFiltersInput{LogGroupName: aws.String("nope")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("missing group: %v", err)
	}
	p := logssdk.NewDescribeMetricFiltersPaginator(c, &logssdk.DescribeMetricFiltersInput{Limit: aws.Int32(1)})
	n := 0
	for p.HasMorePages() {
		o, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(o.MetricFilters)
	}
	if n != 2 {
		t.Errorf("paged %d", n)
	}
	if _, err := c.DeleteMetricFilter(ctx, &logssdk.DeleteMetricFilterInput{LogGroupName: lg, FilterName: aws.String("iam")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteMetricFilter(ctx, &logssdk.DeleteMetricFilterInput{LogGroupName: lg, FilterName: aws.String("iam")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("delete twice: %v", err)
	}
}

// TestDemoData decodes every profile of the demo data file.
func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.Logs]("logs")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) == 0 {
		t.Fatal("no profiles")
	}
}
