package ec2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

func templatesWorld() *world.World {
	w := simtest.NewWorld()
	e := &w.Accounts[simtest.Member].In(region).EC2
	e.LaunchTemplates = []*world.LaunchTemplate{
		{ID: "lt-0web", Name: "web", Created: t0, DefaultVersion: 2, Tags: map[string]string{"team": "web"}, Versions: []*world.LaunchTemplateVersion{
			{Description: "first", Created: t0, Data: world.LaunchTemplateData{ImageID: "ami-1", InstanceType: "t3.micro",
				NetworkInterfaces: []world.LaunchTemplateInterface{{DeviceIndex: 0, AssociatePublicIP: aws.Bool(true), GroupIDs: []string{"sg-1"}}}}},
			{Description: "imdsv2", Created: t0, Data: world.LaunchTemplateData{ImageID: "ami-2", InstanceType: "t3.micro",
				InstanceProfileARN: "arn:aws:iam::222222222222:instance-profile/web",
				Metadata:           &world.InstanceMetadata{HTTPTokens: "required", HTTPEndpoint: "enabled", HTTPPutHopLimit: 2}}},
			{Description: "next", Created: t0, Data: world.LaunchTemplateData{ImageID: "ami-3", SecurityGroupIDs: []string{"sg-2"}}},
		}},
		{ID: "lt-0batch", Name: "batch", Created: t0, Versions: []*world.LaunchTemplateVersion{
			{Created: t0, Data: world.LaunchTemplateData{ImageID: "ami-9"}},
		}},
	}
	e.TransitGateways = []*world.TransitGateway{
		{ID: "tgw-0hub", Description: "hub", Created: t0, AutoAcceptSharedAttachments: true, Tags: map[string]string{"Name": "hub"}},
		{ID: "tgw-0iso", Created: t0, AmazonSideASN: 65000, NoDefaultRouteTableAssociation: true, NoDefaultRouteTablePropagation: true},
	}
	return w
}

func TestLaunchTemplates(t *testing.T) {
	c := client(t, templatesWorld(), simtest.Member, region)

	out := must(c.DescribeLaunchTemplates(ctx, &ec2sdk.DescribeLaunchTemplatesInput{}))
	if len(out.LaunchTemplates) != 2 {
		t.Fatalf("%d templates", len(out.LaunchTemplates))
	}
	web := out.LaunchTemplates[0]
	if aws.ToString(web.LaunchTemplateId) != "lt-0web" || aws.ToInt64(web.DefaultVersionNumber) != 2 ||
		aws.ToInt64(web.LatestVersionNumber) != 3 || aws.ToString(web.CreatedBy) != "arn:aws:iam::222222222222:root" ||
		len(web.Tags) != 1 || !aws.ToTime(web.CreateTime).Equal(t0) {
		t.Errorf("web = %+v", web)
	}
	byName := must(c.DescribeLaunchTemplates(ctx, &ec2sdk.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{"batch"}}))
	if len(byName.LaunchTemplates) != 1 || aws.ToInt64(byName.LaunchTemplates[0].DefaultVersionNumber) != 1 {
		t.Errorf("batch = %+v", byName.LaunchTemplates)
	}
	_, err := c.DescribeLaunchTemplates(ctx, &ec2sdk.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{"lt-0nope"}})
	wantCode(t, err, "InvalidLaunchTemplateId.NotFound")
	_, err = c.DescribeLaunchTemplates(ctx, &ec2sdk.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{"nope"}})
	wantCode(t, err, "InvalidLaunchTemplateName.NotFoundException")
	_, err = c.DescribeLaunchTemplates(ctx, &ec2sdk.DescribeLaunchTemplatesInput{MaxResults: aws.Int32(201)})
	wantCode(t, err, "InvalidParameterValue")
	tagged := must(c.DescribeLaunchTemplates(ctx, &ec2sdk.DescribeLaunchTemplatesInput{
		Filters: []types.Filter{{Name: aws.String("tag:team"), Values: []string{"web"}}}}))
	if len(tagged.LaunchTemplates) != 1 {
		t.Errorf("tag filter: %d templates", len(tagged.LaunchTemplates))
	}
	var pages, n int
	p := ec2sdk.NewDescribeLaunchTemplatesPaginator(c, &ec2sdk.DescribeLaunchTemplatesInput{MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		n += len(must(p.NextPage(ctx)).LaunchTemplates)
		pages++
	}
	if pages != 2 || n != 2 {
		t.Errorf("paged %d templates in %d pages", n, pages)
	}
}

