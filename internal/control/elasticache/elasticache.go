// Package elasticache holds the Amazon ElastiCache controls
// (ElastiCache.1-ElastiCache.7): cache clusters and replication groups.
// They read the "elasticache" collector's state and never call AWS.
//
// A Redis OSS or Valkey replication group owns its backups, failover,
// encryption and AUTH; its node clusters only mirror them. Controls on
// those settings judge the group, and report a member cluster
// NOT_APPLICABLE where AWS judges the group instead.
package elasticache

import (
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/elasticache"
)

// Controls returns the ElastiCache controls.
func Controls() []*control.Control {
	return []*control.Control{ec1(), ec2(), ec3(), ec4(), ec5(), ec6(), ec7()}
}

const (
	clusterType = "AwsElastiCacheCacheCluster"
	groupType   = "AwsElastiCacheReplicationGroup"
)

func state(in *control.Input) *elasticache.ElastiCache {
	if in.Region == nil || in.Region.ElastiCache == nil {
		in.Error(in.AccountMeta(), "ElastiCache state was not collected in %s", in.RegionName())
		return nil
	}
	return in.Region.ElastiCache
}

func clusterMeta(in *control.Input, c *elasticache.Cluster) snapshot.Meta {
	return snapshot.Meta{ARN: c.ARN, Type: clusterType, Name: c.ID, Account: in.Account.ID, Region: in.RegionName()}
}

func groupMeta(in *control.Input, g *elasticache.Group) snapshot.Meta {
	return snapshot.Meta{ARN: g.ARN, Type: groupType, Name: g.ID, Account: in.Account.ID, Region: in.RegionName()}
}

// groupsRead reports whether the replication groups were read, and
// reports one ERROR for the region when they were not.
func groupsRead(in *control.Input, e *elasticache.ElastiCache) bool {
	if why, ok := e.Errors["replication_groups"]; ok {
		in.Error(in.AccountMeta(), "could not list replication groups: %s", why)
		return false
	}
	return true
}

func clusterControl(c control.Control, judge func(in *control.Input, e *elasticache.ElastiCache, m snapshot.Meta, cl *elasticache.Cluster)) *control.Control {
	c.Service = "ElastiCache"
	c.ResourceType = clusterType
	c.Needs = []string{"elasticache"}
	c.Check = func(in *control.Input) {
		e := state(in)
		if e == nil {
			return
		}
		for _, cl := range e.Clusters {
			judge(in, e, clusterMeta(in, cl), cl)
		}
	}
	return &c
}

func groupControl(c control.Control, judge func(in *control.Input, e *elasticache.ElastiCache, m snapshot.Meta, g *elasticache.Group)) *control.Control {
	c.Service = "ElastiCache"
	c.ResourceType = groupType
	c.Needs = []string{"elasticache"}
	c.Check = func(in *control.Input) {
		e := state(in)
		if e == nil || !groupsRead(in, e) {
			return
		}
		for _, g := range e.Groups {
			judge(in, e, groupMeta(in, g), g)
		}
	}
	return &c
}

// minRetentionDays is Security Hub's snapshotRetentionPeriod default for
// ElastiCache.1.
const minRetentionDays = 1

