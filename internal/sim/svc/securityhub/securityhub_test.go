package securityhub_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sh "github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

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

const fsbp = "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0"
const cis12 = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
const cis30 = "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0"

func TestHubLifecycleAndStandards(t *testing.T) {
	s := simtest.Start(t, nil)
	c := sh.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))

	_, err := c.DescribeHub(ctx, &sh.DescribeHubInput{})
	var iae *types.InvalidAccessException
	if !errors.As(err, &iae) || !strings.Contains(aws.ToString(iae.Message), "is not subscribed to AWS Security Hub") {
		t.Fatalf("DescribeHub before enable = %v", err)
	}
	if _, err := c.GetEnabledStandards(ctx, &sh.GetEnabledStandardsInput{}); code(err) != "InvalidAccessException" {
		t.Errorf("GetEnabledStandards before enable = %v", err)
	}
	if _, err := c.DisableSecurityHub(ctx, &sh.DisableSecurityHubInput{}); code(err) != "InvalidAccessException" {
		t.Errorf("DisableSecurityHub before enable = %v", err)
	}
	if _, err := c.EnableSecurityHub(ctx, &sh.EnableSecurityHubInput{}); err != nil {
		t.Fatal(err)
	}
	var rce *types.ResourceConflictException
	if _, err := c.EnableSecurityHub(ctx, &sh.EnableSecurityHubInput{}); !errors.As(err, &rce) {
		t.Errorf("enable twice = %v", err)
	}
	h, err := c.DescribeHub(ctx, &sh.DescribeHubInput{})
	if err != nil || aws.ToString(h.HubArn) != "arn:aws:securityhub:eu-west-1:222222222222:hub/default" || h.SubscribedAt == nil || !aws.ToBool(h.AutoEnableControls) || h.ControlFindingGenerator != types.ControlFindingGeneratorSecurityControl {
		t.Errorf("DescribeHub = %+v %v", h, err)
	}
	if _, err := c.UpdateSecurityHubConfiguration(ctx, &sh.UpdateSecurityHubConfigurationInput{AutoEnableControls: aws.Bool(false), ControlFindingGenerator: types.ControlFindingGeneratorStandardControl}); err != nil {
		t.Fatal(err)
	}
	if h, _ := c.DescribeHub(ctx, &sh.DescribeHubInput{}); aws.ToBool(h.AutoEnableControls) || h.ControlFindingGenerator != types.ControlFindingGeneratorStandardControl {
		t.Errorf("after UpdateSecurityHubConfiguration = %+v", h)
	}
	if _, err := c.DescribeHub(ctx, &sh.DescribeHubInput{HubArn: aws.String("arn:aws:securityhub:eu-west-1:222222222222:hub/other")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("DescribeHub other arn = %v", err)
	}

	en, err := c.GetEnabledStandards(ctx, &sh.GetEnabledStandardsInput{})
	if err != nil || len(en.StandardsSubscriptions) != 2 {
		t.Fatalf("default standards = %+v %v", en, err)
	}
	got := map[string]string{}
	for _, s := range en.StandardsSubscriptions {
		got[aws.ToString(s.StandardsArn)] = aws.ToString(s.StandardsSubscriptionArn)
		if s.StandardsStatus != types.StandardsStatusReady {
			t.Errorf("status %s", s.StandardsStatus)
		}
	}
	if got[fsbp] != "arn:aws:securityhub:eu-west-1:222222222222:subscription/aws-foundational-security-best-practices/v/1.0.0" ||
		got[cis12] != "arn:aws:securityhub:eu-west-1:222222222222:subscription/cis-aws-foundations-benchmark/v/1.2.0" {
		t.Errorf("subscriptions = %v", got)
	}

	// DescribeStandards, paginated.
	var all []types.Standard
	p := sh.NewDescribeStandardsPaginator(c, &sh.DescribeStandardsInput{MaxResults: aws.Int32(4)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, out.Standards...)
	}
	if len(all) != 6 || pages != 2 {
		t.Errorf("DescribeStandards: %d in %d pages", len(all), pages)
	}

	be, err := c.BatchEnableStandards(ctx, &sh.BatchEnableStandardsInput{StandardsSubscriptionRequests: []types.StandardsSubscriptionRequest{{StandardsArn: aws.String(cis30)}}})
	if err != nil || len(be.StandardsSubscriptions) != 1 || be.StandardsSubscriptions[0].StandardsStatus != types.StandardsStatusPending {
		t.Fatalf("BatchEnableStandards = %+v %v", be, err)
	}
	if _, err := c.BatchEnableStandards(ctx, &sh.BatchEnableStandardsInput{StandardsSubscriptionRequests: []types.StandardsSubscriptionRequest{{StandardsArn: aws.String("arn:aws:securityhub:eu-west-1::standards/nope/v/1")}}}); code(err) != "InvalidInputException" {
		t.Errorf("enable unknown standard = %v", err)
	}
	gp := sh.NewGetEnabledStandardsPaginator(c, &sh.GetEnabledStandardsInput{MaxResults: aws.Int32(2)})
	n, pages := 0, 0
	for gp.HasMorePages() {
		out, err := gp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.StandardsSubscriptions)
		pages++
	}
	if n != 3 || pages != 2 {
		t.Errorf("GetEnabledStandards pages: %d in %d", n, pages)
	}
	bd, err := c.BatchDisableStandards(ctx, &sh.BatchDisableStandardsInput{StandardsSubscriptionArns: []string{got[cis12]}})
	if err != nil || len(bd.StandardsSubscriptions) != 1 || bd.StandardsSubscriptions[0].StandardsStatus != types.StandardsStatusDeleting {
		t.Fatalf("BatchDisableStandards = %+v %v", bd, err)
	}
	if _, err := c.BatchDisableStandards(ctx, &sh.BatchDisableStandardsInput{StandardsSubscriptionArns: []string{got[cis12]}}); code(err) != "ResourceNotFoundException" {
		t.Errorf("disable twice = %v", err)
	}
	en, _ = c.GetEnabledStandards(ctx, &sh.GetEnabledStandardsInput{})
	if len(en.StandardsSubscriptions) != 2 {
		t.Errorf("after disable: %d standards", len(en.StandardsSubscriptions))
	}

	// Region and account isolation.
	if _, err := sh.NewFromConfig(s.Config(t, simtest.Member, "us-east-1")).DescribeHub(ctx, &sh.DescribeHubInput{}); code(err) != "InvalidAccessException" {
		t.Errorf("us-east-1 DescribeHub = %v", err)
	}
	if _, err := sh.NewFromConfig(s.Config(t, simtest.Management, "eu-west-1")).DescribeHub(ctx, &sh.DescribeHubInput{}); code(err) != "InvalidAccessException" {
		t.Errorf("other account DescribeHub = %v", err)
	}

	if _, err := c.DisableSecurityHub(ctx, &sh.DisableSecurityHubInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeHub(ctx, &sh.DescribeHubInput{}); code(err) != "InvalidAccessException" {
		t.Errorf("DescribeHub after disable = %v", err)
	}
	// Without default standards.
	if _, err := c.EnableSecurityHub(ctx, &sh.EnableSecurityHubInput{EnableDefaultStandards: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	if en, _ := c.GetEnabledStandards(ctx, &sh.GetEnabledStandardsInput{}); len(en.StandardsSubscriptions) != 0 {
		t.Errorf("standards without defaults = %d", len(en.StandardsSubscriptions))
	}
}

func finding(id, sev, compliance string) types.AwsSecurityFinding {
	return types.AwsSecurityFinding{
		SchemaVersion: aws.String("2018-10-08"), Id: aws.String(id),
		ProductArn:  aws.String("arn:aws:securityhub:eu-west-1:222222222222:product/222222222222/default"),
		GeneratorId: aws.String("guardrail"), AwsAccountId: aws.String("222222222222"),
		Types:     []string{"Software and Configuration Checks"},
		CreatedAt: aws.String("2024-01-01T00:00:00Z"), UpdatedAt: aws.String("2024-01-02T00:00:00.000Z"),
		Severity: &types.Severity{Label: types.SeverityLabel(sev)},
		Title:    aws.String("title " + id), Description: aws.String("description"),
		Resources:  []types.Resource{{Type: aws.String("AwsS3Bucket"), Id: aws.String("arn:aws:s3:::b-" + id)}},
		Compliance: &types.Compliance{Status: types.ComplianceStatus(compliance)},
	}
}

func TestFindings(t *testing.T) {
	s := simtest.Start(t, nil)
	c := sh.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))
	if _, err := c.BatchImportFindings(ctx, &sh.BatchImportFindingsInput{Findings: []types.AwsSecurityFinding{finding("f0", "LOW", "FAILED")}}); code(err) != "InvalidAccessException" {
		t.Errorf("import before enable = %v", err)
	}
	c.EnableSecurityHub(ctx, &sh.EnableSecurityHubInput{})

	var fs []types.AwsSecurityFinding
	for i := 0; i < 5; i++ {
		sev, comp := "HIGH", "FAILED"
		if i%2 == 1 {
			sev, comp = "LOW", "PASSED"
		}
		fs = append(fs, finding(fmt.Sprintf("f%d", i), sev, comp))
	}
	noTitle := finding("bad1", "LOW", "FAILED")
	noTitle.Title = nil
	noRes := finding("bad2", "LOW", "FAILED")
	noRes.Resources[0].Type = nil
	normalized := finding("f5", "", "FAILED")
	normalized.Severity = &types.Severity{Normalized: aws.Int32(95)}
	fs = append(fs, noTitle, noRes, normalized)
	// Skip the SDK's own required-field check so the simulator's is tested.
	noValidation := func(o *sh.Options) {
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			_, err := st.Initialize.Remove("OperationInputValidation")
			return err
		})
	}
	out, err := c.BatchImportFindings(ctx, &sh.BatchImportFindingsInput{Findings: fs}, noValidation)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(out.SuccessCount) != 6 || aws.ToInt32(out.FailedCount) != 2 || len(out.FailedFindings) != 2 {
		t.Fatalf("import = %d ok %d failed %+v", aws.ToInt32(out.SuccessCount), aws.ToInt32(out.FailedCount), out.FailedFindings)
	}
	if f := out.FailedFindings[0]; aws.ToString(f.Id) != "bad1" || aws.ToString(f.ErrorCode) != "InvalidInput" || !strings.Contains(aws.ToString(f.ErrorMessage), "Title") {
		t.Errorf("failed finding = %+v", f)
	}
	if f := out.FailedFindings[1]; !strings.Contains(aws.ToString(f.ErrorMessage), "Type") {
		t.Errorf("failed finding = %+v", f)
	}
	// More than 100 findings.
	var many []types.AwsSecurityFinding
	for i := 0; i < 101; i++ {
		many = append(many, finding(fmt.Sprintf("m%d", i), "LOW", "PASSED"))
	}
	if _, err := c.BatchImportFindings(ctx, &sh.BatchImportFindingsInput{Findings: many}); code(err) != "InvalidInputException" {
		t.Errorf("101 findings = %v", err)
	}

	// Re-import updates in place.
	upd := finding("f0", "CRITICAL", "FAILED")
	if out, err := c.BatchImportFindings(ctx, &sh.BatchImportFindingsInput{Findings: []types.AwsSecurityFinding{upd}}); err != nil || aws.ToInt32(out.SuccessCount) != 1 {
		t.Fatal(err)
	}

	get := func(f *types.AwsSecurityFindingFilters) []types.AwsSecurityFinding {
		t.Helper()
		var all []types.AwsSecurityFinding
		p := sh.NewGetFindingsPaginator(c, &sh.GetFindingsInput{Filters: f, MaxResults: aws.Int32(2)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, out.Findings...)
		}
		return all
	}
	eq := func(v string) []types.StringFilter {
		return []types.StringFilter{{Value: aws.String(v), Comparison: types.StringFilterComparisonEquals}}
	}
	if all := get(nil); len(all) != 6 {
		t.Errorf("all findings = %d", len(all))
	}
	if got := get(&types.AwsSecurityFindingFilters{ComplianceStatus: eq("FAILED")}); len(got) != 4 {
		t.Errorf("FAILED = %d", len(got))
	}
	crit := get(&types.AwsSecurityFindingFilters{SeverityLabel: eq("CRITICAL")})
	if len(crit) != 2 {
		t.Errorf("CRITICAL = %d", len(crit))
	}
	if got := get(&types.AwsSecurityFindingFilters{Id: eq("f0")}); len(got) != 1 || got[0].Severity.Label != types.SeverityLabelCritical || aws.ToString(got[0].Title) != "title f0" ||
		got[0].Workflow.Status != types.WorkflowStatusNew || aws.ToString(got[0].CompanyName) != "Personal" || aws.ToString(got[0].Region) != "eu-west-1" || got[0].RecordState != types.RecordStateActive || got[0].Compliance.Status != types.ComplianceStatusFailed {
		t.Errorf("f0 = %+v", got)
	}
	if got := get(&types.AwsSecurityFindingFilters{Id: []types.StringFilter{{Value: aws.String("f"), Comparison: types.StringFilterComparisonPrefix}},
		AwsAccountId: eq("222222222222"), RecordState: eq("ACTIVE"),
		ProductArn: eq("arn:aws:securityhub:eu-west-1:222222222222:product/222222222222/default")}); len(got) != 6 {
		t.Errorf("prefix = %d", len(got))
	}
	if _, err := c.GetFindings(ctx, &sh.GetFindingsInput{MaxResults: aws.Int32(101)}); code(err) != "InvalidInputException" {
		t.Errorf("MaxResults 101 = %v", err)
	}
	if _, err := c.GetFindings(ctx, &sh.GetFindingsInput{NextToken: aws.String("bogus")}); code(err) != "InvalidInputException" {
		t.Errorf("bad token = %v", err)
	}

	// BatchUpdateFindings.
	pa := aws.String("arn:aws:securityhub:eu-west-1:222222222222:product/222222222222/default")
	bu, err := c.BatchUpdateFindings(ctx, &sh.BatchUpdateFindingsInput{
		FindingIdentifiers: []types.AwsSecurityFindingIdentifier{{Id: aws.String("f1"), ProductArn: pa}, {Id: aws.String("nope"), ProductArn: pa}},
		Workflow:           &types.WorkflowUpdate{Status: types.WorkflowStatusSuppressed},
		Note:               &types.NoteUpdate{Text: aws.String("accepted risk"), UpdatedBy: aws.String("alice")},
	})
	if err != nil || len(bu.ProcessedFindings) != 1 || len(bu.UnprocessedFindings) != 1 || aws.ToString(bu.UnprocessedFindings[0].ErrorCode) != "FindingNotFound" {
		t.Fatalf("BatchUpdateFindings = %+v %v", bu, err)
	}
	got := get(&types.AwsSecurityFindingFilters{WorkflowStatus: eq("SUPPRESSED")})
	if len(got) != 1 || aws.ToString(got[0].Id) != "f1" || aws.ToString(got[0].Note.Text) != "accepted risk" {
		t.Errorf("suppressed = %+v", got)
	}
	// A re-import keeps the workflow set by BatchUpdateFindings.
	c.BatchImportFindings(ctx, &sh.BatchImportFindingsInput{Findings: []types.AwsSecurityFinding{finding("f1", "LOW", "PASSED")}})
	if got := get(&types.AwsSecurityFindingFilters{WorkflowStatus: eq("SUPPRESSED")}); len(got) != 1 {
		t.Errorf("workflow lost on re-import")
	}
	if _, err := c.BatchUpdateFindings(ctx, &sh.BatchUpdateFindingsInput{FindingIdentifiers: []types.AwsSecurityFindingIdentifier{{Id: aws.String("f1"), ProductArn: pa}},
		Workflow: &types.WorkflowUpdate{Status: "DONE"}}); code(err) != "InvalidInputException" {
		t.Errorf("bad workflow = %v", err)
	}
	// Findings of another account, or for another region, are refused
	// as a whole, and none of the batch is stored.
	other := finding("x1", "LOW", "FAILED")
	other.AwsAccountId = aws.String(simtest.Management)
	otherProduct := finding("x2", "LOW", "FAILED")
	otherProduct.ProductArn = aws.String("arn:aws:securityhub:eu-west-1:111111111111:product/111111111111/default")
	otherRegion := finding("x3", "LOW", "FAILED")
	otherRegion.ProductArn = aws.String("arn:aws:securityhub:us-east-1:222222222222:product/222222222222/default")
	for _, f := range []types.AwsSecurityFinding{other, otherProduct, otherRegion} {
		_, err := c.BatchImportFindings(ctx, &sh.BatchImportFindingsInput{Findings: []types.AwsSecurityFinding{finding("x0", "LOW", "FAILED"), f}})
		if code(err) != "AccessDeniedException" || !strings.Contains(err.Error(), "securityhub:BatchImportFindings") {
			t.Errorf("import of %s (account %s, product %s) = %v", aws.ToString(f.Id), aws.ToString(f.AwsAccountId), aws.ToString(f.ProductArn), err)
		}
	}
	if got := get(&types.AwsSecurityFindingFilters{Id: []types.StringFilter{{Value: aws.String("x"), Comparison: types.StringFilterComparisonPrefix}}}); len(got) != 0 {
		t.Errorf("refused batches stored %d findings", len(got))
	}

	// Region isolation.
	o := sh.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	o.EnableSecurityHub(ctx, &sh.EnableSecurityHubInput{})
	if out, err := o.GetFindings(ctx, &sh.GetFindingsInput{}); err != nil || len(out.Findings) != 0 {
		t.Errorf("us-east-1 findings = %d %v", len(out.Findings), err)
	}
}