func TestLaunchTemplateVersions(t *testing.T) {
	c := client(t, templatesWorld(), simtest.Member, region)

	// One template: all versions, newest first.
	all := must(c.DescribeLaunchTemplateVersions(ctx, &ec2sdk.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String("lt-0web")}))
	var nums []int64
	for _, v := range all.LaunchTemplateVersions {
		nums = append(nums, aws.ToInt64(v.VersionNumber))
	}
	if len(nums) != 3 || nums[0] != 3 || nums[2] != 1 {
		t.Errorf("versions %v", nums)
	}
	v1 := all.LaunchTemplateVersions[2]
	d := v1.LaunchTemplateData
	if aws.ToBool(v1.DefaultVersion) || len(d.NetworkInterfaces) != 1 || !aws.ToBool(d.NetworkInterfaces[0].AssociatePublicIpAddress) ||
		d.NetworkInterfaces[0].Groups[0] != "sg-1" || d.MetadataOptions != nil {
		t.Errorf("v1 = %+v / %+v", v1, d)
	}
	v2 := all.LaunchTemplateVersions[1]
	if !aws.ToBool(v2.DefaultVersion) || v2.LaunchTemplateData.MetadataOptions.HttpTokens != types.LaunchTemplateHttpTokensStateRequired ||
		aws.ToInt32(v2.LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit) != 2 ||
		aws.ToString(v2.LaunchTemplateData.IamInstanceProfile.Arn) != "arn:aws:iam::222222222222:instance-profile/web" {
		t.Errorf("v2 = %+v", v2.LaunchTemplateData)
	}
	if v3 := all.LaunchTemplateVersions[0].LaunchTemplateData; len(v3.SecurityGroupIds) != 1 || len(v3.NetworkInterfaces) != 0 {
		t.Errorf("v3 = %+v", v3)
	}

	// By name and version selectors.
	sel := must(c.DescribeLaunchTemplateVersions(ctx, &ec2sdk.DescribeLaunchTemplateVersionsInput{
		LaunchTemplateName: aws.String("web"), Versions: []string{"$Default", "1"}}))
	if len(sel.LaunchTemplateVersions) != 2 {
		t.Errorf("$Default,1: %d versions", len(sel.LaunchTemplateVersions))
	}
	rng := must(c.DescribeLaunchTemplateVersions(ctx, &ec2sdk.DescribeLaunchTemplateVersionsInput{
		LaunchTemplateId: aws.String("lt-0web"), MinVersion: aws.String("2")}))
	if len(rng.LaunchTemplateVersions) != 2 {
		t.Errorf("min 2: %d versions", len(rng.LaunchTemplateVersions))
	}

	// Every template's $Latest and $Default, without naming one.
	acct := must(c.DescribeLaunchTemplateVersions(ctx, &ec2sdk.DescribeLaunchTemplateVersionsInput{Versions: []string{"$Latest", "$Default"}}))
	got := map[string][]int64{}
	for _, v := range acct.LaunchTemplateVersions {
		got[aws.ToString(v.LaunchTemplateName)] = append(got[aws.ToString(v.LaunchTemplateName)], aws.ToInt64(v.VersionNumber))
	}
	if len(got["web"]) != 2 || len(got["batch"]) != 1 {
		t.Errorf("account-wide $Latest,$Default = %v", got)
	}
	def := must(c.DescribeLaunchTemplateVersions(ctx, &ec2sdk.DescribeLaunchTemplateVersionsInput{
		Versions: []string{"$Default"}, Filters: []types.Filter{{Name: aws.String("http-tokens"), Values: []string{"required"}}}}))
	if len(def.LaunchTemplateVersions) != 1 || aws.ToString(def.LaunchTemplateVersions[0].LaunchTemplateId) != "lt-0web" {
		t.Errorf("$Default with http-tokens=required: %+v", def.LaunchTemplateVersions)
	}

	_, err := c.DescribeLaunchTemplateVersions(ctx, &ec2sdk.DescribeLaunchTemplateVersionsInput{})
	wantCode(t, err, "MissingParameter")
	_, err = c.DescribeLaunchTemplateVersions(ctx, &ec2sdk.DescribeLaunchTemplateVersionsInput{Versions: []string{"1"}})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.DescribeLaunchTemplateVersions(ctx, &ec2sdk.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String("lt-0web"), Versions: []string{"9"}})
	wantCode(t, err, "InvalidLaunchTemplateId.VersionNotFound")
	_, err = c.DescribeLaunchTemplateVersions(ctx, &ec2sdk.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String("lt-0nope")})
	wantCode(t, err, "InvalidLaunchTemplateId.NotFound")
	_, err = c.DescribeLaunchTemplateVersions(ctx, &ec2sdk.DescribeLaunchTemplateVersionsInput{
		LaunchTemplateId: aws.String("lt-0web"), LaunchTemplateName: aws.String("web")})
	wantCode(t, err, "InvalidParameterCombination")

	var n int
	p := ec2sdk.NewDescribeLaunchTemplateVersionsPaginator(c, &ec2sdk.DescribeLaunchTemplateVersionsInput{
		LaunchTemplateId: aws.String("lt-0web"), MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		n += len(must(p.NextPage(ctx)).LaunchTemplateVersions)
	}
	if n != 3 {
		t.Errorf("paged %d versions", n)
	}
}

