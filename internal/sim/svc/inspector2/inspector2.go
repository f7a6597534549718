// Package inspector2 simulates Amazon Inspector (inspector2, restJson1).
package inspector2

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the Amazon Inspector (inspector2, restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "inspector2",
		Protocol: wire.RestJSON,
		Ops:      map[string]svc.Handler{},
	}
}
