package autoscaling_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/autoscaling"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapas "github.com/guardrail-sec/guardrail/internal/snapshot/autoscaling"
)

const region = "us-east-1"

var (
	P, F, N = control.Passed, control.Failed, control.NotApplicable
	yes, no = true, false
)

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, autoscaling.Controls(), id)
}

func TestCatalog(t *testing.T) {
	want := map[string]control.Severity{"AutoScaling.1": control.Low, "AutoScaling.2": control.Medium, "AutoScaling.3": control.High,
		"AutoScaling.5": control.High, "AutoScaling.6": control.Medium, "AutoScaling.9": control.Medium}
	cs := autoscaling.Controls()
	if len(cs) != len(want) {
		t.Errorf("%d controls, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || c.Global || len(c.Needs) != 1 || c.Needs[0] != "autoscaling" {
			t.Errorf("%s: severity %v global %v needs %v", c.ID, c.Severity, c.Global, c.Needs)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func garn(n string) string {
	return "arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:1:autoScalingGroupName/" + n
}

func larn(n string) string {
	return "arn:aws:autoscaling:us-east-1:111122223333:launchConfiguration:1:launchConfigurationName/" + n
}

func group(n string, change func(g *snapas.Group)) *snapas.Group {
	g := &snapas.Group{ARN: garn(n), Name: n, LaunchTemplate: "web", InstanceTypes: []string{"m5.large", "m6i.large"},
		AvailabilityZones: []string{"us-east-1a", "us-east-1b"}, HealthCheckType: "ELB", LoadBalancers: []string{"arn:aws:elasticloadbalancing:tg/web"}}
	if change != nil {
		change(g)
	}
	return g
}

func lc(n string, change func(l *snapas.LaunchConfiguration)) *snapas.LaunchConfiguration {
	l := &snapas.LaunchConfiguration{ARN: larn(n), Name: n, HttpTokens: "required", HttpEndpoint: "enabled", AssociatePublicIP: &no}
	if change != nil {
		change(l)
	}
	return l
}

func eval(t *testing.T, id string, as *snapas.AutoScaling) map[string]control.Status {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].AutoScaling = as
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

func TestGroupControls(t *testing.T) {
	as := &snapas.AutoScaling{Groups: []*snapas.Group{
		group("good", nil),
		group("no-lb", func(g *snapas.Group) { g.LoadBalancers, g.HealthCheckType = nil, "EC2" }),
		group("ec2-checks", func(g *snapas.Group) { g.HealthCheckType = "EC2" }),
		group("combined-checks", func(g *snapas.Group) { g.HealthCheckType = "EC2,ELB,EBS" }),
		group("one-zone", func(g *snapas.Group) { g.AvailabilityZones = []string{"us-east-1a"} }),
		group("legacy", func(g *snapas.Group) { g.LaunchConfiguration, g.LaunchTemplate, g.InstanceTypes = "old-lc", "", nil }),
		group("attr", func(g *snapas.Group) { g.InstanceTypes = []string{"attribute-based"} }),
		group("single-type", func(g *snapas.Group) { g.InstanceTypes = nil }),
	}}
	check(t, "AutoScaling.1", eval(t, "AutoScaling.1", as), map[string]control.Status{garn("good"): P, garn("no-lb"): N, garn("ec2-checks"): F,
		garn("combined-checks"): P, garn("one-zone"): P, garn("legacy"): P, garn("attr"): P, garn("single-type"): P})
	check(t, "AutoScaling.2", eval(t, "AutoScaling.2", as), map[string]control.Status{garn("good"): P, garn("no-lb"): P, garn("ec2-checks"): P,
		garn("combined-checks"): P, garn("one-zone"): F, garn("legacy"): P, garn("attr"): P, garn("single-type"): P})
	check(t, "AutoScaling.6", eval(t, "AutoScaling.6", as), map[string]control.Status{garn("good"): P, garn("no-lb"): P, garn("ec2-checks"): P,
		garn("combined-checks"): P, garn("one-zone"): P, garn("legacy"): F, garn("attr"): P, garn("single-type"): F})
	check(t, "AutoScaling.9", eval(t, "AutoScaling.9", as), map[string]control.Status{garn("good"): P, garn("no-lb"): P, garn("ec2-checks"): P,
		garn("combined-checks"): P, garn("one-zone"): P, garn("legacy"): F, garn("attr"): P, garn("single-type"): P})
}

func TestLaunchConfigurationControls(t *testing.T) {
	as := &snapas.AutoScaling{LaunchConfigurations: []*snapas.LaunchConfiguration{
		lc("good", nil),
		lc("optional", func(l *snapas.LaunchConfiguration) { l.HttpTokens = "optional" }),
		lc("old", func(l *snapas.LaunchConfiguration) { l.HttpTokens, l.HttpEndpoint, l.AssociatePublicIP = "", "", nil }),
		lc("imds-off", func(l *snapas.LaunchConfiguration) { l.HttpTokens, l.HttpEndpoint = "optional", "disabled" }),
		lc("public", func(l *snapas.LaunchConfiguration) { l.AssociatePublicIP = &yes }),
	}}
	check(t, "AutoScaling.3", eval(t, "AutoScaling.3", as), map[string]control.Status{larn("good"): P, larn("optional"): F, larn("old"): F,
		larn("imds-off"): P, larn("public"): P})
	check(t, "AutoScaling.5", eval(t, "AutoScaling.5", as), map[string]control.Status{larn("good"): P, larn("optional"): P, larn("old"): P,
		larn("imds-off"): P, larn("public"): F})
}

// TestNothingToJudge: launch configuration controls judge launch
// configurations only, group controls groups only; nothing yields nothing.
func TestNothingToJudge(t *testing.T) {
	for _, c := range autoscaling.Controls() {
		if got := eval(t, c.ID, &snapas.AutoScaling{}); len(got) != 0 {
			t.Errorf("%s: %v", c.ID, got)
		}
	}
}

func TestNotCollected(t *testing.T) {
	for _, c := range autoscaling.Controls() {
		a := controltest.Account(region)
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s not collected: %+v", c.ID, rs)
		}
		a.Regions[region].AutoScaling = &snapas.AutoScaling{Groups: []*snapas.Group{group("g", nil)}, LaunchConfigurations: []*snapas.LaunchConfiguration{lc("l", nil)}}
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "autoscaling"}, Class: "throttled", Reason: "Throttling"})
		if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
	}
}
