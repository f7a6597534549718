package secretsmanager_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	smapi "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/secretsmanager"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	smsnap "github.com/guardrail-sec/guardrail/internal/snapshot/secretsmanager"
)

const region = "eu-west-1"

func collect(t *testing.T, s *simtest.Sim, account, reg string) (*smsnap.SecretsManager, error) {
	t.Helper()
	a, err := collecttest.Run(t, secretsmanager.Collector(), s.Config(t, account, reg), account, reg, simtest.Now)
	return a.Regions[reg].SecretsManager, err
}

func TestCollect(t *testing.T) {
	s := simtest.Start(t, simtest.NewWorld())
	c := smapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	if _, err := c.CreateSecret(ctx, &smapi.CreateSecretInput{Name: aws.String("plain"), KmsKeyId: aws.String("alias/app"),
		Tags: []smtypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateSecret(ctx, &smapi.CreateSecretInput{Name: aws.String("rotated")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RotateSecret(ctx, &smapi.RotateSecretInput{SecretId: aws.String("rotated"), RotationLambdaARN: aws.String("arn:aws:lambda:eu-west-1:222222222222:function:rot"),
		RotationRules: &smtypes.RotationRulesType{AutomaticallyAfterDays: aws.Int64(30)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetSecretValue(ctx, &smapi.GetSecretValueInput{SecretId: aws.String("rotated")}); err != nil {
		t.Fatal(err)
	}
	out, err := collect(t, s, simtest.Member, region)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Secrets) != 2 {
		t.Fatalf("secrets = %+v", out.Secrets)
	}
	p, r := out.Secrets[0], out.Secrets[1]
	if p.Name != "plain" || p.RotationEnabled || p.KMSKeyID != "alias/app" || !p.Created.Equal(simtest.Now) || !p.Accessed.IsZero() ||
		p.Tags["team"] != "a" || !strings.HasPrefix(p.ARN, "arn:aws:secretsmanager:eu-west-1:222222222222:secret:plain-") {
		t.Errorf("plain = %+v", p)
	}
	day := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	if !r.RotationEnabled || r.RotationDays != 30 || !r.Rotated.Equal(simtest.Now) || !r.NextRotation.Equal(simtest.Now.AddDate(0, 0, 30)) ||
		!r.Accessed.Equal(day) || r.RotationLambda == "" {
		t.Errorf("rotated = %+v", r)
	}
	other, err := collect(t, s, simtest.Member, "us-east-1")
	if err != nil || other.Secrets == nil || len(other.Secrets) != 0 {
		t.Errorf("us-east-1: %+v %v, want none (known, not unknown)", other, err)
	}
}

func TestPages(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	for i := range 250 {
		r.SecretsManager.Secrets = append(r.SecretsManager.Secrets, &world.Secret{Name: fmt.Sprintf("s-%03d", i), Suffix: "QwErTy", Created: simtest.Now})
	}
	out, err := collect(t, simtest.Start(t, w), simtest.Member, region)
	if err != nil || len(out.Secrets) != 250 {
		t.Errorf("%d secrets (%v), want 250 over three pages", len(out.Secrets), err)
	}
}

func TestDenied(t *testing.T) {
	s := simtest.Start(t, simtest.NewWorld())
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "secretsmanager", Action: "ListSecrets"}}})
	if _, err := collect(t, s, simtest.Member, region); err == nil || !strings.Contains(err.Error(), "list secrets") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("denied ListSecrets: err = %v, want one naming the call", err)
	}
}
