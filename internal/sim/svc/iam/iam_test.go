package iam_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
	"go.yaml.in/yaml/v4"

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

func wantCode(t *testing.T, what string, err error, want string) {
	t.Helper()
	if code(err) != want {
		t.Errorf("%s: err = %v, want %s", what, err, want)
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func client(t *testing.T, w *world.World, account string) *iamsdk.Client {
	s := simtest.Start(t, w)
	return iamsdk.NewFromConfig(s.Config(t, account, "us-east-1"))
}

func ago(now time.Time, days int) time.Time {
	return now.AddDate(0, 0, -days).UTC().Truncate(time.Second)
}

// fixedWorld returns a world with a fixed clock.
func fixedWorld() (*world.World, time.Time) {
	w := simtest.NewWorld()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	w.Now = func() time.Time { return now }
	return w, now
}

const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
const trustEC2 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func TestDemoDataDecodes(t *testing.T) {
	profiles, err := demo.Global[world.IAM]("iam")
	must(t, "decode", err)
	for _, p := range []string{"hardened", "managed", "partial", "weak", "neglected"} {
		v, ok := profiles[p]
		if !ok {
			t.Errorf("profile %s missing", p)
			continue
		}
		text, err := yaml.Marshal(&v)
		must(t, "marshal", err)
		if strings.Contains(string(text), "${") {
			t.Errorf("profile %s: unexpected token", p)
		}
	}
	if len(profiles) != 5 {
		t.Errorf("profiles = %d, want 5", len(profiles))
	}
}

func summary(t *testing.T, c *iamsdk.Client) map[string]int32 {
	out, err := c.GetAccountSummary(ctx, &iamsdk.GetAccountSummaryInput{})
	must(t, "GetAccountSummary", err)
	m := map[string]int32{}
	for k, v := range out.SummaryMap {
		m[k] = v
	}
	return m
}

func TestRootAccountState(t *testing.T) {
	w, now := fixedWorld()
	w.Accounts[simtest.Member].IAM.Root = world.RootUser{Created: ago(now, 900), MFA: "virtual", MFAEnabled: ago(now, 800),
		AccessKeys: []*world.AccessKey{{Created: ago(now, 500), LastUsed: ago(now, 2), LastUsedRegion: "eu-west-1", LastUsedService: "s3"}}}
	w.Accounts[simtest.Management].IAM.Root = world.RootUser{Created: ago(now, 900), MFA: "hardware", MFAEnabled: ago(now, 800)}
	s := simtest.Start(t, w)
	member := iamsdk.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))
	mgmt := iamsdk.NewFromConfig(s.Config(t, simtest.Management, "us-east-1"))

	m := summary(t, member)
	if m["AccountMFAEnabled"] != 1 || m["AccountAccessKeysPresent"] != 1 || m["Users"] != 0 || m["UsersQuota"] != 5000 || m["AccountPasswordPresent"] != 1 {
		t.Errorf("member summary = %v", m)
	}
	if g := summary(t, mgmt); g["AccountMFAEnabled"] != 1 || g["AccountAccessKeysPresent"] != 0 {
		t.Errorf("management summary = %v", g)
	}

	// Root virtual MFA is listed among virtual devices; a hardware one is not.
	v, err := member.ListVirtualMFADevices(ctx, &iamsdk.ListVirtualMFADevicesInput{})
	must(t, "ListVirtualMFADevices", err)
	if len(v.VirtualMFADevices) != 1 || aws.ToString(v.VirtualMFADevices[0].SerialNumber) != "arn:aws:iam::222222222222:mfa/root-account-mfa-device" ||
		aws.ToString(v.VirtualMFADevices[0].User.Arn) != "arn:aws:iam::222222222222:root" {
		t.Errorf("member virtual MFA = %+v", v.VirtualMFADevices)
	}
	v, err = mgmt.ListVirtualMFADevices(ctx, &iamsdk.ListVirtualMFADevicesInput{})
	must(t, "ListVirtualMFADevices", err)
	if len(v.VirtualMFADevices) != 0 {
		t.Errorf("hardware root MFA listed as virtual: %+v", v.VirtualMFADevices)
	}
	mfa, err := mgmt.ListMFADevices(ctx, &iamsdk.ListMFADevicesInput{})
	must(t, "ListMFADevices root", err)
	if len(mfa.MFADevices) != 1 || strings.HasPrefix(aws.ToString(mfa.MFADevices[0].SerialNumber), "arn:") {
		t.Errorf("root hardware MFA = %+v", mfa.MFADevices)
	}

	// Root's own keys: ListAccessKeys without a user name, last used.
	keys, err := member.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{})
	must(t, "ListAccessKeys root", err)
	if len(keys.AccessKeyMetadata) != 1 || !strings.HasPrefix(aws.ToString(keys.AccessKeyMetadata[0].AccessKeyId), "AKIA") ||
		len(aws.ToString(keys.AccessKeyMetadata[0].AccessKeyId)) != 20 {
		t.Fatalf("root keys = %+v", keys.AccessKeyMetadata)
	}
	lu, err := member.GetAccessKeyLastUsed(ctx, &iamsdk.GetAccessKeyLastUsedInput{AccessKeyId: keys.AccessKeyMetadata[0].AccessKeyId})
	must(t, "GetAccessKeyLastUsed", err)
	if aws.ToString(lu.AccessKeyLastUsed.ServiceName) != "s3" || !aws.ToTime(lu.AccessKeyLastUsed.LastUsedDate).Equal(ago(now, 2)) {
		t.Errorf("last used = %+v", lu.AccessKeyLastUsed)
	}
	// Deleting the root key clears AccountAccessKeysPresent.
	_, err = member.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{AccessKeyId: keys.AccessKeyMetadata[0].AccessKeyId})
	must(t, "DeleteAccessKey root", err)
	if m := summary(t, member); m["AccountAccessKeysPresent"] != 0 {
		t.Errorf("after delete: %v", m)
	}
	u, err := member.GetUser(ctx, &iamsdk.GetUserInput{})
	must(t, "GetUser root", err)
	if aws.ToString(u.User.Arn) != "arn:aws:iam::222222222222:root" || aws.ToString(u.User.UserId) != simtest.Member {
		t.Errorf("root user = %+v", u.User)
	}
}

