package cloudtrail_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctsdk "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/cloudtrail"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

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

func orgWorld() *world.World {
	w := simtest.NewWorld()
	w.Buckets["trail-bucket"] = simtest.Member
	w.Buckets["org-trail-bucket"] = simtest.Member
	w.Org = &world.Organization{ID: "o-abcdefghij", ManagementAccount: simtest.Management, RootID: "r-ab12", FeatureSet: "ALL",
		Members: map[string]*world.Member{
			simtest.Management: {Account: simtest.Management, Parent: "r-ab12"},
			simtest.Member:     {Account: simtest.Member, Parent: "r-ab12"},
		},
		ServiceAccess: map[string]time.Time{"cloudtrail.amazonaws.com": simtest.Now},
	}
	// What a trail may encrypt with and send to.
	m := w.Account(simtest.Member)
	us := m.In("us-east-1")
	us.KMS.Keys = append(us.KMS.Keys, &world.KMSKey{ID: "1234abcd-12ab-34cd-56ef-1234567890ab"}, &world.KMSKey{ID: "0ff0ff00-12ab-34cd-56ef-1234567890ab", State: "Disabled"})
	us.KMS.Aliases = append(us.KMS.Aliases, &world.KMSAlias{Name: "alias/trails", TargetKeyID: "1234abcd-12ab-34cd-56ef-1234567890ab"})
	us.Logs.Groups = append(us.Logs.Groups, &world.LogGroup{Name: "ct"})
	m.IAM.Roles = append(m.IAM.Roles, &world.Role{Name: "ct", Path: "/"}, &world.Role{Name: "ct-writer", Path: "/service/"})
	return w
}

func client(t *testing.T, s *simtest.Sim, acct, region string) *ctsdk.Client {
	return ctsdk.NewFromConfig(s.Config(t, acct, region))
}

