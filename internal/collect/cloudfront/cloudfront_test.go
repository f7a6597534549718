package cloudfront_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/collect/cloudfront"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	cfsnap "github.com/guardrail-sec/guardrail/internal/snapshot/cloudfront"
)

func collect(t *testing.T, s *simtest.Sim, account, region string) (*cfsnap.CloudFront, error) {
	t.Helper()
	a, err := collecttest.Run(t, cloudfront.Collector(), s.Config(t, account, region), account, region, simtest.Now)
	return a.CloudFront, err
}

func seed() *world.World {
	w := simtest.NewWorld()
	// "site" is the member's bucket; "theirs" another account's in
	// another region; "gone" exists nowhere.
	w.Accounts[simtest.Member].S3.Buckets = []*world.Bucket{{Name: "site", Region: "us-east-1"}}
	w.Accounts[simtest.Management].S3.Buckets = []*world.Bucket{{Name: "theirs", Region: "eu-west-1"}}
	world.RegisterBuckets(w)
	a := w.Accounts[simtest.Member]
	a.CloudFront.Distributions = []*world.Distribution{
		{Comment: "web", DefaultRootObject: "index.html", WebACL: "arn:aws:wafv2:us-east-1:222222222222:global/webacl/edge/1",
			Origins: []*world.CFOrigin{{ID: "s3", DomainName: "site.s3.us-east-1.amazonaws.com", S3: true, OAC: "E1"},
				{ID: "other", DomainName: "theirs.s3.amazonaws.com", S3: true, OAI: "origin-access-identity/cloudfront/E2"},
				{ID: "gone", DomainName: "gone.s3-us-west-2.amazonaws.com", S3: true},
				{ID: "api", DomainName: "api.example.com", ProtocolPolicy: "http-only", SSLProtocols: []string{"SSLv3"}}},
			OriginGroups: []*world.OriginGroup{{ID: "g", Members: []string{"s3", "other"}}},
			Default:      world.CacheBehavior{TargetOrigin: "g", ViewerProtocolPolicy: "redirect-to-https"},
			Behaviors:    []world.CacheBehavior{{PathPattern: "/api/*", TargetOrigin: "api", ViewerProtocolPolicy: "allow-all"}},
			Logging:      &world.CFLogging{Bucket: "logs.s3.amazonaws.com"},
			Certificate:  world.ViewerCertificate{ACMCertificate: "arn:aws:acm:us-east-1:222222222222:certificate/c"}},
	}
	for i := range 120 {
		a.CloudFront.Distributions = append(a.CloudFront.Distributions, &world.Distribution{Comment: fmt.Sprint(i),
			Origins: []*world.CFOrigin{{ID: "o", DomainName: "o.example.com"}}, Default: world.CacheBehavior{TargetOrigin: "o"}})
	}
	return w
}

func TestCollect(t *testing.T) {
	s := simtest.Start(t, seed())
	out, err := collect(t, s, simtest.Member, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Distributions) != 121 {
		t.Fatalf("%d distributions, want 121 over two pages", len(out.Distributions))
	}
	d := out.Distributions[0]
	c := d.Config
	if c == nil || d.ARN == "" || !d.Enabled || c.DefaultRootObject != "index.html" || !c.Logging || c.WebACL == "" || len(c.Origins) != 4 ||
		len(c.OriginGroups) != 1 || len(c.OriginGroups[0].Members) != 2 || c.DefaultBehavior.ViewerProtocolPolicy != "redirect-to-https" ||
		len(c.Behaviors) != 1 || c.Behaviors[0].ViewerProtocolPolicy != "allow-all" || c.Certificate.Default || !c.Certificate.Custom() ||
		c.Certificate.SSLSupportMethod != "sni-only" {
		t.Fatalf("distribution %+v config %+v", d, c)
	}
	if o := c.Origins[0]; !o.S3 || o.OAC != "E1" {
		t.Errorf("s3 origin %+v", o)
	}
	if o := c.Origins[3]; o.S3 || o.ProtocolPolicy != "http-only" || len(o.SSLProtocols) != 1 || o.SSLProtocols[0] != "SSLv3" {
		t.Errorf("custom origin %+v", o)
	}
	// The member's bucket and another account's bucket in another region
	// exist; a bucket that exists nowhere does not.
	if !d.Buckets["site"] || !d.Buckets["theirs"] || d.Buckets["gone"] || len(d.Buckets) != 3 || len(d.Errors) != 0 {
		t.Errorf("buckets %v errors %v", d.Buckets, d.Errors)
	}
	if two := out.Distributions[1].Config; two == nil || two.Logging || !two.Certificate.Default || two.DefaultBehavior.ViewerProtocolPolicy != "allow-all" {
		t.Errorf("second %+v", two)
	}
	// Another account sees none of them.
	other, err := collect(t, s, simtest.Management, "us-east-1")
	if err != nil || other.Distributions == nil || len(other.Distributions) != 0 {
		t.Errorf("management: %+v %v", other, err)
	}
}

func TestDenied(t *testing.T) {
	s := simtest.Start(t, seed())
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "cloudfront", Action: "ListDistributions"}}})
	if _, err := collect(t, s, simtest.Member, "us-east-1"); err == nil || !strings.Contains(err.Error(), "list distributions") {
		t.Errorf("denied ListDistributions: err = %v", err)
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "cloudfront", Action: "GetDistributionConfig"}}})
	out, err := collect(t, s, simtest.Member, "us-east-1")
	if err != nil {
		t.Fatalf("denied GetDistributionConfig failed the collector: %v", err)
	}
	if d := out.Distributions[0]; d.Config != nil || !strings.Contains(d.Errors["config"], "AccessDenied") {
		t.Errorf("denied config: %+v", d)
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "s3", Action: "HeadBucket"}}})
	out, err = collect(t, s, simtest.Member, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	// S3 answers 404 for a bucket that exists nowhere, whoever asks; a
	// 403 means the bucket exists (it is checked before permissions), so
	// a denied HeadBucket is read as "exists", never as "missing".
	if d := out.Distributions[0]; d.Config == nil {
		t.Errorf("denied HeadBucket lost the config: %+v", d)
	} else if d.Buckets["site"] != true {
		t.Errorf("denied HeadBucket: buckets %v", d.Buckets)
	}
}