func ec1() *control.Control {
	c := control.Control{
		ID:       "ElastiCache.1",
		Title:    "ElastiCache (Redis OSS) clusters should have automatic backups enabled",
		Severity: control.High,
		Rationale: "Automatic backups let a Redis OSS or Valkey cache that holds state (sessions, queues, " +
			"leaderboards) be restored after data loss, a bad deployment or a destructive command.",
		Remediation: "Console: ElastiCache > Redis OSS caches > the cache > Modify > Backup > Enable automatic backups, " +
			"retention 1 day or more > Preview changes > Modify.\n" +
			"CLI: aws elasticache modify-replication-group --replication-group-id <id> --snapshot-retention-limit 7 --apply-immediately " +
			"(a standalone cluster: aws elasticache modify-cache-cluster --cache-cluster-id <id> --snapshot-retention-limit 7)",
		WellArchitected: []string{"SEC10"},
		Service:         "ElastiCache",
		ResourceType:    clusterType,
		Needs:           []string{"elasticache"},
	}
	judge := func(in *control.Input, m snapshot.Meta, days int) {
		if days >= minRetentionDays {
			in.Pass(m, "automatic backups kept %d day(s)", days)
			return
		}
		in.Fail(m, "automatic backups disabled (retention %d days)", days)
	}
	c.Check = func(in *control.Input) {
		e := state(in)
		if e == nil {
			return
		}
		for _, cl := range e.Clusters {
			m := clusterMeta(in, cl)
			switch {
			case cl.Engine == "memcached":
				in.NotApplicable(m, "Memcached has no backups")
			case cl.GroupID != "":
				in.NotApplicable(m, "member of replication group %s, which holds the backup setting", cl.GroupID)
			case cl.SnapshotRetentionDays == nil:
				in.Error(m, "backup retention not reported for engine %s", cl.Engine)
			default:
				judge(in, m, *cl.SnapshotRetentionDays)
			}
		}
		if !groupsRead(in, e) {
			return
		}
		for _, g := range e.Groups {
			judge(in, groupMeta(in, g), g.SnapshotRetentionDays)
		}
	}
	return &c
}

func ec2() *control.Control {
	return clusterControl(control.Control{
		ID:       "ElastiCache.2",
		Title:    "ElastiCache clusters should have automatic minor version upgrades enabled",
		Severity: control.High,
		Rationale: "Minor engine versions carry security fixes; upgrading automatically in the maintenance " +
			"window keeps the cache patched without anyone having to remember.",
		Remediation: "Console: ElastiCache > the cache > Modify > Maintenance > Auto upgrade minor versions: Enable > Modify.\n" +
			"CLI: aws elasticache modify-cache-cluster --cache-cluster-id <id> --auto-minor-version-upgrade --apply-immediately " +
			"(a replication group: aws elasticache modify-replication-group --replication-group-id <id> --auto-minor-version-upgrade)",
		WellArchitected: []string{"SEC06"},
	}, func(in *control.Input, _ *elasticache.ElastiCache, m snapshot.Meta, cl *elasticache.Cluster) {
		in.Check(m, cl.AutoMinorVersionUpgrade, "automatic minor version upgrades enabled", "automatic minor version upgrades disabled")
	})
}

func ec3() *control.Control {
	return groupControl(control.Control{
		ID:       "ElastiCache.3",
		Title:    "ElastiCache replication groups should have automatic failover enabled",
		Severity: control.Medium,
		Rationale: "With automatic failover a replica is promoted when the primary node fails, so the cache " +
			"stays writable without an operator stepping in.",
		Remediation: "Add at least one replica first, then: Console: ElastiCache > the cache > Modify > Auto-failover: Enable > Modify.\n" +
			"CLI: aws elasticache modify-replication-group --replication-group-id <id> --automatic-failover-enabled --apply-immediately",
	}, func(in *control.Input, _ *elasticache.ElastiCache, m snapshot.Meta, g *elasticache.Group) {
		if g.AutomaticFailover == "enabled" {
			in.Pass(m, "automatic failover enabled")
			return
		}
		in.Fail(m, "automatic failover %s", orNone(g.AutomaticFailover))
	})
}

func ec4() *control.Control {
	return groupControl(control.Control{
		ID:       "ElastiCache.4",
		Title:    "ElastiCache replication groups should be encrypted at rest",
		Severity: control.Medium,
		Rationale: "Encryption at rest protects the cache's disk, swap and backups in Amazon S3 if the media " +
			"or a backup is exposed.",
		Remediation: "Encryption at rest is set when a replication group is created: back up the group, create a new " +
			"group from the backup with encryption at rest (and a KMS key), and move clients to it.\n" +
			"CLI: aws elasticache create-snapshot --replication-group-id <id> --snapshot-name <id>-plain && " +
			"aws elasticache create-replication-group --replication-group-id <new-id> --replication-group-description <text> " +
			"--snapshot-name <id>-plain --at-rest-encryption-enabled --kms-key-id <key>",
		WellArchitected: []string{"SEC08"},
	}, func(in *control.Input, _ *elasticache.ElastiCache, m snapshot.Meta, g *elasticache.Group) {
		in.Check(m, g.AtRestEncryption, "encrypted at rest", "not encrypted at rest")
	})
}

