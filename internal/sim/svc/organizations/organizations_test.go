package organizations_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	orgsdk "github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const (
	third   = "333333333333"
	outside = "999999999999"
)

var joined = time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)

// orgWorld: management + member + third in an organization; 25 extra
// accounts under the Workloads OU for pagination; an outsider account.
func orgWorld() *world.World {
	w := simtest.NewWorld()
	w.AddAccount(third, "third", "third@example.com")
	w.AddAccount(outside, "outside", "outside@example.com")
	org := &world.Organization{
		ID: "o-abcdefghij", ManagementAccount: simtest.Management, ManagementEmail: "management@example.com",
		FeatureSet: "ALL", RootID: "r-ab12",
		OUs: map[string]*world.OU{
			"ou-ab12-11111111": {ID: "ou-ab12-11111111", Name: "Security", Parent: "r-ab12"},
			"ou-ab12-22222222": {ID: "ou-ab12-22222222", Name: "Workloads", Parent: "r-ab12", Tags: map[string]string{"env": "prod"}},
		},
		Members: map[string]*world.Member{
			simtest.Management: {Account: simtest.Management, Parent: "r-ab12", Status: "ACTIVE", JoinedMethod: "INVITED", Joined: joined},
			simtest.Member:     {Account: simtest.Member, Parent: "ou-ab12-11111111", Status: "ACTIVE", JoinedMethod: "CREATED", Joined: joined},
			third:              {Account: third, Parent: "ou-ab12-11111111", Status: "ACTIVE", JoinedMethod: "CREATED", Joined: joined},
		},
		DelegatedAdmins: map[string][]world.DelegatedAdmin{"guardduty.amazonaws.com": {{Account: simtest.Member, Since: joined}}},
		ServiceAccess:   map[string]time.Time{"guardduty.amazonaws.com": joined},
	}
	for i := 0; i < 25; i++ {
		id := fmt.Sprintf("7777777777%02d", i)
		w.AddAccount(id, "wl"+id, id+"@example.com")
		org.Members[id] = &world.Member{Account: id, Parent: "ou-ab12-22222222", Status: "ACTIVE", JoinedMethod: "CREATED", Joined: joined}
	}
	w.Org = org
	return w
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return fmt.Sprintf("not an API error: %v", err)
}

func wantCode(t *testing.T, what string, err error, want string) {
	t.Helper()
	if got := code(err); got != want {
		t.Errorf("%s: err = %v, want %s", what, err, want)
	}
}

func clients(t *testing.T, w *world.World) (mgmt, member, thirdC, out *orgsdk.Client) {
	s := simtest.Start(t, w)
	c := func(a string) *orgsdk.Client { return orgsdk.NewFromConfig(s.Config(t, a, "us-east-1")) }
	return c(simtest.Management), c(simtest.Member), c(third), c(outside)
}

func TestDescribeOrganizationAndAccess(t *testing.T) {
	ctx := context.Background()
	mgmt, member, thirdC, out := clients(t, orgWorld())
	for _, c := range []*orgsdk.Client{mgmt, member, thirdC} {
		o, err := c.DescribeOrganization(ctx, &orgsdk.DescribeOrganizationInput{})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(o.Organization.Id) != "o-abcdefghij" || aws.ToString(o.Organization.MasterAccountId) != simtest.Management ||
			o.Organization.FeatureSet != types.OrganizationFeatureSetAll ||
			aws.ToString(o.Organization.Arn) != "arn:aws:organizations::111111111111:organization/o-abcdefghij" {
			t.Errorf("organization = %+v", o.Organization)
		}
	}
	_, err := out.DescribeOrganization(ctx, &orgsdk.DescribeOrganizationInput{})
	wantCode(t, "outsider", err, "AWSOrganizationsNotInUseException")
	var notInUse *types.AWSOrganizationsNotInUseException
	if !errors.As(err, &notInUse) {
		t.Errorf("err type %T", err)
	}
	// Member, not delegated admin: no reads.
	_, err = thirdC.ListAccounts(ctx, &orgsdk.ListAccountsInput{})
	wantCode(t, "non-admin ListAccounts", err, "AccessDeniedException")
	// Delegated admin may read but not write.
	if _, err := member.ListAccounts(ctx, &orgsdk.ListAccountsInput{}); err != nil {
		t.Errorf("delegated admin ListAccounts: %v", err)
	}
	_, err = member.EnableAWSServiceAccess(ctx, &orgsdk.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("config.amazonaws.com")})
	wantCode(t, "delegated admin write", err, "AccessDeniedException")
}

