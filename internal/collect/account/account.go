// Package account collects an account's settings from the AWS Account
// Management API (global): the security alternate contact; and the AWS
// Organizations organization it belongs to (DescribeOrganization, which
// any member may call).
package account

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	accountapi "github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	organizationsapi "github.com/aws/aws-sdk-go-v2/service/organizations"
	organizationstypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/account"
)

// Collector returns the "account" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "account",
		Global:  true,
		Actions: []string{"account:GetAlternateContact", "organizations:DescribeOrganization"},
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
	org, err := organizationsapi.NewFromConfig(in.Config).DescribeOrganization(ctx, &organizationsapi.DescribeOrganizationInput{})
	var notInUse *organizationstypes.AWSOrganizationsNotInUseException
	switch {
	case errors.As(err, &notInUse):
		// Not a member of any organization: a state, not a failure.
	case err != nil:
		if ctx.Err() != nil {
			return fmt.Errorf("describe organization: %w", err)
		}
		out.OrganizationError = awsx.Brief(err)
	case org.Organization != nil:
		out.Organization = &account.Organization{ID: aws.ToString(org.Organization.Id), ManagementAccount: aws.ToString(org.Organization.MasterAccountId)}
	}
	in.Account.Settings = out
	return nil
}