func ec5() *control.Control {
	return groupControl(control.Control{
		ID:       "ElastiCache.5",
		Title:    "ElastiCache replication groups should be encrypted in transit",
		Severity: control.Medium,
		Rationale: "Without TLS, cached data and AUTH tokens cross the network in clear text, readable by anyone " +
			"who can capture traffic in the VPC.",
		Remediation: "Console: ElastiCache > the cache > Modify > Security > Encryption in transit: Enable, transit " +
			"encryption mode Preferred, then Required once clients use TLS > Modify.\n" +
			"CLI: aws elasticache modify-replication-group --replication-group-id <id> --transit-encryption-enabled " +
			"--transit-encryption-mode preferred --apply-immediately",
		WellArchitected: []string{"SEC09"},
	}, func(in *control.Input, _ *elasticache.ElastiCache, m snapshot.Meta, g *elasticache.Group) {
		in.Check(m, g.TransitEncryption, "encrypted in transit", "not encrypted in transit")
	})
}

// major returns the major number of an engine version ("5.0.6" -> 5).
func major(version string) (int, bool) {
	head, _, _ := strings.Cut(version, ".")
	n, err := strconv.Atoi(head)
	return n, err == nil
}

func ec6() *control.Control {
	return groupControl(control.Control{
		ID:       "ElastiCache.6",
		Title:    "ElastiCache (Redis OSS) replication groups of earlier versions should have Redis OSS AUTH enabled",
		Severity: control.Medium,
		Rationale: "Before version 6.0 Redis OSS has no users or access control lists: without an AUTH token, " +
			"anything that can reach the port can read and change every key.",
		Remediation: "Turn on encryption in transit, then set an AUTH token (or upgrade to 6.0 or later and use RBAC user groups).\n" +
			"CLI: aws elasticache modify-replication-group --replication-group-id <id> --auth-token <token> " +
			"--auth-token-update-strategy ROTATE --apply-immediately",
		WellArchitected: []string{"SEC03"},
	}, func(in *control.Input, e *elasticache.ElastiCache, m snapshot.Meta, g *elasticache.Group) {
		if g.Engine == "valkey" {
			in.NotApplicable(m, "Valkey uses RBAC user groups")
			return
		}
		var version string
		for _, id := range g.Members {
			if cl := e.Cluster(id); cl != nil && cl.Version != "" {
				version = cl.Version
				break
			}
		}
		n, ok := major(version)
		switch {
		case !ok:
			in.Error(m, "engine version unknown: no member cluster of the group was listed")
		case n >= 6:
			in.NotApplicable(m, "Redis OSS %s uses RBAC user groups", version)
		default:
			in.Check(m, g.AuthToken, "Redis OSS "+version+" with AUTH enabled", "Redis OSS "+version+" without AUTH")
		}
	})
}

func ec7() *control.Control {
	return clusterControl(control.Control{
		ID:       "ElastiCache.7",
		Title:    "ElastiCache clusters should not use the default subnet group",
		Severity: control.High,
		Rationale: "The default subnet group spans the default VPC's subnets, which are public by default; a " +
			"custom subnet group keeps cache nodes in private subnets chosen for them.",
		Remediation: "A cluster's subnet group cannot be changed: create a subnet group of private subnets, create a " +
			"new cache in it (from a backup for Redis OSS / Valkey) and move clients to it.\n" +
			"CLI: aws elasticache create-cache-subnet-group --cache-subnet-group-name <name> --cache-subnet-group-description <text> " +
			"--subnet-ids <private-subnet-ids>, then create the cache with --cache-subnet-group-name <name>",
		WellArchitected: []string{"SEC05"},
	}, func(in *control.Input, _ *elasticache.ElastiCache, m snapshot.Meta, cl *elasticache.Cluster) {
		switch cl.SubnetGroup {
		case "":
			in.NotApplicable(m, "not in a VPC subnet group")
		case "default":
			in.Fail(m, "uses the default subnet group")
		default:
			in.Pass(m, "uses subnet group %s", cl.SubnetGroup)
		}
	})
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
