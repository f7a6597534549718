// Package codebuild simulates AWS CodeBuild projects (awsJson1.1):
// ListProjects (up to 100 names a page, nextToken), BatchGetProjects (1 to
// 100 names; unknown ones come back in projectsNotFound, not as an
// error), CreateProject and UpdateProject.
package codebuild

import (
	"cmp"
	"sort"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the AWS CodeBuild (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "codebuild",
		Protocol: wire.JSON11,
		Ops: map[string]svc.Handler{
			"ListProjects":     listProjects,
			"BatchGetProjects": batchGetProjects,
			"CreateProject":    createProject,
			"UpdateProject":    updateProject,
		},
	}
}

func invalid(format string, args ...any) error {
	return wire.Errorf(400, "InvalidInputException", format, args...)
}

func find(c *svc.Ctx, ref string) *world.CodeBuildProject {
	for _, p := range c.Regional().CodeBuild.Projects {
		if p.Name == ref || c.ARN("codebuild", "project/"+p.Name) == ref {
			return p
		}
	}
	return nil
}

func listProjects(c *svc.Ctx) (any, error) {
	var in struct {
		SortBy    string `json:"sortBy"`
		SortOrder string `json:"sortOrder"`
		NextToken string `json:"nextToken"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	ps := append([]*world.CodeBuildProject(nil), c.Regional().CodeBuild.Projects...)
	switch in.SortBy {
	case "", "NAME":
		sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	case "CREATED_TIME", "LAST_MODIFIED_TIME":
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].Created.Before(ps[j].Created) })
	default:
		return nil, invalid("sortBy must be NAME, CREATED_TIME or LAST_MODIFIED_TIME")
	}
	if in.SortOrder == "DESCENDING" {
		for i, j := 0, len(ps)-1; i < j; i, j = i+1, j-1 {
			ps[i], ps[j] = ps[j], ps[i]
		}
	}
	names := make([]string, 0, len(ps))
	for _, p := range ps {
		names = append(names, p.Name)
	}
	page, next, err := svc.Page(names, in.NextToken, 100, 100, "InvalidInputException")
	if err != nil {
		return nil, err
	}
	return struct {
		Projects  []string `json:"projects"`
		NextToken string   `json:"nextToken,omitempty"`
	}{nonNil(page), next}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

type source struct {
	Type             string `json:"type"`
	Location         string `json:"location,omitempty"`
	SourceIdentifier string `json:"sourceIdentifier,omitempty"`
}

type envVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Type  string `json:"type,omitempty"`
}

type environment struct {
	Type                 string   `json:"type"`
	Image                string   `json:"image"`
	ComputeType          string   `json:"computeType"`
	PrivilegedMode       bool     `json:"privilegedMode"`
	EnvironmentVariables []envVar `json:"environmentVariables"`
}

type logsConfig struct {
	CloudWatchLogs *struct {
		Status string `json:"status"`
	} `json:"cloudWatchLogs,omitempty"`
	S3Logs *struct {
		Status             string `json:"status"`
		Location           string `json:"location,omitempty"`
		EncryptionDisabled bool   `json:"encryptionDisabled"`
	} `json:"s3Logs,omitempty"`
}

type project struct {
	Name             string      `json:"name"`
	Arn              string      `json:"arn"`
	Source           source      `json:"source"`
	SecondarySources []source    `json:"secondarySources"`
	Environment      environment `json:"environment"`
	ServiceRole      string      `json:"serviceRole,omitempty"`
	LogsConfig       logsConfig  `json:"logsConfig"`
	Created          float64     `json:"created"`
	LastModified     float64     `json:"lastModified"`
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func render(c *svc.Ctx, p *world.CodeBuildProject) project {
	o := project{Name: p.Name, Arn: c.ARN("codebuild", "project/"+p.Name),
		Source: source{p.Source.Type, p.Source.Location, p.Source.Identifier}, SecondarySources: []source{},
		Environment: environment{Type: "LINUX_CONTAINER", Image: cmp.Or(p.Image, "aws/codebuild/amazonlinux-x86_64-standard:5.0"),
			ComputeType: cmp.Or(p.ComputeType, "BUILD_GENERAL1_SMALL"), PrivilegedMode: p.Privileged, EnvironmentVariables: []envVar{}},
		ServiceRole: p.ServiceRole, Created: epoch(p.Created), LastModified: epoch(p.Created)}
	for _, s := range p.SecondarySources {
		o.SecondarySources = append(o.SecondarySources, source{s.Type, s.Location, s.Identifier})
	}
	for _, e := range p.Environment {
		o.Environment.EnvironmentVariables = append(o.Environment.EnvironmentVariables, envVar{e.Name, e.Value, cmp.Or(e.Type, "PLAINTEXT")})
	}
	o.LogsConfig.CloudWatchLogs = &struct {
		Status string `json:"status"`
	}{cmp.Or(p.CloudWatchLogs, "ENABLED")}
	o.LogsConfig.S3Logs = &struct {
		Status             string `json:"status"`
		Location           string `json:"location,omitempty"`
		EncryptionDisabled bool   `json:"encryptionDisabled"`
	}{cmp.Or(p.S3Logs, "DISABLED"), p.S3LogsLocation, p.S3EncryptionDisabled}
	return o
}

func batchGetProjects(c *svc.Ctx) (any, error) {
	var in struct {
		Names []string `json:"names"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.Names) < 1 || len(in.Names) > 100 {
		return nil, invalid("1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 100")
	}
	out := struct {
		Projects         []project `json:"projects"`
		ProjectsNotFound []string  `json:"projectsNotFound"`
	}{[]project{}, []string{}}
	for _, n := range in.Names {
		if p := find(c, n); p != nil {
			out.Projects = append(out.Projects, render(c, p))
		} else {
			out.ProjectsNotFound = append(out.ProjectsNotFound, n)
		}
	}
	return out, nil
}

