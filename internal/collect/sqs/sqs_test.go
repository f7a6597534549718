package sqs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/sqs"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	sqssnap "github.com/guardrail-sec/guardrail/internal/snapshot/sqs"
)

func collect(t *testing.T, s *simtest.Sim, account, region string) (*sqssnap.SQS, error) {
	t.Helper()
	a, err := collecttest.Run(t, sqs.Collector(), s.Config(t, account, region), account, region, simtest.Now)
	return a.Regions[region].SQS, err
}

const openPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}`

// queues creates, through the SDK, a queue with SSE-SQS (the default), one
// with SSE-KMS and a policy, and one with encryption turned off.
func queues(t *testing.T, s *simtest.Sim, account, region string) {
	t.Helper()
	c := sqsapi.NewFromConfig(s.Config(t, account, region))
	for name, attrs := range map[string]map[string]string{
		"default":   nil,
		"kms":       {"KmsMasterKeyId": "alias/orders", "SqsManagedSseEnabled": "false", "Policy": openPolicy},
		"plaintext": {"SqsManagedSseEnabled": "false"},
	} {
		if _, err := c.CreateQueue(context.Background(), &sqsapi.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCollect(t *testing.T) {
	s := simtest.Start(t, simtest.NewWorld())
	queues(t, s, simtest.Member, "eu-west-1")
	out, err := collect(t, s, simtest.Member, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Queues) != 3 {
		t.Fatalf("queues = %+v, want 3", out.Queues)
	}
	arn := func(n string) string { return "arn:aws:sqs:eu-west-1:" + simtest.Member + ":" + n }
	if q := out.Queue(arn("default")); q == nil || !q.SQSManagedSSE || q.KMSKeyID != "" || q.Policy != "" || !q.Encrypted() ||
		q.Name != "default" || !strings.HasSuffix(q.URL, "/"+simtest.Member+"/default") {
		t.Errorf("default queue = %+v, want SSE-SQS and no policy", q)
	}
	if q := out.Queue(arn("kms")); q == nil || q.KMSKeyID != "alias/orders" || q.SQSManagedSSE || q.Policy != openPolicy || !q.Encrypted() {
		t.Errorf("kms queue = %+v, want SSE-KMS and the policy", q)
	}
	if q := out.Queue(arn("plaintext")); q == nil || q.Encrypted() || len(q.Errors) != 0 {
		t.Errorf("plaintext queue = %+v, want not encrypted", q)
	}

	// Another account and another region see none of them.
	for _, tc := range []struct{ account, region string }{{simtest.Member, "us-east-1"}, {simtest.Management, "eu-west-1"}} {
		out, err := collect(t, s, tc.account, tc.region)
		if err != nil || out.Queues == nil || len(out.Queues) != 0 {
			t.Errorf("%s/%s: %v %+v, want no queue (known, not unknown)", tc.account, tc.region, err, out)
		}
	}
}

// ListQueues without MaxResults stops at 1,000 queues with no NextToken:
// the collector must page to see the rest.
func TestPages(t *testing.T) {
	w := simtest.NewWorld()
	for i := range 1003 {
		w.SQS.AddQueue(&world.Queue{Account: simtest.Member, Region: "eu-west-1", Name: fmt.Sprintf("q-%04d", i),
			Attributes: world.QueueDefaults(), Tags: map[string]string{}, Created: simtest.Now, Modified: simtest.Now})
	}
	s := simtest.Start(t, w)
	out, err := collect(t, s, simtest.Member, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Queues) != 1003 {
		t.Errorf("%d queues, want 1003 over two pages", len(out.Queues))
	}
}

func TestDenied(t *testing.T) {
	s := simtest.Start(t, simtest.NewWorld())
	queues(t, s, simtest.Member, "eu-west-1")
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "sqs", Action: "ListQueues"}}})
	if _, err := collect(t, s, simtest.Member, "eu-west-1"); err == nil || !strings.Contains(err.Error(), "list queues") {
		t.Errorf("denied ListQueues: err = %v, want one naming the call", err)
	}

	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "sqs", Action: "GetQueueAttributes"}}})
	out, err := collect(t, s, simtest.Member, "eu-west-1")
	if err != nil {
		t.Fatalf("a denied detail failed the collector: %v", err)
	}
	if len(out.Queues) != 3 {
		t.Fatalf("queues = %+v, want all 3 listed", out.Queues)
	}
	for _, q := range out.Queues {
		if why := q.Unknown(sqssnap.DetailEncryption); !strings.Contains(why, "AccessDenied") || q.Encrypted() || q.Policy != "" {
			t.Errorf("queue with denied attributes = %+v, want the error recorded and nothing else", q)
		}
	}
}

func TestDemo(t *testing.T) {
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, w)
	out, err := collect(t, s, "555555555501", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	q := out.Queue("arn:aws:sqs:us-east-1:555555555501:dev-jobs")
	if q == nil || q.Encrypted() || !strings.Contains(q.Policy, `"Principal":"*"`) {
		t.Errorf("dev-jobs = %+v, want unencrypted with the open policy", q)
	}
	if q := out.Queue("arn:aws:sqs:us-east-1:555555555501:dev-jobs-dlq"); q == nil || !q.SQSManagedSSE {
		t.Errorf("dev-jobs-dlq = %+v, want SSE-SQS by default", q)
	}
	out, err = collect(t, s, "222222222222", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if q := out.Queue("arn:aws:sqs:us-east-1:222222222222:security-findings-intake"); q == nil || q.KMSKeyID != "alias/secops" || q.SQSManagedSSE {
		t.Errorf("security-findings-intake = %+v, want SSE-KMS only", q)
	}
}
