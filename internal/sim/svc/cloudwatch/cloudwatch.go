// Package cloudwatch simulates Amazon CloudWatch (Smithy RPC v2 CBOR).
package cloudwatch

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the Amazon CloudWatch (Smithy RPC v2 CBOR) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "monitoring",
		Protocol: wire.CBOR,
		Ops:      map[string]svc.Handler{},
	}
}
