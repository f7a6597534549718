// Package ecs simulates Amazon ECS (awsJson1.1): clusters and their
// settings, services, and task definition families and revisions.
//
// Pagination follows the API reference: ListClusters and
// ListTaskDefinitionFamilies return up to 100 items by default (maxResults
// 1-100), ListServices 10 (maxResults 1-100); DescribeClusters takes up to
// 100 clusters and DescribeServices up to 10 services, and both report
// names they do not know as failures (reason MISSING), not as errors.
package ecs

import (
	"cmp"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon ECS (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "ecs",
		Protocol: wire.JSON11,
		Codes:    &codes,
		Ops: map[string]svc.Handler{
			"ListClusters":               listClusters,
			"DescribeClusters":           describeClusters,
			"CreateCluster":              createCluster,
			"ListServices":               listServices,
			"DescribeServices":           describeServices,
			"CreateService":              createService,
			"ListTaskDefinitionFamilies": listFamilies,
			"DescribeTaskDefinition":     describeTaskDefinition,
			"RegisterTaskDefinition":     registerTaskDefinition,
			"DeregisterTaskDefinition":   deregisterTaskDefinition,
		},
	}
}

// ECS answers internal errors with ServerException.
var codes = func() wire.Codes {
	c := wire.DefaultCodes(wire.JSON11)
	c.Internal = "ServerException"
	return c
}()

func invalid(format string, args ...any) error {
	return wire.Errorf(400, "InvalidParameterException", format, args...)
}

