package kms_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	kmssdk "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

var created = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func seed() *world.World {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	r.KMS = world.KMS{
		Keys: []*world.KMSKey{
			{ID: "11111111-1111-1111-1111-111111111111", Description: "app key", Created: created, Rotation: true, Tags: []world.KMSTag{{Key: "owner", Value: "app"}}},
			{ID: "22222222-2222-2222-2222-222222222222", Manager: "AWS", Created: created, Description: "Default key that protects my S3 objects when no other key is defined"},
			{ID: "33333333-3333-3333-3333-333333333333", Spec: "RSA_2048", Usage: "SIGN_VERIFY", Created: created},
		},
		Aliases: []*world.KMSAlias{
			{Name: "alias/app", TargetKeyID: "11111111-1111-1111-1111-111111111111", Created: created},
			{Name: "alias/aws/s3", TargetKeyID: "22222222-2222-2222-2222-222222222222", Created: created},
		},
	}
	return w
}

func client(t *testing.T, s *simtest.Sim, account, reg string) *kmssdk.Client {
	return kmssdk.NewFromConfig(s.Config(t, account, reg))
}

func TestDescribeKeyAllReferences(t *testing.T) {
	s := simtest.Start(t, seed())
	c := client(t, s, simtest.Member, region)
	ctx := context.Background()
	arn := "arn:aws:kms:eu-west-1:222222222222:key/11111111-1111-1111-1111-111111111111"
	for _, ref := range []string{"11111111-1111-1111-1111-111111111111", arn, "alias/app", "arn:aws:kms:eu-west-1:222222222222:alias/app"} {
		out, err := c.DescribeKey(ctx, &kmssdk.DescribeKeyInput{KeyId: aws.String(ref)})
		if err != nil {
			t.Fatalf("DescribeKey(%s): %v", ref, err)
		}
		m := out.KeyMetadata
		if aws.ToString(m.Arn) != arn || m.KeyManager != types.KeyManagerTypeCustomer || m.KeyState != types.KeyStateEnabled ||
			!m.Enabled || m.KeySpec != types.KeySpecSymmetricDefault || m.KeyUsage != types.KeyUsageTypeEncryptDecrypt ||
			m.Origin != types.OriginTypeAwsKms || !aws.ToTime(m.CreationDate).Equal(created) || aws.ToString(m.AWSAccountId) != simtest.Member {
			t.Errorf("DescribeKey(%s) = %+v", ref, m)
		}
	}
	out, err := c.DescribeKey(ctx, &kmssdk.DescribeKeyInput{KeyId: aws.String("alias/aws/s3")})
	if err != nil || out.KeyMetadata.KeyManager != types.KeyManagerTypeAws {
		t.Errorf("aws managed: %+v %v", out, err)
	}
	for _, ref := range []string{"99999999-1111-1111-1111-111111111111", "alias/nope", "arn:aws:kms:us-east-1:222222222222:key/11111111-1111-1111-1111-111111111111"} {
		_, err := c.DescribeKey(ctx, &kmssdk.DescribeKeyInput{KeyId: aws.String(ref)})
		var nf *types.NotFoundException
		if !errors.As(err, &nf) {
			t.Errorf("DescribeKey(%s) err = %v, want NotFoundException", ref, err)
		}
	}
	_, err = c.DescribeKey(ctx, &kmssdk.DescribeKeyInput{KeyId: aws.String("arn:aws:s3:::bucket")})
	if code(err) != "InvalidArnException" {
		t.Errorf("bad arn: %v", err)
	}
}

