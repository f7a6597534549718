package sns_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	snssdk "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"
const alarms = "arn:aws:sns:eu-west-1:222222222222:alarms"

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
	r.SNS.Topics = []*world.SNSTopic{{Name: "alarms", Attributes: map[string]string{"KmsMasterKeyId": "alias/aws/sns", "DisplayName": "Alarms"},
		Subscriptions: []*world.SNSSubscription{{ID: "11111111-2222-3333-4444-555555555555", Protocol: "email", Endpoint: "sec@example.com", Confirmed: true}}}}
	return w
}

func TestTopics(t *testing.T) {
	s := simtest.Start(t, seed())
	c := snssdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	ga, err := c.GetTopicAttributes(ctx, &snssdk.GetTopicAttributesInput{TopicArn: aws.String(alarms)})
	if err != nil {
		t.Fatal(err)
	}
	a := ga.Attributes
	if a["TopicArn"] != alarms || a["KmsMasterKeyId"] != "alias/aws/sns" || a["SubscriptionsConfirmed"] != "1" || a["SubscriptionsPending"] != "0" ||
		a["Owner"] != simtest.Member || !strings.Contains(a["Policy"], `"Resource":"`+alarms+`"`) || a["DisplayName"] != "Alarms" {
		t.Errorf("attributes = %v", a)
	}
	_, err = c.GetTopicAttributes(ctx, &snssdk.GetTopicAttributesInput{TopicArn: aws.String("arn:aws:sns:eu-west-1:222222222222:nope")})
	var nf *types.NotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("missing topic: %v", err)
	}
	if _, err := c.GetTopicAttributes(ctx, &snssdk.GetTopicAttributesInput{TopicArn: aws.String("garbage")}); code(err) != "InvalidParameter" {
		t.Errorf("bad arn: %v", err)
	}
	ct, err := c.CreateTopic(ctx, &snssdk.CreateTopicInput{Name: aws.String("new"), Attributes: map[string]string{"DisplayName": "New"}})
	if err != nil || aws.ToString(ct.TopicArn) != "arn:aws:sns:eu-west-1:222222222222:new" {
		t.Fatalf("%+v %v", ct, err)
	}
	ct2, err := c.CreateTopic(ctx, &snssdk.CreateTopicInput{Name: aws.String("new")})
	if err != nil || aws.ToString(ct2.TopicArn) != aws.ToString(ct.TopicArn) {
		t.Errorf("idempotent create: %+v %v", ct2, err)
	}
	if _, err := c.CreateTopic(ctx, &snssdk.CreateTopicInput{Name: aws.String("bad name")}); code(err) != "InvalidParameter" {
		t.Errorf("bad name: %v", err)
	}
	if _, err := c.SetTopicAttributes(ctx, &snssdk.SetTopicAttributesInput{TopicArn: ct.TopicArn, AttributeName: aws.String("KmsMasterKeyId"), AttributeValue: aws.String("alias/k")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetTopicAttributes(ctx, &snssdk.SetTopicAttributesInput{TopicArn: ct.TopicArn, AttributeName: aws.String("Bogus"), AttributeValue: aws.String("x")}); code(err) != "InvalidParameter" {
		t.Errorf("bad attribute: %v", err)
	}
	ga, _ = c.GetTopicAttributes(ctx, &snssdk.GetTopicAttributesInput{TopicArn: ct.TopicArn})
	if ga.Attributes["KmsMasterKeyId"] != "alias/k" || ga.Attributes["DisplayName"] != "New" {
		t.Errorf("after set: %v", ga.Attributes)
	}
	// Pagination: 150 topics in all.
	for i := 0; i < 148; i++ {
		if _, err := c.CreateTopic(ctx, &snssdk.CreateTopicInput{Name: aws.String(fmt.Sprintf("t%03d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	p := snssdk.NewListTopicsPaginator(c, &snssdk.ListTopicsInput{})
	var sizes []int
	for p.HasMorePages() {
		o, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(o.Topics))
	}
	if fmt.Sprint(sizes) != "[100 50]" {
		t.Errorf("pages %v", sizes)
	}
	if _, err := c.ListTopics(ctx, &snssdk.ListTopicsInput{NextToken: aws.String("bad")}); code(err) != "InvalidParameter" {
		t.Errorf("bad token: %v", err)
	}
	if _, err := c.DeleteTopic(ctx, &snssdk.DeleteTopicInput{TopicArn: ct.TopicArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetTopicAttributes(ctx, &snssdk.GetTopicAttributesInput{TopicArn: ct.TopicArn}); code(err) != "NotFound" {
		t.Errorf("after delete: %v", err)
	}
	// Isolation.
	for _, cfg := range []aws.Config{s.Config(t, simtest.Member, "us-east-1"), s.Config(t, simtest.Management, region)} {
		o, err := snssdk.NewFromConfig(cfg).ListTopics(ctx, &snssdk.ListTopicsInput{})
		if err != nil || len(o.Topics) != 0 {
			t.Errorf("isolation: %+v %v", o, err)
		}
	}
}

func TestSubscriptions(t *testing.T) {
	s := simtest.Start(t, seed())
	c := snssdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	sub, err := c.Subscribe(ctx, &snssdk.SubscribeInput{TopicArn: aws.String(alarms), Protocol: aws.String("email"), Endpoint: aws.String("ops@example.com")})
	if err != nil || aws.ToString(sub.SubscriptionArn) != "pending confirmation" {
		t.Fatalf("email subscribe: %+v %v", sub, err)
	}
	sq, err := c.Subscribe(ctx, &snssdk.SubscribeInput{TopicArn: aws.String(alarms), Protocol: aws.String("sqs"), Endpoint: aws.String("arn:aws:sqs:eu-west-1:222222222222:q")})
	if err != nil || !strings.HasPrefix(aws.ToString(sq.SubscriptionArn), alarms+":") {
		t.Fatalf("sqs subscribe: %+v %v", sq, err)
	}
	for _, in := range []snssdk.SubscribeInput{
		{TopicArn: aws.String(alarms), Protocol: aws.String("carrier-pigeon"), Endpoint: aws.String("x")},
		{TopicArn: aws.String(alarms), Protocol: aws.String("email"), Endpoint: aws.String("not-an-address")},
	} {
		if _, err := c.Subscribe(ctx, &in); code(err) != "InvalidParameter" {
			t.Errorf("Subscribe(%s): %v", aws.ToString(in.Protocol), err)
		}
	}
	if _, err := c.Subscribe(ctx, &snssdk.SubscribeInput{TopicArn: aws.String(alarms + "x"), Protocol: aws.String("email"), Endpoint: aws.String("a@b.c")}); code(err) != "NotFound" {
		t.Errorf("missing topic: %v", err)
	}
	ls, err := c.ListSubscriptions(ctx, &snssdk.ListSubscriptionsInput{})
	if err != nil || len(ls.Subscriptions) != 3 {
		t.Fatalf("%+v %v", ls, err)
	}
	arns := map[string]string{}
	for _, x := range ls.Subscriptions {
		arns[aws.ToString(x.Endpoint)] = aws.ToString(x.SubscriptionArn)
		if aws.ToString(x.TopicArn) != alarms || aws.ToString(x.Owner) != simtest.Member {
			t.Errorf("sub %+v", x)
		}
	}
	if arns["ops@example.com"] != "PendingConfirmation" || arns["sec@example.com"] != alarms+":11111111-2222-3333-4444-555555555555" {
		t.Errorf("arns %v", arns)
	}
	ga, _ := c.GetTopicAttributes(ctx, &snssdk.GetTopicAttributesInput{TopicArn: aws.String(alarms)})
	if ga.Attributes["SubscriptionsConfirmed"] != "2" || ga.Attributes["SubscriptionsPending"] != "1" {
		t.Errorf("counts %v", ga.Attributes)
	}
	bt, err := c.ListSubscriptionsByTopic(ctx, &snssdk.ListSubscriptionsByTopicInput{TopicArn: aws.String(alarms)})
	if err != nil || len(bt.Subscriptions) != 3 {
		t.Errorf("by topic: %+v %v", bt, err)
	}
	if _, err := c.ListSubscriptionsByTopic(ctx, &snssdk.ListSubscriptionsByTopicInput{TopicArn: aws.String(alarms + "x")}); code(err) != "NotFound" {
		t.Errorf("by missing topic: %v", err)
	}
	if _, err := c.Unsubscribe(ctx, &snssdk.UnsubscribeInput{SubscriptionArn: sq.SubscriptionArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Unsubscribe(ctx, &snssdk.UnsubscribeInput{SubscriptionArn: sq.SubscriptionArn}); code(err) != "NotFound" {
		t.Errorf("unsubscribe twice: %v", err)
	}
	if _, err := c.Unsubscribe(ctx, &snssdk.UnsubscribeInput{SubscriptionArn: aws.String("pending confirmation")}); code(err) != "InvalidParameter" {
		t.Errorf("unsubscribe pending: %v", err)
	}
	ls, _ = c.ListSubscriptions(ctx, &snssdk.ListSubscriptionsInput{})
	if len(ls.Subscriptions) != 2 {
		t.Errorf("after unsubscribe: %d", len(ls.Subscriptions))
	}
}

// TestDemoData decodes every profile of the demo data file.
func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.SNS]("sns")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) == 0 {
		t.Fatal("no profiles")
	}
}
