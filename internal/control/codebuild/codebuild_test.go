package codebuild_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/codebuild"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapcb "github.com/guardrail-sec/guardrail/internal/snapshot/codebuild"
)

const region = "us-east-1"

var P, F, N = control.Passed, control.Failed, control.NotApplicable

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, codebuild.Controls(), id)
}

func TestCatalog(t *testing.T) {
	want := map[string]control.Severity{"CodeBuild.1": control.Critical, "CodeBuild.2": control.Critical, "CodeBuild.3": control.Low,
		"CodeBuild.4": control.Medium, "CodeBuild.5": control.High}
	cs := codebuild.Controls()
	if len(cs) != len(want) {
		t.Errorf("%d controls, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || c.Global || len(c.Needs) != 1 || c.Needs[0] != "codebuild" || c.ResourceType != "AwsCodeBuildProject" {
			t.Errorf("%s: severity %v global %v needs %v", c.ID, c.Severity, c.Global, c.Needs)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func arn(n string) string { return "arn:aws:codebuild:us-east-1:111122223333:project/" + n }

func project(n string, change func(p *snapcb.Project)) *snapcb.Project {
	p := &snapcb.Project{ARN: arn(n), Name: n, Sources: []snapcb.Source{{Type: "CODECOMMIT", Location: "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/app"}},
		Environment: []snapcb.EnvVar{{Name: "STAGE", Type: "PLAINTEXT"}}, CloudWatchLogs: true}
	if change != nil {
		change(p)
	}
	return p
}

func eval(t *testing.T, id string, ps ...*snapcb.Project) map[string]control.Status {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].CodeBuild = &snapcb.CodeBuild{Projects: ps}
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

func TestCodeBuild1(t *testing.T) {
	check(t, "CodeBuild.1", eval(t, "CodeBuild.1",
		project("codecommit", nil),
		project("bb-clean", func(p *snapcb.Project) {
			p.Sources = []snapcb.Source{{Type: "BITBUCKET", Location: "https://alice@bitbucket.org/acme/app.git"}}
		}),
		project("bb-token", func(p *snapcb.Project) {
			p.Sources = []snapcb.Source{{Type: "BITBUCKET", Location: "https://x-token-auth:xxxxx@bitbucket.org/acme/app.git", URLPassword: true}}
		}),
		project("bb-secondary", func(p *snapcb.Project) {
			p.Sources = append(p.Sources, snapcb.Source{Type: "BITBUCKET", Location: "https://bob:xxxxx@bitbucket.org/acme/lib.git", URLPassword: true})
		}),
		// Credentials in a GitHub URL are not this control's business.
		project("github-token", func(p *snapcb.Project) {
			p.Sources = []snapcb.Source{{Type: "GITHUB", Location: "https://u:xxxxx@github.com/acme/app", URLPassword: true}}
		}),
	), map[string]control.Status{arn("codecommit"): N, arn("bb-clean"): P, arn("bb-token"): F, arn("bb-secondary"): F, arn("github-token"): N})
}

func TestCodeBuild2(t *testing.T) {
	check(t, "CodeBuild.2", eval(t, "CodeBuild.2",
		project("clean", nil),
		project("plain-key", func(p *snapcb.Project) {
			p.Environment = append(p.Environment, snapcb.EnvVar{Name: "AWS_ACCESS_KEY_ID", Type: "PLAINTEXT"}, snapcb.EnvVar{Name: "AWS_SECRET_ACCESS_KEY", Type: "PLAINTEXT"})
		}),
		project("secret-ref", func(p *snapcb.Project) {
			p.Environment = []snapcb.EnvVar{{Name: "AWS_SECRET_ACCESS_KEY", Type: "SECRETS_MANAGER"}}
		}),
		project("none", func(p *snapcb.Project) { p.Environment = nil }),
	), map[string]control.Status{arn("clean"): P, arn("plain-key"): F, arn("secret-ref"): P, arn("none"): P})
}

func TestCodeBuild3To5(t *testing.T) {
	ps := []*snapcb.Project{
		project("cw", nil),
		project("s3-enc", func(p *snapcb.Project) { p.S3Logs = true }),
		project("s3-plain", func(p *snapcb.Project) { p.CloudWatchLogs, p.S3Logs, p.S3EncryptionDisabled = false, true, true }),
		project("silent", func(p *snapcb.Project) { p.CloudWatchLogs = false; p.Privileged = true }),
	}
	check(t, "CodeBuild.3", eval(t, "CodeBuild.3", ps...),
		map[string]control.Status{arn("cw"): N, arn("s3-enc"): P, arn("s3-plain"): F, arn("silent"): N})
	check(t, "CodeBuild.4", eval(t, "CodeBuild.4", ps...),
		map[string]control.Status{arn("cw"): P, arn("s3-enc"): P, arn("s3-plain"): P, arn("silent"): F})
	check(t, "CodeBuild.5", eval(t, "CodeBuild.5", ps...),
		map[string]control.Status{arn("cw"): P, arn("s3-enc"): P, arn("s3-plain"): P, arn("silent"): F})
}

func TestNothingToJudge(t *testing.T) {
	for _, c := range codebuild.Controls() {
		if got := eval(t, c.ID); len(got) != 0 {
			t.Errorf("%s: %v", c.ID, got)
		}
	}
}

func TestNotCollected(t *testing.T) {
	for _, c := range codebuild.Controls() {
		a := controltest.Account(region)
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s not collected: %+v", c.ID, rs)
		}
		a.Regions[region].CodeBuild = &snapcb.CodeBuild{Projects: []*snapcb.Project{project("p", nil)}}
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "codebuild"}, Class: "access denied", Reason: "AccessDeniedException"})
		if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
	}
}
