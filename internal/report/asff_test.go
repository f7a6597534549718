package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	shapi "github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

func asff(t *testing.T, r *report.Report) ([]byte, []map[string]any, []shtypes.AwsSecurityFinding) {
	t.Helper()
	var b bytes.Buffer
	if err := report.ASFF(&b, r, opts); err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	if err := json.Unmarshal(b.Bytes(), &docs); err != nil {
		t.Fatal(err)
	}
	var fs []shtypes.AwsSecurityFinding
	if err := json.Unmarshal(b.Bytes(), &fs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), docs, fs
}

var (
	rfc3339    = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$`)
	productARN = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:securityhub:([a-z0-9-]+):(\d{12}):product/(\d{12})/default$`)
)

// checkASFF checks a finding the way Security Hub's BatchImportFindings
// does (required attributes, enumerations, limits) and the way Guardrail
// promises (product of the finding's own account and region).
func checkASFF(t *testing.T, d map[string]any) {
	t.Helper()
	id, _ := d["Id"].(string)
	str := func(k string) string {
		s, _ := d[k].(string)
		if strings.TrimSpace(s) == "" {
			t.Errorf("finding %s: %s missing or empty", id, k)
		}
		return s
	}
	for _, k := range []string{"SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "CreatedAt", "UpdatedAt", "Title", "Description"} {
		str(k)
	}
	if d["SchemaVersion"] != "2018-10-08" {
		t.Errorf("finding %s: SchemaVersion %v", id, d["SchemaVersion"])
	}
	if len(id) > 512 {
		t.Errorf("finding %s: Id longer than 512", id)
	}
	m := productARN.FindStringSubmatch(str("ProductArn"))
	if m == nil || m[3] != d["AwsAccountId"] || m[4] != d["AwsAccountId"] || m[2] != d["Region"] {
		t.Errorf("finding %s: ProductArn %v for account %v region %v", id, d["ProductArn"], d["AwsAccountId"], d["Region"])
	}
	for _, k := range []string{"CreatedAt", "UpdatedAt"} {
		if !rfc3339.MatchString(str(k)) {
			t.Errorf("finding %s: %s %q is not RFC 3339", id, k, d[k])
		}
	}
	if utf8.RuneCountInString(str("Title")) > 256 || utf8.RuneCountInString(str("Description")) > 1024 {
		t.Errorf("finding %s: Title or Description too long", id)
	}
	types, _ := d["Types"].([]any)
	if len(types) == 0 {
		t.Errorf("finding %s: no Types", id)
	}
	for _, ty := range types {
		if s, _ := ty.(string); !strings.HasPrefix(s, "Software and Configuration Checks/") || strings.Count(s, "/") != 2 {
			t.Errorf("finding %s: Type %q is not namespace/category/classifier", id, s)
		}
	}
	sev, _ := d["Severity"].(map[string]any)
	switch sev["Label"] {
	case "INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL":
	default:
		t.Errorf("finding %s: Severity %v", id, sev)
	}
	res, _ := d["Resources"].([]any)
	if len(res) == 0 || len(res) > 32 {
		t.Errorf("finding %s: %d resources", id, len(res))
	}
	for _, r := range res {
		r, _ := r.(map[string]any)
		for _, k := range []string{"Type", "Id", "Partition", "Region"} {
			if s, _ := r[k].(string); s == "" {
				t.Errorf("finding %s: resource lacks %s: %v", id, k, r)
			}
		}
	}
	comp, _ := d["Compliance"].(map[string]any)
	switch comp["Status"] {
	case "PASSED", "FAILED":
		if comp["StatusReasons"] != nil {
			t.Errorf("finding %s: StatusReasons on %v", id, comp["Status"])
		}
	case "NOT_AVAILABLE":
		rs, _ := comp["StatusReasons"].([]any)
		if len(rs) != 1 || rs[0].(map[string]any)["ReasonCode"] == "" || rs[0].(map[string]any)["Description"] == "" {
			t.Errorf("finding %s: NOT_AVAILABLE without StatusReasons: %v", id, comp)
		}
	default:
		t.Errorf("finding %s: Compliance.Status %v", id, comp["Status"])
	}
	if s, _ := comp["SecurityControlId"].(string); s == "" || !strings.HasSuffix(d["GeneratorId"].(string), s) {
		t.Errorf("finding %s: SecurityControlId %v", id, comp["SecurityControlId"])
	}
	stds, _ := comp["AssociatedStandards"].([]any)
	if len(stds) > 20 {
		t.Errorf("finding %s: %d standards", id, len(stds))
	}
	for _, s := range stds {
		if sid, _ := s.(map[string]any)["StandardsId"].(string); !strings.HasPrefix(sid, "standards/") {
			t.Errorf("finding %s: StandardsId %q", id, sid)
		}
	}
	reqs, _ := comp["RelatedRequirements"].([]any)
	for _, q := range reqs {
		if s, _ := q.(string); s == "" || len(s) > 64 {
			t.Errorf("finding %s: RelatedRequirement %q", id, s)
		}
	}
	rem, _ := d["Remediation"].(map[string]any)
	rec, _ := rem["Recommendation"].(map[string]any)
	if text, _ := rec["Text"].(string); text == "" || utf8.RuneCountInString(text) > 512 {
		t.Errorf("finding %s: Remediation.Recommendation.Text %d chars", id, utf8.RuneCountInString(text))
	}
	if wf, _ := d["Workflow"].(map[string]any); wf["Status"] != "NEW" {
		t.Errorf("finding %s: Workflow %v", id, d["Workflow"])
	}
	if d["RecordState"] != "ACTIVE" {
		t.Errorf("finding %s: RecordState %v", id, d["RecordState"])
	}
	pf, _ := d["ProductFields"].(map[string]any)
	if len(pf) == 0 || len(pf) > 50 {
		t.Errorf("finding %s: %d ProductFields", id, len(pf))
	}
	for k, v := range pf {
		if s, _ := v.(string); len(k) > 128 || strings.TrimSpace(s) == "" || len(s) > 2048 {
			t.Errorf("finding %s: ProductFields[%q] = %q", id, k, s)
		}
	}
}

