package world

import "time"

// OpenSearch is an account's Amazon OpenSearch Service domains in one
// region (OpenSearch and legacy Elasticsearch engines alike).
type OpenSearch struct {
	Domains []*OpenSearchDomain `yaml:"domains"`
}

// OpenSearchDomain is an OpenSearch Service domain.
type OpenSearchDomain struct {
	Name          string `yaml:"name"`
	EngineVersion string `yaml:"engine_version"` // OpenSearch_2.11 (default) or Elasticsearch_7.10
	InstanceType  string `yaml:"instance_type"`
	InstanceCount int    `yaml:"instance_count"` // data nodes; 0: 1
	ZoneAwareness bool   `yaml:"zone_awareness"`
	// VpcID places the domain in a VPC; "" is a public endpoint.
	VpcID           string    `yaml:"vpc_id"`
	Subnets         []string  `yaml:"subnets"`
	SecurityGroups  []string  `yaml:"security_groups"`
	EncryptAtRest   bool      `yaml:"encrypt_at_rest"`
	KMSKeyID        string    `yaml:"kms_key_id"`
	NodeToNode      bool      `yaml:"node_to_node"`
	EnforceHTTPS    bool      `yaml:"enforce_https"`
	TLSPolicy       string    `yaml:"tls_policy"` // Policy-Min-TLS-1-0-2019-07 (default)
	FineGrained     bool      `yaml:"fine_grained"`
	ApplicationLogs string    `yaml:"application_logs"` // log group ARN; "" when not published
	AuditLogs       string    `yaml:"audit_logs"`
	SearchSlowLogs  string    `yaml:"search_slow_logs"`
	AccessPolicy    string    `yaml:"access_policy"`
	Created         time.Time `yaml:"created"`
}
