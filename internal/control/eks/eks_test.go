package eks_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/eks"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapeks "github.com/guardrail-sec/guardrail/internal/snapshot/eks"
)

const region = "us-east-1"

var P, F, E = control.Passed, control.Failed, control.Error

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, eks.Controls(), id)
}

func TestCatalog(t *testing.T) {
	want := map[string]control.Severity{"EKS.1": control.High, "EKS.2": control.High, "EKS.3": control.Medium, "EKS.8": control.Medium}
	cs := eks.Controls()
	if len(cs) != len(want) {
		t.Errorf("%d controls, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || c.Global || len(c.Needs) != 1 || c.Needs[0] != "eks" || c.ResourceType != "AwsEksCluster" {
			t.Errorf("%s: severity %v global %v needs %v", c.ID, c.Severity, c.Global, c.Needs)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func arn(n string) string { return "arn:aws:eks:us-east-1:111122223333:cluster/" + n }

func cluster(n string, change func(c *snapeks.Cluster)) *snapeks.Cluster {
	c := &snapeks.Cluster{ARN: arn(n), Name: n, Version: "1.34", Status: "ACTIVE", EndpointPrivate: true, SecretsEncrypted: true,
		Logging: []string{"api", "audit"}}
	if change != nil {
		change(c)
	}
	return c
}

var denied = &snapeks.Cluster{ARN: arn("denied"), Name: "denied", Error: "AccessDeniedException: no"}

func eval(t *testing.T, id string, cs ...*snapeks.Cluster) map[string]control.Status {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].EKS = &snapeks.EKS{Clusters: cs}
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

func TestEKS1(t *testing.T) {
	check(t, "EKS.1", eval(t, "EKS.1",
		cluster("private", nil),
		cluster("public", func(c *snapeks.Cluster) { c.EndpointPublic, c.PublicAccessCIDRs = true, []string{"0.0.0.0/0"} }),
		cluster("public-restricted", func(c *snapeks.Cluster) { c.EndpointPublic, c.PublicAccessCIDRs = true, []string{"203.0.113.0/24"} }),
		denied,
	), map[string]control.Status{arn("private"): P, arn("public"): F, arn("public-restricted"): F, arn("denied"): E})
}

func TestEKS2(t *testing.T) {
	// controltest.Now is 2026-06-01: 1.32 ended standard support on
	// 2026-03-23, 1.29 extended support on 2026-03-23; 1.33 is in standard
	// support until 2026-07-29.
	got := eval(t, "EKS.2",
		cluster("current", func(c *snapeks.Cluster) { c.Version = "1.33" }),
		cluster("extended", func(c *snapeks.Cluster) { c.Version = "1.32" }),
		cluster("ended", func(c *snapeks.Cluster) { c.Version = "1.29" }),
		cluster("ancient", func(c *snapeks.Cluster) { c.Version = "1.19" }),
		cluster("future", func(c *snapeks.Cluster) { c.Version = "1.40" }),
		cluster("garbled", func(c *snapeks.Cluster) { c.Version = "latest" }),
		denied,
	)
	check(t, "EKS.2", got, map[string]control.Status{arn("current"): P, arn("extended"): F, arn("ended"): F, arn("ancient"): F,
		arn("future"): P, arn("garbled"): E, arn("denied"): E})
	a := controltest.Account(region)
	a.Regions[region].EKS = &snapeks.EKS{Clusters: []*snapeks.Cluster{cluster("extended", func(c *snapeks.Cluster) { c.Version = "1.32" })}}
	rs := controltest.Eval(byID(t, "EKS.2"), controltest.Snapshot(a))
	if len(rs) != 1 || rs[0].Reason != "Kubernetes 1.32: standard support ended 2026-03-23 (extended support until 2027-03-23)" {
		t.Errorf("results = %+v", rs)
	}
}

func TestVersionsOrdered(t *testing.T) {
	vs := eks.Versions()
	for i := 1; i < len(vs); i++ {
		if !vs[i-1].StandardEnd.Before(vs[i].StandardEnd) || !vs[i].StandardEnd.AddDate(1, 0, 0).Equal(vs[i].ExtendedEnd) {
			t.Errorf("%s after %s: %v %v", vs[i].Version, vs[i-1].Version, vs[i].StandardEnd, vs[i].ExtendedEnd)
		}
	}
}

func TestEKS3And8(t *testing.T) {
	check(t, "EKS.3", eval(t, "EKS.3", cluster("enc", nil), cluster("plain", func(c *snapeks.Cluster) { c.SecretsEncrypted = false }), denied),
		map[string]control.Status{arn("enc"): P, arn("plain"): F, arn("denied"): E})
	check(t, "EKS.8", eval(t, "EKS.8", cluster("audit", nil),
		cluster("api-only", func(c *snapeks.Cluster) { c.Logging = []string{"api", "authenticator"} }),
		cluster("none", func(c *snapeks.Cluster) { c.Logging = nil }), denied),
		map[string]control.Status{arn("audit"): P, arn("api-only"): F, arn("none"): F, arn("denied"): E})
	a := controltest.Account(region)
	a.Regions[region].EKS = &snapeks.EKS{Clusters: []*snapeks.Cluster{cluster("api-only", func(c *snapeks.Cluster) { c.Logging = []string{"api"} })}}
	if rs := controltest.Eval(byID(t, "EKS.8"), controltest.Snapshot(a)); len(rs) != 1 || !strings.HasSuffix(rs[0].Reason, "(enabled log types: api)") {
		t.Errorf("results = %+v", rs)
	}
}

func TestNothingToJudge(t *testing.T) {
	for _, c := range eks.Controls() {
		if got := eval(t, c.ID); len(got) != 0 {
			t.Errorf("%s: %v", c.ID, got)
		}
	}
}

func TestNotCollected(t *testing.T) {
	for _, c := range eks.Controls() {
		a := controltest.Account(region)
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s not collected: %+v", c.ID, rs)
		}
		a.Regions[region].EKS = &snapeks.EKS{Clusters: []*snapeks.Cluster{cluster("c", nil)}}
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "eks"}, Class: "access denied", Reason: "AccessDeniedException"})
		if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
	}
}
