package lambda_test

import (
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/lambda"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snaplambda "github.com/guardrail-sec/guardrail/internal/snapshot/lambda"
)

const region = "us-east-1"

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, lambda.Controls(), id)
}

func TestCatalog(t *testing.T) {
	want := map[string]control.Severity{"Lambda.1": control.Critical, "Lambda.2": control.Medium, "Lambda.3": control.Low, "Lambda.5": control.Medium}
	cs := lambda.Controls()
	if len(cs) != len(want) {
		t.Errorf("%d controls, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || c.Global || len(c.Needs) != 1 || c.Needs[0] != "lambda" || c.ResourceType != "AwsLambdaFunction" {
			t.Errorf("%s: severity %v global %v needs %v", c.ID, c.Severity, c.Global, c.Needs)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func arn(name string) string { return "arn:aws:lambda:us-east-1:111122223333:function:" + name }

func fn(name string, change func(f *snaplambda.Function)) *snaplambda.Function {
	f := &snaplambda.Function{ARN: arn(name), Name: name, Runtime: "python3.13", PackageType: "Zip"}
	if change != nil {
		change(f)
	}
	return f
}

func policy(statements ...string) string {
	return `{"Version":"2012-10-17","Id":"default","Statement":[` + strings.Join(statements, ",") + `]}`
}

func eval(t *testing.T, c *control.Control, fs ...*snaplambda.Function) map[string]control.Status {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].Lambda = &snaplambda.Lambda{Functions: fs}
	return controltest.Statuses(t, controltest.Eval(c, controltest.Snapshot(a)))
}

func check(t *testing.T, got, want map[string]control.Status) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s is %s, want %s", k, got[k], w)
		}
	}
}

func TestLambda1(t *testing.T) {
	P, F, E := control.Passed, control.Failed, control.Error
	got := eval(t, byID(t, "Lambda.1"),
		fn("none", nil),
		fn("events", func(f *snaplambda.Function) {
			f.Policy = policy(`{"Sid":"events","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"lambda:InvokeFunction",
				"Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:events:us-east-1:111122223333:rule/r"}}}`)
		}),
		fn("anyone", func(f *snaplambda.Function) {
			f.Policy = policy(`{"Sid":"public-invoke","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction"}`)
		}),
		fn("url", func(f *snaplambda.Function) {
			f.Policy = policy(`{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl",
				"Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}`)
		}),
		fn("org", func(f *snaplambda.Function) {
			f.Policy = policy(`{"Sid":"org","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}`)
		}),
		fn("s3-any-owner", func(f *snaplambda.Function) {
			f.Policy = policy(`{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction",
				"Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"}}}`)
		}),
		fn("s3-owner", func(f *snaplambda.Function) {
			f.Policy = policy(`{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction",
				"Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"},"StringEquals":{"AWS:SourceAccount":"111122223333"}}}`)
		}),
		fn("denied", func(f *snaplambda.Function) { f.Errors = map[string]string{"policy": "AccessDeniedException: no"} }),
		fn("garbled", func(f *snaplambda.Function) { f.Policy = "{" }),
	)
	check(t, got, map[string]control.Status{arn("none"): P, arn("events"): P, arn("anyone"): F, arn("url"): F, arn("org"): P,
		arn("s3-any-owner"): F, arn("s3-owner"): P, arn("denied"): E, arn("garbled"): E})
}

func TestLambda1Reason(t *testing.T) {
	a := controltest.Account(region)
	a.Regions[region].Lambda = &snaplambda.Lambda{Functions: []*snaplambda.Function{fn("anyone", func(f *snaplambda.Function) {
		f.Policy = policy(`{"Sid":"public-invoke","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction"}`,
			`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["lambda:GetFunction","lambda:InvokeFunction"]}`)
	})}}
	rs := controltest.Eval(byID(t, "Lambda.1"), controltest.Snapshot(a))
	want := "public function policy: public-invoke allows lambda:InvokeFunction to any principal; #2 allows lambda:GetFunction, lambda:InvokeFunction to any principal"
	if len(rs) != 1 || rs[0].Reason != want || rs[0].Resource.Type != "AwsLambdaFunction" || rs[0].Resource.Name != "anyone" {
		t.Errorf("results = %+v", rs)
	}
}

