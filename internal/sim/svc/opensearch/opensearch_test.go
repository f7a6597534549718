package opensearch_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	osapi "github.com/aws/aws-sdk-go-v2/service/opensearch"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

var created = time.Date(2023, 3, 4, 5, 6, 7, 0, time.UTC)

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func seed() *world.World {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	r.OpenSearch = world.OpenSearch{Domains: []*world.OpenSearchDomain{
		{Name: "logs", InstanceCount: 3, ZoneAwareness: true, VpcID: "vpc-1", Subnets: []string{"subnet-1", "subnet-2"}, SecurityGroups: []string{"sg-1"},
			EncryptAtRest: true, NodeToNode: true, EnforceHTTPS: true, TLSPolicy: "Policy-Min-TLS-1-2-PFS-2023-10", FineGrained: true,
			ApplicationLogs: "arn:aws:logs:eu-west-1:222222222222:log-group:/aws/opensearch/logs/app", AuditLogs: "arn:aws:logs:eu-west-1:222222222222:log-group:/aws/opensearch/logs/audit",
			Created: created},
		{Name: "legacy", EngineVersion: "Elasticsearch_6.8", Created: created},
	}}
	for i := 0; i < 6; i++ {
		r.OpenSearch.Domains = append(r.OpenSearch.Domains, &world.OpenSearchDomain{Name: fmt.Sprintf("bulk-%d", i), Created: created})
	}
	return w
}

func TestListAndDescribe(t *testing.T) {
	s := simtest.Start(t, seed())
	c := osapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	l, err := c.ListDomainNames(ctx, &osapi.ListDomainNamesInput{})
	if err != nil || len(l.DomainNames) != 8 || aws.ToString(l.DomainNames[1].DomainName) != "legacy" || l.DomainNames[1].EngineType != ostypes.EngineTypeElasticsearch {
		t.Fatalf("%+v %v", l, err)
	}
	es, err := c.ListDomainNames(ctx, &osapi.ListDomainNamesInput{EngineType: ostypes.EngineTypeElasticsearch})
	if err != nil || len(es.DomainNames) != 1 {
		t.Errorf("elasticsearch only: %+v %v", es, err)
	}
	d, err := c.DescribeDomains(ctx, &osapi.DescribeDomainsInput{DomainNames: []string{"logs", "legacy", "nope"}})
	if err != nil || len(d.DomainStatusList) != 2 {
		t.Fatalf("%+v %v", d, err)
	}
	a, b := d.DomainStatusList[0], d.DomainStatusList[1]
	if aws.ToString(a.ARN) != "arn:aws:es:eu-west-1:222222222222:domain/logs" || aws.ToInt32(a.ClusterConfig.InstanceCount) != 3 ||
		!aws.ToBool(a.ClusterConfig.ZoneAwarenessEnabled) || a.VPCOptions == nil || aws.ToString(a.VPCOptions.VPCId) != "vpc-1" ||
		!aws.ToBool(a.EncryptionAtRestOptions.Enabled) || aws.ToString(a.EncryptionAtRestOptions.KmsKeyId) == "" || !aws.ToBool(a.NodeToNodeEncryptionOptions.Enabled) ||
		!aws.ToBool(a.DomainEndpointOptions.EnforceHTTPS) || a.DomainEndpointOptions.TLSSecurityPolicy != ostypes.TLSSecurityPolicyPolicyMinTls12Pfs202310 ||
		!aws.ToBool(a.AdvancedSecurityOptions.Enabled) || !aws.ToBool(a.LogPublishingOptions["AUDIT_LOGS"].Enabled) ||
		!aws.ToBool(a.LogPublishingOptions["ES_APPLICATION_LOGS"].Enabled) || a.Endpoints["vpc"] == "" || aws.ToString(a.EngineVersion) != "OpenSearch_2.11" {
		t.Errorf("logs = %+v", a)
	}
	if aws.ToString(b.EngineVersion) != "Elasticsearch_6.8" || b.VPCOptions != nil || aws.ToString(b.Endpoint) == "" || aws.ToBool(b.EncryptionAtRestOptions.Enabled) ||
		len(b.LogPublishingOptions) != 0 || b.DomainEndpointOptions.TLSSecurityPolicy != ostypes.TLSSecurityPolicyPolicyMinTls10201907 {
		t.Errorf("legacy = %+v", b)
	}
	if _, err := c.DescribeDomains(ctx, &osapi.DescribeDomainsInput{DomainNames: []string{"a", "b", "c", "d", "e", "f"}}); code(err) != "ValidationException" {
		t.Errorf("six names: %v", err)
	}
	var nf *ostypes.ResourceNotFoundException
	if _, err := c.DescribeDomain(ctx, &osapi.DescribeDomainInput{DomainName: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("missing domain: %v", err)
	}
	one, err := c.DescribeDomain(ctx, &osapi.DescribeDomainInput{DomainName: aws.String("legacy")})
	if err != nil || aws.ToString(one.DomainStatus.DomainName) != "legacy" {
		t.Errorf("describe one: %+v %v", one, err)
	}
}

func TestIsolation(t *testing.T) {
	s := simtest.Start(t, seed())
	ctx := context.Background()
	for _, other := range []*osapi.Client{
		osapi.NewFromConfig(s.Config(t, simtest.Management, region)),
		osapi.NewFromConfig(s.Config(t, simtest.Member, "us-west-2")),
	} {
		l, err := other.ListDomainNames(ctx, &osapi.ListDomainNamesInput{})
		d, derr := other.DescribeDomains(ctx, &osapi.DescribeDomainsInput{DomainNames: []string{"logs"}})
		if err != nil || derr != nil || len(l.DomainNames) != 0 || len(d.DomainStatusList) != 0 {
			t.Errorf("isolation: %+v %v %+v %v", l, err, d, derr)
		}
	}
}

// TestDemoData decodes every profile of the demo data file.
func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.OpenSearch]("opensearch")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) == 0 {
		t.Fatal("no profiles")
	}
}
