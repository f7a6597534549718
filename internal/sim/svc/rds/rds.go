// Package rds simulates Amazon RDS (awsQuery): DB instances, snapshots and
// their sharing attributes, clusters and event subscriptions.
package rds

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon RDS (awsQuery) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:      "rds",
		Protocol:  wire.Query,
		Namespace: "http://rds.amazonaws.com/doc/2014-10-31/",
		Ops: map[string]svc.Handler{
			"DescribeDBInstances":                 describeDBInstances,
			"ModifyDBInstance":                    modifyDBInstance,
			"DescribeDBSnapshots":                 describeDBSnapshots,
			"DescribeDBSnapshotAttributes":        describeDBSnapshotAttributes,
			"ModifyDBSnapshotAttribute":           modifyDBSnapshotAttribute,
			"DescribeDBClusters":                  describeDBClusters,
			"DescribeDBClusterSnapshots":          describeDBClusterSnapshots,
			"DescribeDBClusterSnapshotAttributes": describeDBClusterSnapshotAttributes,
			"ModifyDBClusterSnapshotAttribute":    modifyDBClusterSnapshotAttribute,
			"DescribeEventSubscriptions":          describeEventSubscriptions,
		},
	}
}

func invalid(format string, args ...any) error {
	return wire.Errorf(400, "InvalidParameterValue", format, args...)
}

type tag struct{ Key, Value string }

type vpcSG struct{ VpcSecurityGroupId, Status string }

type dbInstance struct {
	DBInstanceIdentifier string
	DBInstanceClass      string
	Engine               string
	EngineVersion        string
	DBInstanceStatus     string
	MasterUsername       string `xml:",omitempty"`
	DBName               string `xml:",omitempty"`
	Endpoint             struct {
		Address      string
		Port         int
		HostedZoneId string
	}
	AllocatedStorage                 int
	InstanceCreateTime               time.Time
	PreferredBackupWindow            string
	BackupRetentionPeriod            int
	VpcSecurityGroups                []vpcSG `xml:"VpcSecurityGroups>VpcSecurityGroupMembership"`
	AvailabilityZone                 string  `xml:",omitempty"`
	DBSubnetGroup                    *struct{ DBSubnetGroupName, VpcId, SubnetGroupStatus string }
	MultiAZ                          bool
	AutoMinorVersionUpgrade          bool
	PubliclyAccessible               bool
	StorageType                      string
	StorageEncrypted                 bool
	KmsKeyId                         string `xml:",omitempty"`
	DbiResourceId                    string
	DBInstanceArn                    string
	IAMDatabaseAuthenticationEnabled bool
	PerformanceInsightsEnabled       bool
	MonitoringInterval               int
	EnabledCloudwatchLogsExports     []string `xml:"EnabledCloudwatchLogsExports>member"`
	DeletionProtection               bool
	CopyTagsToSnapshot               bool
	DBClusterIdentifier              string `xml:",omitempty"`
	TagList                          []tag  `xml:"TagList>Tag"`
}

func port(engine string) int {
	switch {
	case strings.Contains(engine, "postgres"):
		return 5432
	case strings.HasPrefix(engine, "sqlserver"):
		return 1433
	case strings.HasPrefix(engine, "oracle"):
		return 1521
	}
	return 3306
}

func tags(m map[string]string) []tag {
	var out []tag
	for k, v := range m {
		out = append(out, tag{k, v})
	}
	return out
}

