package ecr_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecrsdk "github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
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

func client(t *testing.T, s *simtest.Sim, account, reg string) *ecrsdk.Client {
	return ecrsdk.NewFromConfig(s.Config(t, account, reg))
}

func TestDescribeRepositoriesPagination(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	for i := range 105 {
		r.ECR.Repositories = append(r.ECR.Repositories, &world.ECRRepository{Name: fmt.Sprintf("team/app-%03d", i), Created: simtest.Now})
	}
	s := simtest.Start(t, w)
	c := client(t, s, simtest.Member, region)
	ctx := context.Background()
	var names []string
	var token *string
	pages := 0
	for {
		out, err := c.DescribeRepositories(ctx, &ecrsdk.DescribeRepositoriesInput{NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range out.Repositories {
			names = append(names, aws.ToString(r.RepositoryName))
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if len(names) != 105 || pages != 2 {
		t.Errorf("%d repositories in %d pages", len(names), pages)
	}
	out, err := c.DescribeRepositories(ctx, &ecrsdk.DescribeRepositoriesInput{MaxResults: aws.Int32(1000)})
	if err != nil || len(out.Repositories) != 105 || out.NextToken != nil {
		t.Errorf("maxResults 1000: %d, %v", len(out.Repositories), err)
	}
	first := out.Repositories[0]
	if aws.ToString(first.RepositoryArn) != "arn:aws:ecr:eu-west-1:222222222222:repository/team/app-000" ||
		aws.ToString(first.RepositoryUri) != "222222222222.dkr.ecr.eu-west-1.amazonaws.com/team/app-000" ||
		first.ImageTagMutability != types.ImageTagMutabilityMutable || first.EncryptionConfiguration.EncryptionType != types.EncryptionTypeAes256 ||
		!first.CreatedAt.Equal(simtest.Now) {
		t.Errorf("repository = %+v", first)
	}
	if _, err := c.DescribeRepositories(ctx, &ecrsdk.DescribeRepositoriesInput{MaxResults: aws.Int32(1001)}); code(err) != "InvalidParameterException" {
		t.Errorf("maxResults 1001: %v", err)
	}
	if _, err := c.DescribeRepositories(ctx, &ecrsdk.DescribeRepositoriesInput{RepositoryNames: []string{"team/app-001", "nope"}}); code(err) != "RepositoryNotFoundException" {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := c.DescribeRepositories(ctx, &ecrsdk.DescribeRepositoriesInput{NextToken: aws.String("bad")}); code(err) != "InvalidParameterException" {
		t.Errorf("bad token: %v", err)
	}
}

func TestWriteThenRead(t *testing.T) {
	s := simtest.Start(t, nil)
	c := client(t, s, simtest.Member, region)
	ctx := context.Background()
	for _, n := range []string{"web", "batch", "scratch"} {
		if _, err := c.CreateRepository(ctx, &ecrsdk.CreateRepositoryInput{RepositoryName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateRepository(ctx, &ecrsdk.CreateRepositoryInput{RepositoryName: aws.String("web")}); code(err) != "RepositoryAlreadyExistsException" {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := c.PutImageTagMutability(ctx, &ecrsdk.PutImageTagMutabilityInput{RepositoryName: aws.String("web"), ImageTagMutability: types.ImageTagMutabilityImmutable}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutImageScanningConfiguration(ctx, &ecrsdk.PutImageScanningConfigurationInput{RepositoryName: aws.String("web"),
		ImageScanningConfiguration: &types.ImageScanningConfiguration{ScanOnPush: true}}); err != nil {
		t.Fatal(err)
	}
	policy := `{"rules":[{"rulePriority":1,"description":"expire untagged","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}`
	if _, err := c.PutLifecyclePolicy(ctx, &ecrsdk.PutLifecyclePolicyInput{RepositoryName: aws.String("web"), LifecyclePolicyText: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	lp, err := c.GetLifecyclePolicy(ctx, &ecrsdk.GetLifecyclePolicyInput{RepositoryName: aws.String("web")})
	if err != nil || aws.ToString(lp.LifecyclePolicyText) != policy {
		t.Errorf("lifecycle = %+v %v", lp, err)
	}
	if _, err := c.GetLifecyclePolicy(ctx, &ecrsdk.GetLifecyclePolicyInput{RepositoryName: aws.String("batch")}); code(err) != "LifecyclePolicyNotFoundException" {
		t.Errorf("no policy: %v", err)
	}
	if _, err := c.GetLifecyclePolicy(ctx, &ecrsdk.GetLifecyclePolicyInput{RepositoryName: aws.String("nope")}); code(err) != "RepositoryNotFoundException" {
		t.Errorf("no repository: %v", err)
	}
	d, err := c.DescribeRepositories(ctx, &ecrsdk.DescribeRepositoriesInput{RepositoryNames: []string{"web"}})
	if err != nil || d.Repositories[0].ImageTagMutability != types.ImageTagMutabilityImmutable || !d.Repositories[0].ImageScanningConfiguration.ScanOnPush {
		t.Errorf("web = %+v %v", d, err)
	}

	// Effective scanning: web scans on push by its own flag (basic
	// scanning, no rule); then an enhanced registry rule scans batch*
	// continuously and web is no longer matched by any rule.
	eff := func() map[string]types.ScanFrequency {
		o, err := c.BatchGetRepositoryScanningConfiguration(ctx, &ecrsdk.BatchGetRepositoryScanningConfigurationInput{RepositoryNames: []string{"web", "batch", "scratch", "gone"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Failures) != 1 || o.Failures[0].FailureCode != types.ScanningConfigurationFailureCodeRepositoryNotFound {
			t.Errorf("failures = %+v", o.Failures)
		}
		m := map[string]types.ScanFrequency{}
		for _, sc := range o.ScanningConfigurations {
			m[aws.ToString(sc.RepositoryName)] = sc.ScanFrequency
		}
		return m
	}
	if got := eff(); got["web"] != types.ScanFrequencyScanOnPush || got["batch"] != types.ScanFrequencyManual || got["scratch"] != types.ScanFrequencyManual {
		t.Errorf("basic: %v", got)
	}
	if _, err := c.PutRegistryScanningConfiguration(ctx, &ecrsdk.PutRegistryScanningConfigurationInput{ScanType: types.ScanTypeEnhanced,
		Rules: []types.RegistryScanningRule{{ScanFrequency: types.ScanFrequencyContinuousScan,
			RepositoryFilters: []types.ScanningRepositoryFilter{{Filter: aws.String("batch*"), FilterType: types.ScanningRepositoryFilterTypeWildcard}}}}}); err != nil {
		t.Fatal(err)
	}
	if got := eff(); got["web"] != types.ScanFrequencyManual || got["batch"] != types.ScanFrequencyContinuousScan {
		t.Errorf("enhanced: %v", got)
	}
	rs, err := c.GetRegistryScanningConfiguration(ctx, &ecrsdk.GetRegistryScanningConfigurationInput{})
	if err != nil || rs.ScanningConfiguration.ScanType != types.ScanTypeEnhanced || len(rs.ScanningConfiguration.Rules) != 1 {
		t.Errorf("registry = %+v %v", rs, err)
	}
	if _, err := c.BatchGetRepositoryScanningConfiguration(ctx, &ecrsdk.BatchGetRepositoryScanningConfigurationInput{RepositoryNames: make([]string, 26)}); err == nil {
		t.Error("26 names accepted")
	}

	// Isolation.
	for _, other := range []*ecrsdk.Client{client(t, s, simtest.Management, region), client(t, s, simtest.Member, "us-east-1")} {
		o, err := other.DescribeRepositories(ctx, &ecrsdk.DescribeRepositoriesInput{})
		if err != nil || len(o.Repositories) != 0 {
			t.Errorf("other sees %+v %v", o, err)
		}
	}
	if _, err := client(t, s, simtest.Management, region).DescribeRepositories(ctx, &ecrsdk.DescribeRepositoriesInput{RegistryId: aws.String(simtest.Member)}); !strings.Contains(code(err), "AccessDenied") {
		t.Errorf("other registry: %v", err)
	}
}
