// Package elasticache simulates Amazon ElastiCache (awsQuery, API version
// 2015-02-02): cache clusters and replication groups, listed with
// MaxRecords (20-100, default 100) and Marker as AWS documents, and
// modified with ModifyCacheCluster.
package elasticache

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon ElastiCache (awsQuery) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:      "elasticache",
		Protocol:  wire.Query,
		Namespace: "http://elasticache.amazonaws.com/doc/2015-02-02/",
		Ops: map[string]svc.Handler{
			"DescribeCacheClusters":     describeCacheClusters,
			"DescribeReplicationGroups": describeReplicationGroups,
			"ModifyCacheCluster":        modifyCacheCluster,
		},
	}
}

func invalid(format string, args ...any) error {
	return wire.Errorf(400, "InvalidParameterValue", format, args...)
}

type cacheCluster struct {
	CacheClusterId            string
	ARN                       string
	CacheNodeType             string
	Engine                    string
	EngineVersion             string
	CacheClusterStatus        string
	NumCacheNodes             int
	PreferredAvailabilityZone string `xml:",omitempty"`
	CacheClusterCreateTime    time.Time
	CacheSubnetGroupName      string `xml:",omitempty"`
	AutoMinorVersionUpgrade   bool
	ReplicationGroupId        string `xml:",omitempty"`
	SnapshotRetentionLimit    *int   `xml:",omitempty"`
	SnapshotWindow            string `xml:",omitempty"`
	AuthTokenEnabled          bool
	TransitEncryptionEnabled  bool
	AtRestEncryptionEnabled   bool
}

func clusterView(c *svc.Ctx, d *world.CacheCluster) cacheCluster {
	engine := cmp.Or(d.Engine, "redis")
	v := cacheCluster{CacheClusterId: d.ID, ARN: c.ARN("elasticache", "cluster:"+d.ID), CacheNodeType: cmp.Or(d.NodeType, "cache.t3.micro"),
		Engine: engine, EngineVersion: d.EngineVersion, CacheClusterStatus: cmp.Or(d.Status, "available"), NumCacheNodes: d.NumNodes,
		PreferredAvailabilityZone: d.AvailabilityZone, CacheClusterCreateTime: d.Created, CacheSubnetGroupName: cmp.Or(d.SubnetGroup, "default"),
		AutoMinorVersionUpgrade: d.AutoMinorVersionUpgrade, ReplicationGroupId: d.ReplicationGroupID, AuthTokenEnabled: d.AuthToken,
		TransitEncryptionEnabled: d.TransitEncryption, AtRestEncryptionEnabled: d.AtRestEncryption}
	if v.NumCacheNodes == 0 {
		v.NumCacheNodes = 1
	}
	if engine != "memcached" {
		// Memcached has no snapshots: AWS leaves both fields out for it.
		n := d.SnapshotRetentionLimit
		v.SnapshotRetentionLimit = &n
		v.SnapshotWindow = "05:00-06:00"
	}
	return v
}

func findCluster(c *svc.Ctx, id string) (*world.CacheCluster, error) {
	for _, d := range c.Regional().ElastiCache.CacheClusters {
		if strings.EqualFold(d.ID, id) {
			return d, nil
		}
	}
	return nil, wire.Errorf(404, "CacheClusterNotFound", "CacheCluster not found: %s", id)
}

func describeCacheClusters(c *svc.Ctx) (any, error) {
	notInGroups := false
	if s := c.Form.Get("ShowCacheClustersNotInReplicationGroups"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, invalid("Invalid boolean value %q for ShowCacheClustersNotInReplicationGroups", s)
		}
		notInGroups = b
	}
	var all []cacheCluster
	if id := c.Form.Get("CacheClusterId"); id != "" {
		d, err := findCluster(c, id)
		if err != nil {
			return nil, err
		}
		all = append(all, clusterView(c, d))
	} else {
		for _, d := range c.Regional().ElastiCache.CacheClusters {
			if notInGroups && d.ReplicationGroupID != "" {
				continue
			}
			all = append(all, clusterView(c, d))
		}
	}
	p, next, err := svc.RecordsPage(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		CacheClusters []cacheCluster `xml:"CacheClusters>CacheCluster"`
		Marker        string         `xml:",omitempty"`
	}{p, next}, nil
}

