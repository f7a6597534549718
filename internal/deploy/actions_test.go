package deploy_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/deploy"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/watch"
)

// TestWatchQueueActions records the SQS calls the watch's source makes
// on the simulator (a message received, its visibility extended while
// it is processed, deleted once committed) and checks the watch role's
// queue actions are exactly their IAM actions: the batch calls need the
// single-message actions (AWS's SQS API permissions reference).
func TestWatchQueueActions(t *testing.T) {
	s := simtest.Start(t, nil)
	acct := simtest.Management
	ctx := context.Background()
	cfg, err := awsx.Load(ctx, awsx.Options{Isolated: true, Region: "us-east-1", EndpointURL: s.URL,
		AccessKeyID: world.RootKey(acct), SecretAccessKey: world.RootSecret(acct)})
	if err != nil {
		t.Fatal(err)
	}
	plain := sqsapi.NewFromConfig(cfg)
	q, err := plain.CreateQueue(ctx, &sqsapi.CreateQueueInput{QueueName: aws.String("events")})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"version":"0","id":"e1","detail-type":"AWS API Call via CloudTrail","source":"aws.s3","account":"` + acct + `","time":"2026-06-01T12:00:00Z","region":"us-east-1","resources":[],` +
		`"detail":{"eventVersion":"1.08","eventTime":"2026-06-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","awsRegion":"us-east-1","eventID":"e1","recipientAccountId":"` + acct + `",` +
		`"userIdentity":{"type":"Root","arn":"arn:aws:iam::` + acct + `:root","accountId":"` + acct + `"}}}`
	if _, err := plain.SendMessage(ctx, &sqsapi.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String(body)}); err != nil {
		t.Fatal(err)
	}
	var rec collecttest.Recorder
	icfg := rec.Instrument(cfg)
	src := watch.NewSQSSource(sqsapi.NewFromConfig(icfg), aws.ToString(q.QueueUrl), icfg)
	src.Wait, src.Visibility = time.Second, 600*time.Millisecond
	b, err := src.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Records) != 1 {
		t.Fatalf("%d records", len(b.Records))
	}
	// The visibility is extended every third of it while the batch is
	// open.
	deadline := time.Now().Add(30 * time.Second)
	for !slices.Contains(rec.Actions(), "sqs:ChangeMessageVisibilityBatch") {
		if time.Now().After(deadline) {
			t.Fatalf("no visibility extension recorded: %v", rec.Actions())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := b.Done(ctx, true); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range rec.Actions() {
		got = append(got, strings.TrimSuffix(a, "Batch"))
	}
	slices.Sort(got)
	got = slices.Compact(got)
	if !slices.Equal(got, deploy.WatchQueueActions) {
		t.Errorf("the watch's source calls %v (IAM actions %v), the watch role allows %v", rec.Actions(), got, deploy.WatchQueueActions)
	}
}
