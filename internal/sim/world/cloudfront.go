package world

import "time"

// CloudFront is an account's CloudFront distributions. CloudFront is a
// global service: one state per account, whatever region signs the call.
type CloudFront struct {
	Distributions []*Distribution `yaml:"distributions"`
	// Seq numbers the distributions CreateDistribution makes.
	Seq int `yaml:"-"`
}

// Distribution is a CloudFront web distribution.
type Distribution struct {
	// ID is the distribution ID (E + 13 characters); derived when empty.
	ID                string    `yaml:"id"`
	CallerReference   string    `yaml:"caller_reference"`
	Comment           string    `yaml:"comment"`
	Disabled          bool      `yaml:"disabled"`
	Aliases           []string  `yaml:"aliases"`
	DefaultRootObject string    `yaml:"default_root_object"`
	Modified          time.Time `yaml:"modified"`
	// Origins; an origin is an S3 origin when S3 is set, a custom origin
	// (an ALB, a website endpoint, any HTTP server) otherwise.
	Origins      []*CFOrigin     `yaml:"origins"`
	OriginGroups []*OriginGroup  `yaml:"origin_groups"`
	Default      CacheBehavior   `yaml:"default_behavior"`
	Behaviors    []CacheBehavior `yaml:"behaviors"`
	// Logging is standard (legacy) access logging; nil is disabled.
	Logging *CFLogging `yaml:"logging"`
	// WebACL is the AWS WAF web ACL: a WAFv2 ARN or a WAF Classic ID.
	WebACL      string            `yaml:"web_acl"`
	Certificate ViewerCertificate `yaml:"certificate"`
	PriceClass  string            `yaml:"price_class"`
	HTTPVersion string            `yaml:"http_version"`
}

// CFOrigin is one origin of a distribution.
type CFOrigin struct {
	ID         string `yaml:"id"`
	DomainName string `yaml:"domain_name"`
	OriginPath string `yaml:"origin_path"`
	// S3 marks an S3 origin (S3OriginConfig); OAI is its legacy origin
	// access identity ("origin-access-identity/cloudfront/E...").
	S3  bool   `yaml:"s3"`
	OAI string `yaml:"oai"`
	// OAC is the origin access control ID.
	OAC string `yaml:"oac"`
	// Custom origin settings (when not S3).
	HTTPPort       int      `yaml:"http_port"`
	HTTPSPort      int      `yaml:"https_port"`
	ProtocolPolicy string   `yaml:"protocol_policy"` // http-only, match-viewer, https-only
	SSLProtocols   []string `yaml:"ssl_protocols"`   // SSLv3, TLSv1, TLSv1.1, TLSv1.2
}

// OriginGroup is an origin failover group.
type OriginGroup struct {
	ID          string   `yaml:"id"`
	Members     []string `yaml:"members"` // origin IDs, primary first
	StatusCodes []int    `yaml:"status_codes"`
}

// CacheBehavior is the default or a path cache behavior.
type CacheBehavior struct {
	PathPattern          string `yaml:"path_pattern"`
	TargetOrigin         string `yaml:"target_origin"`
	ViewerProtocolPolicy string `yaml:"viewer_protocol_policy"` // allow-all, https-only, redirect-to-https
}

// CFLogging is a distribution's standard logging configuration.
type CFLogging struct {
	Bucket         string `yaml:"bucket"` // bucket.s3.amazonaws.com
	Prefix         string `yaml:"prefix"`
	IncludeCookies bool   `yaml:"include_cookies"`
}

// ViewerCertificate is how a distribution serves HTTPS to viewers. The
// zero value is CloudFront's default *.cloudfront.net certificate.
type ViewerCertificate struct {
	ACMCertificate string `yaml:"acm_certificate"`
	IAMCertificate string `yaml:"iam_certificate"`
	// SSLSupportMethod is sni-only (default for a custom certificate),
	// vip or static-ip.
	SSLSupportMethod       string `yaml:"ssl_support_method"`
	MinimumProtocolVersion string `yaml:"minimum_protocol_version"`
}

// Custom reports whether the distribution serves a custom certificate.
func (v ViewerCertificate) Custom() bool { return v.ACMCertificate != "" || v.IAMCertificate != "" }
