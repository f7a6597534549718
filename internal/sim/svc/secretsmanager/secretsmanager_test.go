package secretsmanager_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	smapi "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"

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

func client(t *testing.T, s *simtest.Sim, account, reg string) *smapi.Client {
	return smapi.NewFromConfig(s.Config(t, account, reg))
}

func TestCreateDescribeList(t *testing.T) {
	s := simtest.Start(t, simtest.NewWorld())
	c := client(t, s, simtest.Member, region)
	ctx := context.Background()
	out, err := c.CreateSecret(ctx, &smapi.CreateSecretInput{Name: aws.String("prod/db"), SecretString: aws.String("s3cr3t"),
		Description: aws.String("orders database"), Tags: []smtypes.Tag{{Key: aws.String("owner"), Value: aws.String("orders")}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.ARN)
	if !strings.HasPrefix(arn, "arn:aws:secretsmanager:eu-west-1:"+simtest.Member+":secret:prod/db-") || len(arn) != len("arn:aws:secretsmanager:eu-west-1:"+simtest.Member+":secret:prod/db-")+6 {
		t.Errorf("ARN = %s, want the name and a six-character suffix", arn)
	}
	if aws.ToString(out.VersionId) == "" {
		t.Error("a secret created with a value has a version")
	}
	if _, err := c.CreateSecret(ctx, &smapi.CreateSecretInput{Name: aws.String("prod/db")}); code(err) != "ResourceExistsException" {
		t.Errorf("duplicate name: %v, want ResourceExistsException", err)
	}
	var rex *smtypes.ResourceExistsException
	if _, err := c.CreateSecret(ctx, &smapi.CreateSecretInput{Name: aws.String("prod/db")}); !errors.As(err, &rex) {
		t.Errorf("duplicate name: %T, want the modeled *types.ResourceExistsException", err)
	}

	// Name, full ARN and ARN without the suffix all name it.
	for _, id := range []string{"prod/db", arn, arn[:len(arn)-7]} {
		d, err := c.DescribeSecret(ctx, &smapi.DescribeSecretInput{SecretId: aws.String(id)})
		if err != nil {
			t.Fatalf("describe %s: %v", id, err)
		}
		if aws.ToString(d.ARN) != arn || aws.ToString(d.Description) != "orders database" || d.CreatedDate == nil ||
			!d.CreatedDate.Equal(simtest.Now) || d.RotationEnabled != nil || d.LastAccessedDate != nil || len(d.Tags) != 1 {
			t.Errorf("describe %s = %+v", id, d)
		}
	}
	var nf *smtypes.ResourceNotFoundException
	if _, err := c.DescribeSecret(ctx, &smapi.DescribeSecretInput{SecretId: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("unknown secret: %v, want ResourceNotFoundException", err)
	}

	l, err := c.ListSecrets(ctx, &smapi.ListSecretsInput{})
	if err != nil || len(l.SecretList) != 1 || aws.ToString(l.SecretList[0].ARN) != arn || l.NextToken != nil {
		t.Fatalf("list = %+v, %v", l, err)
	}
}

func TestPagination(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	for i := range 205 {
		r.SecretsManager.Secrets = append(r.SecretsManager.Secrets, &world.Secret{Name: fmt.Sprintf("s-%03d", i), Suffix: "AbCdEf", Created: simtest.Now})
	}
	s := simtest.Start(t, w)
	c := client(t, s, simtest.Member, region)
	ctx := context.Background()
	var names []string
	var token *string
	pages := 0
	for {
		out, err := c.ListSecrets(ctx, &smapi.ListSecretsInput{NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(out.SecretList) > 100 {
			t.Errorf("page of %d, want at most 100", len(out.SecretList))
		}
		for _, e := range out.SecretList {
			names = append(names, aws.ToString(e.Name))
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if len(names) != 205 || pages != 3 || names[204] != "s-204" {
		t.Errorf("%d secrets over %d pages, want 205 over 3", len(names), pages)
	}
	out, err := c.ListSecrets(ctx, &smapi.ListSecretsInput{MaxResults: aws.Int32(7)})
	if err != nil || len(out.SecretList) != 7 || out.NextToken == nil {
		t.Errorf("MaxResults 7: %d, %v", len(out.SecretList), err)
	}
	for _, bad := range []int32{0, 101} {
		if _, err := c.ListSecrets(ctx, &smapi.ListSecretsInput{MaxResults: aws.Int32(bad)}); code(err) != "InvalidParameterException" {
			t.Errorf("MaxResults %d: %v, want InvalidParameterException", bad, err)
		}
	}
	if _, err := c.ListSecrets(ctx, &smapi.ListSecretsInput{NextToken: aws.String("garbage")}); code(err) != "InvalidNextTokenException" {
		t.Errorf("bad token: %v, want InvalidNextTokenException", err)
	}
}

func TestRotateAccessDelete(t *testing.T) {
	w := simtest.NewWorld()
	now := simtest.Now
	w.Now = func() time.Time { return now }
	s := simtest.Start(t, w)
	c := client(t, s, simtest.Member, region)
	ctx := context.Background()
	if _, err := c.CreateSecret(ctx, &smapi.CreateSecretInput{Name: aws.String("api-key"), SecretString: aws.String("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RotateSecret(ctx, &smapi.RotateSecretInput{SecretId: aws.String("api-key")}); code(err) != "InvalidRequestException" {
		t.Errorf("rotation without a function: %v, want InvalidRequestException", err)
	}
	now = now.Add(36 * time.Hour)
	fn := "arn:aws:lambda:eu-west-1:" + simtest.Member + ":function:rotate"
	if _, err := c.RotateSecret(ctx, &smapi.RotateSecretInput{SecretId: aws.String("api-key"), RotationLambdaARN: aws.String(fn),
		RotationRules: &smtypes.RotationRulesType{AutomaticallyAfterDays: aws.Int64(30)}}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(5 * time.Hour)
	if _, err := c.GetSecretValue(ctx, &smapi.GetSecretValueInput{SecretId: aws.String("api-key")}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeSecret(ctx, &smapi.DescribeSecretInput{SecretId: aws.String("api-key")})
	if err != nil {
		t.Fatal(err)
	}
	rotated := simtest.Now.Add(36 * time.Hour)
	day := time.Date(rotated.Year(), rotated.Month(), rotated.Day(), 0, 0, 0, 0, time.UTC)
	if !aws.ToBool(d.RotationEnabled) || aws.ToString(d.RotationLambdaARN) != fn || aws.ToInt64(d.RotationRules.AutomaticallyAfterDays) != 30 ||
		!d.LastRotatedDate.Equal(rotated) || !d.NextRotationDate.Equal(rotated.AddDate(0, 0, 30)) || !d.LastAccessedDate.Equal(day) {
		t.Errorf("after rotate and read: %+v", d)
	}

	if _, err := c.DeleteSecret(ctx, &smapi.DeleteSecretInput{SecretId: aws.String("api-key"), RecoveryWindowInDays: aws.Int64(3)}); code(err) != "InvalidParameterException" {
		t.Errorf("recovery window 3: %v, want InvalidParameterException", err)
	}
	del, err := c.DeleteSecret(ctx, &smapi.DeleteSecretInput{SecretId: aws.String("api-key"), RecoveryWindowInDays: aws.Int64(7)})
	if err != nil || !del.DeletionDate.Equal(now.AddDate(0, 0, 7)) {
		t.Fatalf("delete: %+v %v", del, err)
	}
	if l, _ := c.ListSecrets(ctx, &smapi.ListSecretsInput{}); len(l.SecretList) != 0 {
		t.Errorf("a secret scheduled for deletion is listed: %+v", l.SecretList)
	}
	l, _ := c.ListSecrets(ctx, &smapi.ListSecretsInput{IncludePlannedDeletion: aws.Bool(true)})
	if len(l.SecretList) != 1 || l.SecretList[0].DeletedDate == nil {
		t.Errorf("IncludePlannedDeletion: %+v", l.SecretList)
	}
	if _, err := c.GetSecretValue(ctx, &smapi.GetSecretValueInput{SecretId: aws.String("api-key")}); code(err) != "InvalidRequestException" {
		t.Errorf("reading a deleted secret: %v, want InvalidRequestException", err)
	}
}

func TestIsolation(t *testing.T) {
	s := simtest.Start(t, simtest.NewWorld())
	ctx := context.Background()
	if _, err := client(t, s, simtest.Member, region).CreateSecret(ctx, &smapi.CreateSecretInput{Name: aws.String("mine")}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ account, region string }{{simtest.Member, "us-east-1"}, {simtest.Management, region}} {
		c := client(t, s, tc.account, tc.region)
		l, err := c.ListSecrets(ctx, &smapi.ListSecretsInput{})
		if err != nil || len(l.SecretList) != 0 {
			t.Errorf("%s/%s sees %+v (%v)", tc.account, tc.region, l, err)
		}
		if _, err := c.DescribeSecret(ctx, &smapi.DescribeSecretInput{SecretId: aws.String("mine")}); code(err) != "ResourceNotFoundException" {
			t.Errorf("%s/%s describe: %v, want ResourceNotFoundException", tc.account, tc.region, err)
		}
		// The same name is free elsewhere.
		if _, err := c.CreateSecret(ctx, &smapi.CreateSecretInput{Name: aws.String("mine")}); err != nil {
			t.Errorf("%s/%s create: %v", tc.account, tc.region, err)
		}
	}
}
