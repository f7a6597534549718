package exempt

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	e, err := Parse("EC2.8/EC2.170 until 2027-03-31: legacy web app (SEC-123)")
	if err != nil {
		t.Fatal(err)
	}
	if !e.Covers("EC2.8") || !e.Covers("EC2.170") || e.Covers("S3.1") {
		t.Errorf("covers: %+v", e.Controls)
	}
	if want := time.Date(2027, 3, 31, 23, 59, 59, 999999999, time.UTC); !e.Until.Equal(want) {
		t.Errorf("until %s, want the end of the day named %s", e.Until, want)
	}
	if e.Reason != "legacy web app (SEC-123)" {
		t.Errorf("reason %q", e.Reason)
	}
	if e, err := Parse("* until 2027-01-01: all"); err != nil || !e.Covers("S3.1") {
		t.Errorf("* covers every control: %+v %v", e, err)
	}
	for v, want := range map[string]string{
		"EC2.8 forever":                  "want \"<controls> until",
		"EC2.8 until 2027-13-01: x":      "is not a date",
		"EC2.8 until 2027-01-01:":        "no reason after the colon",
		"drop table until 2027-01-01: x": "is not a control ID",
	} {
		if _, err := Parse(v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", v, err, want)
		}
	}
}
