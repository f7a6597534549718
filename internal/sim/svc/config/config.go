// Package config simulates AWS Config (awsJson1.1).
package config

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the AWS Config (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "config",
		Protocol: wire.JSON11,
		Ops:      map[string]svc.Handler{},
	}
}
