package guardduty_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	ctl "github.com/guardrail-sec/guardrail/internal/control/guardduty"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/guardduty"
)

const region = "us-east-1"

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, ctl.Controls(), id)
}

// eval runs control id over one region holding g and returns its only
// result.
func eval(t *testing.T, id string, g *guardduty.GuardDuty) control.Result {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].GuardDuty = g
	rs := controltest.Eval(byID(t, id), controltest.Snapshot(a))
	if len(rs) != 1 {
		t.Fatalf("%s: want one result, got %+v", id, rs)
	}
	if rs[0].Resource.ARN != "AWS::::Account:111122223333" || rs[0].Resource.Region != region {
		t.Errorf("%s: result on %+v, want the account in %s", id, rs[0].Resource, region)
	}
	return rs[0]
}

func detector(status string, features map[string]guardduty.Feature) *guardduty.GuardDuty {
	return &guardduty.GuardDuty{Detectors: []guardduty.Detector{{ID: "d1", ARN: "arn:aws:guardduty:us-east-1:111122223333:detector/d1",
		Status: status, Features: features}}}
}

func on(names ...string) map[string]guardduty.Feature {
	fs := map[string]guardduty.Feature{}
	for _, n := range []string{guardduty.FeatureS3DataEvents, guardduty.FeatureEKSAuditLogs, guardduty.FeatureEBSMalwareProtection,
		guardduty.FeatureRDSLoginEvents, guardduty.FeatureLambdaNetworkLogs, guardduty.FeatureEKSRuntimeMonitoring, guardduty.FeatureRuntimeMonitoring} {
		fs[n] = guardduty.Feature{Status: guardduty.Disabled}
	}
	for _, n := range names {
		fs[n] = guardduty.Feature{Status: guardduty.Enabled}
	}
	return fs
}

// allBut returns every feature enabled except name.
func allBut(name string) map[string]guardduty.Feature {
	fs := map[string]guardduty.Feature{}
	for n := range on() {
		if n != name {
			fs[n] = guardduty.Feature{Status: guardduty.Enabled}
		} else {
			fs[n] = guardduty.Feature{Status: guardduty.Disabled}
		}
	}
	return fs
}

var denied = &guardduty.GuardDuty{Detectors: []guardduty.Detector{{ID: "d1",
	Errors: map[string]string{guardduty.DetailDetector: "AccessDenied: not allowed"}}}}

func TestGuardDuty1(t *testing.T) {
	for _, tc := range []struct {
		name   string
		g      *guardduty.GuardDuty
		want   control.Status
		reason string
	}{
		{"enabled", detector(guardduty.Enabled, on()), control.Passed, "detector d1 is enabled"},
		{"no detector", &guardduty.GuardDuty{}, control.Failed, "not enabled"},
		{"suspended", detector(guardduty.Disabled, on()), control.Failed, "suspended"},
		{"detector unreadable", denied, control.Error, "AccessDenied"},
		{"not collected", nil, control.Error, "not collected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := eval(t, "GuardDuty.1", tc.g)
			if r.Status != tc.want || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Reason, tc.want, tc.reason)
			}
		})
	}
}

func TestFeatures(t *testing.T) {
	for id, feature := range map[string]string{
		"GuardDuty.5":  guardduty.FeatureEKSAuditLogs,
		"GuardDuty.6":  guardduty.FeatureLambdaNetworkLogs,
		"GuardDuty.8":  guardduty.FeatureEBSMalwareProtection,
		"GuardDuty.9":  guardduty.FeatureRDSLoginEvents,
		"GuardDuty.10": guardduty.FeatureS3DataEvents,
		"GuardDuty.11": guardduty.FeatureRuntimeMonitoring,
	} {
		others := on()
		delete(others, feature)
		for _, tc := range []struct {
			name   string
			g      *guardduty.GuardDuty
			want   control.Status
			reason string
		}{
			{"on", detector(guardduty.Enabled, on(feature)), control.Passed, feature + ") is ENABLED"},
			{"off", detector(guardduty.Enabled, on()), control.Failed, feature + ") is DISABLED"},
			// Another feature on is not this one.
			{"only the others on", detector(guardduty.Enabled, allBut(feature)), control.Failed, feature + ") is DISABLED"},
			{"not offered in the region", detector(guardduty.Enabled, others), control.NotApplicable, "does not offer"},
			{"no detector", &guardduty.GuardDuty{}, control.Failed, "GuardDuty is not enabled"},
			{"suspended, feature on", detector(guardduty.Disabled, on(feature)), control.Failed, "suspended"},
			{"detector unreadable", denied, control.Error, "AccessDenied"},
			{"not collected", nil, control.Error, "not collected"},
		} {
			t.Run(id+"/"+tc.name, func(t *testing.T) {
				r := eval(t, id, tc.g)
				if r.Status != tc.want || !strings.Contains(r.Reason, tc.reason) {
					t.Errorf("got %s %q, want %s containing %q", r.Status, r.Reason, tc.want, tc.reason)
				}
			})
		}
	}
}

