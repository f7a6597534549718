// Package rds holds the normalized Amazon RDS state of one account in one
// region: DB instances, DB clusters and their snapshots. It must not
// import the AWS SDK.
package rds

// RDS is the RDS state of one region.
type RDS struct {
	Instances []*Instance `json:"instances"`
	Clusters  []*Cluster  `json:"clusters,omitempty"`
	// Snapshots are the DB snapshots and DB cluster snapshots the account
	// owns in the region.
	Snapshots []*Snapshot `json:"snapshots,omitempty"`
	// EventSubscriptions are the region's RDS event notification
	// subscriptions.
	EventSubscriptions []*EventSubscription `json:"event_subscriptions,omitempty"`
	// Errors records the lists that could not be read, keyed "clusters",
	// "snapshots", "cluster_snapshots" or "event_subscriptions", with the
	// reason. The instances
	// are always read: without them the collector fails as a whole.
	Errors map[string]string `json:"errors,omitempty"`
}

// Instance is one DB instance (RDS, Aurora member, Neptune, DocumentDB).
type Instance struct {
	ARN     string `json:"arn"`
	ID      string `json:"id"`
	Engine  string `json:"engine"`
	Version string `json:"engine_version,omitempty"`
	Class   string `json:"class,omitempty"`
	Status  string `json:"status,omitempty"`
	// ClusterID is the DB cluster the instance belongs to ("" when it
	// stands alone); storage, backups and log exports are then the
	// cluster's.
	ClusterID string `json:"cluster_id,omitempty"`
	// ReplicaOf is the source of a read replica.
	ReplicaOf string `json:"replica_of,omitempty"`
	// MasterUsername is the administrator user created with the instance.
	MasterUsername     string `json:"master_username,omitempty"`
	PubliclyAccessible bool   `json:"publicly_accessible"`
	StorageEncrypted   bool   `json:"storage_encrypted"`
	KMSKeyID           string `json:"kms_key_id,omitempty"`
	MultiAZ            bool   `json:"multi_az"`
	// MonitoringInterval is the Enhanced Monitoring interval in seconds;
	// 0 when Enhanced Monitoring is off.
	MonitoringInterval int `json:"monitoring_interval"`
	// LogExports are the log types published to CloudWatch Logs.
	LogExports              []string `json:"log_exports,omitempty"`
	IAMAuth                 bool     `json:"iam_auth"`
	BackupRetentionDays     int      `json:"backup_retention_days"`
	AutoMinorVersionUpgrade bool     `json:"auto_minor_version_upgrade"`
	CopyTagsToSnapshot      bool     `json:"copy_tags_to_snapshot"`
	DeletionProtection      bool     `json:"deletion_protection"`
	// VpcID is the VPC of the instance's subnet group; "" for an
	// instance outside a VPC (EC2-Classic).
	VpcID string `json:"vpc_id,omitempty"`
	// Port is the port the endpoint listens on; 0 while the instance has
	// no endpoint yet (creating).
	Port int               `json:"port,omitempty"`
	Tags map[string]string `json:"tags,omitempty"`
}

// Cluster is one DB cluster (Aurora, Multi-AZ DB cluster, Neptune,
// DocumentDB).
type Cluster struct {
	ARN            string `json:"arn"`
	ID             string `json:"id"`
	Engine         string `json:"engine"`
	Status         string `json:"status,omitempty"`
	MasterUsername string `json:"master_username,omitempty"`
	// BacktrackWindow is the Aurora MySQL backtrack target window in
	// seconds; 0 when backtracking is off.
	BacktrackWindow         int64             `json:"backtrack_window,omitempty"`
	CopyTagsToSnapshot      bool              `json:"copy_tags_to_snapshot"`
	AutoMinorVersionUpgrade bool              `json:"auto_minor_version_upgrade"`
	Port                    int               `json:"port,omitempty"`
	StorageEncrypted        bool              `json:"storage_encrypted"`
	MultiAZ                 bool              `json:"multi_az"`
	IAMAuth                 bool              `json:"iam_auth"`
	DeletionProtection      bool              `json:"deletion_protection"`
	BackupRetentionDays     int               `json:"backup_retention_days"`
	LogExports              []string          `json:"log_exports,omitempty"`
	Members                 []string          `json:"members,omitempty"`
	Tags                    map[string]string `json:"tags,omitempty"`
}

// EventSubscription is an RDS event notification subscription.
type EventSubscription struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// SourceType is db-instance, db-cluster, db-parameter-group,
	// db-security-group, db-snapshot, db-cluster-snapshot, db-proxy...;
	// "" subscribes to every source type.
	SourceType string `json:"source_type,omitempty"`
	// Categories are the subscribed event categories; empty means all.
	Categories []string `json:"categories,omitempty"`
	Enabled    bool     `json:"enabled"`
	Topic      string   `json:"sns_topic_arn,omitempty"`
}

// Snapshot is a DB snapshot or a DB cluster snapshot.
type Snapshot struct {
	ARN string `json:"arn"`
	ID  string `json:"id"`
	// Cluster is true for a DB cluster snapshot.
	Cluster bool `json:"cluster,omitempty"`
	// Source is the DB instance or cluster the snapshot was taken of.
	Source string `json:"source,omitempty"`
	// Type is manual, automated or awsbackup. Only manual snapshots can
	// be shared.
	Type      string `json:"type"`
	Engine    string `json:"engine,omitempty"`
	Encrypted bool   `json:"encrypted"`
	KMSKeyID  string `json:"kms_key_id,omitempty"`
	// RestorableBy is the snapshot's "restore" attribute: the account IDs
	// it is shared with, and "all" when it is public. It is read for
	// manual snapshots; the others cannot be shared and keep it empty.
	RestorableBy []string `json:"restorable_by,omitempty"`
	// Errors records details that could not be read ("attributes").
	Errors map[string]string `json:"errors,omitempty"`
	Tags   map[string]string `json:"tags,omitempty"`
}

// Public reports whether anyone may restore the snapshot.
func (s *Snapshot) Public() bool {
	for _, v := range s.RestorableBy {
		if v == "all" {
			return true
		}
	}
	return false
}

// Cluster returns the cluster with id, or nil.
func (r *RDS) Cluster(id string) *Cluster {
	for _, c := range r.Clusters {
		if c.ID == id {
			return c
		}
	}
	return nil
}
