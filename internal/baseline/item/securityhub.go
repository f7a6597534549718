package item

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	shapi "github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
)

type hubState struct {
	Enabled bool `json:"enabled"`
	// Standards are the ARNs of the enabled standards, sorted.
	Standards []string `json:"standards,omitempty"`
}

// notSubscribed reports whether err says Security Hub is not enabled in
// the account and region (an InvalidAccessException, not a denial).
func notSubscribed(err error) bool {
	c := awsx.Code(err)
	return c == "InvalidAccessException" || c == "ResourceNotFoundException"
}

// standardARN is the ARN of a standard (spec.Standards) in region.
func standardARN(region, short string) string {
	p := spec.Standards[short]
	if p[:8] == "ruleset/" {
		return "arn:aws:securityhub:::" + p
	}
	return "arn:aws:securityhub:" + region + "::" + p
}

// securityHub is Security Hub enabled, with the spec's standards, in
// every region. Standards already enabled stay.
func securityHub() Item {
	return &def[hubState]{
		name: "securityhub.hub", scope: Regional, phase: 1,
		applies: func(env Env) string {
			if h := env.Settings.SecurityHub; h == nil || !spec.On(h.Enabled) {
				return NotManaged
			}
			return ""
		},
		read: func(ctx context.Context, env Env) (hubState, error) {
			c := env.securityHub()
			if _, err := c.DescribeHub(ctx, &shapi.DescribeHubInput{}); notSubscribed(err) {
				return hubState{}, nil
			} else if err != nil {
				return hubState{}, err
			}
			subs, err := enabledStandards(ctx, c)
			if err != nil {
				return hubState{}, err
			}
			st := hubState{Enabled: true}
			for arn := range subs {
				st.Standards = append(st.Standards, arn)
			}
			slices.Sort(st.Standards)
			return st, nil
		},
		want: func(env Env, cur hubState) hubState {
			w := hubState{Enabled: true, Standards: slices.Clone(cur.Standards)}
			for _, s := range env.Settings.SecurityHub.Standards {
				if a := standardARN(env.Target.Region, s); !slices.Contains(w.Standards, a) {
					w.Standards = append(w.Standards, a)
				}
			}
			slices.Sort(w.Standards)
			return w
		},
		set: func(ctx context.Context, env Env, cur, w hubState) error {
			c := env.securityHub()
			if !w.Enabled {
				if !cur.Enabled {
					return nil
				}
				_, err := c.DisableSecurityHub(ctx, &shapi.DisableSecurityHubInput{})
				return err
			}
			if !cur.Enabled {
				if _, err := c.EnableSecurityHub(ctx, &shapi.EnableSecurityHubInput{EnableDefaultStandards: aws.Bool(false)}); err != nil {
					return err
				}
			}
			var add []shtypes.StandardsSubscriptionRequest
			for _, a := range w.Standards {
				if !slices.Contains(cur.Standards, a) {
					add = append(add, shtypes.StandardsSubscriptionRequest{StandardsArn: aws.String(a)})
				}
			}
			if len(add) > 0 {
				if _, err := c.BatchEnableStandards(ctx, &shapi.BatchEnableStandardsInput{StandardsSubscriptionRequests: add}); err != nil {
					return err
				}
			}
			var drop []string
			for _, a := range cur.Standards {
				if !slices.Contains(w.Standards, a) {
					drop = append(drop, a)
				}
			}
			if len(drop) == 0 {
				return nil
			}
			subs, err := enabledStandards(ctx, c)
			if err != nil {
				return err
			}
			var arns []string
			for _, a := range drop {
				if s, ok := subs[a]; ok {
					arns = append(arns, s)
				}
			}
			if len(arns) == 0 {
				return nil
			}
			_, err = c.BatchDisableStandards(ctx, &shapi.BatchDisableStandardsInput{StandardsSubscriptionArns: arns})
			return err
		},
	}
}

// enabledStandards maps each enabled standard's ARN to its subscription.
func enabledStandards(ctx context.Context, c *shapi.Client) (map[string]string, error) {
	out := map[string]string{}
	err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		p, err := c.GetEnabledStandards(ctx, &shapi.GetEnabledStandardsInput{NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, s := range p.StandardsSubscriptions {
			if s.StandardsStatus == shtypes.StandardsStatusDeleting || s.StandardsStatus == shtypes.StandardsStatusFailed {
				continue
			}
			out[aws.ToString(s.StandardsArn)] = aws.ToString(s.StandardsSubscriptionArn)
		}
		return p.NextToken, nil
	})
	return out, err
}

type findingAggregatorState struct {
	Exists  bool     `json:"exists"`
	ARN     string   `json:"arn,omitempty"`
	Mode    string   `json:"region_linking_mode,omitempty"`
	Regions []string `json:"regions,omitempty"`
}

// securityHubAggregator aggregates every region's findings into the
// security account's home region.
func securityHubAggregator() Item {
	return &def[findingAggregatorState]{
		name: "securityhub.aggregator", scope: Global, phase: 1,
		applies: func(env Env) string {
			h := env.Settings.SecurityHub
			switch {
			case h == nil || !spec.On(h.Enabled) || !spec.Bool(h.Aggregation):
				return NotManaged
			case env.Target.Account != env.Org.Security:
				return "only in the security account"
			}
			return ""
		},
		read: func(ctx context.Context, env Env) (findingAggregatorState, error) {
			c := env.securityHub()
			l, err := c.ListFindingAggregators(ctx, &shapi.ListFindingAggregatorsInput{})
			if notSubscribed(err) {
				return findingAggregatorState{}, nil
			}
			if err != nil || len(l.FindingAggregators) == 0 {
				return findingAggregatorState{}, err
			}
			arn := l.FindingAggregators[0].FindingAggregatorArn
			g, err := c.GetFindingAggregator(ctx, &shapi.GetFindingAggregatorInput{FindingAggregatorArn: arn})
			if err != nil {
				return findingAggregatorState{}, err
			}
			return findingAggregatorState{Exists: true, ARN: aws.ToString(arn), Mode: aws.ToString(g.RegionLinkingMode), Regions: g.Regions}, nil
		},
		want: func(_ Env, cur findingAggregatorState) findingAggregatorState {
			return findingAggregatorState{Exists: true, ARN: cur.ARN, Mode: "ALL_REGIONS"}
		},
		set: func(ctx context.Context, env Env, cur, w findingAggregatorState) error {
			c := env.securityHub()
			switch {
			case !w.Exists && cur.Exists:
				_, err := c.DeleteFindingAggregator(ctx, &shapi.DeleteFindingAggregatorInput{FindingAggregatorArn: aws.String(cur.ARN)})
				return err
			case !w.Exists:
				return nil
			case !cur.Exists:
				_, err := c.CreateFindingAggregator(ctx, &shapi.CreateFindingAggregatorInput{RegionLinkingMode: aws.String(w.Mode), Regions: w.Regions})
				return err
			}
			_, err := c.UpdateFindingAggregator(ctx, &shapi.UpdateFindingAggregatorInput{FindingAggregatorArn: aws.String(cur.ARN),
				RegionLinkingMode: aws.String(w.Mode), Regions: w.Regions})
			return err
		},
	}
}
