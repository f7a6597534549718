// Package elb collects the Elastic Load Balancing state of one region:
// Application, Network and Gateway Load Balancers (API 2015-12-01) with
// their attributes, listeners and, for the HTTP listeners of Application
// Load Balancers, their rules; and Classic Load Balancers (API
// 2012-06-01) with their attributes and policies.
package elb

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbapi "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbv2api "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/elb"
)

// Collector returns the regional "elb" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name: "elb",
		// One IAM prefix serves both APIs.
		Actions: []string{
			"elasticloadbalancing:DescribeListeners",
			"elasticloadbalancing:DescribeLoadBalancerAttributes",
			"elasticloadbalancing:DescribeLoadBalancerPolicies",
			"elasticloadbalancing:DescribeLoadBalancers",
			"elasticloadbalancing:DescribeRules",
		},
		Collect: collectRegion,
	}
}

func collectRegion(ctx context.Context, in collect.Input) error {
	s := &elb.ELB{LoadBalancers: []*elb.LoadBalancer{}, Classic: []*elb.ClassicLoadBalancer{}}
	if err := collectV2(ctx, elbv2api.NewFromConfig(in.Config), s); err != nil {
		return err
	}
	if err := collectClassic(ctx, elbapi.NewFromConfig(in.Config), in, s); err != nil {
		return err
	}
	in.Region.ELB = s
	return nil
}

// detail records a failed read of one resource's detail; only a
// cancelled context stops the collector.
func detail(ctx context.Context, errs *map[string]string, key, what string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if *errs == nil {
		*errs = map[string]string{}
	}
	(*errs)[key] = awsx.Brief(err)
	return nil
}

func collectV2(ctx context.Context, client *elbv2api.Client, s *elb.ELB) error {
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := client.DescribeLoadBalancers(ctx, &elbv2api.DescribeLoadBalancersInput{Marker: token})
		if err != nil {
			return nil, err
		}
		for _, l := range page.LoadBalancers {
			lb := &elb.LoadBalancer{ARN: aws.ToString(l.LoadBalancerArn), Name: aws.ToString(l.LoadBalancerName), Type: string(l.Type),
				Scheme: string(l.Scheme), VpcID: aws.ToString(l.VpcId), Zones: []string{}}
			for _, z := range l.AvailabilityZones {
				lb.Zones = append(lb.Zones, aws.ToString(z.ZoneName))
			}
			s.LoadBalancers = append(s.LoadBalancers, lb)
		}
		return page.NextMarker, nil
	}); err != nil {
		return fmt.Errorf("describe load balancers: %w", err)
	}
	for _, lb := range s.LoadBalancers {
		out, err := client.DescribeLoadBalancerAttributes(ctx, &elbv2api.DescribeLoadBalancerAttributesInput{LoadBalancerArn: aws.String(lb.ARN)})
		if err != nil {
			if err := detail(ctx, &lb.Errors, "attributes", "describe attributes of "+lb.Name, err); err != nil {
				return err
			}
		} else {
			lb.Attributes = map[string]string{}
			for _, a := range out.Attributes {
				lb.Attributes[aws.ToString(a.Key)] = aws.ToString(a.Value)
			}
		}
		if err := listeners(ctx, client, lb); err != nil {
			return err
		}
	}
	return nil
}

func actions(in []elbv2types.Action) []elb.Action {
	sort.SliceStable(in, func(i, j int) bool { return aws.ToInt32(in[i].Order) < aws.ToInt32(in[j].Order) })
	out := []elb.Action{}
	for _, a := range in {
		act := elb.Action{Type: string(a.Type)}
		if a.RedirectConfig != nil {
			act.RedirectProtocol = aws.ToString(a.RedirectConfig.Protocol)
		}
		out = append(out, act)
	}
	return out
}

func listeners(ctx context.Context, client *elbv2api.Client, lb *elb.LoadBalancer) error {
	ls := []*elb.Listener{}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := client.DescribeListeners(ctx, &elbv2api.DescribeListenersInput{LoadBalancerArn: aws.String(lb.ARN), Marker: token})
		if err != nil {
			return nil, err
		}
		for _, l := range page.Listeners {
			li := &elb.Listener{ARN: aws.ToString(l.ListenerArn), Port: int(aws.ToInt32(l.Port)), Protocol: string(l.Protocol),
				SSLPolicy: aws.ToString(l.SslPolicy), DefaultActions: actions(l.DefaultActions)}
			for _, c := range l.Certificates {
				li.Certificates = append(li.Certificates, aws.ToString(c.CertificateArn))
			}
			ls = append(ls, li)
		}
		return page.NextMarker, nil
	}); err != nil {
		return detail(ctx, &lb.Errors, "listeners", "describe listeners of "+lb.Name, err)
	}
	lb.Listeners = ls
	if !lb.Application() {
		return nil
	}
	for _, li := range ls {
		if li.Protocol != "HTTP" {
			continue
		}
		rules := []elb.Rule{}
		if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
			page, err := client.DescribeRules(ctx, &elbv2api.DescribeRulesInput{ListenerArn: aws.String(li.ARN), Marker: token})
			if err != nil {
				return nil, err
			}
			for _, r := range page.Rules {
				rules = append(rules, elb.Rule{ARN: aws.ToString(r.RuleArn), Priority: aws.ToString(r.Priority), IsDefault: aws.ToBool(r.IsDefault),
					Actions: actions(r.Actions)})
			}
			return page.NextMarker, nil
		}); err != nil {
			if err := detail(ctx, &li.Errors, "rules", fmt.Sprintf("describe rules of %s:%d", lb.Name, li.Port), err); err != nil {
				return err
			}
			continue
		}
		li.Rules = rules
	}
	return nil
}

