package accessanalyzer_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aa "github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

var ctx = context.Background()

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestAnalyzers(t *testing.T) {
	s := simtest.Start(t, nil)
	c := aa.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))

	l, err := c.ListAnalyzers(ctx, &aa.ListAnalyzersInput{})
	if err != nil || len(l.Analyzers) != 0 {
		t.Fatalf("ListAnalyzers empty = %+v %v", l, err)
	}
	cr, err := c.CreateAnalyzer(ctx, &aa.CreateAnalyzerInput{AnalyzerName: aws.String("acct"), Type: types.TypeAccount, Tags: map[string]string{"k": "v"}})
	if err != nil || aws.ToString(cr.Arn) != "arn:aws:access-analyzer:eu-west-1:222222222222:analyzer/acct" {
		t.Fatalf("CreateAnalyzer = %+v %v", cr, err)
	}
	var ce *types.ConflictException
	if _, err := c.CreateAnalyzer(ctx, &aa.CreateAnalyzerInput{AnalyzerName: aws.String("acct"), Type: types.TypeAccount}); !errors.As(err, &ce) {
		t.Errorf("duplicate = %v", err)
	}
	if _, err := c.CreateAnalyzer(ctx, &aa.CreateAnalyzerInput{AnalyzerName: aws.String("9bad name"), Type: types.TypeAccount}); code(err) != "ValidationException" {
		t.Errorf("bad name = %v", err)
	}
	if _, err := c.CreateAnalyzer(ctx, &aa.CreateAnalyzerInput{AnalyzerName: aws.String("org"), Type: types.TypeOrganization}); code(err) != "ValidationException" {
		t.Errorf("org analyzer outside an org = %v", err)
	}
	if _, err := c.CreateAnalyzer(ctx, &aa.CreateAnalyzerInput{AnalyzerName: aws.String("unused"), Type: types.TypeAccountUnusedAccess,
		Configuration: &types.AnalyzerConfigurationMemberUnusedAccess{Value: types.UnusedAccessConfiguration{UnusedAccessAge: aws.Int32(30)}}}); err != nil {
		t.Fatal(err)
	}
	g, err := c.GetAnalyzer(ctx, &aa.GetAnalyzerInput{AnalyzerName: aws.String("acct")})
	if err != nil || g.Analyzer.Type != types.TypeAccount || g.Analyzer.Status != types.AnalyzerStatusActive || g.Analyzer.CreatedAt == nil || g.Analyzer.Tags["k"] != "v" {
		t.Errorf("GetAnalyzer = %+v %v", g, err)
	}
	g, _ = c.GetAnalyzer(ctx, &aa.GetAnalyzerInput{AnalyzerName: aws.String("unused")})
	if u, ok := g.Analyzer.Configuration.(*types.AnalyzerConfigurationMemberUnusedAccess); !ok || aws.ToInt32(u.Value.UnusedAccessAge) != 30 {
		t.Errorf("unused configuration = %#v", g.Analyzer.Configuration)
	}
	var rnf *types.ResourceNotFoundException
	if _, err := c.GetAnalyzer(ctx, &aa.GetAnalyzerInput{AnalyzerName: aws.String("nope")}); !errors.As(err, &rnf) {
		t.Errorf("get missing = %v", err)
	}
	l, _ = c.ListAnalyzers(ctx, &aa.ListAnalyzersInput{Type: types.TypeAccount})
	if len(l.Analyzers) != 1 || aws.ToString(l.Analyzers[0].Name) != "acct" {
		t.Errorf("type filter = %+v", l.Analyzers)
	}
	for i := 0; i < 3; i++ {
		c.CreateAnalyzer(ctx, &aa.CreateAnalyzerInput{AnalyzerName: aws.String(fmt.Sprintf("a%d", i)), Type: types.TypeAccount})
	}
	p := aa.NewListAnalyzersPaginator(c, &aa.ListAnalyzersInput{MaxResults: aws.Int32(2)})
	n, pages := 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.Analyzers)
		pages++
	}
	if n != 5 || pages != 3 {
		t.Errorf("paginated %d in %d pages", n, pages)
	}
	if _, err := c.ListAnalyzers(ctx, &aa.ListAnalyzersInput{NextToken: aws.String("x")}); code(err) != "ValidationException" {
		t.Errorf("bad token = %v", err)
	}

	// Findings: empty for a new analyzer; V1 refuses unused-access analyzers.
	lf, err := c.ListFindings(ctx, &aa.ListFindingsInput{AnalyzerArn: cr.Arn})
	if err != nil || len(lf.Findings) != 0 {
		t.Errorf("ListFindings = %+v %v", lf, err)
	}
	if _, err := c.ListFindings(ctx, &aa.ListFindingsInput{AnalyzerArn: aws.String("arn:aws:access-analyzer:eu-west-1:222222222222:analyzer/unused")}); code(err) != "ValidationException" {
		t.Errorf("ListFindings unused = %v", err)
	}
	if _, err := c.ListFindingsV2(ctx, &aa.ListFindingsV2Input{AnalyzerArn: aws.String("arn:aws:access-analyzer:eu-west-1:222222222222:analyzer/unused")}); err != nil {
		t.Errorf("ListFindingsV2 unused = %v", err)
	}
	if _, err := c.ListFindings(ctx, &aa.ListFindingsInput{AnalyzerArn: aws.String("arn:aws:access-analyzer:eu-west-1:222222222222:analyzer/nope")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("ListFindings missing = %v", err)
	}

	// Isolation.
	if l, _ := aa.NewFromConfig(s.Config(t, simtest.Member, "us-east-1")).ListAnalyzers(ctx, &aa.ListAnalyzersInput{}); len(l.Analyzers) != 0 {
		t.Errorf("us-east-1 sees %d", len(l.Analyzers))
	}
	if l, _ := aa.NewFromConfig(s.Config(t, simtest.Management, "eu-west-1")).ListAnalyzers(ctx, &aa.ListAnalyzersInput{}); len(l.Analyzers) != 0 {
		t.Errorf("other account sees %d", len(l.Analyzers))
	}

	if _, err := c.DeleteAnalyzer(ctx, &aa.DeleteAnalyzerInput{AnalyzerName: aws.String("acct")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteAnalyzer(ctx, &aa.DeleteAnalyzerInput{AnalyzerName: aws.String("acct")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("delete twice = %v", err)
	}
}

func TestOrganizationAnalyzerAndFindings(t *testing.T) {
	w := simtest.NewWorld()
	w.Org = &world.Organization{ID: "o-test", ManagementAccount: simtest.Management, Members: map[string]*world.Member{
		simtest.Management: {Account: simtest.Management}, simtest.Member: {Account: simtest.Member}},
		DelegatedAdmins: map[string][]world.DelegatedAdmin{}}
	third := w.AddAccount("333333333333", "third", "t@example.com")
	w.Org.Members[third.ID] = &world.Member{Account: third.ID}
	now := simtest.Now
	var fs []*world.AnalyzerFinding
	for i := 0; i < 3; i++ {
		fs = append(fs, &world.AnalyzerFinding{ID: fmt.Sprintf("f%d", i), Resource: fmt.Sprintf("arn:aws:s3:::b%d", i), ResourceType: "AWS::S3::Bucket",
			IsPublic: i == 0, Status: "ACTIVE", CreatedAt: now, UpdatedAt: now, Principal: map[string]string{"AWS": "*"}})
	}
	fs[2].Status = "ARCHIVED"
	w.Accounts[simtest.Member].In("eu-west-1").AccessAnalyzer.Analyzers = []*world.Analyzer{{Name: "seeded", Type: "ACCOUNT", CreatedAt: now, Findings: fs}}
	s := simtest.Start(t, w)

	mgmt := aa.NewFromConfig(s.Config(t, simtest.Management, "eu-west-1"))
	if _, err := mgmt.CreateAnalyzer(ctx, &aa.CreateAnalyzerInput{AnalyzerName: aws.String("org"), Type: types.TypeOrganization}); err != nil {
		t.Errorf("management org analyzer = %v", err)
	}
	member := aa.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))
	if _, err := member.CreateAnalyzer(ctx, &aa.CreateAnalyzerInput{AnalyzerName: aws.String("org"), Type: types.TypeOrganization}); code(err) != "ValidationException" {
		t.Errorf("member org analyzer = %v", err)
	}
	w.Mu.Lock()
	w.Org.DelegatedAdmins["access-analyzer.amazonaws.com"] = []world.DelegatedAdmin{{Account: simtest.Member}}
	w.Mu.Unlock()
	if _, err := member.CreateAnalyzer(ctx, &aa.CreateAnalyzerInput{AnalyzerName: aws.String("org"), Type: types.TypeOrganizationUnusedAccess}); err != nil {
		t.Errorf("delegated admin org analyzer = %v", err)
	}
	l, _ := member.ListAnalyzers(ctx, &aa.ListAnalyzersInput{Type: types.TypeOrganizationUnusedAccess})
	if len(l.Analyzers) != 1 {
		t.Errorf("ORGANIZATION_UNUSED_ACCESS analyzers = %d", len(l.Analyzers))
	}

	arn := aws.String("arn:aws:access-analyzer:eu-west-1:222222222222:analyzer/seeded")
	var got []types.FindingSummary
	p := aa.NewListFindingsPaginator(member, &aa.ListFindingsInput{AnalyzerArn: arn, MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, out.Findings...)
	}
	if len(got) != 3 || !aws.ToBool(got[0].IsPublic) || got[0].Principal["AWS"] != "*" || aws.ToString(got[0].ResourceOwnerAccount) != simtest.Member {
		t.Errorf("findings = %+v", got)
	}
	active, err := member.ListFindingsV2(ctx, &aa.ListFindingsV2Input{AnalyzerArn: arn, Filter: map[string]types.Criterion{"status": {Eq: []string{"ACTIVE"}}}})
	if err != nil || len(active.Findings) != 2 || active.Findings[0].FindingType != types.FindingTypeExternalAccess {
		t.Errorf("ListFindingsV2 ACTIVE = %+v %v", active, err)
	}
}

func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.AccessAnalyzer]("accessanalyzer")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) < 3 {
		t.Errorf("only %d profiles", len(profiles))
	}
}