func TestPasswordPolicy(t *testing.T) {
	c := client(t, nil, simtest.Member)
	_, err := c.GetAccountPasswordPolicy(ctx, &iamsdk.GetAccountPasswordPolicyInput{})
	wantCode(t, "get before set", err, "NoSuchEntity")
	var nse *types.NoSuchEntityException
	if !errors.As(err, &nse) {
		t.Errorf("want typed NoSuchEntityException, got %T", err)
	}
	_, err = c.UpdateAccountPasswordPolicy(ctx, &iamsdk.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(14),
		RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true,
		PasswordReusePrevention: aws.Int32(24), MaxPasswordAge: aws.Int32(90)})
	must(t, "update", err)
	out, err := c.GetAccountPasswordPolicy(ctx, &iamsdk.GetAccountPasswordPolicyInput{})
	must(t, "get", err)
	p := out.PasswordPolicy
	if aws.ToInt32(p.MinimumPasswordLength) != 14 || aws.ToInt32(p.PasswordReusePrevention) != 24 || !p.ExpirePasswords ||
		aws.ToInt32(p.MaxPasswordAge) != 90 || !p.RequireSymbols || p.AllowUsersToChangePassword {
		t.Errorf("policy = %+v", p)
	}
	_, err = c.UpdateAccountPasswordPolicy(ctx, &iamsdk.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(200)})
	wantCode(t, "too long", err, "ValidationError")
	// An update replaces the whole policy: what it leaves out is reset
	// to IAM's defaults (a minimum length of 6, no reuse prevention, no
	// expiry), not kept.
	_, err = c.UpdateAccountPasswordPolicy(ctx, &iamsdk.UpdateAccountPasswordPolicyInput{RequireNumbers: true})
	must(t, "update with defaults", err)
	out, err = c.GetAccountPasswordPolicy(ctx, &iamsdk.GetAccountPasswordPolicyInput{})
	must(t, "get", err)
	if p := out.PasswordPolicy; aws.ToInt32(p.MinimumPasswordLength) != 6 || !p.RequireNumbers || p.RequireSymbols || p.ExpirePasswords ||
		aws.ToInt32(p.MaxPasswordAge) != 0 || aws.ToInt32(p.PasswordReusePrevention) != 0 {
		t.Errorf("policy after a partial update = %+v", p)
	}
	must(t, "delete", func() error { _, err := c.DeleteAccountPasswordPolicy(ctx, nil); return err }())
	_, err = c.DeleteAccountPasswordPolicy(ctx, nil)
	wantCode(t, "delete twice", err, "NoSuchEntity")
}