func clientErr(format string, args ...any) error {
	return wire.Errorf(400, "ClientException", format, args...)
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func maxResults(n *int, def int) (int, error) {
	if n == nil {
		return def, nil
	}
	if *n < 1 || *n > 100 {
		return 0, invalid("maxResults must be between 1 and 100, got %d", *n)
	}
	return *n, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// lastSegment returns the name in an ECS ARN (".../cluster/name",
// ".../service/cluster/name") or the value itself.
func lastSegment(ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		if i := strings.LastIndexByte(ref, '/'); i >= 0 {
			return ref[i+1:]
		}
	}
	return ref
}

func clusterARN(c *svc.Ctx, name string) string { return c.ARN("ecs", "cluster/"+name) }

func findCluster(c *svc.Ctx, ref string) *world.ECSCluster {
	if ref == "" {
		ref = "default"
	}
	if strings.HasPrefix(ref, "arn:") && !strings.HasPrefix(ref, c.ARN("ecs", "cluster/")) {
		return nil
	}
	name := lastSegment(ref)
	for _, cl := range c.Regional().ECS.Clusters {
		if cl.Name == name {
			return cl
		}
	}
	return nil
}

func clusterNotFound() error {
	return wire.Errorf(400, "ClusterNotFoundException", "Cluster not found.")
}

type listIn struct {
	MaxResults   *int   `json:"maxResults"`
	NextToken    string `json:"nextToken"`
	Cluster      string `json:"cluster"`
	LaunchType   string `json:"launchType"`
	FamilyPrefix string `json:"familyPrefix"`
	Status       string `json:"status"`
}

type listOut struct {
	ClusterArns []string `json:"clusterArns,omitempty"`
	ServiceArns []string `json:"serviceArns,omitempty"`
	Families    []string `json:"families,omitempty"`
	NextToken   string   `json:"nextToken,omitempty"`
}

func listClusters(c *svc.Ctx) (any, error) {
	var in listIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	lim, err := maxResults(in.MaxResults, 100)
	if err != nil {
		return nil, err
	}
	var arns []string
	for _, cl := range c.Regional().ECS.Clusters {
		arns = append(arns, clusterARN(c, cl.Name))
	}
	page, next, err := svc.Page(arns, in.NextToken, lim, 100, "InvalidParameterException")
	if err != nil {
		return nil, err
	}
	return listOut{ClusterArns: nonNil(page), NextToken: next}, nil
}

type setting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type clusterOut struct {
	ClusterArn          string    `json:"clusterArn"`
	ClusterName         string    `json:"clusterName"`
	Status              string    `json:"status"`
	ActiveServicesCount int       `json:"activeServicesCount"`
	Settings            []setting `json:"settings,omitempty"`
	Tags                []tag     `json:"tags,omitempty"`
}

type failure struct {
	Arn    string `json:"arn"`
	Reason string `json:"reason"`
}

func insights(cl *world.ECSCluster) string {
	if cl.ContainerInsights == "" {
		return "disabled"
	}
	return cl.ContainerInsights
}

func tags(m map[string]string) []tag {
	out := make([]tag, 0, len(m))
	for k, v := range m {
		out = append(out, tag{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func renderCluster(c *svc.Ctx, cl *world.ECSCluster, include []string) clusterOut {
	o := clusterOut{ClusterArn: clusterARN(c, cl.Name), ClusterName: cl.Name, Status: "ACTIVE", ActiveServicesCount: len(cl.Services)}
	for _, i := range include {
		switch i {
		case "SETTINGS":
			o.Settings = []setting{{"containerInsights", insights(cl)}}
		case "TAGS":
			o.Tags = tags(cl.Tags)
		}
	}
	return o
}

func describeClusters(c *svc.Ctx) (any, error) {
	var in struct {
		Clusters []string `json:"clusters"`
		Include  []string `json:"include"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.Clusters) > 100 {
		return nil, invalid("clusters can have at most 100 items")
	}
	if len(in.Clusters) == 0 {
		in.Clusters = []string{"default"}
	}
	out := struct {
		Clusters []clusterOut `json:"clusters"`
		Failures []failure    `json:"failures"`
	}{Clusters: []clusterOut{}, Failures: []failure{}}
	for _, ref := range in.Clusters {
		cl := findCluster(c, ref)
		if cl == nil {
			arn := ref
			if !strings.HasPrefix(ref, "arn:") {
				arn = clusterARN(c, ref)
			}
			out.Failures = append(out.Failures, failure{arn, "MISSING"})
			continue
		}
		out.Clusters = append(out.Clusters, renderCluster(c, cl, in.Include))
	}
	return out, nil
}

func createCluster(c *svc.Ctx) (any, error) {
	var in struct {
		ClusterName string    `json:"clusterName"`
		Settings    []setting `json:"settings"`
		Tags        []tag     `json:"tags"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.ClusterName == "" {
		in.ClusterName = "default"
	}
	if cl := findCluster(c, in.ClusterName); cl != nil {
		// CreateCluster is idempotent on the name.
		return struct {
			Cluster clusterOut `json:"cluster"`
		}{renderCluster(c, cl, []string{"SETTINGS", "TAGS"})}, nil
	}
	cl := &world.ECSCluster{Name: in.ClusterName}
	for _, s := range in.Settings {
		if s.Name != "containerInsights" {
			return nil, invalid("unknown cluster setting %q", s.Name)
		}
		switch s.Value {
		case "enabled", "disabled", "enhanced":
			cl.ContainerInsights = s.Value
		default:
			return nil, invalid("containerInsights must be enabled, enhanced or disabled, got %q", s.Value)
		}
	}
	if len(in.Tags) > 0 {
		cl.Tags = map[string]string{}
		for _, t := range in.Tags {
			cl.Tags[t.Key] = t.Value
		}
	}
	r := c.Regional()
	r.ECS.Clusters = append(r.ECS.Clusters, cl)
	return struct {
		Cluster clusterOut `json:"cluster"`
	}{renderCluster(c, cl, []string{"SETTINGS", "TAGS"})}, nil
}

func serviceARN(c *svc.Ctx, cluster, name string) string {
	return c.ARN("ecs", "service/"+cluster+"/"+name)
}

func listServices(c *svc.Ctx) (any, error) {
	var in listIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	lim, err := maxResults(in.MaxResults, 10)
	if err != nil {
		return nil, err
	}
	cl := findCluster(c, in.Cluster)
	if cl == nil {
		return nil, clusterNotFound()
	}
	var arns []string
	for _, s := range cl.Services {
		if in.LaunchType == "" || s.LaunchType == in.LaunchType {
			arns = append(arns, serviceARN(c, cl.Name, s.Name))
		}
	}
	page, next, err := svc.Page(arns, in.NextToken, lim, 10, "InvalidParameterException")
	if err != nil {
		return nil, err
	}
	return listOut{ServiceArns: nonNil(page), NextToken: next}, nil
}

type awsvpc struct {
	Subnets        []string `json:"subnets"`
	SecurityGroups []string `json:"securityGroups,omitempty"`
	AssignPublicIP string   `json:"assignPublicIp,omitempty"`
}

type networkConfiguration struct {
	AwsvpcConfiguration *awsvpc `json:"awsvpcConfiguration,omitempty"`
}

type strategyItem struct {
	CapacityProvider string `json:"capacityProvider"`
	Weight           int    `json:"weight"`
	Base             int    `json:"base"`
}

type serviceOut struct {
	ServiceArn               string                `json:"serviceArn"`
	ServiceName              string                `json:"serviceName"`
	ClusterArn               string                `json:"clusterArn"`
	Status                   string                `json:"status"`
	TaskDefinition           string                `json:"taskDefinition,omitempty"`
	DesiredCount             int                   `json:"desiredCount"`
	LaunchType               string                `json:"launchType,omitempty"`
	CapacityProviderStrategy []strategyItem        `json:"capacityProviderStrategy,omitempty"`
	PlatformVersion          string                `json:"platformVersion,omitempty"`
	PlatformFamily           string                `json:"platformFamily,omitempty"`
	NetworkConfiguration     *networkConfiguration `json:"networkConfiguration,omitempty"`
	CreatedAt                float64               `json:"createdAt,omitempty"`
}

func renderService(c *svc.Ctx, cl *world.ECSCluster, s *world.ECSService) serviceOut {
	o := serviceOut{
		ServiceArn: serviceARN(c, cl.Name, s.Name), ServiceName: s.Name, ClusterArn: clusterARN(c, cl.Name),
		Status: "ACTIVE", DesiredCount: s.DesiredCount, LaunchType: s.LaunchType,
		PlatformVersion: s.PlatformVersion, PlatformFamily: s.PlatformFamily,
	}
	if s.TaskDefinition != "" {
		o.TaskDefinition = c.ARN("ecs", "task-definition/"+s.TaskDefinition)
	}
	for _, p := range s.CapacityProviders {
		o.CapacityProviderStrategy = append(o.CapacityProviderStrategy, strategyItem{CapacityProvider: p, Weight: 1})
	}
	if len(s.Subnets) > 0 {
		o.NetworkConfiguration = &networkConfiguration{&awsvpc{Subnets: s.Subnets, SecurityGroups: s.SecurityGroups, AssignPublicIP: cmp.Or(s.AssignPublicIP, "DISABLED")}}
	}
	if !s.Created.IsZero() {
		o.CreatedAt = epoch(s.Created)
	}
	return o
}

func describeServices(c *svc.Ctx) (any, error) {
	var in struct {
		Cluster  string   `json:"cluster"`
		Services []string `json:"services"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.Services) == 0 || len(in.Services) > 10 {
		return nil, invalid("services must have between 1 and 10 items, got %d", len(in.Services))
	}
	cl := findCluster(c, in.Cluster)
	if cl == nil {
		return nil, clusterNotFound()
	}
	out := struct {
		Services []serviceOut `json:"services"`
		Failures []failure    `json:"failures"`
	}{Services: []serviceOut{}, Failures: []failure{}}
	for _, ref := range in.Services {
		name := lastSegment(ref)
		var found *world.ECSService
		for _, s := range cl.Services {
			if s.Name == name {
				found = s
			}
		}
		if found == nil {
			out.Failures = append(out.Failures, failure{serviceARN(c, cl.Name, name), "MISSING"})
			continue
		}
		out.Services = append(out.Services, renderService(c, cl, found))
	}
	return out, nil
}

func createService(c *svc.Ctx) (any, error) {
	var in struct {
		Cluster                  string                `json:"cluster"`
		ServiceName              string                `json:"serviceName"`
		TaskDefinition           string                `json:"taskDefinition"`
		DesiredCount             int                   `json:"desiredCount"`
		LaunchType               string                `json:"launchType"`
		CapacityProviderStrategy []strategyItem        `json:"capacityProviderStrategy"`
		PlatformVersion          string                `json:"platformVersion"`
		NetworkConfiguration     *networkConfiguration `json:"networkConfiguration"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	cl := findCluster(c, in.Cluster)
	if cl == nil {
		return nil, clusterNotFound()
	}
	if in.ServiceName == "" {
		return nil, invalid("serviceName is required")
	}
	for _, s := range cl.Services {
		if s.Name == in.ServiceName {
			return nil, invalid("Creation of service was not idempotent.")
		}
	}
	td, err := resolveTaskDefinition(c, in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	s := &world.ECSService{Name: in.ServiceName, TaskDefinition: fmt.Sprintf("%s:%d", td.Family, td.Revision),
		DesiredCount: in.DesiredCount, LaunchType: in.LaunchType, PlatformVersion: in.PlatformVersion, Created: c.Now()}
	for _, p := range in.CapacityProviderStrategy {
		s.CapacityProviders = append(s.CapacityProviders, p.CapacityProvider)
	}
	if s.LaunchType == "" && len(s.CapacityProviders) == 0 {
		s.LaunchType = "EC2"
	}
	if s.LaunchType == "FARGATE" && s.PlatformVersion == "" {
		s.PlatformVersion = "LATEST"
	}
	if n := in.NetworkConfiguration; n != nil && n.AwsvpcConfiguration != nil {
		if len(n.AwsvpcConfiguration.Subnets) == 0 {
			return nil, invalid("subnets can not be empty.")
		}
		s.Subnets, s.SecurityGroups = n.AwsvpcConfiguration.Subnets, n.AwsvpcConfiguration.SecurityGroups
		s.AssignPublicIP = cmp.Or(n.AwsvpcConfiguration.AssignPublicIP, "DISABLED")
	}
	cl.Services = append(cl.Services, s)
	return struct {
		Service serviceOut `json:"service"`
	}{renderService(c, cl, s)}, nil
}

func status(td *world.ECSTaskDefinition) string {
	if td.Status == "" {
		return "ACTIVE"
	}
	return td.Status
}

func listFamilies(c *svc.Ctx) (any, error) {
	var in listIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	lim, err := maxResults(in.MaxResults, 100)
	if err != nil {
		return nil, err
	}
	active := map[string]bool{}
	all := map[string]bool{}
	for _, td := range c.Regional().ECS.TaskDefinitions {
		all[td.Family] = true
		if status(td) == "ACTIVE" {
			active[td.Family] = true
		}
	}
	var fams []string
	for f := range all {
		if !strings.HasPrefix(f, in.FamilyPrefix) {
			continue
		}
		switch in.Status {
		case "", "ALL":
		case "ACTIVE":
			if !active[f] {
				continue
			}
		case "INACTIVE":
			if active[f] {
				continue
			}
		default:
			return nil, invalid("status must be one of ACTIVE, INACTIVE, ALL")
		}
		fams = append(fams, f)
	}
	sort.Strings(fams)
	page, next, err := svc.Page(fams, in.NextToken, lim, 100, "InvalidParameterException")
	if err != nil {
		return nil, err
	}
	return listOut{Families: nonNil(page), NextToken: next}, nil
}

// resolveTaskDefinition finds family (its latest ACTIVE revision),
// family:revision, or a task definition ARN.
func resolveTaskDefinition(c *svc.Ctx, ref string) (*world.ECSTaskDefinition, error) {
	if ref == "" {
		return nil, clientErr("TaskDefinition is required")
	}
	if strings.HasPrefix(ref, "arn:") {
		prefix := c.ARN("ecs", "task-definition/")
		if !strings.HasPrefix(ref, prefix) {
			return nil, clientErr("Unable to describe task definition.")
		}
		ref = strings.TrimPrefix(ref, prefix)
	}
	family, rev, hasRev := strings.Cut(ref, ":")
	var best *world.ECSTaskDefinition
	for _, td := range c.Regional().ECS.TaskDefinitions {
		if td.Family != family {
			continue
		}
		if hasRev {
			if strconv.Itoa(td.Revision) == rev {
				return td, nil
			}
			continue
		}
		if status(td) == "ACTIVE" && (best == nil || td.Revision > best.Revision) {
			best = td
		}
	}
	if best == nil {
		return nil, clientErr("Unable to describe task definition.")
	}
	return best, nil
}

type keyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type secretOut struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

type logConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options,omitempty"`
}

type containerDef struct {
	Name                   string            `json:"name"`
	Image                  string            `json:"image,omitempty"`
	User                   string            `json:"user,omitempty"`
	Privileged             *bool             `json:"privileged,omitempty"`
	ReadonlyRootFilesystem *bool             `json:"readonlyRootFilesystem,omitempty"`
	Environment            []keyValue        `json:"environment"`
	Secrets                []secretOut       `json:"secrets,omitempty"`
	LogConfiguration       *logConfiguration `json:"logConfiguration,omitempty"`
}

type taskDefOut struct {
	TaskDefinitionArn       string           `json:"taskDefinitionArn"`
	Family                  string           `json:"family"`
	Revision                int              `json:"revision"`
	Status                  string           `json:"status"`
	NetworkMode             string           `json:"networkMode,omitempty"`
	PidMode                 string           `json:"pidMode,omitempty"`
	RequiresCompatibilities []string         `json:"requiresCompatibilities,omitempty"`
	RuntimePlatform         *runtimePlatform `json:"runtimePlatform,omitempty"`
	ContainerDefinitions    []containerDef   `json:"containerDefinitions"`
	RegisteredAt            float64          `json:"registeredAt,omitempty"`
}

// runtimePlatform is a task definition's operating system (AWS answers
// it only when it was set at registration).
type runtimePlatform struct {
	OperatingSystemFamily string `json:"operatingSystemFamily,omitempty"`
	CPUArchitecture       string `json:"cpuArchitecture,omitempty"`
}

// osFamilies are the operatingSystemFamily values ECS accepts.
var osFamilies = map[string]bool{
	"LINUX": true, "WINDOWS_SERVER_2016_FULL": true, "WINDOWS_SERVER_2019_FULL": true, "WINDOWS_SERVER_2019_CORE": true,
	"WINDOWS_SERVER_2022_FULL": true, "WINDOWS_SERVER_2022_CORE": true, "WINDOWS_SERVER_2025_FULL": true,
	"WINDOWS_SERVER_2025_CORE": true, "WINDOWS_SERVER_2004_CORE": true, "WINDOWS_SERVER_20H2_CORE": true,
}

func renderTaskDefinition(c *svc.Ctx, td *world.ECSTaskDefinition) taskDefOut {
	o := taskDefOut{
		TaskDefinitionArn: c.ARN("ecs", fmt.Sprintf("task-definition/%s:%d", td.Family, td.Revision)),
		Family:            td.Family, Revision: td.Revision, Status: status(td), NetworkMode: td.NetworkMode,
		PidMode: td.PidMode, RequiresCompatibilities: td.RequiresCompatibilities, ContainerDefinitions: []containerDef{},
	}
	if !td.Registered.IsZero() {
		o.RegisteredAt = epoch(td.Registered)
	}
	if td.OSFamily != "" {
		o.RuntimePlatform = &runtimePlatform{OperatingSystemFamily: td.OSFamily}
	}
	for _, ct := range td.Containers {
		d := containerDef{Name: ct.Name, Image: ct.Image, User: ct.User, Privileged: ct.Privileged,
			ReadonlyRootFilesystem: ct.ReadonlyRootFilesystem, Environment: []keyValue{}}
		for _, e := range ct.Environment {
			d.Environment = append(d.Environment, keyValue(e))
		}
		for _, s := range ct.Secrets {
			d.Secrets = append(d.Secrets, secretOut(s))
		}
		if ct.LogDriver != "" {
			d.LogConfiguration = &logConfiguration{ct.LogDriver, ct.LogOptions}
		}
		o.ContainerDefinitions = append(o.ContainerDefinitions, d)
	}
	return o
}

func describeTaskDefinition(c *svc.Ctx) (any, error) {
	var in struct {
		TaskDefinition string `json:"taskDefinition"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	td, err := resolveTaskDefinition(c, in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	return struct {
		TaskDefinition taskDefOut `json:"taskDefinition"`
	}{renderTaskDefinition(c, td)}, nil
}

func registerTaskDefinition(c *svc.Ctx) (any, error) {
	var in struct {
		Family                  string           `json:"family"`
		NetworkMode             string           `json:"networkMode"`
		PidMode                 string           `json:"pidMode"`
		RequiresCompatibilities []string         `json:"requiresCompatibilities"`
		RuntimePlatform         *runtimePlatform `json:"runtimePlatform"`
		ContainerDefinitions    []containerDef   `json:"containerDefinitions"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Family == "" {
		return nil, clientErr("Family is required")
	}
	if len(in.ContainerDefinitions) == 0 {
		return nil, clientErr("Container list cannot be empty.")
	}
	switch in.NetworkMode {
	case "", "bridge", "host", "awsvpc", "none":
	default:
		return nil, clientErr("Invalid networkMode %q", in.NetworkMode)
	}
	switch in.PidMode {
	case "", "host", "task":
	default:
		return nil, clientErr("Invalid pidMode %q", in.PidMode)
	}
	osFamily := ""
	if p := in.RuntimePlatform; p != nil {
		if p.OperatingSystemFamily != "" && !osFamilies[p.OperatingSystemFamily] {
			return nil, clientErr("Invalid operatingSystemFamily %q", p.OperatingSystemFamily)
		}
		osFamily = p.OperatingSystemFamily
	}
	r := c.Regional()
	rev := 0
	for _, td := range r.ECS.TaskDefinitions {
		if td.Family == in.Family && td.Revision > rev {
			rev = td.Revision
		}
	}
	td := &world.ECSTaskDefinition{Family: in.Family, Revision: rev + 1, NetworkMode: in.NetworkMode, PidMode: in.PidMode,
		RequiresCompatibilities: in.RequiresCompatibilities, OSFamily: osFamily, Registered: c.Now()}
	for _, d := range in.ContainerDefinitions {
		if d.Name == "" {
			return nil, clientErr("Container.name should not be null or empty.")
		}
		ct := &world.ECSContainer{Name: d.Name, Image: d.Image, User: d.User, Privileged: d.Privileged, ReadonlyRootFilesystem: d.ReadonlyRootFilesystem}
		for _, e := range d.Environment {
			ct.Environment = append(ct.Environment, world.ECSKeyValue(e))
		}
		for _, s := range d.Secrets {
			ct.Secrets = append(ct.Secrets, world.ECSSecret(s))
		}
		if d.LogConfiguration != nil {
			ct.LogDriver, ct.LogOptions = d.LogConfiguration.LogDriver, d.LogConfiguration.Options
		}
		td.Containers = append(td.Containers, ct)
	}
	r.ECS.TaskDefinitions = append(r.ECS.TaskDefinitions, td)
	return struct {
		TaskDefinition taskDefOut `json:"taskDefinition"`
	}{renderTaskDefinition(c, td)}, nil
}

func deregisterTaskDefinition(c *svc.Ctx) (any, error) {
	var in struct {
		TaskDefinition string `json:"taskDefinition"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if _, rev, ok := strings.Cut(lastSegment(in.TaskDefinition), ":"); !ok || rev == "" {
		return nil, clientErr("The specified task definition identifier is invalid. Specify a valid name or ARN and revision.")
	}
	td, err := resolveTaskDefinition(c, in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	td.Status = "INACTIVE"
	return struct {
		TaskDefinition taskDefOut `json:"taskDefinition"`
	}{renderTaskDefinition(c, td)}, nil
}
