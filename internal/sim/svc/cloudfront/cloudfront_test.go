package cloudfront_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfapi "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

var modified = time.Date(2024, 2, 3, 4, 5, 6, 0, time.UTC)

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func seed() *world.World {
	w := simtest.NewWorld()
	a := w.Accounts[simtest.Member]
	a.CloudFront.Distributions = []*world.Distribution{
		{Comment: "site", DefaultRootObject: "index.html", Modified: modified, WebACL: "arn:aws:wafv2:us-east-1:222222222222:global/webacl/edge/1",
			Origins: []*world.CFOrigin{{ID: "s3", DomainName: "site.s3.us-east-1.amazonaws.com", S3: true, OAC: "E2OAC"},
				{ID: "alb", DomainName: "alb.example.com", ProtocolPolicy: "match-viewer", SSLProtocols: []string{"SSLv3", "TLSv1.2"}}},
			OriginGroups: []*world.OriginGroup{{ID: "g", Members: []string{"s3", "alb"}}},
			Default:      world.CacheBehavior{TargetOrigin: "g", ViewerProtocolPolicy: "redirect-to-https"},
			Behaviors:    []world.CacheBehavior{{PathPattern: "/api/*", TargetOrigin: "alb", ViewerProtocolPolicy: "allow-all"}},
			Logging:      &world.CFLogging{Bucket: "logs.s3.amazonaws.com", Prefix: "cf/"},
			Certificate:  world.ViewerCertificate{ACMCertificate: "arn:aws:acm:us-east-1:222222222222:certificate/c", SSLSupportMethod: "vip"}},
		{Comment: "two", Modified: modified, Origins: []*world.CFOrigin{{ID: "o", DomainName: "o.example.com"}}, Default: world.CacheBehavior{TargetOrigin: "o"}},
		{Comment: "three", Modified: modified, Origins: []*world.CFOrigin{{ID: "o", DomainName: "o.example.com"}}, Default: world.CacheBehavior{TargetOrigin: "o"}},
	}
	return w
}

