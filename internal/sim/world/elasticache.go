package world

import "time"

// ElastiCache is an account's ElastiCache resources in one region.
type ElastiCache struct {
	CacheClusters     []*CacheCluster     `yaml:"cache_clusters"`
	ReplicationGroups []*ReplicationGroup `yaml:"replication_groups"`
}

// CacheCluster is an ElastiCache cache cluster: a standalone Memcached
// or Redis OSS cluster, or one node cluster of a replication group.
type CacheCluster struct {
	ID                      string    `yaml:"id"`
	Engine                  string    `yaml:"engine"` // redis (default), valkey or memcached
	EngineVersion           string    `yaml:"engine_version"`
	NodeType                string    `yaml:"node_type"`
	Status                  string    `yaml:"status"` // available (default)
	NumNodes                int       `yaml:"num_nodes"`
	ReplicationGroupID      string    `yaml:"replication_group_id"`
	SubnetGroup             string    `yaml:"subnet_group"` // "" : default
	SnapshotRetentionLimit  int       `yaml:"snapshot_retention_limit"`
	AutoMinorVersionUpgrade bool      `yaml:"auto_minor_version_upgrade"`
	AtRestEncryption        bool      `yaml:"at_rest_encryption"`
	TransitEncryption       bool      `yaml:"transit_encryption"`
	AuthToken               bool      `yaml:"auth_token"`
	AvailabilityZone        string    `yaml:"availability_zone"`
	Created                 time.Time `yaml:"created"`
}

// ReplicationGroup is an ElastiCache (Redis OSS / Valkey) replication group.
type ReplicationGroup struct {
	ID                     string    `yaml:"id"`
	Description            string    `yaml:"description"`
	Engine                 string    `yaml:"engine"` // redis (default) or valkey
	Status                 string    `yaml:"status"`
	Members                []string  `yaml:"members"`
	AutomaticFailover      string    `yaml:"automatic_failover"` // enabled, disabled (default), enabling, disabling
	MultiAZ                bool      `yaml:"multi_az"`
	SnapshotRetentionLimit int       `yaml:"snapshot_retention_limit"`
	AtRestEncryption       bool      `yaml:"at_rest_encryption"`
	TransitEncryption      bool      `yaml:"transit_encryption"`
	AuthToken              bool      `yaml:"auth_token"`
	KMSKeyID               string    `yaml:"kms_key_id"`
	ClusterEnabled         bool      `yaml:"cluster_enabled"`
	Created                time.Time `yaml:"created"`
}
