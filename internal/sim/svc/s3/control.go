package s3

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Control returns the S3 Control simulator.
func Control() *svc.Service {
	return &svc.Service{
		Name:     "s3",
		Key:      "s3control",
		Protocol: wire.RestXML,
		Global:   true,
		Ops:      map[string]svc.Handler{},
	}
}