func TestListPaginateAndConfig(t *testing.T) {
	s := simtest.Start(t, seed())
	// A global service: any signing region reads the same state.
	c := cfapi.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))
	ctx := context.Background()
	var all []cftypes.DistributionSummary
	var marker *string
	pages := 0
	for {
		out, err := c.ListDistributions(ctx, &cfapi.ListDistributionsInput{MaxItems: aws.Int32(2), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		l := out.DistributionList
		all = append(all, l.Items...)
		if int(aws.ToInt32(l.Quantity)) != len(l.Items) {
			t.Errorf("quantity %d, %d items", aws.ToInt32(l.Quantity), len(l.Items))
		}
		if !aws.ToBool(l.IsTruncated) {
			break
		}
		marker = l.NextMarker
	}
	if pages != 2 || len(all) != 3 {
		t.Fatalf("%d pages, %d distributions", pages, len(all))
	}
	d := all[0]
	if len(aws.ToString(d.Id)) != 14 || aws.ToString(d.ARN) != "arn:aws:cloudfront::"+simtest.Member+":distribution/"+aws.ToString(d.Id) ||
		aws.ToString(d.DomainName) == "" || d.ViewerCertificate.SSLSupportMethod != cftypes.SSLSupportMethodVip ||
		aws.ToString(d.WebACLId) == "" || aws.ToInt32(d.OriginGroups.Quantity) != 1 || len(d.OriginGroups.Items[0].Members.Items) != 2 ||
		d.CacheBehaviors.Items[0].ViewerProtocolPolicy != cftypes.ViewerProtocolPolicyAllowAll {
		t.Errorf("summary %+v", d)
	}
	cfg, err := c.GetDistributionConfig(ctx, &cfapi.GetDistributionConfigInput{Id: d.Id})
	if err != nil {
		t.Fatal(err)
	}
	dc := cfg.DistributionConfig
	if aws.ToString(cfg.ETag) == "" || aws.ToString(dc.DefaultRootObject) != "index.html" || !aws.ToBool(dc.Logging.Enabled) ||
		aws.ToString(dc.Logging.Bucket) != "logs.s3.amazonaws.com" || aws.ToString(dc.Origins.Items[0].OriginAccessControlId) != "E2OAC" ||
		dc.Origins.Items[0].S3OriginConfig == nil || dc.Origins.Items[1].CustomOriginConfig == nil ||
		dc.Origins.Items[1].CustomOriginConfig.OriginProtocolPolicy != cftypes.OriginProtocolPolicyMatchViewer ||
		len(dc.Origins.Items[1].CustomOriginConfig.OriginSslProtocols.Items) != 2 {
		t.Errorf("config %+v", dc)
	}
	two, err := c.GetDistributionConfig(ctx, &cfapi.GetDistributionConfigInput{Id: all[1].Id})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToBool(two.DistributionConfig.Logging.Enabled) || !aws.ToBool(two.DistributionConfig.ViewerCertificate.CloudFrontDefaultCertificate) {
		t.Errorf("defaults %+v", two.DistributionConfig)
	}
}

func TestErrorsAndIsolation(t *testing.T) {
	s := simtest.Start(t, seed())
	ctx := context.Background()
	c := cfapi.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	_, err := c.GetDistributionConfig(ctx, &cfapi.GetDistributionConfigInput{Id: aws.String("E000000000000")})
	var nsd *cftypes.NoSuchDistribution
	if !errors.As(err, &nsd) {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := c.ListDistributions(ctx, &cfapi.ListDistributionsInput{Marker: aws.String("nope")}); code(err) != "InvalidArgument" {
		t.Errorf("bad marker: %v", err)
	}
	// Another account sees none of the member's distributions.
	mgmt := cfapi.NewFromConfig(s.Config(t, simtest.Management, "us-east-1"))
	out, err := mgmt.ListDistributions(ctx, &cfapi.ListDistributionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(out.DistributionList.Quantity) != 0 || len(out.DistributionList.Items) != 0 || aws.ToBool(out.DistributionList.IsTruncated) {
		t.Errorf("management sees %+v", out.DistributionList)
	}
}

func origin(id string) cftypes.Origin {
	return cftypes.Origin{Id: aws.String(id), DomainName: aws.String(id + ".s3.us-east-1.amazonaws.com"),
		S3OriginConfig: &cftypes.S3OriginConfig{OriginAccessIdentity: aws.String("")}, OriginAccessControlId: aws.String("E1OAC")}
}

func TestCreateThenRead(t *testing.T) {
	s := simtest.Start(t, simtest.NewWorld())
	ctx := context.Background()
	c := cfapi.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	in := &cftypes.DistributionConfig{CallerReference: aws.String("ref-1"), Comment: aws.String("new"), Enabled: aws.Bool(true),
		DefaultRootObject: aws.String("index.html"),
		Origins:           &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{origin("site")}},
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String("site"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyHttpsOnly,
			CachePolicyId: aws.String("658327ea-f89d-4fab-a63d-7e88639e58f6")}}
	out, err := c.CreateDistribution(ctx, &cfapi.CreateDistributionInput{DistributionConfig: in})
	if err != nil {
		t.Fatal(err)
	}
	id := out.Distribution.Id
	if aws.ToString(out.ETag) == "" || aws.ToString(out.Location) == "" || aws.ToString(out.Distribution.Status) != "Deployed" {
		t.Errorf("create answered %+v", out)
	}
	got, err := c.GetDistributionConfig(ctx, &cfapi.GetDistributionConfigInput{Id: id})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.DistributionConfig.DefaultRootObject) != "index.html" ||
		got.DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy != cftypes.ViewerProtocolPolicyHttpsOnly ||
		aws.ToString(got.DistributionConfig.Origins.Items[0].OriginAccessControlId) != "E1OAC" {
		t.Errorf("read back %+v", got.DistributionConfig)
	}
	full, err := c.GetDistribution(ctx, &cfapi.GetDistributionInput{Id: id})
	if err != nil || aws.ToString(full.Distribution.ARN) == "" {
		t.Errorf("get distribution: %v", err)
	}
	// The same caller reference again, and a behavior with no origin.
	if _, err := c.CreateDistribution(ctx, &cfapi.CreateDistributionInput{DistributionConfig: in}); code(err) != "DistributionAlreadyExists" {
		t.Errorf("duplicate caller reference: %v", err)
	}
	in.CallerReference = aws.String("ref-2")
	in.DefaultCacheBehavior.TargetOriginId = aws.String("missing")
	if _, err := c.CreateDistribution(ctx, &cfapi.CreateDistributionInput{DistributionConfig: in}); code(err) != "NoSuchOrigin" {
		t.Errorf("missing origin: %v", err)
	}
}