type projectIn struct {
	Name             string       `json:"name"`
	Source           *source      `json:"source"`
	SecondarySources []source     `json:"secondarySources"`
	Environment      *environment `json:"environment"`
	ServiceRole      string       `json:"serviceRole"`
	LogsConfig       *logsConfig  `json:"logsConfig"`
}

func apply(p *world.CodeBuildProject, in projectIn) error {
	if in.Source != nil {
		if in.Source.Type == "" {
			return invalid("source type is required")
		}
		p.Source = world.CodeBuildSource{Type: in.Source.Type, Location: in.Source.Location, Identifier: in.Source.SourceIdentifier}
	}
	if in.SecondarySources != nil {
		p.SecondarySources = nil
		for _, s := range in.SecondarySources {
			p.SecondarySources = append(p.SecondarySources, world.CodeBuildSource{Type: s.Type, Location: s.Location, Identifier: s.SourceIdentifier})
		}
	}
	if e := in.Environment; e != nil {
		p.Image, p.ComputeType, p.Privileged = e.Image, e.ComputeType, e.PrivilegedMode
		p.Environment = nil
		for _, v := range e.EnvironmentVariables {
			switch v.Type {
			case "", "PLAINTEXT", "PARAMETER_STORE", "SECRETS_MANAGER":
			default:
				return invalid("environment variable type %q is not valid", v.Type)
			}
			p.Environment = append(p.Environment, world.CodeBuildEnvVar{Name: v.Name, Value: v.Value, Type: v.Type})
		}
	}
	if in.ServiceRole != "" {
		p.ServiceRole = in.ServiceRole
	}
	if l := in.LogsConfig; l != nil {
		if l.CloudWatchLogs != nil {
			p.CloudWatchLogs = l.CloudWatchLogs.Status
		}
		if l.S3Logs != nil {
			if l.S3Logs.Status == "ENABLED" && l.S3Logs.Location == "" {
				return invalid("S3 logs location is required when S3 logs are enabled")
			}
			p.S3Logs, p.S3LogsLocation, p.S3EncryptionDisabled = l.S3Logs.Status, l.S3Logs.Location, l.S3Logs.EncryptionDisabled
		}
	}
	return nil
}

func createProject(c *svc.Ctx) (any, error) {
	var in projectIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Name == "" || in.Source == nil || in.Environment == nil || in.ServiceRole == "" {
		return nil, invalid("name, source, environment and serviceRole are required")
	}
	if find(c, in.Name) != nil {
		return nil, wire.Errorf(400, "ResourceAlreadyExistsException", "Project already exists: %s", in.Name)
	}
	p := &world.CodeBuildProject{Name: in.Name, Created: c.Now()}
	if err := apply(p, in); err != nil {
		return nil, err
	}
	r := c.Regional()
	r.CodeBuild.Projects = append(r.CodeBuild.Projects, p)
	return struct {
		Project project `json:"project"`
	}{render(c, p)}, nil
}

func updateProject(c *svc.Ctx) (any, error) {
	var in projectIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	p := find(c, in.Name)
	if p == nil {
		return nil, wire.Errorf(400, "ResourceNotFoundException", "Failed to find project: %s", in.Name)
	}
	if err := apply(p, in); err != nil {
		return nil, err
	}
	return struct {
		Project project `json:"project"`
	}{render(c, p)}, nil
}
