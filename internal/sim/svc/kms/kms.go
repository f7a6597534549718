// Package kms simulates AWS KMS (awsJson1.1).
package kms

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the AWS KMS (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "kms",
		Protocol: wire.JSON11,
		Ops:      map[string]svc.Handler{},
	}
}
