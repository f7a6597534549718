package remediate

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwapi "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// GateActions are the IAM actions the health gate calls.
var GateActions = []string{"cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"}

// firing returns the gate's alarms in ALARM in the accounts and regions
// of ts (an account-wide target: its home region), sorted. An error
// says where the gate could not look: a gate that cannot see must not
// pass.
func (e *engine) firing(ctx context.Context, ts []target.Target) ([]Alarm, error) {
	type where struct{ account, region string }
	seen := map[where]bool{}
	var places []where
	for _, t := range ts {
		w := where{t.Account, t.Region}
		if !seen[w] {
			seen[w] = true
			places = append(places, w)
		}
	}
	var mu sync.Mutex
	var out []Alarm
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.o.Concurrency)
	for _, w := range places {
		g.Go(func() error {
			e.mu.Lock()
			cfg := e.configs[w.account].Copy()
			e.mu.Unlock()
			cfg.Region = w.region
			as, err := e.alarmsIn(gctx, cfg, w.account, w.region)
			if err != nil {
				return fmt.Errorf("alarms in %s/%s: %s", w.account, w.region, awsx.Describe(err))
			}
			mu.Lock()
			out = append(out, as...)
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Account != out[j].Account {
			return out[i].Account < out[j].Account
		}
		if out[i].Region != out[j].Region {
			return out[i].Region < out[j].Region
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// alarmsIn returns the gate's alarms in ALARM in one account and region.
func (e *engine) alarmsIn(ctx context.Context, cfg aws.Config, account, region string) ([]Alarm, error) {
	c := cwapi.NewFromConfig(cfg)
	byName := map[string]Alarm{}
	list := func(prefix string) ([]cwtypes.MetricAlarm, []cwtypes.CompositeAlarm, error) {
		in := &cwapi.DescribeAlarmsInput{StateValue: cwtypes.StateValueAlarm,
			AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm, cwtypes.AlarmTypeCompositeAlarm}}
		if prefix != "" {
			in.AlarmNamePrefix = aws.String(prefix)
		}
		var ms []cwtypes.MetricAlarm
		var cs []cwtypes.CompositeAlarm
		// awsx.Pages, not the SDK's paginator: that takes the client as
		// an interface, which links every CloudWatch operation.
		err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
			in.NextToken = token
			out, err := c.DescribeAlarms(ctx, in)
			if err != nil {
				return nil, err
			}
			ms = append(ms, out.MetricAlarms...)
			cs = append(cs, out.CompositeAlarms...)
			return out.NextToken, nil
		})
		if err != nil {
			return nil, nil, err
		}
		return ms, cs, nil
	}
	add := func(name, arn, reason string, since *time.Time) {
		a := Alarm{Account: account, Region: region, Name: name, Reason: reason}
		if since != nil {
			a.Since = *since
		}
		byName[name] = a
	}
	type found struct{ name, arn, reason string }
	var all []found
	collect := func(prefix string) error {
		ms, cs, err := list(prefix)
		if err != nil {
			return err
		}
		for _, m := range ms {
			all = append(all, found{aws.ToString(m.AlarmName), aws.ToString(m.AlarmArn), aws.ToString(m.StateReason)})
			if prefix != "" {
				add(aws.ToString(m.AlarmName), aws.ToString(m.AlarmArn), aws.ToString(m.StateReason), m.StateUpdatedTimestamp)
			}
		}
		for _, m := range cs {
			all = append(all, found{aws.ToString(m.AlarmName), aws.ToString(m.AlarmArn), aws.ToString(m.StateReason)})
			if prefix != "" {
				add(aws.ToString(m.AlarmName), aws.ToString(m.AlarmArn), aws.ToString(m.StateReason), m.StateUpdatedTimestamp)
			}
		}
		return nil
	}
	for _, p := range e.o.Gate.AlarmPrefixes {
		if err := collect(p); err != nil {
			return nil, err
		}
	}
	if len(e.o.Gate.AlarmTags) > 0 {
		all = all[:0]
		if err := collect(""); err != nil {
			return nil, err
		}
		for _, f := range all {
			out, err := c.ListTagsForResource(ctx, &cwapi.ListTagsForResourceInput{ResourceARN: aws.String(f.arn)})
			if err != nil {
				return nil, fmt.Errorf("tags of alarm %s: %w", f.name, err)
			}
			tags := map[string]string{}
			for _, t := range out.Tags {
				tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			if hasTags(tags, e.o.Gate.AlarmTags) {
				add(f.name, f.arn, f.reason, nil)
			}
		}
	}
	var res []Alarm
	for _, a := range byName {
		res = append(res, a)
	}
	return res, nil
}

func hasTags(tags map[string]string, want []string) bool {
	for _, w := range want {
		k, v, _ := strings.Cut(w, "=")
		if got, ok := tags[k]; !ok || got != v {
			return false
		}
	}
	return true
}
