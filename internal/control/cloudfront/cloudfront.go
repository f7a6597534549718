// Package cloudfront holds the CloudFront controls (CloudFront.1, .3-.10,
// .12, .13). CloudFront is global, so the controls are Global and judge
// each distribution of the account once. They read the "cloudfront"
// collector's state and never call AWS.
//
// A distribution whose configuration could not be read is ERROR, never a
// pass; a control that applies to S3 or custom origins only reports a
// distribution without such origins NOT_APPLICABLE, as Security Hub does.
package cloudfront

import (
	"fmt"
	"slices"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudfront"
)

// Controls returns the CloudFront controls.
func Controls() []*control.Control {
	return []*control.Control{cf1(), cf3(), cf4(), cf5(), cf6(), cf7(), cf8(), cf9(), cf10(), cf12(), cf13()}
}

// resourceType is the ASFF type of a distribution.
const resourceType = "AwsCloudFrontDistribution"

func meta(d *cloudfront.Distribution) snapshot.Meta {
	return snapshot.Meta{ARN: d.ARN, Type: resourceType, Name: d.ID}
}

// distributionControl completes c as a global control that judges the
// configuration of every distribution of the account with judge.
func distributionControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, d *cloudfront.Distribution, cfg *cloudfront.Config)) *control.Control {
	c.Service = "CloudFront"
	c.ResourceType = resourceType
	c.Global = true
	c.Needs = []string{"cloudfront"}
	c.Check = func(in *control.Input) {
		s := in.Account.CloudFront
		if s == nil {
			in.Error(in.AccountMeta(), "CloudFront state was not collected")
			return
		}
		for _, d := range s.Distributions {
			m := meta(d)
			if d.Config == nil {
				in.Error(m, "the configuration of distribution %s could not be read: %s", d.ID, orUnknown(d.Errors["config"]))
				continue
			}
			judge(in, m, d, d.Config)
		}
	}
	return &c
}

func orUnknown(s string) string {
	if s == "" {
		return "not collected"
	}
	return s
}

func s3Origins(cfg *cloudfront.Config) []cloudfront.Origin {
	var out []cloudfront.Origin
	for _, o := range cfg.Origins {
		if o.S3 {
			out = append(out, o)
		}
	}
	return out
}

func customOrigins(cfg *cloudfront.Config) []cloudfront.Origin {
	var out []cloudfront.Origin
	for _, o := range cfg.Origins {
		if !o.S3 {
			out = append(out, o)
		}
	}
	return out
}

func behaviors(cfg *cloudfront.Config) []cloudfront.CacheBehavior {
	return append([]cloudfront.CacheBehavior{cfg.DefaultBehavior}, cfg.Behaviors...)
}

func behaviorName(b cloudfront.CacheBehavior) string {
	if b.PathPattern == "" {
		return "the default cache behavior"
	}
	return "cache behavior " + b.PathPattern
}

func ids(os []cloudfront.Origin) string {
	var s []string
	for _, o := range os {
		s = append(s, o.ID)
	}
	return strings.Join(s, ", ")
}

// routesTo reports whether behavior b sends requests to origin id,
// directly or through an origin group.
func routesTo(cfg *cloudfront.Config, b cloudfront.CacheBehavior, id string) bool {
	if b.TargetOrigin == id {
		return true
	}
	for _, g := range cfg.OriginGroups {
		if g.ID == b.TargetOrigin && slices.Contains(g.Members, id) {
			return true
		}
	}
	return false
}

func cf1() *control.Control {
	return distributionControl(control.Control{
		ID: "CloudFront.1", Title: "CloudFront distributions should have a default root object configured", Severity: control.High,
		Rationale: "Without a default root object, a request for the distribution's root URL is forwarded to the S3 origin as a request " +
			"for the bucket itself, which can list the bucket's contents or reveal errors about it.",
		Remediation: "Set a default root object (usually index.html) on every distribution that serves an S3 origin.\n" +
			"Console: CloudFront > Distributions > the distribution > General > Settings > Edit > Default root object.\n" +
			"CLI: aws cloudfront get-distribution-config --id <id> > cfg.json; set DistributionConfig.DefaultRootObject; " +
			"aws cloudfront update-distribution --id <id> --if-match <ETag> --distribution-config file://config-only.json",
		WellArchitected: []string{"SEC08"},
	}, func(in *control.Input, m snapshot.Meta, d *cloudfront.Distribution, cfg *cloudfront.Config) {
		if len(s3Origins(cfg)) == 0 {
			in.NotApplicable(m, "distribution %s has no S3 origin", d.ID)
			return
		}
		in.Check(m, cfg.DefaultRootObject != "", "distribution "+d.ID+" returns "+cfg.DefaultRootObject+" for its root URL",
			"distribution "+d.ID+" has S3 origins and no default root object")
	})
}

