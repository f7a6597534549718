// Package elasticache holds the normalized Amazon ElastiCache state of one
// account in one region: cache clusters and replication groups. It must
// not import the AWS SDK.
package elasticache

// ElastiCache is the ElastiCache state of one region.
type ElastiCache struct {
	Clusters []*Cluster `json:"clusters"`
	Groups   []*Group   `json:"replication_groups,omitempty"`
	// Errors records the lists that could not be read ("replication_groups")
	// with the reason. The cache clusters are always read: without them
	// the collector fails as a whole.
	Errors map[string]string `json:"errors,omitempty"`
}

// Cluster is one cache cluster: a standalone Memcached or Redis OSS
// cluster, or a node of a replication group.
type Cluster struct {
	ARN     string `json:"arn"`
	ID      string `json:"id"`
	Engine  string `json:"engine"` // redis, valkey or memcached
	Version string `json:"engine_version,omitempty"`
	Status  string `json:"status,omitempty"`
	// GroupID is the replication group the cluster belongs to ("" when
	// it stands alone).
	GroupID     string `json:"replication_group_id,omitempty"`
	SubnetGroup string `json:"subnet_group,omitempty"`
	// SnapshotRetentionDays is the automatic backup retention; nil for
	// Memcached, which has no backups.
	SnapshotRetentionDays   *int `json:"snapshot_retention_days,omitempty"`
	AutoMinorVersionUpgrade bool `json:"auto_minor_version_upgrade"`
	AtRestEncryption        bool `json:"at_rest_encryption"`
	TransitEncryption       bool `json:"transit_encryption"`
	AuthToken               bool `json:"auth_token"`
}

// Group is one replication group (Redis OSS or Valkey).
type Group struct {
	ARN     string   `json:"arn"`
	ID      string   `json:"id"`
	Engine  string   `json:"engine,omitempty"`
	Status  string   `json:"status,omitempty"`
	Members []string `json:"members,omitempty"`
	// AutomaticFailover is enabled, disabled, enabling or disabling.
	AutomaticFailover     string `json:"automatic_failover"`
	MultiAZ               bool   `json:"multi_az"`
	SnapshotRetentionDays int    `json:"snapshot_retention_days"`
	AtRestEncryption      bool   `json:"at_rest_encryption"`
	TransitEncryption     bool   `json:"transit_encryption"`
	AuthToken             bool   `json:"auth_token"`
	KMSKeyID              string `json:"kms_key_id,omitempty"`
}

// Cluster returns the cache cluster with id, or nil.
func (e *ElastiCache) Cluster(id string) *Cluster {
	for _, c := range e.Clusters {
		if c.ID == id {
			return c
		}
	}
	return nil
}