func TestRotation(t *testing.T) {
	s := simtest.Start(t, seed())
	c := client(t, s, simtest.Member, region)
	ctx := context.Background()
	rot := func(id string) (bool, error) {
		out, err := c.GetKeyRotationStatus(ctx, &kmssdk.GetKeyRotationStatusInput{KeyId: aws.String(id)})
		if err != nil {
			return false, err
		}
		return out.KeyRotationEnabled, nil
	}
	if on, err := rot("alias/app"); err != nil || !on {
		t.Fatalf("rotation = %v %v", on, err)
	}
	if _, err := c.DisableKeyRotation(ctx, &kmssdk.DisableKeyRotationInput{KeyId: aws.String("alias/app")}); err != nil {
		t.Fatal(err)
	}
	if on, _ := rot("alias/app"); on {
		t.Error("rotation still on after DisableKeyRotation")
	}
	if _, err := c.EnableKeyRotation(ctx, &kmssdk.EnableKeyRotationInput{KeyId: aws.String("alias/app"), RotationPeriodInDays: aws.Int32(180)}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetKeyRotationStatus(ctx, &kmssdk.GetKeyRotationStatusInput{KeyId: aws.String("alias/app")})
	if err != nil || !out.KeyRotationEnabled || aws.ToInt32(out.RotationPeriodInDays) != 180 {
		t.Errorf("after enable: %+v %v", out, err)
	}
	if on, err := rot("alias/aws/s3"); err != nil || !on {
		t.Errorf("aws managed rotation = %v %v", on, err)
	}
	_, err = rot("33333333-3333-3333-3333-333333333333")
	var uo *types.UnsupportedOperationException
	if !errors.As(err, &uo) {
		t.Errorf("asymmetric rotation err = %v", err)
	}
	_, err = c.EnableKeyRotation(ctx, &kmssdk.EnableKeyRotationInput{KeyId: aws.String("alias/app"), RotationPeriodInDays: aws.Int32(10)})
	if code(err) != "ValidationException" {
		t.Errorf("bad period: %v", err)
	}
}

func TestCreateKeyAliasPolicyLifecycle(t *testing.T) {
	s := simtest.Start(t, seed())
	c := client(t, s, simtest.Member, region)
	ctx := context.Background()
	ck, err := c.CreateKey(ctx, &kmssdk.CreateKeyInput{Description: aws.String("new"), Tags: []types.Tag{{TagKey: aws.String("env"), TagValue: aws.String("dev")}}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(ck.KeyMetadata.KeyId)
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(id) {
		t.Errorf("key id %q", id)
	}
	if ck.KeyMetadata.KeyState != types.KeyStateEnabled || ck.KeyMetadata.KeyManager != types.KeyManagerTypeCustomer {
		t.Errorf("created %+v", ck.KeyMetadata)
	}
	if on, err := c.GetKeyRotationStatus(ctx, &kmssdk.GetKeyRotationStatusInput{KeyId: aws.String(id)}); err != nil || on.KeyRotationEnabled {
		t.Errorf("new key rotation = %+v %v", on, err)
	}
	// Alias.
	if _, err := c.CreateAlias(ctx, &kmssdk.CreateAliasInput{AliasName: aws.String("alias/new"), TargetKeyId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateAlias(ctx, &kmssdk.CreateAliasInput{AliasName: aws.String("alias/new"), TargetKeyId: aws.String(id)})
	var ae *types.AlreadyExistsException
	if !errors.As(err, &ae) {
		t.Errorf("duplicate alias: %v", err)
	}
	_, err = c.CreateAlias(ctx, &kmssdk.CreateAliasInput{AliasName: aws.String("alias/x"), TargetKeyId: aws.String("99999999-0000-0000-0000-000000000000")})
	if code(err) != "NotFoundException" {
		t.Errorf("alias to missing key: %v", err)
	}
	_, err = c.CreateAlias(ctx, &kmssdk.CreateAliasInput{AliasName: aws.String("bad"), TargetKeyId: aws.String(id)})
	if code(err) != "ValidationException" {
		t.Errorf("bad alias name: %v", err)
	}
	if d, err := c.DescribeKey(ctx, &kmssdk.DescribeKeyInput{KeyId: aws.String("alias/new")}); err != nil || aws.ToString(d.KeyMetadata.KeyId) != id {
		t.Errorf("describe via new alias: %v", err)
	}
	la, err := c.ListAliases(ctx, &kmssdk.ListAliasesInput{KeyId: aws.String(id)})
	if err != nil || len(la.Aliases) != 1 || aws.ToString(la.Aliases[0].AliasArn) != "arn:aws:kms:eu-west-1:222222222222:alias/new" {
		t.Errorf("ListAliases(KeyId) = %+v %v", la, err)
	}
	// Policy.
	gp, err := c.GetKeyPolicy(ctx, &kmssdk.GetKeyPolicyInput{KeyId: aws.String(id), PolicyName: aws.String("default")})
	if err != nil || !strings.Contains(aws.ToString(gp.Policy), `"AWS" : "arn:aws:iam::222222222222:root"`) || aws.ToString(gp.PolicyName) != "default" {
		t.Errorf("default policy = %+v %v", gp, err)
	}
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*"}]}`
	if _, err := c.PutKeyPolicy(ctx, &kmssdk.PutKeyPolicyInput{KeyId: aws.String(id), PolicyName: aws.String("default"), Policy: aws.String(pol)}); err != nil {
		t.Fatal(err)
	}
	if gp, _ := c.GetKeyPolicy(ctx, &kmssdk.GetKeyPolicyInput{KeyId: aws.String(id)}); aws.ToString(gp.Policy) != pol {
		t.Errorf("policy after put = %s", aws.ToString(gp.Policy))
	}
	_, err = c.PutKeyPolicy(ctx, &kmssdk.PutKeyPolicyInput{KeyId: aws.String(id), Policy: aws.String("not json")})
	var mp *types.MalformedPolicyDocumentException
	if !errors.As(err, &mp) {
		t.Errorf("malformed policy: %v", err)
	}
	if gp, err := c.GetKeyPolicy(ctx, &kmssdk.GetKeyPolicyInput{KeyId: aws.String("alias/aws/s3")}); err != nil || !strings.Contains(aws.ToString(gp.Policy), "s3.eu-west-1.amazonaws.com") {
		t.Errorf("aws managed policy: %v", err)
	}
	// Tags.
	tg, err := c.ListResourceTags(ctx, &kmssdk.ListResourceTagsInput{KeyId: aws.String(id)})
	if err != nil || len(tg.Tags) != 1 || aws.ToString(tg.Tags[0].TagKey) != "env" || tg.Truncated {
		t.Errorf("tags = %+v %v", tg, err)
	}
	// Disable / enable.
	if _, err := c.DisableKey(ctx, &kmssdk.DisableKeyInput{KeyId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	if d, _ := c.DescribeKey(ctx, &kmssdk.DescribeKeyInput{KeyId: aws.String(id)}); d.KeyMetadata.KeyState != types.KeyStateDisabled || d.KeyMetadata.Enabled {
		t.Errorf("after disable: %+v", d.KeyMetadata)
	}
	if _, err := c.EnableKey(ctx, &kmssdk.EnableKeyInput{KeyId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	// Deletion.
	for _, days := range []int32{6, 31} {
		_, err = c.ScheduleKeyDeletion(ctx, &kmssdk.ScheduleKeyDeletionInput{KeyId: aws.String(id), PendingWindowInDays: aws.Int32(days)})
		if code(err) != "ValidationException" {
			t.Errorf("window %d: %v", days, err)
		}
	}
	sd, err := c.ScheduleKeyDeletion(ctx, &kmssdk.ScheduleKeyDeletionInput{KeyId: aws.String(id), PendingWindowInDays: aws.Int32(7)})
	if err != nil || sd.KeyState != types.KeyStatePendingDeletion || aws.ToInt32(sd.PendingWindowInDays) != 7 || sd.DeletionDate == nil {
		t.Fatalf("schedule = %+v %v", sd, err)
	}
	d, _ := c.DescribeKey(ctx, &kmssdk.DescribeKeyInput{KeyId: aws.String(id)})
	// The window is not in the metadata of a single-Region key (only of a
	// multi-Region primary in PendingReplicaDeletion): the date is.
	if d.KeyMetadata.KeyState != types.KeyStatePendingDeletion || !aws.ToTime(d.KeyMetadata.DeletionDate).Equal(aws.ToTime(sd.DeletionDate)) ||
		d.KeyMetadata.PendingDeletionWindowInDays != nil {
		t.Errorf("pending: %+v", d.KeyMetadata)
	}
	_, err = c.DisableKey(ctx, &kmssdk.DisableKeyInput{KeyId: aws.String(id)})
	var is *types.KMSInvalidStateException
	if !errors.As(err, &is) {
		t.Errorf("disable pending key: %v", err)
	}
	if _, err := c.CancelKeyDeletion(ctx, &kmssdk.CancelKeyDeletionInput{KeyId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	if d, _ := c.DescribeKey(ctx, &kmssdk.DescribeKeyInput{KeyId: aws.String(id)}); d.KeyMetadata.KeyState != types.KeyStateDisabled {
		t.Errorf("after cancel: %s", d.KeyMetadata.KeyState)
	}
	if _, err := c.CancelKeyDeletion(ctx, &kmssdk.CancelKeyDeletionInput{KeyId: aws.String(id)}); !errors.As(err, &is) {
		t.Errorf("cancel twice: %v", err)
	}
	// AWS managed keys cannot be changed.
	if _, err := c.ScheduleKeyDeletion(ctx, &kmssdk.ScheduleKeyDeletionInput{KeyId: aws.String("alias/aws/s3")}); code(err) != "AccessDeniedException" {
		t.Errorf("delete aws managed: %v", err)
	}
}

func TestListPaginationAndIsolation(t *testing.T) {
	w := seed()
	r := w.Accounts[simtest.Member].In(region)
	for i := 0; i < 7; i++ {
		r.KMS.Keys = append(r.KMS.Keys, &world.KMSKey{ID: "k" + string(rune('a'+i)), Created: created})
	}
	s := simtest.Start(t, w)
	c := client(t, s, simtest.Member, region)
	ctx := context.Background()
	p := kmssdk.NewListKeysPaginator(c, &kmssdk.ListKeysInput{Limit: aws.Int32(3)})
	n, pages := 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.Keys)
		pages++
		if out.Truncated != (out.NextMarker != nil) {
			t.Errorf("truncated %v marker %v", out.Truncated, out.NextMarker)
		}
	}
	if n != 10 || pages != 4 {
		t.Errorf("keys %d pages %d", n, pages)
	}
	ap := kmssdk.NewListAliasesPaginator(c, &kmssdk.ListAliasesInput{Limit: aws.Int32(1)})
	var names []string
	for ap.HasMorePages() {
		out, err := ap.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range out.Aliases {
			names = append(names, aws.ToString(a.AliasName))
		}
	}
	if strings.Join(names, ",") != "alias/app,alias/aws/s3" {
		t.Errorf("aliases %v", names)
	}
	_, err := c.ListKeys(ctx, &kmssdk.ListKeysInput{Marker: aws.String("garbage")})
	var im *types.InvalidMarkerException
	if !errors.As(err, &im) {
		t.Errorf("bad marker: %v", err)
	}
	_, err = c.ListKeys(ctx, &kmssdk.ListKeysInput{Limit: aws.Int32(0)})
	if err == nil {
		t.Error("limit 0 accepted")
	}
	for _, cl := range []*kmssdk.Client{client(t, s, simtest.Member, "us-east-1"), client(t, s, simtest.Management, region)} {
		out, err := cl.ListKeys(ctx, &kmssdk.ListKeysInput{})
		if err != nil || len(out.Keys) != 0 {
			t.Errorf("isolation: %+v %v", out, err)
		}
		if _, err := cl.DescribeKey(ctx, &kmssdk.DescribeKeyInput{KeyId: aws.String("alias/app")}); code(err) != "NotFoundException" {
			t.Errorf("isolation describe: %v", err)
		}
	}
}

// TestDemoData decodes every profile of the demo data file.
func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.KMS]("kms")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) == 0 {
		t.Fatal("no profiles")
	}
}
