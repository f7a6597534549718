// Package accessanalyzer simulates IAM Access Analyzer (restJson1).
package accessanalyzer

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the IAM Access Analyzer (restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "access-analyzer",
		Protocol: wire.RestJSON,
		Ops:      map[string]svc.Handler{},
	}
}
