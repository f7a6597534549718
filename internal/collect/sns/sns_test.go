package sns_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/sns"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	snssnap "github.com/guardrail-sec/guardrail/internal/snapshot/sns"
)

func collect(t *testing.T, s *simtest.Sim, account, region string) (*snssnap.SNS, error) {
	t.Helper()
	a, err := collecttest.Run(t, sns.Collector(), s.Config(t, account, region), account, region, simtest.Now)
	return a.Regions[region].SNS, err
}

func start(t *testing.T) *simtest.Sim {
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

func TestDemo(t *testing.T) {
	s := start(t)
	out, err := collect(t, s, "222222222222", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	topic := out.Topic("arn:aws:sns:us-east-1:222222222222:cis-security-alarms")
	if topic == nil || topic.Name != "cis-security-alarms" || len(topic.Subscriptions) != 1 {
		t.Fatalf("hardened alarm topic = %+v", topic)
	}
	if sub := topic.Subscriptions[0]; !sub.Confirmed() || sub.Protocol != "email" || sub.Endpoint != "security-alerts@example.com" ||
		sub.ARN != "arn:aws:sns:us-east-1:222222222222:cis-security-alarms:5ec0a1e7-0001-4c15-9a11-000000000001" {
		t.Errorf("subscription = %+v", sub)
	}

	if topic.KMSKeyID != "alias/aws/sns" || !strings.Contains(topic.Policy, `"AWS:SourceOwner":"222222222222"`) {
		t.Errorf("hardened topic encryption %q, policy %q; want alias/aws/sns and the default owner-only policy", topic.KMSKeyID, topic.Policy)
	}

	out, err = collect(t, s, "444444444401", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if tp := out.Topic("arn:aws:sns:us-east-1:444444444401:cis-security-alarms"); tp == nil || tp.KMSKeyID != "" {
		t.Errorf("partial alarm topic = %+v, want no encryption key", tp)
	}
	if tp := out.Topic("arn:aws:sns:us-east-1:444444444401:cis-security-alarms"); tp == nil || tp.Subscriptions == nil || len(tp.Subscriptions) != 0 {
		t.Errorf("partial alarm topic = %+v, want no subscription (known, not unknown)", tp)
	}
	if tp := out.Topic("arn:aws:sns:us-east-1:444444444401:payments-prod-deploy-events"); tp == nil || len(tp.Subscriptions) != 1 ||
		tp.Subscriptions[0].Confirmed() || tp.Subscriptions[0].ARN != "PendingConfirmation" || len(tp.Confirmed()) != 0 {
		t.Errorf("deploy topic = %+v, want one pending subscription", tp)
	}

	out, err = collect(t, s, "444444444401", "eu-west-1")
	if err != nil || out.Topics == nil || len(out.Topics) != 0 {
		t.Errorf("eu-west-1: %v %+v; want no topics", err, out)
	}
}

func TestPages(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Account(simtest.Member).In("eu-west-1")
	topic := &world.SNSTopic{Name: "busy"}
	for i := range 150 {
		topic.Subscriptions = append(topic.Subscriptions, &world.SNSSubscription{ID: fmt.Sprintf("sub-%03d", i), Protocol: "sqs", Endpoint: "q", Confirmed: true})
	}
	r.SNS.Topics = append(r.SNS.Topics, topic)
	for i := range 110 {
		r.SNS.Topics = append(r.SNS.Topics, &world.SNSTopic{Name: fmt.Sprintf("t-%03d", i)})
	}
	s := simtest.Start(t, w)
	out, err := collect(t, s, simtest.Member, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Topics) != 111 {
		t.Errorf("%d topics, want 111 over two pages", len(out.Topics))
	}
	if b := out.Topic("arn:aws:sns:eu-west-1:" + simtest.Member + ":busy"); b == nil || len(b.Confirmed()) != 150 {
		t.Errorf("busy topic = %+v, want 150 subscriptions over two pages", b)
	}
}

func TestDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: "222222222222", Service: "sns", Action: "ListTopics"}}})
	if _, err := collect(t, s, "222222222222", "us-east-1"); err == nil || !strings.Contains(err.Error(), "list topics") {
		t.Errorf("denied ListTopics: err = %v, want one naming the call", err)
	}

	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: "222222222222", Service: "sns", Action: "ListSubscriptionsByTopic"}}})
	out, err := collect(t, s, "222222222222", "us-east-1")
	if err != nil {
		t.Fatalf("a denied detail failed the collector: %v", err)
	}
	tp := out.Topic("arn:aws:sns:us-east-1:222222222222:cis-security-alarms")
	if tp == nil || tp.KMSKeyID == "" || tp.Errors[snssnap.DetailAttributes] != "" {
		t.Errorf("a denied subscription list lost the attributes: %+v", tp)
	}
	if tp == nil || tp.Subscriptions != nil || !strings.Contains(tp.Errors["subscriptions"], "AuthorizationError") && !strings.Contains(tp.Errors["subscriptions"], "AccessDenied") {
		t.Errorf("topic with denied subscriptions = %+v, want the error recorded and no subscriptions", tp)
	}
}

func TestAttributesDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: "222222222222", Service: "sns", Action: "GetTopicAttributes"}}})
	out, err := collect(t, s, "222222222222", "us-east-1")
	if err != nil {
		t.Fatalf("a denied detail failed the collector: %v", err)
	}
	tp := out.Topic("arn:aws:sns:us-east-1:222222222222:cis-security-alarms")
	if tp == nil || tp.KMSKeyID != "" || tp.Policy != "" || tp.Errors[snssnap.DetailAttributes] == "" || len(tp.Subscriptions) != 1 {
		t.Errorf("topic with denied attributes = %+v, want the error recorded, no key or policy, subscriptions read", tp)
	}
}
