package iam_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	collectaccount "github.com/guardrail-sec/guardrail/internal/collect/account"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	collectiam "github.com/guardrail-sec/guardrail/internal/collect/iam"
	"github.com/guardrail-sec/guardrail/internal/control"
	controlaccount "github.com/guardrail-sec/guardrail/internal/control/account"
	controliam "github.com/guardrail-sec/guardrail/internal/control/iam"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// TestDemoResults collects IAM and the account settings of demo accounts
// of every profile through the simulator and judges them with the
// controls: what `guardrail demo` shows. Hardened accounts pass, weak and
// neglected ones fail, and every control has data somewhere.
func TestDemoResults(t *testing.T) {
	s := demoSim(t)
	accounts := map[string]string{"111111111111": "managed", hardened: "hardened", partial: "partial", weak: "weak", neglected: "neglected"}
	controls := append(controliam.Controls(), controlaccount.Controls()...)
	got := map[string]map[string]control.Status{} // profile -> control -> worst status
	seen := map[string]bool{}
	var lines []string
	now := simtest.Now
	for id, profile := range accounts {
		a, err := collecttest.Run(t, collectiam.Collector(), s.Config(t, id, "us-east-1"), id, "us-east-1", now)
		if err != nil {
			t.Fatalf("%s: iam: %v", id, err)
		}
		b, err := collecttest.Run(t, collectaccount.Collector(), s.Config(t, id, "us-east-1"), id, "us-east-1", now)
		if err != nil {
			t.Fatalf("%s: account: %v", id, err)
		}
		a.Settings = b.Settings
		snap := &snapshot.Snapshot{Taken: now}
		snap.Add(a)
		rs := control.EvaluateAccount(controls, snap, a, func(string) bool { return true }, now)
		got[profile] = map[string]control.Status{}
		for _, r := range rs {
			seen[r.Control] = true
			if r.Status == control.Error {
				t.Errorf("%s %s %s: ERROR %s", profile, r.Control, r.Resource.ARN, r.Reason)
			}
			if worse(r.Status, got[profile][r.Control]) {
				got[profile][r.Control] = r.Status
			}
			lines = append(lines, fmt.Sprintf("%-9s %-9s %-14s %s: %s", profile, r.Control, r.Status, r.Resource.Name, r.Reason))
		}
	}
	sort.Strings(lines)
	t.Logf("results:\n%s", strings.Join(lines, "\n"))
	for _, c := range controls {
		if !seen[c.ID] {
			t.Errorf("%s has no result in the demo accounts", c.ID)
		}
	}
	want := map[string]map[string]control.Status{
		"hardened": {"IAM.2": control.Passed, "IAM.3": control.Passed, "IAM.4": control.Passed, "IAM.5": control.Passed,
			"IAM.6": control.Passed, "IAM.7": control.Passed, "IAM.8": control.Passed, "IAM.9": control.Passed,
			"IAM.15": control.Passed, "IAM.16": control.Passed, "IAM.18": control.Passed, "IAM.19": control.Passed,
			"IAM.22": control.Passed, "GR.IAM.1": control.Passed, "GR.IAM.2": control.Passed, "GR.IAM.3": control.Passed,
			"GR.IAM.4": control.Passed, "KMS.2": control.Passed, "Account.1": control.Passed},
		"managed": {"IAM.1": control.Passed, "IAM.3": control.Failed, "IAM.26": control.Passed, "GR.IAM.1": control.Failed, "Account.1": control.Passed},
		"partial": {"IAM.1": control.Passed, "IAM.2": control.Failed, "IAM.5": control.Failed, "IAM.6": control.Failed, "IAM.9": control.Passed,
			"IAM.7": control.Failed, "IAM.21": control.Passed, "KMS.1": control.Passed, "KMS.2": control.Passed, "IAM.26": control.Failed,
			"IAM.18": control.Failed},
		"weak": {"IAM.1": control.Failed, "IAM.21": control.Failed, "KMS.1": control.Failed, "KMS.2": control.Failed,
			"IAM.7": control.Failed, "IAM.8": control.Failed, "GR.IAM.3": control.Failed, "GR.IAM.4": control.Failed, "Account.1": control.Failed},
		"neglected": {"IAM.1": control.Failed, "IAM.4": control.Failed, "IAM.9": control.Failed, "IAM.6": control.Failed,
			"GR.IAM.1": control.Failed, "GR.IAM.2": control.Failed, "IAM.26": control.Failed, "KMS.2": control.Failed, "Account.1": control.Failed},
	}
	for profile, controls := range want {
		for id, w := range controls {
			if got[profile][id] != w {
				t.Errorf("%s %s: worst status %q, want %s", profile, id, got[profile][id], w)
			}
		}
	}
}

var rank = map[control.Status]int{"": 0, control.NotApplicable: 1, control.Passed: 2, control.Failed: 3, control.Error: 4}

func worse(a, b control.Status) bool { return rank[a] > rank[b] }
