package account_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	collectaccount "github.com/guardrail-sec/guardrail/internal/collect/account"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

func TestSecurityContact(t *testing.T) {
	w := simtest.NewWorld()
	w.Accounts[simtest.Management].Contact.Security = &world.AlternateContact{
		Name: "Security team", Email: "security@example.com", Phone: "+1-555-0100", Title: "SecOps"}
	s := simtest.Start(t, w)
	c := collectaccount.Collector()

	a, err := collecttest.Run(t, c, s.Config(t, simtest.Management, "us-east-1"), simtest.Management, "us-east-1", simtest.Now)
	if err != nil {
		t.Fatal(err)
	}
	ct := a.Settings.SecurityContact
	if ct == nil || ct.Name != "Security team" || ct.Email != "security@example.com" || ct.Phone != "+1-555-0100" || ct.Title != "SecOps" {
		t.Errorf("security contact = %+v", ct)
	}

	// ResourceNotFoundException: no contact, which is data, not an error.
	a, err = collecttest.Run(t, c, s.Config(t, simtest.Member, "us-east-1"), simtest.Member, "us-east-1", simtest.Now)
	if err != nil {
		t.Fatal(err)
	}
	if a.Settings == nil || a.Settings.SecurityContact != nil {
		t.Errorf("settings = %+v, want no security contact", a.Settings)
	}
}

func TestSecurityContactDenied(t *testing.T) {
	s := simtest.Start(t, nil)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "account", Action: "GetAlternateContact"}}})
	a, err := collecttest.Run(t, collectaccount.Collector(), s.Config(t, simtest.Member, "us-east-1"), simtest.Member, "us-east-1", simtest.Now)
	if err == nil || !strings.Contains(err.Error(), "get alternate contact (SECURITY)") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("err = %v, want get alternate contact: AccessDenied", err)
	}
	if a.Settings != nil {
		t.Errorf("settings set despite the error: %+v", a.Settings)
	}
}

func TestOrganization(t *testing.T) {
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, w)
	c := collectaccount.Collector()
	a, err := collecttest.Run(t, c, s.Config(t, "444444444401", "us-east-1"), "444444444401", "us-east-1", simtest.Now)
	if err != nil {
		t.Fatal(err)
	}
	if o := a.Settings.Organization; o == nil || o.ID != w.Org.ID || o.ManagementAccount != w.Org.ManagementAccount || a.Settings.OrganizationError != "" {
		t.Errorf("organization = %+v (%q), want %s", o, a.Settings.OrganizationError, w.Org.ID)
	}

	// Outside any organization: a state, not an error.
	s = simtest.Start(t, simtest.NewWorld())
	a, err = collecttest.Run(t, c, s.Config(t, simtest.Member, "us-east-1"), simtest.Member, "us-east-1", simtest.Now)
	if err != nil || a.Settings.Organization != nil || a.Settings.OrganizationError != "" {
		t.Errorf("standalone: %+v %v, want no organization and no error", a.Settings, err)
	}

	// Denied: recorded, and the security contact is still read.
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "organizations", Action: "DescribeOrganization"}}})
	a, err = collecttest.Run(t, c, s.Config(t, simtest.Member, "us-east-1"), simtest.Member, "us-east-1", simtest.Now)
	if err != nil || a.Settings.Organization != nil || !strings.Contains(a.Settings.OrganizationError, "AccessDenied") {
		t.Errorf("denied: %+v %v, want the error recorded", a.Settings, err)
	}
}