func cf3() *control.Control {
	return distributionControl(control.Control{
		ID: "CloudFront.3", Title: "CloudFront distributions should require encryption in transit", Severity: control.Medium,
		Rationale: "A cache behavior whose viewer protocol policy is allow-all serves content over plain HTTP, where it can be read " +
			"or altered between the viewer and the edge.",
		Remediation: "Set every cache behavior's viewer protocol policy (the default one included) to redirect-to-https or https-only.\n" +
			"Console: CloudFront > Distributions > the distribution > Behaviors > each behavior > Edit > Viewer protocol policy: Redirect HTTP to HTTPS.\n" +
			"CLI: edit ViewerProtocolPolicy in DefaultCacheBehavior and each CacheBehaviors item of get-distribution-config's output, then " +
			"aws cloudfront update-distribution --id <id> --if-match <ETag> --distribution-config file://config-only.json",
		WellArchitected: []string{"SEC09"},
	}, func(in *control.Input, m snapshot.Meta, d *cloudfront.Distribution, cfg *cloudfront.Config) {
		var plain []string
		for _, b := range behaviors(cfg) {
			if b.ViewerProtocolPolicy == "allow-all" {
				plain = append(plain, behaviorName(b))
			}
		}
		in.Check(m, len(plain) == 0, "every cache behavior of distribution "+d.ID+" requires HTTPS",
			"distribution "+d.ID+" allows plain HTTP in "+strings.Join(plain, ", "))
	})
}

func cf4() *control.Control {
	return distributionControl(control.Control{
		ID: "CloudFront.4", Title: "CloudFront distributions should have origin failover configured", Severity: control.Low,
		Rationale: "An origin group with two origins lets CloudFront retry a failed request on a secondary origin, so one origin's " +
			"outage or error responses do not take the site down.",
		Remediation: "Create an origin group with a primary and a secondary origin and the status codes that trigger failover, " +
			"and point the cache behaviors at the group.\n" +
			"Console: CloudFront > Distributions > the distribution > Origins > Create origin group; then Behaviors > Edit > Origin: the group.",
		WellArchitected: []string{"REL10"},
	}, func(in *control.Input, m snapshot.Meta, d *cloudfront.Distribution, cfg *cloudfront.Config) {
		for _, g := range cfg.OriginGroups {
			if len(g.Members) >= 2 {
				in.Pass(m, "distribution %s fails over within origin group %s (%s)", d.ID, g.ID, strings.Join(g.Members, ", "))
				return
			}
		}
		in.Fail(m, "distribution %s has no origin group with two origins", d.ID)
	})
}

func cf5() *control.Control {
	return distributionControl(control.Control{
		ID: "CloudFront.5", Title: "CloudFront distributions should have logging enabled", Severity: control.Medium,
		Rationale: "Access logs record every viewer request (client IP, path, status, TLS version): the evidence an investigation " +
			"of abuse or a breach needs, which CloudFront keeps nowhere else.",
		Remediation: "Turn on standard logging to an S3 bucket that accepts ACL-based log delivery.\n" +
			"Console: CloudFront > Distributions > the distribution > General > Settings > Edit > Standard logging: On, S3 bucket.\n" +
			"CLI: set DistributionConfig.Logging {Enabled: true, Bucket: <bucket>.s3.amazonaws.com, Prefix, IncludeCookies: false} and " +
			"aws cloudfront update-distribution --id <id> --if-match <ETag> --distribution-config file://config-only.json",
		WellArchitected: []string{"SEC04"},
	}, func(in *control.Input, m snapshot.Meta, d *cloudfront.Distribution, cfg *cloudfront.Config) {
		in.Check(m, cfg.Logging, "distribution "+d.ID+" logs to "+cfg.LoggingBucket, "distribution "+d.ID+" has standard logging off")
	})
}

func cf6() *control.Control {
	return distributionControl(control.Control{
		ID: "CloudFront.6", Title: "CloudFront distributions should have WAF enabled", Severity: control.Medium,
		Rationale: "A web ACL at the edge blocks common web exploits, bad bots and request floods before they reach the origin.",
		Remediation: "Associate an AWS WAF web ACL (scope CLOUDFRONT, created in us-east-1) with the distribution.\n" +
			"Console: CloudFront > Distributions > the distribution > Security > Edit > Enable AWS WAF protections, or WAF & Shield > " +
			"Web ACLs > the web ACL > Associated AWS resources > Add.\n" +
			"CLI: set DistributionConfig.WebACLId to the web ACL's ARN and aws cloudfront update-distribution --id <id> --if-match <ETag> " +
			"--distribution-config file://config-only.json",
		WellArchitected: []string{"SEC06"},
	}, func(in *control.Input, m snapshot.Meta, d *cloudfront.Distribution, cfg *cloudfront.Config) {
		in.Check(m, cfg.WebACL != "", "distribution "+d.ID+" is protected by web ACL "+cfg.WebACL,
			"distribution "+d.ID+" is associated with no AWS WAF web ACL")
	})
}

