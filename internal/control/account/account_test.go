package account_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	controlaccount "github.com/guardrail-sec/guardrail/internal/control/account"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/account"
)

func TestAccount1(t *testing.T) {
	const key = "AWS::::Account:111122223333@us-east-1"
	c := controlaccount.Controls()[0]
	if c.ID != "Account.1" || c.Severity != control.Medium || !c.Global {
		t.Fatalf("control = %+v", c)
	}
	if _, err := control.NewCatalog(controlaccount.Controls(), nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		settings *account.Settings
		gap      bool
		want     control.Status
	}{
		{"set", &account.Settings{SecurityContact: &account.Contact{Name: "Security team", Email: "security@example.com"}}, false, control.Passed},
		{"not set", &account.Settings{}, false, control.Failed},
		{"gap", nil, true, control.Error},
		{"not collected", nil, false, control.Error},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := controltest.Account()
			a.Settings = tc.settings
			s := controltest.Snapshot(a)
			if tc.gap {
				s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Collector: "account"}, Class: "access denied", Reason: "get alternate contact (SECURITY): AccessDenied"})
			}
			rs := controltest.Eval(c, s)
			got := controltest.Statuses(t, rs)
			if len(got) != 1 || got[key] != tc.want {
				t.Errorf("results = %+v, want %s", rs, tc.want)
			}
		})
	}
}

func TestAccount2(t *testing.T) {
	const key = "AWS::::Account:111122223333@us-east-1"
	c := controlaccount.Controls()[1]
	if c.ID != "Account.2" || c.Severity != control.High || !c.Global {
		t.Fatalf("control = %+v", c)
	}
	for _, tc := range []struct {
		name     string
		settings *account.Settings
		gap      bool
		want     control.Status
	}{
		{"member", &account.Settings{Organization: &account.Organization{ID: "o-abc123", ManagementAccount: "111111111111"}}, false, control.Passed},
		{"standalone", &account.Settings{}, false, control.Failed},
		{"organization unreadable", &account.Settings{OrganizationError: "AccessDeniedException: no"}, false, control.Error},
		{"gap", nil, true, control.Error},
		{"not collected", nil, false, control.Error},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := controltest.Account()
			a.Settings = tc.settings
			s := controltest.Snapshot(a)
			if tc.gap {
				s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Collector: "account"}, Class: "access denied", Reason: "AccessDenied"})
			}
			rs := controltest.Eval(c, s)
			if got := controltest.Statuses(t, rs); len(got) != 1 || got[key] != tc.want {
				t.Errorf("results = %+v, want %s", rs, tc.want)
			}
		})
	}
}
