package macie2_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	macieapi "github.com/aws/aws-sdk-go-v2/service/macie2"
	macietypes "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
)

const region = "eu-west-1"

func apiErr(err error) (code, msg string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode(), ae.ErrorMessage()
	}
	return "", ""
}

func TestLifecycle(t *testing.T) {
	w := simtest.NewWorld()
	w.Accounts[simtest.Member].In("us-east-1").Macie.Status = "ENABLED"
	w.Accounts[simtest.Member].In("us-east-1").Macie.Administrator = simtest.Management
	s := simtest.Start(t, w)
	c := macieapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()

	// Off: every read is AccessDeniedException "Macie is not enabled".
	_, err := c.GetMacieSession(ctx, &macieapi.GetMacieSessionInput{})
	var denied *macietypes.AccessDeniedException
	if code, msg := apiErr(err); !errors.As(err, &denied) || code != "AccessDeniedException" || !strings.Contains(msg, "Macie is not enabled") {
		t.Errorf("session while off: %v, want AccessDeniedException: Macie is not enabled", err)
	}
	if _, err := c.GetAutomatedDiscoveryConfiguration(ctx, &macieapi.GetAutomatedDiscoveryConfigurationInput{}); !errors.As(err, &denied) {
		t.Errorf("discovery while off: %v", err)
	}

	if _, err := c.EnableMacie(ctx, &macieapi.EnableMacieInput{FindingPublishingFrequency: macietypes.FindingPublishingFrequencyFifteenMinutes}); err != nil {
		t.Fatal(err)
	}
	var conflict *macietypes.ConflictException
	if _, err := c.EnableMacie(ctx, &macieapi.EnableMacieInput{}); !errors.As(err, &conflict) {
		t.Errorf("enable twice: %v, want ConflictException", err)
	}
	sess, err := c.GetMacieSession(ctx, &macieapi.GetMacieSessionInput{})
	if err != nil || sess.Status != macietypes.MacieStatusEnabled || sess.FindingPublishingFrequency != macietypes.FindingPublishingFrequencyFifteenMinutes ||
		!aws.ToTime(sess.CreatedAt).Equal(simtest.Now) {
		t.Errorf("session = %+v, %v", sess, err)
	}
	d, err := c.GetAutomatedDiscoveryConfiguration(ctx, &macieapi.GetAutomatedDiscoveryConfigurationInput{})
	if err != nil || d.Status != macietypes.AutomatedDiscoveryStatusDisabled {
		t.Errorf("discovery = %+v, %v, want DISABLED by default", d, err)
	}
	if _, err := c.UpdateAutomatedDiscoveryConfiguration(ctx, &macieapi.UpdateAutomatedDiscoveryConfigurationInput{Status: macietypes.AutomatedDiscoveryStatusEnabled}); err != nil {
		t.Fatal(err)
	}
	if d, _ := c.GetAutomatedDiscoveryConfiguration(ctx, &macieapi.GetAutomatedDiscoveryConfigurationInput{}); d.Status != macietypes.AutomatedDiscoveryStatusEnabled {
		t.Errorf("discovery after enabling = %+v", d)
	}
	if _, err := c.UpdateMacieSession(ctx, &macieapi.UpdateMacieSessionInput{Status: macietypes.MacieStatusPaused}); err != nil {
		t.Fatal(err)
	}
	if sess, _ := c.GetMacieSession(ctx, &macieapi.GetMacieSessionInput{}); sess.Status != macietypes.MacieStatusPaused {
		t.Errorf("paused session = %+v", sess)
	}
	if a, err := c.GetAdministratorAccount(ctx, &macieapi.GetAdministratorAccountInput{}); err != nil || a.Administrator != nil {
		t.Errorf("standalone administrator = %+v, %v", a, err)
	}
	if _, err := c.DisableMacie(ctx, &macieapi.DisableMacieInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetMacieSession(ctx, &macieapi.GetMacieSessionInput{}); !errors.As(err, &denied) {
		t.Errorf("after disabling: %v", err)
	}

	// A member sees its administrator and may not change discovery; the
	// region and the other account are untouched by the above.
	us := macieapi.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	a, err := us.GetAdministratorAccount(ctx, &macieapi.GetAdministratorAccountInput{})
	if err != nil || a.Administrator == nil || aws.ToString(a.Administrator.AccountId) != simtest.Management {
		t.Errorf("member administrator = %+v, %v", a, err)
	}
	if _, err := us.UpdateAutomatedDiscoveryConfiguration(ctx, &macieapi.UpdateAutomatedDiscoveryConfigurationInput{Status: macietypes.AutomatedDiscoveryStatusEnabled}); !errors.As(err, &denied) {
		t.Errorf("member changing discovery: %v, want AccessDeniedException", err)
	}
	mgmt := macieapi.NewFromConfig(s.Config(t, simtest.Management, "us-east-1"))
	if _, err := mgmt.GetMacieSession(ctx, &macieapi.GetMacieSessionInput{}); !errors.As(err, &denied) {
		t.Errorf("another account: %v, want not enabled", err)
	}
	if _, err := c.UpdateAutomatedDiscoveryConfiguration(ctx, &macieapi.UpdateAutomatedDiscoveryConfigurationInput{Status: "MAYBE"}); err == nil {
		t.Error("an invalid status was accepted")
	}
}
