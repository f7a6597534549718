// Package wafv2 collects the AWS WAF (v2) state of one region: every web
// ACL of scope REGIONAL (and, in us-east-1, of scope CLOUDFRONT) with its
// rules (GetWebACL), its logging configuration (GetLoggingConfiguration:
// WAFNonexistentItemException means logging is off) and, for REGIONAL web
// ACLs, the Application Load Balancers associated with it
// (ListResourcesForWebACL), which ELB.16 reads.
package wafv2

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	wafapi "github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/wafv2"
)

// Collector returns the regional "wafv2" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name: "wafv2",
		Actions: []string{
			"wafv2:GetLoggingConfiguration",
			"wafv2:GetWebACL",
			"wafv2:ListResourcesForWebACL",
			"wafv2:ListWebACLs",
		},
		Collect: collectRegion,
	}
}

// cloudFrontRegion is where AWS keeps the web ACLs of scope CLOUDFRONT.
const cloudFrontRegion = "us-east-1"

func collectRegion(ctx context.Context, in collect.Input) error {
	client := wafapi.NewFromConfig(in.Config)
	s := &wafv2.WAFv2{WebACLs: []*wafv2.WebACL{}}
	scopes := []waftypes.Scope{waftypes.ScopeRegional}
	if in.Target.Region == cloudFrontRegion {
		scopes = append(scopes, waftypes.ScopeCloudfront)
	}
	for _, scope := range scopes {
		if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
			out, err := client.ListWebACLs(ctx, &wafapi.ListWebACLsInput{Scope: scope, NextMarker: token, Limit: aws.Int32(100)})
			if err != nil {
				return nil, err
			}
			for _, a := range out.WebACLs {
				s.WebACLs = append(s.WebACLs, &wafv2.WebACL{ARN: aws.ToString(a.ARN), Name: aws.ToString(a.Name), ID: aws.ToString(a.Id), Scope: string(scope)})
			}
			// AWS returns a marker on the last page too; an empty page ends.
			if len(out.WebACLs) == 0 {
				return nil, nil
			}
			return out.NextMarker, nil
		}); err != nil {
			return fmt.Errorf("list %s web ACLs: %w", scope, err)
		}
	}
	for _, a := range s.WebACLs {
		if err := detail(ctx, client, a); err != nil {
			return err
		}
	}
	in.Region.WAFv2 = s
	return nil
}

// failed records a failed read of one web ACL's detail; only a cancelled
// context stops the collector.
func failed(ctx context.Context, a *wafv2.WebACL, key, what string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s of web ACL %s: %w", what, a.Name, err)
	}
	if a.Errors == nil {
		a.Errors = map[string]string{}
	}
	a.Errors[key] = awsx.Brief(err)
	return nil
}

func detail(ctx context.Context, client *wafapi.Client, a *wafv2.WebACL) error {
	out, err := client.GetWebACL(ctx, &wafapi.GetWebACLInput{Name: aws.String(a.Name), Id: aws.String(a.ID), Scope: waftypes.Scope(a.Scope)})
	if err != nil {
		if err := failed(ctx, a, "acl", "get", err); err != nil {
			return err
		}
	} else if out.WebACL != nil {
		a.Rules = []wafv2.Rule{}
		for _, r := range out.WebACL.Rules {
			x := wafv2.Rule{Name: aws.ToString(r.Name), Priority: int(r.Priority)}
			if r.VisibilityConfig != nil {
				x.MetricsEnabled = r.VisibilityConfig.CloudWatchMetricsEnabled
			}
			if st := r.Statement; st != nil && (st.ManagedRuleGroupStatement != nil || st.RuleGroupReferenceStatement != nil) {
				x.RuleGroup = true
			}
			a.Rules = append(a.Rules, x)
		}
	}
	l, err := client.GetLoggingConfiguration(ctx, &wafapi.GetLoggingConfigurationInput{ResourceArn: aws.String(a.ARN)})
	var none *waftypes.WAFNonexistentItemException
	switch {
	case errors.As(err, &none):
		a.Logging = &wafv2.Logging{}
	case err != nil:
		if err := failed(ctx, a, "logging", "get logging", err); err != nil {
			return err
		}
	default:
		a.Logging = &wafv2.Logging{}
		if l.LoggingConfiguration != nil {
			a.Logging.Destinations = l.LoggingConfiguration.LogDestinationConfigs
			a.Logging.Enabled = len(a.Logging.Destinations) > 0
		}
	}
	if a.Scope != string(waftypes.ScopeRegional) {
		return nil
	}
	res, err := client.ListResourcesForWebACL(ctx, &wafapi.ListResourcesForWebACLInput{WebACLArn: aws.String(a.ARN),
		ResourceType: waftypes.ResourceTypeApplicationLoadBalancer})
	if err != nil {
		return failed(ctx, a, "resources", "list resources", err)
	}
	a.LoadBalancers = append([]string{}, res.ResourceArns...)
	return nil
}
