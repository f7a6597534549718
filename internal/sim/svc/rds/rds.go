// Package rds simulates Amazon RDS (awsQuery).
package rds

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the Amazon RDS (awsQuery) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:      "rds",
		Protocol:  wire.Query,
		Namespace: "http://rds.amazonaws.com/doc/2014-10-31/",
		Ops:       map[string]svc.Handler{},
	}
}
