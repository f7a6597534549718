package rollout_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	orgapi "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/scp"
	"github.com/guardrail-sec/guardrail/internal/scp/rollout"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/store"
)

const (
	denyLeave  = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyLeaveOrganization","Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`
	denyLeave2 = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyLeaveOrganization","Effect":"Deny","Action":["organizations:LeaveOrganization","account:CloseAccount"],"Resource":"*"}]}`
	denyTrail  = `{"Version":"2012-10-17","Statement":[{"Sid":"ProtectTrails","Effect":"Deny","Action":["cloudtrail:StopLogging","cloudtrail:DeleteTrail"],"Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/OrganizationAccountAccessRole"}}}]}`
	denyIMDS   = `{"Version":"2012-10-17","Statement":[{"Sid":"RequireIMDSv2","Effect":"Deny","Action":"ec2:RunInstances","Resource":"arn:aws:ec2:*:*:instance/*","Condition":{"StringNotEquals":{"ec2:MetadataHttpTokens":"required"}}}]}`
)

func setup(t *testing.T) (*orgapi.Client, store.Store) {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, w)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return orgapi.NewFromConfig(s.Config(t, "111111111111", "us-east-1")), st
}

func opts(st store.Store) rollout.Options {
	return rollout.Options{Journal: st, Now: clock.Fixed(simtest.Now), By: "arn:aws:iam::111111111111:root"}
}

