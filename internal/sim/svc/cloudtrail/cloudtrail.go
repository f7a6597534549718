// Package cloudtrail simulates AWS CloudTrail (awsJson1.1).
package cloudtrail

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the AWS CloudTrail (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "cloudtrail",
		Protocol: wire.JSON11,
		Ops:      map[string]svc.Handler{},
	}
}
