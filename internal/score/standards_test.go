package score_test

import (
	"reflect"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/score"
)

// TestStandardScoreOverMappedControls: a standard's score is over the
// controls its requirements map, each once, as Security Hub scores a
// standard over its enabled controls: a manual requirement with no
// control and one whose control is not implemented are outside it (never
// a pass), and a control two requirements share counts once.
func TestStandardScoreOverMappedControls(t *testing.T) {
	mk := func(id string) *control.Control {
		return &control.Control{ID: id, Title: "t", Service: "S", ResourceType: "AwsAccount", Check: func(*control.Input) {}, Rationale: "r", Remediation: "m"}
	}
	cis := control.Standard{ID: "cis", Short: "cis", Requirements: []control.StdItem{
		{ID: "1", Controls: []string{"S3.1", "S3.2"}},
		{ID: "2", Manual: true},
		{ID: "3", Controls: []string{"ELB.1"}}, // not implemented
		{ID: "4", Manual: true, Controls: []string{"S3.2"}},
	}}
	cat, err := control.NewCatalog([]*control.Control{mk("S3.1"), mk("S3.2"), mk("EC2.8")}, []control.Standard{cis})
	if err != nil {
		t.Fatal(err)
	}
	rs := []control.Result{
		res("S3.1", control.Passed, "1", "us-east-1", "a"),
		res("S3.2", control.Failed, "1", "us-east-1", "b"),
		res("EC2.8", control.Passed, "1", "us-east-1", "c"),
		res("ELB.1", control.Passed, "1", "us-east-1", "d"), // no such control: ignored
	}
	s := score.Compute(score.Input{Results: rs, Controls: cat.Controls(), Standards: cat.Standards()})
	got, ok := score.Standard(s.Standards, "cis")
	if !ok || got.Passed != 1 || got.Failed != 1 || got.Assessed != 2 || got.NoData != 0 || got.Rounded() != 50 {
		t.Errorf("cis score = %+v, want 1 of 2 passed (S3.1, S3.2), ELB.1 and the manual requirement outside it", got)
	}
	if s.Overall.Assessed != 3 {
		t.Errorf("overall assessed %d, want 3 (EC2.8 is in no standard, but in the catalog)", s.Overall.Assessed)
	}
}

// TestEmbeddedStandardsScore: every embedded standard gets a score, and
// a control counts in exactly the standards that map it.
func TestEmbeddedStandardsScore(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	// IAM.11 is CIS v1.2.0 1.5's control, not implemented: a result for it
	// (from another tool's import) must not move the score.
	rs := []control.Result{res("IAM.4", control.Failed, "1", "us-east-1", "root"), res("IAM.11", control.Passed, "1", "us-east-1", "root")}
	s := score.Compute(score.Input{Results: rs, Controls: cat.Controls(), Standards: cat.Standards()})
	if len(s.Standards) != len(cat.Standards()) {
		t.Fatalf("%d standard scores for %d standards", len(s.Standards), len(cat.Standards()))
	}
	for _, st := range cat.Standards() {
		sc, _ := score.Standard(s.Standards, st.ID)
		in := cat.In("IAM.4", st.ID)
		if (sc.Failed == 1) != in || sc.Passed != 0 {
			t.Errorf("%s: %+v; IAM.4 in it: %v", st.Short, sc, in)
		}
	}
}

func TestRequirements(t *testing.T) {
	mk := func(id string) *control.Control {
		return &control.Control{ID: id, Title: "t", Service: "S", ResourceType: "AwsAccount", Check: func(*control.Input) {}, Rationale: "r", Remediation: "m"}
	}
	std := control.Standard{ID: "cis", Short: "cis", Requirements: []control.StdItem{
		{ID: "1", Controls: []string{"S3.1", "S3.8"}}, // S3.8 failed
		{ID: "2", Controls: []string{"S3.1", "S3.9"}}, // S3.9 no data: passed
		{ID: "3", Controls: []string{"S3.2"}},         // errored
		{ID: "4", Controls: []string{"S3.9"}},         // no data
		{ID: "5", Manual: true},
		{ID: "6", Controls: []string{"ELB.1"}},
	}}
	cat, err := control.NewCatalog([]*control.Control{mk("S3.1"), mk("S3.2"), mk("S3.8"), mk("S3.9")}, []control.Standard{std})
	if err != nil {
		t.Fatal(err)
	}
	rs := []control.Result{
		res("S3.1", control.Passed, "1", "r", "a"), res("S3.8", control.Failed, "1", "r", "a"),
		res("S3.2", control.Error, "1", "r", "b"), res("S3.9", control.NotApplicable, "1", "r", "c"),
	}
	s := score.Compute(score.Input{Results: rs, Controls: cat.Controls(), Standards: cat.Standards()})
	resolved, _ := cat.Standard("cis")
	got := score.Requirements(s, resolved)
	want := []score.RequirementStatus{
		{Requirement: "1", Status: score.Failed, Controls: []string{"S3.8"}},
		{Requirement: "2", Status: score.Passed, Controls: []string{"S3.1", "S3.9"}},
		{Requirement: "3", Status: score.Unknown, Controls: []string{"S3.2"}},
		{Requirement: "4", Status: score.NoData, Controls: []string{"S3.9"}},
		{Requirement: "5", Status: score.Manual},
		{Requirement: "6", Status: score.NotImplemented, Controls: []string{"ELB.1"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Requirements =\n%+v\nwant\n%+v", got, want)
	}
}
