package control_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
)

func ctl(id string, wa ...string) *control.Control {
	return &control.Control{ID: id, Title: "t", Service: "S", ResourceType: "AwsAccount", Check: func(*control.Input) {},
		Rationale: "r", Remediation: "m", WellArchitected: wa}
}

// TestCatalogResolvesMappings: a requirement maps to the controls the
// catalog has, keeps the Security Hub IDs it lacks as not implemented
// (never dropped, never counted), and maps them the day they exist.
func TestCatalogResolvesMappings(t *testing.T) {
	std := control.Standard{ID: "standards/x/v/1.0.0", Short: "x", Requirements: []control.StdItem{
		{ID: "1", Controls: []string{"S3.1", "ELB.1"}},
		{ID: "2", Controls: []string{"ELB.1"}},
		{ID: "3", Manual: true},
		{ID: "4", Manual: true, Controls: []string{"S3.1"}},
	}}
	before, err := control.NewCatalog([]*control.Control{ctl("S3.1")}, []control.Standard{std})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := before.Standard("x")
	kinds := func(s control.Standard) []control.Kind {
		var out []control.Kind
		for _, r := range s.Requirements {
			out = append(out, r.Kind())
		}
		return out
	}
	if got, want := kinds(s), []control.Kind{control.KindAssessed, control.KindNotImplemented, control.KindManual, control.KindAssessed}; !reflect.DeepEqual(got, want) {
		t.Errorf("kinds before ELB.1 = %v, want %v", got, want)
	}
	if r := s.Requirements[0]; !reflect.DeepEqual(r.Controls, []string{"S3.1"}) || !reflect.DeepEqual(r.NotImplemented, []string{"ELB.1"}) {
		t.Errorf("requirement 1 = %+v, want S3.1 mapped and ELB.1 not implemented", r)
	}
	if a, m, n := s.Counts(); a != 2 || m != 1 || n != 1 {
		t.Errorf("Counts = %d assessed, %d manual, %d not implemented; want 2, 1, 1", a, m, n)
	}
	if std.Requirements[0].NotImplemented != nil || len(std.Requirements[0].Controls) != 2 {
		t.Error("NewCatalog changed the caller's standard")
	}
	if before.In("ELB.1", std.ID) {
		t.Error("a control not in the catalog is in the standard")
	}

	after, err := control.NewCatalog([]*control.Control{ctl("S3.1"), ctl("ELB.1")}, []control.Standard{std})
	if err != nil {
		t.Fatal(err)
	}
	s, _ = after.Standard("x")
	if got := kinds(s); got[1] != control.KindAssessed || len(s.Requirements[0].NotImplemented) != 0 {
		t.Errorf("after ELB.1 is added: kinds %v, requirement 1 %+v", got, s.Requirements[0])
	}
	want := []control.Requirement{{Standard: std.ID, ID: "1"}, {Standard: std.ID, ID: "2"}}
	if got := after.Control("ELB.1").Standards; !reflect.DeepEqual(got, want) {
		t.Errorf("ELB.1 standards = %v, want %v", got, want)
	}
}

// TestCatalogWellArchitectedTags: controls_from well_architected maps a
// control to the questions its WellArchitected names, and a tag naming a
// question the standard lacks is an error.
func TestCatalogWellArchitectedTags(t *testing.T) {
	wa := control.Standard{ID: "guardrail/wa", Short: "wa", ControlsFrom: "well_architected", Requirements: []control.StdItem{
		{ID: "SEC01", Controls: []string{"IAM.9"}}, {ID: "SEC08"}, {ID: "SEC11"},
	}}
	cat, err := control.NewCatalog([]*control.Control{ctl("S3.10", "SEC08"), ctl("S3.2", "SEC08", "SEC01"), ctl("IAM.9", "SEC01")}, []control.Standard{wa})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := cat.Standard("wa")
	if got := s.Requirements[0].Controls; !reflect.DeepEqual(got, []string{"IAM.9", "S3.2"}) {
		t.Errorf("SEC01 = %v, want IAM.9 (listed, once) and S3.2 (tagged)", got)
	}
	if got := s.Requirements[1].Controls; !reflect.DeepEqual(got, []string{"S3.2", "S3.10"}) {
		t.Errorf("SEC08 = %v, want S3.2, S3.10 in control order", got)
	}
	if k := s.Requirements[2].Kind(); k != control.KindManual {
		t.Errorf("SEC11 with no control is %q, want manual", k)
	}
	if s.InSecurityHub() {
		t.Error("a guardrail/ standard is not a Security Hub standard")
	}
	if _, err := control.NewCatalog([]*control.Control{ctl("S3.2", "SEC12")}, []control.Standard{wa}); err == nil || !strings.Contains(err.Error(), "SEC12") {
		t.Errorf("a tag naming no question: err = %v, want one naming SEC12", err)
	}
	bad := wa
	bad.ControlsFrom = "tags"
	if _, err := control.NewCatalog(nil, []control.Standard{bad}); err == nil || !strings.Contains(err.Error(), "controls_from") {
		t.Errorf("unknown controls_from: err = %v", err)
	}
}

func TestCatalogMappingErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		stds []control.Standard
		want string
	}{
		"not an ID":     {[]control.Standard{{ID: "x", Short: "x", Requirements: []control.StdItem{{ID: "1", Controls: []string{"s3-1"}}}}}, `"s3-1" is not a control ID`},
		"missing GR":    {[]control.Standard{{ID: "x", Short: "x", Requirements: []control.StdItem{{ID: "1", Controls: []string{"GR.IAM.99"}}}}}, "no control GR.IAM.99"},
		"twice":         {[]control.Standard{{ID: "x", Short: "x", Requirements: []control.StdItem{{ID: "1"}, {ID: "1"}}}}, "listed twice"},
		"same standard": {[]control.Standard{{ID: "x", Short: "x"}, {ID: "y", Short: "x"}}, "defined twice"},
	} {
		if _, err := control.NewCatalog([]*control.Control{ctl("S3.1")}, tc.stds); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
}
