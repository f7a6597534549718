package ecr_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/ecr"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapecr "github.com/guardrail-sec/guardrail/internal/snapshot/ecr"
)

const region = "us-east-1"

var P, F, E = control.Passed, control.Failed, control.Error

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, ecr.Controls(), id)
}

func TestCatalog(t *testing.T) {
	want := map[string]control.Severity{"ECR.1": control.High, "ECR.2": control.Medium, "ECR.3": control.Medium}
	cs := ecr.Controls()
	if len(cs) != len(want) {
		t.Errorf("%d controls, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || c.Global || len(c.Needs) != 1 || c.Needs[0] != "ecr" || c.ResourceType != "AwsEcrRepository" {
			t.Errorf("%s: severity %v global %v needs %v", c.ID, c.Severity, c.Global, c.Needs)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func arn(n string) string { return "arn:aws:ecr:us-east-1:111122223333:repository/" + n }

func repo(n string, change func(r *snapecr.Repository)) *snapecr.Repository {
	r := &snapecr.Repository{ARN: arn(n), Name: n, TagMutability: "IMMUTABLE", ScanFrequency: "SCAN_ON_PUSH", LifecyclePolicy: true}
	if change != nil {
		change(r)
	}
	return r
}

func eval(t *testing.T, id string, rs ...*snapecr.Repository) map[string]control.Status {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].ECR = &snapecr.ECR{Repositories: rs}
	return controltest.Statuses(t, controltest.Eval(byID(t, id), controltest.Snapshot(a)))
}

func check(t *testing.T, id string, got, want map[string]control.Status) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %v, want %v", id, got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s is %s, want %s", id, k, got[k], w)
		}
	}
}

func TestECR1(t *testing.T) {
	check(t, "ECR.1", eval(t, "ECR.1",
		repo("push", nil),
		repo("continuous", func(r *snapecr.Repository) { r.ScanFrequency = "CONTINUOUS_SCAN" }),
		repo("manual", func(r *snapecr.Repository) { r.ScanFrequency = "MANUAL" }),
		repo("denied", func(r *snapecr.Repository) {
			r.ScanFrequency, r.Errors = "", map[string]string{"scanning": "AccessDeniedException: no"}
		}),
		// A lifecycle error does not hide the scanning verdict.
		repo("lifecycle-denied", func(r *snapecr.Repository) { r.Errors = map[string]string{"lifecycle": "AccessDeniedException"} }),
	), map[string]control.Status{arn("push"): P, arn("continuous"): P, arn("manual"): F, arn("denied"): E, arn("lifecycle-denied"): P})
}

func TestECR2(t *testing.T) {
	check(t, "ECR.2", eval(t, "ECR.2",
		repo("immutable", nil),
		repo("excluded", func(r *snapecr.Repository) { r.TagMutability = "IMMUTABLE_WITH_EXCLUSION" }),
		repo("mutable", func(r *snapecr.Repository) { r.TagMutability = "MUTABLE" }),
		repo("mutable-excl", func(r *snapecr.Repository) { r.TagMutability = "MUTABLE_WITH_EXCLUSION" }),
	), map[string]control.Status{arn("immutable"): P, arn("excluded"): P, arn("mutable"): F, arn("mutable-excl"): F})
}

func TestECR3(t *testing.T) {
	check(t, "ECR.3", eval(t, "ECR.3",
		repo("with", nil),
		repo("without", func(r *snapecr.Repository) { r.LifecyclePolicy = false }),
		repo("denied", func(r *snapecr.Repository) {
			r.LifecyclePolicy, r.Errors = false, map[string]string{"lifecycle": "ThrottlingException"}
		}),
	), map[string]control.Status{arn("with"): P, arn("without"): F, arn("denied"): E})
}

// TestNothingToJudge: an empty registry yields no result (no repository
// to judge), never a pass.
func TestNothingToJudge(t *testing.T) {
	for _, c := range ecr.Controls() {
		if got := eval(t, c.ID); len(got) != 0 {
			t.Errorf("%s: %v", c.ID, got)
		}
	}
}

func TestNotCollected(t *testing.T) {
	for _, c := range ecr.Controls() {
		a := controltest.Account(region)
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s not collected: %+v", c.ID, rs)
		}
		a.Regions[region].ECR = &snapecr.ECR{Repositories: []*snapecr.Repository{repo("r", nil)}}
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "ecr"}, Class: "throttled", Reason: "ThrottlingException"})
		if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
	}
}