// TestPlanApplyRollback: a plan creates and attaches, a second one
// updates, attaches and detaches (attach before detach), representative
// calls change as the policies say, and rolling back both runs restores
// every policy and attachment exactly.
func TestPlanApplyRollback(t *testing.T) {
	ctx := context.Background()
	c, st := setup(t)
	before, err := rollout.Read(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Attached("r-gr7d")) != 1 || len(before.Policies) != 2 {
		t.Fatalf("demo SCPs = %+v", before.Policies)
	}
	d1 := rollout.Desired{Source: "test", Targets: []rollout.DesiredTarget{
		{Target: "root", Policies: []rollout.DesiredPolicy{{Name: "org", Description: "org-wide", Content: denyLeave}}},
		{Target: "ou:Workloads", Policies: []rollout.DesiredPolicy{{Name: "workloads", Description: "workloads", Content: denyTrail}}},
	}}
	p1, err := rollout.MakePlan(before, d1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ch := range p1.Changes {
		got = append(got, ch.String())
	}
	want := []string{"create guardrail-org", "create guardrail-workloads", "attach guardrail-org to Root", "attach guardrail-workloads to Root/Workloads"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes = %q, want %q", got, want)
	}
	if err := p1.Judge(before, rollout.Calls(rollout.CallOptions{})); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	p1.WriteText(&sb)
	for _, line := range []string{"organizations:LeaveOrganization", "allow  -> deny", "explicit deny: statement DenyLeaveOrganization of guardrail-org (to be created) attached to root Root"} {
		if !strings.Contains(sb.String(), line) {
			t.Errorf("plan text lacks %q:\n%s", line, sb.String())
		}
	}
	r1, err := rollout.Apply(ctx, c, p1, opts(st))
	if err != nil || r1.Status != store.Complete {
		t.Fatalf("apply = %+v, %v", r1, err)
	}
	mid, _ := rollout.Read(ctx, c)
	again, _ := rollout.MakePlan(mid, d1)
	if len(again.Changes) != 0 {
		t.Errorf("applied plan made again: %v", again.Changes)
	}

	// Second rollout: the workloads policy moves to Production with new
	// content; the org policy is updated.
	d2 := rollout.Desired{Source: "test2", Targets: []rollout.DesiredTarget{
		{Target: "root", Policies: []rollout.DesiredPolicy{{Name: "org", Description: "org-wide", Content: denyLeave2}}},
		{Target: "ou:Workloads/Production", Policies: []rollout.DesiredPolicy{{Name: "prod", Description: "prod", Content: denyIMDS}}},
	}}
	p2, err := rollout.MakePlan(mid, d2)
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, ch := range p2.Changes {
		got = append(got, ch.String())
	}
	want = []string{"update guardrail-org", "create guardrail-prod", "attach guardrail-prod to Root/Workloads/Production", "detach guardrail-workloads from Root/Workloads"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes = %q, want %q", got, want)
	}
	if len(p2.Unused) != 1 || p2.Unused[0] != "guardrail-workloads" {
		t.Errorf("unused = %v", p2.Unused)
	}
	r2, err := rollout.Apply(ctx, c, p2, opts(st))
	if err != nil || r2.Status != store.Complete {
		t.Fatalf("apply 2 = %+v, %v", r2, err)
	}
	// A stale plan is refused.
	if _, err := rollout.Apply(ctx, c, p2, opts(st)); err == nil || !strings.Contains(err.Error(), "changed since the plan") {
		t.Errorf("stale plan: %v", err)
	}
	if rb, err := rollout.Rollback(ctx, c, r2.Run, opts(st)); err != nil || rb.Status != store.Complete {
		t.Fatalf("rollback 2 = %+v, %v", rb, err)
	}
	if after, _ := rollout.Read(ctx, c); !reflect.DeepEqual(after, mid) {
		t.Errorf("rollback of run 2 did not restore the state after run 1:\n got %+v\nwant %+v", after.Policies, mid.Policies)
	}
	if rb, err := rollout.Rollback(ctx, c, r1.Run, opts(st)); err != nil || rb.Status != store.Complete {
		t.Fatalf("rollback 1 = %+v, %v", rb, err)
	}
	if after, _ := rollout.Read(ctx, c); !reflect.DeepEqual(after, before) {
		t.Errorf("rollback did not restore the organization:\n got %+v\nwant %+v", after.Policies, before.Policies)
	}
	steps, _ := st.BaselineSteps(ctx, r1.Run)
	for _, s := range steps {
		if s.Status != store.StepRolledBack {
			t.Errorf("step %s is %s after the rollback", s.Item, s.Status)
		}
	}
	if _, err := rollout.Rollback(ctx, c, "scp-nope", opts(st)); err == nil {
		t.Error("rollback of an unknown run succeeded")
	}
}

// TestPlanLimits: more than 5 SCPs at a target (counting FullAWSAccess
// and the hand-written sandbox policy), an unknown target and an
// oversized policy are refused before anything changes.
func TestPlanLimits(t *testing.T) {
	ctx := context.Background()
	c, _ := setup(t)
	s, err := rollout.Read(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	var four []rollout.DesiredPolicy
	for _, n := range []string{"a", "b", "c", "d"} {
		four = append(four, rollout.DesiredPolicy{Name: n, Content: strings.Replace(denyLeave, "DenyLeave", "Deny"+n, 1)})
	}
	_, err = rollout.MakePlan(s, rollout.Desired{Targets: []rollout.DesiredTarget{{Target: "ou:Sandbox", Policies: four}}})
	if err == nil || !strings.Contains(err.Error(), "Root/Sandbox would carry 6 SCPs") {
		t.Errorf("6 at the sandbox OU: %v", err)
	}
	if _, err := rollout.MakePlan(s, rollout.Desired{Targets: []rollout.DesiredTarget{{Target: "ou:Workloads/Production", Policies: four}}}); err != nil {
		t.Errorf("5 at Production: %v", err)
	}
	_, err = rollout.MakePlan(s, rollout.Desired{Targets: []rollout.DesiredTarget{{Target: "ou:Nowhere/Else", Policies: four[:1]}}})
	if err == nil || !strings.Contains(err.Error(), `targets[0]: target ou:Nowhere/Else: no OU at path "Nowhere/Else"`) {
		t.Errorf("unknown target: %v", err)
	}
	big := rollout.DesiredPolicy{Name: "big", Content: strings.Repeat(" ", 5121)}
	if _, err := rollout.MakePlan(s, rollout.Desired{Targets: []rollout.DesiredTarget{{Target: "root", Policies: []rollout.DesiredPolicy{big}}}}); err == nil || !strings.Contains(err.Error(), "5,120") {
		t.Errorf("oversized: %v", err)
	}
	_ = aws.String
}

// TestReadBuild: a build's manifest reads as what to roll out; a file
// that is not one is an error naming it.
func TestReadBuild(t *testing.T) {
	dir := t.TempDir()
	in, err := rollout.LoadIntents("../../../examples/scp/intents.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := scp.Build(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(p)
	path := filepath.Join(dir, "manifest.json")
	os.WriteFile(path, data, 0o600)
	d, err := rollout.ReadBuild(path)
	if err != nil || len(d.Targets) != len(p.Targets) || d.Targets[0].Policies[0].Content != string(p.Targets[0].Policies[0].Document) {
		t.Errorf("ReadBuild = %+v, %v", d, err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"targets":[{"target":"root","policies":[{"name":"x"}]}]}`), 0o600)
	if _, err := rollout.ReadBuild(bad); err == nil || !strings.Contains(err.Error(), "bad.json: targets[0].policies[0] (x): no document") {
		t.Errorf("manifest without a document: %v", err)
	}
}
