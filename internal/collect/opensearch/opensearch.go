// Package opensearch collects the Amazon OpenSearch Service domains of one
// region: ListDomainNames, then DescribeDomains five names at a time (the
// most AWS accepts in one call).
package opensearch

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	osapi "github.com/aws/aws-sdk-go-v2/service/opensearch"

	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/opensearch"
)

// describeBatch is DescribeDomains' documented limit of domain names.
const describeBatch = 5

// Collector returns the regional "opensearch" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "opensearch",
		Actions: []string{"es:ListDomainNames", "es:DescribeDomains"},
		Collect: collectOpenSearch,
	}
}

func collectOpenSearch(ctx context.Context, in collect.Input) error {
	c := osapi.NewFromConfig(in.Config)
	l, err := c.ListDomainNames(ctx, &osapi.ListDomainNamesInput{})
	if err != nil {
		return fmt.Errorf("list domain names: %w", err)
	}
	names := make([]string, 0, len(l.DomainNames))
	for _, d := range l.DomainNames {
		names = append(names, aws.ToString(d.DomainName))
	}
	out := &opensearch.OpenSearch{Domains: []*opensearch.Domain{}}
	for start := 0; start < len(names); start += describeBatch {
		batch := names[start:min(start+describeBatch, len(names))]
		o, err := c.DescribeDomains(ctx, &osapi.DescribeDomainsInput{DomainNames: batch})
		if err != nil {
			// A domain that cannot be described cannot be judged: the
			// whole state is unread rather than partly missing.
			return fmt.Errorf("describe domains: %w", err)
		}
		for _, s := range o.DomainStatusList {
			d := &opensearch.Domain{ARN: aws.ToString(s.ARN), Name: aws.ToString(s.DomainName), EngineVersion: aws.ToString(s.EngineVersion)}
			if cc := s.ClusterConfig; cc != nil {
				d.DataNodes, d.ZoneAwareness = int(aws.ToInt32(cc.InstanceCount)), aws.ToBool(cc.ZoneAwarenessEnabled)
			}
			if v := s.VPCOptions; v != nil {
				d.VpcID = aws.ToString(v.VPCId)
			}
			if e := s.EncryptionAtRestOptions; e != nil {
				d.EncryptAtRest, d.KMSKeyID = aws.ToBool(e.Enabled), aws.ToString(e.KmsKeyId)
			}
			if n := s.NodeToNodeEncryptionOptions; n != nil {
				d.NodeToNode = aws.ToBool(n.Enabled)
			}
			if e := s.DomainEndpointOptions; e != nil {
				d.EnforceHTTPS, d.TLSPolicy = aws.ToBool(e.EnforceHTTPS), string(e.TLSSecurityPolicy)
			}
			if a := s.AdvancedSecurityOptions; a != nil {
				d.FineGrained = aws.ToBool(a.Enabled)
			}
			for kind, opt := range s.LogPublishingOptions {
				if aws.ToBool(opt.Enabled) {
					d.Logs = append(d.Logs, kind)
				}
			}
			sort.Strings(d.Logs)
			out.Domains = append(out.Domains, d)
		}
	}
	in.Region.OpenSearch = out
	return nil
}
