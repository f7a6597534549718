// Package ec2 simulates Amazon EC2, VPC and EBS (ec2Query).
package ec2

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// Service returns the Amazon EC2, VPC and EBS (ec2Query) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:      "ec2",
		Protocol:  wire.EC2Query,
		Namespace: "http://ec2.amazonaws.com/doc/2016-11-15/",
		Ops:       map[string]svc.Handler{},
	}
}
