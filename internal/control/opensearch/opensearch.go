// Package opensearch holds the Amazon OpenSearch Service controls
// (Opensearch.1-Opensearch.8) on domains, OpenSearch and legacy
// Elasticsearch engines alike (the OpenSearch API describes both). They
// read the "opensearch" collector's state and never call AWS.
//
// Opensearch.8 asks for "the latest TLS security policy". AWS has added
// policies over time (TLS 1.2 in 2019, TLS 1.2 with forward secrecy in
// 2023, a FIPS-aligned one in 2024) and keeps the older TLS 1.0 policy as
// the default; this control accepts every policy whose minimum is TLS 1.2
// and fails the TLS 1.0 one, and fails any domain that does not enforce
// HTTPS, whatever its policy.
package opensearch

import (
	"slices"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/opensearch"
)

// Controls returns the OpenSearch controls.
func Controls() []*control.Control {
	return []*control.Control{os1(), os2(), os3(), os4(), os5(), os6(), os7(), os8()}
}

const resourceType = "AwsOpenSearchServiceDomain"

func domainControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, d *opensearch.Domain)) *control.Control {
	c.Service, c.ResourceType, c.Needs = "OpenSearch", resourceType, []string{"opensearch"}
	c.Check = func(in *control.Input) {
		if in.Region == nil || in.Region.OpenSearch == nil {
			in.Error(in.AccountMeta(), "OpenSearch state was not collected in %s", in.RegionName())
			return
		}
		for _, d := range in.Region.OpenSearch.Domains {
			judge(in, snapshot.Meta{ARN: d.ARN, Type: resourceType, Name: d.Name, Account: in.Account.ID, Region: in.RegionName()}, d)
		}
	}
	return &c
}

func os1() *control.Control {
	return domainControl(control.Control{
		ID:       "Opensearch.1",
		Title:    "OpenSearch domains should have encryption at rest enabled",
		Severity: control.Medium,
		Rationale: "Encryption at rest protects indices, logs, swap and automated snapshots if the storage or a " +
			"snapshot is exposed.",
		Remediation: "Console: Amazon OpenSearch Service > Domains > the domain > Actions > Edit security configuration > " +
			"Encryption of data at rest: Enable (engine OpenSearch or Elasticsearch 5.1+).\n" +
			"CLI: aws opensearch update-domain-config --domain-name <name> --encryption-at-rest-options Enabled=true,KmsKeyId=<key>",
		WellArchitected: []string{"SEC08"},
	}, func(in *control.Input, m snapshot.Meta, d *opensearch.Domain) {
		in.Check(m, d.EncryptAtRest, "encrypted at rest", "not encrypted at rest")
	})
}

func os2() *control.Control {
	return domainControl(control.Control{
		ID:       "Opensearch.2",
		Title:    "OpenSearch domains should not be publicly accessible",
		Severity: control.Critical,
		Rationale: "A domain outside a VPC has a public endpoint that only its access policy protects; inside a VPC, " +
			"security groups and private routing keep it off the internet.",
		Remediation: "A domain's network cannot be changed: create a domain in a VPC (private subnets, a security " +
			"group), restore a snapshot into it and move clients.\n" +
			"CLI: aws opensearch create-domain --domain-name <new> --vpc-options SubnetIds=<subnets>,SecurityGroupIds=<sg> ...",
		WellArchitected: []string{"SEC05"},
	}, func(in *control.Input, m snapshot.Meta, d *opensearch.Domain) {
		if d.VpcID != "" {
			in.Pass(m, "in VPC %s", d.VpcID)
			return
		}
		in.Fail(m, "public endpoint, not in a VPC")
	})
}

func os3() *control.Control {
	return domainControl(control.Control{
		ID:       "Opensearch.3",
		Title:    "OpenSearch domains should encrypt data sent between nodes",
		Severity: control.Medium,
		Rationale: "Node-to-node encryption puts TLS on the traffic inside the cluster, so documents replicated " +
			"between nodes cannot be read from the network.",
		Remediation: "Console: Amazon OpenSearch Service > Domains > the domain > Actions > Edit security configuration > " +
			"Node-to-node encryption: Enable.\n" +
			"CLI: aws opensearch update-domain-config --domain-name <name> --node-to-node-encryption-options Enabled=true",
		WellArchitected: []string{"SEC09"},
	}, func(in *control.Input, m snapshot.Meta, d *opensearch.Domain) {
		in.Check(m, d.NodeToNode, "node-to-node encryption enabled", "node-to-node encryption disabled")
	})
}

func logs(kind string, what string) func(in *control.Input, m snapshot.Meta, d *opensearch.Domain) {
	return func(in *control.Input, m snapshot.Meta, d *opensearch.Domain) {
		in.Check(m, slices.Contains(d.Logs, kind), what+" published to CloudWatch Logs", what+" not published to CloudWatch Logs")
	}
}

