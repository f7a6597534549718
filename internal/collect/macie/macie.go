// Package macie collects Amazon Macie's state in one region: the session,
// automated sensitive data discovery and the administrator account.
//
// Macie answers AccessDeniedException "Macie is not enabled" to every
// read in a region where it is off. That answer is a state (not
// enabled), not a failure; any other denial is a gap, so that a scanner
// without macie2 permissions is never read as "Macie is off".
package macie

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	macieapi "github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/macie"
)

// Collector returns the regional "macie" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "macie",
		Actions: []string{"macie2:GetAdministratorAccount", "macie2:GetAutomatedDiscoveryConfiguration", "macie2:GetMacieSession"},
		Collect: collectRegion,
	}
}

// notEnabled reports Macie's answer in a region where it is off.
func notEnabled(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "AccessDeniedException" &&
		strings.Contains(strings.ToLower(ae.ErrorMessage()), "macie is not enabled")
}

func collectRegion(ctx context.Context, in collect.Input) error {
	client := macieapi.NewFromConfig(in.Config)
	m := &macie.Macie{}
	sess, err := client.GetMacieSession(ctx, &macieapi.GetMacieSessionInput{})
	switch {
	case notEnabled(err):
		in.Region.Macie = m
		return nil
	case err != nil:
		return fmt.Errorf("get macie session: %w", err)
	}
	m.Status = string(sess.Status)
	detail := func(key string, err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if m.Errors == nil {
			m.Errors = map[string]string{}
		}
		m.Errors[key] = awsx.Brief(err)
		return nil
	}
	if d, err := client.GetAutomatedDiscoveryConfiguration(ctx, &macieapi.GetAutomatedDiscoveryConfigurationInput{}); err != nil {
		if err := detail(macie.DetailDiscovery, err); err != nil {
			return err
		}
	} else {
		m.AutomatedDiscovery = string(d.Status)
	}
	if a, err := client.GetAdministratorAccount(ctx, &macieapi.GetAdministratorAccountInput{}); err != nil {
		if err := detail(macie.DetailAdministrator, err); err != nil {
			return err
		}
	} else if a.Administrator != nil {
		m.Administrator = aws.ToString(a.Administrator.AccountId)
	}
	in.Region.Macie = m
	return nil
}
