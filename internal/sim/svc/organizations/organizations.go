// Package organizations simulates AWS Organizations (awsJson1.1).
package organizations

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the AWS Organizations (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "organizations",
		Protocol: wire.JSON11,
		Global:   true,
		Ops:      map[string]svc.Handler{},
	}
}
