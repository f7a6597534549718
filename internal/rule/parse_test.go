package rule

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestParseExample parses the documented example and compares the parsed
// set, as JSON, with its golden.
func TestParseExample(t *testing.T) {
	s, err := Load(filepath.Join("testdata", "example.yaml"), testCatalog)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(struct {
		Rules []Rule `json:"rules"`
	}{s.Rules()}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "example.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("parsed set differs from %s (run with -update to accept):\n%s", golden, got)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join("testdata", "nope.yaml"), testCatalog)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("err = %v, want a not-exist error naming the file", err)
	}
}

// oneRule builds a one-rule file around criteria and actions lines.
func oneRule(criteria, actions string) string {
	return "rules:\n  - name: r\n    criteria:\n" + criteria + "    actions:\n" + actions
}

// TestParseErrors checks that every kind of mistake is rejected with the
// file, the line and the field path.
func TestParseErrors(t *testing.T) {
	const ctl = "      control: [EC2.8]\n"
	const note = "      note: n\n"
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty file", "", `rules.yaml:1:1: rules: required`},
		{"no rules key", "rule: []\n", `rules.yaml:1:1: unknown field "rule" (want rules)`},
		{"not YAML", "rules: [\n", `rules.yaml:1:8: not valid YAML: did not find expected node content (the file ends here)`},
		{"tab indent", "rules:\n\t- name: x\n", `rules.yaml:2:1: not valid YAML: found character that cannot start any token`},
		// Syntax errors at the fault itself (go.yaml.in/yaml/v3 said the
		// line above, without a column).
		{"tab on line 4", "rules:\n  - name: r\n    criteria:\n\t  control: EC2.8\n    actions: {note: n}\n", `rules.yaml:4:1: not valid YAML: found character that cannot start any token`},
		{"tab indenting line 5", "rules:\n  - name: r\n    criteria:\n      control: EC2.8\n\t  region: eu-west-1\n", `rules.yaml:5:1: not valid YAML: found a tab character that violates indentation (while scanning a plain scalar that starts at line 4, column 16)`},
		{"unclosed quote", "rules:\n  - name: \"r\n    criteria: {control: EC2.8}\n    actions: {note: n}\n", `rules.yaml:2:11: not valid YAML: found unexpected end of stream while scanning a quoted scalar that starts here (the file ends before it is closed)`},
		{"bad indentation", "rules:\n  - name: r\n    criteria: {control: EC2.8}\n     actions: {note: n}\n", `rules.yaml:4:6: not valid YAML: did not find expected key (while parsing a block mapping that starts at line 2, column 5)`},
		{"two documents", "rules: []\n---\nrules: []\n", `rules.yaml:2:1: more than one YAML document`},
		{"top level list", "- name: x\n", `rules.yaml:1:1: want a mapping of rules`},
		{"rules not a list", "rules: {name: x}\n", `rules.yaml:1:8: rules: want a list of rules`},
		{"rule not a mapping", "rules:\n  - x\n", `rules.yaml:2:5: rules[0]: want a mapping of name, description, order, terminal, enabled, criteria, actions`},
		{"remediate without controls", oneRule("      region: eu-west-1\n", "      remediate: true\n"), `rules.yaml:6:18: rules[0].actions.remediate: needs criteria.control: name the controls to fix (each must have a playbook; see 'guardrail remediate playbooks')`},
		{"remediate not a bool", oneRule(ctl, "      remediate: yes please\n"), `rules.yaml:6:18: rules[0].actions.remediate: "yes please" is not true or false`},
		{"remediate bad limit", oneRule(ctl, "      remediate: {max_changes: 0}\n"), `rules.yaml:6:32: rules[0].actions.remediate.max_changes: "0" is not a positive number of changes`},
		{"remediate bad soak", oneRule(ctl, "      remediate: {soak: soon}\n"), `rules.yaml:6:25: rules[0].actions.remediate.soak: "soon" is not a duration (like 10m)`},
		{"remediate unknown field", oneRule(ctl, "      remediate: {waves: 3}\n"), `rules.yaml:6:19: rules[0].actions.remediate: unknown field "waves" (want max_changes, canary, soak, health_alarm_prefix, health_alarm_tag, params)`},
		{"remediate and suppress", oneRule(ctl, "      remediate: true\n      suppress: {reason: r}\n"), `rules.yaml:6:18: rules[0].actions.remediate: cannot be set with suppress: a suppressed finding is exempt from remediation`},
		{"unknown rule field", oneRule(ctl, note) + "    priority: 3\n", `rules.yaml:7:5: rules[0]: unknown field "priority" (want name, description, order, terminal, enabled, criteria, actions)`},
		{"unknown criterion", oneRule("      acount: [\"444444444404\"]\n", note), `rules.yaml:4:7: rules[0].criteria: unknown field "acount" (want account, ou, region, control, standard, severity, resource_type, resource_tag, resource_id, compliance)`},
		{"unknown action", oneRule(ctl, "      ticket: SEC-1\n"), `rules.yaml:6:7: rules[0].actions: unknown field "ticket" (want suppress, severity, note, remediate, workflow)`},
		{"unknown suppress field", oneRule(ctl, "      suppress: {reason: r, expires: 2027-01-01}\n"), `rules.yaml:6:29: rules[0].actions.suppress: unknown field "expires" (want reason, until)`},
		{"field twice", oneRule(ctl+"      control: [S3.8]\n", note), `rules.yaml:5:7: rules[0].criteria.control: given twice (first on line 4)`},
		{"missing name", "rules:\n  - criteria: {control: EC2.8}\n    actions: {note: n}\n", `rules.yaml:2:5: rules[0].name: required`},
		{"missing criteria", "rules:\n  - name: r\n    actions: {note: n}\n", `rules.yaml:2:5: rules[0].criteria: required`},
		{"missing actions", "rules:\n  - name: r\n    criteria: {control: EC2.8}\n", `rules.yaml:2:5: rules[0].actions: required`},
		{"empty criteria", "rules:\n  - name: r\n    criteria: {}\n    actions: {note: n}\n", `rules.yaml:3:15: rules[0].criteria: empty: a rule needs at least one criterion`},
		{"null criteria", "rules:\n  - name: r\n    criteria:\n    actions: {note: n}\n", `rules.yaml:3:14: rules[0].criteria: want a mapping of account, ou, region, control, standard, severity, resource_type, resource_tag, resource_id, compliance`},
		{"empty actions", "rules:\n  - name: r\n    criteria: {control: EC2.8}\n    actions: {}\n", `rules.yaml:4:14: rules[0].actions: empty: a rule needs at least one action (suppress, severity, note, workflow, remediate)`},
		{"bad name", "rules:\n  - name: accept legacy\n    criteria: {control: EC2.8}\n    actions: {note: n}\n", `rules.yaml:2:11: rules[0].name: "accept legacy" is not a rule name (want up to 64 letters, digits, ., _ and -)`},
		{"duplicate name", "rules:\n  - name: r\n    criteria: {control: EC2.8}\n    actions: {note: n}\n  - name: r\n    criteria: {control: S3.8}\n    actions: {note: n}\n", `rules.yaml:5:11: rules[1].name: "r" is already the name of rules[0] (line 2)`},
		{"order not a number", oneRule(ctl, note) + "    order: first\n", `rules.yaml:7:12: rules[0].order: "first" is not a whole number`},
		{"order out of range", oneRule(ctl, note) + "    order: 1001\n", `rules.yaml:7:12: rules[0].order: 1001 is out of range (want 1 to 1000)`},
		{"order zero", oneRule(ctl, note) + "    order: 0\n", `rules.yaml:7:12: rules[0].order: 0 is out of range (want 1 to 1000)`},
		{"terminal not bool", oneRule(ctl, note) + "    terminal: yes\n", `rules.yaml:7:15: rules[0].terminal: "yes" is not true or false`},
		{"enabled not bool", oneRule(ctl, note) + "    enabled: 1\n", `rules.yaml:7:14: rules[0].enabled: "1" is not true or false`},
		{"bad account", oneRule("      account: [\"444444444404\", \"4444\"]\n", note), `rules.yaml:4:33: rules[0].criteria.account[1]: "4444" is not an account ID (want 12 digits)`},
		{"bad ou", oneRule("      ou: [/Workloads]\n", note), `rules.yaml:4:12: rules[0].criteria.ou[0]: "/Workloads" is not an OU path (want OU names separated by /, like Workloads/Production)`},
		{"bad region", oneRule("      region: eu-west1\n", note), `rules.yaml:4:15: rules[0].criteria.region: "eu-west1" is not a region (want a name like eu-west-1)`},
		{"bad control", oneRule("      control: [ec2.8]\n", note), `rules.yaml:4:17: rules[0].criteria.control[0]: "ec2.8" is not a control ID (want one like EC2.8 or GR.IAM.1)`},
		{"bad standard", oneRule("      standard: [CIS 3.0]\n", note), `rules.yaml:4:18: rules[0].criteria.standard[0]: "CIS 3.0" is not a standard (want a short name like cis-3.0 or fsbp, or a requirement like cis-3.0:1.4)`},
		{"bad severity", "rules:\n  - name: a\n    criteria: {control: EC2.8}\n    actions: {note: n}\n  - name: b\n    criteria:\n      severity:\n        - hgih\n    actions: {note: n}\n",
			`rules.yaml:8:11: rules[1].criteria.severity[0]: "hgih" is not a severity (want informational, low, medium, high, critical)`},
		{"no such control", oneRule("      control: [EC2.8, EC2.999]\n", note), `rules.yaml:4:24: rules[0].criteria.control[1]: no control "EC2.999" (see 'guardrail controls list')`},
		{"no such standard", oneRule("      standard: nist\n", note), `rules.yaml:4:17: rules[0].criteria.standard: no standard "nist" (want one of cis-1.2, cis-1.4, cis-3.0, cis-4.0, cis-5.0, fsbp, wa-sec)`},
		{"no such requirement", oneRule("      standard: [fsbp, \"cis-3.0:9.99\"]\n", note), `rules.yaml:4:24: rules[0].criteria.standard[1]: standard cis-3.0 has no requirement "9.99" (see 'guardrail controls list --standard cis-3.0')`},
		{"bad resource type", oneRule("      resource_type: [aws_instance]\n", note), `rules.yaml:4:23: rules[0].criteria.resource_type[0]: "aws_instance" is not a resource type (want an ASFF type like AwsEc2Instance)`},
		{"bad resource id glob", oneRule("      resource_id: [\"arn:aws:s3:::[logs\"]\n", note), `rules.yaml:4:21: rules[0].criteria.resource_id[0]: "arn:aws:s3:::[logs" is not a valid pattern: [ is not closed by ]`},
		{"backwards range", oneRule("      resource_id: [\"arn:aws:s3:::log[z-a]\"]\n", note), `rules.yaml:4:21: rules[0].criteria.resource_id[0]: "arn:aws:s3:::log[z-a]" is not a valid pattern: range z-a runs backwards`},
		{"trailing backslash", oneRule("      resource_id: ['arn:aws:s3:::x\\']\n", note), `rules.yaml:4:21: rules[0].criteria.resource_id[0]: "arn:aws:s3:::x\\" is not a valid pattern: ends in \ with nothing to quote`},
		{"bad tag glob", oneRule("      resource_tag: {app: \"[]\"}\n", note), `rules.yaml:4:27: rules[0].criteria.resource_tag.app: "[]" is not a valid pattern: [] is an empty class`},
		{"tag without value", oneRule("      resource_tag: {app: }\n", note), `rules.yaml:4:27: rules[0].criteria.resource_tag.app: want a value or a pattern ("*" matches any value)`},
		{"tag list", oneRule("      resource_tag: [app]\n", note), `rules.yaml:4:21: rules[0].criteria.resource_tag: want a mapping of tag keys to values, like {app: erp}`},
		{"bad compliance", oneRule("      compliance: [FAIL]\n", note), `rules.yaml:4:20: rules[0].criteria.compliance[0]: "FAIL" is not a compliance status (want PASSED, FAILED, NOT_APPLICABLE, ERROR)`},
		{"empty list", oneRule("      region: []\n", note), `rules.yaml:4:15: rules[0].criteria.region: empty list (leave the field out to match any value)`},
		{"empty value", oneRule("      region: [\"\"]\n", note), `rules.yaml:4:16: rules[0].criteria.region[0]: empty`},
		{"nested list", oneRule("      region: [[eu-west-1]]\n", note), `rules.yaml:4:16: rules[0].criteria.region[0]: want a single value`},
		{"suppress without reason", oneRule(ctl, "      suppress: {until: 2027-06-30}\n"), `rules.yaml:6:17: rules[0].actions.suppress.reason: required: say why the risk is accepted`},
		{"suppress empty reason", oneRule(ctl, "      suppress: {reason: \"\"}\n"), `rules.yaml:6:26: rules[0].actions.suppress.reason: empty`},
		{"suppress not a mapping", oneRule(ctl, "      suppress: true\n"), `rules.yaml:6:17: rules[0].actions.suppress: want a mapping of reason, until`},
		{"bad date", oneRule(ctl, "      suppress: {reason: r, until: 2027-13-01}\n"), `rules.yaml:6:36: rules[0].actions.suppress.until: "2027-13-01" is not a date (want YYYY-MM-DD or RFC 3339)`},
		{"date not ISO", oneRule(ctl, "      suppress: {reason: r, until: 30/06/2027}\n"), `rules.yaml:6:36: rules[0].actions.suppress.until: "30/06/2027" is not a date (want YYYY-MM-DD or RFC 3339)`},
		{"bad severity action", oneRule(ctl, "      severity: urgent\n"), `rules.yaml:6:17: rules[0].actions.severity: "urgent" is not a severity (want informational, low, medium, high, critical)`},
		{"empty note", oneRule(ctl, "      note:\n"), `rules.yaml:6:12: rules[0].actions.note: empty`},
		{"bad workflow", oneRule(ctl, "      workflow: DONE\n"), `rules.yaml:6:17: rules[0].actions.workflow: "DONE" is not a workflow status (want NEW or NOTIFIED)`},
		{"workflow suppressed", oneRule(ctl, "      workflow: SUPPRESSED\n"), `rules.yaml:6:17: rules[0].actions.workflow: "SUPPRESSED" cannot be set by workflow (want NEW or NOTIFIED; use suppress to accept a risk)`},
		{"workflow resolved", oneRule(ctl, "      workflow: resolved\n"), `rules.yaml:6:17: rules[0].actions.workflow: "resolved" cannot be set by a rule (want NEW or NOTIFIED; scans resolve findings)`},
		{"suppress and workflow", oneRule(ctl, "      suppress: {reason: r}\n      workflow: NOTIFIED\n"), `rules.yaml:6:7: rules[0].actions.workflow: cannot be set with suppress: a suppressed finding's workflow is SUPPRESSED`},
		{"severity selects and overrides", oneRule("      severity: [low]\n", "      severity: medium\n"), `rules.yaml:6:17: rules[0].actions.severity: a rule that selects by severity cannot also override it`},
		{"severity selected before override", "rules:\n  - name: page-critical\n    order: 10\n    criteria:\n      severity: [critical]\n    actions: {note: paged}\n  - name: prod-critical\n    order: 20\n    criteria: {ou: Production}\n    actions: {severity: critical}\n",
			`rules.yaml:5:17: rules[0].criteria.severity: selects by severity, so it must run after rule "prod-critical" (rules[1], order 20), which overrides severity; give it a higher order`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("rules.yaml", []byte(tc.in), testCatalog)
			if err == nil {
				t.Fatalf("parsed, want error %s\nrules: %+v", tc.want, s.Rules())
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n got %s\nwant %s", err, tc.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.File != "rules.yaml" || e.Line == 0 {
				t.Errorf("error %#v does not name the file and line", e)
			}
		})
	}
}