func TestASFF(t *testing.T) {
	r := sample()
	raw, docs, fs := asff(t, r)
	// Every field maps onto the SDK's AwsSecurityFinding: nothing is lost
	// in the round trip (a misspelt field would be).
	back, err := json.Marshal(fs)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	json.Unmarshal(raw, &a)
	json.Unmarshal(back, &b)
	if !reflect.DeepEqual(a, prune(b)) {
		t.Errorf("ASFF does not survive a round trip through the SDK's types:\n%s\nvs\n%s", raw, back)
	}

	want := map[control.Status]string{control.Passed: "PASSED", control.Failed: "FAILED", control.Error: "NOT_AVAILABLE"}
	n := 0
	ids := map[string]bool{}
	for _, res := range r.Results {
		if res.Status == control.NotApplicable {
			continue
		}
		if res.Resource.Account == dev && res.Resource.Region == "eu-south-1" {
			continue // not enabled: no Security Hub there
		}
		d := docs[n]
		checkASFF(t, d)
		if ids[d["Id"].(string)] {
			t.Errorf("Id %s twice", d["Id"])
		}
		ids[d["Id"].(string)] = true
		comp := d["Compliance"].(map[string]any)
		if comp["Status"] != want[res.Status] || comp["SecurityControlId"] != res.Control || d["AwsAccountId"] != res.Resource.Account ||
			d["Resources"].([]any)[0].(map[string]any)["Id"] != res.Resource.ARN {
			t.Errorf("finding %d = %v for %+v", n, d, res)
		}
		// Passed checks are informational, as Security Hub reports them.
		if sev := d["Severity"].(map[string]any); (res.Status == control.Passed) != (sev["Label"] == "INFORMATIONAL") {
			t.Errorf("finding %d: %s with severity %v", n, res.Status, sev)
		}
		n++
	}
	if n != len(docs) {
		t.Errorf("%d findings, want %d", len(docs), n)
	}

	// IAM.4 on dev: the CIS and FSBP mappings.
	for _, d := range docs {
		if d["AwsAccountId"] == dev && d["Compliance"].(map[string]any)["SecurityControlId"] == "IAM.4" {
			comp := d["Compliance"].(map[string]any)
			if fmt.Sprint(comp["RelatedRequirements"]) != "[CIS AWS Foundations Benchmark v3.0.0/1.4 AWS Foundational Security Best Practices v1.0.0/IAM.4]" ||
				fmt.Sprint(comp["AssociatedStandards"]) != "[map[StandardsId:standards/cis-aws-foundations-benchmark/v/3.0.0] map[StandardsId:standards/aws-foundational-security-best-practices/v/1.0.0]]" ||
				d["ProductArn"] != "arn:aws:securityhub:us-east-1:222222222222:product/222222222222/default" {
				t.Errorf("IAM.4 = %v", d)
			}
		}
	}
}

// prune drops the null and empty values the SDK's types marshal.
func prune(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			x = prune(x)
			if x == nil {
				continue
			}
			out[k] = x
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(v) == 0 {
			return nil
		}
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = prune(x)
		}
		return out
	case string:
		if v == "" {
			return nil
		}
	}
	return v
}

func TestASFFStableIDs(t *testing.T) {
	_, first, _ := asff(t, sample())
	r := sample()
	r.ID = "scan-20261124T101500Z"
	r.Started = r.Started.Add(24 * time.Hour)
	r.Finished = r.Finished.Add(24 * time.Hour)
	_, second, _ := asff(t, r)
	if len(first) != len(second) {
		t.Fatal("different findings")
	}
	for i := range first {
		if first[i]["Id"] != second[i]["Id"] {
			t.Errorf("Id changed between scans: %v, %v", first[i]["Id"], second[i]["Id"])
		}
		if first[i]["UpdatedAt"] == second[i]["UpdatedAt"] {
			t.Errorf("UpdatedAt did not move: %v", first[i]["UpdatedAt"])
		}
	}
}

