// Package redshift simulates Amazon Redshift (awsQuery, API version
// 2012-12-01): provisioned clusters, their audit logging status and their
// parameter groups, with MaxRecords (20-100, default 100) and Marker
// paging as AWS documents, and ModifyCluster for the settings the
// controls judge.
package redshift

import (
	"cmp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon Redshift (awsQuery) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:      "redshift",
		Protocol:  wire.Query,
		Namespace: "http://redshift.amazonaws.com/doc/2012-12-01/",
		Ops: map[string]svc.Handler{
			"DescribeClusters":          describeClusters,
			"DescribeLoggingStatus":     describeLoggingStatus,
			"DescribeClusterParameters": describeClusterParameters,
			"ModifyCluster":             modifyCluster,
		},
	}
}

const defaultGroup = "default.redshift-1.0"

// defaults are the engine-default values of the redshift-1.0 family that
// matter to security checks (a subset of the family's parameters).
var defaults = map[string]string{
	"auto_analyze":                     "true",
	"datestyle":                        "ISO, MDY",
	"enable_user_activity_logging":     "false",
	"extra_float_digits":               "0",
	"max_concurrency_scaling_clusters": "1",
	"query_group":                      "default",
	"require_ssl":                      "false",
	"search_path":                      "$user, public",
	"statement_timeout":                "0",
	"use_fips_ssl":                     "false",
}

func invalid(format string, args ...any) error {
	return wire.Errorf(400, "InvalidParameterValue", format, args...)
}

type tag struct{ Key, Value string }

type cluster struct {
	ClusterIdentifier string
	NodeType          string
	ClusterStatus     string
	MasterUsername    string
	DBName            string
	Endpoint          struct {
		Address string
		Port    int
	}
	ClusterCreateTime                time.Time
	AutomatedSnapshotRetentionPeriod int
	ClusterParameterGroups           []struct{ ParameterGroupName, ParameterApplyStatus string } `xml:"ClusterParameterGroups>ClusterParameterGroup"`
	VpcId                            string                                                      `xml:",omitempty"`
	AllowVersionUpgrade              bool
	NumberOfNodes                    int
	PubliclyAccessible               bool
	Encrypted                        bool
	KmsKeyId                         string `xml:",omitempty"`
	EnhancedVpcRouting               bool
	ClusterNamespaceArn              string
	Tags                             []tag `xml:"Tags>Tag"`
}

func view(c *svc.Ctx, d *world.RedshiftCluster) cluster {
	v := cluster{ClusterIdentifier: d.ID, NodeType: cmp.Or(d.NodeType, "ra3.xlplus"), ClusterStatus: cmp.Or(d.Status, "available"),
		MasterUsername: cmp.Or(d.MasterUsername, "awsuser"), DBName: cmp.Or(d.DBName, "dev"), ClusterCreateTime: d.Created,
		AutomatedSnapshotRetentionPeriod: d.SnapshotRetention, VpcId: d.VpcID, AllowVersionUpgrade: d.AllowVersionUpgrade,
		NumberOfNodes: d.Nodes, PubliclyAccessible: d.PubliclyAccessible, Encrypted: d.Encrypted, KmsKeyId: d.KMSKeyID,
		EnhancedVpcRouting: d.EnhancedVpcRouting, ClusterNamespaceArn: c.ARN("redshift", "namespace:"+strings.ToLower(d.ID)+"-ns")}
	if v.NumberOfNodes == 0 {
		v.NumberOfNodes = 1
	}
	v.Endpoint.Address = d.ID + ".c" + c.Account.ID[:8] + "." + c.Region + ".redshift.amazonaws.com"
	v.Endpoint.Port = 5439
	if d.Port != 0 {
		v.Endpoint.Port = d.Port
	}
	v.ClusterParameterGroups = append(v.ClusterParameterGroups, struct{ ParameterGroupName, ParameterApplyStatus string }{
		cmp.Or(d.ParameterGroup, defaultGroup), "in-sync"})
	keys := make([]string, 0, len(d.Tags))
	for k := range d.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v.Tags = append(v.Tags, tag{k, d.Tags[k]})
	}
	return v
}

func findCluster(c *svc.Ctx, id string) (*world.RedshiftCluster, error) {
	if id == "" {
		return nil, wire.Errorf(400, "MissingParameter", "The request must contain the parameter ClusterIdentifier")
	}
	for _, d := range c.Regional().Redshift.Clusters {
		if strings.EqualFold(d.ID, id) {
			return d, nil
		}
	}
	return nil, wire.Errorf(404, "ClusterNotFound", "Cluster %s not found.", id)
}

