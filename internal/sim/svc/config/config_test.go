package config_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfgsdk "github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return fmt.Sprintf("not an API error: %v", err)
}

func wantCode(t *testing.T, what string, err error, want string) {
	t.Helper()
	if got := code(err); got != want {
		t.Errorf("%s: err = %v, want %s", what, err, want)
	}
}

const role = "arn:aws:iam::222222222222:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"

func TestRecorderAndChannel(t *testing.T) {
	ctx := context.Background()
	w := simtest.NewWorld()
	w.Buckets["config-bucket"] = simtest.Management
	s := simtest.Start(t, w)
	c := cfgsdk.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))
	us := cfgsdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))

	d, err := c.DescribeConfigurationRecorders(ctx, &cfgsdk.DescribeConfigurationRecordersInput{})
	if err != nil || len(d.ConfigurationRecorders) != 0 {
		t.Fatalf("empty = %+v %v", d, err)
	}
	_, err = c.PutDeliveryChannel(ctx, &cfgsdk.PutDeliveryChannelInput{DeliveryChannel: &types.DeliveryChannel{Name: aws.String("default"), S3BucketName: aws.String("config-bucket")}})
	wantCode(t, "channel before recorder", err, "NoAvailableConfigurationRecorderException")
	_, err = c.PutConfigurationRecorder(ctx, &cfgsdk.PutConfigurationRecorderInput{ConfigurationRecorder: &types.ConfigurationRecorder{Name: aws.String("default"), RoleARN: aws.String(role),
		RecordingGroup: &types.RecordingGroup{AllSupported: false, IncludeGlobalResourceTypes: true}}})
	wantCode(t, "bad group", err, "InvalidRecordingGroupException")
	_, err = c.PutConfigurationRecorder(ctx, &cfgsdk.PutConfigurationRecorderInput{ConfigurationRecorder: &types.ConfigurationRecorder{Name: aws.String("default"), RoleARN: aws.String("nope")}})
	wantCode(t, "bad role", err, "InvalidRoleException")
	_, err = c.PutConfigurationRecorder(ctx, &cfgsdk.PutConfigurationRecorderInput{ConfigurationRecorder: &types.ConfigurationRecorder{Name: aws.String("default"), RoleARN: aws.String(role),
		RecordingGroup: &types.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: true}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PutConfigurationRecorder(ctx, &cfgsdk.PutConfigurationRecorderInput{ConfigurationRecorder: &types.ConfigurationRecorder{Name: aws.String("second"), RoleARN: aws.String(role)}})
	wantCode(t, "second recorder", err, "MaxNumberOfConfigurationRecordersExceededException")
	d, _ = c.DescribeConfigurationRecorders(ctx, &cfgsdk.DescribeConfigurationRecordersInput{ConfigurationRecorderNames: []string{"default"}})
	if len(d.ConfigurationRecorders) != 1 {
		t.Fatalf("recorders = %+v", d)
	}
	r := d.ConfigurationRecorders[0]
	if aws.ToString(r.RoleARN) != role || !r.RecordingGroup.AllSupported || !r.RecordingGroup.IncludeGlobalResourceTypes ||
		r.RecordingGroup.RecordingStrategy.UseOnly != types.RecordingStrategyTypeAllSupportedResourceTypes || r.RecordingMode.RecordingFrequency != types.RecordingFrequencyContinuous {
		t.Errorf("recorder = %+v %+v", r, r.RecordingGroup)
	}
	_, err = c.DescribeConfigurationRecorders(ctx, &cfgsdk.DescribeConfigurationRecordersInput{ConfigurationRecorderNames: []string{"nope"}})
	wantCode(t, "describe unknown", err, "NoSuchConfigurationRecorderException")
	_, err = c.StartConfigurationRecorder(ctx, &cfgsdk.StartConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")})
	wantCode(t, "start without channel", err, "NoAvailableDeliveryChannelException")

	_, err = c.PutDeliveryChannel(ctx, &cfgsdk.PutDeliveryChannelInput{DeliveryChannel: &types.DeliveryChannel{Name: aws.String("default"), S3BucketName: aws.String("no-bucket")}})
	wantCode(t, "missing bucket", err, "NoSuchBucketException")
	if _, err := c.PutDeliveryChannel(ctx, &cfgsdk.PutDeliveryChannelInput{DeliveryChannel: &types.DeliveryChannel{Name: aws.String("default"), S3BucketName: aws.String("config-bucket"),
		ConfigSnapshotDeliveryProperties: &types.ConfigSnapshotDeliveryProperties{DeliveryFrequency: types.MaximumExecutionFrequencyTwentyFourHours}}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutDeliveryChannel(ctx, &cfgsdk.PutDeliveryChannelInput{DeliveryChannel: &types.DeliveryChannel{Name: aws.String("other"), S3BucketName: aws.String("config-bucket")}})
	wantCode(t, "second channel", err, "MaxNumberOfDeliveryChannelsExceededException")
	dc, err := c.DescribeDeliveryChannels(ctx, &cfgsdk.DescribeDeliveryChannelsInput{})
	if err != nil || len(dc.DeliveryChannels) != 1 || aws.ToString(dc.DeliveryChannels[0].S3BucketName) != "config-bucket" ||
		dc.DeliveryChannels[0].ConfigSnapshotDeliveryProperties.DeliveryFrequency != types.MaximumExecutionFrequencyTwentyFourHours {
		t.Errorf("channels = %+v %v", dc, err)
	}
	_, err = c.DescribeDeliveryChannels(ctx, &cfgsdk.DescribeDeliveryChannelsInput{DeliveryChannelNames: []string{"nope"}})
	wantCode(t, "unknown channel", err, "NoSuchDeliveryChannelException")

	if _, err := c.StartConfigurationRecorder(ctx, &cfgsdk.StartConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")}); err != nil {
		t.Fatal(err)
	}
	st, err := c.DescribeConfigurationRecorderStatus(ctx, &cfgsdk.DescribeConfigurationRecorderStatusInput{})
	if err != nil || len(st.ConfigurationRecordersStatus) != 1 || !st.ConfigurationRecordersStatus[0].Recording ||
		st.ConfigurationRecordersStatus[0].LastStatus != types.RecorderStatusSuccess || st.ConfigurationRecordersStatus[0].LastStartTime == nil {
		t.Fatalf("status = %+v %v", st, err)
	}
	cs, err := c.DescribeDeliveryChannelStatus(ctx, &cfgsdk.DescribeDeliveryChannelStatusInput{})
	if err != nil || len(cs.DeliveryChannelsStatus) != 1 || cs.DeliveryChannelsStatus[0].ConfigHistoryDeliveryInfo.LastStatus != types.DeliveryStatusSuccess {
		t.Errorf("channel status = %+v %v", cs, err)
	}
	_, err = c.DeleteDeliveryChannel(ctx, &cfgsdk.DeleteDeliveryChannelInput{DeliveryChannelName: aws.String("default")})
	wantCode(t, "delete channel while recording", err, "LastDeliveryChannelDeleteFailedException")

	// Region isolation.
	d, _ = us.DescribeConfigurationRecorders(ctx, &cfgsdk.DescribeConfigurationRecordersInput{})
	if len(d.ConfigurationRecorders) != 0 {
		t.Errorf("us-east-1 sees eu-west-1 recorder")
	}
	// Account isolation.
	m := cfgsdk.NewFromConfig(s.Config(t, simtest.Management, "eu-west-1"))
	d, _ = m.DescribeConfigurationRecorders(ctx, &cfgsdk.DescribeConfigurationRecordersInput{})
	if len(d.ConfigurationRecorders) != 0 {
		t.Errorf("management sees member recorder")
	}

	if _, err := c.StopConfigurationRecorder(ctx, &cfgsdk.StopConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")}); err != nil {
		t.Fatal(err)
	}
	st, _ = c.DescribeConfigurationRecorderStatus(ctx, &cfgsdk.DescribeConfigurationRecorderStatusInput{ConfigurationRecorderNames: []string{"default"}})
	if st.ConfigurationRecordersStatus[0].Recording || st.ConfigurationRecordersStatus[0].LastStopTime == nil {
		t.Errorf("stopped status = %+v", st.ConfigurationRecordersStatus[0])
	}
	_, err = c.StopConfigurationRecorder(ctx, &cfgsdk.StopConfigurationRecorderInput{ConfigurationRecorderName: aws.String("nope")})
	wantCode(t, "stop unknown", err, "NoSuchConfigurationRecorderException")
	if _, err := c.DeleteDeliveryChannel(ctx, &cfgsdk.DeleteDeliveryChannelInput{DeliveryChannelName: aws.String("default")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteDeliveryChannel(ctx, &cfgsdk.DeleteDeliveryChannelInput{DeliveryChannelName: aws.String("default")})
	wantCode(t, "delete channel twice", err, "NoSuchDeliveryChannelException")
	if _, err := c.DeleteConfigurationRecorder(ctx, &cfgsdk.DeleteConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteConfigurationRecorder(ctx, &cfgsdk.DeleteConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")})
	wantCode(t, "delete recorder twice", err, "NoSuchConfigurationRecorderException")
}

func TestAggregatorsAndRules(t *testing.T) {
	ctx := context.Background()
	w := simtest.NewWorld()
	w.Org = &world.Organization{ID: "o-abcdefghij", ManagementAccount: simtest.Management, RootID: "r-ab12",
		Members:         map[string]*world.Member{simtest.Member: {Account: simtest.Member}},
		DelegatedAdmins: map[string][]world.DelegatedAdmin{"config.amazonaws.com": {{Account: simtest.Member, Since: simtest.Now}}}}
	w.AddAccount("333333333333", "third", "t@example.com")
	w.Org.Members["333333333333"] = &world.Member{Account: "333333333333"}
	s := simtest.Start(t, w)
	c := cfgsdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	third := cfgsdk.NewFromConfig(s.Config(t, "333333333333", "us-east-1"))

	org := &types.OrganizationAggregationSource{RoleArn: aws.String("arn:aws:iam::222222222222:role/ConfigAggregator"), AllAwsRegions: true}
	_, err := third.PutConfigurationAggregator(ctx, &cfgsdk.PutConfigurationAggregatorInput{ConfigurationAggregatorName: aws.String("org"), OrganizationAggregationSource: org})
	wantCode(t, "non-admin org aggregator", err, "OrganizationAccessDeniedException")
	_, err = c.PutConfigurationAggregator(ctx, &cfgsdk.PutConfigurationAggregatorInput{ConfigurationAggregatorName: aws.String("org")})
	wantCode(t, "no source", err, "InvalidParameterValueException")
	pa, err := c.PutConfigurationAggregator(ctx, &cfgsdk.PutConfigurationAggregatorInput{ConfigurationAggregatorName: aws.String("org"), OrganizationAggregationSource: org})
	if err != nil || !strings.HasPrefix(aws.ToString(pa.ConfigurationAggregator.ConfigurationAggregatorArn), "arn:aws:config:us-east-1:222222222222:config-aggregator/config-aggregator-") {
		t.Fatalf("put aggregator = %+v %v", pa, err)
	}
	for i := 0; i < 11; i++ {
		if _, err := c.PutConfigurationAggregator(ctx, &cfgsdk.PutConfigurationAggregatorInput{ConfigurationAggregatorName: aws.String(fmt.Sprintf("acct-%02d", i)),
			AccountAggregationSources: []types.AccountAggregationSource{{AccountIds: []string{"333333333333"}, AwsRegions: []string{"us-east-1"}}}}); err != nil {
			t.Fatal(err)
		}
	}
	n, pages := 0, 0
	p := cfgsdk.NewDescribeConfigurationAggregatorsPaginator(c, &cfgsdk.DescribeConfigurationAggregatorsInput{})
	for p.HasMorePages() {
		o, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(o.ConfigurationAggregators)
		pages++
	}
	if n != 12 || pages != 2 {
		t.Errorf("aggregators %d in %d pages", n, pages)
	}
	da, err := c.DescribeConfigurationAggregators(ctx, &cfgsdk.DescribeConfigurationAggregatorsInput{ConfigurationAggregatorNames: []string{"org"}})
	if err != nil || da.ConfigurationAggregators[0].OrganizationAggregationSource == nil || !da.ConfigurationAggregators[0].OrganizationAggregationSource.AllAwsRegions {
		t.Errorf("describe org aggregator = %+v %v", da, err)
	}
	_, err = c.DescribeConfigurationAggregators(ctx, &cfgsdk.DescribeConfigurationAggregatorsInput{NextToken: aws.String("bogus")})
	wantCode(t, "bad token", err, "InvalidNextTokenException")
	if _, err := c.DeleteConfigurationAggregator(ctx, &cfgsdk.DeleteConfigurationAggregatorInput{ConfigurationAggregatorName: aws.String("org")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteConfigurationAggregator(ctx, &cfgsdk.DeleteConfigurationAggregatorInput{ConfigurationAggregatorName: aws.String("org")})
	wantCode(t, "delete twice", err, "NoSuchConfigurationAggregatorException")

	rule := &types.ConfigRule{ConfigRuleName: aws.String("s3-bucket-public-read-prohibited"), Source: &types.Source{Owner: types.OwnerAws, SourceIdentifier: aws.String("S3_BUCKET_PUBLIC_READ_PROHIBITED")},
		Scope: &types.Scope{ComplianceResourceTypes: []string{"AWS::S3::Bucket"}}}
	_, err = c.PutConfigRule(ctx, &cfgsdk.PutConfigRuleInput{ConfigRule: rule})
	wantCode(t, "rule without recorder", err, "NoAvailableConfigurationRecorderException")
	if _, err := c.PutConfigurationRecorder(ctx, &cfgsdk.PutConfigurationRecorderInput{ConfigurationRecorder: &types.ConfigurationRecorder{Name: aws.String("default"), RoleARN: aws.String(role)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutConfigRule(ctx, &cfgsdk.PutConfigRuleInput{ConfigRule: rule}); err != nil {
		t.Fatal(err)
	}
	dr, err := c.DescribeConfigRules(ctx, &cfgsdk.DescribeConfigRulesInput{})
	if err != nil || len(dr.ConfigRules) != 1 || dr.ConfigRules[0].ConfigRuleState != types.ConfigRuleStateActive || dr.ConfigRules[0].Source.Owner != types.OwnerAws ||
		!strings.HasPrefix(aws.ToString(dr.ConfigRules[0].ConfigRuleArn), "arn:aws:config:us-east-1:222222222222:config-rule/config-rule-") {
		t.Fatalf("rules = %+v %v", dr, err)
	}
	_, err = c.DescribeConfigRules(ctx, &cfgsdk.DescribeConfigRulesInput{ConfigRuleNames: []string{"nope"}})
	wantCode(t, "unknown rule", err, "NoSuchConfigRuleException")
	if _, err := c.DeleteConfigRule(ctx, &cfgsdk.DeleteConfigRuleInput{ConfigRuleName: rule.ConfigRuleName}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteConfigRule(ctx, &cfgsdk.DeleteConfigRuleInput{ConfigRuleName: rule.ConfigRuleName})
	wantCode(t, "delete rule twice", err, "NoSuchConfigRuleException")
}

func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.ConfigService]("config")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"hardened", "managed", "partial", "weak"} {
		if _, ok := profiles[p]; !ok {
			t.Errorf("profile %s missing", p)
		}
	}
}