func TestAccountsAndStructure(t *testing.T) {
	ctx := context.Background()
	mgmt, _, _, _ := clients(t, orgWorld())
	var accts []types.Account
	pages := 0
	p := orgsdk.NewListAccountsPaginator(mgmt, &orgsdk.ListAccountsInput{})
	for p.HasMorePages() {
		o, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		accts = append(accts, o.Accounts...)
	}
	if len(accts) != 28 || pages != 2 {
		t.Fatalf("%d accounts in %d pages, want 28 in 2", len(accts), pages)
	}
	a := accts[0]
	if aws.ToString(a.Id) != simtest.Management || aws.ToString(a.Name) != "management" || aws.ToString(a.Email) != "management@example.com" ||
		aws.ToString(a.Arn) != "arn:aws:organizations::111111111111:account/o-abcdefghij/111111111111" ||
		a.Status != types.AccountStatusActive || a.JoinedMethod != types.AccountJoinedMethodInvited || !a.JoinedTimestamp.Equal(joined) {
		t.Errorf("account = %+v", a)
	}
	_, err := mgmt.ListAccounts(ctx, &orgsdk.ListAccountsInput{NextToken: aws.String("garbage")})
	wantCode(t, "bad token", err, "InvalidInputException")
	_, err = mgmt.ListAccounts(ctx, &orgsdk.ListAccountsInput{MaxResults: aws.Int32(21)})
	wantCode(t, "max 21", err, "InvalidInputException")

	d, err := mgmt.DescribeAccount(ctx, &orgsdk.DescribeAccountInput{AccountId: aws.String(simtest.Member)})
	if err != nil || aws.ToString(d.Account.Name) != "member" {
		t.Errorf("DescribeAccount = %+v, %v", d, err)
	}
	_, err = mgmt.DescribeAccount(ctx, &orgsdk.DescribeAccountInput{AccountId: aws.String(outside)})
	wantCode(t, "describe outsider", err, "AccountNotFoundException")

	roots, err := mgmt.ListRoots(ctx, &orgsdk.ListRootsInput{})
	if err != nil || len(roots.Roots) != 1 || aws.ToString(roots.Roots[0].Arn) != "arn:aws:organizations::111111111111:root/o-abcdefghij/r-ab12" {
		t.Fatalf("roots = %+v %v", roots, err)
	}
	ous, err := mgmt.ListOrganizationalUnitsForParent(ctx, &orgsdk.ListOrganizationalUnitsForParentInput{ParentId: aws.String("r-ab12")})
	if err != nil || len(ous.OrganizationalUnits) != 2 || aws.ToString(ous.OrganizationalUnits[0].Name) != "Security" ||
		aws.ToString(ous.OrganizationalUnits[0].Arn) != "arn:aws:organizations::111111111111:ou/o-abcdefghij/ou-ab12-11111111" {
		t.Fatalf("ous = %+v %v", ous, err)
	}
	_, err = mgmt.ListOrganizationalUnitsForParent(ctx, &orgsdk.ListOrganizationalUnitsForParentInput{ParentId: aws.String("ou-ab12-99999999")})
	wantCode(t, "unknown parent", err, "ParentNotFoundException")
	ou, err := mgmt.DescribeOrganizationalUnit(ctx, &orgsdk.DescribeOrganizationalUnitInput{OrganizationalUnitId: aws.String("ou-ab12-22222222")})
	if err != nil || aws.ToString(ou.OrganizationalUnit.Name) != "Workloads" {
		t.Errorf("describe ou = %+v %v", ou, err)
	}
	_, err = mgmt.DescribeOrganizationalUnit(ctx, &orgsdk.DescribeOrganizationalUnitInput{OrganizationalUnitId: aws.String("ou-ab12-99999999")})
	wantCode(t, "describe unknown ou", err, "OrganizationalUnitNotFoundException")

	kids, err := mgmt.ListChildren(ctx, &orgsdk.ListChildrenInput{ParentId: aws.String("ou-ab12-11111111"), ChildType: types.ChildTypeAccount})
	if err != nil || len(kids.Children) != 2 || aws.ToString(kids.Children[0].Id) != simtest.Member {
		t.Errorf("children = %+v %v", kids, err)
	}
	kids, err = mgmt.ListChildren(ctx, &orgsdk.ListChildrenInput{ParentId: aws.String("r-ab12"), ChildType: types.ChildTypeOrganizationalUnit})
	if err != nil || len(kids.Children) != 2 {
		t.Errorf("ou children = %+v %v", kids, err)
	}
	n := 0
	cp := orgsdk.NewListAccountsForParentPaginator(mgmt, &orgsdk.ListAccountsForParentInput{ParentId: aws.String("ou-ab12-22222222"), MaxResults: aws.Int32(10)})
	for cp.HasMorePages() {
		o, err := cp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(o.Accounts)
	}
	if n != 25 {
		t.Errorf("accounts for parent = %d", n)
	}
	par, err := mgmt.ListParents(ctx, &orgsdk.ListParentsInput{ChildId: aws.String(simtest.Member)})
	if err != nil || aws.ToString(par.Parents[0].Id) != "ou-ab12-11111111" || par.Parents[0].Type != types.ParentTypeOrganizationalUnit {
		t.Errorf("parents = %+v %v", par, err)
	}
	par, err = mgmt.ListParents(ctx, &orgsdk.ListParentsInput{ChildId: aws.String("ou-ab12-11111111")})
	if err != nil || par.Parents[0].Type != types.ParentTypeRoot {
		t.Errorf("ou parents = %+v %v", par, err)
	}
	_, err = mgmt.ListParents(ctx, &orgsdk.ListParentsInput{ChildId: aws.String(outside)})
	wantCode(t, "parents of outsider", err, "ChildNotFoundException")
}

