package ec2_test

import (
	"strings"
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

// TestLaunchTemplateWrites: create a template, base a version on another
// (its parameters carried over, the given ones replacing theirs), make it
// the default, delete versions; numbers of deleted versions are not
// given again.
func TestLaunchTemplateWrites(t *testing.T) {
	c := client(t, templatesWorld(), simtest.Member, region)

	created := must(c.CreateLaunchTemplate(ctx, &ec2sdk.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String("api"), VersionDescription: aws.String("first"),
		LaunchTemplateData: &types.RequestLaunchTemplateData{
			ImageId: aws.String("ami-1"), InstanceType: types.InstanceTypeT3Micro,
			IamInstanceProfile: &types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String("api")},
			NetworkInterfaces: []types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{
				{DeviceIndex: aws.Int32(0), AssociatePublicIpAddress: aws.Bool(false), Groups: []string{"sg-1", "sg-2"}}},
			MetadataOptions: &types.LaunchTemplateInstanceMetadataOptionsRequest{HttpTokens: types.LaunchTemplateHttpTokensStateOptional, HttpPutResponseHopLimit: aws.Int32(2)},
		},
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeLaunchTemplate, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("api")}}}},
	})).LaunchTemplate
	id := aws.ToString(created.LaunchTemplateId)
	if !strings.HasPrefix(id, "lt-") || aws.ToInt64(created.DefaultVersionNumber) != 1 || aws.ToInt64(created.LatestVersionNumber) != 1 || len(created.Tags) != 1 {
		t.Fatalf("created %+v", created)
	}
	_, err := c.CreateLaunchTemplate(ctx, &ec2sdk.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("api"), LaunchTemplateData: &types.RequestLaunchTemplateData{}})
	wantCode(t, err, "InvalidLaunchTemplateName.AlreadyExistsException")
	_, err = c.CreateLaunchTemplate(ctx, &ec2sdk.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("a b"), LaunchTemplateData: &types.RequestLaunchTemplateData{}})
	wantCode(t, err, "InvalidParameterValue")

	// Version 2 from version 1: only the metadata options change.
	v2 := must(c.CreateLaunchTemplateVersion(ctx, &ec2sdk.CreateLaunchTemplateVersionInput{
		LaunchTemplateId: aws.String(id), SourceVersion: aws.String("1"),
		LaunchTemplateData: &types.RequestLaunchTemplateData{MetadataOptions: &types.LaunchTemplateInstanceMetadataOptionsRequest{
			HttpTokens: types.LaunchTemplateHttpTokensStateRequired, HttpEndpoint: types.LaunchTemplateInstanceMetadataEndpointStateEnabled}},
	})).LaunchTemplateVersion
	d := v2.LaunchTemplateData
	if aws.ToInt64(v2.VersionNumber) != 2 || aws.ToBool(v2.DefaultVersion) || aws.ToString(d.ImageId) != "ami-1" ||
		aws.ToString(d.IamInstanceProfile.Arn) != "arn:aws:iam::222222222222:instance-profile/api" ||
		len(d.NetworkInterfaces) != 1 || len(d.NetworkInterfaces[0].Groups) != 2 || aws.ToBool(d.NetworkInterfaces[0].AssociatePublicIpAddress) ||
		d.MetadataOptions.HttpTokens != types.LaunchTemplateHttpTokensStateRequired || d.MetadataOptions.HttpPutResponseHopLimit != nil {
		t.Fatalf("v2 = %+v / %+v", v2, d)
	}
	// Without a source, a version has only what the request gives.
	v3 := must(c.CreateLaunchTemplateVersion(ctx, &ec2sdk.CreateLaunchTemplateVersionInput{
		LaunchTemplateName: aws.String("api"), LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String("ami-3")},
	})).LaunchTemplateVersion
	if aws.ToInt64(v3.VersionNumber) != 3 || v3.LaunchTemplateData.MetadataOptions != nil || len(v3.LaunchTemplateData.NetworkInterfaces) != 0 {
		t.Fatalf("v3 = %+v", v3.LaunchTemplateData)
	}
	_, err = c.CreateLaunchTemplateVersion(ctx, &ec2sdk.CreateLaunchTemplateVersionInput{
		LaunchTemplateId: aws.String(id), SourceVersion: aws.String("9"), LaunchTemplateData: &types.RequestLaunchTemplateData{}})
	wantCode(t, err, "InvalidLaunchTemplateId.VersionNotFound")
	_, err = c.CreateLaunchTemplateVersion(ctx, &ec2sdk.CreateLaunchTemplateVersionInput{
		LaunchTemplateId: aws.String("lt-0nope"), LaunchTemplateData: &types.RequestLaunchTemplateData{}})
	wantCode(t, err, "InvalidLaunchTemplateId.NotFound")
	_, err = c.CreateLaunchTemplateVersion(ctx, &ec2sdk.CreateLaunchTemplateVersionInput{
		LaunchTemplateId: aws.String(id), LaunchTemplateData: &types.RequestLaunchTemplateData{
			MetadataOptions: &types.LaunchTemplateInstanceMetadataOptionsRequest{HttpPutResponseHopLimit: aws.Int32(65)}}})
	wantCode(t, err, "InvalidParameterValue")

	// Version 2 becomes the default; the default cannot be deleted.
	mod := must(c.ModifyLaunchTemplate(ctx, &ec2sdk.ModifyLaunchTemplateInput{LaunchTemplateId: aws.String(id), DefaultVersion: aws.String("2")})).LaunchTemplate
	if aws.ToInt64(mod.DefaultVersionNumber) != 2 || aws.ToInt64(mod.LatestVersionNumber) != 3 {
		t.Fatalf("modified %+v", mod)
	}
	_, err = c.ModifyLaunchTemplate(ctx, &ec2sdk.ModifyLaunchTemplateInput{LaunchTemplateId: aws.String(id), DefaultVersion: aws.String("7")})
	wantCode(t, err, "InvalidLaunchTemplateId.VersionNotFound")
	del := must(c.DeleteLaunchTemplateVersions(ctx, &ec2sdk.DeleteLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id), Versions: []string{"3", "2", "8"}}))
	if len(del.SuccessfullyDeletedLaunchTemplateVersions) != 1 || aws.ToInt64(del.SuccessfullyDeletedLaunchTemplateVersions[0].VersionNumber) != 3 ||
		len(del.UnsuccessfullyDeletedLaunchTemplateVersions) != 2 {
		t.Fatalf("deleted %+v", del)
	}
	codes := map[int64]string{}
	for _, u := range del.UnsuccessfullyDeletedLaunchTemplateVersions {
		codes[aws.ToInt64(u.VersionNumber)] = string(u.ResponseError.Code)
	}
	if codes[2] != "unexpectedError" || codes[8] != "launchTemplateVersionDoesNotExist" {
		t.Errorf("unsuccessful: %v", codes)
	}
	// The latest is again version 2; the next version is 4, not 3.
	got := must(c.DescribeLaunchTemplates(ctx, &ec2sdk.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{id}})).LaunchTemplates[0]
	if aws.ToInt64(got.LatestVersionNumber) != 2 || aws.ToInt64(got.DefaultVersionNumber) != 2 {
		t.Errorf("after delete %+v", got)
	}
	v4 := must(c.CreateLaunchTemplateVersion(ctx, &ec2sdk.CreateLaunchTemplateVersionInput{
		LaunchTemplateId: aws.String(id), SourceVersion: aws.String("$Default"), LaunchTemplateData: &types.RequestLaunchTemplateData{}})).LaunchTemplateVersion
	if aws.ToInt64(v4.VersionNumber) != 4 || aws.ToString(v4.LaunchTemplateData.ImageId) != "ami-1" {
		t.Errorf("v4 = %+v", v4)
	}
	// Deleting a version of a seeded template (numbered by position) keeps
	// the others' numbers.
	must(c.DeleteLaunchTemplateVersions(ctx, &ec2sdk.DeleteLaunchTemplateVersionsInput{LaunchTemplateId: aws.String("lt-0web"), Versions: []string{"1"}}))
	left := must(c.DescribeLaunchTemplateVersions(ctx, &ec2sdk.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String("lt-0web")})).LaunchTemplateVersions
	if len(left) != 2 || aws.ToInt64(left[0].VersionNumber) != 3 || aws.ToInt64(left[1].VersionNumber) != 2 || !aws.ToBool(left[1].DefaultVersion) {
		t.Errorf("web versions after deleting 1: %+v", left)
	}
	nope := must(c.DeleteLaunchTemplateVersions(ctx, &ec2sdk.DeleteLaunchTemplateVersionsInput{LaunchTemplateName: aws.String("nope"), Versions: []string{"1"}}))
	if len(nope.UnsuccessfullyDeletedLaunchTemplateVersions) != 1 || nope.UnsuccessfullyDeletedLaunchTemplateVersions[0].ResponseError.Code != "launchTemplateNameDoesNotExist" {
		t.Errorf("unknown template: %+v", nope)
	}
}

