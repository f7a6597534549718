package opensearch_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/opensearch"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapos "github.com/guardrail-sec/guardrail/internal/snapshot/opensearch"
)

const region = "us-east-1"

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, opensearch.Controls(), id)
}

func TestCatalog(t *testing.T) {
	want := map[string]control.Severity{
		"Opensearch.1": control.Medium, "Opensearch.2": control.Critical, "Opensearch.3": control.Medium, "Opensearch.4": control.Medium,
		"Opensearch.5": control.Medium, "Opensearch.6": control.Medium, "Opensearch.7": control.High, "Opensearch.8": control.Medium,
	}
	cs := opensearch.Controls()
	if len(cs) != len(want) {
		t.Errorf("%d controls, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || c.Global || len(c.Needs) != 1 || c.Needs[0] != "opensearch" || c.Remediation == "" {
			t.Errorf("%s: severity %v global %v needs %v", c.ID, c.Severity, c.Global, c.Needs)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func arn(n string) string { return "arn:aws:es:us-east-1:111122223333:domain/" + n }

func good(name string, change func(d *snapos.Domain)) *snapos.Domain {
	d := &snapos.Domain{ARN: arn(name), Name: name, EngineVersion: "OpenSearch_2.11", DataNodes: 3, ZoneAwareness: true, VpcID: "vpc-1",
		EncryptAtRest: true, NodeToNode: true, EnforceHTTPS: true, TLSPolicy: "Policy-Min-TLS-1-2-PFS-2023-10", FineGrained: true,
		Logs: []string{"AUDIT_LOGS", "ES_APPLICATION_LOGS"}}
	if change != nil {
		change(d)
	}
	return d
}

func TestControls(t *testing.T) {
	P, F := control.Passed, control.Failed
	for _, tc := range []struct {
		id      string
		domains []*snapos.Domain
		want    map[string]control.Status
	}{
		{"Opensearch.1", []*snapos.Domain{good("ok", nil), good("plain", func(d *snapos.Domain) { d.EncryptAtRest = false })},
			map[string]control.Status{arn("ok"): P, arn("plain"): F}},
		{"Opensearch.2", []*snapos.Domain{good("ok", nil), good("public", func(d *snapos.Domain) { d.VpcID = "" })},
			map[string]control.Status{arn("ok"): P, arn("public"): F}},
		{"Opensearch.3", []*snapos.Domain{good("ok", nil), good("clear", func(d *snapos.Domain) { d.NodeToNode = false })},
			map[string]control.Status{arn("ok"): P, arn("clear"): F}},
		{"Opensearch.4", []*snapos.Domain{good("ok", nil), good("quiet", func(d *snapos.Domain) { d.Logs = []string{"AUDIT_LOGS", "SEARCH_SLOW_LOGS"} })},
			map[string]control.Status{arn("ok"): P, arn("quiet"): F}},
		{"Opensearch.5", []*snapos.Domain{good("ok", nil), good("quiet", func(d *snapos.Domain) { d.Logs = []string{"ES_APPLICATION_LOGS"} })},
			map[string]control.Status{arn("ok"): P, arn("quiet"): F}},
		{"Opensearch.6", []*snapos.Domain{good("ok", nil), good("single", func(d *snapos.Domain) { d.DataNodes = 1 }),
			good("one-az", func(d *snapos.Domain) { d.DataNodes, d.ZoneAwareness = 4, false })},
			map[string]control.Status{arn("ok"): P, arn("single"): F, arn("one-az"): F}},
		{"Opensearch.7", []*snapos.Domain{good("ok", nil), good("coarse", func(d *snapos.Domain) { d.FineGrained = false })},
			map[string]control.Status{arn("ok"): P, arn("coarse"): F}},
		{"Opensearch.8", []*snapos.Domain{good("ok", nil), good("tls12", func(d *snapos.Domain) { d.TLSPolicy = "Policy-Min-TLS-1-2-2019-07" }),
			good("tls10", func(d *snapos.Domain) { d.TLSPolicy = "Policy-Min-TLS-1-0-2019-07" }),
			good("http", func(d *snapos.Domain) { d.EnforceHTTPS = false })},
			map[string]control.Status{arn("ok"): P, arn("tls12"): F, arn("tls10"): F, arn("http"): F}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			a := controltest.Account(region)
			a.Regions[region].OpenSearch = &snapos.OpenSearch{Domains: tc.domains}
			got := controltest.Statuses(t, controltest.Eval(byID(t, tc.id), controltest.Snapshot(a)))
			if len(got) != len(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			for k, w := range tc.want {
				if got[k] != w {
					t.Errorf("%s: %s, want %s", k, got[k], w)
				}
			}
		})
	}
}

// TestNotCollected: ERROR, never PASSED, for a region whose state is
// missing or has a gap; nothing for a region without domains (no regional
// setting to judge: NOT_APPLICABLE by having no result, as in Security Hub).
func TestNotCollected(t *testing.T) {
	for _, c := range opensearch.Controls() {
		a := controltest.Account(region)
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s without state: %+v", c.ID, rs)
		}
		a.Regions[region].OpenSearch = &snapos.OpenSearch{Domains: []*snapos.Domain{good("ok", nil)}}
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "opensearch"}, Class: "access denied", Reason: "AccessDenied"})
		if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
		a.Regions[region].OpenSearch = &snapos.OpenSearch{}
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
			t.Errorf("%s with no domains: %+v", c.ID, rs)
		}
	}
}
