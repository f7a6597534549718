package demo

import (
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

func TestLoadDemo(t *testing.T) {
	w, err := Load(clock.Fixed(SampleNow))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(w.Accounts); n < 13 {
		t.Fatalf("demo has %d accounts, want management + security + log archive + at least 9 workloads + more", n)
	}
	o := w.Org
	if o.ManagementAccount != "111111111111" || len(o.Members) != len(w.Accounts) {
		t.Fatalf("org: management %s, %d members for %d accounts", o.ManagementAccount, len(o.Members), len(w.Accounts))
	}
	names := map[string]bool{}
	for _, ou := range o.OUs {
		names[ou.Name] = true
	}
	for _, want := range []string{"Security", "Workloads", "Production", "Development", "Sandbox"} {
		if !names[want] {
			t.Errorf("no OU %s", want)
		}
	}
	enabled := 0
	for _, s := range w.Accounts["444444444401"].RegionStatus {
		if s != "DISABLED" {
			enabled++
		}
	}
	if enabled != 4 {
		t.Errorf("payments-prod has %d regions enabled, want 4", enabled)
	}
	if w.Accounts["444444444403"].RegionStatus["eu-south-1"] != "ENABLED" {
		t.Errorf("data-platform-prod should have opted in to eu-south-1")
	}
	denied := w.Accounts["444444444404"].IAM.Role("OrganizationAccountAccessRole")
	if denied == nil || strings.Contains(denied.AssumeRolePolicy, "111111111111") {
		t.Errorf("legacy-erp-prod's scanner role must exist and not trust the management account: %+v", denied)
	}
	if r := w.Accounts["444444444401"].IAM.Role("OrganizationAccountAccessRole"); r == nil || !strings.Contains(r.AssumeRolePolicy, "111111111111") {
		t.Errorf("payments-prod's scanner role must trust the management account: %+v", r)
	}
	if w.Accounts["111111111111"].IAM.Role("OrganizationAccountAccessRole") != nil {
		t.Errorf("the management account has no OrganizationAccountAccessRole")
	}
}

func TestGenerate(t *testing.T) {
	w, err := Generate(50, 6, clock.Fixed(SampleNow))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Accounts) != 50 {
		t.Fatalf("%d accounts, want 50", len(w.Accounts))
	}
	denies := 0
	for _, a := range w.Accounts {
		enabled := 0
		for _, s := range a.RegionStatus {
			if s != "DISABLED" {
				enabled++
			}
		}
		if enabled != 6 {
			t.Fatalf("account %s has %d regions, want 6", a.ID, enabled)
		}
		if r := a.IAM.Role("OrganizationAccountAccessRole"); r != nil && strings.Contains(r.AssumeRolePolicy, "999900000000") {
			denies++
		}
	}
	if denies < 3 || denies > 8 {
		t.Errorf("%d of 50 accounts deny the scanner, want about one in ten", denies)
	}
	if _, err := Generate(2, 4, clock.Fixed(SampleNow)); err == nil {
		t.Errorf("Generate(2, 4) should fail: too few accounts")
	}
	if _, err := Generate(10, 40, clock.Fixed(SampleNow)); err == nil {
		t.Errorf("Generate(10, 40) should fail: too many regions")
	}
}

func TestParseSpecErrors(t *testing.T) {
	base := "org_id: o-x\nroot_id: r-x\nhome_region: us-east-1\nregions: [us-east-1]\nscanner_role: R\n"
	for name, tc := range map[string]struct{ yaml, want string }{
		"unknown field": {base + "managment: {}\n", "org.yaml: yaml: construct errors: line 6: field managment not found"},
		"bad id":        {base + "management: {id: \"12\", name: m, email: m@x, profile: managed}\n", "management: id \"12\" is not a 12-digit account ID"},
		"bad profile":   {base + "management: {id: \"111111111111\", name: m, email: m@x, profile: shiny}\n", `profile "shiny" is not one of`},
		"bad region":    {strings.Replace(base, "[us-east-1]", "[us-east-9]", 1), `unknown region "us-east-9"`},
		"duplicate": {base + "management: {id: \"111111111111\", name: m, email: m@x, profile: managed}\nous: [{name: A, accounts: [{id: \"111111111111\", name: a, email: a@x, profile: weak}]}]\n",
			"A: account 111111111111 is listed twice"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseSpec("org.yaml", []byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func BenchmarkGenerate200x17(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Generate(200, 17, clock.Fixed(SampleNow)); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSampleProfiles(t *testing.T) {
	iam, err := Global[world.IAM]("iam")
	if err != nil {
		t.Fatal(err)
	}
	if len(iam) != len(Profiles) {
		t.Errorf("iam profiles = %d, want %d", len(iam), len(Profiles))
	}
	ec2, err := Regional[world.EC2]("ec2")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ec2["hardened"]["default"]; !ok {
		t.Errorf("ec2 hardened has no default")
	}
	if _, err := Regional[world.KMS]("ec2"); err == nil {
		t.Errorf("Regional with the wrong type should fail")
	}
	if _, err := Global[world.IAM]("nope"); err == nil {
		t.Errorf("Global of an unknown service should fail")
	}
}

// TestBuildOnClock: the demo world is built on the clock it is given,
// keeps it, and is the same world shifted in time on another date: ages
// in the data (${days_ago:N}) and when accounts joined follow the clock,
// and nothing else moves.
func TestBuildOnClock(t *testing.T) {
	at := func(day time.Time) *world.World {
		t.Helper()
		w, err := Load(clock.Fixed(day))
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	d1 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	d2 := time.Date(2031, 11, 17, 12, 0, 0, 0, time.UTC)
	w1, w2 := at(d1), at(d2)
	if !w1.Now().Equal(d1) || !w2.Now().Equal(d2) {
		t.Fatalf("world clocks read %v and %v, want %v and %v", w1.Now(), w2.Now(), d1, d2)
	}
	// billing-portal: uploaded ${days_ago:160} in the managed profile.
	for _, tc := range []struct {
		w   *world.World
		day time.Time
	}{{w1, d1}, {w2, d2}} {
		var up time.Time
		for _, c := range tc.w.Accounts["111111111111"].IAM.ServerCertificates {
			if c.Name == "billing-portal" {
				up = c.Uploaded
			}
		}
		if want := tc.day.AddDate(0, 0, -160); !up.Equal(want) {
			t.Errorf("on %s: billing-portal uploaded %v, want 160 days before (%v)", tc.day.Format(time.DateOnly), up, want)
		}
		if j, want := tc.w.Org.Members["444444444401"].Joined, tc.day.AddDate(-2, 0, 0); !j.Equal(want) {
			t.Errorf("on %s: payments-prod joined %v, want %v", tc.day.Format(time.DateOnly), j, want)
		}
	}
	g, err := Generate(5, 2, clock.Fixed(d2))
	if err != nil {
		t.Fatal(err)
	}
	if !g.Now().Equal(d2) {
		t.Errorf("generated world's clock reads %v, want %v", g.Now(), d2)
	}
	if _, err := Load(nil); err == nil {
		t.Error("Load(nil) built a world without a clock")
	}
}
