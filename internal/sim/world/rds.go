package world

import "time"

// RDS is an account's RDS resources in one region.
type RDS struct {
	Instances          []*DBInstance           `yaml:"instances"`
	Snapshots          []*DBSnapshot           `yaml:"snapshots"`
	Clusters           []*DBCluster            `yaml:"clusters"`
	ClusterSnapshots   []*DBClusterSnapshot    `yaml:"cluster_snapshots"`
	EventSubscriptions []*RDSEventSubscription `yaml:"event_subscriptions"`
}

// DBInstance is an RDS DB instance.
type DBInstance struct {
	ID                      string            `yaml:"id"`
	Class                   string            `yaml:"class"`
	Engine                  string            `yaml:"engine"`
	EngineVersion           string            `yaml:"engine_version"`
	Status                  string            `yaml:"status"` // available (default)
	MasterUsername          string            `yaml:"master_username"`
	DBName                  string            `yaml:"db_name"`
	AllocatedStorage        int               `yaml:"allocated_storage"`
	StorageType             string            `yaml:"storage_type"`
	StorageEncrypted        bool              `yaml:"storage_encrypted"`
	KMSKeyID                string            `yaml:"kms_key_id"`
	PubliclyAccessible      bool              `yaml:"publicly_accessible"`
	MultiAZ                 bool              `yaml:"multi_az"`
	AutoMinorVersionUpgrade bool              `yaml:"auto_minor_version_upgrade"`
	BackupRetentionPeriod   int               `yaml:"backup_retention_period"`
	DeletionProtection      bool              `yaml:"deletion_protection"`
	IAMAuth                 bool              `yaml:"iam_auth"`
	CopyTagsToSnapshot      bool              `yaml:"copy_tags_to_snapshot"`
	MonitoringInterval      int               `yaml:"monitoring_interval"`
	PerformanceInsights     bool              `yaml:"performance_insights"`
	LogExports              []string          `yaml:"log_exports"`
	VpcSecurityGroups       []string          `yaml:"vpc_security_groups"`
	SubnetGroup             string            `yaml:"subnet_group"`
	VpcID                   string            `yaml:"vpc_id"`
	AvailabilityZone        string            `yaml:"availability_zone"`
	Port                    int               `yaml:"port"` // 0: the engine's default
	ClusterID               string            `yaml:"cluster_id"`
	ResourceID              string            `yaml:"resource_id"`
	Created                 time.Time         `yaml:"created"`
	Tags                    map[string]string `yaml:"tags"`
}

// DBSnapshot is a manual or automated RDS DB snapshot.
type DBSnapshot struct {
	ID               string    `yaml:"id"`
	InstanceID       string    `yaml:"instance_id"`
	Engine           string    `yaml:"engine"`
	EngineVersion    string    `yaml:"engine_version"`
	Type             string    `yaml:"type"` // manual (default) or automated
	Status           string    `yaml:"status"`
	AllocatedStorage int       `yaml:"allocated_storage"`
	Encrypted        bool      `yaml:"encrypted"`
	KMSKeyID         string    `yaml:"kms_key_id"`
	Created          time.Time `yaml:"created"`
	// Restore is the restore attribute: account IDs, or "all" (public).
	Restore []string `yaml:"restore"`
}

// DBCluster is an Aurora / Multi-AZ DB cluster.
type DBCluster struct {
	ID                    string    `yaml:"id"`
	Engine                string    `yaml:"engine"`
	EngineVersion         string    `yaml:"engine_version"`
	Status                string    `yaml:"status"`
	StorageEncrypted      bool      `yaml:"storage_encrypted"`
	KMSKeyID              string    `yaml:"kms_key_id"`
	BackupRetentionPeriod int       `yaml:"backup_retention_period"`
	DeletionProtection    bool      `yaml:"deletion_protection"`
	IAMAuth               bool      `yaml:"iam_auth"`
	MultiAZ               bool      `yaml:"multi_az"`
	PubliclyAccessible    bool      `yaml:"publicly_accessible"`
	LogExports            []string  `yaml:"log_exports"`
	Members               []string  `yaml:"members"`
	Created               time.Time `yaml:"created"`
	MasterUsername        string    `yaml:"master_username"`
	// BacktrackWindow is the Aurora MySQL backtrack target window in
	// seconds; 0 when backtracking is off.
	BacktrackWindow         int64             `yaml:"backtrack_window"`
	CopyTagsToSnapshot      bool              `yaml:"copy_tags_to_snapshot"`
	AutoMinorVersionUpgrade bool              `yaml:"auto_minor_version_upgrade"`
	Port                    int               `yaml:"port"` // 0: the engine's default
	Tags                    map[string]string `yaml:"tags"`
}

// DBClusterSnapshot is a DB cluster snapshot.
type DBClusterSnapshot struct {
	ID        string    `yaml:"id"`
	ClusterID string    `yaml:"cluster_id"`
	Engine    string    `yaml:"engine"`
	Type      string    `yaml:"type"`
	Status    string    `yaml:"status"`
	Encrypted bool      `yaml:"encrypted"`
	KMSKeyID  string    `yaml:"kms_key_id"`
	Created   time.Time `yaml:"created"`
	Restore   []string  `yaml:"restore"`
}

// RDSEventSubscription is an RDS event notification subscription.
type RDSEventSubscription struct {
	Name            string    `yaml:"name"`
	SNSTopicARN     string    `yaml:"sns_topic_arn"`
	SourceType      string    `yaml:"source_type"`
	SourceIDs       []string  `yaml:"source_ids"`
	EventCategories []string  `yaml:"event_categories"`
	Enabled         bool      `yaml:"enabled"`
	Created         time.Time `yaml:"created"`
}
