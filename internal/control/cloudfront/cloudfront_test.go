package cloudfront_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/cloudfront"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	cfsnap "github.com/guardrail-sec/guardrail/internal/snapshot/cloudfront"
)

const (
	P  = control.Passed
	F  = control.Failed
	NA = control.NotApplicable
	E  = control.Error
)

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, cloudfront.Controls(), id)
}

func TestCatalog(t *testing.T) {
	want := map[string]control.Severity{"CloudFront.1": control.High, "CloudFront.3": control.Medium, "CloudFront.4": control.Low,
		"CloudFront.5": control.Medium, "CloudFront.6": control.Medium, "CloudFront.7": control.Medium, "CloudFront.8": control.Low,
		"CloudFront.9": control.Medium, "CloudFront.10": control.Medium, "CloudFront.12": control.High, "CloudFront.13": control.Medium}
	cs := cloudfront.Controls()
	if len(cs) != len(want) {
		t.Errorf("%d controls, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || !c.Global || len(c.Needs) != 1 || c.Needs[0] != "cloudfront" ||
			c.Service != "CloudFront" || c.Remediation == "" || c.Rationale == "" || c.ResourceType != "AwsCloudFrontDistribution" {
			t.Errorf("%s: severity %v global %v needs %v", c.ID, c.Severity, c.Global, c.Needs)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func arn(id string) string { return "arn:aws:cloudfront::111122223333:distribution/" + id }

// good returns a distribution that passes every control: an S3 origin
// with OAC and a custom origin over TLS 1.2 in a failover group, HTTPS
// everywhere, logging, WAF, an SNI custom certificate.
func good(id string, change func(c *cfsnap.Config, d *cfsnap.Distribution)) *cfsnap.Distribution {
	c := &cfsnap.Config{DefaultRootObject: "index.html",
		Origins: []cfsnap.Origin{{ID: "s3", DomainName: "site.s3.us-east-1.amazonaws.com", S3: true, OAC: "E1OAC"},
			{ID: "alb", DomainName: "alb.example.com", ProtocolPolicy: "https-only", SSLProtocols: []string{"TLSv1.2"}}},
		OriginGroups:    []cfsnap.OriginGroup{{ID: "g", Members: []string{"s3", "alb"}}},
		DefaultBehavior: cfsnap.CacheBehavior{TargetOrigin: "g", ViewerProtocolPolicy: "redirect-to-https"},
		Behaviors:       []cfsnap.CacheBehavior{{PathPattern: "/api/*", TargetOrigin: "alb", ViewerProtocolPolicy: "https-only"}},
		Logging:         true, LoggingBucket: "logs.s3.amazonaws.com", WebACL: "arn:aws:wafv2:us-east-1:111122223333:global/webacl/edge/1",
		Certificate: cfsnap.ViewerCertificate{ACMCertificate: "arn:aws:acm:us-east-1:111122223333:certificate/c", SSLSupportMethod: "sni-only"}}
	d := &cfsnap.Distribution{ID: id, ARN: arn(id), Enabled: true, Config: c, Buckets: map[string]bool{"site": true}}
	if change != nil {
		change(c, d)
	}
	return d
}

// customOnly has only a custom origin over HTTPS.
func customOnly(c *cfsnap.Config, d *cfsnap.Distribution) {
	c.Origins = c.Origins[1:]
	c.OriginGroups = nil
	c.DefaultBehavior.TargetOrigin = "alb"
	d.Buckets = nil
}

// s3Only has only the S3 origin.
func s3Only(c *cfsnap.Config, d *cfsnap.Distribution) {
	c.Origins = c.Origins[:1]
	c.OriginGroups = nil
	c.Behaviors = nil
	c.DefaultBehavior.TargetOrigin = "s3"
}

func eval(t *testing.T, id string, ds ...*cfsnap.Distribution) map[string]control.Status {
	t.Helper()
	a := controltest.Account("us-east-1", "eu-west-1")
	a.CloudFront = &cfsnap.CloudFront{Distributions: ds}
	return controltest.Statuses(t, controltest.Eval(byID(t, id), controltest.Snapshot(a)))
}

func TestControls(t *testing.T) {
	cases := []struct {
		id   string
		d    *cfsnap.Distribution
		want control.Status
	}{
		{"CloudFront.1", good("ok", nil), P},
		{"CloudFront.1", good("noroot", func(c *cfsnap.Config, _ *cfsnap.Distribution) { c.DefaultRootObject = "" }), F},
		{"CloudFront.1", good("custom", func(c *cfsnap.Config, d *cfsnap.Distribution) { customOnly(c, d); c.DefaultRootObject = "" }), NA},

		{"CloudFront.3", good("ok", nil), P},
		{"CloudFront.3", good("default", func(c *cfsnap.Config, _ *cfsnap.Distribution) { c.DefaultBehavior.ViewerProtocolPolicy = "allow-all" }), F},
		{"CloudFront.3", good("path", func(c *cfsnap.Config, _ *cfsnap.Distribution) { c.Behaviors[0].ViewerProtocolPolicy = "allow-all" }), F},

		{"CloudFront.4", good("ok", nil), P},
		{"CloudFront.4", good("nogroup", func(c *cfsnap.Config, _ *cfsnap.Distribution) { c.OriginGroups = nil }), F},
		{"CloudFront.4", good("onemember", func(c *cfsnap.Config, _ *cfsnap.Distribution) { c.OriginGroups[0].Members = []string{"s3"} }), F},

		{"CloudFront.5", good("ok", nil), P},
		{"CloudFront.5", good("nolog", func(c *cfsnap.Config, _ *cfsnap.Distribution) { c.Logging = false }), F},

		{"CloudFront.6", good("ok", nil), P},
		{"CloudFront.6", good("nowaf", func(c *cfsnap.Config, _ *cfsnap.Distribution) { c.WebACL = "" }), F},

		{"CloudFront.7", good("ok", nil), P},
		{"CloudFront.7", good("default", func(c *cfsnap.Config, _ *cfsnap.Distribution) {
			c.Certificate = cfsnap.ViewerCertificate{Default: true}
		}), F},

		{"CloudFront.8", good("ok", nil), P},
		{"CloudFront.8", good("vip", func(c *cfsnap.Config, _ *cfsnap.Distribution) { c.Certificate.SSLSupportMethod = "vip" }), F},
		{"CloudFront.8", good("default", func(c *cfsnap.Config, _ *cfsnap.Distribution) {
			c.Certificate = cfsnap.ViewerCertificate{Default: true}
		}), NA},

		{"CloudFront.9", good("ok", nil), P},
		{"CloudFront.9", good("http", func(c *cfsnap.Config, _ *cfsnap.Distribution) { c.Origins[1].ProtocolPolicy = "http-only" }), F},
		// match-viewer fails only where a behavior reaching the origin
		// (here through the origin group) lets viewers use HTTP.
		{"CloudFront.9", good("matchplain", func(c *cfsnap.Config, _ *cfsnap.Distribution) {
			c.Origins[1].ProtocolPolicy = "match-viewer"
			c.DefaultBehavior.ViewerProtocolPolicy = "allow-all"
		}), F},
		{"CloudFront.9", good("matchtls", func(c *cfsnap.Config, _ *cfsnap.Distribution) { c.Origins[1].ProtocolPolicy = "match-viewer" }), P},
		{"CloudFront.9", good("s3only", func(c *cfsnap.Config, d *cfsnap.Distribution) { s3Only(c, d) }), NA},

		{"CloudFront.10", good("ok", nil), P},
		{"CloudFront.10", good("sslv3", func(c *cfsnap.Config, _ *cfsnap.Distribution) {
			c.Origins[1].SSLProtocols = []string{"SSLv3", "TLSv1", "TLSv1.2"}
		}), F},
		{"CloudFront.10", good("s3only", func(c *cfsnap.Config, d *cfsnap.Distribution) { s3Only(c, d) }), NA},

		{"CloudFront.12", good("ok", nil), P},
		{"CloudFront.12", good("gone", func(_ *cfsnap.Config, d *cfsnap.Distribution) { d.Buckets["site"] = false }), F},
		{"CloudFront.12", good("custom", func(c *cfsnap.Config, d *cfsnap.Distribution) { customOnly(c, d) }), NA},
		{"CloudFront.12", good("unknown", func(_ *cfsnap.Config, d *cfsnap.Distribution) {
			d.Buckets = nil
			d.Errors = map[string]string{"bucket:site": "Throttling: Rate exceeded"}
		}), E},

		{"CloudFront.13", good("ok", nil), P},
		{"CloudFront.13", good("oai", func(c *cfsnap.Config, _ *cfsnap.Distribution) {
			c.Origins[0].OAC, c.Origins[0].OAI = "", "origin-access-identity/cloudfront/E2"
		}), F},
		{"CloudFront.13", good("public", func(c *cfsnap.Config, _ *cfsnap.Distribution) { c.Origins[0].OAC = "" }), F},
		{"CloudFront.13", good("custom", func(c *cfsnap.Config, d *cfsnap.Distribution) { customOnly(c, d) }), NA},
	}
	for _, tc := range cases {
		got := eval(t, tc.id, tc.d)
		if len(got) != 1 || got[tc.d.ARN] != tc.want {
			t.Errorf("%s %s: %v, want %s", tc.id, tc.d.ID, got, tc.want)
		}
	}
}

func TestBucketOf(t *testing.T) {
	for domain, want := range map[string]string{
		"site.s3.amazonaws.com": "site", "my.site.s3.us-east-1.amazonaws.com": "my.site", "old.s3-us-west-2.amazonaws.com": "old",
		"alb.example.com": "", "cn.s3.cn-north-1.amazonaws.com.cn": "cn",
	} {
		if got := cfsnap.BucketOf(domain); got != want {
			t.Errorf("BucketOf(%q) = %q, want %q", domain, got, want)
		}
	}
}

// TestNotCollected: no state, a collector gap, or an unread
// configuration is ERROR for every control, never PASSED.
func TestNotCollected(t *testing.T) {
	for _, c := range cloudfront.Controls() {
		a := controltest.Account("us-east-1")
		rs := controltest.Eval(c, controltest.Snapshot(a))
		if len(rs) != 1 || rs[0].Status != E {
			t.Errorf("%s without state: %+v", c.ID, rs)
		}
		a = controltest.Account("us-east-1")
		a.CloudFront = &cfsnap.CloudFront{Distributions: []*cfsnap.Distribution{good("x", nil)}}
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Collector: "cloudfront"}, Class: "access denied", Reason: "AccessDenied"})
		rs = controltest.Eval(c, s)
		if len(rs) == 0 {
			t.Errorf("%s with a gap: no result", c.ID)
		}
		for _, r := range rs {
			if r.Status != E {
				t.Errorf("%s with a gap: %+v", c.ID, r)
			}
		}
		unread := &cfsnap.Distribution{ID: "u", ARN: arn("u"), Errors: map[string]string{"config": "AccessDenied: no"}}
		if got := eval(t, c.ID, unread); got[arn("u")] != E {
			t.Errorf("%s unread config: %v", c.ID, got)
		}
	}
}
