// Package opensearch holds the normalized Amazon OpenSearch Service state
// of one account in one region: its domains, OpenSearch and legacy
// Elasticsearch engines alike. It must not import the AWS SDK.
package opensearch

// OpenSearch is the OpenSearch Service state of one region.
type OpenSearch struct {
	Domains []*Domain `json:"domains"`
}

// Domain is one OpenSearch Service domain.
type Domain struct {
	ARN           string `json:"arn"`
	Name          string `json:"name"`
	EngineVersion string `json:"engine_version,omitempty"`
	DataNodes     int    `json:"data_nodes"`
	ZoneAwareness bool   `json:"zone_awareness"`
	// VpcID is the domain's VPC; "" for a public endpoint.
	VpcID         string `json:"vpc_id,omitempty"`
	EncryptAtRest bool   `json:"encrypt_at_rest"`
	KMSKeyID      string `json:"kms_key_id,omitempty"`
	NodeToNode    bool   `json:"node_to_node_encryption"`
	EnforceHTTPS  bool   `json:"enforce_https"`
	TLSPolicy     string `json:"tls_policy,omitempty"`
	FineGrained   bool   `json:"fine_grained_access_control"`
	// Logs are the log types published to CloudWatch Logs and enabled
	// (ES_APPLICATION_LOGS, AUDIT_LOGS, SEARCH_SLOW_LOGS, INDEX_SLOW_LOGS).
	Logs []string `json:"logs,omitempty"`
}
