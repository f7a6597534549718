package watch

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctapi "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ebapi "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// The end-to-end script of issue 14, made with the SDK as a user would
// in the simulator: SSH opened to the world in the member account, a
// bucket policy made public and a trail stopped in the management
// account, and the root user of the member account signing in to the
// console (injected through the simulator's control API). Then each
// source reads what CloudTrail made of it: the SQS queue that
// EventBridge rules fill, the trails' bucket, LookupEvents, and the log
// files replayed. Each must store exactly the expected alerts and
// re-assess the findings the changes affect.

const (
	e2eQueue   = "guardrail-events"
	e2eReports = "public-reports"
)

// e2eRegions are the regions of both accounts the watch covers.
var e2eRegions = []string{euw1, use1}

type e2eFixture struct {
	sim   *simtest.Sim
	w     *world.World
	group string
	queue string
	// watcher is each account's configuration for the watch (an IAM user
	// of its own: the root user's calls are alerts).
	watcher map[string]aws.Config
	cat     *control.Catalog
}

// userConfig registers an IAM user's access key in the simulator and
// returns a configuration that signs with it.
func userConfig(t *testing.T, f *e2eFixture, account, user, region string) aws.Config {
	t.Helper()
	key := "AKIA" + strings.ToUpper(user) + account
	f.w.AddCredential(&world.Credential{AccessKeyID: key, SecretAccessKey: "secret-" + key,
		Principal: world.Principal{Account: account, ARN: "arn:aws:iam::" + account + ":user/" + user, UserID: "AIDA" + strings.ToUpper(user)}})
	cfg, err := awsx.Load(context.Background(), awsx.Options{Isolated: true, Region: region, EndpointURL: f.sim.URL,
		AccessKeyID: key, SecretAccessKey: "secret-" + key, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func check(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// newE2E builds the world (trails, buses, the queue; not recorded) and
// plays the script (recorded).
func newE2E(t *testing.T) *e2eFixture {
	t.Helper()
	w := simtest.NewWorld()
	w.Trail.Delay = 0
	f := &e2eFixture{w: w, sim: simtest.Start(t, w), watcher: map[string]aws.Config{}}
	var err error
	if f.cat, err = catalog.Default(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mgmt, member := simtest.Management, simtest.Member
	alice := map[string]aws.Config{mgmt: userConfig(t, f, mgmt, "alice", use1), member: userConfig(t, f, member, "alice", use1)}
	for _, a := range []string{mgmt, member} {
		f.watcher[a] = userConfig(t, f, a, "watcher", use1)
	}
	in := func(cfg aws.Config, region string) aws.Config {
		c := cfg.Copy()
		c.Region = region
		return c
	}

	// The setup, not recorded: the trails' bucket and a multi-region
	// trail in each account; a VPC and a security group in the member;
	// the reports bucket, Block Public Access lifted; and the event
	// path: every (account, region)'s default bus forwards CloudTrail's
	// events to the management account's bus in us-east-1, whose rule
	// sends them to the queue.
	w.Trail.Off = true
	s3m := s3api.NewFromConfig(alice[mgmt])
	_, err = s3m.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String(logBucket)})
	check(t, "create the trails' bucket", err)
	for _, a := range []string{mgmt, member} {
		ct := ctapi.NewFromConfig(alice[a])
		name := "trail-" + a
		_, err := ct.CreateTrail(ctx, &ctapi.CreateTrailInput{Name: aws.String(name), S3BucketName: aws.String(logBucket),
			IsMultiRegionTrail: aws.Bool(true), IncludeGlobalServiceEvents: aws.Bool(true)})
		check(t, "create trail", err)
		_, err = ct.StartLogging(ctx, &ctapi.StartLoggingInput{Name: aws.String(name)})
		check(t, "start logging", err)
	}
	ec2c := ec2api.NewFromConfig(in(alice[member], euw1))
	vpc, err := ec2c.CreateVpc(ctx, &ec2api.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	check(t, "create VPC", err)
	g, err := ec2c.CreateSecurityGroup(ctx, &ec2api.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web"), VpcId: vpc.Vpc.VpcId})
	check(t, "create security group", err)
	f.group = aws.ToString(g.GroupId)
	_, err = s3m.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String(e2eReports)})
	check(t, "create the reports bucket", err)
	_, err = s3m.DeletePublicAccessBlock(ctx, &s3api.DeletePublicAccessBlockInput{Bucket: aws.String(e2eReports)})
	check(t, "lift Block Public Access", err)

	sq := sqsapi.NewFromConfig(alice[mgmt])
	queueARN := "arn:aws:sqs:us-east-1:" + mgmt + ":" + e2eQueue
	qpolicy, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow",
		"Principal": map[string]string{"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": queueARN}}})
	q, err := sq.CreateQueue(ctx, &sqsapi.CreateQueueInput{QueueName: aws.String(e2eQueue), Attributes: map[string]string{"Policy": string(qpolicy)}})
	check(t, "create the queue", err)
	f.queue = aws.ToString(q.QueueUrl)
	central := "arn:aws:events:us-east-1:" + mgmt + ":event-bus/default"
	pattern := `{"detail-type": ["AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail"]}`
	ebm := ebapi.NewFromConfig(alice[mgmt])
	_, err = ebm.PutPermission(ctx, &ebapi.PutPermissionInput{Action: aws.String("events:PutEvents"), Principal: aws.String(member), StatementId: aws.String("member")})
	check(t, "let the member put events on the central bus", err)
	for _, a := range []string{mgmt, member} {
		for _, r := range e2eRegions {
			eb := ebapi.NewFromConfig(in(alice[a], r))
			target := ebtypes.Target{Id: aws.String("central"), Arn: aws.String(central)}
			if a == mgmt && r == use1 {
				target = ebtypes.Target{Id: aws.String("queue"), Arn: aws.String(queueARN)}
			}
			_, err := eb.PutRule(ctx, &ebapi.PutRuleInput{Name: aws.String("cloudtrail"), EventPattern: aws.String(pattern)})
			check(t, "put rule", err)
			_, err = eb.PutTargets(ctx, &ebapi.PutTargetsInput{Rule: aws.String("cloudtrail"), Targets: []ebtypes.Target{target}})
			check(t, "put targets", err)
		}
	}
	w.Trail.Off = false

	// The script.
	_, err = ec2c.AuthorizeSecurityGroupIngress(ctx, &ec2api.AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
	check(t, "open SSH to the world", err)
	policy, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Principal": "*",
		"Action": "s3:GetObject", "Resource": "arn:aws:s3:::" + e2eReports + "/*"}}})
	_, err = s3m.PutBucketPolicy(ctx, &s3api.PutBucketPolicyInput{Bucket: aws.String(e2eReports), Policy: aws.String(string(policy))})
	check(t, "make the bucket policy public", err)
	_, err = w.InjectConsoleLogin(world.ConsoleLogin{Account: member, User: "root", Success: true, SourceIPAddress: "198.51.100.9"})
	check(t, "root console sign-in", err)
	_, err = ctapi.NewFromConfig(alice[mgmt]).StopLogging(ctx, &ctapi.StopLoggingInput{Name: aws.String("trail-" + mgmt)})
	check(t, "stop the trail", err)
	w.DeliverTrails()
	return f
}

