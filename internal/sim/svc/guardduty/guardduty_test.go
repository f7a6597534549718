package guardduty_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	gd "github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/guardduty/types"
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

func orgWorld() *world.World {
	w := simtest.NewWorld()
	w.Org = &world.Organization{ID: "o-test", ManagementAccount: simtest.Management, Members: map[string]*world.Member{
		simtest.Management: {Account: simtest.Management, Status: "ACTIVE"},
		simtest.Member:     {Account: simtest.Member, Status: "ACTIVE"},
	}}
	return w
}

func TestDetectorLifecycle(t *testing.T) {
	s := simtest.Start(t, nil)
	c := gd.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))

	l, err := c.ListDetectors(ctx, &gd.ListDetectorsInput{})
	if err != nil || len(l.DetectorIds) != 0 {
		t.Fatalf("ListDetectors empty = %v, %v", l, err)
	}
	cr, err := c.CreateDetector(ctx, &gd.CreateDetectorInput{Enable: aws.Bool(true),
		FindingPublishingFrequency: types.FindingPublishingFrequencyFifteenMinutes,
		Features: []types.DetectorFeatureConfiguration{{Name: types.DetectorFeatureRuntimeMonitoring, Status: types.FeatureStatusEnabled,
			AdditionalConfiguration: []types.DetectorAdditionalConfiguration{{Name: types.FeatureAdditionalConfigurationEc2AgentManagement, Status: types.FeatureStatusEnabled}}}}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(cr.DetectorId)
	if len(id) != 32 {
		t.Errorf("detector id %q", id)
	}
	_, err = c.CreateDetector(ctx, &gd.CreateDetectorInput{Enable: aws.Bool(true)})
	var bre *types.BadRequestException
	if !errors.As(err, &bre) || !strings.Contains(aws.ToString(bre.Message), "a detector already exists") {
		t.Errorf("duplicate CreateDetector = %v", err)
	}
	l, _ = c.ListDetectors(ctx, &gd.ListDetectorsInput{})
	if len(l.DetectorIds) != 1 || l.DetectorIds[0] != id {
		t.Errorf("ListDetectors = %v", l.DetectorIds)
	}
	g, err := c.GetDetector(ctx, &gd.GetDetectorInput{DetectorId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if g.Status != types.DetectorStatusEnabled || g.FindingPublishingFrequency != types.FindingPublishingFrequencyFifteenMinutes {
		t.Errorf("GetDetector = %s %s", g.Status, g.FindingPublishingFrequency)
	}
	feats := map[types.DetectorFeatureResult]types.DetectorFeatureConfigurationResult{}
	for _, f := range g.Features {
		feats[f.Name] = f
	}
	if feats[types.DetectorFeatureResultCloudTrail].Status != types.FeatureStatusEnabled ||
		feats[types.DetectorFeatureResultS3DataEvents].Status != types.FeatureStatusEnabled ||
		feats[types.DetectorFeatureResultRuntimeMonitoring].Status != types.FeatureStatusEnabled ||
		feats[types.DetectorFeatureResultEksRuntimeMonitoring].Status != types.FeatureStatusDisabled {
		t.Errorf("features = %+v", feats)
	}
	rm := feats[types.DetectorFeatureResultRuntimeMonitoring].AdditionalConfiguration
	if len(rm) != 3 || rm[2].Name != types.FeatureAdditionalConfigurationEc2AgentManagement || rm[2].Status != types.FeatureStatusEnabled {
		t.Errorf("runtime monitoring additional = %+v", rm)
	}
	if g.DataSources == nil || g.DataSources.S3Logs.Status != types.DataSourceStatusEnabled || g.CreatedAt == nil {
		t.Errorf("dataSources = %+v", g.DataSources)
	}

	// Update: disable, change frequency and a feature via dataSources.
	_, err = c.UpdateDetector(ctx, &gd.UpdateDetectorInput{DetectorId: aws.String(id), Enable: aws.Bool(false),
		FindingPublishingFrequency: types.FindingPublishingFrequencyOneHour,
		DataSources:                &types.DataSourceConfigurations{S3Logs: &types.S3LogsConfiguration{Enable: aws.Bool(false)}}})
	if err != nil {
		t.Fatal(err)
	}
	g, _ = c.GetDetector(ctx, &gd.GetDetectorInput{DetectorId: aws.String(id)})
	if g.Status != types.DetectorStatusDisabled || g.FindingPublishingFrequency != types.FindingPublishingFrequencyOneHour || g.DataSources.S3Logs.Status != types.DataSourceStatusDisabled {
		t.Errorf("after update = %s %s %s", g.Status, g.FindingPublishingFrequency, g.DataSources.S3Logs.Status)
	}
	_, err = c.UpdateDetector(ctx, &gd.UpdateDetectorInput{DetectorId: aws.String(id), FindingPublishingFrequency: "HOURLY"})
	if code(err) != "BadRequestException" {
		t.Errorf("bad frequency = %v", err)
	}

	// Region and account isolation.
	other := gd.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	if l, _ := other.ListDetectors(ctx, &gd.ListDetectorsInput{}); len(l.DetectorIds) != 0 {
		t.Errorf("us-east-1 sees %v", l.DetectorIds)
	}
	mgmt := gd.NewFromConfig(s.Config(t, simtest.Management, "eu-west-1"))
	if l, _ := mgmt.ListDetectors(ctx, &gd.ListDetectorsInput{}); len(l.DetectorIds) != 0 {
		t.Errorf("other account sees %v", l.DetectorIds)
	}
	if _, err := mgmt.GetDetector(ctx, &gd.GetDetectorInput{DetectorId: aws.String(id)}); code(err) != "BadRequestException" {
		t.Errorf("GetDetector of another account = %v", err)
	}

	// Tags on the detector ARN.
	arn := aws.String("arn:aws:guardduty:eu-west-1:222222222222:detector/" + id)
	if _, err := c.TagResource(ctx, &gd.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"a": "1", "b": "2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &gd.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	if tg, err := c.ListTagsForResource(ctx, &gd.ListTagsForResourceInput{ResourceArn: arn}); err != nil || len(tg.Tags) != 1 || tg.Tags["b"] != "2" {
		t.Errorf("tags = %+v %v", tg, err)
	}
	if _, err := c.ListTagsForResource(ctx, &gd.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:guardduty:eu-west-1:222222222222:detector/nope")}); code(err) != "BadRequestException" {
		t.Errorf("tags of unknown detector = %v", err)
	}
	// A standalone detector has no administrator.
	if a, err := c.GetAdministratorAccount(ctx, &gd.GetAdministratorAccountInput{DetectorId: aws.String(id)}); err != nil || a.Administrator != nil {
		t.Errorf("GetAdministratorAccount standalone = %+v %v", a, err)
	}

	// Findings are empty.
	lf, err := c.ListFindings(ctx, &gd.ListFindingsInput{DetectorId: aws.String(id)})
	if err != nil || len(lf.FindingIds) != 0 {
		t.Errorf("ListFindings = %v %v", lf, err)
	}
	st, err := c.GetFindingsStatistics(ctx, &gd.GetFindingsStatisticsInput{DetectorId: aws.String(id),
		FindingStatisticTypes: []types.FindingStatisticType{types.FindingStatisticTypeCountBySeverity}})
	if err != nil || st.FindingStatistics == nil {
		t.Errorf("GetFindingsStatistics = %v %v", st, err)
	}

	if _, err := c.DeleteDetector(ctx, &gd.DeleteDetectorInput{DetectorId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetDetector(ctx, &gd.GetDetectorInput{DetectorId: aws.String(id)}); code(err) != "BadRequestException" {
		t.Errorf("GetDetector after delete = %v", err)
	}
	if _, err := c.DeleteDetector(ctx, &gd.DeleteDetectorInput{DetectorId: aws.String(id)}); code(err) != "BadRequestException" {
		t.Errorf("DeleteDetector twice = %v", err)
	}
}

func TestSeededDetectorAndMembersPagination(t *testing.T) {
	w := simtest.NewWorld()
	now := simtest.Now
	var members []world.GuardDutyMember
	for _, a := range []string{"300000000001", "300000000002", "300000000003", "300000000004"} {
		members = append(members, world.GuardDutyMember{AccountID: a, RelationshipStatus: "Enabled", InvitedAt: now})
	}
	members = append(members, world.GuardDutyMember{AccountID: "300000000005", RelationshipStatus: "Removed"})
	w.Accounts[simtest.Member].In("eu-west-1").GuardDuty.Detector = &world.GuardDutyDetector{Status: "ENABLED", CreatedAt: now, Members: members, AdministratorID: "999999999999"}
	s := simtest.Start(t, w)
	c := gd.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))
	l, err := c.ListDetectors(ctx, &gd.ListDetectorsInput{})
	if err != nil || len(l.DetectorIds) != 1 {
		t.Fatalf("ListDetectors = %v %v", l, err)
	}
	id := l.DetectorIds[0]
	g, err := c.GetDetector(ctx, &gd.GetDetectorInput{DetectorId: aws.String(id)})
	if err != nil || g.Status != types.DetectorStatusEnabled || g.FindingPublishingFrequency != types.FindingPublishingFrequencySixHours {
		t.Fatalf("GetDetector = %+v %v", g, err)
	}
	if a, err := c.GetAdministratorAccount(ctx, &gd.GetAdministratorAccountInput{DetectorId: aws.String(id)}); err != nil || aws.ToString(a.Administrator.AccountId) != "999999999999" || aws.ToString(a.Administrator.RelationshipStatus) != "Enabled" {
		t.Errorf("GetAdministratorAccount = %+v %v", a, err)
	}
	if m, err := c.GetMasterAccount(ctx, &gd.GetMasterAccountInput{DetectorId: aws.String(id)}); err != nil || aws.ToString(m.Master.AccountId) != "999999999999" {
		t.Errorf("GetMasterAccount = %+v %v", m, err)
	}
	p := gd.NewListMembersPaginator(c, &gd.ListMembersInput{DetectorId: aws.String(id), MaxResults: aws.Int32(3)})
	var got, pages int
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		got += len(out.Members)
	}
	if got != 4 || pages != 2 {
		t.Errorf("ListMembers: %d members in %d pages", got, pages)
	}
	all, _ := c.ListMembers(ctx, &gd.ListMembersInput{DetectorId: aws.String(id), OnlyAssociated: aws.String("false")})
	if len(all.Members) != 5 {
		t.Errorf("ListMembers onlyAssociated=false: %d", len(all.Members))
	}
	if _, err := c.ListMembers(ctx, &gd.ListMembersInput{DetectorId: aws.String(id), NextToken: aws.String("bogus")}); code(err) != "BadRequestException" {
		t.Errorf("bad token = %v", err)
	}
	if _, err := c.DeleteDetector(ctx, &gd.DeleteDetectorInput{DetectorId: aws.String(id)}); code(err) != "BadRequestException" {
		t.Errorf("delete detector with members = %v", err)
	}
	if _, err := c.ListDetectors(ctx, &gd.ListDetectorsInput{MaxResults: aws.Int32(51)}); code(err) != "BadRequestException" {
		t.Errorf("maxResults 51 = %v", err)
	}
}

func TestOrganizationAdmin(t *testing.T) {
	w := orgWorld()
	s := simtest.Start(t, w)
	mgmt := gd.NewFromConfig(s.Config(t, simtest.Management, "us-east-1"))
	member := gd.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))

	if _, err := member.EnableOrganizationAdminAccount(ctx, &gd.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(simtest.Member)}); code(err) != "BadRequestException" {
		t.Errorf("member enables admin = %v", err)
	}
	if _, err := member.ListOrganizationAdminAccounts(ctx, &gd.ListOrganizationAdminAccountsInput{}); code(err) != "BadRequestException" {
		t.Errorf("member lists admins = %v", err)
	}
	if _, err := mgmt.EnableOrganizationAdminAccount(ctx, &gd.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String("999999999999")}); code(err) != "BadRequestException" {
		t.Errorf("enable non-member = %v", err)
	}
	if _, err := mgmt.EnableOrganizationAdminAccount(ctx, &gd.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(simtest.Member)}); err != nil {
		t.Fatal(err)
	}
	if _, err := mgmt.EnableOrganizationAdminAccount(ctx, &gd.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(simtest.Management)}); code(err) != "BadRequestException" {
		t.Errorf("second admin = %v", err)
	}
	if got := w.Org.DelegatedAdmins["guardduty.amazonaws.com"]; len(got) != 1 || got[0].Account != simtest.Member {
		t.Errorf("DelegatedAdmins = %+v", got)
	}
	la, err := mgmt.ListOrganizationAdminAccounts(ctx, &gd.ListOrganizationAdminAccountsInput{})
	if err != nil || len(la.AdminAccounts) != 1 || aws.ToString(la.AdminAccounts[0].AdminAccountId) != simtest.Member || la.AdminAccounts[0].AdminStatus != types.AdminStatusEnabled {
		t.Errorf("ListOrganizationAdminAccounts = %+v %v", la, err)
	}

	// Organization configuration: the admin's own detector.
	cr, err := member.CreateDetector(ctx, &gd.CreateDetectorInput{Enable: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	d, err := member.DescribeOrganizationConfiguration(ctx, &gd.DescribeOrganizationConfigurationInput{DetectorId: cr.DetectorId})
	if err != nil || d.AutoEnableOrganizationMembers != types.AutoEnableMembersNone || aws.ToBool(d.AutoEnable) {
		t.Fatalf("DescribeOrganizationConfiguration = %+v %v", d, err)
	}
	_, err = member.UpdateOrganizationConfiguration(ctx, &gd.UpdateOrganizationConfigurationInput{DetectorId: cr.DetectorId,
		AutoEnableOrganizationMembers: types.AutoEnableMembersAll,
		Features:                      []types.OrganizationFeatureConfiguration{{Name: types.OrgFeatureS3DataEvents, AutoEnable: types.OrgFeatureStatusAll}}})
	if err != nil {
		t.Fatal(err)
	}
	d, _ = member.DescribeOrganizationConfiguration(ctx, &gd.DescribeOrganizationConfigurationInput{DetectorId: cr.DetectorId})
	if d.AutoEnableOrganizationMembers != types.AutoEnableMembersAll || !aws.ToBool(d.AutoEnable) || d.Features[0].Name != types.OrgFeatureS3DataEvents || d.Features[0].AutoEnable != types.OrgFeatureStatusAll {
		t.Errorf("after update = %+v", d)
	}
	if !aws.ToBool(d.DataSources.S3Logs.AutoEnable) {
		t.Errorf("dataSources s3 auto enable false")
	}
	if _, err := member.UpdateOrganizationConfiguration(ctx, &gd.UpdateOrganizationConfigurationInput{DetectorId: cr.DetectorId, AutoEnableOrganizationMembers: "SOME"}); code(err) != "BadRequestException" {
		t.Errorf("bad auto enable = %v", err)
	}
	// The management account is not the admin.
	mcr, _ := mgmt.CreateDetector(ctx, &gd.CreateDetectorInput{Enable: aws.Bool(true)})
	if _, err := mgmt.DescribeOrganizationConfiguration(ctx, &gd.DescribeOrganizationConfigurationInput{DetectorId: mcr.DetectorId}); code(err) != "BadRequestException" {
		t.Errorf("non-admin DescribeOrganizationConfiguration = %v", err)
	}

	if _, err := mgmt.DisableOrganizationAdminAccount(ctx, &gd.DisableOrganizationAdminAccountInput{AdminAccountId: aws.String(simtest.Member)}); err != nil {
		t.Fatal(err)
	}
	if _, err := mgmt.DisableOrganizationAdminAccount(ctx, &gd.DisableOrganizationAdminAccountInput{AdminAccountId: aws.String(simtest.Member)}); code(err) != "BadRequestException" {
		t.Errorf("disable twice = %v", err)
	}
	la, _ = mgmt.ListOrganizationAdminAccounts(ctx, &gd.ListOrganizationAdminAccountsInput{})
	if len(la.AdminAccounts) != 0 {
		t.Errorf("admins after disable = %+v", la.AdminAccounts)
	}
}

func TestNoOrganization(t *testing.T) {
	s := simtest.Start(t, nil)
	mgmt := gd.NewFromConfig(s.Config(t, simtest.Management, "us-east-1"))
	if _, err := mgmt.EnableOrganizationAdminAccount(ctx, &gd.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(simtest.Member)}); code(err) != "BadRequestException" {
		t.Errorf("no org = %v", err)
	}
}

func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.GuardDuty]("guardduty")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) < 4 {
		t.Errorf("only %d profiles", len(profiles))
	}
}