// TestParseAllErrors checks that one pass reports every problem, in file
// order, so a file can be fixed at once.
func TestParseAllErrors(t *testing.T) {
	in := "rules:\n  - name: r\n    criteria: {region: [eu-west1], severity: hgih}\n    actions: {workflow: DONE}\n  - name: r\n    criteria: {control: EC2.8}\n    actions: {note: n}\n"
	_, err := Parse("rules.yaml", []byte(in), testCatalog)
	want := strings.Join([]string{
		`rules.yaml:3:25: rules[0].criteria.region[0]: "eu-west1" is not a region (want a name like eu-west-1)`,
		`rules.yaml:3:46: rules[0].criteria.severity: "hgih" is not a severity (want informational, low, medium, high, critical)`,
		`rules.yaml:4:25: rules[0].actions.workflow: "DONE" is not a workflow status (want NEW or NOTIFIED)`,
		`rules.yaml:5:11: rules[1].name: "r" is already the name of rules[0] (line 2)`,
	}, "\n")
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
}

// TestParseGood checks files that must parse, and what they parse to.
func TestParseGood(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		check    func(t *testing.T, rs []Rule)
	}{
		{"no rules", "rules: []\n", func(t *testing.T, rs []Rule) {
			if len(rs) != 0 {
				t.Errorf("%d rules", len(rs))
			}
		}},
		{"defaults", oneRule("      control: EC2.8\n", "      note: n\n"), func(t *testing.T, rs []Rule) {
			r := rs[0]
			if r.Order != DefaultOrder || !r.Enabled || r.Terminal || r.Criteria.Compliance != nil || len(r.Criteria.Controls) != 1 {
				t.Errorf("defaults: %+v", r)
			}
		}},
		{"remediate", oneRule("      control: [EC2.8, S3.8]\n", "      remediate: {max_changes: 20, canary: Workloads/Development, soak: 10m, health_alarm_prefix: app-, health_alarm_tag: [guardrail:health=true], params: {flow-logs-destination: \"arn:aws:s3:::logs\"}}\n"), func(t *testing.T, rs []Rule) {
			rem := rs[0].Actions.Remediate
			if rem == nil || rem.MaxChanges != 20 || rem.Canary != "Workloads/Development" || rem.Soak != 10*time.Minute ||
				len(rem.AlarmPrefixes) != 1 || rem.AlarmTags[0] != "guardrail:health=true" || rem.Params["flow-logs-destination"] != "arn:aws:s3:::logs" {
				t.Errorf("remediate = %+v", rem)
			}
		}},
		{"remediate true", oneRule("      control: EC2.8\n", "      remediate: true\n"), func(t *testing.T, rs []Rule) {
			if rs[0].Actions.Remediate == nil {
				t.Error("no remediate action")
			}
		}},
		{"order then file order", "rules:\n" +
			"  - {name: c, criteria: {control: EC2.8}, actions: {note: n}}\n" +
			"  - {name: a, order: 5, criteria: {control: EC2.8}, actions: {note: n}}\n" +
			"  - {name: d, criteria: {control: EC2.8}, actions: {note: n}}\n" +
			"  - {name: b, order: 5, criteria: {control: EC2.8}, actions: {note: n}}\n",
			func(t *testing.T, rs []Rule) {
				var got []string
				for _, r := range rs {
					got = append(got, r.Name)
				}
				if strings.Join(got, ",") != "a,b,c,d" {
					t.Errorf("order %v, want a,b,c,d", got)
				}
			}},
		{"anchors", "rules:\n  - name: r\n    criteria: &c {control: EC2.8}\n    actions: {note: n}\n  - name: s\n    criteria: *c\n    actions: {note: m}\n", func(t *testing.T, rs []Rule) {
			if len(rs[1].Criteria.Controls) != 1 {
				t.Errorf("alias not followed: %+v", rs[1].Criteria)
			}
		}},
		{"case of labels", oneRule("      severity: [HIGH, Critical]\n      compliance: [failed, error]\n", "      workflow: notified\n"), func(t *testing.T, rs []Rule) {
			c := rs[0].Criteria
			if len(c.Severities) != 2 || c.Compliance[0] != "FAILED" || rs[0].Actions.Workflow != "NOTIFIED" {
				t.Errorf("labels: %+v %+v", c, rs[0].Actions)
			}
		}},
		{"until RFC 3339", oneRule("      control: EC2.8\n", "      suppress: {reason: r, until: \"2027-06-30T12:00:00+02:00\"}\n"), func(t *testing.T, rs []Rule) {
			if u := rs[0].Actions.Suppress.Until; u.UTC().Format("2006-01-02T15:04") != "2027-06-30T10:00" {
				t.Errorf("until %v", u)
			}
		}},
		{"until date is midnight UTC", oneRule("      control: EC2.8\n", "      suppress: {reason: r, until: 2027-06-30}\n"), func(t *testing.T, rs []Rule) {
			if u := rs[0].Actions.Suppress.Until; u.Format("2006-01-02T15:04:05Z07:00") != "2027-06-30T00:00:00Z" {
				t.Errorf("until %v", u)
			}
		}},
		{"severity selected after override", "rules:\n" +
			"  - {name: page, order: 30, criteria: {severity: critical}, actions: {note: paged}}\n" +
			"  - {name: raise, order: 20, criteria: {ou: Production}, actions: {severity: critical}}\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("rules.yaml", []byte(tc.in), testCatalog)
			if err != nil {
				t.Fatal(err)
			}
			if tc.check != nil {
				tc.check(t, s.Rules())
			}
		})
	}
}
