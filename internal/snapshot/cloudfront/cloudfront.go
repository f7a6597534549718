// Package cloudfront holds the normalized CloudFront state of one account
// (CloudFront is global): its distributions with their origins, cache
// behaviors, viewer certificate, logging and web ACL. It must not import
// the AWS SDK.
//
// A detail that could not be read is empty and says why in Errors, so a
// control reports ERROR for it instead of judging an empty value.
package cloudfront

// CloudFront is the CloudFront state of an account.
type CloudFront struct {
	Distributions []*Distribution `json:"distributions"`
}

// Distribution is a CloudFront web distribution.
type Distribution struct {
	ID         string `json:"id"`
	ARN        string `json:"arn"`
	DomainName string `json:"domain_name"`
	Enabled    bool   `json:"enabled"`
	// Config is the distribution's configuration (GetDistributionConfig);
	// nil when it could not be read (Errors["config"]).
	Config *Config `json:"config"`
	// Buckets holds, for each S3 origin's bucket name, whether the bucket
	// exists (HeadBucket did not answer 404); a bucket whose existence
	// could not be told is missing from it and says why in
	// Errors["bucket:<name>"].
	Buckets map[string]bool   `json:"buckets,omitempty"`
	Errors  map[string]string `json:"errors,omitempty"`
}

// Config is the part of a distribution's configuration the controls read.
type Config struct {
	DefaultRootObject string          `json:"default_root_object,omitempty"`
	Origins           []Origin        `json:"origins"`
	OriginGroups      []OriginGroup   `json:"origin_groups,omitempty"`
	DefaultBehavior   CacheBehavior   `json:"default_behavior"`
	Behaviors         []CacheBehavior `json:"behaviors,omitempty"`
	Logging           bool            `json:"logging"`
	LoggingBucket     string          `json:"logging_bucket,omitempty"`
	// WebACL is the WAFv2 web ACL ARN or WAF Classic web ACL ID; empty
	// when none is associated.
	WebACL      string            `json:"web_acl,omitempty"`
	Certificate ViewerCertificate `json:"certificate"`
}

// Origin is one origin of a distribution.
type Origin struct {
	ID         string `json:"id"`
	DomainName string `json:"domain_name"`
	// S3 is true for an origin with an S3OriginConfig (a bucket's REST
	// endpoint); a website endpoint is a custom origin.
	S3  bool   `json:"s3"`
	OAI string `json:"oai,omitempty"`
	OAC string `json:"oac,omitempty"`
	// Custom origin settings (S3 false).
	ProtocolPolicy string   `json:"protocol_policy,omitempty"` // http-only, match-viewer, https-only
	SSLProtocols   []string `json:"ssl_protocols,omitempty"`
}

// OriginGroup is an origin failover group.
type OriginGroup struct {
	ID      string   `json:"id"`
	Members []string `json:"members"`
}

// CacheBehavior is the default or a path cache behavior.
type CacheBehavior struct {
	PathPattern          string `json:"path_pattern,omitempty"`
	TargetOrigin         string `json:"target_origin"`
	ViewerProtocolPolicy string `json:"viewer_protocol_policy"`
}

// ViewerCertificate is how the distribution serves HTTPS to viewers.
type ViewerCertificate struct {
	// Default is CloudFront's own *.cloudfront.net certificate.
	Default          bool   `json:"default"`
	ACMCertificate   string `json:"acm_certificate,omitempty"`
	IAMCertificate   string `json:"iam_certificate,omitempty"`
	SSLSupportMethod string `json:"ssl_support_method,omitempty"` // sni-only, vip, static-ip
	MinimumProtocol  string `json:"minimum_protocol_version,omitempty"`
}

// Custom reports whether the distribution serves a custom certificate.
func (v ViewerCertificate) Custom() bool { return v.ACMCertificate != "" || v.IAMCertificate != "" }

// BucketOf returns the bucket an S3 origin's domain name designates
// ("b.s3.amazonaws.com", "b.s3.us-east-1.amazonaws.com",
// "b.s3-us-west-2.amazonaws.com"), or "" when it names none.
func BucketOf(domain string) string {
	for i := len(domain) - 1; i > 0; i-- {
		if domain[i] == '.' && (hasPrefix(domain[i+1:], "s3.") || hasPrefix(domain[i+1:], "s3-")) {
			rest := domain[i+1:]
			if hasSuffix(rest, ".amazonaws.com") || hasSuffix(rest, ".amazonaws.com.cn") {
				return domain[:i]
			}
		}
	}
	return ""
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }
func hasSuffix(s, p string) bool { return len(s) >= len(p) && s[len(s)-len(p):] == p }
