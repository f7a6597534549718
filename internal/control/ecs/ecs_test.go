package ecs_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/ecs"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapecs "github.com/guardrail-sec/guardrail/internal/snapshot/ecs"
)

const region = "us-east-1"

var (
	P, F, N, E = control.Passed, control.Failed, control.NotApplicable, control.Error
	yes, no    = true, false
)

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, ecs.Controls(), id)
}

func TestCatalog(t *testing.T) {
	want := map[string]control.Severity{"ECS.1": control.High, "ECS.2": control.High, "ECS.3": control.High, "ECS.4": control.High,
		"ECS.5": control.High, "ECS.8": control.High, "ECS.9": control.High, "ECS.10": control.Medium, "ECS.12": control.Medium}
	cs := ecs.Controls()
	if len(cs) != len(want) {
		t.Errorf("%d controls, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || c.Global || len(c.Needs) != 1 || c.Needs[0] != "ecs" || c.Remediation == "" {
			t.Errorf("%s: severity %v global %v needs %v", c.ID, c.Severity, c.Global, c.Needs)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func tdARN(name string) string {
	return "arn:aws:ecs:us-east-1:111122223333:task-definition/" + name + ":1"
}

func td(name string, change func(td *snapecs.TaskDefinition), cts ...*snapecs.Container) *snapecs.TaskDefinition {
	if len(cts) == 0 {
		cts = []*snapecs.Container{ct("app", nil)}
	}
	d := &snapecs.TaskDefinition{ARN: tdARN(name), Family: name, Revision: 1, NetworkMode: "awsvpc", Containers: cts}
	if change != nil {
		change(d)
	}
	return d
}

// ct is a container that passes every control unless changed.
func ct(name string, change func(c *snapecs.Container)) *snapecs.Container {
	c := &snapecs.Container{Name: name, User: "1000", Privileged: &no, ReadonlyRootFilesystem: &yes, LogDriver: "awslogs",
		Environment: []string{"LOG_LEVEL"}}
	if change != nil {
		change(c)
	}
	return c
}

func eval(t *testing.T, c *control.Control, e *snapecs.ECS) map[string]control.Status {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].ECS = e
	return controltest.Statuses(t, controltest.Eval(c, controltest.Snapshot(a)))
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

func tds(d ...*snapecs.TaskDefinition) *snapecs.ECS { return &snapecs.ECS{TaskDefinitions: d} }

func TestTaskDefinitionControls(t *testing.T) {
	unreadable := &snapecs.TaskDefinition{Family: "unreadable", Error: "AccessDeniedException: no"}
	unreadableARN := "arn:aws:ecs:us-east-1:111122223333:task-definition/unreadable"
	for _, tc := range []struct {
		id   string
		defs []*snapecs.TaskDefinition
		want map[string]control.Status
	}{
		{"ECS.1", []*snapecs.TaskDefinition{
			td("awsvpc-root", nil, ct("a", func(c *snapecs.Container) { c.User = "" })),
			td("host-nonroot", func(d *snapecs.TaskDefinition) { d.NetworkMode = "host" }),
			td("host-root", func(d *snapecs.TaskDefinition) { d.NetworkMode = "host" }, ct("a", nil), ct("b", func(c *snapecs.Container) { c.User = "0:0" })),
			td("host-unset", func(d *snapecs.TaskDefinition) { d.NetworkMode = "host" }, ct("a", func(c *snapecs.Container) { c.User, c.Privileged = "", nil })),
			td("host-privileged", func(d *snapecs.TaskDefinition) { d.NetworkMode = "host" }, ct("a", func(c *snapecs.Container) { c.User, c.Privileged = "root", &yes })),
			unreadable,
		}, map[string]control.Status{tdARN("awsvpc-root"): P, tdARN("host-nonroot"): P, tdARN("host-root"): F, tdARN("host-unset"): F,
			tdARN("host-privileged"): P, unreadableARN: E}},
		{"ECS.3", []*snapecs.TaskDefinition{
			td("task", func(d *snapecs.TaskDefinition) { d.PidMode = "task" }), td("unset", nil),
			td("host", func(d *snapecs.TaskDefinition) { d.PidMode = "host" }), unreadable,
		}, map[string]control.Status{tdARN("task"): P, tdARN("unset"): P, tdARN("host"): F, unreadableARN: E}},
		{"ECS.4", []*snapecs.TaskDefinition{
			td("plain", nil), td("unset", nil, ct("a", func(c *snapecs.Container) { c.Privileged = nil })),
			td("privileged", nil, ct("a", nil), ct("b", func(c *snapecs.Container) { c.Privileged = &yes })), unreadable,
		}, map[string]control.Status{tdARN("plain"): P, tdARN("unset"): P, tdARN("privileged"): F, unreadableARN: E}},
		{"ECS.5", []*snapecs.TaskDefinition{
			td("readonly", nil), td("unset", nil, ct("a", func(c *snapecs.Container) { c.ReadonlyRootFilesystem = nil })),
			td("writable", nil, ct("a", func(c *snapecs.Container) { c.ReadonlyRootFilesystem = &no })), unreadable,
			td("windows", func(d *snapecs.TaskDefinition) { d.OSFamily = "WINDOWS_SERVER_2022_CORE" }, ct("a", func(c *snapecs.Container) { c.ReadonlyRootFilesystem = nil })),
			td("linux", func(d *snapecs.TaskDefinition) { d.OSFamily = "LINUX" }, ct("a", func(c *snapecs.Container) { c.ReadonlyRootFilesystem = nil })),
		}, map[string]control.Status{tdARN("readonly"): P, tdARN("unset"): F, tdARN("writable"): F, unreadableARN: E,
			tdARN("windows"): control.NotApplicable, tdARN("linux"): F}},
		{"ECS.8", []*snapecs.TaskDefinition{
			td("clean", nil),
			td("key", nil, ct("a", func(c *snapecs.Container) { c.Environment = []string{"DB_HOST", "AWS_SECRET_ACCESS_KEY"} })),
			td("engine", nil, ct("a", func(c *snapecs.Container) { c.Environment = []string{"ECS_ENGINE_AUTH_DATA"} })),
			td("lookalike", nil, ct("a", func(c *snapecs.Container) { c.Environment = []string{"AWS_REGION", "SECRET_ARN"} })),
			unreadable,
		}, map[string]control.Status{tdARN("clean"): P, tdARN("key"): F, tdARN("engine"): F, tdARN("lookalike"): P, unreadableARN: E}},
		{"ECS.9", []*snapecs.TaskDefinition{
			td("logged", nil), td("one-silent", nil, ct("a", nil), ct("sidecar", func(c *snapecs.Container) { c.LogDriver = "" })), unreadable,
		}, map[string]control.Status{tdARN("logged"): P, tdARN("one-silent"): F, unreadableARN: E}},
	} {
		check(t, tc.id, eval(t, byID(t, tc.id), tds(tc.defs...)), tc.want)
	}
}

// TestNoTaskDefinitions: a region without task definitions or clusters
// yields no results at all (nothing to judge), not a pass.
func TestNothingToJudge(t *testing.T) {
	for _, c := range ecs.Controls() {
		if got := eval(t, c, &snapecs.ECS{}); len(got) != 0 {
			t.Errorf("%s: %v", c.ID, got)
		}
	}
}

func svcARN(name string) string { return "arn:aws:ecs:us-east-1:111122223333:service/prod/" + name }

func TestServiceControls(t *testing.T) {
	svc := func(name string, change func(s *snapecs.Service)) *snapecs.Service {
		s := &snapecs.Service{ARN: svcARN(name), Name: name, Cluster: "prod", LaunchType: "FARGATE", PlatformVersion: "LATEST",
			AwsVPC: true, AssignPublicIP: "DISABLED"}
		if change != nil {
			change(s)
		}
		return s
	}
	broken := &snapecs.Cluster{ARN: "arn:aws:ecs:us-east-1:111122223333:cluster/broken", Name: "broken", Errors: map[string]string{"services": "ThrottlingException: slow down"}}
	e := &snapecs.ECS{Clusters: []*snapecs.Cluster{{ARN: "arn:aws:ecs:us-east-1:111122223333:cluster/prod", Name: "prod", Services: []*snapecs.Service{
		svc("private", nil),
		svc("public", func(s *snapecs.Service) { s.AssignPublicIP = "ENABLED" }),
		svc("bridge", func(s *snapecs.Service) {
			s.LaunchType, s.AwsVPC, s.AssignPublicIP, s.PlatformVersion = "EC2", false, "", ""
		}),
		svc("pinned-latest", func(s *snapecs.Service) { s.PlatformVersion = "1.4.0" }),
		svc("old", func(s *snapecs.Service) { s.PlatformVersion = "1.3.0" }),
		svc("windows", func(s *snapecs.Service) { s.PlatformVersion, s.PlatformFamily = "1.0.0", "WINDOWS_SERVER_2019_CORE" }),
		svc("spot-old", func(s *snapecs.Service) {
			s.LaunchType, s.CapacityProviders, s.PlatformVersion = "", []string{"FARGATE_SPOT"}, "1.3.0"
		}),
	}}, broken}}
	check(t, "ECS.2", eval(t, byID(t, "ECS.2"), e), map[string]control.Status{svcARN("private"): P, svcARN("public"): F, svcARN("bridge"): N,
		svcARN("pinned-latest"): P, svcARN("old"): P, svcARN("windows"): P, svcARN("spot-old"): P, broken.ARN: E})
	check(t, "ECS.10", eval(t, byID(t, "ECS.10"), e), map[string]control.Status{svcARN("private"): P, svcARN("public"): P, svcARN("bridge"): N,
		svcARN("pinned-latest"): P, svcARN("old"): F, svcARN("windows"): P, svcARN("spot-old"): F, broken.ARN: E})
}

func TestECS12(t *testing.T) {
	cl := func(name, v string) *snapecs.Cluster {
		return &snapecs.Cluster{ARN: "arn:aws:ecs:us-east-1:111122223333:cluster/" + name, Name: name, ContainerInsights: v}
	}
	got := eval(t, byID(t, "ECS.12"), &snapecs.ECS{Clusters: []*snapecs.Cluster{cl("on", "enabled"), cl("enhanced", "enhanced"), cl("off", "disabled")}})
	check(t, "ECS.12", got, map[string]control.Status{cl("on", "").ARN: P, cl("enhanced", "").ARN: P, cl("off", "").ARN: F})
}

func TestReasons(t *testing.T) {
	a := controltest.Account(region)
	a.Regions[region].ECS = tds(td("web", func(d *snapecs.TaskDefinition) { d.NetworkMode = "host" },
		ct("app", func(c *snapecs.Container) { c.User = "" }), ct("sidecar", func(c *snapecs.Container) { c.User = "root" })))
	rs := controltest.Eval(byID(t, "ECS.1"), controltest.Snapshot(a))
	if len(rs) != 1 || !strings.HasSuffix(rs[0].Reason, "app, sidecar") || rs[0].Resource.Name != "web:1" || rs[0].Resource.Type != "AwsEcsTaskDefinition" {
		t.Errorf("results = %+v", rs)
	}
}

// TestNotCollected: a gap of the collector, or a region never collected,
// is ERROR for every control, never a pass.
func TestNotCollected(t *testing.T) {
	for _, c := range ecs.Controls() {
		a := controltest.Account(region)
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s not collected: %+v", c.ID, rs)
		}
		a.Regions[region].ECS = tds(td("web", nil))
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "ecs"}, Class: "access denied", Reason: "AccessDeniedException"})
		if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
	}
}