func TestTags(t *testing.T) {
	ctx := context.Background()
	mgmt, _, _, _ := clients(t, orgWorld())
	for _, id := range []string{simtest.Member, "ou-ab12-11111111", "r-ab12"} {
		_, err := mgmt.TagResource(ctx, &orgsdk.TagResourceInput{ResourceId: aws.String(id), Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("x")}, {Key: aws.String("tmp"), Value: aws.String("y")}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mgmt.UntagResource(ctx, &orgsdk.UntagResourceInput{ResourceId: aws.String(id), TagKeys: []string{"tmp"}}); err != nil {
			t.Fatal(err)
		}
		o, err := mgmt.ListTagsForResource(ctx, &orgsdk.ListTagsForResourceInput{ResourceId: aws.String(id)})
		if err != nil || len(o.Tags) != 1 || aws.ToString(o.Tags[0].Key) != "owner" {
			t.Errorf("%s tags = %+v %v", id, o, err)
		}
	}
	_, err := mgmt.ListTagsForResource(ctx, &orgsdk.ListTagsForResourceInput{ResourceId: aws.String(outside)})
	wantCode(t, "tags of outsider", err, "TargetNotFoundException")
	_, err = mgmt.TagResource(ctx, &orgsdk.TagResourceInput{ResourceId: aws.String(outside), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	wantCode(t, "tag outsider", err, "TargetNotFoundException")
}

func TestDelegatedAdminsAndServiceAccess(t *testing.T) {
	ctx := context.Background()
	mgmt, member, _, _ := clients(t, orgWorld())
	sp := aws.String("securityhub.amazonaws.com")
	_, err := mgmt.RegisterDelegatedAdministrator(ctx, &orgsdk.RegisterDelegatedAdministratorInput{AccountId: aws.String(third), ServicePrincipal: sp})
	wantCode(t, "register without trusted access", err, "ConstraintViolationException")
	if _, err := mgmt.EnableAWSServiceAccess(ctx, &orgsdk.EnableAWSServiceAccessInput{ServicePrincipal: sp}); err != nil {
		t.Fatal(err)
	}
	acc, err := mgmt.ListAWSServiceAccessForOrganization(ctx, &orgsdk.ListAWSServiceAccessForOrganizationInput{})
	if err != nil || len(acc.EnabledServicePrincipals) != 2 || aws.ToString(acc.EnabledServicePrincipals[1].ServicePrincipal) != *sp {
		t.Fatalf("service access = %+v %v", acc, err)
	}
	if _, err := mgmt.RegisterDelegatedAdministrator(ctx, &orgsdk.RegisterDelegatedAdministratorInput{AccountId: aws.String(third), ServicePrincipal: sp}); err != nil {
		t.Fatal(err)
	}
	_, err = mgmt.RegisterDelegatedAdministrator(ctx, &orgsdk.RegisterDelegatedAdministratorInput{AccountId: aws.String(third), ServicePrincipal: sp})
	wantCode(t, "register twice", err, "AccountAlreadyRegisteredException")
	_, err = mgmt.RegisterDelegatedAdministrator(ctx, &orgsdk.RegisterDelegatedAdministratorInput{AccountId: aws.String(outside), ServicePrincipal: sp})
	wantCode(t, "register outsider", err, "AccountNotFoundException")
	_, err = mgmt.RegisterDelegatedAdministrator(ctx, &orgsdk.RegisterDelegatedAdministratorInput{AccountId: aws.String(simtest.Management), ServicePrincipal: sp})
	wantCode(t, "register management", err, "ConstraintViolationException")

	das, err := member.ListDelegatedAdministrators(ctx, &orgsdk.ListDelegatedAdministratorsInput{})
	if err != nil || len(das.DelegatedAdministrators) != 2 || aws.ToString(das.DelegatedAdministrators[0].Id) != simtest.Member ||
		!das.DelegatedAdministrators[0].DelegationEnabledDate.Equal(joined) || aws.ToString(das.DelegatedAdministrators[1].Name) != "third" {
		t.Fatalf("delegated admins = %+v %v", das, err)
	}
	das, err = mgmt.ListDelegatedAdministrators(ctx, &orgsdk.ListDelegatedAdministratorsInput{ServicePrincipal: sp})
	if err != nil || len(das.DelegatedAdministrators) != 1 || aws.ToString(das.DelegatedAdministrators[0].Id) != third {
		t.Fatalf("filtered delegated admins = %+v %v", das, err)
	}
	svcs, err := mgmt.ListDelegatedServicesForAccount(ctx, &orgsdk.ListDelegatedServicesForAccountInput{AccountId: aws.String(third)})
	if err != nil || len(svcs.DelegatedServices) != 1 || aws.ToString(svcs.DelegatedServices[0].ServicePrincipal) != *sp {
		t.Fatalf("delegated services = %+v %v", svcs, err)
	}
	if _, err := mgmt.DeregisterDelegatedAdministrator(ctx, &orgsdk.DeregisterDelegatedAdministratorInput{AccountId: aws.String(third), ServicePrincipal: sp}); err != nil {
		t.Fatal(err)
	}
	_, err = mgmt.DeregisterDelegatedAdministrator(ctx, &orgsdk.DeregisterDelegatedAdministratorInput{AccountId: aws.String(third), ServicePrincipal: sp})
	wantCode(t, "deregister twice", err, "AccountNotRegisteredException")
	_, err = mgmt.ListDelegatedServicesForAccount(ctx, &orgsdk.ListDelegatedServicesForAccountInput{AccountId: aws.String(third)})
	wantCode(t, "services of non-admin", err, "AccountNotRegisteredException")
	if _, err := mgmt.DisableAWSServiceAccess(ctx, &orgsdk.DisableAWSServiceAccessInput{ServicePrincipal: sp}); err != nil {
		t.Fatal(err)
	}
	acc, _ = mgmt.ListAWSServiceAccessForOrganization(ctx, &orgsdk.ListAWSServiceAccessForOrganizationInput{})
	if len(acc.EnabledServicePrincipals) != 1 {
		t.Errorf("after disable: %+v", acc.EnabledServicePrincipals)
	}
}

const scp = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"cloudtrail:StopLogging","Resource":"*"}]}`

func TestPolicies(t *testing.T) {
	ctx := context.Background()
	mgmt, member, _, _ := clients(t, orgWorld())
	scpType := types.PolicyTypeServiceControlPolicy
	for _, bad := range []string{"not json", `{"Version":"2012-10-17"}`, `{"Statement":[{"Effect":"Maybe","Action":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"aws:RequestedRegion":"x"}}}]}`} {
		_, err := mgmt.CreatePolicy(ctx, &orgsdk.CreatePolicyInput{Name: aws.String("bad"), Description: aws.String("d"), Type: scpType, Content: aws.String(bad)})
		wantCode(t, "malformed "+bad, err, "MalformedPolicyDocumentException")
	}
	cp, err := mgmt.CreatePolicy(ctx, &orgsdk.CreatePolicyInput{Name: aws.String("DenyStopLogging"), Description: aws.String("protect trails"), Type: scpType, Content: aws.String(scp)})
	if err != nil {
		t.Fatal(err)
	}
	id := cp.Policy.PolicySummary.Id
	if aws.ToString(cp.Policy.PolicySummary.Arn) != "arn:aws:organizations::111111111111:policy/o-abcdefghij/service_control_policy/"+aws.ToString(id) {
		t.Errorf("arn = %s", aws.ToString(cp.Policy.PolicySummary.Arn))
	}
	_, err = mgmt.CreatePolicy(ctx, &orgsdk.CreatePolicyInput{Name: aws.String("DenyStopLogging"), Description: aws.String("x"), Type: scpType, Content: aws.String(scp)})
	wantCode(t, "duplicate", err, "DuplicatePolicyException")

	_, err = mgmt.AttachPolicy(ctx, &orgsdk.AttachPolicyInput{PolicyId: id, TargetId: aws.String("r-ab12")})
	wantCode(t, "attach before enable", err, "PolicyTypeNotEnabledException")
	er, err := mgmt.EnablePolicyType(ctx, &orgsdk.EnablePolicyTypeInput{RootId: aws.String("r-ab12"), PolicyType: scpType})
	if err != nil || len(er.Root.PolicyTypes) != 1 || er.Root.PolicyTypes[0].Status != types.PolicyTypeStatusEnabled {
		t.Fatalf("enable = %+v %v", er, err)
	}
	_, err = mgmt.EnablePolicyType(ctx, &orgsdk.EnablePolicyTypeInput{RootId: aws.String("r-ab12"), PolicyType: scpType})
	wantCode(t, "enable twice", err, "PolicyTypeAlreadyEnabledException")
	_, err = mgmt.EnablePolicyType(ctx, &orgsdk.EnablePolicyTypeInput{RootId: aws.String("r-zzzz"), PolicyType: scpType})
	wantCode(t, "enable unknown root", err, "RootNotFoundException")
	roots, _ := mgmt.ListRoots(ctx, &orgsdk.ListRootsInput{})
	if len(roots.Roots[0].PolicyTypes) != 1 || roots.Roots[0].PolicyTypes[0].Type != scpType {
		t.Errorf("root policy types = %+v", roots.Roots[0].PolicyTypes)
	}
	if _, err := mgmt.AttachPolicy(ctx, &orgsdk.AttachPolicyInput{PolicyId: id, TargetId: aws.String("ou-ab12-22222222")}); err != nil {
		t.Fatal(err)
	}
	_, err = mgmt.AttachPolicy(ctx, &orgsdk.AttachPolicyInput{PolicyId: id, TargetId: aws.String("ou-ab12-22222222")})
	wantCode(t, "attach twice", err, "DuplicatePolicyAttachmentException")
	_, err = mgmt.AttachPolicy(ctx, &orgsdk.AttachPolicyInput{PolicyId: id, TargetId: aws.String(outside)})
	wantCode(t, "attach to outsider", err, "TargetNotFoundException")
	_, err = mgmt.AttachPolicy(ctx, &orgsdk.AttachPolicyInput{PolicyId: aws.String("p-nope1234"), TargetId: aws.String("r-ab12")})
	wantCode(t, "attach unknown", err, "PolicyNotFoundException")

	lp, err := member.ListPolicies(ctx, &orgsdk.ListPoliciesInput{Filter: scpType})
	if err != nil || len(lp.Policies) != 2 || aws.ToString(lp.Policies[0].Name) != "DenyStopLogging" || !lp.Policies[1].AwsManaged {
		t.Fatalf("policies = %+v %v", lp, err)
	}
	pt, err := mgmt.ListPoliciesForTarget(ctx, &orgsdk.ListPoliciesForTargetInput{TargetId: aws.String("ou-ab12-22222222"), Filter: scpType})
	if err != nil || len(pt.Policies) != 2 {
		t.Errorf("policies for target = %+v %v", pt, err)
	}
	pt, _ = mgmt.ListPoliciesForTarget(ctx, &orgsdk.ListPoliciesForTargetInput{TargetId: aws.String(simtest.Member), Filter: scpType})
	if len(pt.Policies) != 1 || aws.ToString(pt.Policies[0].Id) != "p-FullAWSAccess" {
		t.Errorf("policies for member = %+v", pt.Policies)
	}
	tg, err := mgmt.ListTargetsForPolicy(ctx, &orgsdk.ListTargetsForPolicyInput{PolicyId: id})
	if err != nil || len(tg.Targets) != 1 || tg.Targets[0].Type != types.TargetTypeOrganizationalUnit || aws.ToString(tg.Targets[0].Name) != "Workloads" {
		t.Errorf("targets = %+v %v", tg, err)
	}
	up, err := mgmt.UpdatePolicy(ctx, &orgsdk.UpdatePolicyInput{PolicyId: id, Description: aws.String("new")})
	if err != nil || aws.ToString(up.Policy.PolicySummary.Description) != "new" || aws.ToString(up.Policy.Content) != scp {
		t.Errorf("update = %+v %v", up, err)
	}
	_, err = mgmt.UpdatePolicy(ctx, &orgsdk.UpdatePolicyInput{PolicyId: id, Content: aws.String("{")})
	wantCode(t, "update malformed", err, "MalformedPolicyDocumentException")
	dp, err := mgmt.DescribePolicy(ctx, &orgsdk.DescribePolicyInput{PolicyId: id})
	if err != nil || aws.ToString(dp.Policy.PolicySummary.Description) != "new" {
		t.Errorf("describe = %+v %v", dp, err)
	}
	_, err = mgmt.DeletePolicy(ctx, &orgsdk.DeletePolicyInput{PolicyId: id})
	wantCode(t, "delete attached", err, "PolicyInUseException")
	if _, err := mgmt.DetachPolicy(ctx, &orgsdk.DetachPolicyInput{PolicyId: id, TargetId: aws.String("ou-ab12-22222222")}); err != nil {
		t.Fatal(err)
	}
	_, err = mgmt.DetachPolicy(ctx, &orgsdk.DetachPolicyInput{PolicyId: id, TargetId: aws.String("ou-ab12-22222222")})
	wantCode(t, "detach twice", err, "PolicyNotAttachedException")
	if _, err := mgmt.DeletePolicy(ctx, &orgsdk.DeletePolicyInput{PolicyId: id}); err != nil {
		t.Fatal(err)
	}
	_, err = mgmt.DescribePolicy(ctx, &orgsdk.DescribePolicyInput{PolicyId: id})
	wantCode(t, "describe deleted", err, "PolicyNotFoundException")
	_, err = mgmt.DeletePolicy(ctx, &orgsdk.DeletePolicyInput{PolicyId: aws.String("p-FullAWSAccess")})
	wantCode(t, "delete managed", err, "ConstraintViolationException")
	if _, err := mgmt.DisablePolicyType(ctx, &orgsdk.DisablePolicyTypeInput{RootId: aws.String("r-ab12"), PolicyType: scpType}); err != nil {
		t.Fatal(err)
	}
	_, err = mgmt.DisablePolicyType(ctx, &orgsdk.DisablePolicyTypeInput{RootId: aws.String("r-ab12"), PolicyType: scpType})
	wantCode(t, "disable twice", err, "PolicyTypeNotEnabledException")
}

func TestNoOrganization(t *testing.T) {
	s := simtest.Start(t, simtest.NewWorld())
	c := orgsdk.NewFromConfig(s.Config(t, simtest.Management, "eu-west-1"))
	_, err := c.ListAccounts(context.Background(), &orgsdk.ListAccountsInput{})
	wantCode(t, "no org", err, "AWSOrganizationsNotInUseException")
}

func reason(err error) types.ConstraintViolationExceptionReason {
	var cv *types.ConstraintViolationException
	if errors.As(err, &cv) {
		return cv.Reason
	}
	return ""
}

// TestPolicyLimits: AWS's quotas on SCPs (5 per target, 5,120
// characters) and the rule that every target keeps one SCP, with the
// Reason the SDK decodes.
func TestPolicyLimits(t *testing.T) {
	ctx := context.Background()
	mgmt, member, _, _ := clients(t, orgWorld())
	scpType := types.PolicyTypeServiceControlPolicy
	if _, err := mgmt.EnablePolicyType(ctx, &orgsdk.EnablePolicyTypeInput{RootId: aws.String("r-ab12"), PolicyType: scpType}); err != nil {
		t.Fatal(err)
	}
	// FullAWSAccess is attached everywhere once SCPs are enabled.
	for _, target := range []string{"r-ab12", "ou-ab12-11111111", simtest.Member, simtest.Management} {
		pt, err := mgmt.ListPoliciesForTarget(ctx, &orgsdk.ListPoliciesForTargetInput{TargetId: aws.String(target), Filter: scpType})
		if err != nil || len(pt.Policies) != 1 || aws.ToString(pt.Policies[0].Id) != "p-FullAWSAccess" || !pt.Policies[0].AwsManaged {
			t.Errorf("%s: policies = %+v %v", target, pt, err)
		}
	}
	big := `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("x", 5100) + `","Effect":"Deny","Action":"s3:*","Resource":"*"}]}`
	_, err := mgmt.CreatePolicy(ctx, &orgsdk.CreatePolicyInput{Name: aws.String("big"), Description: aws.String("d"), Type: scpType, Content: aws.String(big)})
	wantCode(t, "5,121+ characters", err, "ConstraintViolationException")
	if r := reason(err); r != types.ConstraintViolationExceptionReasonPolicyContentLimitExceeded {
		t.Errorf("reason = %q", r)
	}
	exact := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`
	exact = exact[:len(exact)-3] + `,"Sid":"` + strings.Repeat("y", 5120-len(exact)-9) + `"}]}`
	if len(exact) != 5120 {
		t.Fatalf("test document is %d characters", len(exact))
	}
	if _, err := mgmt.CreatePolicy(ctx, &orgsdk.CreatePolicyInput{Name: aws.String("exact"), Description: aws.String("d"), Type: scpType, Content: aws.String(exact)}); err != nil {
		t.Errorf("5,120 characters: %v", err)
	}
	var ids []*string
	for i := 0; i < 5; i++ {
		cp, err := mgmt.CreatePolicy(ctx, &orgsdk.CreatePolicyInput{Name: aws.String(fmt.Sprintf("p%d", i)), Description: aws.String("d"), Type: scpType, Content: aws.String(scp)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, cp.Policy.PolicySummary.Id)
	}
	for i := 0; i < 4; i++ { // FullAWSAccess + 4 = 5
		if _, err := mgmt.AttachPolicy(ctx, &orgsdk.AttachPolicyInput{PolicyId: ids[i], TargetId: aws.String(simtest.Member)}); err != nil {
			t.Fatalf("attach %d: %v", i, err)
		}
	}
	_, err = mgmt.AttachPolicy(ctx, &orgsdk.AttachPolicyInput{PolicyId: ids[4], TargetId: aws.String(simtest.Member)})
	wantCode(t, "sixth SCP", err, "ConstraintViolationException")
	if r := reason(err); r != types.ConstraintViolationExceptionReasonMaxPolicyTypeAttachmentLimitExceeded {
		t.Errorf("reason = %q", r)
	}
	// The last SCP of a target cannot be detached; with a replacement
	// attached first, FullAWSAccess can.
	_, err = mgmt.DetachPolicy(ctx, &orgsdk.DetachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: aws.String("ou-ab12-11111111")})
	if r := reason(err); r != types.ConstraintViolationExceptionReasonMinPolicyTypeAttachmentLimitExceeded {
		t.Errorf("detach last: err = %v, reason %q", err, r)
	}
	if _, err := mgmt.AttachPolicy(ctx, &orgsdk.AttachPolicyInput{PolicyId: ids[4], TargetId: aws.String("ou-ab12-11111111")}); err != nil {
		t.Fatal(err)
	}
	if _, err := mgmt.DetachPolicy(ctx, &orgsdk.DetachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: aws.String("ou-ab12-11111111")}); err != nil {
		t.Errorf("detach with a replacement: %v", err)
	}
	// Only the management account writes policies.
	_, err = member.CreatePolicy(ctx, &orgsdk.CreatePolicyInput{Name: aws.String("m"), Description: aws.String("d"), Type: scpType, Content: aws.String(scp)})
	wantCode(t, "member creates", err, "AccessDeniedException")
	_, err = member.AttachPolicy(ctx, &orgsdk.AttachPolicyInput{PolicyId: ids[0], TargetId: aws.String("r-ab12")})
	wantCode(t, "member attaches", err, "AccessDeniedException")
	_, err = mgmt.ListPoliciesForTarget(ctx, &orgsdk.ListPoliciesForTargetInput{TargetId: aws.String("ou-ab12-99999999"), Filter: scpType})
	wantCode(t, "unknown target", err, "TargetNotFoundException")
}
