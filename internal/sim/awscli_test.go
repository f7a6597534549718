package sim_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// awsCLI finds the AWS CLI: Debian's package first (what .ci/run
// installs), then whatever is on PATH.
func awsCLI(t *testing.T) string {
	if _, err := os.Stat("/usr/bin/aws"); err == nil {
		return "/usr/bin/aws"
	}
	p, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("the AWS CLI is not installed (.ci/run installs Debian's awscli)")
	}
	return p
}

// TestAWSCLI drives the simulator with the AWS CLI, a second client
// implementation (botocore), for a few operations of each protocol.
func TestAWSCLI(t *testing.T) {
	bin := awsCLI(t)
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, w)
	home := t.TempDir()
	env := append(os.Environ(),
		"HOME="+home,
		"AWS_CONFIG_FILE="+filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "credentials"),
		"AWS_ACCESS_KEY_ID="+world.RootKey("111111111111"),
		"AWS_SECRET_ACCESS_KEY="+world.RootSecret("111111111111"),
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	)
	for _, tc := range []struct {
		args []string
		want string // a JSON fragment that must be in the output
	}{
		{[]string{"sts", "get-caller-identity"}, `"Account": "111111111111"`},
		{[]string{"sts", "assume-role", "--role-arn", "arn:aws:iam::444444444401:role/OrganizationAccountAccessRole", "--role-session-name", "cli"}, `"Arn": "arn:aws:sts::444444444401:assumed-role/OrganizationAccountAccessRole/cli"`},
		{[]string{"organizations", "describe-organization"}, `"Id": "o-gr7demo0rg"`},
		{[]string{"organizations", "list-accounts"}, `"Id": "666666666603"`},
		{[]string{"ec2", "describe-regions"}, `"RegionName": "eu-central-1"`},
		{[]string{"ec2", "describe-security-groups"}, `"GroupName": "default"`},
		{[]string{"iam", "get-account-summary"}, `"AccountMFAEnabled"`},
		{[]string{"s3api", "list-buckets"}, `"Buckets"`},
		{[]string{"cloudtrail", "describe-trails"}, `"trailList"`},
		{[]string{"configservice", "describe-configuration-recorders"}, `"ConfigurationRecorders"`},
		{[]string{"guardduty", "list-detectors"}, `"DetectorIds"`},
		{[]string{"kms", "list-keys"}, `"Keys"`},
		{[]string{"logs", "describe-log-groups"}, `"logGroups"`},
		{[]string{"sns", "list-topics"}, `"Topics"`},
		{[]string{"rds", "describe-db-instances"}, `"DBInstances"`},
		{[]string{"lambda", "list-functions"}, `"Functions"`},
	} {
		t.Run(strings.Join(tc.args[:2], " "), func(t *testing.T) {
			// Each call is a Python process starting up: they run side
			// by side.
			t.Parallel()
			args := append([]string{"--endpoint-url", s.URL, "--output", "json"}, tc.args...)
			cmd := exec.Command(bin, args...)
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("aws %s: %v\n%s", strings.Join(tc.args, " "), err, out)
			}
			if !json.Valid(out) {
				t.Fatalf("aws %s printed no JSON:\n%s", strings.Join(tc.args, " "), out)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("aws %s: output lacks %s:\n%.2000s", strings.Join(tc.args, " "), tc.want, out)
			}
		})
	}
	t.Run("error codes reach the CLI", func(t *testing.T) {
		t.Parallel()
		cmd := exec.Command(bin, "--endpoint-url", s.URL, "iam", "get-user", "--user-name", "nobody-by-this-name")
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "NoSuchEntity") {
			t.Fatalf("want NoSuchEntity, got err %v:\n%s", err, out)
		}
	})
}
