package score_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/score"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

func res(ctl string, st control.Status, account, region, arn string) control.Result {
	return control.Result{Control: ctl, Status: st, Resource: snapshot.Meta{ARN: arn, Account: account, Region: region}}
}

func ctls(sev control.Severity, ids ...string) []*control.Control {
	var out []*control.Control
	for _, id := range ids {
		out = append(out, &control.Control{ID: id, Severity: sev})
	}
	return out
}

func std(id string, controls ...string) control.Standard {
	s := control.Standard{ID: id, Short: id}
	for i, c := range controls {
		s.Requirements = append(s.Requirements, control.StdItem{ID: fmt.Sprint(i + 1), Controls: []string{c}})
	}
	return s
}

func TestControlStatus(t *testing.T) {
	P, F, E, N := control.Passed, control.Failed, control.Error, control.NotApplicable
	tests := []struct {
		name string
		in   []control.Status
		want score.Status
	}{
		{"no results", nil, score.NoData},
		{"only not applicable", []control.Status{N, N}, score.NoData},
		{"all passed", []control.Status{P, P, N}, score.Passed},
		{"one failed", []control.Status{P, F, P}, score.Failed},
		{"error is never a pass", []control.Status{P, E, P}, score.Unknown},
		{"only error", []control.Status{E}, score.Unknown},
		{"failed beats error", []control.Status{E, F}, score.Failed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rs []control.Result
			for i, s := range tt.in {
				rs = append(rs, res("S3.1", s, "111111111111", "us-east-1", fmt.Sprint("arn:", i)))
			}
			if got := score.ControlStatus(rs); got != tt.want {
				t.Errorf("ControlStatus = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestSecurityHubExample is the example of Security Hub's documentation:
// 12 enabled controls, 6 passed, 2 with no data: 6/10 = 60 %.
func TestSecurityHubExample(t *testing.T) {
	const a, r = "111111111111", "us-east-1"
	var ids []string
	for i := 1; i <= 12; i++ {
		ids = append(ids, fmt.Sprintf("X.%d", i))
	}
	var rs []control.Result
	for _, id := range ids[:6] { // passed
		rs = append(rs, res(id, control.Passed, a, r, "arn:ok"))
	}
	rs = append(rs,
		res("X.7", control.Failed, a, r, "arn:bad"),
		res("X.8", control.Failed, a, r, "arn:bad"), res("X.8", control.Passed, a, r, "arn:ok"),
		res("X.9", control.Error, a, r, "arn:unknown"),
		res("X.10", control.Error, a, r, "arn:unknown"), res("X.10", control.Passed, a, r, "arn:ok"),
		res("X.11", control.NotApplicable, a, r, "arn:na"), // no data
		// X.12: no results at all: no data
	)
	s := score.Compute(rs, ctls(control.High, ids...), []control.Standard{std("std", ids...)})
	want := score.Score{Passed: 6, Failed: 2, Unknown: 2, Assessed: 10, NoData: 2, Percent: 60}
	if s.Overall != want {
		t.Errorf("overall = %+v, want %+v", s.Overall, want)
	}
	if got, _ := score.Standard(s.Standards, "std"); got != want {
		t.Errorf("standard = %+v, want %+v", got, want)
	}
}

func TestCompute(t *testing.T) {
	const (
		a1, a2 = "111111111111", "222222222222"
		use1   = "us-east-1"
		euw1   = "eu-west-1"
	)
	controls := append(ctls(control.Critical, "IAM.6"), append(ctls(control.High, "EC2.19", "S3.1"), ctls(control.Low, "GR.EC2.1")...)...)
	standards := []control.Standard{std("cis", "IAM.6", "EC2.19"), std("fsbp", "IAM.6", "EC2.19", "S3.1")}
	results := []control.Result{
		// Account 1, home region us-east-1: the global IAM.6 reports there.
		res("IAM.6", control.Passed, a1, use1, "AWS::::Account:"+a1),
		res("EC2.19", control.Passed, a1, use1, "sg-1"),
		res("EC2.19", control.Failed, a1, euw1, "sg-2"),
		res("EC2.19", control.Failed, a1, euw1, "sg-3"),
		res("S3.1", control.Passed, a1, use1, "AWS::::Account:"+a1),
		res("GR.EC2.1", control.NotApplicable, a1, use1, "i-1"),
		// Account 2: IAM.6 could not be read, S3.1 fails.
		res("IAM.6", control.Error, a2, euw1, "AWS::::Account:"+a2),
		res("EC2.19", control.Passed, a2, euw1, "sg-4"),
		res("S3.1", control.Failed, a2, euw1, "AWS::::Account:"+a2),
		res("GR.EC2.1", control.Failed, a2, euw1, "i-2"),
		// A control that was not evaluated is ignored.
		res("Nope.1", control.Failed, a2, euw1, "x"),
	}
	got := score.Compute(results, controls, standards)

	sc := func(p, f, u, nd int) score.Score {
		return score.Score{Passed: p, Failed: f, Unknown: u, Assessed: p + f + u, NoData: nd, Percent: score.Percent(p, p+f+u)}
	}
	want := score.Scores{
		// IAM.6 unknown (a2 error), EC2.19 failed, S3.1 failed, GR.EC2.1 failed.
		Overall: sc(0, 3, 1, 0),
		Standards: []score.StandardScore{
			{Standard: "cis", Score: sc(0, 1, 1, 0)},
			{Standard: "fsbp", Score: sc(0, 2, 1, 0)},
		},
		Accounts: []score.AccountScore{
			{Account: a1, Score: sc(2, 1, 0, 1), // GR.EC2.1 only not applicable: no data
				Standards: []score.StandardScore{{Standard: "cis", Score: sc(1, 1, 0, 0)}, {Standard: "fsbp", Score: sc(2, 1, 0, 0)}},
				Failing:   score.Counts{High: 2}},
			{Account: a2, Score: sc(1, 2, 1, 0),
				Standards: []score.StandardScore{{Standard: "cis", Score: sc(1, 0, 1, 0)}, {Standard: "fsbp", Score: sc(1, 1, 1, 0)}},
				Failing:   score.Counts{High: 1, Low: 1}, Errors: 1},
		},
		Regions: []score.RegionScore{
			{Region: euw1, Score: sc(0, 3, 1, 0),
				Standards: []score.StandardScore{{Standard: "cis", Score: sc(0, 1, 1, 0)}, {Standard: "fsbp", Score: sc(0, 2, 1, 0)}}},
			{Region: use1, Score: sc(3, 0, 0, 1),
				Standards: []score.StandardScore{{Standard: "cis", Score: sc(2, 0, 0, 0)}, {Standard: "fsbp", Score: sc(3, 0, 0, 0)}}},
		},
		Targets: []score.TargetScore{
			{Account: a1, Region: euw1, Score: sc(0, 1, 0, 3)},
			{Account: a1, Region: use1, Score: sc(3, 0, 0, 1)},
			{Account: a2, Region: euw1, Score: sc(1, 2, 1, 0)},
		},
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("Compute =\n%s\nwant\n%s", g, w)
	}
	if a, ok := got.Account(a2); !ok || a.Errors != 1 {
		t.Errorf("Account(%s) = %+v, %v", a2, a, ok)
	}
	if _, ok := got.Account("999999999999"); ok {
		t.Error("Account of an unknown ID found")
	}
}

func TestPercent(t *testing.T) {
	tests := []struct {
		p, a int
		want float64
	}{
		{0, 0, 0}, {1, 1, 100}, {2, 3, 66.6}, {1, 3, 33.3}, {999, 1000, 99.9}, {9999, 10000, 99.9}, {6, 10, 60},
	}
	for _, tt := range tests {
		if got := score.Percent(tt.p, tt.a); got != tt.want {
			t.Errorf("Percent(%d, %d) = %v, want %v", tt.p, tt.a, got, tt.want)
		}
	}
}

func TestEmpty(t *testing.T) {
	s := score.Compute(nil, ctls(control.High, "S3.1"), []control.Standard{std("fsbp", "S3.1")})
	if s.Overall.HasData() || s.Overall.NoData != 1 || s.Overall.Percent != 0 || len(s.Accounts) != 0 {
		t.Errorf("empty = %+v", s)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	// Scopes with no data are still JSON arrays/objects, not maps of maps.
	var back score.Scores
	if err := json.Unmarshal(b, &back); err != nil || back.Standards[0].Standard != "fsbp" || back.Standards[0].NoData != 1 {
		t.Errorf("round trip %s: %+v %v", b, back, err)
	}
}
