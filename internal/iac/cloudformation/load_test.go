package cloudformation

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/iac"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// verdicts evaluates the sources and returns "address control" →
// "STATUS reason" for every result about a resource of the code.
func verdicts(t *testing.T, srcs []*iac.Source) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, src := range srcs {
		rep, err := iac.Evaluate(src, iac.Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rep.Results {
			if r.Address == "" {
				continue
			}
			out[r.Address+" "+r.Control] = string(r.Status) + " " + r.Reason
		}
		for _, n := range rep.NotAssessed {
			out[n.Address+" -"] = "NOT_ASSESSED " + n.Reason
		}
	}
	return out
}

func loadText(t *testing.T, name, text string, o LoadOptions) []*iac.Source {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	o.Now = now
	srcs, err := Load(p, o)
	if err != nil {
		t.Fatal(err)
	}
	return srcs
}

func expect(t *testing.T, got map[string]string, want map[string]string) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			keys := make([]string, 0, len(got))
			for k := range got {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			t.Errorf("%s: no result (have %s)", k, strings.Join(keys, "; "))
		case !strings.HasPrefix(g, w):
			t.Errorf("%s:\n got %s\nwant %s...", k, g, w)
		}
	}
}

func TestCloudAssembly(t *testing.T) {
	srcs, err := Load("testdata/cdk.out", LoadOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 2 {
		t.Fatalf("%d sources, want the two stacks", len(srcs))
	}
	app, prod := srcs[0], srcs[1]
	if app.Format != iac.FormatCDK || app.Path != filepath.Join("testdata", "cdk.out", "AppStack.template.json") {
		t.Errorf("app: format %s path %s", app.Format, app.Path)
	}
	// The nested assembly's stack keeps its environment.
	if a := prod.Account(); a.ID != "111122223333" || a.HomeRegion != "eu-west-1" {
		t.Errorf("prod stack in %s/%s, want its environment 111122223333/eu-west-1", a.ID, a.HomeRegion)
	}
	byAddr := map[string]*iac.Resource{}
	for _, s := range srcs {
		for _, r := range s.Resources {
			byAddr[r.Address] = r
		}
	}
	b := byAddr["AppStack/DataBucketE3889A50"]
	if b == nil || b.Construct != "AppStack/DataBucket/Resource" || b.Line != 3 {
		t.Fatalf("bucket resource = %+v, want construct path and line 3", b)
	}
	if p := byAddr["AppStack/DataBucketPolicy7DA55F8F"]; p == nil || p.Joins != "AppStack/DataBucketE3889A50" {
		t.Errorf("bucket policy = %+v, want it joined to its bucket", p)
	}
	for addr := range byAddr {
		if strings.Contains(addr, "CDKMetadata") {
			t.Errorf("%s: CDK metadata is not infrastructure", addr)
		}
	}
	expect(t, verdicts(t, srcs), map[string]string{
		"AppStack/DataBucketE3889A50 S3.5":        "PASSED",
		"AppStack/DataBucketE3889A50 S3.8":        "PASSED",
		"AppStack/DataBucketE3889A50 S3.17":       "PASSED",
		"AppStack/DataKey3A1B2C4D KMS.4":          "PASSED",
		"AppStack/DataKey3A1B2C4D KMS.5":          "PASSED",
		"AppStack/WebSG6D1F0E3B EC2.53":           "FAILED port 22 open to the internet",
		"AppStack/Queue4A7E3555 -":                "NOT_ASSESSED no mapping for AWS::SQS::Queue",
		"Prod-DataStack/LogsBucket9C4D8843 S3.12": "FAILED the ACL grants WRITE to LogDelivery",
	})
	// The SSM-backed BootstrapVersion parameter of every CDK stack is
	// unknown, and unused by any property: nothing is unknown.
	if len(b.Unknown) != 0 {
		t.Errorf("bucket unknowns = %v", b.Unknown)
	}
}

func TestCloudAssemblyErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("manifest.json", "{\n \"version\": \"36.0.0\",\n \"artifacts\": {\n  \"S\": {\"type\": \"aws:cloudformation:stack\", \"properties\": {\"templateFile\": \"S.template.json\"}}\n }\n}\n")
	write("S.template.json", "{\n \"Resources\": {\n  \"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"BucketName\": {\"Fn::Nope\": 1}}}\n }\n}\n")
	_, err := Load(dir, LoadOptions{})
	want := filepath.Join(dir, "S.template.json") + ":3:66: Resources.B.Properties.BucketName: unknown intrinsic function Fn::Nope"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant %s", err, want)
	}
	var ie *iac.InputError
	if !errors.As(err, &ie) {
		t.Errorf("error %T is not an iac.InputError", err)
	}
	write("manifest.json", "{\"artifacts\": [}")
	if _, err := Load(dir, LoadOptions{}); err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, "manifest.json")+":1:16: not valid JSON") {
		t.Errorf("broken manifest: %v", err)
	}
	write("manifest.json", `{"artifacts": {"T": {"type": "cdk:tree"}}}`)
	if _, err := Load(dir, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "has no stack") {
		t.Errorf("manifest without stacks: %v", err)
	}
}

