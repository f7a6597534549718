package world

import "time"

// Redshift is an account's Amazon Redshift resources in one region.
type Redshift struct {
	Clusters []*RedshiftCluster `yaml:"clusters"`
	// ParameterGroups are the custom cluster parameter groups. The default
	// groups (default.redshift-1.0) exist in every region without being
	// listed and hold AWS's defaults.
	ParameterGroups []*RedshiftParameterGroup `yaml:"parameter_groups"`
}

// RedshiftCluster is a provisioned Redshift cluster.
type RedshiftCluster struct {
	ID                  string `yaml:"id"`
	NodeType            string `yaml:"node_type"`
	Nodes               int    `yaml:"nodes"`
	Status              string `yaml:"status"` // available (default)
	MasterUsername      string `yaml:"master_username"`
	DBName              string `yaml:"db_name"`
	Port                int    `yaml:"port"` // 0: 5439
	VpcID               string `yaml:"vpc_id"`
	PubliclyAccessible  bool   `yaml:"publicly_accessible"`
	Encrypted           bool   `yaml:"encrypted"`
	KMSKeyID            string `yaml:"kms_key_id"`
	SnapshotRetention   int    `yaml:"automated_snapshot_retention"` // days; 0 turns automated snapshots off
	AllowVersionUpgrade bool   `yaml:"allow_version_upgrade"`
	EnhancedVpcRouting  bool   `yaml:"enhanced_vpc_routing"`
	ParameterGroup      string `yaml:"parameter_group"` // "": default.redshift-1.0
	// Logging is the audit logging configuration; nil when off.
	Logging *RedshiftLogging  `yaml:"logging"`
	Created time.Time         `yaml:"created"`
	Tags    map[string]string `yaml:"tags"`
}

// RedshiftLogging is where a cluster's audit logs go.
type RedshiftLogging struct {
	Destination string   `yaml:"destination"` // s3 (default) or cloudwatch
	Bucket      string   `yaml:"bucket"`
	Prefix      string   `yaml:"prefix"`
	Exports     []string `yaml:"exports"` // cloudwatch: connectionlog, userlog, useractivitylog
}

// RedshiftParameterGroup is a custom cluster parameter group: the values
// it sets over the defaults.
type RedshiftParameterGroup struct {
	Name       string            `yaml:"name"`
	Family     string            `yaml:"family"` // redshift-1.0 (default)
	Parameters map[string]string `yaml:"parameters"`
}