func os4() *control.Control {
	return domainControl(control.Control{
		ID:       "Opensearch.4",
		Title:    "OpenSearch domain error logging to CloudWatch Logs should be enabled",
		Severity: control.Medium,
		Rationale: "Error logs published to CloudWatch Logs show failing requests, script errors and cluster " +
			"problems where they can be kept and alarmed on.",
		Remediation: "Console: Amazon OpenSearch Service > Domains > the domain > Logs > Error logs > Enable, choose a log group.\n" +
			"CLI: aws opensearch update-domain-config --domain-name <name> --log-publishing-options " +
			"'ES_APPLICATION_LOGS={CloudWatchLogsLogGroupArn=<log-group-arn>,Enabled=true}'",
		WellArchitected: []string{"SEC04"},
	}, logs("ES_APPLICATION_LOGS", "error logs"))
}

func os5() *control.Control {
	return domainControl(control.Control{
		ID:       "Opensearch.5",
		Title:    "OpenSearch domains should have audit logging enabled",
		Severity: control.Medium,
		Rationale: "Audit logs record who authenticated and which indices they read or changed, the trail an " +
			"investigation of data access needs.",
		Remediation: "Turn on fine-grained access control first, then: Console: the domain > Logs > Audit logs > Enable.\n" +
			"CLI: aws opensearch update-domain-config --domain-name <name> --log-publishing-options " +
			"'AUDIT_LOGS={CloudWatchLogsLogGroupArn=<log-group-arn>,Enabled=true}'",
		WellArchitected: []string{"SEC04"},
	}, logs("AUDIT_LOGS", "audit logs"))
}

// minDataNodes is the number of data nodes Opensearch.6 asks for.
const minDataNodes = 3

func os6() *control.Control {
	return domainControl(control.Control{
		ID:       "Opensearch.6",
		Title:    "OpenSearch domains should have at least three data nodes",
		Severity: control.Medium,
		Rationale: "Three or more data nodes spread over Availability Zones keep the domain serving and its " +
			"replicas intact when a node or a zone fails.",
		Remediation: "Console: the domain > Actions > Edit cluster configuration > Data nodes: 3 or more, Multi-AZ > Save changes.\n" +
			"CLI: aws opensearch update-domain-config --domain-name <name> --cluster-config " +
			"InstanceCount=3,ZoneAwarenessEnabled=true,ZoneAwarenessConfig={AvailabilityZoneCount=3}",
	}, func(in *control.Input, m snapshot.Meta, d *opensearch.Domain) {
		switch {
		case d.DataNodes < minDataNodes:
			in.Fail(m, "%d data node(s), fewer than %d", d.DataNodes, minDataNodes)
		case !d.ZoneAwareness:
			in.Fail(m, "%d data nodes in a single Availability Zone (zone awareness off)", d.DataNodes)
		default:
			in.Pass(m, "%d data nodes with zone awareness", d.DataNodes)
		}
	})
}

func os7() *control.Control {
	return domainControl(control.Control{
		ID:       "Opensearch.7",
		Title:    "OpenSearch domains should have fine-grained access control enabled",
		Severity: control.High,
		Rationale: "Fine-grained access control adds users, roles and index-, document- and field-level " +
			"permissions inside the domain, beyond the all-or-nothing domain access policy.",
		Remediation: "Console: the domain > Actions > Edit security configuration > Enable fine-grained access control, " +
			"choose an IAM master user or an internal master user (needs HTTPS, node-to-node and at-rest encryption).\n" +
			"CLI: aws opensearch update-domain-config --domain-name <name> --advanced-security-options " +
			"'Enabled=true,InternalUserDatabaseEnabled=false,MasterUserOptions={MasterUserARN=<role-arn>}'",
		WellArchitected: []string{"SEC03"},
	}, func(in *control.Input, m snapshot.Meta, d *opensearch.Domain) {
		in.Check(m, d.FineGrained, "fine-grained access control enabled", "fine-grained access control disabled")
	})
}

// LatestTLSPolicy is the one TLS security policy Opensearch.8 accepts:
// Security Hub's tlsPolicies parameter, not customizable. The older
// Policy-Min-TLS-1-2-2019-07 still allows ciphers without forward secrecy.
const LatestTLSPolicy = "Policy-Min-TLS-1-2-PFS-2023-10"

func os8() *control.Control {
	return domainControl(control.Control{
		ID:       "Opensearch.8",
		Title:    "Connections to OpenSearch domains should be encrypted using the latest TLS security policy",
		Severity: control.Medium,
		Rationale: "Requiring HTTPS with the latest policy (TLS 1.2 minimum, forward-secret ciphers only) keeps " +
			"clients off TLS 1.0 and 1.1 and off key exchanges whose recorded traffic a stolen key would decrypt.",
		Remediation: "Console: the domain > Actions > Edit security configuration > Require HTTPS, TLS security policy " +
			"Policy-Min-TLS-1-2-PFS-2023-10.\n" +
			"CLI: aws opensearch update-domain-config --domain-name <name> --domain-endpoint-options " +
			"EnforceHTTPS=true,TLSSecurityPolicy=Policy-Min-TLS-1-2-PFS-2023-10",
		WellArchitected: []string{"SEC09"},
	}, func(in *control.Input, m snapshot.Meta, d *opensearch.Domain) {
		switch {
		case !d.EnforceHTTPS:
			in.Fail(m, "HTTPS not required")
		case d.TLSPolicy != LatestTLSPolicy:
			in.Fail(m, "TLS security policy %s, not the latest (%s)", orNone(d.TLSPolicy), LatestTLSPolicy)
		default:
			in.Pass(m, "HTTPS required with %s", d.TLSPolicy)
		}
	})
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