// TestLaunchTemplateBlockDevices: a version based on another keeps its
// block device mappings but not their snapshots, unless the request
// gives the mappings again.
func TestLaunchTemplateBlockDevices(t *testing.T) {
	c := client(t, templatesWorld(), simtest.Member, region)
	bdm := []types.LaunchTemplateBlockDeviceMappingRequest{
		{DeviceName: aws.String("/dev/xvda"), Ebs: &types.LaunchTemplateEbsBlockDeviceRequest{
			SnapshotId: aws.String("snap-0data"), VolumeSize: aws.Int32(50), VolumeType: types.VolumeTypeGp3, Encrypted: aws.Bool(true), DeleteOnTermination: aws.Bool(false)}},
		{DeviceName: aws.String("/dev/sdb"), VirtualName: aws.String("ephemeral0")},
	}
	id := aws.ToString(must(c.CreateLaunchTemplate(ctx, &ec2sdk.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String("database"), LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String("ami-1"), BlockDeviceMappings: bdm},
	})).LaunchTemplate.LaunchTemplateId)
	v1 := must(c.DescribeLaunchTemplateVersions(ctx, &ec2sdk.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id)})).LaunchTemplateVersions[0].LaunchTemplateData
	if len(v1.BlockDeviceMappings) != 2 || aws.ToString(v1.BlockDeviceMappings[0].Ebs.SnapshotId) != "snap-0data" ||
		aws.ToInt32(v1.BlockDeviceMappings[0].Ebs.VolumeSize) != 50 || aws.ToBool(v1.BlockDeviceMappings[0].Ebs.DeleteOnTermination) ||
		aws.ToString(v1.BlockDeviceMappings[1].VirtualName) != "ephemeral0" || v1.BlockDeviceMappings[1].Ebs != nil {
		t.Fatalf("v1 mappings = %+v", v1.BlockDeviceMappings)
	}
	v2 := must(c.CreateLaunchTemplateVersion(ctx, &ec2sdk.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(id), SourceVersion: aws.String("1"),
		LaunchTemplateData: &types.RequestLaunchTemplateData{InstanceType: types.InstanceTypeT3Large}})).LaunchTemplateVersion.LaunchTemplateData
	if len(v2.BlockDeviceMappings) != 2 || v2.BlockDeviceMappings[0].Ebs.SnapshotId != nil || aws.ToInt32(v2.BlockDeviceMappings[0].Ebs.VolumeSize) != 50 {
		t.Errorf("v2 mappings = %+v, want v1's without the snapshot", v2.BlockDeviceMappings)
	}
	v3 := must(c.CreateLaunchTemplateVersion(ctx, &ec2sdk.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(id), SourceVersion: aws.String("1"),
		LaunchTemplateData: &types.RequestLaunchTemplateData{BlockDeviceMappings: bdm[:1]}})).LaunchTemplateVersion.LaunchTemplateData
	if len(v3.BlockDeviceMappings) != 1 || aws.ToString(v3.BlockDeviceMappings[0].Ebs.SnapshotId) != "snap-0data" {
		t.Errorf("v3 mappings = %+v, want the one given", v3.BlockDeviceMappings)
	}
}