// TestASFFImport imports the findings into the simulator's Security Hub,
// each account's as that account, per region, 100 at a time, and reads
// them back.
func TestASFFImport(t *testing.T) {
	r := sample()
	// Enough findings in one target to need several batches.
	for i := 0; i < 230; i++ {
		r.Results = append(r.Results, control.Result{Control: "EC2.19", Status: control.Failed,
			Resource: snapshot.Meta{ARN: fmt.Sprintf("arn:aws:ec2:eu-west-1:%s:security-group/sg-%08d", prod, i), Type: "AwsEc2SecurityGroup",
				Account: prod, Region: "eu-west-1"}, Reason: "port 22 open to 0.0.0.0/0"})
	}
	_, docs, fs := asff(t, r)

	w := simtest.NewWorld()
	w.AddAccount(legacy, "legacy-billing", "legacy@example.com")
	s := simtest.Start(t, w)
	ctx := context.Background()

	type target struct{ account, region string }
	groups := map[target][]shtypes.AwsSecurityFinding{}
	var order []target
	for i, f := range fs {
		checkASFF(t, docs[i])
		k := target{aws.ToString(f.AwsAccountId), aws.ToString(f.Region)}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], f)
	}
	// Three attempts: against the loopback simulator, a response can come
	// back while the transport still checks the request body for extra
	// bytes; the SDK then closes the body, smithy-go's closed body answers
	// WriteTo with io.EOF, and net/http drops the connection under the
	// response being read ("use of closed network connection"), about one
	// call in 60 on a new connection. The retry makes that call again.
	cfg := func(k target) aws.Config { return s.Config(t, k.account, k.region, 3) }
	for _, k := range order {
		c := shapi.NewFromConfig(cfg(k))
		if _, err := c.EnableSecurityHub(ctx, &shapi.EnableSecurityHubInput{}); err != nil {
			t.Fatalf("enable Security Hub in %v: %v", k, err)
		}
		if batches := importAll(t, c, groups[k]); k == (target{prod, "eu-west-1"}) && batches < 3 {
			t.Errorf("%v imported in %d batches", k, batches)
		}
		if got := readAll(t, c); len(got) != len(groups[k]) {
			t.Errorf("%v: %d findings read back, %d imported", k, len(got), len(groups[k]))
		}
	}
	// Importing again (the next scan) updates the same findings.
	k := target{prod, "eu-west-1"}
	c := shapi.NewFromConfig(cfg(k))
	importAll(t, c, groups[k])
	got := readAll(t, c)
	if len(got) != len(groups[k]) {
		t.Errorf("after re-import: %d findings, want %d", len(got), len(groups[k]))
	}
	status := map[string]int{}
	for _, f := range got {
		status[string(f.Compliance.Status)]++
	}
	if status["FAILED"] != 231 || status["PASSED"] != 2 {
		t.Errorf("statuses read back = %v", status)
	}
}

// importAll imports fs 100 at a time, failing t unless every finding is
// accepted, and returns the number of calls.
func importAll(t *testing.T, c *shapi.Client, fs []shtypes.AwsSecurityFinding) (batches int) {
	t.Helper()
	for ; len(fs) > 0; batches++ {
		n := min(100, len(fs))
		out, err := c.BatchImportFindings(context.Background(), &shapi.BatchImportFindingsInput{Findings: fs[:n]})
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		if aws.ToInt32(out.FailedCount) != 0 || int(aws.ToInt32(out.SuccessCount)) != n {
			t.Fatalf("import: %d ok, %d failed: %+v", aws.ToInt32(out.SuccessCount), aws.ToInt32(out.FailedCount), out.FailedFindings)
		}
		fs = fs[n:]
	}
	return batches
}

func readAll(t *testing.T, c *shapi.Client) []shtypes.AwsSecurityFinding {
	t.Helper()
	var got []shtypes.AwsSecurityFinding
	p := shapi.NewGetFindingsPaginator(c, &shapi.GetFindingsInput{MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, out.Findings...)
	}
	return got
}

// TestSimulatorRejectsIncompleteASFF makes sure the import test can
// fail: the simulator refuses a finding without a required attribute.
func TestSimulatorRejectsIncompleteASFF(t *testing.T) {
	_, _, fs := asff(t, sample())
	s := simtest.Start(t, nil)
	ctx := context.Background()
	f := fs[0]
	c := shapi.NewFromConfig(s.Config(t, aws.ToString(f.AwsAccountId), aws.ToString(f.Region), 3))
	if _, err := c.EnableSecurityHub(ctx, &shapi.EnableSecurityHubInput{}); err != nil {
		t.Fatal(err)
	}
	noTypes := f
	noTypes.Types = nil
	noSeverity := f
	noSeverity.Severity = nil
	out, err := c.BatchImportFindings(ctx, &shapi.BatchImportFindingsInput{Findings: []shtypes.AwsSecurityFinding{noTypes, noSeverity}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(out.FailedCount) != 2 {
		t.Errorf("findings without Types or Severity imported: %+v", out)
	}
}
