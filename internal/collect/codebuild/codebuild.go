// Package codebuild collects the AWS CodeBuild projects of one region:
// sources, privileged mode, environment variable names and types, and
// log destinations.
package codebuild

import (
	"context"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	cbapi "github.com/aws/aws-sdk-go-v2/service/codebuild"
	cbtypes "github.com/aws/aws-sdk-go-v2/service/codebuild/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/codebuild"
)

// batch is the most names BatchGetProjects takes.
const batch = 100

// Collector returns the regional "codebuild" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "codebuild",
		Actions: []string{"codebuild:ListProjects", "codebuild:BatchGetProjects"},
		Collect: collectCodeBuild,
	}
}

func collectCodeBuild(ctx context.Context, in collect.Input) error {
	c := cbapi.NewFromConfig(in.Config)
	var names []string
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListProjects(ctx, &cbapi.ListProjectsInput{NextToken: token})
		if err != nil {
			return nil, err
		}
		names = append(names, page.Projects...)
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("list projects: %w", err)
	}
	out := &codebuild.CodeBuild{Projects: []*codebuild.Project{}}
	for start := 0; start < len(names); start += batch {
		o, err := c.BatchGetProjects(ctx, &cbapi.BatchGetProjectsInput{Names: names[start:min(start+batch, len(names))]})
		if err != nil {
			return fmt.Errorf("batch get projects: %w", err)
		}
		// Projects deleted since they were listed come back in
		// ProjectsNotFound: nothing to judge.
		for _, p := range o.Projects {
			out.Projects = append(out.Projects, project(p))
		}
	}
	in.Region.CodeBuild = out
	return nil
}

func project(p cbtypes.Project) *codebuild.Project {
	v := &codebuild.Project{ARN: aws.ToString(p.Arn), Name: aws.ToString(p.Name), Sources: []codebuild.Source{}}
	if p.Source != nil {
		v.Sources = append(v.Sources, source(*p.Source))
	}
	for _, s := range p.SecondarySources {
		v.Sources = append(v.Sources, source(s))
	}
	if e := p.Environment; e != nil {
		v.Privileged = aws.ToBool(e.PrivilegedMode)
		for _, ev := range e.EnvironmentVariables {
			t := string(ev.Type)
			if t == "" {
				t = "PLAINTEXT"
			}
			v.Environment = append(v.Environment, codebuild.EnvVar{Name: aws.ToString(ev.Name), Type: t})
		}
	}
	// CloudWatch Logs are on unless turned off; S3 logs off unless on.
	v.CloudWatchLogs = true
	if l := p.LogsConfig; l != nil {
		if l.CloudWatchLogs != nil {
			v.CloudWatchLogs = l.CloudWatchLogs.Status == cbtypes.LogsConfigStatusTypeEnabled
		}
		if l.S3Logs != nil {
			v.S3Logs = l.S3Logs.Status == cbtypes.LogsConfigStatusTypeEnabled
			v.S3EncryptionDisabled = aws.ToBool(l.S3Logs.EncryptionDisabled)
		}
	}
	return v
}

// source keeps a source's type and URL, the URL's password (a token or a
// sign-in password) replaced by "xxxxx".
func source(s cbtypes.ProjectSource) codebuild.Source {
	v := codebuild.Source{Type: string(s.Type), Location: aws.ToString(s.Location)}
	if u, err := url.Parse(v.Location); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			v.URLPassword = true
			v.Location = u.Redacted()
		}
	}
	return v
}
