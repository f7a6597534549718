package deploy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/deploy"
)

// TestBadParams: a wrong parameter is named by file, line and field,
// and every problem is reported, not the first only.
func TestBadParams(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, old, new string
		want           []string
	}{
		{"unknown field", "organization_id:", "organisation_id:", []string{`p.yaml:2:1: unknown field "organisation_id"`}},
		{"organization ID", "o-a1b2c3d4e5", "o-123", []string{`p.yaml:2:18: organization_id: "o-123" is not an organization ID`}},
		{"account", `"222233334444"`, `"2222-3333-4444"`, []string{`p.yaml:4:18: tooling_account: "2222-3333-4444" is not an account ID`}},
		{"home region not scanned", "regions: [us-east-1]", "regions: [eu-west-1]", []string{"p.yaml:6:10: regions: must include the home region us-east-1"}},
		{"target", "ou-ab12-cdefgh12", "Workloads", []string{`p.yaml:5:11: targets[0]: "Workloads" is not a root ID`}},
		{"image without tag", "ghcr.io/example/guardrail@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "guardrail", []string{`image: "guardrail" is not a container image URI`}},
		{"webhook given as a URL", "dashboard:", "alerts:\n  slack_webhook_secret_arn: https://hooks.slack.com/services/T0/B0/x\ndashboard:", []string{`p.yaml:9:29: alerts.slack_webhook_secret_arn: "https://hooks.slack.com/services/T0/B0/x" is not a Secrets Manager secret ARN`}},
		{"OIDC endpoint over http", "https://oauth2.googleapis.com/token", "http://oauth2.googleapis.com/token", []string{`dashboard.oidc.token_endpoint: "http://oauth2.googleapis.com/token" is not an https:// URL`}},
		{"no client secret", "    client_secret_name: guardrail/oidc-client-secret\n", "", []string{"dashboard.oidc.client_secret_name: required"}},
		{"shards", "dashboard:", "scan:\n  shards: 0\ndashboard:", []string{"p.yaml:9:11: scan.shards: 0: want 1 to 64"}},
		{"shards not a number", "dashboard:", "scan:\n  shards: many\ndashboard:", []string{`p.yaml:9:11: scan.shards: "many" is not a whole number`}},
		{"schedule", "dashboard:", "scan:\n  schedule: every day\ndashboard:", []string{`scan.schedule: "every day" is not an EventBridge Scheduler expression`}},
		{"field twice", "regions: [us-east-1]", "regions: [us-east-1]\nregions: [us-east-1]", []string{"p.yaml:7:1: regions: given twice"}},
		{"retention", "dashboard:", "log_retention_days: 100\ndashboard:", []string{"log_retention_days: 100 is not a retention CloudWatch Logs offers"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(string(base), tc.old) {
				t.Fatalf("minimal.yaml has no %q", tc.old)
			}
			data := strings.Replace(string(base), tc.old, tc.new, 1)
			p := deploy.Defaults()
			err := p.Parse("p.yaml", []byte(data))
			if err == nil {
				err = p.Validate(nil)
			}
			if err == nil {
				t.Fatalf("no error for\n%s", data)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\nlacks %q", err, w)
				}
			}
		})
	}
}

// TestFlagNamesField: a bad value given by a flag is named by the flag.
func TestFlagNamesField(t *testing.T) {
	p := load(t, "minimal")
	p.Regions = []string{"us-east-1", "mars-1"}
	err := p.Validate(map[string]string{"regions": "regions"})
	if err == nil || !strings.Contains(err.Error(), `--regions (regions[1]): "mars-1" is not a region name`) {
		t.Errorf("error %v", err)
	}
}
