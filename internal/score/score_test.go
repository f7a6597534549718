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
	s := score.Compute(score.Input{Results: rs, Controls: ctls(control.High, ids...), Standards: []control.Standard{std("std", ids...)}})
	want := score.Score{Passed: 6, Failed: 2, Unknown: 2, Assessed: 10, NoData: 2, Percent: 60, Coverage: score.Coverage{Assessed: 1, InScope: 1}}
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
	targets := []score.Target{{Account: a1, Region: euw1, Assessed: true}, {Account: a1, Region: use1, Assessed: true}, {Account: a2, Region: euw1, Assessed: true}}
	got := score.Compute(score.Input{Results: results, Controls: controls, Standards: standards, Targets: targets})

	sc := func(p, f, u, nd, cov int) score.Score {
		return score.Score{Passed: p, Failed: f, Unknown: u, Assessed: p + f + u, NoData: nd, Percent: score.Percent(p, p+f+u),
			Coverage: score.Coverage{Assessed: cov, InScope: cov}}
	}
	want := score.Scores{
		// IAM.6 unknown (a2 error), EC2.19 failed, S3.1 failed, GR.EC2.1 failed.
		Overall: sc(0, 3, 1, 0, 3),
		Standards: []score.StandardScore{
			{Standard: "cis", Score: sc(0, 1, 1, 0, 3)},
			{Standard: "fsbp", Score: sc(0, 2, 1, 0, 3)},
		},
		Accounts: []score.AccountScore{
			{Account: a1, Score: sc(2, 1, 0, 1, 2), // GR.EC2.1 only not applicable: no data
				Standards: []score.StandardScore{{Standard: "cis", Score: sc(1, 1, 0, 0, 2)}, {Standard: "fsbp", Score: sc(2, 1, 0, 0, 2)}},
				Failing:   score.Counts{High: 2}},
			{Account: a2, Score: sc(1, 2, 1, 0, 1),
				Standards: []score.StandardScore{{Standard: "cis", Score: sc(1, 0, 1, 0, 1)}, {Standard: "fsbp", Score: sc(1, 1, 1, 0, 1)}},
				Failing:   score.Counts{High: 1, Low: 1}, Errors: 1},
		},
		Regions: []score.RegionScore{
			{Region: euw1, Score: sc(0, 3, 1, 0, 2),
				Standards: []score.StandardScore{{Standard: "cis", Score: sc(0, 1, 1, 0, 2)}, {Standard: "fsbp", Score: sc(0, 2, 1, 0, 2)}}},
			{Region: use1, Score: sc(3, 0, 0, 1, 1),
				Standards: []score.StandardScore{{Standard: "cis", Score: sc(2, 0, 0, 0, 1)}, {Standard: "fsbp", Score: sc(3, 0, 0, 0, 1)}}},
		},
		Targets: []score.TargetScore{
			{Account: a1, Region: euw1, Score: sc(0, 1, 0, 3, 1)},
			{Account: a1, Region: use1, Score: sc(3, 0, 0, 1, 1)},
			{Account: a2, Region: euw1, Score: sc(1, 2, 1, 0, 1)},
		},
		Controls: []score.ControlScore{{Control: "IAM.6", Status: score.Unknown}, {Control: "EC2.19", Status: score.Failed},
			{Control: "S3.1", Status: score.Failed}, {Control: "GR.EC2.1", Status: score.Failed}},
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
	s := score.Compute(score.Input{Controls: ctls(control.High, "S3.1"), Standards: []control.Standard{std("fsbp", "S3.1")}})
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

// TestRound: one rounding everywhere, Security Hub's: to the nearest
// whole number, halves up.
func TestRound(t *testing.T) {
	tests := []struct {
		percent float64
		want    int
	}{
		{0, 0}, {0.4, 0}, {0.5, 1}, {2.6, 3}, {11.4, 11}, {11.5, 12}, {11.7, 12}, {45.5, 46},
		{66.6, 67}, {99.4, 99}, {99.5, 100}, {100, 100},
	}
	for _, tt := range tests {
		if got := score.Round(tt.percent); got != tt.want {
			t.Errorf("Round(%v) = %d, want %d", tt.percent, got, tt.want)
		}
	}
	// Percent keeps a tenth rounded down, on the same side of every half
	// as the exact ratio: rounding it is rounding the ratio.
	for _, tt := range []struct{ p, a, want int }{
		{13, 111, 12}, {2, 73, 3}, {23, 200, 12}, {227, 2000, 11}, {1, 2, 50}, {1, 3, 33}, {2, 3, 67}, {199, 200, 100}, {0, 0, 0},
	} {
		s := score.Score{Passed: tt.p, Assessed: tt.a, Percent: score.Percent(tt.p, tt.a)}
		if got := s.Rounded(); got != tt.want {
			t.Errorf("%d/%d: Rounded() = %d, want %d", tt.p, tt.a, got, tt.want)
		}
	}
}

// TestCoverage: scores are over the targets assessed, each carries its
// coverage, and a control that an account not assessed could not judge is
// never PASSED across the organization (Incomplete, UNKNOWN).
func TestCoverage(t *testing.T) {
	const (
		a1, a2, down = "111111111111", "222222222222", "999999999999"
		use1, euw1   = "us-east-1", "eu-west-1"
	)
	controls := ctls(control.High, "IAM.4", "EC2.8", "S3.1", "KMS.4")
	standards := []control.Standard{std("fsbp", "IAM.4", "EC2.8", "S3.1", "KMS.4")}
	in := score.Input{
		Controls: controls, Standards: standards,
		Targets: []score.Target{
			{Account: a1, Region: euw1, Assessed: true},
			{Account: a1, Region: use1, Assessed: false}, // a collector failed there
			{Account: a2, Region: euw1, Assessed: true},
			{Account: down}, // not assessed, regions unknown: one target
		},
		NotAssessed: map[string]bool{down: true},
		Results: []control.Result{
			res("IAM.4", control.Passed, a1, use1, "AWS::::Account:"+a1),
			res("EC2.8", control.Passed, a1, euw1, "i-1"),
			res("EC2.8", control.Error, a1, use1, "AWS::::Account:"+a1),
			res("S3.1", control.Failed, a1, use1, "AWS::::Account:"+a1),
			// a2's home region is not in scope: its global result counts
			// in the account, not in a region.
			res("IAM.4", control.Passed, a2, use1, "AWS::::Account:"+a2),
			res("EC2.8", control.Passed, a2, euw1, "i-2"),
			res("S3.1", control.Passed, a2, use1, "AWS::::Account:"+a2),
			// The account not assessed: ERROR for every control.
			res("IAM.4", control.Error, down, use1, "AWS::::Account:"+down),
			res("EC2.8", control.Error, down, use1, "AWS::::Account:"+down),
			res("S3.1", control.Error, down, use1, "AWS::::Account:"+down),
			res("KMS.4", control.Error, down, use1, "AWS::::Account:"+down),
		},
	}
	got := score.Compute(in)

	// Over what was assessed: IAM.4 passed (but down could not judge it:
	// incomplete), EC2.8 unknown (a1 us-east-1), S3.1 failed, KMS.4 no
	// data where assessed.
	want := score.Score{Passed: 1, Failed: 1, Unknown: 1, Assessed: 3, NoData: 1, Incomplete: 1, Percent: 33.3,
		Coverage: score.Coverage{Assessed: 2, InScope: 4}}
	if got.Overall != want {
		t.Errorf("overall = %+v\nwant %+v", got.Overall, want)
	}
	if s, _ := score.Standard(got.Standards, "fsbp"); s != want {
		t.Errorf("fsbp = %+v\nwant %+v", s, want)
	}
	wantStatus := []score.ControlScore{{Control: "IAM.4", Status: score.Unknown}, {Control: "EC2.8", Status: score.Unknown},
		{Control: "S3.1", Status: score.Failed}, {Control: "KMS.4", Status: score.NoData}}
	if !reflect.DeepEqual(got.Controls, wantStatus) {
		t.Errorf("control statuses %+v, want %+v", got.Controls, wantStatus)
	}
	// The counts agree with the statuses shown.
	n := map[score.Status]int{}
	for _, c := range got.Controls {
		n[c.Status]++
	}
	o := got.Overall
	if n[score.Passed] != o.Passed-o.Incomplete || n[score.Unknown] != o.Unknown+o.Incomplete || n[score.Failed] != o.Failed || n[score.NoData] != o.NoData {
		t.Errorf("statuses %v disagree with the score %+v", n, o)
	}

	// Accounts: the one not assessed has no score.
	if _, ok := got.Account(down); ok {
		t.Errorf("account %s not assessed has a score", down)
	}
	if a, _ := got.Account(a1); a.Coverage != (score.Coverage{Assessed: 1, InScope: 2}) || a.Passed != 1 || a.Incomplete != 0 {
		t.Errorf("account %s: %+v", a1, a.Score)
	}
	if a, _ := got.Account(a2); a.Coverage != (score.Coverage{Assessed: 1, InScope: 1}) || a.Passed != 3 || a.Rounded() != 100 {
		t.Errorf("account %s: %+v", a2, a.Score)
	}
	// Regions: only targets in scope; us-east-1 is a1's alone.
	var regions []string
	for _, r := range got.Regions {
		regions = append(regions, fmt.Sprintf("%s %d/%d passed %d/%d", r.Region, r.Coverage.Assessed, r.Coverage.InScope, r.Passed, r.Assessed))
	}
	if want := []string{"eu-west-1 2/2 passed 1/1", "us-east-1 0/1 passed 1/3"}; !reflect.DeepEqual(regions, want) {
		t.Errorf("regions %q, want %q", regions, want)
	}
	var targets []string
	for _, tg := range got.Targets {
		targets = append(targets, fmt.Sprintf("%s/%s %s", tg.Account, tg.Region, tg.Coverage))
	}
	if want := []string{a1 + "/eu-west-1 1/1 target", a1 + "/us-east-1 0/1 target", a2 + "/eu-west-1 1/1 target"}; !reflect.DeepEqual(targets, want) {
		t.Errorf("targets %q, want %q", targets, want)
	}
	if s := got.Overall.Coverage.String(); s != "2/4 targets" {
		t.Errorf("coverage %q", s)
	}
}
