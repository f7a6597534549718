// Package iam simulates AWS IAM (awsQuery).
package iam

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the AWS IAM (awsQuery) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:      "iam",
		Protocol:  wire.Query,
		Namespace: "https://iam.amazonaws.com/doc/2010-05-08/",
		Global:    true,
		Ops:       map[string]svc.Handler{},
	}
}
