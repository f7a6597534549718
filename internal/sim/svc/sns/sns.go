// Package sns simulates Amazon SNS (awsQuery).
package sns

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the Amazon SNS (awsQuery) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:      "sns",
		Protocol:  wire.Query,
		Namespace: "http://sns.amazonaws.com/doc/2010-03-31/",
		Ops:       map[string]svc.Handler{},
	}
}
