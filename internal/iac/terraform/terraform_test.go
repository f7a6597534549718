package terraform

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/iac"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func load(t *testing.T, path string, o Options) *iac.Source {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	o.Now = now
	src, err := Load(path, data, o)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func evaluate(t *testing.T, src *iac.Source, o iac.Options) *iac.Report {
	t.Helper()
	o.Now = now
	rep, err := iac.Evaluate(src, o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// result finds the result of control on address.
func result(rep *iac.Report, control, address string) (iac.Result, bool) {
	for _, r := range rep.Results {
		if r.Control == control && r.Address == address {
			return r, true
		}
	}
	return iac.Result{}, false
}

// TestPlanFixture reads a plan as 'terraform show -json' prints it: both
// provider styles, a child module with for_each, values unknown until
// apply joined by configuration references, a count resource, a delete
// (skipped), a data source (ignored), an unmapped AWS type and another
// provider (listed).
func TestPlanFixture(t *testing.T) {
	src := load(t, "testdata/plan.json", Options{})
	if a := src.Account(); a.ID != iac.DefaultAccount || a.HomeRegion != "eu-west-1" {
		t.Errorf("account %s in %s, want %s in the provider's eu-west-1", a.ID, a.HomeRegion, iac.DefaultAccount)
	}
	addrs := map[string]bool{}
	for _, r := range src.Resources {
		addrs[r.Address] = true
	}
	for _, want := range []string{"aws_s3_bucket.logs", `module.app.aws_s3_bucket.data["a"]`, `module.app.aws_s3_bucket.data["b"]`,
		"aws_s3_bucket.legacy", "aws_security_group_rule.rdp[0]", "aws_instance.web"} {
		if !addrs[want] {
			t.Errorf("resource %s missing from %v", want, addrs)
		}
	}
	if addrs["aws_s3_bucket.old"] {
		t.Error("aws_s3_bucket.old is only deleted: it must not be assessed")
	}
	for a := range addrs {
		if strings.HasPrefix(a, "data.") {
			t.Errorf("data source %s assessed", a)
		}
	}
	na := map[string]string{}
	for _, r := range src.NotAssessed {
		na[r.Address] = r.Reason
	}
	if !strings.Contains(na["aws_sqs_queue.jobs"], "aws_sqs_queue is not mapped") {
		t.Errorf("aws_sqs_queue.jobs: %q, want listed as not mapped", na["aws_sqs_queue.jobs"])
	}
	if !strings.Contains(na["random_id.suffix"], "not AWS") {
		t.Errorf("random_id.suffix: %q, want listed as another provider", na["random_id.suffix"])
	}

	rep := evaluate(t, src, iac.Options{})
	for _, tc := range []struct {
		control, address string
		status           iac.Status
		reason           string
	}{
		// Split v4 resources joined by reference (bucket unknown) and by name.
		{"S3.2", "aws_s3_bucket.logs", iac.Failed, "ACL grants READ to everyone (AllUsers)"},
		{"S3.8", "aws_s3_bucket.logs", iac.Failed, "BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets"},
		{"S3.12", "aws_s3_bucket.logs", iac.Failed, "Object Ownership: ObjectWriter"},
		{"S3.20", "aws_s3_bucket.logs", iac.Failed, "versioning suspended"},
		// for_each in a child module: the policy joins the bucket of the same key.
		{"S3.2", `module.app.aws_s3_bucket.data["a"]`, iac.Failed, "allows s3:GetObject to everyone"},
		{"S3.8", `module.app.aws_s3_bucket.data["a"]`, iac.Failed, "BlockPublicPolicy, RestrictPublicBuckets"},
		{"S3.8", `module.app.aws_s3_bucket.data["b"]`, iac.Passed, "all four"},
		// A policy known only after apply: never PASSED.
		{"S3.5", `module.app.aws_s3_bucket.data["b"]`, iac.Unknown, `known after apply: module.app.aws_s3_bucket_policy.data["b"].policy`},
		{"S3.6", `module.app.aws_s3_bucket.data["b"]`, iac.Unknown, "known after apply"},
		// v3 inline acl on a bucket that exists: its live Block Public Access decides.
		{"S3.3", "aws_s3_bucket.legacy", iac.Error, "the bucket already exists"},
		{"S3.12", "aws_s3_bucket.legacy", iac.Failed, "WRITE to AllUsers"},
		// Inline ingress plus a count rule joined by reference.
		{"EC2.19", "aws_security_group.web", iac.Failed, "port 22, 3389 open to the internet"},
		{"EC2.8", "aws_instance.web", iac.Failed, "IMDSv1 allowed (HttpTokens optional)"},
		{"EC2.3", "aws_instance.web (volume root)", iac.Failed, "not encrypted"},
		// Account-level state the plan does not define.
		{"EC2.7", "", iac.NotAssessed, "--ebs-encryption-by-default"},
		{"IAM.9", "", iac.NotAssessed, "no infrastructure code defines"},
	} {
		r, ok := result(rep, tc.control, tc.address)
		if !ok {
			t.Errorf("%s on %q: no result", tc.control, tc.address)
			continue
		}
		if r.Status != tc.status || !strings.Contains(r.Reason, tc.reason) {
			t.Errorf("%s on %s: %s %q, want %s containing %q", tc.control, tc.address, r.Status, r.Reason, tc.status, tc.reason)
		}
	}
	for _, r := range rep.Results {
		if r.Address == `module.app.aws_s3_bucket.data["b"]` && r.Status == iac.Passed && (r.Control == "S3.5" || r.Control == "S3.6") {
			t.Errorf("%s PASSED on a policy unknown until apply", r.Control)
		}
	}
}

// TestUnknownNeverPasses: an attribute a control depends on that is known
// only after apply makes the verdict UNKNOWN with the attribute, whatever
// the verdict would have been.
func TestUnknownNeverPasses(t *testing.T) {
	plan := []byte(`{"format_version":"1.0","terraform_version":"1.5.7","resource_changes":[
	 {"address":"aws_instance.a","mode":"managed","type":"aws_instance","name":"a","provider_name":"registry.terraform.io/hashicorp/aws",
	  "change":{"actions":["create"],"before":null,"after":{"ami":"ami-1"},"after_unknown":{"id":true,"metadata_options":true,"associate_public_ip_address":true}}},
	 {"address":"aws_kms_key.k","mode":"managed","type":"aws_kms_key","name":"k","provider_name":"registry.terraform.io/hashicorp/aws",
	  "change":{"actions":["create"],"before":null,"after":{"enable_key_rotation":true},"after_unknown":{"id":true,"policy":true}}}]}`)
	src, err := Load("p.json", plan, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	rep := evaluate(t, src, iac.Options{Controls: []string{"EC2.8", "EC2.9", "KMS.4", "KMS.5"}})
	want := map[string]string{
		"EC2.8 aws_instance.a": "metadata_options.http_tokens",
		"EC2.9 aws_instance.a": "associate_public_ip_address",
		"KMS.5 aws_kms_key.k":  "policy",
	}
	for _, r := range rep.Results {
		key := r.Control + " " + r.Address
		if attr, ok := want[key]; ok {
			if r.Status != iac.Unknown || !strings.Contains(r.Reason, attr) {
				t.Errorf("%s: %s %q, want UNKNOWN naming %s", key, r.Status, r.Reason, attr)
			}
			delete(want, key)
		}
		if key == "KMS.4 aws_kms_key.k" && r.Status != iac.Passed {
			t.Errorf("KMS.4: %s %q: rotation is known, the unknown policy does not decide it", r.Status, r.Reason)
		}
	}
	for k := range want {
		t.Errorf("%s: no result", k)
	}
}

// TestMalformed: input that is not a plan fails with the file and the
// position.
func TestMalformed(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"not JSON", "{\n  \"format_version\": \"1.2\",\n  oops\n}", "bad.json:3:3: not valid JSON"},
		{"truncated", `{"format_version": "1.2"`, "bad.json:1:25: not valid JSON"},
		{"JSON but not a plan", `{"Resources": {}}`, "bad.json:1:1: not a Terraform plan: no format_version"},
		{"a state", `{"format_version": "1.0", "terraform_version": "1.9.0", "values": {}}`, "a Terraform state, not a plan"},
		{"unsupported version", "{\n \"terraform_version\": \"9.0.0\",\n \"format_version\": \"2.0\", \"resource_changes\": []}", `bad.json:3:2: format_version: unsupported plan format version: "2.0.0" does not satisfy`},
		{"wrong type", "{\"format_version\": \"1.2\", \"terraform_version\": \"1.9.0\",\n\"resource_changes\": {\"a\": 1}}", "bad.json:2:21: not a Terraform plan: resource_changes is a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load("bad.json", []byte(tc.data), Options{})
			var ie *iac.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T), want an *iac.InputError", err, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestFormatVersions: the oldest plan format (0.1, Terraform 0.12) and
// the newest both load.
func TestFormatVersions(t *testing.T) {
	for _, v := range []string{"0.1", "0.2", "1.0", "1.1", "1.2"} {
		plan := `{"format_version":"` + v + `","terraform_version":"1.0.0","resource_changes":[{"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a",
		  "provider_name":"aws","change":{"actions":["create"],"before":null,"after":{"cidr_block":"10.0.0.0/16"},"after_unknown":{"id":true}}}]}`
		src, err := Load("p.json", []byte(plan), Options{})
		if err != nil {
			t.Errorf("format %s: %v", v, err)
			continue
		}
		if len(src.Resources) == 0 {
			t.Errorf("format %s: no resource", v)
		}
	}
}

// TestSourceLines: with the module's directory, results carry the file
// and line of the resource block, for child modules too.
func TestSourceLines(t *testing.T) {
	src := load(t, "testdata/plan.json", Options{SourceDir: "testdata/src"})
	lines := map[string]string{}
	for _, r := range src.Resources {
		if r.File != "" {
			lines[r.Address] = r.File + ":" + itoa(r.Line)
		}
	}
	for addr, want := range map[string]string{
		"aws_s3_bucket.logs":                 "testdata/src/main.tf:5",
		`module.app.aws_s3_bucket.data["a"]`: "testdata/src/modules/app/main.tf:3",
		`module.app.aws_s3_bucket.data["b"]`: "testdata/src/modules/app/main.tf:3",
		"aws_security_group_rule.rdp[0]":     "testdata/src/main.tf:13",
	} {
		if lines[addr] != want {
			t.Errorf("%s at %q, want %s", addr, lines[addr], want)
		}
	}
	if _, err := Load("testdata/plan.json", mustRead(t, "testdata/plan.json"), Options{SourceDir: "testdata/badsrc"}); err == nil || !strings.Contains(err.Error(), "main.tf:2") {
		t.Errorf("a .tf file that does not parse: %v, want its file:line", err)
	}
}

func mustRead(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func itoa(n int) string { return strconv.Itoa(n) }