func TestCredentialReport(t *testing.T) {
	w, now := fixedWorld()
	i := &w.Accounts[simtest.Member].IAM
	i.Root = world.RootUser{Created: ago(now, 1000), PasswordLastUsed: ago(now, 3),
		AccessKeys: []*world.AccessKey{{Created: ago(now, 300), LastUsed: ago(now, 1), LastUsedRegion: "us-east-1", LastUsedService: "s3"}}}
	i.PasswordPolicy = &world.PasswordPolicy{MinimumPasswordLength: 14, MaxPasswordAge: 90}
	i.Users = []*world.User{
		{Name: "zed", Created: ago(now, 50)},
		{Name: "alice", Created: ago(now, 400), PasswordLastUsed: ago(now, 5), LoginProfile: &world.LoginProfile{Created: ago(now, 400), Changed: ago(now, 30)},
			MFADevices: []*world.MFADevice{{Enabled: ago(now, 399)}},
			AccessKeys: []*world.AccessKey{{Created: ago(now, 200)}, {Created: ago(now, 10), Status: "Inactive", LastUsed: ago(now, 9), LastUsedRegion: "eu-west-1", LastUsedService: "ec2"}}},
	}
	c := client(t, w, simtest.Member)
	_, err := c.GetCredentialReport(ctx, nil)
	wantCode(t, "before generation", err, "ReportNotPresent")
	g, err := c.GenerateCredentialReport(ctx, nil)
	must(t, "generate", err)
	if g.State != types.ReportStateTypeStarted {
		t.Errorf("first state = %s", g.State)
	}
	g, err = c.GenerateCredentialReport(ctx, nil)
	must(t, "generate again", err)
	if g.State != types.ReportStateTypeComplete {
		t.Errorf("second state = %s", g.State)
	}
	rep, err := c.GetCredentialReport(ctx, nil)
	must(t, "get", err)
	if rep.ReportFormat != types.ReportFormatTypeTextCsv || !aws.ToTime(rep.GeneratedTime).Equal(now) {
		t.Errorf("format %s generated %v", rep.ReportFormat, rep.GeneratedTime)
	}
	rows, err := csv.NewReader(bytes.NewReader(rep.Content)).ReadAll()
	must(t, "csv", err)
	wantHeader := "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active," +
		"access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service," +
		"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service," +
		"cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
	if strings.Join(rows[0], ",") != wantHeader {
		t.Errorf("header = %s", strings.Join(rows[0], ","))
	}
	if len(rows) != 4 {
		t.Fatalf("rows = %d", len(rows))
	}
	f := func(d int) string { return ago(now, d).Format("2006-01-02T15:04:05+00:00") }
	wantRoot := []string{"<root_account>", "arn:aws:iam::222222222222:root", f(1000), "not_supported", f(3), "not_supported", "not_supported", "false",
		"true", f(300), f(1), "us-east-1", "s3", "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "false", "N/A"}
	if strings.Join(rows[1], ",") != strings.Join(wantRoot, ",") {
		t.Errorf("root row\n got %v\nwant %v", rows[1], wantRoot)
	}
	wantAlice := []string{"alice", "arn:aws:iam::222222222222:user/alice", f(400), "true", f(5), f(30), f(-60), "true",
		"true", f(200), "N/A", "N/A", "N/A", "false", f(10), f(9), "eu-west-1", "ec2", "false", "N/A", "false", "N/A"}
	if strings.Join(rows[2], ",") != strings.Join(wantAlice, ",") {
		t.Errorf("alice row\n got %v\nwant %v", rows[2], wantAlice)
	}
	if rows[3][0] != "zed" || rows[3][3] != "false" || rows[3][4] != "N/A" || rows[3][7] != "false" || rows[3][8] != "false" {
		t.Errorf("zed row = %v", rows[3])
	}
	// Reports expire after four hours.
	w.Now = func() time.Time { return now.Add(5 * time.Hour) }
	_, err = c.GetCredentialReport(ctx, nil)
	wantCode(t, "expired", err, "ReportExpired")
}

func TestUsersAndAccessKeys(t *testing.T) {
	w, _ := fixedWorld()
	s := simtest.Start(t, w)
	c := iamsdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	other := iamsdk.NewFromConfig(s.Config(t, simtest.Management, "us-east-1"))
	for _, n := range []string{"carol", "alice", "bob", "dave", "erin"} {
		_, err := c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String(n), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("x")}}})
		must(t, "CreateUser "+n, err)
	}
	_, err := c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("alice")})
	wantCode(t, "duplicate", err, "EntityAlreadyExists")
	_, err = c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("bad name!")})
	wantCode(t, "bad name", err, "ValidationError")
	_, err = c.CreateUser(ctx, &iamsdk.CreateUserInput{})
	if err == nil {
		t.Errorf("missing user name accepted")
	}
	var names []string
	pages := 0
	for p := iamsdk.NewListUsersPaginator(c, &iamsdk.ListUsersInput{MaxItems: aws.Int32(2)}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		must(t, "ListUsers", err)
		pages++
		for _, u := range out.Users {
			names = append(names, aws.ToString(u.UserName))
		}
	}
	if pages != 3 || strings.Join(names, ",") != "alice,bob,carol,dave,erin" {
		t.Errorf("pages %d users %v", pages, names)
	}
	_, err = c.ListUsers(ctx, &iamsdk.ListUsersInput{Marker: aws.String("garbage")})
	wantCode(t, "bad marker", err, "InvalidInput")
	if out, err := other.ListUsers(ctx, nil); err != nil || len(out.Users) != 0 {
		t.Errorf("account isolation: %v %v", out, err)
	}
	u, err := c.GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String("ALICE")})
	must(t, "GetUser", err)
	if aws.ToString(u.User.Arn) != "arn:aws:iam::222222222222:user/alice" || !strings.HasPrefix(aws.ToString(u.User.UserId), "AIDA") || len(u.User.Tags) != 1 {
		t.Errorf("user = %+v", u.User)
	}
	_, err = c.GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String("nobody")})
	wantCode(t, "GetUser missing", err, "NoSuchEntity")

	// Access keys: two at most, status, last used, delete.
	k1, err := c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("alice")})
	must(t, "CreateAccessKey", err)
	if aws.ToString(k1.AccessKey.SecretAccessKey) == "" || k1.AccessKey.Status != types.StatusTypeActive {
		t.Errorf("key = %+v", k1.AccessKey)
	}
	_, err = c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("alice")})
	must(t, "CreateAccessKey 2", err)
	_, err = c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("alice")})
	wantCode(t, "third key", err, "LimitExceeded")
	_, err = c.UpdateAccessKey(ctx, &iamsdk.UpdateAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: k1.AccessKey.AccessKeyId, Status: types.StatusTypeInactive})
	must(t, "UpdateAccessKey", err)
	_, err = c.UpdateAccessKey(ctx, &iamsdk.UpdateAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: aws.String("AKIANOPE"), Status: types.StatusTypeInactive})
	wantCode(t, "update missing key", err, "NoSuchEntity")
	keys, err := c.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{UserName: aws.String("alice")})
	must(t, "ListAccessKeys", err)
	if len(keys.AccessKeyMetadata) != 2 || keys.AccessKeyMetadata[0].Status != types.StatusTypeInactive || aws.ToString(keys.AccessKeyMetadata[0].UserName) != "alice" {
		t.Errorf("keys = %+v", keys.AccessKeyMetadata)
	}
	lu, err := c.GetAccessKeyLastUsed(ctx, &iamsdk.GetAccessKeyLastUsedInput{AccessKeyId: k1.AccessKey.AccessKeyId})
	must(t, "GetAccessKeyLastUsed", err)
	if aws.ToString(lu.UserName) != "alice" || aws.ToString(lu.AccessKeyLastUsed.ServiceName) != "N/A" || lu.AccessKeyLastUsed.LastUsedDate != nil {
		t.Errorf("last used = %+v", lu)
	}

	// Login profile.
	_, err = c.GetLoginProfile(ctx, &iamsdk.GetLoginProfileInput{UserName: aws.String("alice")})
	wantCode(t, "no login profile", err, "NoSuchEntity")
	_, err = c.CreateLoginProfile(ctx, &iamsdk.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Correct-Horse-9"), PasswordResetRequired: true})
	must(t, "CreateLoginProfile", err)
	_, err = c.CreateLoginProfile(ctx, &iamsdk.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Correct-Horse-9")})
	wantCode(t, "second login profile", err, "EntityAlreadyExists")
	lp, err := c.GetLoginProfile(ctx, &iamsdk.GetLoginProfileInput{UserName: aws.String("alice")})
	must(t, "GetLoginProfile", err)
	if !lp.LoginProfile.PasswordResetRequired || aws.ToString(lp.LoginProfile.UserName) != "alice" {
		t.Errorf("login profile = %+v", lp.LoginProfile)
	}
	_, err = c.CreateLoginProfile(ctx, &iamsdk.CreateLoginProfileInput{UserName: aws.String("bob"), Password: aws.String("short")})
	wantCode(t, "short password", err, "PasswordPolicyViolation")

	// Tags.
	_, err = c.TagUser(ctx, &iamsdk.TagUserInput{UserName: aws.String("alice"), Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("sec")}}})
	must(t, "TagUser", err)
	tags, err := c.ListUserTags(ctx, &iamsdk.ListUserTagsInput{UserName: aws.String("alice")})
	must(t, "ListUserTags", err)
	if len(tags.Tags) != 2 || aws.ToString(tags.Tags[0].Key) != "owner" {
		t.Errorf("tags = %+v", tags.Tags)
	}
	_, err = c.UntagUser(ctx, &iamsdk.UntagUserInput{UserName: aws.String("alice"), TagKeys: []string{"owner"}})
	must(t, "UntagUser", err)

	// DeleteUser refuses while credentials remain.
	_, err = c.DeleteUser(ctx, &iamsdk.DeleteUserInput{UserName: aws.String("alice")})
	wantCode(t, "delete with login profile", err, "DeleteConflict")
	must(t, "DeleteLoginProfile", func() error {
		_, err := c.DeleteLoginProfile(ctx, &iamsdk.DeleteLoginProfileInput{UserName: aws.String("alice")})
		return err
	}())
	_, err = c.DeleteLoginProfile(ctx, &iamsdk.DeleteLoginProfileInput{UserName: aws.String("alice")})
	wantCode(t, "delete login profile twice", err, "NoSuchEntity")
	_, err = c.DeleteUser(ctx, &iamsdk.DeleteUserInput{UserName: aws.String("alice")})
	wantCode(t, "delete with keys", err, "DeleteConflict")
	for _, k := range keys.AccessKeyMetadata {
		_, err := c.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: k.AccessKeyId})
		must(t, "DeleteAccessKey", err)
	}
	_, err = c.DeleteUser(ctx, &iamsdk.DeleteUserInput{UserName: aws.String("alice")})
	must(t, "DeleteUser", err)
	_, err = c.DeleteUser(ctx, &iamsdk.DeleteUserInput{UserName: aws.String("alice")})
	wantCode(t, "DeleteUser twice", err, "NoSuchEntity")
	if m := summary(t, c); m["Users"] != 4 {
		t.Errorf("Users = %d", m["Users"])
	}
}