// e2eAlerts are the alerts of the script, as "account rule resource".
func (f *e2eFixture) e2eAlerts() []string {
	mgmt, member := simtest.Management, simtest.Member
	sg := "arn:aws:ec2:eu-west-1:" + member + ":security-group/" + f.group
	trail := "arn:aws:cloudtrail:us-east-1:" + mgmt + ":trail/trail-" + mgmt
	out := []string{
		member + " CIS.4.10 " + sg,
		member + " GR.SecurityGroupOpenToInternet " + sg,
		mgmt + " CIS.4.8 arn:aws:s3:::" + e2eReports,
		member + " CIS.4.2 AWS::::Account:" + member,
		member + " CIS.4.3 AWS::::Account:" + member,
		member + " GR.ConsoleLogin AWS::::Account:" + member,
		member + " GR.RootConsoleLogin AWS::::Account:" + member,
		mgmt + " CIS.4.5 " + trail,
		mgmt + " GR.CloudTrailStopped " + trail,
	}
	sort.Strings(out)
	return out
}

// scope is the watch's view of the two accounts, as the watcher.
func (f *e2eFixture) scope() *Scope {
	sc := NewScope(nil, use1, nil, true)
	for a, cfg := range f.watcher {
		sc.Add(&Account{ID: a, Regions: e2eRegions, Config: cfg})
	}
	return sc
}

