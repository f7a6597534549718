package spec

import (
	"errors"
	"strings"
	"testing"
)

// TestDefault: the embedded spec parses and says what the demo needs.
func TestDefault(t *testing.T) {
	s, err := Parse("default", DefaultYAML())
	if err != nil {
		t.Fatal(err)
	}
	if s.Organization.SecurityAccount != "222222222222" || s.Organization.LogArchiveAccount != "333333333333" || s.Organization.Home() != "us-east-1" {
		t.Errorf("organization = %+v", s.Organization)
	}
	if string(s.Text) != string(DefaultYAML()) {
		t.Error("the spec's text is not kept")
	}
}

const base = "version: 1\ndefaults:\n"

// TestParseErrors: each malformed spec is refused with the file, line and
// field at fault.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{"empty", "", []string{"s.yaml:1:1: version: required"}},
		{"not yaml", "version: [1\n", []string{"s.yaml:1:10: not valid YAML"}},
		// Syntax errors at the fault itself, line and column.
		{"tab on line 4", base + "  detective: {}\n\t  ebs_encryption: {}\n", []string{"s.yaml:4:1: not valid YAML: found character that cannot start any token"}},
		{"unclosed quote", "version: 1\norganization: {security_account: \"222222222222}\ndefaults: {}\n", []string{"s.yaml:2:34: not valid YAML: found unexpected end of stream while scanning a quoted scalar that starts here"}},
		{"bad indentation", base + "  detective: {}\n   ebs_encryption: {}\n", []string{"s.yaml:4:4: not valid YAML: did not find expected key (while parsing a block mapping that starts at line 3, column 3)"}},
		{"two documents", base + "  detective: {}\n---\nversion: 1\n", []string{"s.yaml:4:1: more than one YAML document"}},
		{"no version", "defaults: {}\n", []string{"s.yaml:1:1: version: required (version: 1)"}},
		{"version 2", "version: 2\ndefaults: {}\n", []string{"s.yaml:1:10: version: 2 is not a version this guardrail knows"}},
		{"no defaults", "version: 1\n", []string{"s.yaml:1:1: defaults: required"}},
		{"unknown top field", base + "  detective: {}\nextra: 1\n", []string{`s.yaml:4:1: unknown field "extra" (want version, organization, defaults, overrides)`}},
		{"unknown service", base + "  gaurdduty: {}\n", []string{`s.yaml:3:3: defaults: unknown field "gaurdduty"`}},
		{"unknown setting", base + "  guardduty: {enable: true}\n", []string{`s.yaml:3:15: defaults.guardduty: unknown field "enable"`}},
		{"given twice", base + "  detective: {}\n  detective: {}\n", []string{"s.yaml:4:3: defaults.detective: given twice (first on line 3)"}},
		{"not a bool", base + "  detective: {enabled: yes please}\n", []string{`s.yaml:3:24: defaults.detective.enabled: "yes please" is not true or false`}},
		{"not a number", base + "  iam_password_policy: {min_length: long}\n", []string{`s.yaml:3:37: defaults.iam_password_policy.min_length: "long" is not a whole number`}},
		{"out of range", base + "  iam_password_policy: {min_length: 200, reuse_prevention: 0}\n", []string{
			"s.yaml:3:37: defaults.iam_password_policy.min_length: 200 is out of range (want 6 to 128)",
			"s.yaml:3:60: defaults.iam_password_policy.reuse_prevention: 0 is out of range (want 1 to 24)"}},
		{"null setting", base + "  detective:\n", []string{"s.yaml:3:13: defaults.detective: empty (leave the field out to not manage it)"}},
		{"bad enum", base + "  cloudtrail: {mode: everywhere, bucket: b-b-b, trail_name: t}\n", []string{`s.yaml:3:22: defaults.cloudtrail.mode: "everywhere" is not one of organization, account`}},
		{"bad bucket", base + "  config: {bucket: Not_A_Bucket}\n", []string{`s.yaml:3:20: defaults.config.bucket: "Not_A_Bucket" is not an S3 bucket name`}},
		{"missing bucket", base + "  config: {aggregator: true}\n", []string{"s.yaml:3:11: defaults.config.bucket: required when defaults.config is enabled"}},
		{"bad kms key", base + "  cloudtrail: {bucket: b-b-b, trail_name: t, kms_key: my-key}\n", []string{`defaults.cloudtrail.kms_key: "my-key" is not a KMS key or alias ARN`}},
		{"bad feature", base + "  guardduty: {features: [S3_DATA_EVENTS, S3]}\n", []string{`s.yaml:3:42: defaults.guardduty.features[1]: "S3" is not a GuardDuty feature`}},
		{"duplicate standard", base + "  securityhub: {standards: [fsbp, fsbp]}\n", []string{`defaults.securityhub.standards[1]: "fsbp" is listed twice`}},
		{"unknown standard", base + "  securityhub: {standards: [soc2]}\n", []string{`defaults.securityhub.standards[0]: "soc2" is not a standard`}},
		{"bad scan type", base + "  inspector2: {resources: [ec2, ec3]}\n", []string{`defaults.inspector2.resources[1]: "ec3" is not an Inspector scan type`}},
		{"empty scan types", base + "  inspector2: {resources: []}\n", []string{"defaults.inspector2.resources: empty"}},
		{"bad account", "version: 1\norganization: {security_account: \"12345\"}\ndefaults: {}\n", []string{`s.yaml:2:34: organization.security_account: "12345" is not an account ID`}},
		{"bad region", "version: 1\norganization: {home_region: Europe}\ndefaults: {}\n", []string{`organization.home_region: "Europe" is not a region`}},
		{"log archive without account", base + "  log_archive: {bucket: b-b-b}\n", []string{"s.yaml:3:16: organization.log_archive_account: required when defaults.log_archive is enabled"}},
		{"override without match", base + "  detective: {}\noverrides:\n  - settings: {detective: {enabled: false}}\n", []string{"s.yaml:5:5: overrides[0].match: required"}},
		{"override empty match", base + "  detective: {}\noverrides:\n  - match: {}\n    settings: {}\n", []string{"s.yaml:5:12: overrides[0].match: empty"}},
		{"override bad ou", base + "  detective: {}\noverrides:\n  - match: {ou: /Sandbox}\n    settings: {}\n", []string{`s.yaml:5:17: overrides[0].match.ou[0]: "/Sandbox" is not an OU path`}},
		{"override bad setting", base + "  detective: {}\noverrides:\n  - match: {region: eu-west-1}\n    settings: {guardduty: {auto_enable: all}}\n", []string{
			`s.yaml:6:41: overrides[0].settings.guardduty.auto_enable: "all" is not one of ALL, NEW, NONE`}},
		{"override twice named", base + "  detective: {}\noverrides:\n  - {name: a, match: {region: eu-west-1}, settings: {}}\n  - {name: a, match: {region: eu-west-2}, settings: {}}\n", []string{
			`s.yaml:6:12: overrides[1].name: "a" is also the name of overrides[0]`}},
		{"override without settings", base + "  detective: {}\noverrides:\n  - match: {region: eu-west-1}\n", []string{"s.yaml:5:5: overrides[0].settings: required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("s.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("parsed; want %q", tc.want)
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Errorf("error %T is not a *spec.Error", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error:\n%v\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

// TestResolve: defaults, then overrides in file order, field by field;
// OUs match by path (and below), name or ID.
func TestResolve(t *testing.T) {
	s, err := Parse("s.yaml", []byte(`version: 1
defaults:
  guardduty: {features: [S3_DATA_EVENTS], auto_enable: ALL}
  inspector2: {resources: [ec2, ecr, lambda]}
  iam_password_policy: {min_length: 14, reuse_prevention: 24}
overrides:
  - match: {ou: Workloads}
    settings:
      iam_password_policy: {min_length: 16}
  - match: {ou: ou-sand-1234, region: eu-west-1}
    settings:
      inspector2: {resources: ec2}
  - match: {account: "666666666602"}
    settings:
      guardduty: {enabled: false}
`))
	if err != nil {
		t.Fatal(err)
	}
	prod := Account{ID: "444444444401", OUPath: "Workloads/Production", OUIDs: []string{"ou-prod", "ou-work"}}
	sand := Account{ID: "666666666602", OUPath: "Sandbox", OUIDs: []string{"ou-sand-1234"}}
	for _, tc := range []struct {
		name    string
		a       Account
		region  string
		minLen  int
		reuse   int
		inspect string
		gd      bool
	}{
		{"production under Workloads", prod, "eu-west-1", 16, 24, "ec2 ecr lambda", true},
		{"sandbox in eu-west-1 by OU ID", sand, "eu-west-1", 14, 24, "ec2", false},
		{"sandbox elsewhere", sand, "us-east-1", 14, 24, "ec2 ecr lambda", false},
		{"OU name matches a path segment only", Account{ID: "1", OUPath: "WorkloadsOld"}, "us-east-1", 14, 24, "ec2 ecr lambda", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.Resolve(tc.a, tc.region)
			if got := Int(r.PasswordPolicy.MinLength); got != tc.minLen {
				t.Errorf("min_length = %d, want %d", got, tc.minLen)
			}
			if got := Int(r.PasswordPolicy.ReusePrevention); got != tc.reuse {
				t.Errorf("reuse_prevention = %d, want %d (an override changes only what it sets)", got, tc.reuse)
			}
			if got := strings.Join(r.Inspector2.Resources, " "); got != tc.inspect {
				t.Errorf("inspector2 = %q, want %q", got, tc.inspect)
			}
			if got := On(r.GuardDuty.Enabled); got != tc.gd {
				t.Errorf("guardduty on = %v, want %v", got, tc.gd)
			}
			if Str(r.GuardDuty.AutoEnable) != "ALL" {
				t.Errorf("guardduty auto_enable lost: %+v", r.GuardDuty)
			}
		})
	}
	// Resolving never changes the spec.
	if Int(s.Defaults.PasswordPolicy.MinLength) != 14 || len(s.Defaults.Inspector2.Resources) != 3 {
		t.Errorf("Resolve changed the defaults: %+v", s.Defaults)
	}
}
