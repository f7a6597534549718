// Package elb holds the Elastic Load Balancing controls: ELB.1, .4, .5,
// .6, .12, .13, .17 and .18 judge Application, Network and Gateway Load
// Balancers (v2.go); ELB.2, .3, .5, .7, .8, .9, .10 and .14 judge Classic
// Load Balancers (classic.go). They read the "elb" collector's state and
// never call AWS.
//
// Each control judges only the load balancer types Security Hub applies
// it to and reports the others NOT_APPLICABLE, so a Network Load Balancer
// is never failed for lacking an Application Load Balancer's attribute.
// An attribute, listener list, rule list or policy list that could not be
// read yields ERROR for the load balancer, never a pass.
package elb

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/elb"
)

// Controls returns the Elastic Load Balancing controls.
func Controls() []*control.Control {
	return []*control.Control{elb1(), elb2(), elb3(), elb4(), elb5(), elb6(), elb7(), elb8(), elb9(), elb10(),
		elb12(), elb13(), elb14(), elb17(), elb18()}
}

// Resource types as Security Hub's ASFF names them.
const (
	typeV2      = "AwsElbv2LoadBalancer"
	typeClassic = "AwsElbLoadBalancer"
	// typeListener: ASFF has no listener type; Security Hub reports them as Other.
	typeListener = "Other"
)

func state(in *control.Input) *elb.ELB {
	if in.Region == nil || in.Region.ELB == nil {
		in.Error(in.AccountMeta(), "Elastic Load Balancing state was not collected in %s", in.RegionName())
		return nil
	}
	return in.Region.ELB
}

func v2Meta(in *control.Input, l *elb.LoadBalancer) snapshot.Meta {
	return snapshot.Meta{ARN: l.ARN, Type: typeV2, Name: l.Name, Account: in.Account.ID, Region: in.RegionName()}
}

func classicMeta(in *control.Input, l *elb.ClassicLoadBalancer) snapshot.Meta {
	return snapshot.Meta{ARN: l.ARN, Type: typeClassic, Name: l.Name, Account: in.Account.ID, Region: in.RegionName()}
}

// v2Control completes c as a control that judges every v2 load balancer
// of the region with judge.
func v2Control(c control.Control, judge func(in *control.Input, m snapshot.Meta, l *elb.LoadBalancer)) *control.Control {
	c.Service = "ELB"
	if c.ResourceType == "" {
		c.ResourceType = typeV2
	}
	c.Needs = []string{"elb"}
	c.Check = func(in *control.Input) {
		s := state(in)
		if s == nil {
			return
		}
		for _, l := range s.LoadBalancers {
			judge(in, v2Meta(in, l), l)
		}
	}
	return &c
}

// classicControl completes c as a control that judges every Classic Load
// Balancer of the region with judge.
func classicControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, l *elb.ClassicLoadBalancer)) *control.Control {
	c.Service = "ELB"
	c.ResourceType = typeClassic
	c.Needs = []string{"elb"}
	c.Check = func(in *control.Input) {
		s := state(in)
		if s == nil {
			return
		}
		for _, l := range s.Classic {
			judge(in, classicMeta(in, l), l)
		}
	}
	return &c
}

// attribute returns a v2 attribute, reporting ERROR when the attributes
// could not be read.
func attribute(in *control.Input, m snapshot.Meta, l *elb.LoadBalancer, key string) (string, bool) {
	if l.Attributes == nil {
		in.Error(m, "load balancer attributes could not be read: %s", orUnknown(l.Errors["attributes"]))
		return "", false
	}
	return l.Attributes[key], true
}

func orUnknown(s string) string {
	if s == "" {
		return "not collected"
	}
	return s
}

func typeName(l *elb.LoadBalancer) string {
	switch l.Type {
	case "application":
		return "Application Load Balancer"
	case "network":
		return "Network Load Balancer"
	case "gateway":
		return "Gateway Load Balancer"
	}
	return l.Type + " load balancer"
}
