// Package opensearch simulates Amazon OpenSearch Service (restJson1, API
// version 2021-01-01): ListDomainNames and DescribeDomains (at most five
// names a call, as AWS documents), for OpenSearch and legacy
// Elasticsearch engine domains alike.
package opensearch

import (
	"net/http"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon OpenSearch Service (restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "es",
		Protocol: wire.RestJSON,
		Codes:    &codes,
		Routes: []wire.Route{
			{Method: "GET", Pattern: "/2021-01-01/domain", Op: "ListDomainNames"},
			{Method: "POST", Pattern: "/2021-01-01/opensearch/domain-info", Op: "DescribeDomains"},
			{Method: "GET", Pattern: "/2021-01-01/opensearch/domain/{DomainName}", Op: "DescribeDomain"},
		},
		Ops: map[string]svc.Handler{
			"ListDomainNames": listDomainNames,
			"DescribeDomains": describeDomains,
			"DescribeDomain":  describeDomain,
		},
	}
}

var codes = func() wire.Codes {
	c := wire.DefaultCodes(wire.RestJSON)
	c.Internal = "InternalException"
	return c
}()

func validation(format string, args ...any) error {
	return wire.Errorf(http.StatusBadRequest, "ValidationException", format, args...)
}

func engine(d *world.OpenSearchDomain) (version, typ string) {
	v := d.EngineVersion
	if v == "" {
		v = "OpenSearch_2.11"
	}
	if strings.HasPrefix(v, "Elasticsearch_") {
		return v, "Elasticsearch"
	}
	return v, "OpenSearch"
}

func listDomainNames(c *svc.Ctx) (any, error) {
	want := c.Query("engineType")
	if want != "" && want != "OpenSearch" && want != "Elasticsearch" {
		return nil, validation("1 validation error detected: Value '%s' at 'engineType' failed to satisfy constraint: Member must satisfy enum value set: [OpenSearch, Elasticsearch]", want)
	}
	names := []map[string]string{}
	for _, d := range c.Regional().OpenSearch.Domains {
		if _, typ := engine(d); want == "" || want == typ {
			names = append(names, map[string]string{"DomainName": d.Name, "EngineType": typ})
		}
	}
	return map[string]any{"DomainNames": names}, nil
}

func logOption(arn string) map[string]any {
	return map[string]any{"CloudWatchLogsLogGroupArn": arn, "Enabled": true}
}

func status(c *svc.Ctx, d *world.OpenSearchDomain) map[string]any {
	version, _ := engine(d)
	count := d.InstanceCount
	if count == 0 {
		count = 1
	}
	policy := d.TLSPolicy
	if policy == "" {
		policy = "Policy-Min-TLS-1-0-2019-07"
	}
	typ := d.InstanceType
	if typ == "" {
		typ = "r6g.large.search"
	}
	cluster := map[string]any{"InstanceType": typ, "InstanceCount": count, "DedicatedMasterEnabled": false,
		"ZoneAwarenessEnabled": d.ZoneAwareness, "WarmEnabled": false}
	if d.ZoneAwareness {
		cluster["ZoneAwarenessConfig"] = map[string]any{"AvailabilityZoneCount": 2}
	}
	out := map[string]any{
		"DomainId": c.Account.ID + "/" + d.Name, "DomainName": d.Name, "ARN": c.ARN("es", "domain/"+d.Name),
		"Created": true, "Deleted": false, "Processing": false, "UpgradeProcessing": false, "EngineVersion": version,
		"ClusterConfig": cluster, "EBSOptions": map[string]any{"EBSEnabled": true, "VolumeType": "gp3", "VolumeSize": 100},
		"EncryptionAtRestOptions":     map[string]any{"Enabled": d.EncryptAtRest},
		"NodeToNodeEncryptionOptions": map[string]any{"Enabled": d.NodeToNode},
		"DomainEndpointOptions":       map[string]any{"EnforceHTTPS": d.EnforceHTTPS, "TLSSecurityPolicy": policy, "CustomEndpointEnabled": false},
		"AdvancedSecurityOptions":     map[string]any{"Enabled": d.FineGrained, "InternalUserDatabaseEnabled": d.FineGrained, "AnonymousAuthEnabled": false},
	}
	if d.EncryptAtRest {
		key := d.KMSKeyID
		if key == "" {
			key = c.ARN("kms", "key/aws-opensearch-"+c.Account.ID)
		}
		out["EncryptionAtRestOptions"] = map[string]any{"Enabled": true, "KmsKeyId": key}
	}
	host := "search-" + d.Name + "-" + strings.ToLower(c.Account.ID) + "." + c.Region + ".es.amazonaws.com"
	if d.VpcID != "" {
		out["VPCOptions"] = map[string]any{"VPCId": d.VpcID, "SubnetIds": d.Subnets, "SecurityGroupIds": d.SecurityGroups}
		out["Endpoints"] = map[string]string{"vpc": "vpc-" + host}
	} else {
		out["Endpoint"] = host
	}
	logs := map[string]any{}
	for kind, arn := range map[string]string{"ES_APPLICATION_LOGS": d.ApplicationLogs, "AUDIT_LOGS": d.AuditLogs, "SEARCH_SLOW_LOGS": d.SearchSlowLogs} {
		if arn != "" {
			logs[kind] = logOption(arn)
		}
	}
	out["LogPublishingOptions"] = logs
	if d.AccessPolicy != "" {
		out["AccessPolicies"] = d.AccessPolicy
	}
	return out
}

func find(c *svc.Ctx, name string) *world.OpenSearchDomain {
	for _, d := range c.Regional().OpenSearch.Domains {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// describeDomains answers the domains named, at most five; names that do
// not exist are left out, as AWS does.
func describeDomains(c *svc.Ctx) (any, error) {
	var in struct{ DomainNames []string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.DomainNames) == 0 || len(in.DomainNames) > 5 {
		return nil, validation("1 validation error detected: Value at 'domainNames' failed to satisfy constraint: Member must have length between 1 and 5")
	}
	list := []map[string]any{}
	for _, n := range in.DomainNames {
		if d := find(c, n); d != nil {
			list = append(list, status(c, d))
		}
	}
	return map[string]any{"DomainStatusList": list}, nil
}

func describeDomain(c *svc.Ctx) (any, error) {
	d := find(c, c.Path["DomainName"])
	if d == nil {
		return nil, wire.Errorf(http.StatusNotFound, "ResourceNotFoundException", "Domain not found: %s", c.Path["DomainName"])
	}
	return map[string]any{"DomainStatus": status(c, d)}, nil
}