// TestMalformed: every fault names the file, line and column.
func TestMalformed(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"not.yaml", "Resources: [a\n  b: c\n", "t.yaml:2:4: not a valid JSON or YAML template: did not find expected ',' or ']' (while parsing a flow sequence that starts at line 1, column 12)"},
		{"not.json", "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}},}", "t.yaml:1:50: not valid JSON: invalid character '}' looking for beginning of object key string"},
		{"list", "- a\n- b\n", "t.yaml:1:1: not a template: want a mapping with Resources"},
		{"no resources", "AWSTemplateFormatVersion: '2010-09-09'\nDescription: x\n", "t.yaml:1:1: not a template: no Resources section"},
		{"empty resources", "Resources: {}\n", "t.yaml:1:12: Resources: want a mapping of at least one resource"},
		{"unknown section", "Resources:\n  B: {Type: AWS::S3::Bucket}\nOutput: {}\n", `t.yaml:3:1: unknown field "Output"`},
		{"no type", "Resources:\n  B:\n    Properties: {}\n", "t.yaml:2:3: Resources.B: resource has no Type"},
		{"bad attribute", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Propertes: {}\n", `t.yaml:4:5: Resources.B: unknown field "Propertes"`},
		{"duplicate id", "Resources:\n  B: {Type: AWS::S3::Bucket}\n  B: {Type: AWS::S3::Bucket}\n", "t.yaml:3:3: Resources.B: given twice (first on line 2)"},
		{"bad logical id", "Resources:\n  my-bucket: {Type: AWS::S3::Bucket}\n", `t.yaml:2:3: Resources.my-bucket: logical ID "my-bucket": want letters and digits only`},
		{"ref to nothing", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref Nope\n", `t.yaml:5:19: Resources.B.Properties.BucketName.Ref: Ref to nothing: no parameter or resource named "Nope"`},
		{"getatt of nothing", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !GetAtt Nope.Arn\n", `t.yaml:5:19: Resources.B.Properties.BucketName.Fn::GetAtt: GetAtt of nothing: no resource named "Nope"`},
		{"unknown short form", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Nope x\n", "t.yaml:5:19: Resources.B.Properties.BucketName: unknown intrinsic function !Nope"},
		{"unknown long form", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: {\"Fn::Concat\": [a, b]}\n", "t.yaml:5:20: Resources.B.Properties.BucketName: unknown intrinsic function Fn::Concat"},
		{"bad pseudo", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref AWS::Nope\n", "t.yaml:5:19: Resources.B.Properties.BucketName.Ref: unknown pseudo parameter AWS::Nope"},
		{"select range", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Select [3, [a, b]]\n", "t.yaml:5:28: Resources.B.Properties.BucketName.Fn::Select[0]: index 3 is out of the list's 2 elements"},
		{"join args", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Join [a]\n", "t.yaml:5:19: Resources.B.Properties.BucketName.Fn::Join: Fn::Join takes a list of 2 elements, not 1"},
		{"missing condition", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Condition: Nope\n", `t.yaml:4:16: Resources.B.Condition: no condition named "Nope" in Conditions`},
		{"condition loop", "Conditions:\n  A: !Condition B\n  B: !Not [!Condition A]\nResources:\n  X:\n    Type: AWS::S3::Bucket\n    Condition: A\n", `condition "A" refers to itself`},
		{"missing mapping", "Mappings:\n  M: {k: {a: b}}\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !FindInMap [M, k, z]\n", `t.yaml:7:37: Resources.B.Properties.BucketName.Fn::FindInMap[2]: the key has no second-level key "z"`},
		{"parameter without type", "Parameters:\n  P: {Default: x}\nResources:\n  B: {Type: AWS::S3::Bucket}\n", "t.yaml:2:3: Parameters.P.Type: parameter has no Type"},
	} {
		p := filepath.Join(t.TempDir(), "t.yaml")
		if err := os.WriteFile(p, []byte(c.text), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(p, LoadOptions{})
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		got := strings.ReplaceAll(err.Error(), filepath.Dir(p)+string(filepath.Separator), "")
		if !strings.Contains(got, c.want) {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
		var ie *iac.InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: %T is not an iac.InputError", c.name, err)
		}
	}
}

func TestUnknownParameterOverride(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.yaml")
	if err := os.WriteFile(p, []byte("Resources:\n  B: {Type: AWS::S3::Bucket}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p, LoadOptions{Options: Options{Parameters: map[string]string{"Env": "x"}}})
	if err == nil || !strings.Contains(err.Error(), "--parameter Env: no template read has a parameter Env") {
		t.Errorf("error = %v", err)
	}
}

func TestDetect(t *testing.T) {
	for _, c := range []struct {
		path, text string
		want       bool
	}{
		{"t.json", `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}`, true},
		{"t.json", `{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}`, true},
		{"plan.json", `{"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {}}`, false},
		{"t.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n", true},
		{"t.template", "Resources:\n  B: {Type: AWS::S3::Bucket}\n", true},
		{"notes.txt", "Resources:\n", false},
		{"t.yaml", "rules:\n  - name: x\n", false},
		{"t.json", `not json`, false},
	} {
		if got := Detect(c.path, []byte(c.text)); got != c.want {
			t.Errorf("Detect(%s, %.30q) = %v", c.path, c.text, got)
		}
	}
	if !Detect("testdata/cdk.out", nil) {
		t.Error("cdk.out not detected")
	}
	if Detect("testdata", nil) {
		t.Error("a directory without manifest.json detected")
	}
}

func ExampleLoad() {
	srcs, err := Load("testdata/cdk.out", LoadOptions{Now: now})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range srcs {
		fmt.Println(s.Format, filepath.ToSlash(s.Path), len(s.Resources), "mapped,", len(s.NotAssessed), "not assessed")
	}
	// Output:
	// cdk testdata/cdk.out/AppStack.template.json 4 mapped, 1 not assessed
	// cdk testdata/cdk.out/assembly-Prod/ProdDataStack.template.json 1 mapped, 0 not assessed
}