func collectClassic(ctx context.Context, client *elbapi.Client, in collect.Input, s *elb.ELB) error {
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := client.DescribeLoadBalancers(ctx, &elbapi.DescribeLoadBalancersInput{Marker: token})
		if err != nil {
			return nil, err
		}
		for _, d := range page.LoadBalancerDescriptions {
			name := aws.ToString(d.LoadBalancerName)
			lb := &elb.ClassicLoadBalancer{Name: name, Scheme: aws.ToString(d.Scheme), VpcID: aws.ToString(d.VPCId),
				Zones: append([]string{}, d.AvailabilityZones...), Listeners: []elb.ClassicListener{},
				ARN: classicARN(in, name)}
			for _, ld := range d.ListenerDescriptions {
				if ld.Listener == nil {
					continue
				}
				l := ld.Listener
				lb.Listeners = append(lb.Listeners, elb.ClassicListener{Protocol: strings.ToUpper(aws.ToString(l.Protocol)), Port: int(l.LoadBalancerPort),
					InstanceProtocol: strings.ToUpper(aws.ToString(l.InstanceProtocol)), InstancePort: int(aws.ToInt32(l.InstancePort)),
					Certificate: aws.ToString(l.SSLCertificateId), Policies: ld.PolicyNames})
			}
			s.Classic = append(s.Classic, lb)
		}
		return page.NextMarker, nil
	}); err != nil {
		return fmt.Errorf("describe classic load balancers: %w", err)
	}
	for _, lb := range s.Classic {
		out, err := client.DescribeLoadBalancerAttributes(ctx, &elbapi.DescribeLoadBalancerAttributesInput{LoadBalancerName: aws.String(lb.Name)})
		if err != nil {
			if err := detail(ctx, &lb.Errors, "attributes", "describe attributes of classic "+lb.Name, err); err != nil {
				return err
			}
		} else if a := out.LoadBalancerAttributes; a != nil {
			attrs := &elb.ClassicAttributes{DesyncMode: "defensive"}
			if a.CrossZoneLoadBalancing != nil {
				attrs.CrossZone = a.CrossZoneLoadBalancing.Enabled
			}
			if a.AccessLog != nil {
				attrs.AccessLog = a.AccessLog.Enabled
			}
			if a.ConnectionDraining != nil {
				attrs.ConnectionDraining = a.ConnectionDraining.Enabled
			}
			for _, x := range a.AdditionalAttributes {
				if aws.ToString(x.Key) == "elb.http.desyncmitigationmode" {
					attrs.DesyncMode = aws.ToString(x.Value)
				}
			}
			lb.Attributes = attrs
		}
		pol, err := client.DescribeLoadBalancerPolicies(ctx, &elbapi.DescribeLoadBalancerPoliciesInput{LoadBalancerName: aws.String(lb.Name)})
		if err != nil {
			if err := detail(ctx, &lb.Errors, "policies", "describe policies of classic "+lb.Name, err); err != nil {
				return err
			}
			continue
		}
		lb.Policies = []elb.ClassicPolicy{}
		for _, p := range pol.PolicyDescriptions {
			cp := elb.ClassicPolicy{Name: aws.ToString(p.PolicyName), Type: aws.ToString(p.PolicyTypeName), Attributes: map[string]string{}}
			for _, a := range p.PolicyAttributeDescriptions {
				cp.Attributes[aws.ToString(a.AttributeName)] = aws.ToString(a.AttributeValue)
			}
			lb.Policies = append(lb.Policies, cp)
		}
	}
	return nil
}

// classicARN is a Classic Load Balancer's ARN, which its API never
// returns: AWS Config and Security Hub name it so.
func classicARN(in collect.Input, name string) string {
	p := in.Target.Partition
	if p == "" {
		p = "aws"
	}
	return "arn:" + p + ":elasticloadbalancing:" + in.Target.Region + ":" + in.Target.Account + ":loadbalancer/" + name
}