func TestEKSRuntimeMonitoring(t *testing.T) {
	withAgent := func(name, status, agent string) *guardduty.GuardDuty {
		fs := on()
		fs[name] = guardduty.Feature{Status: status, Additional: map[string]string{guardduty.AdditionalEKSAddonManagement: agent}}
		return detector(guardduty.Enabled, fs)
	}
	for _, tc := range []struct {
		name   string
		g      *guardduty.GuardDuty
		want   control.Status
		reason string
	}{
		{"runtime monitoring with EKS agent", withAgent(guardduty.FeatureRuntimeMonitoring, guardduty.Enabled, guardduty.Enabled), control.Passed, "RUNTIME_MONITORING is ENABLED"},
		{"legacy EKS runtime monitoring with agent", withAgent(guardduty.FeatureEKSRuntimeMonitoring, guardduty.Enabled, guardduty.Enabled), control.Passed, "EKS_RUNTIME_MONITORING"},
		{"runtime monitoring without agent management", withAgent(guardduty.FeatureRuntimeMonitoring, guardduty.Enabled, guardduty.Disabled), control.Failed, "EKS agent management (EKS_ADDON_MANAGEMENT) is DISABLED"},
		{"agent management alone", withAgent(guardduty.FeatureRuntimeMonitoring, guardduty.Disabled, guardduty.Enabled), control.Failed, "RUNTIME_MONITORING is DISABLED"},
		{"both off", detector(guardduty.Enabled, on()), control.Failed, "EKS_RUNTIME_MONITORING is DISABLED"},
		{"not offered", detector(guardduty.Enabled, map[string]guardduty.Feature{guardduty.FeatureS3DataEvents: {Status: guardduty.Enabled}}), control.NotApplicable, "does not offer"},
		{"no detector", &guardduty.GuardDuty{}, control.Failed, "not enabled"},
		{"detector unreadable", denied, control.Error, "AccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := eval(t, "GuardDuty.7", tc.g)
			if r.Status != tc.want || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Reason, tc.want, tc.reason)
			}
		})
	}
}

func TestRuntimeAgents(t *testing.T) {
	runtime := func(status string, agents map[string]string) *guardduty.GuardDuty {
		fs := on()
		fs[guardduty.FeatureRuntimeMonitoring] = guardduty.Feature{Status: status, Additional: agents}
		return detector(guardduty.Enabled, fs)
	}
	for id, agent := range map[string]string{
		"GuardDuty.12": guardduty.AdditionalECSFargateAgentManagement,
		"GuardDuty.13": guardduty.AdditionalEC2AgentManagement,
	} {
		all := map[string]string{guardduty.AdditionalEKSAddonManagement: guardduty.Enabled,
			guardduty.AdditionalECSFargateAgentManagement: guardduty.Enabled, guardduty.AdditionalEC2AgentManagement: guardduty.Enabled}
		allBut := map[string]string{}
		for k, v := range all {
			allBut[k] = v
		}
		allBut[agent] = guardduty.Disabled
		for _, tc := range []struct {
			name   string
			g      *guardduty.GuardDuty
			want   control.Status
			reason string
		}{
			{"runtime monitoring with the agent managed", runtime(guardduty.Enabled, map[string]string{agent: guardduty.Enabled}), control.Passed, agent},
			{"agent management off", runtime(guardduty.Enabled, allBut), control.Failed, agent + ") is DISABLED"},
			{"agent management unreported", runtime(guardduty.Enabled, nil), control.Failed, "is not set"},
			// Agent management under a disabled feature monitors nothing.
			{"runtime monitoring off, agent managed", runtime(guardduty.Disabled, all), control.Failed, "RUNTIME_MONITORING is DISABLED"},
			{"not offered", detector(guardduty.Enabled, map[string]guardduty.Feature{guardduty.FeatureS3DataEvents: {Status: guardduty.Enabled}}), control.NotApplicable, "does not offer"},
			{"no detector", &guardduty.GuardDuty{}, control.Failed, "not enabled"},
			{"suspended", detector(guardduty.Disabled, on(guardduty.FeatureRuntimeMonitoring)), control.Failed, "suspended"},
			{"detector unreadable", denied, control.Error, "AccessDenied"},
			{"not collected", nil, control.Error, "not collected"},
		} {
			t.Run(id+"/"+tc.name, func(t *testing.T) {
				r := eval(t, id, tc.g)
				if r.Status != tc.want || !strings.Contains(r.Reason, tc.reason) {
					t.Errorf("got %s %q, want %s containing %q", r.Status, r.Reason, tc.want, tc.reason)
				}
			})
		}
	}
}

func TestCatalog(t *testing.T) {
	want := map[string]control.Severity{"GuardDuty.1": control.High, "GuardDuty.5": control.High, "GuardDuty.6": control.High,
		"GuardDuty.7": control.Medium, "GuardDuty.8": control.High, "GuardDuty.9": control.High, "GuardDuty.10": control.High,
		"GuardDuty.11": control.High, "GuardDuty.12": control.Medium, "GuardDuty.13": control.Medium}
	cs := ctl.Controls()
	if len(cs) != len(want) {
		t.Errorf("%d controls, want %d", len(cs), len(want))
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || c.Global || c.ResourceType != "AwsAccount" ||
			len(c.Needs) != 1 || c.Needs[0] != "guardduty" {
			t.Errorf("%s: severity %s global %v type %s needs %v", c.ID, c.Severity, c.Global, c.ResourceType, c.Needs)
		}
	}
}

func TestGap(t *testing.T) {
	a := controltest.Account(region)
	s := controltest.Snapshot(a)
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "guardduty"}, Class: "access denied", Reason: "AccessDenied: no"})
	for _, c := range ctl.Controls() {
		st := controltest.Statuses(t, controltest.Eval(c, s))
		if st["AWS::::Account:111122223333@"+region] != control.Error {
			t.Errorf("%s: a gap must be ERROR: %v", c.ID, st)
		}
	}
}