func TestTrailLifecycle(t *testing.T) {
	ctx := context.Background()
	s := simtest.Start(t, orgWorld())
	eu := client(t, s, simtest.Member, "eu-west-1")
	us := client(t, s, simtest.Member, "us-east-1")

	_, err := eu.CreateTrail(ctx, &ctsdk.CreateTrailInput{Name: aws.String("a"), S3BucketName: aws.String("trail-bucket")})
	wantCode(t, "short name", err, "InvalidTrailNameException")
	_, err = eu.CreateTrail(ctx, &ctsdk.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String("nope-bucket")})
	wantCode(t, "missing bucket", err, "S3BucketDoesNotExistException")

	ct, err := eu.CreateTrail(ctx, &ctsdk.CreateTrailInput{Name: aws.String("regional"), S3BucketName: aws.String("trail-bucket"),
		TagsList: []types.Tag{{Key: aws.String("team"), Value: aws.String("sec")}}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(ct.TrailARN) != "arn:aws:cloudtrail:eu-west-1:222222222222:trail/regional" || aws.ToBool(ct.IsMultiRegionTrail) || !aws.ToBool(ct.IncludeGlobalServiceEvents) {
		t.Errorf("create = %+v", ct)
	}
	_, err = eu.CreateTrail(ctx, &ctsdk.CreateTrailInput{Name: aws.String("regional"), S3BucketName: aws.String("trail-bucket")})
	wantCode(t, "duplicate", err, "TrailAlreadyExistsException")

	// Region isolation: a single-region trail is not visible elsewhere.
	d, err := us.DescribeTrails(ctx, &ctsdk.DescribeTrailsInput{})
	if err != nil || len(d.TrailList) != 0 {
		t.Fatalf("us-east-1 trails = %+v %v", d, err)
	}
	_, err = us.GetTrail(ctx, &ctsdk.GetTrailInput{Name: aws.String("regional")})
	wantCode(t, "get from other region", err, "TrailNotFoundException")

	// A multi-region trail shows up as a shadow in every region.
	mr, err := us.CreateTrail(ctx, &ctsdk.CreateTrailInput{Name: aws.String("everywhere"), S3BucketName: aws.String("trail-bucket"),
		IsMultiRegionTrail: aws.Bool(true), EnableLogFileValidation: aws.Bool(true), KmsKeyId: aws.String("1234abcd-12ab-34cd-56ef-1234567890ab"),
		CloudWatchLogsLogGroupArn: aws.String("arn:aws:logs:us-east-1:222222222222:log-group:ct:*"), CloudWatchLogsRoleArn: aws.String("arn:aws:iam::222222222222:role/ct")})
	if err != nil {
		t.Fatal(err)
	}
	d, err = eu.DescribeTrails(ctx, &ctsdk.DescribeTrailsInput{})
	if err != nil || len(d.TrailList) != 2 {
		t.Fatalf("eu trails = %+v %v", d, err)
	}
	var shadow types.Trail
	for _, tr := range d.TrailList {
		if aws.ToString(tr.Name) == "everywhere" {
			shadow = tr
		}
	}
	if aws.ToString(shadow.HomeRegion) != "us-east-1" || !aws.ToBool(shadow.IsMultiRegionTrail) || !aws.ToBool(shadow.LogFileValidationEnabled) ||
		aws.ToString(shadow.KmsKeyId) != "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab" ||
		aws.ToString(shadow.CloudWatchLogsLogGroupArn) == "" || aws.ToBool(shadow.HasCustomEventSelectors) || aws.ToString(shadow.TrailARN) != aws.ToString(mr.TrailARN) {
		t.Errorf("shadow = %+v", shadow)
	}
	d, _ = eu.DescribeTrails(ctx, &ctsdk.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(false)})
	if len(d.TrailList) != 1 || aws.ToString(d.TrailList[0].Name) != "regional" {
		t.Errorf("without shadows = %+v", d.TrailList)
	}
	d, _ = eu.DescribeTrails(ctx, &ctsdk.DescribeTrailsInput{TrailNameList: []string{aws.ToString(mr.TrailARN), "missing"}})
	if len(d.TrailList) != 1 {
		t.Errorf("by name list = %+v", d.TrailList)
	}
	g, err := eu.GetTrail(ctx, &ctsdk.GetTrailInput{Name: aws.String("everywhere")})
	if err != nil || aws.ToString(g.Trail.HomeRegion) != "us-east-1" {
		t.Errorf("get shadow = %+v %v", g, err)
	}

	// Logging.
	st, err := eu.GetTrailStatus(ctx, &ctsdk.GetTrailStatusInput{Name: mr.TrailARN})
	if err != nil || aws.ToBool(st.IsLogging) || st.LatestDeliveryTime != nil {
		t.Fatalf("status = %+v %v", st, err)
	}
	_, err = eu.StartLogging(ctx, &ctsdk.StartLoggingInput{Name: mr.TrailARN})
	wantCode(t, "start from shadow region", err, "InvalidHomeRegionException")
	if _, err := us.StartLogging(ctx, &ctsdk.StartLoggingInput{Name: aws.String("everywhere")}); err != nil {
		t.Fatal(err)
	}
	st, _ = eu.GetTrailStatus(ctx, &ctsdk.GetTrailStatusInput{Name: mr.TrailARN})
	if !aws.ToBool(st.IsLogging) || st.LatestDeliveryTime == nil || st.StartLoggingTime == nil {
		t.Errorf("status after start = %+v", st)
	}
	if _, err := us.StopLogging(ctx, &ctsdk.StopLoggingInput{Name: aws.String("everywhere")}); err != nil {
		t.Fatal(err)
	}
	st, _ = us.GetTrailStatus(ctx, &ctsdk.GetTrailStatusInput{Name: aws.String("everywhere")})
	if aws.ToBool(st.IsLogging) || st.StopLoggingTime == nil {
		t.Errorf("status after stop = %+v", st)
	}
	_, err = us.GetTrailStatus(ctx, &ctsdk.GetTrailStatusInput{Name: aws.String("missing")})
	wantCode(t, "status of missing", err, "TrailNotFoundException")

	// Update.
	up, err := us.UpdateTrail(ctx, &ctsdk.UpdateTrailInput{Name: aws.String("everywhere"), EnableLogFileValidation: aws.Bool(false)})
	if err != nil || aws.ToBool(up.LogFileValidationEnabled) || !aws.ToBool(up.IsMultiRegionTrail) {
		t.Errorf("update = %+v %v", up, err)
	}
	_, err = us.UpdateTrail(ctx, &ctsdk.UpdateTrailInput{Name: aws.String("everywhere"), S3BucketName: aws.String("nope-bucket")})
	wantCode(t, "update bucket", err, "S3BucketDoesNotExistException")
	_, err = us.UpdateTrail(ctx, &ctsdk.UpdateTrailInput{Name: aws.String("missing")})
	wantCode(t, "update missing", err, "TrailNotFoundException")

	// ListTrails.
	lt, err := eu.ListTrails(ctx, &ctsdk.ListTrailsInput{})
	if err != nil || len(lt.Trails) != 2 {
		t.Errorf("list = %+v %v", lt, err)
	}
	_, err = eu.ListTrails(ctx, &ctsdk.ListTrailsInput{NextToken: aws.String("bogus")})
	wantCode(t, "bad token", err, "InvalidNextTokenException")

	// Account isolation.
	other := client(t, s, simtest.Management, "eu-west-1")
	d, _ = other.DescribeTrails(ctx, &ctsdk.DescribeTrailsInput{})
	if len(d.TrailList) != 0 {
		t.Errorf("management sees member trails: %+v", d.TrailList)
	}

	// Delete.
	_, err = eu.DeleteTrail(ctx, &ctsdk.DeleteTrailInput{Name: aws.String("everywhere")})
	wantCode(t, "delete from shadow region", err, "InvalidHomeRegionException")
	if _, err := eu.DeleteTrail(ctx, &ctsdk.DeleteTrailInput{Name: aws.String("regional")}); err != nil {
		t.Fatal(err)
	}
	_, err = eu.DeleteTrail(ctx, &ctsdk.DeleteTrailInput{Name: aws.String("regional")})
	wantCode(t, "delete twice", err, "TrailNotFoundException")
}