func cf7() *control.Control {
	return distributionControl(control.Control{
		ID: "CloudFront.7", Title: "CloudFront distributions should use custom SSL/TLS certificates", Severity: control.Medium,
		Rationale: "With the default *.cloudfront.net certificate, viewers reach the site under a CloudFront host name rather than " +
			"the organization's own domain, and the minimum TLS version cannot be raised above TLSv1.",
		Remediation: "Request or import a certificate for the distribution's alternate domain names in AWS Certificate Manager in " +
			"us-east-1 and attach it.\n" +
			"Console: CloudFront > Distributions > the distribution > General > Settings > Edit > Custom SSL certificate.",
		WellArchitected: []string{"SEC09"},
	}, func(in *control.Input, m snapshot.Meta, d *cloudfront.Distribution, cfg *cloudfront.Config) {
		v := cfg.Certificate
		in.Check(m, v.Custom(), "distribution "+d.ID+" serves certificate "+v.ACMCertificate+v.IAMCertificate,
			"distribution "+d.ID+" uses the default CloudFront certificate")
	})
}

func cf8() *control.Control {
	return distributionControl(control.Control{
		ID: "CloudFront.8", Title: "CloudFront distributions should use SNI to serve HTTPS requests", Severity: control.Low,
		Rationale: "Serving a custom certificate from dedicated IP addresses is needed only for clients that do not send SNI, " +
			"which almost none are today, and is billed per distribution each month.",
		Remediation: "Set the SSL support method of the custom certificate to SNI only.\n" +
			"Console: CloudFront > Distributions > the distribution > General > Settings > Edit > Legacy clients support: off.\n" +
			"CLI: set DistributionConfig.ViewerCertificate.SSLSupportMethod to sni-only and update the distribution.",
		WellArchitected: []string{"COST02"},
	}, func(in *control.Input, m snapshot.Meta, d *cloudfront.Distribution, cfg *cloudfront.Config) {
		v := cfg.Certificate
		if !v.Custom() {
			in.NotApplicable(m, "distribution %s uses the default CloudFront certificate", d.ID)
			return
		}
		in.Check(m, v.SSLSupportMethod == "sni-only", "distribution "+d.ID+" serves its custom certificate with SNI",
			fmt.Sprintf("distribution %s serves its custom certificate from dedicated IP addresses (%s)", d.ID, v.SSLSupportMethod))
	})
}

func cf9() *control.Control {
	return distributionControl(control.Control{
		ID: "CloudFront.9", Title: "CloudFront distributions should encrypt traffic to custom origins", Severity: control.Medium,
		Rationale: "An origin reached over HTTP sends every request and response between the edge and the origin in clear text " +
			"over the internet, even when viewers use HTTPS.",
		Remediation: "Set each custom origin's protocol policy to HTTPS only (or match viewer, with every behavior that reaches it " +
			"requiring HTTPS).\n" +
			"Console: CloudFront > Distributions > the distribution > Origins > the origin > Edit > Protocol: HTTPS only.",
		WellArchitected: []string{"SEC09"},
	}, func(in *control.Input, m snapshot.Meta, d *cloudfront.Distribution, cfg *cloudfront.Config) {
		custom := customOrigins(cfg)
		if len(custom) == 0 {
			in.NotApplicable(m, "distribution %s has no custom origin", d.ID)
			return
		}
		var plain []string
		for _, o := range custom {
			switch o.ProtocolPolicy {
			case "http-only":
				plain = append(plain, o.ID+" (HTTP only)")
			case "match-viewer":
				for _, b := range behaviors(cfg) {
					if b.ViewerProtocolPolicy == "allow-all" && routesTo(cfg, b, o.ID) {
						plain = append(plain, o.ID+" (matches viewers that "+behaviorName(b)+" lets use HTTP)")
						break
					}
				}
			}
		}
		in.Check(m, len(plain) == 0, "distribution "+d.ID+" reaches its custom origins ("+ids(custom)+") over HTTPS",
			"distribution "+d.ID+" sends plain HTTP to origin "+strings.Join(plain, ", "))
	})
}

