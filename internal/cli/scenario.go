package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// Scenarios the demo can play after its scan.
var scenarios = map[string]string{
	"imdsv2": "the EC2.8 incident: require IMDSv2 everywhere, in waves behind a health gate, over a legacy web app that needs IMDSv1",
}

// imdsv2Scenario replays the incident issue #13 was filed for: EC2.8
// remediation (require IMDSv2) across the demo organization, canary
// first (the Development OU), with the health gate watching the
// CloudWatch alarms named legacy-web-*. The legacy web application in
// storefront-dev needs IMDSv1: its alarm goes to ALARM a few seconds
// after its instance is switched, during the canary's soak; the gate
// halts the run and rolls the canary back before Production is touched.
// It returns nil when that is what happened.
func imdsv2Scenario(ctx context.Context, cfg aws.Config, wd *world.World, st store.Store, now func() time.Time, scanID, dbFlag string, w io.Writer) error {
	cat, err := catalog.Default()
	if err != nil {
		return err
	}
	const canary, prefix = "Workloads/Development", "legacy-web-"
	soak := 2 * wd.Health.Delay
	poll := max(wd.Health.Delay/3, 200*time.Millisecond)
	o := remediate.Options{Store: st, Catalog: cat, Collectors: registry.All(), Now: now, Scan: scanID,
		Discover: org.Options{}, Controls: []string{"EC2.8"}, MaxChanges: -1, Canary: canary, Soak: soak,
		Gate:     remediate.Gate{AlarmPrefixes: []string{prefix}, Poll: poll},
		Progress: func(e remediate.Event) { fmt.Fprintf(w, "  %s\n", e.Message) }}
	before, err := ec2dot8(ctx, cfg, st, cat, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nScenario imdsv2: %s.\n", scenarios["imdsv2"])
	fmt.Fprintf(w, "Remediating EC2.8 with canary %s, waves doubling, a soak of %s after each wave, and the health gate on CloudWatch alarms %s* in the accounts and regions changed.\n\n",
		canary, soak, prefix)
	rep, err := remediate.Apply(ctx, cfg, o)
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, wv := range rep.Waves {
		fmt.Fprintf(w, "Wave %d (%s): %d changes in %s\n", wv.N, wv.Status, wv.Changes, strings.Join(wv.Accounts, " "))
	}
	h := rep.Halted
	if h != nil {
		fmt.Fprintf(w, "\nHalted in wave %d: %s\n", h.Wave, h.Reason)
		for _, a := range h.Alarms {
			fmt.Fprintf(w, "  alarm %s fired in %s/%s: %s\n", a.Name, a.Account, a.Region, a.Reason)
		}
		if h.RolledBack != "" {
			fmt.Fprintf(w, "  wave %d rolled back by %s: %d instances restored to IMDSv1 (HttpTokens optional)\n", h.Wave, h.RolledBack, rep.Counts[remediate.Restored])
		}
	}
	after, err := ec2dot8(ctx, cfg, st, cat, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nEC2.8 per account, before -> after (failing instances / instances):\n")
	var ids []string
	for id := range before {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		b, a := before[id], after[id]
		fmt.Fprintf(w, "  %s  %d/%d -> %d/%d\n", id, b[0], b[1], a[0], a[1])
	}
	fmt.Fprintf(w, "\nSee 'guardrail remediate status %s%s'.\n", rep.Run, dbFlag)
	var problems []string
	switch {
	case h == nil:
		problems = append(problems, "the health gate did not halt the run")
	case len(h.Alarms) == 0 || !slices.ContainsFunc(h.Alarms, func(a remediate.Alarm) bool { return strings.HasPrefix(a.Name, prefix) }):
		problems = append(problems, "the run halted, but not on the legacy web app's alarm: "+h.Reason)
	case h.Wave != 1 || h.RolledBack == "":
		problems = append(problems, fmt.Sprintf("the gate stopped wave %d, rolled back by %q; want the canary (wave 1) rolled back", h.Wave, h.RolledBack))
	}
	for id := range after {
		if after[id] != before[id] {
			problems = append(problems, fmt.Sprintf("account %s's EC2.8 results changed (%v -> %v): the rollback did not restore them", id, before[id], after[id]))
		}
	}
	if len(problems) > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("scenario imdsv2 did not go as designed: %s", strings.Join(problems, "; "))}
	}
	fmt.Fprintln(w, "The gate stopped the run in the canary and rolled it back, as designed: Production was never touched.")
	return nil
}

// ec2dot8 scans EC2.8 across the organization, stores it, and returns
// per account the failing and judged instances.
func ec2dot8(ctx context.Context, cfg aws.Config, st store.Store, cat *control.Catalog, now func() time.Time) (map[string][2]int, error) {
	o := remediate.Options{Catalog: cat, Collectors: registry.All(), Now: now, Controls: []string{"EC2.8"}}
	id, err := scanFirst(ctx, cfg, st, o, true, io.Discard)
	if err != nil {
		return nil, err
	}
	fs, _, err := st.Findings(ctx, store.Filter{Controls: []string{"EC2.8"}, Scan: id})
	if err != nil {
		return nil, err
	}
	out := map[string][2]int{}
	for _, f := range fs {
		c := out[f.Account]
		if f.Compliance == control.Failed {
			c[0]++
		}
		c[1]++
		out[f.Account] = c
	}
	return out, nil
}