// TestTrailEncryptionAndLogs: CloudTrail resolves the KMS key it is
// given to the key's ARN and refuses a key, log group or role of the
// account that does not exist; empty strings remove encryption and the
// CloudWatch Logs delivery.
func TestTrailEncryptionAndLogs(t *testing.T) {
	ctx := context.Background()
	s := simtest.Start(t, orgWorld())
	c := client(t, s, simtest.Member, "us-east-1")
	if _, err := c.CreateTrail(ctx, &ctsdk.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String("trail-bucket")}); err != nil {
		t.Fatal(err)
	}
	const keyARN = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	update := func(in ctsdk.UpdateTrailInput) (*ctsdk.UpdateTrailOutput, error) {
		in.Name = aws.String("main")
		return c.UpdateTrail(ctx, &in)
	}
	get := func() types.Trail {
		t.Helper()
		g, err := c.GetTrail(ctx, &ctsdk.GetTrailInput{Name: aws.String("main")})
		if err != nil {
			t.Fatal(err)
		}
		return *g.Trail
	}
	for _, ref := range []string{"alias/trails", "arn:aws:kms:us-east-1:222222222222:alias/trails", "1234abcd-12ab-34cd-56ef-1234567890ab", keyARN} {
		up, err := update(ctsdk.UpdateTrailInput{KmsKeyId: aws.String(ref)})
		if err != nil || aws.ToString(up.KmsKeyId) != keyARN || aws.ToString(get().KmsKeyId) != keyARN {
			t.Errorf("key %s: update = %+v %v, trail key %s; want %s", ref, up, err, aws.ToString(get().KmsKeyId), keyARN)
		}
	}
	for ref, code := range map[string]string{
		"alias/missing": "KmsKeyNotFoundException",
		"arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab": "KmsKeyNotFoundException",
		"0ff0ff00-12ab-34cd-56ef-1234567890ab":                                        "KmsException",
		"arn:aws:s3:::bucket":                                                         "InvalidKmsKeyIdException",
	} {
		_, err := update(ctsdk.UpdateTrailInput{KmsKeyId: aws.String(ref)})
		wantCode(t, "key "+ref, err, code)
	}
	if got := aws.ToString(get().KmsKeyId); got != keyARN {
		t.Errorf("a refused update changed the key to %s", got)
	}
	// Another account's key (a central one) is taken as given.
	const central = "arn:aws:kms:us-east-1:111111111111:key/c0ffee00-0000-4000-8000-000000000001"
	if _, err := update(ctsdk.UpdateTrailInput{KmsKeyId: aws.String(central)}); err != nil || aws.ToString(get().KmsKeyId) != central {
		t.Errorf("central key: %v, trail key %s", err, aws.ToString(get().KmsKeyId))
	}
	if _, err := update(ctsdk.UpdateTrailInput{KmsKeyId: aws.String("")}); err != nil || get().KmsKeyId != nil {
		t.Errorf("no key: %v, trail key %v", err, get().KmsKeyId)
	}

	const group = "arn:aws:logs:us-east-1:222222222222:log-group:ct:*"
	for _, tc := range []struct{ group, role, code string }{
		{"arn:aws:logs:us-east-1:222222222222:log-group:missing:*", "arn:aws:iam::222222222222:role/ct", "InvalidCloudWatchLogsLogGroupArnException"},
		{"arn:aws:logs:eu-west-1:222222222222:log-group:ct:*", "arn:aws:iam::222222222222:role/ct", "InvalidCloudWatchLogsLogGroupArnException"},
		{group, "arn:aws:iam::222222222222:role/missing", "InvalidCloudWatchLogsRoleArnException"},
		{group, "", "InvalidCloudWatchLogsLogGroupArnException"},
	} {
		_, err := update(ctsdk.UpdateTrailInput{CloudWatchLogsLogGroupArn: aws.String(tc.group), CloudWatchLogsRoleArn: aws.String(tc.role)})
		wantCode(t, tc.group+" "+tc.role, err, tc.code)
	}
	for _, role := range []string{"arn:aws:iam::222222222222:role/ct", "arn:aws:iam::222222222222:role/service/ct-writer"} {
		if _, err := update(ctsdk.UpdateTrailInput{CloudWatchLogsLogGroupArn: aws.String(group), CloudWatchLogsRoleArn: aws.String(role)}); err != nil {
			t.Fatalf("logs with %s: %v", role, err)
		}
		if tr := get(); aws.ToString(tr.CloudWatchLogsLogGroupArn) != group || aws.ToString(tr.CloudWatchLogsRoleArn) != role {
			t.Errorf("logs = %s %s", aws.ToString(tr.CloudWatchLogsLogGroupArn), aws.ToString(tr.CloudWatchLogsRoleArn))
		}
	}
	if _, err := update(ctsdk.UpdateTrailInput{CloudWatchLogsLogGroupArn: aws.String(""), CloudWatchLogsRoleArn: aws.String("")}); err != nil {
		t.Fatal(err)
	}
	if tr := get(); tr.CloudWatchLogsLogGroupArn != nil || tr.CloudWatchLogsRoleArn != nil {
		t.Errorf("logs after removal = %v %v", tr.CloudWatchLogsLogGroupArn, tr.CloudWatchLogsRoleArn)
	}
}