func instanceView(c *svc.Ctx, d *world.DBInstance) dbInstance {
	v := dbInstance{
		DBInstanceIdentifier: d.ID, DBInstanceClass: cmp.Or(d.Class, "db.t3.micro"), Engine: cmp.Or(d.Engine, "postgres"),
		EngineVersion: d.EngineVersion, DBInstanceStatus: cmp.Or(d.Status, "available"), MasterUsername: d.MasterUsername,
		DBName: d.DBName, AllocatedStorage: d.AllocatedStorage, InstanceCreateTime: d.Created, PreferredBackupWindow: "03:00-03:30",
		BackupRetentionPeriod: d.BackupRetentionPeriod, AvailabilityZone: d.AvailabilityZone, MultiAZ: d.MultiAZ,
		AutoMinorVersionUpgrade: d.AutoMinorVersionUpgrade, PubliclyAccessible: d.PubliclyAccessible, StorageType: cmp.Or(d.StorageType, "gp3"),
		StorageEncrypted: d.StorageEncrypted, KmsKeyId: d.KMSKeyID, DbiResourceId: cmp.Or(d.ResourceID, "db-"+strings.ToUpper(d.ID)),
		DBInstanceArn: c.ARN("rds", "db:"+d.ID), IAMDatabaseAuthenticationEnabled: d.IAMAuth, PerformanceInsightsEnabled: d.PerformanceInsights,
		MonitoringInterval: d.MonitoringInterval, EnabledCloudwatchLogsExports: d.LogExports, DeletionProtection: d.DeletionProtection,
		CopyTagsToSnapshot: d.CopyTagsToSnapshot, DBClusterIdentifier: d.ClusterID, TagList: tags(d.Tags),
	}
	v.Endpoint.Address = d.ID + ".c" + c.Account.ID[:8] + "." + c.Region + ".rds.amazonaws.com"
	v.Endpoint.Port = port(v.Engine)
	if d.Port != 0 {
		v.Endpoint.Port = d.Port
	}
	v.Endpoint.HostedZoneId = "Z2R2ITUGPM61AM"
	for _, sg := range d.VpcSecurityGroups {
		v.VpcSecurityGroups = append(v.VpcSecurityGroups, vpcSG{sg, "active"})
	}
	if d.SubnetGroup != "" || d.VpcID != "" {
		v.DBSubnetGroup = &struct{ DBSubnetGroupName, VpcId, SubnetGroupStatus string }{cmp.Or(d.SubnetGroup, "default"), d.VpcID, "Complete"}
	}
	return v
}

func findInstance(c *svc.Ctx, id string) (*world.DBInstance, error) {
	for _, d := range c.Regional().RDS.Instances {
		if strings.EqualFold(d.ID, id) {
			return d, nil
		}
	}
	return nil, wire.Errorf(404, "DBInstanceNotFound", "DBInstance %s not found.", id)
}

func describeDBInstances(c *svc.Ctx) (any, error) {
	var all []dbInstance
	if id := c.Form.Get("DBInstanceIdentifier"); id != "" {
		d, err := findInstance(c, id)
		if err != nil {
			return nil, err
		}
		all = append(all, instanceView(c, d))
	} else {
		for _, d := range c.Regional().RDS.Instances {
			all = append(all, instanceView(c, d))
		}
	}
	p, next, err := svc.RecordsPage(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		DBInstances []dbInstance `xml:"DBInstances>DBInstance"`
		Marker      string       `xml:",omitempty"`
	}{p, next}, nil
}

func boolParam(c *svc.Ctx, name string) (val, set bool, err error) {
	s := c.Form.Get(name)
	if s == "" {
		return false, false, nil
	}
	b, perr := strconv.ParseBool(s)
	if perr != nil {
		return false, false, invalid("Invalid boolean value %q for %s", s, name)
	}
	return b, true, nil
}