func TestLambda2(t *testing.T) {
	// controltest.Now is 2026-06-01.
	P, F, N, E := control.Passed, control.Failed, control.NotApplicable, control.Error
	got := eval(t, byID(t, "Lambda.2"),
		fn("current", nil),
		fn("old", func(f *snaplambda.Function) { f.Runtime = "python3.7" }),
		fn("just-deprecated", func(f *snaplambda.Function) { f.Runtime = "nodejs20.x" }), // 2026-04-30
		fn("not-yet", func(f *snaplambda.Function) { f.Runtime = "python3.11" }),         // 2026-06-30
		fn("image", func(f *snaplambda.Function) { f.Runtime, f.PackageType = "", "Image" }),
		fn("future", func(f *snaplambda.Function) { f.Runtime = "cobol2.0" }),
	)
	check(t, got, map[string]control.Status{arn("current"): P, arn("old"): F, arn("just-deprecated"): F, arn("not-yet"): P,
		arn("image"): N, arn("future"): E})
}

// TestRuntimes checks the runtime table itself: no runtime twice, dates
// in a plausible range.
func TestRuntimes(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range lambda.Runtimes() {
		if seen[r.ID] {
			t.Errorf("%s listed twice", r.ID)
		}
		seen[r.ID] = true
		if r.Deprecated.Year() < 2016 || r.Deprecated.Year() > 2035 || r.Deprecated.Location() != time.UTC {
			t.Errorf("%s: deprecated %v", r.ID, r.Deprecated)
		}
	}
	for _, id := range []string{"python3.12", "nodejs22.x", "java21", "provided.al2023", "python2.7", "go1.x"} {
		if !seen[id] {
			t.Errorf("%s missing", id)
		}
	}
}

func TestLambda3And5(t *testing.T) {
	P, F, N, E := control.Passed, control.Failed, control.NotApplicable, control.Error
	fs := []*snaplambda.Function{
		fn("outside", nil),
		fn("two-zones", func(f *snaplambda.Function) {
			f.VpcID, f.SubnetIDs = "vpc-1", []string{"subnet-a", "subnet-b"}
			f.SubnetZones = map[string]string{"subnet-a": "us-east-1a", "subnet-b": "us-east-1b"}
		}),
		fn("one-zone", func(f *snaplambda.Function) {
			f.VpcID, f.SubnetIDs = "vpc-1", []string{"subnet-a", "subnet-a2"}
			f.SubnetZones = map[string]string{"subnet-a": "us-east-1a", "subnet-a2": "us-east-1a"}
		}),
		fn("denied", func(f *snaplambda.Function) {
			f.VpcID, f.SubnetIDs = "vpc-1", []string{"subnet-a"}
			f.Errors = map[string]string{"subnets": "UnauthorizedOperation: no"}
		}),
		fn("gone", func(f *snaplambda.Function) {
			f.VpcID, f.SubnetIDs = "vpc-1", []string{"subnet-a", "subnet-x"}
			f.SubnetZones = map[string]string{"subnet-a": "us-east-1a"}
		}),
	}
	check(t, eval(t, byID(t, "Lambda.3"), fs...), map[string]control.Status{arn("outside"): F, arn("two-zones"): P, arn("one-zone"): P,
		arn("denied"): P, arn("gone"): P})
	check(t, eval(t, byID(t, "Lambda.5"), fs...), map[string]control.Status{arn("outside"): N, arn("two-zones"): P, arn("one-zone"): F,
		arn("denied"): E, arn("gone"): E})
}

func TestNotCollected(t *testing.T) {
	for _, c := range lambda.Controls() {
		a := controltest.Account(region)
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s without state: %+v", c.ID, rs)
		}
		a.Regions[region].Lambda = &snaplambda.Lambda{Functions: []*snaplambda.Function{fn("f", nil)}}
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "lambda"}, Class: "access denied", Reason: "AccessDenied"})
		if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
		a.Regions[region].Lambda = &snaplambda.Lambda{}
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
			t.Errorf("%s with no functions: %+v", c.ID, rs)
		}
	}
}