func TestEventSelectorsAndTags(t *testing.T) {
	ctx := context.Background()
	s := simtest.Start(t, orgWorld())
	c := client(t, s, simtest.Member, "us-east-1")
	ct, err := c.CreateTrail(ctx, &ctsdk.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String("trail-bucket")})
	if err != nil {
		t.Fatal(err)
	}
	es, err := c.GetEventSelectors(ctx, &ctsdk.GetEventSelectorsInput{TrailName: aws.String("main")})
	if err != nil || len(es.EventSelectors) != 1 || es.EventSelectors[0].ReadWriteType != types.ReadWriteTypeAll || !aws.ToBool(es.EventSelectors[0].IncludeManagementEvents) {
		t.Fatalf("default selectors = %+v %v", es, err)
	}
	_, err = c.PutEventSelectors(ctx, &ctsdk.PutEventSelectorsInput{TrailName: aws.String("main"),
		EventSelectors:         []types.EventSelector{{ReadWriteType: types.ReadWriteTypeAll}},
		AdvancedEventSelectors: []types.AdvancedEventSelector{{FieldSelectors: []types.AdvancedFieldSelector{{Field: aws.String("eventCategory"), Equals: []string{"Management"}}}}}})
	wantCode(t, "both kinds", err, "InvalidEventSelectorsException")
	_, err = c.PutEventSelectors(ctx, &ctsdk.PutEventSelectorsInput{TrailName: aws.String("main"),
		EventSelectors: []types.EventSelector{{ReadWriteType: types.ReadWriteTypeWriteOnly, IncludeManagementEvents: aws.Bool(true),
			DataResources: []types.DataResource{{Type: aws.String("AWS::S3::Object"), Values: []string{"arn:aws:s3"}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	es, _ = c.GetEventSelectors(ctx, &ctsdk.GetEventSelectorsInput{TrailName: ct.TrailARN})
	if len(es.EventSelectors) != 1 || es.EventSelectors[0].ReadWriteType != types.ReadWriteTypeWriteOnly || len(es.EventSelectors[0].DataResources) != 1 {
		t.Errorf("classic = %+v", es)
	}
	_, err = c.PutEventSelectors(ctx, &ctsdk.PutEventSelectorsInput{TrailName: aws.String("main"),
		AdvancedEventSelectors: []types.AdvancedEventSelector{{Name: aws.String("mgmt"), FieldSelectors: []types.AdvancedFieldSelector{{Field: aws.String("eventCategory"), Equals: []string{"Management"}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	es, _ = c.GetEventSelectors(ctx, &ctsdk.GetEventSelectorsInput{TrailName: aws.String("main")})
	if len(es.EventSelectors) != 0 || len(es.AdvancedEventSelectors) != 1 || aws.ToString(es.AdvancedEventSelectors[0].Name) != "mgmt" ||
		es.AdvancedEventSelectors[0].FieldSelectors[0].Equals[0] != "Management" {
		t.Errorf("advanced = %+v", es)
	}
	g, _ := c.GetTrail(ctx, &ctsdk.GetTrailInput{Name: aws.String("main")})
	if !aws.ToBool(g.Trail.HasCustomEventSelectors) {
		t.Errorf("HasCustomEventSelectors = false")
	}
	_, err = c.GetEventSelectors(ctx, &ctsdk.GetEventSelectorsInput{TrailName: aws.String("missing")})
	wantCode(t, "selectors of missing", err, "TrailNotFoundException")
	_, err = c.GetInsightSelectors(ctx, &ctsdk.GetInsightSelectorsInput{TrailName: aws.String("main")})
	wantCode(t, "insights", err, "InsightNotEnabledException")

	if _, err := c.AddTags(ctx, &ctsdk.AddTagsInput{ResourceId: ct.TrailARN, TagsList: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RemoveTags(ctx, &ctsdk.RemoveTagsInput{ResourceId: ct.TrailARN, TagsList: []types.Tag{{Key: aws.String("b")}}}); err != nil {
		t.Fatal(err)
	}
	lt, err := c.ListTags(ctx, &ctsdk.ListTagsInput{ResourceIdList: []string{aws.ToString(ct.TrailARN)}})
	if err != nil || len(lt.ResourceTagList) != 1 || len(lt.ResourceTagList[0].TagsList) != 1 || aws.ToString(lt.ResourceTagList[0].TagsList[0].Key) != "a" {
		t.Errorf("tags = %+v %v", lt, err)
	}
	_, err = c.AddTags(ctx, &ctsdk.AddTagsInput{ResourceId: aws.String("arn:aws:cloudtrail:us-east-1:222222222222:trail/missing"), TagsList: []types.Tag{{Key: aws.String("a")}}})
	wantCode(t, "tag missing", err, "ResourceNotFoundException")
}

func TestOrganizationTrail(t *testing.T) {
	ctx := context.Background()
	w := orgWorld()
	// One organization trail seeded directly, as the demo loader does.
	w.Accounts[simtest.Management].In("us-east-1").CloudTrail.Trails = []*world.Trail{{Name: "seeded-org", S3BucketName: "org-trail-bucket",
		IsMultiRegion: true, IsOrganization: true, IncludeGlobalServiceEvents: true, LogFileValidation: true, Logging: true}}
	cloudtrail.SyncOrgTrails(w)
	s := simtest.Start(t, w)
	mgmt := client(t, s, simtest.Management, "us-east-1")
	member := client(t, s, simtest.Member, "eu-west-1")

	d, err := member.DescribeTrails(ctx, &ctsdk.DescribeTrailsInput{})
	if err != nil || len(d.TrailList) != 1 || !aws.ToBool(d.TrailList[0].IsOrganizationTrail) ||
		aws.ToString(d.TrailList[0].TrailARN) != "arn:aws:cloudtrail:us-east-1:111111111111:trail/seeded-org" {
		t.Fatalf("member sees = %+v %v", d, err)
	}
	st, err := member.GetTrailStatus(ctx, &ctsdk.GetTrailStatusInput{Name: d.TrailList[0].TrailARN})
	if err != nil || !aws.ToBool(st.IsLogging) {
		t.Errorf("member status = %+v %v", st, err)
	}
	_, err = member.StopLogging(ctx, &ctsdk.StopLoggingInput{Name: d.TrailList[0].TrailARN})
	wantCode(t, "member stops org trail", err, "TrailNotFoundException")

	// Management changes are visible to members.
	if _, err := mgmt.StopLogging(ctx, &ctsdk.StopLoggingInput{Name: aws.String("seeded-org")}); err != nil {
		t.Fatal(err)
	}
	st, _ = member.GetTrailStatus(ctx, &ctsdk.GetTrailStatusInput{Name: d.TrailList[0].TrailARN})
	if aws.ToBool(st.IsLogging) {
		t.Errorf("member still sees logging")
	}
	_, err = member.CreateTrail(ctx, &ctsdk.CreateTrailInput{Name: aws.String("mine"), S3BucketName: aws.String("trail-bucket"), IsOrganizationTrail: aws.Bool(true), IsMultiRegionTrail: aws.Bool(true)})
	wantCode(t, "member creates org trail", err, "NotOrganizationMasterAccountException")
	if _, err := mgmt.CreateTrail(ctx, &ctsdk.CreateTrailInput{Name: aws.String("org-eu"), S3BucketName: aws.String("org-trail-bucket"), IsOrganizationTrail: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	// Single-region org trail in us-east-1: not visible in eu-west-1.
	d, _ = member.DescribeTrails(ctx, &ctsdk.DescribeTrailsInput{})
	if len(d.TrailList) != 1 {
		t.Errorf("eu member trails = %+v", d.TrailList)
	}
	d, _ = client(t, s, simtest.Member, "us-east-1").DescribeTrails(ctx, &ctsdk.DescribeTrailsInput{})
	if len(d.TrailList) != 2 {
		t.Errorf("us member trails = %+v", d.TrailList)
	}
	if _, err := mgmt.DeleteTrail(ctx, &ctsdk.DeleteTrailInput{Name: aws.String("seeded-org")}); err != nil {
		t.Fatal(err)
	}
	d, _ = member.DescribeTrails(ctx, &ctsdk.DescribeTrailsInput{})
	if len(d.TrailList) != 0 {
		t.Errorf("after delete member sees = %+v", d.TrailList)
	}

	// Without trusted access, or outside an organization.
	w2 := simtest.NewWorld()
	w2.Buckets["b-bucket"] = simtest.Management
	s2 := simtest.Start(t, w2)
	_, err = client(t, s2, simtest.Management, "us-east-1").CreateTrail(ctx, &ctsdk.CreateTrailInput{Name: aws.String("org"), S3BucketName: aws.String("b-bucket"), IsOrganizationTrail: aws.Bool(true)})
	wantCode(t, "no org", err, "OrganizationsNotInUseException")
}

func TestOrgTrailLazySync(t *testing.T) {
	// Seeded without SyncOrgTrails: the first member call copies them.
	w := orgWorld()
	w.Accounts[simtest.Management].In("us-east-1").CloudTrail.Trails = []*world.Trail{{Name: "org", S3BucketName: "org-trail-bucket",
		IsMultiRegion: true, IsOrganization: true, IncludeGlobalServiceEvents: true}}
	s := simtest.Start(t, w)
	d, err := client(t, s, simtest.Member, "eu-central-1").DescribeTrails(context.Background(), &ctsdk.DescribeTrailsInput{})
	if err != nil || len(d.TrailList) != 1 {
		t.Fatalf("lazy sync = %+v %v", d, err)
	}
}

func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.CloudTrail]("cloudtrail")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"managed", "partial", "weak"} {
		if _, ok := profiles[p]; !ok {
			t.Errorf("profile %s missing", p)
		}
	}
}
