package s3_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

func TestControlPublicAccessBlock(t *testing.T) {
	s := simtest.Start(t, seeded())
	cfg := s.Config(t, simtest.Member, "us-east-1")
	rec := &recorder{next: cfg.HTTPClient}
	cfg.HTTPClient = rec
	c := s3control.NewFromConfig(cfg)
	acct := aws.String(simtest.Member)

	_, err := c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: acct})
	wantErr(t, "no account PAB", err, "NoSuchPublicAccessBlockConfiguration", 404)

	must[*s3control.PutPublicAccessBlockOutput](t, "put")(c.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: acct,
		PublicAccessBlockConfiguration: &ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}}))
	// Signed in another region: the account setting is global.
	eu := s3control.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))
	got := must[*s3control.GetPublicAccessBlockOutput](t, "get")(eu.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: acct}))
	if p := got.PublicAccessBlockConfiguration; !aws.ToBool(p.BlockPublicAcls) || !aws.ToBool(p.IgnorePublicAcls) || !aws.ToBool(p.BlockPublicPolicy) || !aws.ToBool(p.RestrictPublicBuckets) {
		t.Errorf("account PAB = %+v", p)
	}
	// Another account is not touched.
	m := s3control.NewFromConfig(s.Config(t, simtest.Management, "us-east-1"))
	_, err = m.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(simtest.Management)})
	wantErr(t, "management PAB", err, "NoSuchPublicAccessBlockConfiguration", 404)
	// The account ID must be the caller's.
	_, err = m.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: acct})
	wantErr(t, "another account's PAB", err, "AccessDenied", 403)

	must[*s3control.DeletePublicAccessBlockOutput](t, "delete")(c.DeletePublicAccessBlock(ctx, &s3control.DeletePublicAccessBlockInput{AccountId: acct}))
	_, err = c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: acct})
	wantErr(t, "deleted account PAB", err, "NoSuchPublicAccessBlockConfiguration", 404)
	// The SDK addresses the account as a host prefix; the request still reaches the simulator.
	for _, h := range rec.hosts {
		if !strings.HasPrefix(h, simtest.Member+".127.0.0.1:") {
			t.Errorf("S3 Control request host = %q", h)
		}
	}
}

func TestControlAccessPoints(t *testing.T) {
	w := seeded()
	w.Accounts[simtest.Member].S3.AccessPoints = []*world.AccessPoint{
		{Name: "eu-reader", Bucket: "member-eu", Region: "eu-west-1", VpcID: "vpc-1", Created: simtest.Now},
	}
	s := simtest.Start(t, w)
	acct := aws.String(simtest.Member)
	us := s3control.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	eu := s3control.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))

	empty := must[*s3control.ListAccessPointsOutput](t, "list us")(us.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: acct}))
	if len(empty.AccessPointList) != 0 || empty.NextToken != nil {
		t.Errorf("us-east-1 access points = %+v", empty.AccessPointList)
	}
	for i := 0; i < 2; i++ {
		name := []string{"logs-a", "logs-b"}[i]
		out := must[*s3control.CreateAccessPointOutput](t, "create")(us.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: acct, Name: aws.String(name), Bucket: aws.String("member-logs")}))
		if aws.ToString(out.AccessPointArn) != "arn:aws:s3:us-east-1:222222222222:accesspoint/"+name || !strings.HasSuffix(aws.ToString(out.Alias), "-s3alias") {
			t.Errorf("created = %q %q", aws.ToString(out.AccessPointArn), aws.ToString(out.Alias))
		}
	}
	_, err := us.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: acct, Name: aws.String("logs-a"), Bucket: aws.String("member-logs")})
	wantErr(t, "duplicate", err, "AccessPointAlreadyOwnedByYou", 409)
	_, err = us.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: acct, Name: aws.String("wrong-region"), Bucket: aws.String("member-eu")})
	wantErr(t, "bucket in another region", err, "InvalidRequest", 400)

	var names []string
	pages := 0
	p := s3control.NewListAccessPointsPaginator(us, &s3control.ListAccessPointsInput{AccountId: acct, MaxResults: 1})
	for p.HasMorePages() {
		pg := must[*s3control.ListAccessPointsOutput](t, "page")(p.NextPage(ctx))
		pages++
		for _, a := range pg.AccessPointList {
			names = append(names, aws.ToString(a.Name))
			if a.NetworkOrigin != ctltypes.NetworkOriginInternet || aws.ToString(a.Bucket) != "member-logs" {
				t.Errorf("access point = %+v", a)
			}
		}
	}
	if strings.Join(names, ",") != "logs-a,logs-b" || pages != 2 {
		t.Errorf("paginated = %v in %d pages", names, pages)
	}
	_, err = us.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: acct, NextToken: aws.String("bad")})
	wantErr(t, "bad token", err, "InvalidToken", 400)

	got := must[*s3control.GetAccessPointOutput](t, "get")(eu.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: acct, Name: aws.String("eu-reader")}))
	if got.NetworkOrigin != ctltypes.NetworkOriginVpc || aws.ToString(got.VpcConfiguration.VpcId) != "vpc-1" || got.CreationDate == nil ||
		!aws.ToBool(got.PublicAccessBlockConfiguration.BlockPublicPolicy) || aws.ToString(got.BucketAccountId) != simtest.Member {
		t.Errorf("GetAccessPoint = %+v", got)
	}
	_, err = us.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: acct, Name: aws.String("eu-reader")})
	wantErr(t, "access point of another region", err, "NoSuchAccessPoint", 404)

	must[*s3control.DeleteAccessPointOutput](t, "delete")(us.DeleteAccessPoint(ctx, &s3control.DeleteAccessPointInput{AccountId: acct, Name: aws.String("logs-a")}))
	_, err = us.DeleteAccessPoint(ctx, &s3control.DeleteAccessPointInput{AccountId: acct, Name: aws.String("logs-a")})
	wantErr(t, "delete again", err, "NoSuchAccessPoint", 404)
	left := must[*s3control.ListAccessPointsOutput](t, "list")(us.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: acct}))
	if len(left.AccessPointList) != 1 {
		t.Errorf("after delete = %d access points", len(left.AccessPointList))
	}
}