func orgWorld() *world.World {
	w := simtest.NewWorld()
	w.Org = &world.Organization{ID: "o-test", ManagementAccount: simtest.Management, Members: map[string]*world.Member{
		simtest.Management: {Account: simtest.Management}, simtest.Member: {Account: simtest.Member}}}
	return w
}

func TestOrganization(t *testing.T) {
	w := orgWorld()
	s := simtest.Start(t, w)
	mgmt := sh.NewFromConfig(s.Config(t, simtest.Management, "eu-west-1"))
	member := sh.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))
	if _, err := member.EnableOrganizationAdminAccount(ctx, &sh.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(simtest.Member)}); code(err) != "InvalidAccessException" {
		t.Errorf("member enables admin = %v", err)
	}
	if _, err := mgmt.EnableOrganizationAdminAccount(ctx, &sh.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(simtest.Member)}); err != nil {
		t.Fatal(err)
	}
	if a := w.Org.DelegatedAdmins["securityhub.amazonaws.com"]; len(a) != 1 || a[0].Account != simtest.Member {
		t.Errorf("delegated admins = %+v", a)
	}
	if _, err := mgmt.EnableOrganizationAdminAccount(ctx, &sh.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(simtest.Management)}); code(err) != "InvalidInputException" {
		t.Errorf("second admin = %v", err)
	}
	la, err := mgmt.ListOrganizationAdminAccounts(ctx, &sh.ListOrganizationAdminAccountsInput{})
	if err != nil || len(la.AdminAccounts) != 1 || aws.ToString(la.AdminAccounts[0].AccountId) != simtest.Member || la.AdminAccounts[0].Status != types.AdminStatusEnabled {
		t.Errorf("ListOrganizationAdminAccounts = %+v %v", la, err)
	}
	if _, err := member.DescribeOrganizationConfiguration(ctx, &sh.DescribeOrganizationConfigurationInput{}); code(err) != "InvalidAccessException" {
		t.Errorf("org config without hub = %v", err)
	}
	member.EnableSecurityHub(ctx, &sh.EnableSecurityHubInput{})
	mgmt.EnableSecurityHub(ctx, &sh.EnableSecurityHubInput{})
	oc, err := member.DescribeOrganizationConfiguration(ctx, &sh.DescribeOrganizationConfigurationInput{})
	if err != nil || aws.ToBool(oc.AutoEnable) || oc.AutoEnableStandards != types.AutoEnableStandardsDefault {
		t.Fatalf("DescribeOrganizationConfiguration = %+v %v", oc, err)
	}
	if _, err := member.UpdateOrganizationConfiguration(ctx, &sh.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(true), AutoEnableStandards: types.AutoEnableStandardsNone}); err != nil {
		t.Fatal(err)
	}
	oc, _ = member.DescribeOrganizationConfiguration(ctx, &sh.DescribeOrganizationConfigurationInput{})
	if !aws.ToBool(oc.AutoEnable) || oc.AutoEnableStandards != types.AutoEnableStandardsNone || oc.OrganizationConfiguration.ConfigurationType != types.OrganizationConfigurationConfigurationTypeLocal {
		t.Errorf("after update = %+v", oc)
	}
	var iae *types.InvalidAccessException
	if _, err := mgmt.DescribeOrganizationConfiguration(ctx, &sh.DescribeOrganizationConfigurationInput{}); !errors.As(err, &iae) || !strings.Contains(aws.ToString(iae.Message), "is not an administrator for this organization") {
		t.Errorf("non-admin org config = %v", err)
	}
	if _, err := member.DisableSecurityHub(ctx, &sh.DisableSecurityHubInput{}); code(err) != "InvalidInputException" {
		t.Errorf("admin disables hub = %v", err)
	}
	if _, err := mgmt.DisableOrganizationAdminAccount(ctx, &sh.DisableOrganizationAdminAccountInput{AdminAccountId: aws.String(simtest.Member)}); err != nil {
		t.Fatal(err)
	}
	if la, _ := mgmt.ListOrganizationAdminAccounts(ctx, &sh.ListOrganizationAdminAccountsInput{}); len(la.AdminAccounts) != 0 {
		t.Errorf("admins after disable = %+v", la.AdminAccounts)
	}
}