func TestMFADevices(t *testing.T) {
	c := client(t, nil, simtest.Member)
	_, err := c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("mia")})
	must(t, "CreateUser", err)
	d, err := c.CreateVirtualMFADevice(ctx, &iamsdk.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("mia")})
	must(t, "CreateVirtualMFADevice", err)
	serial := aws.ToString(d.VirtualMFADevice.SerialNumber)
	if serial != "arn:aws:iam::222222222222:mfa/mia" || len(d.VirtualMFADevice.Base32StringSeed) == 0 {
		t.Errorf("device = %+v", d.VirtualMFADevice)
	}
	_, err = c.CreateVirtualMFADevice(ctx, &iamsdk.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("mia")})
	wantCode(t, "duplicate device", err, "EntityAlreadyExists")
	un, err := c.ListVirtualMFADevices(ctx, &iamsdk.ListVirtualMFADevicesInput{AssignmentStatus: types.AssignmentStatusTypeUnassigned})
	must(t, "list unassigned", err)
	if len(un.VirtualMFADevices) != 1 || un.VirtualMFADevices[0].User != nil {
		t.Errorf("unassigned = %+v", un.VirtualMFADevices)
	}
	_, err = c.EnableMFADevice(ctx, &iamsdk.EnableMFADeviceInput{UserName: aws.String("mia"), SerialNumber: d.VirtualMFADevice.SerialNumber,
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("abc")})
	wantCode(t, "bad code", err, "InvalidAuthenticationCode")
	_, err = c.EnableMFADevice(ctx, &iamsdk.EnableMFADeviceInput{UserName: aws.String("mia"), SerialNumber: d.VirtualMFADevice.SerialNumber,
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")})
	must(t, "EnableMFADevice", err)
	as, err := c.ListVirtualMFADevices(ctx, &iamsdk.ListVirtualMFADevicesInput{AssignmentStatus: types.AssignmentStatusTypeAssigned})
	must(t, "list assigned", err)
	if len(as.VirtualMFADevices) != 1 || aws.ToString(as.VirtualMFADevices[0].User.UserName) != "mia" || as.VirtualMFADevices[0].EnableDate == nil {
		t.Errorf("assigned = %+v", as.VirtualMFADevices)
	}
	l, err := c.ListMFADevices(ctx, &iamsdk.ListMFADevicesInput{UserName: aws.String("mia")})
	must(t, "ListMFADevices", err)
	if len(l.MFADevices) != 1 || aws.ToString(l.MFADevices[0].SerialNumber) != serial {
		t.Errorf("mfa = %+v", l.MFADevices)
	}
	_, err = c.DeleteVirtualMFADevice(ctx, &iamsdk.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	wantCode(t, "delete in use", err, "DeleteConflict")
	_, err = c.DeactivateMFADevice(ctx, &iamsdk.DeactivateMFADeviceInput{UserName: aws.String("mia"), SerialNumber: aws.String(serial)})
	must(t, "DeactivateMFADevice", err)
	_, err = c.DeleteVirtualMFADevice(ctx, &iamsdk.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	must(t, "DeleteVirtualMFADevice", err)
	_, err = c.DeleteVirtualMFADevice(ctx, &iamsdk.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	wantCode(t, "delete twice", err, "NoSuchEntity")
}

func decodeDoc(t *testing.T, s string) string {
	t.Helper()
	d, err := url.QueryUnescape(s)
	must(t, "unescape", err)
	return d
}

func TestManagedPolicies(t *testing.T) {
	w, now := fixedWorld()
	i := &w.Accounts[simtest.Member].IAM
	i.Users = []*world.User{{Name: "ops", Created: ago(now, 10), AttachedPolicies: []string{"arn:aws:iam::aws:policy/AWSSupportAccess"}}}
	i.Groups = []*world.Group{{Name: "support", Users: []string{"ops"}, AttachedPolicies: []string{"arn:aws:iam::aws:policy/AWSSupportAccess"}}}
	i.Roles = []*world.Role{{Name: "SupportRole", AssumeRolePolicy: trustEC2, AttachedPolicies: []string{"arn:aws:iam::aws:policy/AWSSupportAccess"}}}
	c := client(t, w, simtest.Member)

	awsOnly, err := c.ListPolicies(ctx, &iamsdk.ListPoliciesInput{Scope: types.PolicyScopeTypeAws})
	must(t, "ListPolicies AWS", err)
	found := map[string]types.Policy{}
	for _, p := range awsOnly.Policies {
		found[aws.ToString(p.PolicyName)] = p
	}
	for _, n := range []string{"AdministratorAccess", "ReadOnlyAccess", "SecurityAudit", "AWSSupportAccess", "AWSCloudShellFullAccess", "ViewOnlyAccess"} {
		if _, ok := found[n]; !ok {
			t.Errorf("AWS managed %s missing", n)
		}
	}
	if aws.ToString(found["ViewOnlyAccess"].Arn) != "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess" || aws.ToInt32(found["AWSSupportAccess"].AttachmentCount) != 3 {
		t.Errorf("ViewOnly %+v support %+v", found["ViewOnlyAccess"], found["AWSSupportAccess"])
	}
	attached, err := c.ListPolicies(ctx, &iamsdk.ListPoliciesInput{OnlyAttached: true})
	must(t, "OnlyAttached", err)
	if len(attached.Policies) != 1 {
		t.Errorf("only attached = %d", len(attached.Policies))
	}
	var all int
	for p := iamsdk.NewListPoliciesPaginator(c, &iamsdk.ListPoliciesInput{MaxItems: aws.Int32(5)}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		must(t, "ListPolicies page", err)
		all += len(out.Policies)
	}
	if all != len(awsOnly.Policies) {
		t.Errorf("paged %d, want %d", all, len(awsOnly.Policies))
	}

	ents, err := c.ListEntitiesForPolicy(ctx, &iamsdk.ListEntitiesForPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSSupportAccess")})
	must(t, "ListEntitiesForPolicy", err)
	if len(ents.PolicyUsers) != 1 || len(ents.PolicyGroups) != 1 || len(ents.PolicyRoles) != 1 || aws.ToString(ents.PolicyRoles[0].RoleName) != "SupportRole" {
		t.Errorf("entities = %+v", ents)
	}
	ents, err = c.ListEntitiesForPolicy(ctx, &iamsdk.ListEntitiesForPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSSupportAccess"), EntityFilter: types.EntityTypeRole})
	must(t, "ListEntitiesForPolicy Role", err)
	if len(ents.PolicyUsers) != 0 || len(ents.PolicyRoles) != 1 {
		t.Errorf("role filter = %+v", ents)
	}
	_, err = c.ListEntitiesForPolicy(ctx, &iamsdk.ListEntitiesForPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/Nope")})
	wantCode(t, "entities of missing policy", err, "NoSuchEntity")

	// Customer managed: create, version, attach, delete.
	cp, err := c.CreatePolicy(ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("FullAdmin"), PolicyDocument: aws.String(allowAll), Description: aws.String("bad idea")})
	must(t, "CreatePolicy", err)
	arn := cp.Policy.Arn
	if aws.ToString(arn) != "arn:aws:iam::222222222222:policy/FullAdmin" || aws.ToString(cp.Policy.DefaultVersionId) != "v1" {
		t.Errorf("policy = %+v", cp.Policy)
	}
	_, err = c.CreatePolicy(ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("FullAdmin"), PolicyDocument: aws.String(allowAll)})
	wantCode(t, "duplicate policy", err, "EntityAlreadyExists")
	_, err = c.CreatePolicy(ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("Broken"), PolicyDocument: aws.String("{not json")})
	wantCode(t, "malformed", err, "MalformedPolicyDocument")
	pv, err := c.GetPolicyVersion(ctx, &iamsdk.GetPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v1")})
	must(t, "GetPolicyVersion", err)
	if decodeDoc(t, aws.ToString(pv.PolicyVersion.Document)) != allowAll || !pv.PolicyVersion.IsDefaultVersion || strings.Contains(aws.ToString(pv.PolicyVersion.Document), "{") {
		t.Errorf("version = %+v", pv.PolicyVersion)
	}
	_, err = c.GetPolicyVersion(ctx, &iamsdk.GetPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v9")})
	wantCode(t, "missing version", err, "NoSuchEntity")
	narrow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	nv, err := c.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(narrow), SetAsDefault: true})
	must(t, "CreatePolicyVersion", err)
	if aws.ToString(nv.PolicyVersion.VersionId) != "v2" || !nv.PolicyVersion.IsDefaultVersion {
		t.Errorf("new version = %+v", nv.PolicyVersion)
	}
	gp, err := c.GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: arn})
	must(t, "GetPolicy", err)
	if aws.ToString(gp.Policy.DefaultVersionId) != "v2" || aws.ToString(gp.Policy.Description) != "bad idea" {
		t.Errorf("policy = %+v", gp.Policy)
	}
	vs, err := c.ListPolicyVersions(ctx, &iamsdk.ListPolicyVersionsInput{PolicyArn: arn})
	must(t, "ListPolicyVersions", err)
	if len(vs.Versions) != 2 {
		t.Errorf("versions = %+v", vs.Versions)
	}
	_, err = c.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess"), PolicyDocument: aws.String(narrow)})
	wantCode(t, "version of AWS policy", err, "AccessDenied")

	_, err = c.AttachUserPolicy(ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("ops"), PolicyArn: arn})
	must(t, "AttachUserPolicy", err)
	_, err = c.AttachUserPolicy(ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("ops"), PolicyArn: aws.String("arn:aws:iam::222222222222:policy/Nope")})
	wantCode(t, "attach missing", err, "NoSuchEntity")
	au, err := c.ListAttachedUserPolicies(ctx, &iamsdk.ListAttachedUserPoliciesInput{UserName: aws.String("ops")})
	must(t, "ListAttachedUserPolicies", err)
	if len(au.AttachedPolicies) != 2 || aws.ToString(au.AttachedPolicies[1].PolicyName) != "FullAdmin" {
		t.Errorf("attached = %+v", au.AttachedPolicies)
	}
	_, err = c.DeletePolicy(ctx, &iamsdk.DeletePolicyInput{PolicyArn: arn})
	wantCode(t, "delete attached", err, "DeleteConflict")
	_, err = c.DetachUserPolicy(ctx, &iamsdk.DetachUserPolicyInput{UserName: aws.String("ops"), PolicyArn: arn})
	must(t, "DetachUserPolicy", err)
	_, err = c.DetachUserPolicy(ctx, &iamsdk.DetachUserPolicyInput{UserName: aws.String("ops"), PolicyArn: arn})
	wantCode(t, "detach twice", err, "NoSuchEntity")
	_, err = c.DeletePolicy(ctx, &iamsdk.DeletePolicyInput{PolicyArn: arn})
	wantCode(t, "delete with versions", err, "DeleteConflict")
	_, err = c.DeletePolicyVersion(ctx, &iamsdk.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v2")})
	wantCode(t, "delete default version", err, "DeleteConflict")
	_, err = c.SetDefaultPolicyVersion(ctx, &iamsdk.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v1")})
	must(t, "SetDefaultPolicyVersion", err)
	_, err = c.DeletePolicyVersion(ctx, &iamsdk.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v2")})
	must(t, "DeletePolicyVersion", err)
	_, err = c.DeletePolicy(ctx, &iamsdk.DeletePolicyInput{PolicyArn: arn})
	must(t, "DeletePolicy", err)
	_, err = c.GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: arn})
	wantCode(t, "GetPolicy deleted", err, "NoSuchEntity")
}

func TestGroupsAndInlinePolicies(t *testing.T) {
	c := client(t, nil, simtest.Member)
	_, err := c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("gus")})
	must(t, "CreateUser", err)
	_, err = c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("admins")})
	must(t, "CreateGroup", err)
	_, err = c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("admins")})
	wantCode(t, "duplicate group", err, "EntityAlreadyExists")
	_, err = c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("admins"), UserName: aws.String("gus")})
	must(t, "AddUserToGroup", err)
	_, err = c.AttachGroupPolicy(ctx, &iamsdk.AttachGroupPolicyInput{GroupName: aws.String("admins"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
	must(t, "AttachGroupPolicy", err)
	_, err = c.PutGroupPolicy(ctx, &iamsdk.PutGroupPolicyInput{GroupName: aws.String("admins"), PolicyName: aws.String("extra"), PolicyDocument: aws.String(allowAll)})
	must(t, "PutGroupPolicy", err)
	gs, err := c.ListGroupsForUser(ctx, &iamsdk.ListGroupsForUserInput{UserName: aws.String("gus")})
	must(t, "ListGroupsForUser", err)
	if len(gs.Groups) != 1 || aws.ToString(gs.Groups[0].Arn) != "arn:aws:iam::222222222222:group/admins" {
		t.Errorf("groups = %+v", gs.Groups)
	}
	lg, err := c.ListGroups(ctx, nil)
	must(t, "ListGroups", err)
	if len(lg.Groups) != 1 {
		t.Errorf("ListGroups = %+v", lg.Groups)
	}
	ga, err := c.ListAttachedGroupPolicies(ctx, &iamsdk.ListAttachedGroupPoliciesInput{GroupName: aws.String("admins")})
	must(t, "ListAttachedGroupPolicies", err)
	gi, err := c.ListGroupPolicies(ctx, &iamsdk.ListGroupPoliciesInput{GroupName: aws.String("admins")})
	must(t, "ListGroupPolicies", err)
	if len(ga.AttachedPolicies) != 1 || len(gi.PolicyNames) != 1 {
		t.Errorf("group policies %+v %+v", ga.AttachedPolicies, gi.PolicyNames)
	}
	g, err := c.GetGroup(ctx, &iamsdk.GetGroupInput{GroupName: aws.String("admins")})
	must(t, "GetGroup", err)
	if len(g.Users) != 1 {
		t.Errorf("members = %+v", g.Users)
	}
	_, err = c.ListGroupPolicies(ctx, &iamsdk.ListGroupPoliciesInput{GroupName: aws.String("nope")})
	wantCode(t, "missing group", err, "NoSuchEntity")

	// User inline policies.
	_, err = c.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("gus"), PolicyName: aws.String("inline"), PolicyDocument: aws.String(allowAll)})
	must(t, "PutUserPolicy", err)
	_, err = c.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("gus"), PolicyName: aws.String("bad"), PolicyDocument: aws.String("nope")})
	wantCode(t, "malformed inline", err, "MalformedPolicyDocument")
	up, err := c.GetUserPolicy(ctx, &iamsdk.GetUserPolicyInput{UserName: aws.String("gus"), PolicyName: aws.String("inline")})
	must(t, "GetUserPolicy", err)
	if decodeDoc(t, aws.ToString(up.PolicyDocument)) != allowAll || aws.ToString(up.UserName) != "gus" {
		t.Errorf("inline = %+v", up)
	}
	ul, err := c.ListUserPolicies(ctx, &iamsdk.ListUserPoliciesInput{UserName: aws.String("gus")})
	must(t, "ListUserPolicies", err)
	if len(ul.PolicyNames) != 1 || ul.PolicyNames[0] != "inline" {
		t.Errorf("names = %v", ul.PolicyNames)
	}
	_, err = c.DeleteUserPolicy(ctx, &iamsdk.DeleteUserPolicyInput{UserName: aws.String("gus"), PolicyName: aws.String("inline")})
	must(t, "DeleteUserPolicy", err)
	_, err = c.GetUserPolicy(ctx, &iamsdk.GetUserPolicyInput{UserName: aws.String("gus"), PolicyName: aws.String("inline")})
	wantCode(t, "deleted inline", err, "NoSuchEntity")

	_, err = c.DeleteGroup(ctx, &iamsdk.DeleteGroupInput{GroupName: aws.String("admins")})
	wantCode(t, "delete group with members", err, "DeleteConflict")
	_, err = c.RemoveUserFromGroup(ctx, &iamsdk.RemoveUserFromGroupInput{GroupName: aws.String("admins"), UserName: aws.String("gus")})
	must(t, "RemoveUserFromGroup", err)
	_, err = c.DeleteGroupPolicy(ctx, &iamsdk.DeleteGroupPolicyInput{GroupName: aws.String("admins"), PolicyName: aws.String("extra")})
	must(t, "DeleteGroupPolicy", err)
	_, err = c.DetachGroupPolicy(ctx, &iamsdk.DetachGroupPolicyInput{GroupName: aws.String("admins"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
	must(t, "DetachGroupPolicy", err)
	_, err = c.DeleteGroup(ctx, &iamsdk.DeleteGroupInput{GroupName: aws.String("admins")})
	must(t, "DeleteGroup", err)
}

func TestRoles(t *testing.T) {
	w, now := fixedWorld()
	// A role as the demo loader or another test seeds it: no ID, no tags.
	w.Accounts[simtest.Member].IAM.Roles = []*world.Role{
		{Name: "OrganizationAccountAccessRole", Path: "/", AssumeRolePolicy: trustEC2, Created: ago(now, 100)},
		{Name: "AWSServiceRoleForSupport", Path: "/aws-service-role/support.amazonaws.com/", AssumeRolePolicy: trustEC2, LastUsed: ago(now, 1)},
	}
	c := client(t, w, simtest.Member)
	cr, err := c.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(trustEC2),
		Path: aws.String("/svc/"), Description: aws.String("the app"), MaxSessionDuration: aws.Int32(7200), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	must(t, "CreateRole", err)
	if aws.ToString(cr.Role.Arn) != "arn:aws:iam::222222222222:role/svc/app" || !strings.HasPrefix(aws.ToString(cr.Role.RoleId), "AROA") {
		t.Errorf("role = %+v", cr.Role)
	}
	_, err = c.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(trustEC2)})
	wantCode(t, "duplicate role", err, "EntityAlreadyExists")
	_, err = c.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("x"), AssumeRolePolicyDocument: aws.String(trustEC2), MaxSessionDuration: aws.Int32(60)})
	wantCode(t, "short session", err, "ValidationError")

	var names []string
	for p := iamsdk.NewListRolesPaginator(c, &iamsdk.ListRolesInput{MaxItems: aws.Int32(1)}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		must(t, "ListRoles", err)
		for _, r := range out.Roles {
			names = append(names, aws.ToString(r.RoleName))
		}
	}
	if strings.Join(names, ",") != "app,AWSServiceRoleForSupport,OrganizationAccountAccessRole" {
		t.Errorf("roles = %v", names)
	}
	gr, err := c.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("OrganizationAccountAccessRole")})
	must(t, "GetRole", err)
	if decodeDoc(t, aws.ToString(gr.Role.AssumeRolePolicyDocument)) != trustEC2 || aws.ToInt32(gr.Role.MaxSessionDuration) != 3600 || gr.Role.RoleLastUsed == nil {
		t.Errorf("role = %+v", gr.Role)
	}
	gr, err = c.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("app")})
	must(t, "GetRole app", err)
	if len(gr.Role.Tags) != 1 || aws.ToInt32(gr.Role.MaxSessionDuration) != 7200 || aws.ToString(gr.Role.Description) != "the app" {
		t.Errorf("app = %+v", gr.Role)
	}
	_, err = c.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("nope")})
	wantCode(t, "GetRole missing", err, "NoSuchEntity")

	newTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`
	_, err = c.UpdateAssumeRolePolicy(ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("app"), PolicyDocument: aws.String(newTrust)})
	must(t, "UpdateAssumeRolePolicy", err)
	_, err = c.UpdateAssumeRolePolicy(ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("AWSServiceRoleForSupport"), PolicyDocument: aws.String(newTrust)})
	wantCode(t, "service-linked role", err, "UnmodifiableEntity")

	_, err = c.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
	must(t, "AttachRolePolicy", err)
	ar, err := c.ListAttachedRolePolicies(ctx, &iamsdk.ListAttachedRolePoliciesInput{RoleName: aws.String("app")})
	must(t, "ListAttachedRolePolicies", err)
	if len(ar.AttachedPolicies) != 1 {
		t.Errorf("attached = %+v", ar.AttachedPolicies)
	}
	_, err = c.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAll)})
	must(t, "PutRolePolicy", err)
	rp, err := c.GetRolePolicy(ctx, &iamsdk.GetRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("p")})
	must(t, "GetRolePolicy", err)
	rl, err := c.ListRolePolicies(ctx, &iamsdk.ListRolePoliciesInput{RoleName: aws.String("app")})
	must(t, "ListRolePolicies", err)
	if decodeDoc(t, aws.ToString(rp.PolicyDocument)) != allowAll || len(rl.PolicyNames) != 1 {
		t.Errorf("role inline %+v %+v", rp, rl.PolicyNames)
	}
	_, err = c.TagRole(ctx, &iamsdk.TagRoleInput{RoleName: aws.String("app"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	must(t, "TagRole", err)
	rt, err := c.ListRoleTags(ctx, &iamsdk.ListRoleTagsInput{RoleName: aws.String("app"), MaxItems: aws.Int32(1)})
	must(t, "ListRoleTags", err)
	if len(rt.Tags) != 1 || !rt.IsTruncated || aws.ToString(rt.Marker) == "" {
		t.Errorf("role tags = %+v", rt)
	}
	_, err = c.DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("app")})
	wantCode(t, "delete with policies", err, "DeleteConflict")
	_, err = c.DeleteRolePolicy(ctx, &iamsdk.DeleteRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("p")})
	must(t, "DeleteRolePolicy", err)
	_, err = c.DetachRolePolicy(ctx, &iamsdk.DetachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
	must(t, "DetachRolePolicy", err)
	_, err = c.DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("app")})
	must(t, "DeleteRole", err)
	_, err = c.DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("AWSServiceRoleForSupport")})
	wantCode(t, "delete service-linked", err, "UnmodifiableEntity")
}

func TestAccountLists(t *testing.T) {
	w, now := fixedWorld()
	i := &w.Accounts[simtest.Member].IAM
	i.SAMLProviders = []*world.SAMLProvider{{Name: "Okta", Created: ago(now, 10), ValidUntil: ago(now, -300)}}
	i.OIDCProviders = []*world.OIDCProvider{{URL: "token.actions.githubusercontent.com"}}
	i.ServerCertificates = []*world.ServerCertificate{{Name: "legacy", Uploaded: ago(now, 900), Expires: ago(now, 100)},
		{Name: "current", Path: "/cloudfront/", Uploaded: ago(now, 100), ValidDays: 365}}
	i.Users = []*world.User{{Name: "u", InlinePolicies: map[string]string{"x": allowAll}, AttachedPolicies: []string{"arn:aws:iam::aws:policy/SecurityAudit"}}}
	c := client(t, w, simtest.Member)

	a, err := c.ListAccountAliases(ctx, nil)
	must(t, "ListAccountAliases", err)
	if len(a.AccountAliases) != 0 {
		t.Errorf("aliases = %v", a.AccountAliases)
	}
	_, err = c.CreateAccountAlias(ctx, &iamsdk.CreateAccountAliasInput{AccountAlias: aws.String("Bad_Alias")})
	wantCode(t, "bad alias", err, "ValidationError")
	_, err = c.CreateAccountAlias(ctx, &iamsdk.CreateAccountAliasInput{AccountAlias: aws.String("payments-prod")})
	must(t, "CreateAccountAlias", err)
	a, err = c.ListAccountAliases(ctx, nil)
	must(t, "ListAccountAliases", err)
	if len(a.AccountAliases) != 1 || a.AccountAliases[0] != "payments-prod" {
		t.Errorf("aliases = %v", a.AccountAliases)
	}
	_, err = c.DeleteAccountAlias(ctx, &iamsdk.DeleteAccountAliasInput{AccountAlias: aws.String("payments-prod")})
	must(t, "DeleteAccountAlias", err)

	saml, err := c.ListSAMLProviders(ctx, nil)
	must(t, "ListSAMLProviders", err)
	oidc, err := c.ListOpenIDConnectProviders(ctx, nil)
	must(t, "ListOpenIDConnectProviders", err)
	certs, err := c.ListServerCertificates(ctx, nil)
	must(t, "ListServerCertificates", err)
	if len(saml.SAMLProviderList) != 1 || aws.ToString(saml.SAMLProviderList[0].Arn) != "arn:aws:iam::222222222222:saml-provider/Okta" ||
		len(oidc.OpenIDConnectProviderList) != 1 || len(certs.ServerCertificateMetadataList) != 2 ||
		!aws.ToTime(certs.ServerCertificateMetadataList[0].Expiration).Equal(ago(now, 100)) ||
		!aws.ToTime(certs.ServerCertificateMetadataList[1].Expiration).Equal(ago(now, -265)) ||
		aws.ToString(certs.ServerCertificateMetadataList[1].Arn) != "arn:aws:iam::222222222222:server-certificate/cloudfront/current" {
		t.Errorf("saml %+v oidc %+v certs %+v", saml.SAMLProviderList, oidc.OpenIDConnectProviderList, certs.ServerCertificateMetadataList)
	}
	empty := client(t, nil, simtest.Management)
	if s, err := empty.ListSAMLProviders(ctx, nil); err != nil || len(s.SAMLProviderList) != 0 {
		t.Errorf("empty saml: %v %v", s, err)
	}

	d, err := c.GetAccountAuthorizationDetails(ctx, &iamsdk.GetAccountAuthorizationDetailsInput{})
	must(t, "GetAccountAuthorizationDetails", err)
	if len(d.UserDetailList) != 1 || len(d.UserDetailList[0].UserPolicyList) != 1 || len(d.Policies) != 1 ||
		decodeDoc(t, aws.ToString(d.UserDetailList[0].UserPolicyList[0].PolicyDocument)) != allowAll {
		t.Errorf("details = %+v", d)
	}
}
