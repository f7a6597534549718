// Package eks simulates Amazon EKS cluster control planes (restJson1):
// ListClusters (maxResults 1-100, 100 by default), DescribeCluster,
// CreateCluster and UpdateClusterConfig (endpoint access and logging,
// applied at once; EKS applies them asynchronously).
package eks

import (
	"cmp"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon EKS (restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "eks",
		Protocol: wire.RestJSON,
		Codes:    &codes,
		Routes: []wire.Route{
			{Method: "GET", Pattern: "/clusters", Op: "ListClusters"},
			{Method: "POST", Pattern: "/clusters", Op: "CreateCluster"},
			{Method: "GET", Pattern: "/clusters/{name}", Op: "DescribeCluster"},
			{Method: "POST", Pattern: "/clusters/{name}/update-config", Op: "UpdateClusterConfig"},
		},
		Ops: map[string]svc.Handler{
			"ListClusters":        listClusters,
			"CreateCluster":       createCluster,
			"DescribeCluster":     describeCluster,
			"UpdateClusterConfig": updateClusterConfig,
		},
	}
}

// EKS answers internal errors with ServerException (500).
var codes = func() wire.Codes {
	c := wire.DefaultCodes(wire.RestJSON)
	c.Internal = "ServerException"
	c.Unavailable = "ServiceUnavailableException"
	return c
}()

func invalid(format string, args ...any) error {
	return wire.Errorf(http.StatusBadRequest, "InvalidParameterException", format, args...)
}

func find(c *svc.Ctx, name string) (*world.EKSCluster, error) {
	for _, cl := range c.Regional().EKS.Clusters {
		if cl.Name == name {
			return cl, nil
		}
	}
	return nil, wire.Errorf(http.StatusNotFound, "ResourceNotFoundException", "No cluster found for name: %s.", name)
}

func listClusters(c *svc.Ctx) (any, error) {
	max := 100
	if v := c.Query("maxResults"); v != "" {
		n := 0
		for _, ch := range v {
			if ch < '0' || ch > '9' {
				return nil, invalid("maxResults must be a number")
			}
			n = n*10 + int(ch-'0')
		}
		if n < 1 || n > 100 {
			return nil, invalid("maxResults must be between 1 and 100")
		}
		max = n
	}
	var names []string
	for _, cl := range c.Regional().EKS.Clusters {
		names = append(names, cl.Name)
	}
	sort.Strings(names)
	page, next, err := svc.Page(names, c.Query("nextToken"), max, 100, "InvalidParameterException")
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []string{}
	}
	return struct {
		Clusters  []string `json:"clusters"`
		NextToken string   `json:"nextToken,omitempty"`
	}{page, next}, nil
}

type vpcConfig struct {
	SubnetIds              []string `json:"subnetIds"`
	SecurityGroupIds       []string `json:"securityGroupIds"`
	EndpointPublicAccess   *bool    `json:"endpointPublicAccess,omitempty"`
	EndpointPrivateAccess  *bool    `json:"endpointPrivateAccess,omitempty"`
	PublicAccessCidrs      []string `json:"publicAccessCidrs,omitempty"`
	ClusterSecurityGroupId string   `json:"clusterSecurityGroupId,omitempty"`
	VpcId                  string   `json:"vpcId,omitempty"`
}

type logSetup struct {
	Types   []string `json:"types"`
	Enabled bool     `json:"enabled"`
}

type logging struct {
	ClusterLogging []logSetup `json:"clusterLogging"`
}

type encryptionConfig struct {
	Resources []string `json:"resources"`
	Provider  struct {
		KeyArn string `json:"keyArn"`
	} `json:"provider"`
}

var logTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