type replicationGroup struct {
	ReplicationGroupId         string
	ARN                        string
	Description                string
	Status                     string
	Engine                     string
	MemberClusters             []string `xml:"MemberClusters>ClusterId"`
	AutomaticFailover          string
	MultiAZ                    string
	SnapshotRetentionLimit     int
	ClusterEnabled             bool
	AuthTokenEnabled           bool
	TransitEncryptionEnabled   bool
	AtRestEncryptionEnabled    bool
	KmsKeyId                   string `xml:",omitempty"`
	ReplicationGroupCreateTime time.Time
}

func describeReplicationGroups(c *svc.Ctx) (any, error) {
	id := c.Form.Get("ReplicationGroupId")
	var all []replicationGroup
	for _, g := range c.Regional().ElastiCache.ReplicationGroups {
		if id != "" && !strings.EqualFold(g.ID, id) {
			continue
		}
		multiAZ := "disabled"
		if g.MultiAZ {
			multiAZ = "enabled"
		}
		all = append(all, replicationGroup{ReplicationGroupId: g.ID, ARN: c.ARN("elasticache", "replicationgroup:"+g.ID),
			Description: cmp.Or(g.Description, g.ID), Status: cmp.Or(g.Status, "available"), Engine: cmp.Or(g.Engine, "redis"),
			MemberClusters: g.Members, AutomaticFailover: cmp.Or(g.AutomaticFailover, "disabled"), MultiAZ: multiAZ,
			SnapshotRetentionLimit: g.SnapshotRetentionLimit, ClusterEnabled: g.ClusterEnabled, AuthTokenEnabled: g.AuthToken,
			TransitEncryptionEnabled: g.TransitEncryption, AtRestEncryptionEnabled: g.AtRestEncryption, KmsKeyId: g.KMSKeyID,
			ReplicationGroupCreateTime: g.Created})
	}
	if id != "" && len(all) == 0 {
		return nil, wire.Errorf(404, "ReplicationGroupNotFoundFault", "Replication group %s not found.", id)
	}
	p, next, err := svc.RecordsPage(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		ReplicationGroups []replicationGroup `xml:"ReplicationGroups>ReplicationGroup"`
		Marker            string             `xml:",omitempty"`
	}{p, next}, nil
}

// modifyCacheCluster changes the settings the controls judge: automatic
// minor version upgrades and the snapshot retention limit (0-35 days,
// Redis OSS / Valkey only; for a replication group member AWS wants the
// group modified instead).
func modifyCacheCluster(c *svc.Ctx) (any, error) {
	id := c.Form.Get("CacheClusterId")
	if id == "" {
		return nil, wire.Errorf(400, "MissingParameter", "The request must contain the parameter CacheClusterId")
	}
	d, err := findCluster(c, id)
	if err != nil {
		return nil, err
	}
	var upgrade *bool
	if s := c.Form.Get("AutoMinorVersionUpgrade"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, invalid("Invalid boolean value %q for AutoMinorVersionUpgrade", s)
		}
		upgrade = &b
	}
	retention := -1
	if s := c.Form.Get("SnapshotRetentionLimit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 35 {
			return nil, invalid("Invalid snapshot retention limit: %s. Must be between 0 and 35.", s)
		}
		if cmp.Or(d.Engine, "redis") == "memcached" {
			return nil, wire.Errorf(400, "InvalidParameterCombination", "Snapshots are not supported for the memcached engine.")
		}
		if d.ReplicationGroupID != "" {
			return nil, wire.Errorf(400, "InvalidParameterCombination",
				"Cannot modify snapshot retention of a replication group member; modify replication group %s instead.", d.ReplicationGroupID)
		}
		retention = n
	}
	// Validated first: a refused call changes nothing.
	if upgrade != nil {
		d.AutoMinorVersionUpgrade = *upgrade
	}
	if retention >= 0 {
		d.SnapshotRetentionLimit = retention
	}
	return struct{ CacheCluster cacheCluster }{clusterView(c, d)}, nil
}