func TestAggregatorsAndProducts(t *testing.T) {
	s := simtest.Start(t, nil)
	c := sh.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	if _, err := c.CreateFindingAggregator(ctx, &sh.CreateFindingAggregatorInput{RegionLinkingMode: aws.String("ALL_REGIONS")}); code(err) != "InvalidAccessException" {
		t.Errorf("aggregator without hub = %v", err)
	}
	c.EnableSecurityHub(ctx, &sh.EnableSecurityHubInput{})
	if _, err := c.CreateFindingAggregator(ctx, &sh.CreateFindingAggregatorInput{RegionLinkingMode: aws.String("SPECIFIED_REGIONS")}); code(err) != "InvalidInputException" {
		t.Errorf("specified without regions = %v", err)
	}
	cr, err := c.CreateFindingAggregator(ctx, &sh.CreateFindingAggregatorInput{RegionLinkingMode: aws.String("ALL_REGIONS")})
	if err != nil || !strings.HasPrefix(aws.ToString(cr.FindingAggregatorArn), "arn:aws:securityhub:us-east-1:222222222222:finding-aggregator/") || aws.ToString(cr.FindingAggregationRegion) != "us-east-1" {
		t.Fatalf("CreateFindingAggregator = %+v %v", cr, err)
	}
	if _, err := c.CreateFindingAggregator(ctx, &sh.CreateFindingAggregatorInput{RegionLinkingMode: aws.String("ALL_REGIONS")}); code(err) != "LimitExceededException" {
		t.Errorf("second aggregator = %v", err)
	}
	l, err := c.ListFindingAggregators(ctx, &sh.ListFindingAggregatorsInput{})
	if err != nil || len(l.FindingAggregators) != 1 || aws.ToString(l.FindingAggregators[0].FindingAggregatorArn) != aws.ToString(cr.FindingAggregatorArn) {
		t.Errorf("ListFindingAggregators = %+v %v", l, err)
	}
	// Visible from another region of the account.
	eu := sh.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))
	eu.EnableSecurityHub(ctx, &sh.EnableSecurityHubInput{})
	if l, _ := eu.ListFindingAggregators(ctx, &sh.ListFindingAggregatorsInput{}); len(l.FindingAggregators) != 1 {
		t.Errorf("eu-west-1 aggregators = %d", len(l.FindingAggregators))
	}
	g, err := c.GetFindingAggregator(ctx, &sh.GetFindingAggregatorInput{FindingAggregatorArn: cr.FindingAggregatorArn})
	if err != nil || aws.ToString(g.RegionLinkingMode) != "ALL_REGIONS" {
		t.Errorf("GetFindingAggregator = %+v %v", g, err)
	}
	u, err := c.UpdateFindingAggregator(ctx, &sh.UpdateFindingAggregatorInput{FindingAggregatorArn: cr.FindingAggregatorArn, RegionLinkingMode: aws.String("SPECIFIED_REGIONS"), Regions: []string{"eu-west-1"}})
	if err != nil || len(u.Regions) != 1 {
		t.Errorf("UpdateFindingAggregator = %+v %v", u, err)
	}
	if _, err := c.GetFindingAggregator(ctx, &sh.GetFindingAggregatorInput{FindingAggregatorArn: aws.String("arn:aws:securityhub:us-east-1:222222222222:finding-aggregator/nope")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("get missing = %v", err)
	}
	if _, err := c.DeleteFindingAggregator(ctx, &sh.DeleteFindingAggregatorInput{FindingAggregatorArn: cr.FindingAggregatorArn}); err != nil {
		t.Fatal(err)
	}
	if l, _ := c.ListFindingAggregators(ctx, &sh.ListFindingAggregatorsInput{}); len(l.FindingAggregators) != 0 {
		t.Errorf("after delete = %d", len(l.FindingAggregators))
	}
	p, err := c.DescribeProducts(ctx, &sh.DescribeProductsInput{})
	if err != nil || len(p.Products) == 0 || aws.ToString(p.Products[0].ProductArn) != "arn:aws:securityhub:us-east-1::product/aws/securityhub" {
		t.Errorf("DescribeProducts = %+v %v", p, err)
	}
}

func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.SecurityHub]("securityhub")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) < 3 {
		t.Errorf("only %d profiles", len(profiles))
	}
}
