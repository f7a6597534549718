// Package detective simulates Amazon Detective (restJson1).
package detective

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the Amazon Detective (restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "detective",
		Protocol: wire.RestJSON,
		Ops:      map[string]svc.Handler{},
	}
}
