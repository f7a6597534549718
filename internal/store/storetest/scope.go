package storetest

import (
	"context"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// Two global controls of the scope suite: S3.8 reads only account-wide
// state (the bucket list), CloudTrail.6 reads the trails of every region
// and reports each trail in the region it lives in.
var (
	S38 = &control.Control{ID: "S3.8", Title: "S3 Block Public Access setting should be enabled at the bucket-level", Service: "S3",
		Severity: control.High, ResourceType: "AwsS3Bucket", Global: true, Needs: []string{"s3"}}
	CT6 = &control.Control{ID: "CloudTrail.6", Title: "Ensure the S3 bucket used to store CloudTrail logs is not publicly accessible",
		Service: "CloudTrail", Severity: control.Critical, ResourceType: "AwsCloudTrailTrail", Global: true, Needs: []string{"cloudtrail", "s3"}}
)

// Bucket adds an S3.8 result for bucket name, which lives in region.
func (b *Builder) Bucket(s control.Status, account, region, name string) *Builder {
	return b.Result("S3.8", s, account, region, "AwsS3Bucket", "arn:aws:s3:::"+name, "bucket "+name+" "+string(s))
}

// Trail adds a CloudTrail.6 result for trail name, which lives in region.
func (b *Builder) Trail(s control.Status, account, region, name string) *Builder {
	return b.Result("CloudTrail.6", s, account, region, "AwsCloudTrailTrail", "arn:aws:cloudtrail:"+region+":"+account+":trail/"+name, "trail "+name+" "+string(s))
}

// testScope: a scan changes findings only inside its own scope (accounts,
// regions, controls, what was reached and read), never what it did not
// look at; a full scan afterwards still resolves what is gone.
func testScope(t *testing.T, s store.Store) {
	ctx := context.Background()
	b := base()
	all := []*control.Control{EC28, IAM4, KMS4, S38, CT6}
	const nowhere = "eu-west-9"
	ids := map[string]string{
		"i-1": Instance(A1, EU1, "i-1"), "i-2": Instance(A1, Home, "i-2"), "i-3": Instance(A2, EU1, "i-3"),
		"k-1":    Key(A1, EU2, "k-1"),
		"rootA1": Root(A1), "rootA2": Root(A2),
		"b-1": ID("S3.8", A1, EU2, "arn:aws:s3:::b-1"),
		"t-1": ID("CloudTrail.6", A1, Home, "arn:aws:cloudtrail:"+Home+":"+A1+":trail/t-1"),
		"t-2": ID("CloudTrail.6", A2, Home, "arn:aws:cloudtrail:"+Home+":"+A2+":trail/t-2"),
	}
	const (
		N, R = finding.New, finding.Resolved
		F, P = control.Failed, control.Passed
	)
	// Every finding starts open, and stays open unless a step says.
	open := map[string]state{}
	for k := range ids {
		open[k] = state{N, F}
	}
	open["rootA2"] = state{R, P}
	with := func(base map[string]state, kv ...any) map[string]state {
		out := map[string]state{}
		for k, v := range base {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1].(state)
		}
		return out
	}
	full := func(id string, n int) *Builder {
		return accounts(NewReport(id, day(b, n))).Controls(all...)
	}
	steps := []struct {
		name    string
		rep     *Builder
		changes store.Changes
		want    map[string]state
	}{
		{"full scan", full("s1", 0).
			Instance(F, A1, EU1, "i-1").Instance(F, A1, Home, "i-2").Instance(F, A2, EU1, "i-3").
			Key(F, A1, EU2, "k-1").Root(F, A1, Home).Root(P, A2, Home).
			Bucket(F, A1, EU2, "b-1").Trail(F, A1, Home, "t-1").Trail(F, A2, Home, "t-2"),
			store.Changes{New: 8}, open},
		// --regions eu-west-1: the trails live in us-east-1, which it did
		// not read; i-2 and k-1 neither. The bucket list is account-wide:
		// b-1, not in it, is gone.
		{"--regions eu-west-1", NewReport("s2", day(b, 1)).Controls(all...).
			Account(A1, "prod-web", "Root/Production/web", EU1).Account(A2, "sandbox", "Root/Sandbox", EU1).
			Instance(F, A1, EU1, "i-1").Instance(F, A2, EU1, "i-3").Root(F, A1, Home).Root(P, A2, Home),
			store.Changes{Resolved: 1, Unchanged: 4}, with(open, "b-1", state{R, F})},
		// --regions naming a region no account has enabled: no region
		// read, a control that reads regional state could not judge.
		{"--regions " + nowhere, NewReport("s3", day(b, 2)).Controls(all...).
			Account(A1, "prod-web", "Root/Production/web").Skip(A1, nowhere, "region not enabled").
			Account(A2, "sandbox", "Root/Sandbox").Skip(A2, nowhere, "region not enabled").
			Root(F, A1, Home).Root(P, A2, Home).
			Result("CloudTrail.6", control.Error, A1, Home, "AwsAccount", "AWS::::Account:"+A1, control.NoRegionAssessed).
			Result("CloudTrail.6", control.Error, A2, Home, "AwsAccount", "AWS::::Account:"+A2, control.NoRegionAssessed),
			store.Changes{Unchanged: 2}, with(open, "b-1", state{R, F})},
		// --controls IAM.4: the root key is fixed; nothing else is judged.
		{"--controls IAM.4", accounts(NewReport("s4", day(b, 3))).Controls(IAM4).
			Root(P, A1, Home).Root(P, A2, Home),
			store.Changes{Resolved: 1, Unchanged: 1}, with(open, "b-1", state{R, F}, "rootA1", state{R, P})},
		// --include Sandbox: i-3 is gone from A2; A1 is not in scope.
		{"--include Sandbox", NewReport("s5", day(b, 4)).Controls(all...).
			Account(A2, "sandbox", "Root/Sandbox", EU1, Home).
			Root(P, A2, Home).Trail(F, A2, Home, "t-2"),
			store.Changes{Resolved: 1, Unchanged: 2}, with(open, "b-1", state{R, F}, "rootA1", state{R, P}, "i-3", state{R, F})},
		// A1 not reached; A2's cloudtrail failed in eu-west-1: its trail,
		// not seen, may still be there.
		{"account not assessed, collector gap", accounts(NewReport("s6", day(b, 5))).Controls(all...).
			Unassessed(A1, "AccessDenied: sts:AssumeRole").
			Gap(A2, EU1, "cloudtrail", "AccessDenied: cloudtrail:DescribeTrails").
			Root(P, A2, Home).
			Result("CloudTrail.6", control.Error, A2, EU1, "AwsAccount", "AWS::::Account:"+A2, "cloudtrail not collected in eu-west-1"),
			store.Changes{Unchanged: 1}, with(open, "b-1", state{R, F}, "rootA1", state{R, P}, "i-3", state{R, F})},
		// A full scan again: what is gone within it is resolved.
		{"full scan", full("s7", 6).
			Instance(F, A1, EU1, "i-1").Root(P, A1, Home).Root(P, A2, Home).Trail(F, A2, Home, "t-2"),
			store.Changes{Resolved: 3, Unchanged: 4},
			with(open, "b-1", state{R, F}, "rootA1", state{R, P}, "i-3", state{R, F}, "i-2", state{R, F}, "k-1", state{R, F}, "t-1", state{R, F})},
	}
	for i, st := range steps {
		ch := record(t, s, st.rep.Report())
		if ch != st.changes {
			t.Errorf("step %d (%s): changes %+v, want %+v", i+1, st.name, ch, st.changes)
		}
		for name, w := range st.want {
			f, _, err := s.Finding(ctx, ids[name])
			if err != nil {
				t.Fatalf("step %d (%s): %s: %v", i+1, st.name, name, err)
			}
			if got := (state{f.Workflow, f.Compliance}); got != w {
				t.Errorf("step %d (%s): %s is %v, want %v", i+1, st.name, name, got, w)
			}
		}
	}
}
