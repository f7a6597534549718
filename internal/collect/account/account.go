// Package account collects an account's settings from the AWS Account
// Management API (global): the security alternate contact.
package account

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	accountapi "github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/account"
)

// Collector returns the "account" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "account",
		Global:  true,
		Actions: []string{"account:GetAlternateContact"},
		Collect: collectAccount,
	}
}

func collectAccount(ctx context.Context, in collect.Input) error {
	c := accountapi.NewFromConfig(in.Config)
	out := &account.Settings{}
	r, err := c.GetAlternateContact(ctx, &accountapi.GetAlternateContactInput{
		AlternateContactType: accounttypes.AlternateContactTypeSecurity,
	})
	switch {
	case awsx.IsNotFound(err):
		// ResourceNotFoundException: no security contact registered.
	case err != nil:
		return fmt.Errorf("get alternate contact (SECURITY): %w", err)
	case r.AlternateContact != nil:
		ct := r.AlternateContact
		out.SecurityContact = &account.Contact{
			Name: aws.ToString(ct.Name), Title: aws.ToString(ct.Title),
			Email: aws.ToString(ct.EmailAddress), Phone: aws.ToString(ct.PhoneNumber),
		}
	}
	in.Account.Settings = out
	return nil
}
