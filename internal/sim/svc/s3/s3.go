// Package s3 simulates Amazon S3 and S3 Control (restXml).
package s3

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the Amazon S3 and S3 Control (restXml) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:            "s3",
		Protocol:        wire.RestXML,
		UnwrappedErrors: true,
		Ops:             map[string]svc.Handler{},
	}
}