func TestTransitGateways(t *testing.T) {
	c := client(t, templatesWorld(), simtest.Member, region)
	out := must(c.DescribeTransitGateways(ctx, &ec2sdk.DescribeTransitGatewaysInput{}))
	if len(out.TransitGateways) != 2 {
		t.Fatalf("%d gateways", len(out.TransitGateways))
	}
	hub, iso := out.TransitGateways[0], out.TransitGateways[1]
	if aws.ToString(hub.TransitGatewayArn) != "arn:aws:ec2:eu-west-1:222222222222:transit-gateway/tgw-0hub" ||
		hub.State != types.TransitGatewayStateAvailable || aws.ToString(hub.OwnerId) != simtest.Member ||
		hub.Options.AutoAcceptSharedAttachments != types.AutoAcceptSharedAttachmentsValueEnable ||
		hub.Options.DefaultRouteTableAssociation != types.DefaultRouteTableAssociationValueEnable ||
		aws.ToInt64(hub.Options.AmazonSideAsn) != 64512 || aws.ToString(hub.Options.AssociationDefaultRouteTableId) == "" {
		t.Errorf("hub = %+v / %+v", hub, hub.Options)
	}
	if iso.Options.AutoAcceptSharedAttachments != types.AutoAcceptSharedAttachmentsValueDisable ||
		iso.Options.DefaultRouteTablePropagation != types.DefaultRouteTablePropagationValueDisable ||
		aws.ToInt64(iso.Options.AmazonSideAsn) != 65000 || iso.Options.PropagationDefaultRouteTableId != nil {
		t.Errorf("iso options = %+v", iso.Options)
	}
	auto := must(c.DescribeTransitGateways(ctx, &ec2sdk.DescribeTransitGatewaysInput{
		Filters: []types.Filter{{Name: aws.String("options.auto-accept-shared-attachments"), Values: []string{"enable"}}}}))
	if len(auto.TransitGateways) != 1 {
		t.Errorf("auto-accept filter: %d", len(auto.TransitGateways))
	}
	one := must(c.DescribeTransitGateways(ctx, &ec2sdk.DescribeTransitGatewaysInput{TransitGatewayIds: []string{"tgw-0iso"}}))
	if len(one.TransitGateways) != 1 {
		t.Errorf("by id: %d", len(one.TransitGateways))
	}
	_, err := c.DescribeTransitGateways(ctx, &ec2sdk.DescribeTransitGatewaysInput{TransitGatewayIds: []string{"tgw-0nope"}})
	wantCode(t, err, "InvalidTransitGatewayID.NotFound")
	// Another account sees none of them.
	if n := len(must(client(t, templatesWorld(), simtest.Management, region).DescribeTransitGateways(ctx, &ec2sdk.DescribeTransitGatewaysInput{})).TransitGateways); n != 0 {
		t.Errorf("management sees %d gateways", n)
	}
}
