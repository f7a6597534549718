package redshift_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/redshift"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snaprs "github.com/guardrail-sec/guardrail/internal/snapshot/redshift"
)

const region = "us-east-1"

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, redshift.Controls(), id)
}

func TestCatalog(t *testing.T) {
	want := map[string]control.Severity{
		"Redshift.1": control.Critical, "Redshift.2": control.Medium, "Redshift.3": control.Medium, "Redshift.4": control.Medium,
		"Redshift.6": control.Medium, "Redshift.7": control.High, "Redshift.8": control.Medium, "Redshift.10": control.Medium,
	}
	cs := redshift.Controls()
	if len(cs) != len(want) {
		t.Errorf("%d controls, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || c.Global || len(c.Needs) != 1 || c.Needs[0] != "redshift" || c.Remediation == "" {
			t.Errorf("%s: severity %v global %v needs %v", c.ID, c.Severity, c.Global, c.Needs)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func arn(id string) string { return "arn:aws:redshift:us-east-1:111122223333:cluster:" + id }

func good(id string, change func(c *snaprs.Cluster)) *snaprs.Cluster {
	c := &snaprs.Cluster{ARN: arn(id), ID: id, Status: "available", MasterUsername: "etl_admin", VpcID: "vpc-1", Encrypted: true,
		KMSKeyID: "arn:aws:kms:us-east-1:111122223333:key/k", SnapshotRetention: 7, AllowVersionUpgrade: true, EnhancedVpcRouting: true,
		ParameterGroup: "tls-only", RequireSSL: true, Logging: true, LogDestination: "cloudwatch"}
	if change != nil {
		change(c)
	}
	return c
}

func eval(t *testing.T, c *control.Control, clusters ...*snaprs.Cluster) map[string]control.Status {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].Redshift = &snaprs.Redshift{Clusters: clusters}
	return controltest.Statuses(t, controltest.Eval(c, controltest.Snapshot(a)))
}

func TestControls(t *testing.T) {
	P, F, E := control.Passed, control.Failed, control.Error
	for _, tc := range []struct {
		id       string
		clusters []*snaprs.Cluster
		want     map[string]control.Status
	}{
		{"Redshift.1", []*snaprs.Cluster{good("ok", nil), good("open", func(c *snaprs.Cluster) { c.PubliclyAccessible = true })},
			map[string]control.Status{arn("ok"): P, arn("open"): F}},
		{"Redshift.2", []*snaprs.Cluster{good("ok", nil),
			good("plain", func(c *snaprs.Cluster) { c.ParameterGroup, c.RequireSSL = "default.redshift-1.0", false }),
			good("unread", func(c *snaprs.Cluster) { c.Errors = map[string]string{"parameters": "AccessDenied: no"} }),
			good("nogroup", func(c *snaprs.Cluster) { c.ParameterGroup = "" })},
			map[string]control.Status{arn("ok"): P, arn("plain"): F, arn("unread"): E, arn("nogroup"): E}},
		{"Redshift.3", []*snaprs.Cluster{good("ok", nil), good("off", func(c *snaprs.Cluster) { c.SnapshotRetention = 0 }),
			good("short", func(c *snaprs.Cluster) { c.SnapshotRetention = 1 })},
			map[string]control.Status{arn("ok"): P, arn("off"): F, arn("short"): F}},
		{"Redshift.4", []*snaprs.Cluster{good("ok", nil), good("quiet", func(c *snaprs.Cluster) { c.Logging = false }),
			good("unread", func(c *snaprs.Cluster) { c.Logging, c.Errors = false, map[string]string{"logging": "Throttling: slow"} })},
			map[string]control.Status{arn("ok"): P, arn("quiet"): F, arn("unread"): E}},
		{"Redshift.6", []*snaprs.Cluster{good("ok", nil), good("pinned", func(c *snaprs.Cluster) { c.AllowVersionUpgrade = false })},
			map[string]control.Status{arn("ok"): P, arn("pinned"): F}},
		{"Redshift.7", []*snaprs.Cluster{good("ok", nil), good("internet", func(c *snaprs.Cluster) { c.EnhancedVpcRouting = false })},
			map[string]control.Status{arn("ok"): P, arn("internet"): F}},
		{"Redshift.8", []*snaprs.Cluster{good("ok", nil), good("default", func(c *snaprs.Cluster) { c.MasterUsername = "awsuser" })},
			map[string]control.Status{arn("ok"): P, arn("default"): F}},
		{"Redshift.10", []*snaprs.Cluster{good("ok", nil), good("plain", func(c *snaprs.Cluster) { c.Encrypted, c.KMSKeyID = false, "" }),
			good("hsm", func(c *snaprs.Cluster) { c.KMSKeyID = "" })},
			map[string]control.Status{arn("ok"): P, arn("plain"): F, arn("hsm"): F}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			got := eval(t, byID(t, tc.id), tc.clusters...)
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

// TestNotCollected: every control reports ERROR, never PASSED, for a
// region whose state is missing or has a gap, and nothing when the region
// has no clusters. Redshift has no regional switch to judge, so a region
// without clusters is NOT_APPLICABLE by having no result, as in Security
// Hub.
func TestNotCollected(t *testing.T) {
	for _, c := range redshift.Controls() {
		a := controltest.Account(region)
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s without state: %+v", c.ID, rs)
		}
		a.Regions[region].Redshift = &snaprs.Redshift{Clusters: []*snaprs.Cluster{good("ok", nil)}}
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "redshift"}, Class: "access denied", Reason: "AccessDenied"})
		if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
		a.Regions[region].Redshift = &snaprs.Redshift{}
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
			t.Errorf("%s with no clusters: %+v", c.ID, rs)
		}
	}
}