func modifyDBInstance(c *svc.Ctx) (any, error) {
	id := c.Form.Get("DBInstanceIdentifier")
	if id == "" {
		return nil, wire.Errorf(400, "MissingParameter", "The request must contain the parameter DBInstanceIdentifier")
	}
	d, err := findInstance(c, id)
	if err != nil {
		return nil, err
	}
	if d.Status != "" && d.Status != "available" && d.Status != "storage-optimization" {
		return nil, wire.Errorf(400, "InvalidDBInstanceState", "Database instance is not in available state.")
	}
	ret := -1
	if s := c.Form.Get("BackupRetentionPeriod"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 35 {
			return nil, invalid("Invalid backup retention period: %s. Must be between 0 and 35.", s)
		}
		if n == 0 && d.ClusterID != "" {
			return nil, wire.Errorf(400, "InvalidParameterCombination", "The backup retention period of a cluster member is managed by the cluster.")
		}
		ret = n
	}
	type flag struct {
		name string
		dst  *bool
	}
	updates := map[*bool]bool{}
	for _, f := range []flag{{"PubliclyAccessible", &d.PubliclyAccessible}, {"DeletionProtection", &d.DeletionProtection},
		{"AutoMinorVersionUpgrade", &d.AutoMinorVersionUpgrade}, {"MultiAZ", &d.MultiAZ},
		{"EnableIAMDatabaseAuthentication", &d.IAMAuth}, {"CopyTagsToSnapshot", &d.CopyTagsToSnapshot},
		{"EnablePerformanceInsights", &d.PerformanceInsights}} {
		v, set, err := boolParam(c, f.name)
		if err != nil {
			return nil, err
		}
		if set {
			updates[f.dst] = v
		}
	}
	if _, _, err := boolParam(c, "ApplyImmediately"); err != nil {
		return nil, err
	}
	// The settings modelled here all take effect immediately on AWS, whatever
	// ApplyImmediately says (they need no reboot or maintenance window).
	for dst, v := range updates {
		*dst = v
	}
	if ret >= 0 {
		d.BackupRetentionPeriod = ret
	}
	if cls := c.Form.Get("DBInstanceClass"); cls != "" {
		d.Class = cls
	}
	enable := c.List("CloudwatchLogsExportConfiguration.EnableLogTypes")
	disable := c.List("CloudwatchLogsExportConfiguration.DisableLogTypes")
	if len(enable)+len(disable) > 0 {
		drop := map[string]bool{}
		for _, l := range disable {
			drop[l] = true
		}
		var logs []string
		seen := map[string]bool{}
		for _, l := range append(append([]string(nil), d.LogExports...), enable...) {
			if !drop[l] && !seen[l] {
				logs = append(logs, l)
				seen[l] = true
			}
		}
		d.LogExports = logs
	}
	if sgs := c.List("VpcSecurityGroupIds"); len(sgs) > 0 {
		d.VpcSecurityGroups = sgs
	}
	return struct{ DBInstance dbInstance }{instanceView(c, d)}, nil
}

type dbSnapshot struct {
	DBSnapshotIdentifier string
	DBInstanceIdentifier string
	SnapshotCreateTime   time.Time
	Engine               string
	EngineVersion        string `xml:",omitempty"`
	AllocatedStorage     int
	Status               string
	SnapshotType         string
	Encrypted            bool
	KmsKeyId             string `xml:",omitempty"`
	DBSnapshotArn        string
}

func snapType(t string) string { return cmp.Or(t, "manual") }

func snapshotName(s *world.DBSnapshot) string {
	if snapType(s.Type) == "automated" && !strings.HasPrefix(s.ID, "rds:") {
		return "rds:" + s.ID
	}
	return s.ID
}

