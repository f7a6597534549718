// Package rds holds the Amazon RDS controls: DB instances (instance.go),
// DB clusters (cluster.go), event subscriptions (event.go) and DB and
// cluster snapshots (snapshot.go). They read the "rds"
// collector's state and never call AWS.
//
// An Aurora, Neptune or DocumentDB instance belongs to a DB cluster, which
// owns some of its settings (Multi-AZ, log exports, copying tags to
// snapshots, deletion protection). Where Security Hub judges such a
// setting on the cluster (RDS.7, RDS.15, RDS.16), the instance control
// reports NOT_APPLICABLE for the member and says why; where the
// instance reflects the cluster's value, the instance is judged.
package rds

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/rds"
)

// Controls returns the RDS controls.
func Controls() []*control.Control {
	return []*control.Control{
		rds1(), rds2(), rds3(), rds4(), rds5(), rds6(), rds8(), rds9(),
		rds10(), rds11(), rds13(), rds17(), rds18(), rds23(),
		rds7(), rds12(), rds14(), rds15(), rds16(), rds19(), rds20(), rds21(), rds22(), rds24(), rds25(), rds27(), rds34(), rds35(),
	}
}

// state returns the region's RDS state, or reports ERROR and returns nil
// when the collector did not run there.
func state(in *control.Input) *rds.RDS {
	if in.Region == nil || in.Region.RDS == nil {
		in.Error(in.AccountMeta(), "RDS state was not collected in %s", in.RegionName())
		return nil
	}
	return in.Region.RDS
}

func instanceMeta(in *control.Input, i *rds.Instance) snapshot.Meta {
	return snapshot.Meta{ARN: i.ARN, Type: "AwsRdsDbInstance", Name: i.ID, Account: in.Account.ID,
		Region: in.RegionName(), Tags: i.Tags}
}

func snapshotMeta(in *control.Input, s *rds.Snapshot) snapshot.Meta {
	typ := "AwsRdsDbSnapshot"
	if s.Cluster {
		typ = "AwsRdsDbClusterSnapshot"
	}
	return snapshot.Meta{ARN: s.ARN, Type: typ, Name: s.ID, Account: in.Account.ID, Region: in.RegionName(), Tags: s.Tags}
}

// instanceControl completes c as a control that judges every DB instance
// of the region with judge.
func instanceControl(c control.Control, judge func(in *control.Input, r *rds.RDS, m snapshot.Meta, i *rds.Instance)) *control.Control {
	c.Service = "RDS"
	c.ResourceType = "AwsRdsDbInstance"
	c.Needs = []string{"rds"}
	c.Check = func(in *control.Input) {
		r := state(in)
		if r == nil {
			return
		}
		for _, i := range r.Instances {
			judge(in, r, instanceMeta(in, i), i)
		}
	}
	return &c
}

// snapshotControl completes c as a control that judges every DB and
// cluster snapshot of the region with judge. A snapshot list that could
// not be read yields one ERROR for the region.
func snapshotControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, s *rds.Snapshot)) *control.Control {
	c.Service = "RDS"
	c.ResourceType = "AwsRdsDbSnapshot"
	c.Needs = []string{"rds"}
	c.Check = func(in *control.Input) {
		r := state(in)
		if r == nil {
			return
		}
		var unread []string
		for _, list := range []struct{ key, what string }{{"snapshots", "DB snapshots"}, {"cluster_snapshots", "DB cluster snapshots"}} {
			if why, ok := r.Errors[list.key]; ok {
				unread = append(unread, list.what+": "+why)
			}
		}
		if len(unread) > 0 {
			in.Error(in.AccountMeta(), "could not list %s", strings.Join(unread, "; "))
		}
		for _, s := range r.Snapshots {
			judge(in, snapshotMeta(in, s), s)
		}
	}
	return &c
}
