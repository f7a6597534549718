package inspector2_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	in2 "github.com/aws/aws-sdk-go-v2/service/inspector2"
	"github.com/aws/aws-sdk-go-v2/service/inspector2/types"
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

func TestEnableDisableStatus(t *testing.T) {
	s := simtest.Start(t, nil)
	c := in2.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))

	st, err := c.BatchGetAccountStatus(ctx, &in2.BatchGetAccountStatusInput{})
	if err != nil || len(st.Accounts) != 1 || st.Accounts[0].State.Status != types.StatusDisabled || st.Accounts[0].ResourceState.Ec2.Status != types.StatusDisabled {
		t.Fatalf("initial status = %+v %v", st, err)
	}
	en, err := c.Enable(ctx, &in2.EnableInput{ResourceTypes: []types.ResourceScanType{types.ResourceScanTypeEc2, types.ResourceScanTypeEcr}})
	if err != nil || len(en.Accounts) != 1 || en.Accounts[0].Status != types.StatusEnabled || en.Accounts[0].ResourceStatus.Ec2 != types.StatusEnabled || en.Accounts[0].ResourceStatus.Lambda != types.StatusDisabled {
		t.Fatalf("Enable = %+v %v", en, err)
	}
	if _, err := c.Enable(ctx, &in2.EnableInput{ResourceTypes: []types.ResourceScanType{"WORKSPACES"}}); code(err) != "ValidationException" {
		t.Errorf("bad resource type = %v", err)
	}
	// Another account's ID is reported as failed.
	en, err = c.Enable(ctx, &in2.EnableInput{AccountIds: []string{simtest.Member, simtest.Management}, ResourceTypes: []types.ResourceScanType{types.ResourceScanTypeLambda}})
	if err != nil || len(en.Accounts) != 1 || len(en.FailedAccounts) != 1 || en.FailedAccounts[0].ErrorCode != types.ErrorCodeAccessDenied {
		t.Errorf("Enable other account = %+v %v", en, err)
	}
	st, _ = c.BatchGetAccountStatus(ctx, &in2.BatchGetAccountStatusInput{AccountIds: []string{simtest.Member}})
	rs := st.Accounts[0].ResourceState
	if st.Accounts[0].State.Status != types.StatusEnabled || rs.Ec2.Status != types.StatusEnabled || rs.Ecr.Status != types.StatusEnabled || rs.Lambda.Status != types.StatusEnabled || rs.LambdaCode.Status != types.StatusDisabled {
		t.Errorf("status = %+v", st.Accounts[0])
	}
	// Isolation.
	if st, _ := in2.NewFromConfig(s.Config(t, simtest.Member, "us-east-1")).BatchGetAccountStatus(ctx, &in2.BatchGetAccountStatusInput{}); st.Accounts[0].State.Status != types.StatusDisabled {
		t.Errorf("us-east-1 status = %s", st.Accounts[0].State.Status)
	}
	if st, _ := in2.NewFromConfig(s.Config(t, simtest.Management, "eu-west-1")).BatchGetAccountStatus(ctx, &in2.BatchGetAccountStatusInput{}); st.Accounts[0].State.Status != types.StatusDisabled {
		t.Errorf("other account status = %s", st.Accounts[0].State.Status)
	}

	d, err := c.Disable(ctx, &in2.DisableInput{ResourceTypes: []types.ResourceScanType{types.ResourceScanTypeEc2}})
	if err != nil || d.Accounts[0].ResourceStatus.Ec2 != types.StatusDisabled || d.Accounts[0].Status != types.StatusEnabled {
		t.Errorf("Disable EC2 = %+v %v", d, err)
	}
	d, err = c.Disable(ctx, &in2.DisableInput{})
	if err != nil || d.Accounts[0].Status != types.StatusDisabled {
		t.Errorf("Disable all = %+v %v", d, err)
	}
}

