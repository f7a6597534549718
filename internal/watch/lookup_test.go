package watch

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctapi "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// TestLookupSource: a script of SDK calls in two accounts of the
// simulator, read back through LookupEvents: exactly the expected
// alerts, the security group's finding re-assessed to FAILED, per
// target checkpoints; a restart from them stores nothing twice.
func TestLookupSource(t *testing.T) {
	s := simtest.Start(t, nil)
	ctx := context.Background()
	member := s.Config(t, simtest.Member, euw1)
	mgmt := s.Config(t, simtest.Management, use1)
	if _, err := ctapi.NewFromConfig(member).LookupEvents(ctx, &ctapi.LookupEventsInput{}); err != nil {
		var api smithy.APIError
		if errors.As(err, &api) && (api.ErrorCode() == "InvalidAction" || strings.Contains(api.ErrorCode(), "Unknown")) {
			t.Skipf("the simulator does not record CloudTrail yet (branch simtrail): %v", err)
		}
		t.Fatal(err)
	}

	// The script: SSH opened to the world in the member account, a
	// bucket policy made public and a trail stopped in the management
	// account.
	ec2c := ec2api.NewFromConfig(member)
	vpc, err := ec2c.CreateVpc(ctx, &ec2api.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	g, err := ec2c.CreateSecurityGroup(ctx, &ec2api.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web"), VpcId: vpc.Vpc.VpcId})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ec2c.AuthorizeSecurityGroupIngress(ctx, &ec2api.AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}); err != nil {
		t.Fatal(err)
	}
	s3c := s3api.NewFromConfig(mgmt)
	if _, err := s3c.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String("reports")}); err != nil {
		t.Fatal(err)
	}
	// New buckets block public policies (as on AWS since April 2023):
	// the user lifts that first.
	if _, err := s3c.DeletePublicAccessBlock(ctx, &s3api.DeletePublicAccessBlockInput{Bucket: aws.String("reports")}); err != nil {
		t.Fatal(err)
	}
	policy, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Principal": "*",
		"Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}}})
	if _, err := s3c.PutBucketPolicy(ctx, &s3api.PutBucketPolicyInput{Bucket: aws.String("reports"), Policy: aws.String(string(policy))}); err != nil {
		t.Fatal(err)
	}
	ct := ctapi.NewFromConfig(mgmt)
	if _, err := s3c.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String(logBucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ct.CreateTrail(ctx, &ctapi.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String(logBucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ct.StopLogging(ctx, &ctapi.StopLoggingInput{Name: aws.String("main")}); err != nil {
		t.Fatal(err)
	}

	st, _ := openStore(t)
	f := &reassessFixture{sim: s, st: st, group: aws.ToString(g.GroupId)}
	sc := NewScope(nil, use1, nil, false)
	sc.Add(&Account{ID: simtest.Member, Regions: []string{euw1, use1}, Config: member})
	sc.Add(&Account{ID: simtest.Management, Regions: []string{use1}, Config: mgmt})
	f.scope = sc
	if f.cat, err = catalog.Default(); err != nil {
		t.Fatal(err)
	}
	r := f.reassessor(nil)
	defer r.Close(ctx)
	src := func() *LookupSource {
		return &LookupSource{Scope: sc, Store: st, Interval: 10 * time.Millisecond, Now: clock.Fixed(simtest.Now.Add(time.Minute))}
	}
	e, _ := New(Options{Store: st, Rules: mustRules(t), Source: src(), Scope: sc, Reassess: r})
	runUntil(t, e, func() bool { return e.Stats().Batches.Load() >= 6 }) // two polls of the three targets
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	as, _, _ := st.Alerts(ctx, store.AlertFilter{})
	var got []string
	for _, a := range as {
		got = append(got, a.Account+" "+a.Rule+" "+a.Resource)
	}
	sort.Strings(got)
	want := []string{
		simtest.Management + " DeleteBucketPublicAccessBlock bucket-policy-changed arn:aws:s3:::reports",
		simtest.Management + " PutBucketPolicy bucket-policy-changed arn:aws:s3:::reports",
		simtest.Management + " StopLogging cloudtrail-changed arn:aws:cloudtrail:us-east-1:" + simtest.Management + ":trail/main",
		simtest.Member + " AuthorizeSecurityGroupIngress security-group-changed arn:aws:ec2:eu-west-1:" + simtest.Member + ":security-group/" + f.group,
		simtest.Member + " CreateSecurityGroup security-group-changed arn:aws:ec2:eu-west-1:" + simtest.Member + ":security-group/" + f.group,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("alerts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if s, _ := f.status(t, "EC2.53"); s != control.Failed {
		t.Errorf("the group's EC2.53 finding is %q after the re-assessment, want FAILED", s)
	}
	cp, _ := st.Checkpoints(ctx, SourceLookup)
	if len(cp) != 3 {
		t.Errorf("checkpoints %v, want one per target", cp)
	}
	e, _ = New(Options{Store: st, Rules: mustRules(t), Source: src(), Scope: sc})
	runUntil(t, e, func() bool { return e.Stats().Batches.Load() >= 3 })
	if n := e.Stats().Alerts.Load(); n != 0 {
		t.Errorf("the restart stored %d alerts again", n)
	}
}
