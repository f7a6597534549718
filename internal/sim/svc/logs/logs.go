// Package logs simulates Amazon CloudWatch Logs (awsJson1.1).
package logs

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the Amazon CloudWatch Logs (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "logs",
		Protocol: wire.JSON11,
		Ops:      map[string]svc.Handler{},
	}
}