func describeClusters(c *svc.Ctx) (any, error) {
	var all []cluster
	if id := c.Form.Get("ClusterIdentifier"); id != "" {
		d, err := findCluster(c, id)
		if err != nil {
			return nil, err
		}
		all = append(all, view(c, d))
	} else {
		for _, d := range c.Regional().Redshift.Clusters {
			all = append(all, view(c, d))
		}
	}
	p, next, err := svc.RecordsPage(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		Clusters []cluster `xml:"Clusters>Cluster"`
		Marker   string    `xml:",omitempty"`
	}{p, next}, nil
}

func describeLoggingStatus(c *svc.Ctx) (any, error) {
	d, err := findCluster(c, c.Form.Get("ClusterIdentifier"))
	if err != nil {
		return nil, err
	}
	type status struct {
		LoggingEnabled     bool
		BucketName         string   `xml:",omitempty"`
		S3KeyPrefix        string   `xml:",omitempty"`
		LogDestinationType string   `xml:",omitempty"`
		LogExports         []string `xml:"LogExports>member"`
	}
	if d.Logging == nil {
		return status{}, nil
	}
	l := d.Logging
	return status{true, l.Bucket, l.Prefix, cmp.Or(l.Destination, "s3"), l.Exports}, nil
}

type parameter struct {
	ParameterName  string
	ParameterValue string
	Source         string
	DataType       string
	ApplyType      string
	IsModifiable   bool
}

func describeClusterParameters(c *svc.Ctx) (any, error) {
	name := c.Form.Get("ParameterGroupName")
	if name == "" {
		return nil, wire.Errorf(400, "MissingParameter", "The request must contain the parameter ParameterGroupName")
	}
	source := c.Form.Get("Source")
	if source != "" && source != "user" && source != "engine-default" {
		return nil, invalid("Invalid value %q for Source. Must be user or engine-default", source)
	}
	var set map[string]string
	if !strings.HasPrefix(name, "default.redshift-") {
		found := false
		for _, g := range c.Regional().Redshift.ParameterGroups {
			if g.Name == name {
				set, found = g.Parameters, true
				break
			}
		}
		if !found {
			return nil, wire.Errorf(404, "ClusterParameterGroupNotFound", "Could not find parameter group %s.", name)
		}
	}
	keys := make([]string, 0, len(defaults))
	for k := range defaults {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var all []parameter
	for _, k := range keys {
		p := parameter{ParameterName: k, ParameterValue: defaults[k], Source: "engine-default", DataType: "string",
			ApplyType: "static", IsModifiable: true}
		if v, ok := set[k]; ok {
			p.ParameterValue, p.Source = v, "user"
		}
		if p.ParameterValue == "true" || p.ParameterValue == "false" {
			p.DataType = "boolean"
		}
		if source == "" || source == p.Source {
			all = append(all, p)
		}
	}
	pg, next, err := svc.RecordsPage(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		Parameters []parameter `xml:"Parameters>Parameter"`
		Marker     string      `xml:",omitempty"`
	}{pg, next}, nil
}

// modifyCluster changes the settings the controls judge. Every value is
// validated before any is applied, so a refused call changes nothing.
func modifyCluster(c *svc.Ctx) (any, error) {
	d, err := findCluster(c, c.Form.Get("ClusterIdentifier"))
	if err != nil {
		return nil, err
	}
	updates := map[*bool]bool{}
	for name, dst := range map[string]*bool{"PubliclyAccessible": &d.PubliclyAccessible, "AllowVersionUpgrade": &d.AllowVersionUpgrade,
		"EnhancedVpcRouting": &d.EnhancedVpcRouting} {
		if s := c.Form.Get(name); s != "" {
			b, err := strconv.ParseBool(s)
			if err != nil {
				return nil, invalid("Invalid boolean value %q for %s", s, name)
			}
			updates[dst] = b
		}
	}
	retention := -1
	if s := c.Form.Get("AutomatedSnapshotRetentionPeriod"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 35 {
			return nil, invalid("Invalid automated snapshot retention period: %s. Must be between 0 and 35.", s)
		}
		retention = n
	}
	for dst, v := range updates {
		*dst = v
	}
	if retention >= 0 {
		d.SnapshotRetention = retention
	}
	return struct{ Cluster cluster }{view(c, d)}, nil
}
