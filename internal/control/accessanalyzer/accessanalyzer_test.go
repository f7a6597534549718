package accessanalyzer_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	ctl "github.com/guardrail-sec/guardrail/internal/control/accessanalyzer"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/accessanalyzer"
)

const region = "us-west-2"

func analyzer(name, typ, status string) accessanalyzer.Analyzer {
	return accessanalyzer.Analyzer{Name: name, Type: typ, Status: status,
		ARN: "arn:aws:access-analyzer:us-west-2:111122223333:analyzer/" + name}
}

func TestIAM28(t *testing.T) {
	c := ctl.Controls()[0]
	if c.ID != "IAM.28" || c.Service != "IAM" || c.Severity != control.High || c.Global || c.Needs[0] != "accessanalyzer" {
		t.Fatalf("control = %+v", c)
	}
	failed := analyzer("broken", accessanalyzer.TypeOrganization, "FAILED")
	failed.StatusReason = "SERVICE_LINKED_ROLE_CREATION_FAILED"
	for _, tc := range []struct {
		name   string
		aa     *accessanalyzer.AccessAnalyzer
		want   control.Status
		reason string
	}{
		{"account analyzer", &accessanalyzer.AccessAnalyzer{Analyzers: []accessanalyzer.Analyzer{analyzer("a", "ACCOUNT", "ACTIVE")}}, control.Passed, "a (ACCOUNT) is active"},
		{"organization analyzer", &accessanalyzer.AccessAnalyzer{Analyzers: []accessanalyzer.Analyzer{
			analyzer("u", "ACCOUNT_UNUSED_ACCESS", "ACTIVE"), analyzer("o", "ORGANIZATION", "ACTIVE")}}, control.Passed, "o (ORGANIZATION)"},
		{"one failed, one active", &accessanalyzer.AccessAnalyzer{Analyzers: []accessanalyzer.Analyzer{failed, analyzer("a", "ACCOUNT", "ACTIVE")}}, control.Passed, ""},
		{"none", &accessanalyzer.AccessAnalyzer{}, control.Failed, "no IAM Access Analyzer analyzer"},
		{"unused access only", &accessanalyzer.AccessAnalyzer{Analyzers: []accessanalyzer.Analyzer{analyzer("u", "ACCOUNT_UNUSED_ACCESS", "ACTIVE")}}, control.Failed, "only u (ACCOUNT_UNUSED_ACCESS)"},
		{"failed", &accessanalyzer.AccessAnalyzer{Analyzers: []accessanalyzer.Analyzer{failed}}, control.Failed, "broken (ORGANIZATION) is FAILED: SERVICE_LINKED_ROLE_CREATION_FAILED"},
		{"creating", &accessanalyzer.AccessAnalyzer{Analyzers: []accessanalyzer.Analyzer{analyzer("a", "ACCOUNT", "CREATING")}}, control.Failed, "is CREATING"},
		{"not collected", nil, control.Error, "not collected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := controltest.Account(region)
			a.Regions[region].AccessAnalyzer = tc.aa
			rs := controltest.Eval(c, controltest.Snapshot(a))
			if len(rs) != 1 || rs[0].Resource.ARN != "AWS::::Account:111122223333" || rs[0].Resource.Region != region {
				t.Fatalf("want one result on the account, got %+v", rs)
			}
			if r := rs[0]; r.Status != tc.want || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Reason, tc.want, tc.reason)
			}
		})
	}
}

func TestGap(t *testing.T) {
	a := controltest.Account(region)
	s := controltest.Snapshot(a)
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "accessanalyzer"}, Class: "access denied", Reason: "AccessDeniedException: no"})
	if st := controltest.Statuses(t, controltest.Eval(ctl.Controls()[0], s)); st["AWS::::Account:111122223333@"+region] != control.Error {
		t.Errorf("a gap must be ERROR: %v", st)
	}
}