// watch runs src until it stored the script's alerts (and a little
// more, for stray ones), re-assesses, and returns the store.
func (f *e2eFixture) watch(t *testing.T, src func(st store.Store, sc *Scope) Source) store.Store {
	t.Helper()
	st, _ := openStore(t)
	sc := f.scope()
	r := NewReassessor(ReassessOptions{Store: st, Scope: sc, Controls: f.cat.Controls(), Standards: f.cat.Standards(),
		Collectors: registry.All(), Debounce: 10 * time.Millisecond, Now: f.w.Now})
	e, err := New(Options{Store: st, Rules: mustRules(t), Source: src(st, sc), Scope: sc, Reassess: r})
	if err != nil {
		t.Fatal(err)
	}
	want := len(f.e2eAlerts())
	settled := time.Time{}
	runUntil(t, e, func() bool {
		if len(alertsOf(t, st)) < want {
			return false
		}
		if settled.IsZero() {
			settled = time.Now()
		}
		return time.Since(settled) > 300*time.Millisecond
	})
	if err := r.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// verify checks the alerts and the findings the script changed.
func (f *e2eFixture) verify(t *testing.T, st store.Store) {
	t.Helper()
	ctx := context.Background()
	as, _, err := st.Alerts(ctx, store.AlertFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range as {
		got = append(got, a.Account+" "+a.Rule+" "+a.Resource)
	}
	sort.Strings(got)
	if want := f.e2eAlerts(); !reflect.DeepEqual(got, want) {
		t.Errorf("alerts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range []struct {
		control, account, text string
		want                   control.Status
	}{
		{"EC2.53", simtest.Member, f.group, control.Failed},
		{"S3.2", simtest.Management, e2eReports, control.Failed},
		{"CloudTrail.1", simtest.Management, "", control.Failed},
	} {
		fs, _, err := st.Findings(ctx, store.Filter{Controls: []string{c.control}, Accounts: []string{c.account}, Text: c.text})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 1 || fs[0].Compliance != c.want || !strings.HasPrefix(fs[0].LastScan, "watch-") {
			var states []string
			for _, x := range fs {
				states = append(states, x.ResourceARN+" "+string(x.Compliance)+" by "+x.LastScan)
			}
			t.Errorf("%s in %s: %v, want one %s finding re-assessed by the watch", c.control, c.account, states, c.want)
		}
	}
}

func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("plays the script through four sources")
	}
	f := newE2E(t)
	t.Run("sqs", func(t *testing.T) {
		f.verify(t, f.watch(t, func(store.Store, *Scope) Source {
			s := NewSQSSource(sqsapi.NewFromConfig(f.watcher[simtest.Management]), f.queue, f.watcher[simtest.Management])
			s.Wait, s.Visibility = time.Second, 5*time.Second
			return s
		}))
		// Every message was deleted once stored.
		out, err := sqsapi.NewFromConfig(f.watcher[simtest.Management]).GetQueueAttributes(context.Background(), &sqsapi.GetQueueAttributesInput{
			QueueUrl: aws.String(f.queue), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages,
				sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
		if err != nil || out.Attributes["ApproximateNumberOfMessages"] != "0" || out.Attributes["ApproximateNumberOfMessagesNotVisible"] != "0" {
			t.Errorf("the queue after the watch: %v %v", out.Attributes, err)
		}
	})
	t.Run("bucket", func(t *testing.T) {
		f.verify(t, f.watch(t, func(st store.Store, sc *Scope) Source {
			return &BucketSource{Config: f.watcher[simtest.Management], Store: st, Bucket: logBucket, Scope: sc, Interval: 10 * time.Millisecond,
				Now: clock.Fixed(simtest.Now.Add(time.Minute))}
		}))
	})
	t.Run("lookup", func(t *testing.T) {
		f.verify(t, f.watch(t, func(st store.Store, sc *Scope) Source {
			return &LookupSource{Scope: sc, Store: st, Interval: 10 * time.Millisecond, Now: clock.Fixed(simtest.Now.Add(time.Minute))}
		}))
	})
	t.Run("files", func(t *testing.T) {
		// The log files the trails delivered, downloaded and replayed.
		c := s3api.NewFromConfig(f.watcher[simtest.Management])
		ctx := context.Background()
		list, err := c.ListObjectsV2(ctx, &s3api.ListObjectsV2Input{Bucket: aws.String(logBucket)})
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		var paths []string
		for _, o := range list.Contents {
			obj, err := c.GetObject(ctx, &s3api.GetObjectInput{Bucket: aws.String(logBucket), Key: o.Key})
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(obj.Body)
			obj.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, filepath.Base(aws.ToString(o.Key)))
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, p)
		}
		if len(paths) == 0 {
			t.Fatal("the trails delivered no log file")
		}
		f.verify(t, f.watch(t, func(store.Store, *Scope) Source { return &FileSource{Paths: paths} }))
	})
}

// worldLogin is a root console sign-in to account without MFA.
func worldLogin(account string) world.ConsoleLogin {
	return world.ConsoleLogin{Account: account, User: "root", Success: true, SourceIPAddress: "198.51.100.10"}
}
