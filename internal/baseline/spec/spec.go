// Package spec is the baseline's desired state as a security team writes
// it: settings for every detective service, given once as defaults for
// the organization and overridden per OU, account and region. Parse
// rejects a malformed file with the file, line, column and field at fault;
// Resolve gives the settings that hold for one account in one region.
//
// A setting left out is not managed: the baseline never turns a service
// off. "enabled: false" in an override stops managing that service
// there; it does not disable it.
//
// spec is plain data: it must not import the AWS SDK or the engine.
package spec

import (
	_ "embed"
	"reflect"
	"slices"
	"strings"
)

// Spec is a parsed baseline file.
type Spec struct {
	// Name is where the spec came from (a file path, or "default"), and
	// Text the spec as written (the journal keeps it with each run).
	Name string `yaml:"-"`
	Text []byte `yaml:"-"`

	Version      int          `yaml:"version"`
	Organization Organization `yaml:"organization"`
	Defaults     Settings     `yaml:"defaults"`
	Overrides    []Override   `yaml:"overrides"`
}

// Organization names the accounts that hold the organization's central
// resources.
type Organization struct {
	// SecurityAccount is the delegated administrator of the security
	// services and holds the aggregators.
	SecurityAccount string `yaml:"security_account"`
	// LogArchiveAccount owns the central log bucket.
	LogArchiveAccount string `yaml:"log_archive_account"`
	// HomeRegion is where global items, organization trails and
	// aggregators live (us-east-1 when empty).
	HomeRegion string `yaml:"home_region"`
}

// Home returns the home region.
func (o Organization) Home() string {
	if o.HomeRegion == "" {
		return "us-east-1"
	}
	return o.HomeRegion
}

// Override changes settings where Match matches.
type Override struct {
	Name     string   `yaml:"name"`
	Match    Match    `yaml:"match"`
	Settings Settings `yaml:"settings"`
	// Line is where the override starts in the file.
	Line int `yaml:"-"`
}

// Match selects targets: every criterion given must match; a list
// matches any of its values.
type Match struct {
	// OUs are OU paths ("Workloads/Production"), OU IDs or OU names; an
	// OU matches the accounts under it at any depth.
	OUs      []string `yaml:"ou"`
	Accounts []string `yaml:"account"`
	Regions  []string `yaml:"region"`
}

// Settings are the desired settings of every service. A nil field is not
// managed.
type Settings struct {
	CloudTrail          *CloudTrail     `yaml:"cloudtrail"`
	LogArchive          *LogArchive     `yaml:"log_archive"`
	Config              *Config         `yaml:"config"`
	GuardDuty           *GuardDuty      `yaml:"guardduty"`
	SecurityHub         *SecurityHub    `yaml:"securityhub"`
	AccessAnalyzer      *AccessAnalyzer `yaml:"access_analyzer"`
	Inspector2          *Inspector2     `yaml:"inspector2"`
	Detective           *Detective      `yaml:"detective"`
	EBSEncryption       *Toggle         `yaml:"ebs_encryption"`
	S3PublicAccessBlock *Toggle         `yaml:"s3_public_access_block"`
	PasswordPolicy      *PasswordPolicy `yaml:"iam_password_policy"`
}

// Toggle is a service that is on or not managed.
type Toggle struct {
	Enabled *bool `yaml:"enabled"`
}

// CloudTrail is the trail every account must be covered by.
type CloudTrail struct {
	Enabled *bool `yaml:"enabled"`
	// Mode is "organization" (one organization trail in the management
	// account's home region) or "account" (a trail in each account).
	Mode              *string `yaml:"mode"`
	TrailName         *string `yaml:"trail_name"`
	Bucket            *string `yaml:"bucket"`
	KeyPrefix         *string `yaml:"key_prefix"`
	KMSKey            *string `yaml:"kms_key"`
	LogFileValidation *bool   `yaml:"log_file_validation"`
}

// LogArchive is the central log bucket in the log-archive account.
type LogArchive struct {
	Enabled    *bool   `yaml:"enabled"`
	Bucket     *string `yaml:"bucket"`
	Versioning *bool   `yaml:"versioning"`
	// ObjectLock turns on S3 Object Lock. AWS never turns it off again:
	// a rollback leaves it on and says so.
	ObjectLock *bool `yaml:"object_lock"`
	// DenyDelete adds a bucket policy statement that denies deleting
	// log objects and the bucket to everyone.
	DenyDelete *bool `yaml:"deny_delete"`
}

// Config is AWS Config's recorder and delivery channel in every region,
// and the organization aggregator in the security account.
type Config struct {
	Enabled   *bool   `yaml:"enabled"`
	Bucket    *string `yaml:"bucket"`
	KeyPrefix *string `yaml:"key_prefix"`
	// Role is the recorder's role ARN; the service-linked role
	// AWSServiceRoleForConfig of each account when empty.
	Role *string `yaml:"role"`
	// Aggregator creates an organization aggregator of every region in
	// the security account's home region.
	Aggregator     *bool   `yaml:"aggregator"`
	AggregatorName *string `yaml:"aggregator_name"`
}

// GuardDuty is a detector in every region and the organization's
// delegated administrator.
type GuardDuty struct {
	Enabled *bool `yaml:"enabled"`
	// Features are protection plans to enable (S3_DATA_EVENTS, ...).
	Features       []string `yaml:"features"`
	DelegatedAdmin *bool    `yaml:"delegated_admin"`
	// AutoEnable is how the administrator enables member accounts:
	// ALL, NEW or NONE.
	AutoEnable *string `yaml:"auto_enable"`
}

