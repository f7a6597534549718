package iam_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	controliam "github.com/guardrail-sec/guardrail/internal/control/iam"
)

func TestControls(t *testing.T) {
	cs := controliam.Controls()
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
	want := map[string]control.Severity{
		"IAM.1": control.High, "IAM.2": control.Low, "IAM.3": control.Medium, "IAM.4": control.Critical,
		"IAM.5": control.Medium, "IAM.6": control.Critical, "IAM.7": control.Medium, "IAM.8": control.Medium,
		"IAM.9": control.Critical, "IAM.15": control.Medium, "IAM.16": control.Low, "IAM.18": control.Low,
		"IAM.19": control.Medium, "IAM.21": control.Low, "IAM.22": control.Medium, "IAM.26": control.Medium,
		"GR.IAM.1": control.Medium, "GR.IAM.2": control.Low, "GR.IAM.3": control.Medium, "GR.IAM.4": control.Medium,
		"KMS.1": control.Medium, "KMS.2": control.Medium,
	}
	if len(cs) != len(want) {
		t.Errorf("%d controls, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		sev, ok := want[c.ID]
		switch {
		case !ok:
			t.Errorf("unexpected control %s", c.ID)
		case c.Severity != sev:
			t.Errorf("%s severity %s, want %s", c.ID, c.Severity, sev)
		case !c.Global || len(c.Needs) != 1 || c.Needs[0] != "iam":
			t.Errorf("%s: global %v, needs %v", c.ID, c.Global, c.Needs)
		case !strings.Contains(c.Remediation, "aws "):
			t.Errorf("%s: remediation has no CLI command", c.ID)
		case len(c.WellArchitected) == 0:
			t.Errorf("%s: no Well-Architected question", c.ID)
		}
		if strings.HasPrefix(c.ID, "KMS.") != (c.Service == "KMS") {
			t.Errorf("%s: service %s", c.ID, c.Service)
		}
	}
}
