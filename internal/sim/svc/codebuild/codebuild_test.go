package codebuild_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cbsdk "github.com/aws/aws-sdk-go-v2/service/codebuild"
	"github.com/aws/aws-sdk-go-v2/service/codebuild/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestListProjectsPagination(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	for i := range 230 {
		r.CodeBuild.Projects = append(r.CodeBuild.Projects, &world.CodeBuildProject{Name: fmt.Sprintf("p%03d", i), Source: world.CodeBuildSource{Type: "NO_SOURCE"}})
	}
	c := cbsdk.NewFromConfig(simtest.Start(t, w).Config(t, simtest.Member, region))
	ctx := context.Background()
	var names []string
	var token *string
	pages := 0
	for {
		out, err := c.ListProjects(ctx, &cbsdk.ListProjectsInput{NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		names = append(names, out.Projects...)
		if token = out.NextToken; token == nil {
			break
		}
	}
	if len(names) != 230 || pages != 3 || names[0] != "p000" {
		t.Errorf("%d names in %d pages", len(names), pages)
	}
	out, err := c.ListProjects(ctx, &cbsdk.ListProjectsInput{SortBy: types.ProjectSortByTypeName, SortOrder: types.SortOrderTypeDescending})
	if err != nil || out.Projects[0] != "p229" {
		t.Errorf("descending: %v %v", out.Projects[:1], err)
	}
	if _, err := c.ListProjects(ctx, &cbsdk.ListProjectsInput{NextToken: aws.String("x")}); code(err) != "InvalidInputException" {
		t.Errorf("bad token: %v", err)
	}
	if _, err := c.BatchGetProjects(ctx, &cbsdk.BatchGetProjectsInput{Names: names[:101]}); code(err) != "InvalidInputException" {
		t.Errorf("101 names: %v", err)
	}
}

func TestWriteThenRead(t *testing.T) {
	s := simtest.Start(t, nil)
	c := cbsdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	_, err := c.CreateProject(ctx, &cbsdk.CreateProjectInput{Name: aws.String("web"), ServiceRole: aws.String("arn:aws:iam::222222222222:role/cb"),
		Source:           &types.ProjectSource{Type: types.SourceTypeBitbucket, Location: aws.String("https://user:pass@bitbucket.org/acme/web.git")},
		SecondarySources: []types.ProjectSource{{Type: types.SourceTypeGithub, Location: aws.String("https://github.com/acme/lib"), SourceIdentifier: aws.String("lib")}},
		Environment: &types.ProjectEnvironment{Type: types.EnvironmentTypeLinuxContainer, Image: aws.String("aws/codebuild/standard:7.0"),
			ComputeType: types.ComputeTypeBuildGeneral1Small, PrivilegedMode: aws.Bool(true),
			EnvironmentVariables: []types.EnvironmentVariable{{Name: aws.String("AWS_SECRET_ACCESS_KEY"), Value: aws.String("x")},
				{Name: aws.String("TOKEN"), Value: aws.String("/ci/token"), Type: types.EnvironmentVariableTypeParameterStore}}},
		Artifacts: &types.ProjectArtifacts{Type: types.ArtifactsTypeNoArtifacts},
		LogsConfig: &types.LogsConfig{CloudWatchLogs: &types.CloudWatchLogsConfig{Status: types.LogsConfigStatusTypeDisabled},
			S3Logs: &types.S3LogsConfig{Status: types.LogsConfigStatusTypeEnabled, Location: aws.String("logs-bucket/cb"), EncryptionDisabled: aws.Bool(true)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateProject(ctx, &cbsdk.CreateProjectInput{Name: aws.String("web"), ServiceRole: aws.String("r"),
		Source: &types.ProjectSource{Type: types.SourceTypeNoSource}, Environment: &types.ProjectEnvironment{Type: types.EnvironmentTypeLinuxContainer,
			Image: aws.String("i"), ComputeType: types.ComputeTypeBuildGeneral1Small},
		Artifacts: &types.ProjectArtifacts{Type: types.ArtifactsTypeNoArtifacts}}); code(err) != "ResourceAlreadyExistsException" {
		t.Errorf("duplicate: %v", err)
	}
	out, err := c.BatchGetProjects(ctx, &cbsdk.BatchGetProjectsInput{Names: []string{"web", "gone"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Projects) != 1 || fmt.Sprint(out.ProjectsNotFound) != "[gone]" {
		t.Fatalf("batch = %+v", out)
	}
	p := out.Projects[0]
	if aws.ToString(p.Arn) != "arn:aws:codebuild:eu-west-1:222222222222:project/web" || p.Source.Type != types.SourceTypeBitbucket ||
		aws.ToString(p.Source.Location) != "https://user:pass@bitbucket.org/acme/web.git" || len(p.SecondarySources) != 1 ||
		!aws.ToBool(p.Environment.PrivilegedMode) || p.Environment.EnvironmentVariables[0].Type != types.EnvironmentVariableTypePlaintext ||
		p.Environment.EnvironmentVariables[1].Type != types.EnvironmentVariableTypeParameterStore ||
		p.LogsConfig.CloudWatchLogs.Status != types.LogsConfigStatusTypeDisabled || p.LogsConfig.S3Logs.Status != types.LogsConfigStatusTypeEnabled ||
		!aws.ToBool(p.LogsConfig.S3Logs.EncryptionDisabled) || !p.Created.Equal(simtest.Now) {
		t.Errorf("project = %+v", p)
	}
	if _, err := c.UpdateProject(ctx, &cbsdk.UpdateProjectInput{Name: aws.String("web"),
		Environment: &types.ProjectEnvironment{Type: types.EnvironmentTypeLinuxContainer, Image: aws.String("i"), ComputeType: types.ComputeTypeBuildGeneral1Small, PrivilegedMode: aws.Bool(false)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateProject(ctx, &cbsdk.UpdateProjectInput{Name: aws.String("gone")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("update unknown: %v", err)
	}
	out, err = c.BatchGetProjects(ctx, &cbsdk.BatchGetProjectsInput{Names: []string{"arn:aws:codebuild:eu-west-1:222222222222:project/web"}})
	if err != nil || len(out.Projects) != 1 || aws.ToBool(out.Projects[0].Environment.PrivilegedMode) || len(out.Projects[0].Environment.EnvironmentVariables) != 0 {
		t.Errorf("after update = %+v %v", out, err)
	}
	for _, other := range []*cbsdk.Client{cbsdk.NewFromConfig(s.Config(t, simtest.Management, region)), cbsdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))} {
		l, err := other.ListProjects(ctx, &cbsdk.ListProjectsInput{})
		if err != nil || len(l.Projects) != 0 {
			t.Errorf("other sees %v %v", l, err)
		}
		b, err := other.BatchGetProjects(ctx, &cbsdk.BatchGetProjectsInput{Names: []string{"web"}})
		if err != nil || len(b.Projects) != 0 {
			t.Errorf("other gets %v %v", b, err)
		}
	}
}