func describeDBSnapshots(c *svc.Ctx) (any, error) {
	inst, sid, typ := c.Form.Get("DBInstanceIdentifier"), c.Form.Get("DBSnapshotIdentifier"), c.Form.Get("SnapshotType")
	var all []dbSnapshot
	for _, s := range c.Regional().RDS.Snapshots {
		if inst != "" && !strings.EqualFold(s.InstanceID, inst) || sid != "" && snapshotName(s) != sid {
			continue
		}
		if typ != "" && typ != snapType(s.Type) && !(typ == "public" && contains(s.Restore, "all")) {
			continue
		}
		all = append(all, dbSnapshot{snapshotName(s), s.InstanceID, s.Created, cmp.Or(s.Engine, "postgres"), s.EngineVersion,
			s.AllocatedStorage, cmp.Or(s.Status, "available"), snapType(s.Type), s.Encrypted, s.KMSKeyID, c.ARN("rds", "snapshot:"+snapshotName(s))})
	}
	if sid != "" && len(all) == 0 {
		return nil, wire.Errorf(404, "DBSnapshotNotFound", "DBSnapshot %s not found.", sid)
	}
	p, next, err := svc.RecordsPage(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		DBSnapshots []dbSnapshot `xml:"DBSnapshots>DBSnapshot"`
		Marker      string       `xml:",omitempty"`
	}{p, next}, nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func findSnapshot(c *svc.Ctx, id string) (*world.DBSnapshot, error) {
	for _, s := range c.Regional().RDS.Snapshots {
		if snapshotName(s) == id {
			return s, nil
		}
	}
	return nil, wire.Errorf(404, "DBSnapshotNotFound", "DBSnapshot %s not found.", id)
}

type attrResult struct {
	DBSnapshotAttributesResult struct {
		DBSnapshotIdentifier string
		DBSnapshotAttributes []struct {
			AttributeName   string
			AttributeValues []string `xml:"AttributeValues>AttributeValue"`
		} `xml:"DBSnapshotAttributes>DBSnapshotAttribute"`
	}
}

func attributes(s *world.DBSnapshot) attrResult {
	var out attrResult
	out.DBSnapshotAttributesResult.DBSnapshotIdentifier = snapshotName(s)
	out.DBSnapshotAttributesResult.DBSnapshotAttributes = append(out.DBSnapshotAttributesResult.DBSnapshotAttributes, struct {
		AttributeName   string
		AttributeValues []string `xml:"AttributeValues>AttributeValue"`
	}{"restore", s.Restore})
	return out
}

func describeDBSnapshotAttributes(c *svc.Ctx) (any, error) {
	s, err := findSnapshot(c, c.Form.Get("DBSnapshotIdentifier"))
	if err != nil {
		return nil, err
	}
	return attributes(s), nil
}

func modifyDBSnapshotAttribute(c *svc.Ctx) (any, error) {
	if name := c.Form.Get("AttributeName"); name != "restore" {
		return nil, invalid("Invalid snapshot attribute name: %s", name)
	}
	s, err := findSnapshot(c, c.Form.Get("DBSnapshotIdentifier"))
	if err != nil {
		return nil, err
	}
	vals, err := modifyRestore(c, s.Restore, snapType(s.Type), s.Encrypted,
		wire.Errorf(400, "InvalidDBSnapshotState", "Automated snapshots cannot be shared. Copy the snapshot to a manual snapshot first."))
	if err != nil {
		return nil, err
	}
	s.Restore = vals
	return attributes(s), nil
}

// modifyRestore applies the ValuesToAdd and ValuesToRemove of a
// Modify(DB|DBCluster)SnapshotAttribute call to a snapshot's restore
// attribute, as AWS documents both: only manual snapshots are shared
// (automated answers the given error), an encrypted snapshot is never
// public, values are account IDs or "all", and at most 20 accounts.
func modifyRestore(c *svc.Ctx, restore []string, typ string, encrypted bool, automated error) ([]string, error) {
	add, remove := indexed(c, "ValuesToAdd.AttributeValue."), indexed(c, "ValuesToRemove.AttributeValue.")
	if typ == "automated" && len(add) > 0 {
		return nil, automated
	}
	for _, v := range add {
		if v == "all" && encrypted {
			return nil, invalid("Encrypted snapshots cannot be shared publicly.")
		}
		if v != "all" && (len(v) != 12 || strings.Trim(v, "0123456789") != "") {
			return nil, invalid("Invalid AWS account ID %s", v)
		}
	}
	drop := map[string]bool{}
	for _, v := range remove {
		drop[v] = true
	}
	var vals []string
	for _, v := range append(append([]string(nil), restore...), add...) {
		if !drop[v] && !contains(vals, v) {
			vals = append(vals, v)
		}
	}
	if len(vals) > 21 || len(vals) > 20 && !contains(vals, "all") {
		return nil, wire.Errorf(400, "SharedSnapshotQuotaExceeded", "You have exceeded the maximum number of accounts (20) you can share a snapshot with.")
	}
	return vals, nil
}

func indexed(c *svc.Ctx, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := c.Form[prefix+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

type dbCluster struct {
	DBClusterIdentifier              string
	DBClusterArn                     string
	Engine                           string
	EngineVersion                    string `xml:",omitempty"`
	Status                           string
	StorageEncrypted                 bool
	KmsKeyId                         string `xml:",omitempty"`
	BackupRetentionPeriod            int
	DeletionProtection               bool
	IAMDatabaseAuthenticationEnabled bool
	MultiAZ                          bool
	PubliclyAccessible               bool
	EnabledCloudwatchLogsExports     []string `xml:"EnabledCloudwatchLogsExports>member"`
	DBClusterMembers                 []struct {
		DBInstanceIdentifier string
		IsClusterWriter      bool
	} `xml:"DBClusterMembers>DBClusterMember"`
	ClusterCreateTime       time.Time
	MasterUsername          string `xml:",omitempty"`
	Port                    int
	BacktrackWindow         int64 `xml:",omitempty"`
	CopyTagsToSnapshot      bool
	AutoMinorVersionUpgrade bool
	TagList                 []tag `xml:"TagList>Tag"`
}

func describeDBClusters(c *svc.Ctx) (any, error) {
	id := c.Form.Get("DBClusterIdentifier")
	var all []dbCluster
	for _, d := range c.Regional().RDS.Clusters {
		if id != "" && !strings.EqualFold(d.ID, id) {
			continue
		}
		v := dbCluster{DBClusterIdentifier: d.ID, DBClusterArn: c.ARN("rds", "cluster:"+d.ID), Engine: cmp.Or(d.Engine, "aurora-postgresql"),
			EngineVersion: d.EngineVersion, Status: cmp.Or(d.Status, "available"), StorageEncrypted: d.StorageEncrypted, KmsKeyId: d.KMSKeyID,
			BackupRetentionPeriod: d.BackupRetentionPeriod, DeletionProtection: d.DeletionProtection, IAMDatabaseAuthenticationEnabled: d.IAMAuth,
			MultiAZ: d.MultiAZ, PubliclyAccessible: d.PubliclyAccessible, EnabledCloudwatchLogsExports: d.LogExports, ClusterCreateTime: d.Created,
			MasterUsername: d.MasterUsername, Port: port(cmp.Or(d.Engine, "aurora-postgresql")), BacktrackWindow: d.BacktrackWindow,
			CopyTagsToSnapshot: d.CopyTagsToSnapshot, AutoMinorVersionUpgrade: d.AutoMinorVersionUpgrade, TagList: tags(d.Tags)}
		if d.Port != 0 {
			v.Port = d.Port
		}
		for i, m := range d.Members {
			v.DBClusterMembers = append(v.DBClusterMembers, struct {
				DBInstanceIdentifier string
				IsClusterWriter      bool
			}{m, i == 0})
		}
		all = append(all, v)
	}
	if id != "" && len(all) == 0 {
		return nil, wire.Errorf(404, "DBClusterNotFoundFault", "DBCluster %s not found.", id)
	}
	p, next, err := svc.RecordsPage(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		DBClusters []dbCluster `xml:"DBClusters>DBCluster"`
		Marker     string      `xml:",omitempty"`
	}{p, next}, nil
}

type dbClusterSnapshot struct {
	DBClusterSnapshotIdentifier string
	DBClusterIdentifier         string
	DBClusterSnapshotArn        string
	SnapshotCreateTime          time.Time
	Engine                      string
	Status                      string
	SnapshotType                string
	StorageEncrypted            bool
	KmsKeyId                    string `xml:",omitempty"`
}

func describeDBClusterSnapshots(c *svc.Ctx) (any, error) {
	cid, sid := c.Form.Get("DBClusterIdentifier"), c.Form.Get("DBClusterSnapshotIdentifier")
	var all []dbClusterSnapshot
	for _, s := range c.Regional().RDS.ClusterSnapshots {
		if cid != "" && !strings.EqualFold(s.ClusterID, cid) || sid != "" && s.ID != sid {
			continue
		}
		all = append(all, dbClusterSnapshot{s.ID, s.ClusterID, c.ARN("rds", "cluster-snapshot:"+s.ID), s.Created,
			cmp.Or(s.Engine, "aurora-postgresql"), cmp.Or(s.Status, "available"), snapType(s.Type), s.Encrypted, s.KMSKeyID})
	}
	if sid != "" && len(all) == 0 {
		return nil, wire.Errorf(404, "DBClusterSnapshotNotFoundFault", "DBClusterSnapshot %s not found.", sid)
	}
	p, next, err := svc.RecordsPage(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		DBClusterSnapshots []dbClusterSnapshot `xml:"DBClusterSnapshots>DBClusterSnapshot"`
		Marker             string              `xml:",omitempty"`
	}{p, next}, nil
}

type clusterAttrResult struct {
	DBClusterSnapshotAttributesResult struct {
		DBClusterSnapshotIdentifier string
		DBClusterSnapshotAttributes []struct {
			AttributeName   string
			AttributeValues []string `xml:"AttributeValues>AttributeValue"`
		} `xml:"DBClusterSnapshotAttributes>DBClusterSnapshotAttribute"`
	}
}

func findClusterSnapshot(c *svc.Ctx, id string) (*world.DBClusterSnapshot, error) {
	if id == "" {
		return nil, wire.Errorf(400, "MissingParameter", "The request must contain the parameter DBClusterSnapshotIdentifier")
	}
	for _, s := range c.Regional().RDS.ClusterSnapshots {
		if s.ID == id {
			return s, nil
		}
	}
	return nil, wire.Errorf(404, "DBClusterSnapshotNotFoundFault", "DBClusterSnapshot %s not found.", id)
}

func clusterAttributes(s *world.DBClusterSnapshot) clusterAttrResult {
	var out clusterAttrResult
	out.DBClusterSnapshotAttributesResult.DBClusterSnapshotIdentifier = s.ID
	out.DBClusterSnapshotAttributesResult.DBClusterSnapshotAttributes = append(out.DBClusterSnapshotAttributesResult.DBClusterSnapshotAttributes, struct {
		AttributeName   string
		AttributeValues []string `xml:"AttributeValues>AttributeValue"`
	}{"restore", s.Restore})
	return out
}

// describeDBClusterSnapshotAttributes answers the restore attribute of a
// cluster snapshot: the accounts it is shared with, or "all" (public).
func describeDBClusterSnapshotAttributes(c *svc.Ctx) (any, error) {
	s, err := findClusterSnapshot(c, c.Form.Get("DBClusterSnapshotIdentifier"))
	if err != nil {
		return nil, err
	}
	return clusterAttributes(s), nil
}

// modifyDBClusterSnapshotAttribute shares a manual cluster snapshot with
// accounts, or with everyone ("all"), or stops sharing it, as
// ModifyDBSnapshotAttribute does for DB snapshots.
func modifyDBClusterSnapshotAttribute(c *svc.Ctx) (any, error) {
	if name := c.Form.Get("AttributeName"); name != "restore" {
		return nil, invalid("Invalid cluster snapshot attribute name: %s", name)
	}
	s, err := findClusterSnapshot(c, c.Form.Get("DBClusterSnapshotIdentifier"))
	if err != nil {
		return nil, err
	}
	vals, err := modifyRestore(c, s.Restore, snapType(s.Type), s.Encrypted,
		wire.Errorf(400, "InvalidDBClusterSnapshotStateFault", "Only manual DB cluster snapshots can be shared."))
	if err != nil {
		return nil, err
	}
	s.Restore = vals
	return clusterAttributes(s), nil
}

type eventSubscription struct {
	CustomerAwsId            string
	CustSubscriptionId       string
	SnsTopicArn              string
	Status                   string
	SubscriptionCreationTime string
	SourceType               string   `xml:",omitempty"`
	SourceIdsList            []string `xml:"SourceIdsList>SourceId"`
	EventCategoriesList      []string `xml:"EventCategoriesList>EventCategory"`
	Enabled                  bool
	EventSubscriptionArn     string
}

func describeEventSubscriptions(c *svc.Ctx) (any, error) {
	name := c.Form.Get("SubscriptionName")
	var all []eventSubscription
	for _, s := range c.Regional().RDS.EventSubscriptions {
		if name != "" && s.Name != name {
			continue
		}
		status := "active"
		if !s.Enabled {
			status = "inactive"
		}
		all = append(all, eventSubscription{c.Account.ID, s.Name, s.SNSTopicARN, status, s.Created.Format("2006-01-02 15:04:05.000"),
			s.SourceType, s.SourceIDs, s.EventCategories, s.Enabled, c.ARN("rds", "es:"+s.Name)})
	}
	if name != "" && len(all) == 0 {
		return nil, wire.Errorf(404, "SubscriptionNotFound", "Subscription %s not found.", name)
	}
	p, next, err := svc.RecordsPage(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		EventSubscriptionsList []eventSubscription `xml:"EventSubscriptionsList>EventSubscription"`
		Marker                 string              `xml:",omitempty"`
	}{p, next}, nil
}
