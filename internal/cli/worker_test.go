package cli

import (
	"bytes"
	"context"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/store/storetest"
)

// TestDispatchAndWorkers: 'scan --dispatch --wait' and two 'worker'
// processes on the simulator's demo organization, its SQS and one
// PostgreSQL store: the dispatch returns once the workers have stored
// every account, the scan is complete, the account whose role is denied
// is recorded as not assessed and its message is in the dead-letter
// queue, and the workers stop on SIGTERM: a stop is how a worker ends
// (exit 0, saying what it did).
func TestDispatchAndWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the demo organization")
	}
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	sim := simtest.Start(t, w)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	q := sqsapi.NewFromConfig(sim.Config(t, "111111111111", "us-east-1"))
	dlq, err := q.CreateQueue(ctx, &sqsapi.CreateQueueInput{QueueName: aws.String("guardrail-scan-dlq")})
	if err != nil {
		t.Fatal(err)
	}
	arn, err := q.GetQueueAttributes(ctx, &sqsapi.GetQueueAttributesInput{QueueUrl: dlq.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	main, err := q.CreateQueue(ctx, &sqsapi.CreateQueueInput{QueueName: aws.String("guardrail-scan"), Attributes: map[string]string{"VisibilityTimeout": "5",
		"RedrivePolicy": `{"deadLetterTargetArn":"` + arn.Attributes["QueueArn"] + `","maxReceiveCount":"2"}`}})
	if err != nil {
		t.Fatal(err)
	}
	queue := aws.ToString(main.QueueUrl)
	exe := guardrailExe(t)
	env := simEnv(t, sim.URL)
	dsn := storetest.Postgres(t)

	var dout, derr bytes.Buffer
	dispatch := exec.CommandContext(ctx, exe, "scan", "--dispatch", queue, "--wait", "--db", dsn, "--regions", "eu-west-1,us-east-1")
	dispatch.Env, dispatch.Stdout, dispatch.Stderr = env, &dout, &derr
	if err := dispatch.Start(); err != nil {
		t.Fatal(err)
	}
	var workers []*exec.Cmd
	var wlogs []*bytes.Buffer
	for range 2 {
		var b bytes.Buffer
		c := exec.CommandContext(ctx, exe, "worker", "--queue", queue, "--db", dsn, "--visibility", "5s", "--retry-delay", "0s")
		c.Env, c.Stdout, c.Stderr = env, &b, &b
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		workers, wlogs = append(workers, c), append(wlogs, &b)
	}
	if err := dispatch.Wait(); err != nil {
		t.Fatalf("scan --dispatch --wait: %v\n%s%s", err, dout.String(), derr.String())
	}
	id := regexp.MustCompile(`Scan (scan-\S+) dispatched: 13 accounts`).FindStringSubmatch(dout.String())
	if id == nil || !strings.Contains(dout.String(), "COMPLETE") {
		t.Fatalf("scan --dispatch --wait said:\n%s", dout.String())
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc, err := st.Scan(ctx, id[1])
	if err != nil || sc.Status != store.Complete || len(sc.Accounts) != 13 || !strings.Contains(sc.NotAssessed["444444444404"], "AssumeRole") {
		t.Fatalf("stored scan %+v, %v", sc, err)
	}
	for deadline := time.Now().Add(time.Minute); ; {
		out, err := q.GetQueueAttributes(ctx, &sqsapi.GetQueueAttributesInput{QueueUrl: dlq.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages}})
		if err == nil && out.Attributes["ApproximateNumberOfMessages"] == "1" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the denied account's message is not in the dead-letter queue: %+v, %v", out, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for i, c := range workers {
		if err := c.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := c.Wait(); err != nil || !strings.Contains(wlogs[i].String(), "Worker stopped:") {
			t.Errorf("worker %d after SIGTERM: %v\n%s", i, err, wlogs[i].String())
		}
	}
}