func cf10() *control.Control {
	return distributionControl(control.Control{
		ID: "CloudFront.10", Title: "CloudFront distributions should not use deprecated SSL protocols between edge locations and custom origins",
		Severity: control.Medium,
		Rationale: "SSL 3.0 is broken (POODLE) and deprecated since 2015; an origin that accepts it lets the connection between " +
			"the edge and the origin be downgraded.",
		Remediation: "Remove SSLv3 from each custom origin's minimum origin SSL protocols; allow TLSv1.2 only.\n" +
			"Console: CloudFront > Distributions > the distribution > Origins > the origin > Edit > Minimum origin SSL protocol: TLSv1.2.",
		WellArchitected: []string{"SEC09"},
	}, func(in *control.Input, m snapshot.Meta, d *cloudfront.Distribution, cfg *cloudfront.Config) {
		custom := customOrigins(cfg)
		if len(custom) == 0 {
			in.NotApplicable(m, "distribution %s has no custom origin", d.ID)
			return
		}
		var old []string
		for _, o := range custom {
			if slices.Contains(o.SSLProtocols, "SSLv3") {
				old = append(old, o.ID)
			}
		}
		in.Check(m, len(old) == 0, "no custom origin of distribution "+d.ID+" allows SSLv3",
			"distribution "+d.ID+" allows SSLv3 to origin "+strings.Join(old, ", "))
	})
}

func cf12() *control.Control {
	return distributionControl(control.Control{
		ID: "CloudFront.12", Title: "CloudFront distributions should not point to non-existent S3 origins", Severity: control.High,
		Rationale: "A distribution whose S3 origin bucket was deleted lets anyone create a bucket of that name in their own account " +
			"and serve their content under the organization's domain.",
		Remediation: "Recreate the bucket in the organization's account, or point the origin at an existing bucket, or delete the " +
			"origin (and the distribution when unused).\n" +
			"Console: CloudFront > Distributions > the distribution > Origins > the origin > Edit > Origin domain.",
		WellArchitected: []string{"SEC01"},
	}, func(in *control.Input, m snapshot.Meta, d *cloudfront.Distribution, cfg *cloudfront.Config) {
		var checked, missing, unknown []string
		for _, o := range s3Origins(cfg) {
			b := cloudfront.BucketOf(o.DomainName)
			if b == "" {
				continue
			}
			exists, ok := d.Buckets[b]
			switch {
			case !ok:
				unknown = append(unknown, b+": "+orUnknown(d.Errors["bucket:"+b]))
			case !exists:
				missing = append(missing, b)
			default:
				checked = append(checked, b)
			}
		}
		switch {
		case len(missing) > 0:
			in.Fail(m, "distribution %s points to S3 bucket %s, which does not exist", d.ID, strings.Join(missing, ", "))
		case len(unknown) > 0:
			in.Error(m, "could not tell whether the origin buckets of distribution %s exist: %s", d.ID, strings.Join(unknown, "; "))
		case len(checked) == 0:
			in.NotApplicable(m, "distribution %s has no S3 bucket origin", d.ID)
		default:
			in.Pass(m, "the origin buckets of distribution %s exist (%s)", d.ID, strings.Join(checked, ", "))
		}
	})
}

func cf13() *control.Control {
	return distributionControl(control.Control{
		ID: "CloudFront.13", Title: "CloudFront distributions should use origin access control", Severity: control.Medium,
		Rationale: "Origin access control signs CloudFront's requests to the bucket, so the bucket can refuse every other reader; " +
			"without it the bucket must be public or rely on the legacy origin access identity, which supports neither SSE-KMS nor " +
			"every region.",
		Remediation: "Create an origin access control (signing: always, SigV4) and set it on each S3 origin; then allow it in the " +
			"bucket policy (Principal service cloudfront.amazonaws.com, Condition AWS:SourceArn the distribution's ARN) and remove " +
			"any public access or OAI grant.\n" +
			"Console: CloudFront > Distributions > the distribution > Origins > the origin > Edit > Origin access: Origin access control settings.",
		WellArchitected: []string{"SEC03"},
	}, func(in *control.Input, m snapshot.Meta, d *cloudfront.Distribution, cfg *cloudfront.Config) {
		s3 := s3Origins(cfg)
		if len(s3) == 0 {
			in.NotApplicable(m, "distribution %s has no S3 origin", d.ID)
			return
		}
		var without []string
		for _, o := range s3 {
			if o.OAC == "" {
				without = append(without, o.ID)
			}
		}
		in.Check(m, len(without) == 0, "every S3 origin of distribution "+d.ID+" ("+ids(s3)+") uses origin access control",
			"distribution "+d.ID+" reaches S3 origin "+strings.Join(without, ", ")+" without origin access control")
	})
}