// SecurityHub is Security Hub with standards in every region, the
// delegated administrator and cross-region aggregation.
type SecurityHub struct {
	Enabled *bool `yaml:"enabled"`
	// Standards to enable: fsbp, cis-1.2, cis-1.4, cis-3.0, nist-800-53,
	// pci-dss.
	Standards      []string `yaml:"standards"`
	DelegatedAdmin *bool    `yaml:"delegated_admin"`
	// Aggregation links every region to the home region in the security
	// account.
	Aggregation *bool `yaml:"aggregation"`
}

// AccessAnalyzer is an external-access analyzer in every account and
// region, and an organization analyzer in the security account.
type AccessAnalyzer struct {
	Enabled      *bool   `yaml:"enabled"`
	Name         *string `yaml:"name"`
	Organization *bool   `yaml:"organization"`
}

// Inspector2 is Amazon Inspector scanning in every region.
type Inspector2 struct {
	Enabled *bool `yaml:"enabled"`
	// Resources are scan types: ec2, ecr, lambda, lambda_code.
	Resources []string `yaml:"resources"`
}

// Detective is a Detective behavior graph in the security account.
type Detective struct {
	Enabled *bool `yaml:"enabled"`
}

// PasswordPolicy is the IAM account password policy.
type PasswordPolicy struct {
	Enabled            *bool `yaml:"enabled"`
	MinLength          *int  `yaml:"min_length"`
	RequireUppercase   *bool `yaml:"require_uppercase"`
	RequireLowercase   *bool `yaml:"require_lowercase"`
	RequireNumbers     *bool `yaml:"require_numbers"`
	RequireSymbols     *bool `yaml:"require_symbols"`
	AllowUsersToChange *bool `yaml:"allow_users_to_change"`
	MaxAge             *int  `yaml:"max_age"`
	ReusePrevention    *int  `yaml:"reuse_prevention"`
	HardExpiry         *bool `yaml:"hard_expiry"`
}

// On reports whether a service's settings are given and not turned off.
func On(enabled *bool) bool { return enabled == nil || *enabled }

// Str returns *p, or "" for nil.
func Str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// Bool returns *p, or false for nil.
func Bool(p *bool) bool { return p != nil && *p }

// Int returns *p, or 0 for nil.
func Int(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// Account is what overrides match an account on.
type Account struct {
	ID string
	// OUPath is the account's OU path ("Workloads/Production"), "" for
	// the root; OUIDs are the IDs of its OU and every OU above it.
	OUPath string
	OUIDs  []string
}

// Resolve returns the settings for account in region: the defaults, then
// each matching override in file order, a later one winning field by
// field. Global items resolve with the home region.
func (s *Spec) Resolve(a Account, region string) *Settings {
	out := &Settings{}
	overlay(reflect.ValueOf(out).Elem(), reflect.ValueOf(s.Defaults))
	for _, o := range s.Overrides {
		if o.Match.matches(a, region) {
			overlay(reflect.ValueOf(out).Elem(), reflect.ValueOf(o.Settings))
		}
	}
	return out
}

func (m Match) matches(a Account, region string) bool {
	if len(m.Accounts) > 0 && !slices.Contains(m.Accounts, a.ID) {
		return false
	}
	if len(m.Regions) > 0 && !slices.Contains(m.Regions, region) {
		return false
	}
	if len(m.OUs) > 0 && !slices.ContainsFunc(m.OUs, func(ou string) bool { return underOU(a, ou) }) {
		return false
	}
	return true
}

// underOU reports whether a is in ou (a path, an ID or a name) or below.
func underOU(a Account, ou string) bool {
	if slices.Contains(a.OUIDs, ou) {
		return true
	}
	if a.OUPath == ou || strings.HasPrefix(a.OUPath, ou+"/") {
		return true
	}
	return !strings.Contains(ou, "/") && slices.Contains(strings.Split(a.OUPath, "/"), ou)
}

// overlay copies the set fields of src (a struct) over dst: pointers to
// structs merge field by field, other pointers and slices replace.
func overlay(dst, src reflect.Value) {
	for i := range src.NumField() {
		sf, df := src.Field(i), dst.Field(i)
		switch sf.Kind() {
		case reflect.Pointer:
			if sf.IsNil() {
				continue
			}
			if sf.Elem().Kind() == reflect.Struct {
				if df.IsNil() {
					df.Set(reflect.New(sf.Elem().Type()))
				}
				overlay(df.Elem(), sf.Elem())
				continue
			}
			v := reflect.New(sf.Elem().Type())
			v.Elem().Set(sf.Elem())
			df.Set(v)
		case reflect.Slice:
			if !sf.IsNil() {
				df.Set(reflect.AppendSlice(reflect.MakeSlice(sf.Type(), 0, sf.Len()), sf))
			}
		}
	}
}

//go:embed default.yaml
var defaultSpec []byte

// Default returns the embedded default baseline, written for the demo
// organization's central accounts (security tooling 222222222222, log
// archive 333333333333).
func Default() *Spec {
	s, err := Parse("default", defaultSpec)
	if err != nil {
		panic(err) // embedded at build time; a test parses it
	}
	return s
}

// DefaultYAML returns the text of the embedded default baseline.
func DefaultYAML() []byte { return slices.Clone(defaultSpec) }
