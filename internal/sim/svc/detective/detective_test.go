package detective_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	dt "github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"
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

func TestGraphs(t *testing.T) {
	s := simtest.Start(t, nil)
	c := dt.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))
	l, err := c.ListGraphs(ctx, &dt.ListGraphsInput{})
	if err != nil || len(l.GraphList) != 0 {
		t.Fatalf("ListGraphs empty = %+v %v", l, err)
	}
	cr, err := c.CreateGraph(ctx, &dt.CreateGraphInput{Tags: map[string]string{"k": "v"}})
	if err != nil || !strings.HasPrefix(aws.ToString(cr.GraphArn), "arn:aws:detective:eu-west-1:222222222222:graph:") {
		t.Fatalf("CreateGraph = %+v %v", cr, err)
	}
	var ce *types.ConflictException
	if _, err := c.CreateGraph(ctx, &dt.CreateGraphInput{}); !errors.As(err, &ce) {
		t.Errorf("second graph = %v", err)
	}
	p := dt.NewListGraphsPaginator(c, &dt.ListGraphsInput{MaxResults: aws.Int32(1)})
	var got []types.Graph
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, out.GraphList...)
	}
	if len(got) != 1 || aws.ToString(got[0].Arn) != aws.ToString(cr.GraphArn) || got[0].CreatedTime == nil {
		t.Errorf("ListGraphs = %+v", got)
	}
	if _, err := c.ListGraphs(ctx, &dt.ListGraphsInput{NextToken: aws.String("bad")}); code(err) != "ValidationException" {
		t.Errorf("bad token = %v", err)
	}
	m, err := c.ListMembers(ctx, &dt.ListMembersInput{GraphArn: cr.GraphArn})
	if err != nil || len(m.MemberDetails) != 0 {
		t.Errorf("ListMembers = %+v %v", m, err)
	}
	// Isolation.
	if l, _ := dt.NewFromConfig(s.Config(t, simtest.Member, "us-east-1")).ListGraphs(ctx, &dt.ListGraphsInput{}); len(l.GraphList) != 0 {
		t.Errorf("us-east-1 graphs = %d", len(l.GraphList))
	}
	other := dt.NewFromConfig(s.Config(t, simtest.Management, "eu-west-1"))
	if _, err := other.DeleteGraph(ctx, &dt.DeleteGraphInput{GraphArn: cr.GraphArn}); code(err) != "ResourceNotFoundException" {
		t.Errorf("other account deletes = %v", err)
	}
	if _, err := c.DeleteGraph(ctx, &dt.DeleteGraphInput{GraphArn: cr.GraphArn}); err != nil {
		t.Fatal(err)
	}
	var rnf *types.ResourceNotFoundException
	if _, err := c.DeleteGraph(ctx, &dt.DeleteGraphInput{GraphArn: cr.GraphArn}); !errors.As(err, &rnf) {
		t.Errorf("delete twice = %v", err)
	}
}

func TestOrganizationAdmin(t *testing.T) {
	w := simtest.NewWorld()
	w.Org = &world.Organization{ID: "o-test", ManagementAccount: simtest.Management, Members: map[string]*world.Member{
		simtest.Management: {Account: simtest.Management}, simtest.Member: {Account: simtest.Member}}}
	s := simtest.Start(t, w)
	mgmt := dt.NewFromConfig(s.Config(t, simtest.Management, "eu-west-1"))
	member := dt.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))

	if _, err := member.EnableOrganizationAdminAccount(ctx, &dt.EnableOrganizationAdminAccountInput{AccountId: aws.String(simtest.Member)}); code(err) != "AccessDeniedException" {
		t.Errorf("member enables admin = %v", err)
	}
	if _, err := mgmt.EnableOrganizationAdminAccount(ctx, &dt.EnableOrganizationAdminAccountInput{AccountId: aws.String(simtest.Member)}); err != nil {
		t.Fatal(err)
	}
	if _, err := mgmt.EnableOrganizationAdminAccount(ctx, &dt.EnableOrganizationAdminAccountInput{AccountId: aws.String(simtest.Management)}); code(err) != "ValidationException" {
		t.Errorf("second admin = %v", err)
	}
	if a := w.Org.DelegatedAdmins["detective.amazonaws.com"]; len(a) != 1 || a[0].Account != simtest.Member {
		t.Errorf("delegated admins = %+v", a)
	}
	la, err := mgmt.ListOrganizationAdminAccounts(ctx, &dt.ListOrganizationAdminAccountsInput{})
	if err != nil || len(la.Administrators) != 1 || aws.ToString(la.Administrators[0].AccountId) != simtest.Member {
		t.Fatalf("ListOrganizationAdminAccounts = %+v %v", la, err)
	}
	// The administrator has its organization graph, with the listed ARN.
	l, err := member.ListGraphs(ctx, &dt.ListGraphsInput{})
	if err != nil || len(l.GraphList) != 1 || aws.ToString(l.GraphList[0].Arn) != aws.ToString(la.Administrators[0].GraphArn) {
		t.Fatalf("admin graphs = %+v %v (admin graph %s)", l, err, aws.ToString(la.Administrators[0].GraphArn))
	}
	arn := l.GraphList[0].Arn
	d, err := member.DescribeOrganizationConfiguration(ctx, &dt.DescribeOrganizationConfigurationInput{GraphArn: arn})
	if err != nil || d.AutoEnable {
		t.Fatalf("DescribeOrganizationConfiguration = %+v %v", d, err)
	}
	if _, err := member.UpdateOrganizationConfiguration(ctx, &dt.UpdateOrganizationConfigurationInput{GraphArn: arn, AutoEnable: true}); err != nil {
		t.Fatal(err)
	}
	if d, _ := member.DescribeOrganizationConfiguration(ctx, &dt.DescribeOrganizationConfigurationInput{GraphArn: arn}); !d.AutoEnable {
		t.Errorf("AutoEnable not stored")
	}
	if _, err := member.DeleteGraph(ctx, &dt.DeleteGraphInput{GraphArn: arn}); code(err) != "ValidationException" {
		t.Errorf("admin deletes org graph = %v", err)
	}
	mg, _ := mgmt.CreateGraph(ctx, &dt.CreateGraphInput{})
	if _, err := mgmt.DescribeOrganizationConfiguration(ctx, &dt.DescribeOrganizationConfigurationInput{GraphArn: mg.GraphArn}); code(err) != "AccessDeniedException" {
		t.Errorf("non-admin describe = %v", err)
	}
	if _, err := mgmt.DisableOrganizationAdminAccount(ctx, &dt.DisableOrganizationAdminAccountInput{}); err != nil {
		t.Fatal(err)
	}
	if la, _ := mgmt.ListOrganizationAdminAccounts(ctx, &dt.ListOrganizationAdminAccountsInput{}); len(la.Administrators) != 0 {
		t.Errorf("admins after disable = %+v", la.Administrators)
	}
}

func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.Detective]("detective")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) < 1 {
		t.Errorf("no profiles")
	}
}
