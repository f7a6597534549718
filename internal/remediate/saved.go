package remediate

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/org"
)

// planOrSaved is the plan an apply works from: made now, or o.Saved.
func (e *engine) planOrSaved(ctx context.Context, cfg aws.Config) (*Report, error) {
	s := e.o.Saved
	if s == nil {
		return e.plan(ctx, cfg)
	}
	if len(e.o.Controls)+len(e.o.Findings)+len(e.o.Severities)+len(e.o.Discover.Include)+len(e.o.Discover.Exclude)+len(e.o.Discover.Regions) > 0 || e.o.Scan != "" {
		return nil, inputErr("a saved plan says what to change: give no selection (--controls, --finding, --severity, --include, --exclude, --regions, --scan) with it")
	}
	if s.Kind != "plan" {
		return nil, inputErr("the saved plan is a %q report, not a plan (write one with 'guardrail remediate plan --format json')", s.Kind)
	}
	if s.Changes() == 0 {
		return nil, inputErr("the saved plan has nothing to change")
	}
	callerAccount, _, err := awsx.CallerIdentity(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("remediate apply: who am I: %w", err)
	}
	role, session := e.o.Discover.Role, e.o.Discover.SessionName
	if role == "" {
		role = org.DefaultRole
	}
	if session == "" {
		session = "guardrail"
	}
	rep := &Report{Kind: "plan", Scan: s.Scan, Planned: s.Planned, MaxChanges: e.o.MaxChanges, Waves: slices.Clone(s.Waves)}
	for _, it := range s.Items {
		p := e.o.playbookOf(it.Control)
		if p == nil {
			return nil, inputErr("the saved plan fixes %s, which has no playbook in this version of Guardrail", it.Control)
		}
		if it.Action == Change && (len(it.Prior) == 0 || it.Wave < 1 || it.Wave > len(s.Waves)) {
			return nil, inputErr("the saved plan's change of %s on %s has no prior state or wave: write the plan again", it.Control, it.Resource.ARN)
		}
		item := it
		item.Phase = p.Info().Phase
		e.items = append(e.items, &item)
		if _, ok := e.configs[it.Account]; !ok {
			c := cfg
			if it.Account != callerAccount {
				c = awsx.AssumeRole(cfg, "arn:aws:iam::"+it.Account+":role/"+role, session)
			}
			e.configs[it.Account] = e.o.Limiter.Instrument(c, it.Account)
		}
	}
	e.finish(rep)
	return rep, nil
}