func render(c *svc.Ctx, cl *world.EKSCluster) map[string]any {
	pub, priv := cl.Public(), cl.EndpointPrivate
	cidrs := cl.PublicAccessCIDRs
	if pub && len(cidrs) == 0 {
		cidrs = []string{"0.0.0.0/0"}
	}
	on := map[string]bool{}
	for _, t := range cl.Logging {
		on[t] = true
	}
	var enabled, disabled []string
	for _, t := range logTypes {
		if on[t] {
			enabled = append(enabled, t)
		} else {
			disabled = append(disabled, t)
		}
	}
	lg := logging{}
	if len(enabled) > 0 {
		lg.ClusterLogging = append(lg.ClusterLogging, logSetup{enabled, true})
	}
	if len(disabled) > 0 {
		lg.ClusterLogging = append(lg.ClusterLogging, logSetup{disabled, false})
	}
	out := map[string]any{
		"name":            cl.Name,
		"arn":             c.ARN("eks", "cluster/"+cl.Name),
		"createdAt":       float64(cl.Created.UnixMilli()) / 1000,
		"version":         cl.Version,
		"platformVersion": cmp.Or(cl.PlatformVersion, "eks.1"),
		"status":          cmp.Or(cl.Status, "ACTIVE"),
		"roleArn":         cl.RoleARN,
		"endpoint":        "https://" + strings.ToUpper(cl.Name) + ".gr7." + c.Region + ".eks.amazonaws.com",
		"resourcesVpcConfig": vpcConfig{SubnetIds: nonNil(cl.SubnetIDs), SecurityGroupIds: nonNil(cl.SecurityGroupIDs),
			EndpointPublicAccess: &pub, EndpointPrivateAccess: &priv, PublicAccessCidrs: cidrs},
		"logging": lg,
	}
	if cl.SecretsKeyARN != "" {
		e := encryptionConfig{Resources: []string{"secrets"}}
		e.Provider.KeyArn = cl.SecretsKeyARN
		out["encryptionConfig"] = []encryptionConfig{e}
	}
	if len(cl.Tags) > 0 {
		out["tags"] = cl.Tags
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func describeCluster(c *svc.Ctx) (any, error) {
	cl, err := find(c, c.Path["name"])
	if err != nil {
		return nil, err
	}
	return map[string]any{"cluster": render(c, cl)}, nil
}

var clusterName = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$`)

func createCluster(c *svc.Ctx) (any, error) {
	var in struct {
		Name               string             `json:"name"`
		Version            string             `json:"version"`
		RoleArn            string             `json:"roleArn"`
		ResourcesVpcConfig vpcConfig          `json:"resourcesVpcConfig"`
		Logging            *logging           `json:"logging"`
		EncryptionConfig   []encryptionConfig `json:"encryptionConfig"`
		Tags               map[string]string  `json:"tags"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if !clusterName.MatchString(in.Name) {
		return nil, invalid("The cluster name %q is not valid.", in.Name)
	}
	if in.RoleArn == "" {
		return nil, invalid("roleArn is required")
	}
	if _, err := find(c, in.Name); err == nil {
		return nil, wire.Errorf(http.StatusConflict, "ResourceInUseException", "Cluster already exists with name: %s", in.Name)
	}
	cl := &world.EKSCluster{Name: in.Name, Version: cmp.Or(in.Version, "1.35"), RoleARN: in.RoleArn, Created: c.Now(),
		SubnetIDs: in.ResourcesVpcConfig.SubnetIds, SecurityGroupIDs: in.ResourcesVpcConfig.SecurityGroupIds, Tags: in.Tags}
	if err := applyVPC(cl, in.ResourcesVpcConfig); err != nil {
		return nil, err
	}
	if in.Logging != nil {
		if err := applyLogging(cl, *in.Logging); err != nil {
			return nil, err
		}
	}
	for _, e := range in.EncryptionConfig {
		for _, r := range e.Resources {
			if r != "secrets" {
				return nil, invalid("encryptionConfig resources must be [secrets]")
			}
		}
		cl.SecretsKeyARN = e.Provider.KeyArn
	}
	r := c.Regional()
	r.EKS.Clusters = append(r.EKS.Clusters, cl)
	return map[string]any{"cluster": render(c, cl)}, nil
}

func applyVPC(cl *world.EKSCluster, v vpcConfig) error {
	pub, priv := cl.Public(), cl.EndpointPrivate
	if v.EndpointPublicAccess != nil {
		pub = *v.EndpointPublicAccess
	}
	if v.EndpointPrivateAccess != nil {
		priv = *v.EndpointPrivateAccess
	}
	if !pub && !priv {
		return invalid("Cluster must have either public or private API endpoint access enabled")
	}
	cl.EndpointPublic, cl.EndpointPrivate = &pub, priv
	if v.PublicAccessCidrs != nil {
		cl.PublicAccessCIDRs = v.PublicAccessCidrs
	}
	return nil
}

func applyLogging(cl *world.EKSCluster, l logging) error {
	on := map[string]bool{}
	for _, t := range cl.Logging {
		on[t] = true
	}
	known := map[string]bool{}
	for _, t := range logTypes {
		known[t] = true
	}
	for _, s := range l.ClusterLogging {
		for _, t := range s.Types {
			if !known[t] {
				return invalid("unknown log type %q", t)
			}
			on[t] = s.Enabled
		}
	}
	cl.Logging = nil
	for _, t := range logTypes {
		if on[t] {
			cl.Logging = append(cl.Logging, t)
		}
	}
	return nil
}

func updateClusterConfig(c *svc.Ctx) (any, error) {
	cl, err := find(c, c.Path["name"])
	if err != nil {
		return nil, err
	}
	var in struct {
		ResourcesVpcConfig *vpcConfig `json:"resourcesVpcConfig"`
		Logging            *logging   `json:"logging"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	typ := ""
	switch {
	case in.ResourcesVpcConfig != nil && in.Logging != nil:
		return nil, invalid("Only one type of update can be allowed.")
	case in.ResourcesVpcConfig != nil:
		typ = "EndpointAccessUpdate"
		err = applyVPC(cl, *in.ResourcesVpcConfig)
	case in.Logging != nil:
		typ = "LoggingUpdate"
		err = applyLogging(cl, *in.Logging)
	default:
		return nil, invalid("No changes needed for the logging config provided")
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{"update": map[string]any{
		"id": updateID(c.Now()), "status": "InProgress", "type": typ, "createdAt": float64(c.Now().UnixMilli()) / 1000,
	}}, nil
}

func updateID(t time.Time) string {
	s := t.UTC().Format("20060102150405")
	return "0000" + s[:4] + "-" + s[4:8] + "-4" + s[8:11] + "-8" + s[11:14] + "-000000000000"
}
