package ssm_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/ssm"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapec2 "github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
	snapssm "github.com/guardrail-sec/guardrail/internal/snapshot/ssm"
)

const region = "us-east-1"

var P, F, N, E = control.Passed, control.Failed, control.NotApplicable, control.Error

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, ssm.Controls(), id)
}

func TestCatalog(t *testing.T) {
	want := map[string]control.Severity{"SSM.1": control.Medium, "SSM.2": control.High, "SSM.3": control.Low, "SSM.4": control.Critical, "SSM.7": control.Critical}
	cs := ssm.Controls()
	if len(cs) != len(want) {
		t.Errorf("%d controls, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || c.Global {
			t.Errorf("%s: severity %v global %v", c.ID, c.Severity, c.Global)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func iarn(id string) string { return "arn:aws:ec2:us-east-1:111122223333:instance/" + id }

func base() *snapssm.SSM {
	return &snapssm.SSM{
		ManagedInstances: map[string]string{"i-online": "Online", "i-lost": "ConnectionLost", "i-nodata": "Online"},
		Patch:            map[string]string{"i-online": "COMPLIANT", "i-lost": "NON_COMPLIANT"},
		Association:      map[string]string{"i-online": "NON_COMPLIANT"},
		Documents: []*snapssm.Document{
			{ARN: "arn:aws:ssm:us-east-1:111122223333:document/private", Name: "private"},
			{ARN: "arn:aws:ssm:us-east-1:111122223333:document/shared", Name: "shared", SharedWith: []string{"444455556666"}},
			{ARN: "arn:aws:ssm:us-east-1:111122223333:document/public", Name: "public", SharedWith: []string{"all"}},
			{ARN: "arn:aws:ssm:us-east-1:111122223333:document/denied", Name: "denied", Error: "AccessDeniedException"},
		},
	}
}

func eval(t *testing.T, id string, s *snapssm.SSM, instances ...snapec2.Instance) map[string]control.Status {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].SSM = s
	a.Regions[region].EC2 = &snapec2.EC2{Instances: instances}
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

func inst(id, state string) snapec2.Instance {
	return snapec2.Instance{ID: id, ARN: iarn(id), State: state}
}

func TestSSM1(t *testing.T) {
	check(t, "SSM.1", eval(t, "SSM.1", base(), inst("i-online", "running"), inst("i-lost", "running"), inst("i-unmanaged", "running"),
		inst("i-stopped", "stopped"), inst("i-gone", "terminated")),
		map[string]control.Status{iarn("i-online"): P, iarn("i-lost"): F, iarn("i-unmanaged"): F, iarn("i-stopped"): N})
	// EC2 instances that could not be read: ERROR, not a pass.
	a := controltest.Account(region)
	a.Regions[region].SSM = base()
	a.Regions[region].EC2 = &snapec2.EC2{Errors: map[string]string{snapec2.PartInstances: "UnauthorizedOperation"}}
	if rs := controltest.Eval(byID(t, "SSM.1"), controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != E {
		t.Errorf("instances unknown: %+v", rs)
	}
}

func TestSSM2And3(t *testing.T) {
	check(t, "SSM.2", eval(t, "SSM.2", base()), map[string]control.Status{iarn("i-online"): P, iarn("i-lost"): F, iarn("i-nodata"): N})
	check(t, "SSM.3", eval(t, "SSM.3", base()), map[string]control.Status{iarn("i-online"): F, iarn("i-lost"): N, iarn("i-nodata"): N})
	s := base()
	s.Errors = map[string]string{snapssm.PartCompliance: "ThrottlingException"}
	for _, id := range []string{"SSM.2", "SSM.3"} {
		if got := eval(t, id, s); len(got) != 1 || got["AWS::::Account:111122223333@us-east-1"] != E {
			t.Errorf("%s with compliance unknown: %v", id, got)
		}
	}
}

func TestSSM4And7(t *testing.T) {
	d := "arn:aws:ssm:us-east-1:111122223333:document/"
	check(t, "SSM.4", eval(t, "SSM.4", base()), map[string]control.Status{d + "private": P, d + "shared": P, d + "public": F, d + "denied": E})
	acct := "AWS::::Account:111122223333@us-east-1"
	check(t, "SSM.7", eval(t, "SSM.7", base()), map[string]control.Status{acct: F})
	s := base()
	s.PublicSharingBlocked = true
	check(t, "SSM.7", eval(t, "SSM.7", s), map[string]control.Status{acct: P})
	s.Errors = map[string]string{snapssm.PartSetting: "AccessDeniedException"}
	check(t, "SSM.7", eval(t, "SSM.7", s), map[string]control.Status{acct: E})
}

func TestNotCollected(t *testing.T) {
	for _, c := range ssm.Controls() {
		a := controltest.Account(region)
		a.Regions[region].EC2 = &snapec2.EC2{Instances: []snapec2.Instance{inst("i-1", "running")}}
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s not collected: %+v", c.ID, rs)
		}
		a.Regions[region].SSM = base()
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "ssm"}, Class: "access denied", Reason: "AccessDeniedException"})
		if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
	}
}