func TestDelegatedAdmin(t *testing.T) {
	w := simtest.NewWorld()
	w.Org = &world.Organization{ID: "o-test", ManagementAccount: simtest.Management, Members: map[string]*world.Member{
		simtest.Management: {Account: simtest.Management}, simtest.Member: {Account: simtest.Member}}}
	s := simtest.Start(t, w)
	mgmt := in2.NewFromConfig(s.Config(t, simtest.Management, "eu-west-1"))
	member := in2.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))

	var ade *types.AccessDeniedException
	if _, err := member.EnableDelegatedAdminAccount(ctx, &in2.EnableDelegatedAdminAccountInput{DelegatedAdminAccountId: aws.String(simtest.Member)}); !errors.As(err, &ade) {
		t.Errorf("member enables admin = %v", err)
	}
	if _, err := member.DescribeOrganizationConfiguration(ctx, &in2.DescribeOrganizationConfigurationInput{}); code(err) != "AccessDeniedException" {
		t.Errorf("non-admin describe = %v", err)
	}
	out, err := mgmt.EnableDelegatedAdminAccount(ctx, &in2.EnableDelegatedAdminAccountInput{DelegatedAdminAccountId: aws.String(simtest.Member)})
	if err != nil || aws.ToString(out.DelegatedAdminAccountId) != simtest.Member {
		t.Fatalf("EnableDelegatedAdminAccount = %+v %v", out, err)
	}
	if a := w.Org.DelegatedAdmins["inspector2.amazonaws.com"]; len(a) != 1 || a[0].Account != simtest.Member {
		t.Errorf("delegated admins = %+v", a)
	}
	var ce *types.ConflictException
	if _, err := mgmt.EnableDelegatedAdminAccount(ctx, &in2.EnableDelegatedAdminAccountInput{DelegatedAdminAccountId: aws.String(simtest.Management)}); !errors.As(err, &ce) {
		t.Errorf("second admin = %v", err)
	}
	p := in2.NewListDelegatedAdminAccountsPaginator(mgmt, &in2.ListDelegatedAdminAccountsInput{})
	var got []types.DelegatedAdminAccount
	for p.HasMorePages() {
		o, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, o.DelegatedAdminAccounts...)
	}
	if len(got) != 1 || aws.ToString(got[0].AccountId) != simtest.Member || got[0].Status != types.DelegatedAdminStatusEnabled {
		t.Errorf("ListDelegatedAdminAccounts = %+v", got)
	}
	if g, err := member.GetDelegatedAdminAccount(ctx, &in2.GetDelegatedAdminAccountInput{}); err != nil || aws.ToString(g.DelegatedAdmin.AccountId) != simtest.Member {
		t.Errorf("GetDelegatedAdminAccount = %+v %v", g, err)
	}
	d, err := member.DescribeOrganizationConfiguration(ctx, &in2.DescribeOrganizationConfigurationInput{})
	if err != nil || aws.ToBool(d.AutoEnable.Ec2) {
		t.Fatalf("DescribeOrganizationConfiguration = %+v %v", d, err)
	}
	if _, err := member.UpdateOrganizationConfiguration(ctx, &in2.UpdateOrganizationConfigurationInput{AutoEnable: &types.AutoEnable{Ec2: aws.Bool(true), Ecr: aws.Bool(true), Lambda: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	d, _ = member.DescribeOrganizationConfiguration(ctx, &in2.DescribeOrganizationConfigurationInput{})
	if !aws.ToBool(d.AutoEnable.Ec2) || !aws.ToBool(d.AutoEnable.Lambda) || aws.ToBool(d.AutoEnable.LambdaCode) {
		t.Errorf("after update = %+v", d.AutoEnable)
	}
	if _, err := mgmt.DisableDelegatedAdminAccount(ctx, &in2.DisableDelegatedAdminAccountInput{DelegatedAdminAccountId: aws.String(simtest.Member)}); err != nil {
		t.Fatal(err)
	}
	if _, err := mgmt.DisableDelegatedAdminAccount(ctx, &in2.DisableDelegatedAdminAccountInput{DelegatedAdminAccountId: aws.String(simtest.Member)}); code(err) != "ResourceNotFoundException" {
		t.Errorf("disable twice = %v", err)
	}
}

func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.Inspector2]("inspector2")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) < 2 {
		t.Errorf("only %d profiles", len(profiles))
	}
}
