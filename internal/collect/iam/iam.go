// Package iam collects an account's IAM state (global): the credential
// report, the account summary and password policy, users with their access
// keys and MFA devices, the policies of users, groups and roles, customer
// managed policies, the use of the AWS managed policies that CIS asks
// about, and the server certificates.
//
// Only ListUsers failing fails the collector; every other part that cannot
// be read is named in the snapshot (IAM.Errors, User.Errors) so that only
// the controls that need it report ERROR.
package iam

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamapi "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

// Collector returns the "iam" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:   "iam",
		Global: true,
		Actions: []string{
			"iam:GenerateCredentialReport",
			"iam:GetAccountAuthorizationDetails",
			"iam:GetAccountPasswordPolicy",
			"iam:GetAccountSummary",
			"iam:GetCredentialReport",
			"iam:ListAccessKeys",
			"iam:ListEntitiesForPolicy",
			"iam:ListMFADevices",
			"iam:ListServerCertificates",
			"iam:ListUsers",
			"iam:ListVirtualMFADevices",
		},
		Collect: collectIAM,
	}
}

// parallel is how many IAM calls one account's collection keeps in
// flight. IAM's rate limit is per account (about 20 requests/s), shared by
// every region's collectors of the account.
const parallel = 4

// opError is a failed call of a part of the state that is recorded in the
// snapshot rather than failing the collector.
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string { return e.op + ": " + awsx.Brief(e.err) }
func (e *opError) Unwrap() error { return e.err }

func fail(op string, err error) error { return &opError{op, err} }

func collectIAM(ctx context.Context, in collect.Input) error {
	c := iamapi.NewFromConfig(in.Config)
	partition := in.Target.Partition
	if partition == "" {
		partition = "aws"
	}
	users, err := listUsers(ctx, c)
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	out := &iam.IAM{
		Root:             iam.Root{ARN: "arn:" + partition + ":iam::" + in.Account.ID + ":root"},
		Users:            users,
		ManagedPolicyUse: map[string]*iam.Entities{},
		Errors:           map[string]string{},
	}

	var (
		mu     sync.Mutex
		report map[string]*iam.Credentials
		auth   *authorization
	)
	record := func(detail string, err error) {
		if err != nil {
			mu.Lock()
			out.Errors[detail] = err.Error()
			mu.Unlock()
		}
	}
	g := new(errgroup.Group)
	g.SetLimit(parallel)
	g.Go(func() error {
		var err error
		report, out.ReportGenerated, err = credentialReport(ctx, c)
		record(iam.DetailCredentialReport, err)
		return nil
	})
	g.Go(func() error {
		var err error
		out.Summary, err = accountSummary(ctx, c)
		record(iam.DetailAccountSummary, err)
		return nil
	})
	g.Go(func() error {
		var err error
		out.PasswordPolicy, err = passwordPolicy(ctx, c)
		record(iam.DetailPasswordPolicy, err)
		return nil
	})
	g.Go(func() error {
		var err error
		out.Root.VirtualMFASerial, err = rootVirtualMFA(ctx, c)
		record(iam.DetailVirtualMFA, err)
		return nil
	})
	g.Go(func() error {
		var err error
		auth, err = authorizationDetails(ctx, c)
		record(iam.DetailAuthorization, err)
		return nil
	})
	for _, name := range []string{iam.AWSSupportAccess, iam.AWSCloudShellFullAccess} {
		e := &iam.Entities{}
		out.ManagedPolicyUse[name] = e
		g.Go(func() error {
			policyEntities(ctx, c, "arn:"+partition+":iam::aws:policy/"+name, e)
			return nil
		})
	}
	g.Go(func() error {
		var err error
		out.ServerCertificates, err = serverCertificates(ctx, c)
		record(iam.DetailServerCertificates, err)
		return nil
	})
	for _, u := range out.Users {
		g.Go(func() error {
			userDetails(ctx, c, u)
			return nil
		})
	}
	_ = g.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("collect iam: %w", err)
	}

	if report != nil {
		if root := report[rootRow]; root != nil {
			out.Root.Credentials = root
			if root.ARN != "" {
				out.Root.ARN = root.ARN
			}
		}
		for _, u := range out.Users {
			u.Credentials = report[u.Name]
		}
	}
	if auth != nil {
		auth.apply(out)
	}
	if len(out.Errors) == 0 {
		out.Errors = nil
	}
	in.Account.IAM = out
	return nil
}

func listUsers(ctx context.Context, c *iamapi.Client) ([]*iam.User, error) {
	var out []*iam.User
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListUsers(ctx, &iamapi.ListUsersInput{Marker: token})
		if err != nil {
			return nil, err
		}
		for _, u := range page.Users {
			out = append(out, &iam.User{
				Name: aws.ToString(u.UserName), ARN: aws.ToString(u.Arn), ID: aws.ToString(u.UserId),
				Path: aws.ToString(u.Path), Created: aws.ToTime(u.CreateDate), PasswordLastUsed: aws.ToTime(u.PasswordLastUsed),
			})
		}
		return page.Marker, nil
	}); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// userDetails reads u's access keys and MFA devices; a call that fails is
// recorded in u.Errors.
func userDetails(ctx context.Context, c *iamapi.Client, u *iam.User) {
	errs := map[string]string{}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListAccessKeys(ctx, &iamapi.ListAccessKeysInput{UserName: aws.String(u.Name), Marker: token})
		if err != nil {
			return nil, err
		}
		for _, k := range page.AccessKeyMetadata {
			u.AccessKeys = append(u.AccessKeys, iam.AccessKey{ID: aws.ToString(k.AccessKeyId), Status: string(k.Status), Created: aws.ToTime(k.CreateDate)})
		}
		return page.Marker, nil
	}); err != nil {
		errs[iam.DetailAccessKeys] = fail("list access keys", err).Error()
		u.AccessKeys = nil
	}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListMFADevices(ctx, &iamapi.ListMFADevicesInput{UserName: aws.String(u.Name), Marker: token})
		if err != nil {
			return nil, err
		}
		for _, d := range page.MFADevices {
			u.MFADevices = append(u.MFADevices, iam.MFADevice{Serial: aws.ToString(d.SerialNumber), Enabled: aws.ToTime(d.EnableDate)})
		}
		return page.Marker, nil
	}); err != nil {
		errs[iam.DetailMFADevices] = fail("list mfa devices", err).Error()
		u.MFADevices = nil
	}
	if len(errs) > 0 {
		u.Errors = errs
	}
}

func accountSummary(ctx context.Context, c *iamapi.Client) (map[string]int, error) {
	s, err := c.GetAccountSummary(ctx, &iamapi.GetAccountSummaryInput{})
	if err != nil {
		return nil, fail("get account summary", err)
	}
	out := make(map[string]int, len(s.SummaryMap))
	for k, v := range s.SummaryMap {
		out[k] = int(v)
	}
	return out, nil
}

// passwordPolicy returns the account password policy, or nil when none is
// set (NoSuchEntity).
func passwordPolicy(ctx context.Context, c *iamapi.Client) (*iam.PasswordPolicy, error) {
	r, err := c.GetAccountPasswordPolicy(ctx, &iamapi.GetAccountPasswordPolicyInput{})
	if awsx.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fail("get account password policy", err)
	}
	p := r.PasswordPolicy
	return &iam.PasswordPolicy{
		MinimumPasswordLength:      int(aws.ToInt32(p.MinimumPasswordLength)),
		RequireSymbols:             p.RequireSymbols,
		RequireNumbers:             p.RequireNumbers,
		RequireUppercaseCharacters: p.RequireUppercaseCharacters,
		RequireLowercaseCharacters: p.RequireLowercaseCharacters,
		AllowUsersToChangePassword: p.AllowUsersToChangePassword,
		ExpirePasswords:            p.ExpirePasswords,
		MaxPasswordAge:             int(aws.ToInt32(p.MaxPasswordAge)),
		PasswordReusePrevention:    int(aws.ToInt32(p.PasswordReusePrevention)),
		HardExpiry:                 aws.ToBool(p.HardExpiry),
	}, nil
}

// rootVirtualMFA returns the serial of the virtual MFA device assigned to
// the root user, or "".
func rootVirtualMFA(ctx context.Context, c *iamapi.Client) (string, error) {
	var serial string
	err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListVirtualMFADevices(ctx, &iamapi.ListVirtualMFADevicesInput{AssignmentStatus: iamtypes.AssignmentStatusTypeAssigned, Marker: token})
		if err != nil {
			return nil, err
		}
		for _, d := range page.VirtualMFADevices {
			if d.User != nil && isRootARN(aws.ToString(d.User.Arn)) {
				serial = aws.ToString(d.SerialNumber)
				return nil, nil // found: no more pages
			}
		}
		return page.Marker, nil
	})
	if err != nil {
		return "", fail("list virtual mfa devices", err)
	}
	return serial, nil
}

func isRootARN(arn string) bool {
	return strings.HasSuffix(arn, ":root")
}

// policyEntities fills e with the principals the managed policy arn is
// attached to. A policy that does not exist (in this partition) is
// attached to nobody.
func policyEntities(ctx context.Context, c *iamapi.Client, arn string, e *iam.Entities) {
	err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListEntitiesForPolicy(ctx, &iamapi.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn), Marker: token})
		if err != nil {
			return nil, err
		}
		for _, u := range page.PolicyUsers {
			e.Users = append(e.Users, aws.ToString(u.UserName))
		}
		for _, g := range page.PolicyGroups {
			e.Groups = append(e.Groups, aws.ToString(g.GroupName))
		}
		for _, r := range page.PolicyRoles {
			e.Roles = append(e.Roles, aws.ToString(r.RoleName))
		}
		return page.Marker, nil
	})
	if awsx.IsNotFound(err) {
		return
	}
	if err != nil {
		*e = iam.Entities{Error: fail("list entities for policy "+arn, err).Error()}
	}
}

func serverCertificates(ctx context.Context, c *iamapi.Client) ([]*iam.ServerCertificate, error) {
	var out []*iam.ServerCertificate
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListServerCertificates(ctx, &iamapi.ListServerCertificatesInput{Marker: token})
		if err != nil {
			return nil, err
		}
		for _, s := range page.ServerCertificateMetadataList {
			out = append(out, &iam.ServerCertificate{
				Name: aws.ToString(s.ServerCertificateName), ARN: aws.ToString(s.Arn), ID: aws.ToString(s.ServerCertificateId),
				Path: aws.ToString(s.Path), Uploaded: aws.ToTime(s.UploadDate), Expiration: aws.ToTime(s.Expiration),
			})
		}
		return page.Marker, nil
	}); err != nil {
		return nil, fail("list server certificates", err)
	}
	return out, nil
}

// errReportNotReady says the credential report was still being generated
// when the collector gave up waiting.
var errReportNotReady = errors.New("credential report not ready")

// reportPolls bounds the GenerateCredentialReport polls (about 80 s with
// the backoff below); AWS usually completes a report in seconds.
const reportPolls = 20

// credentialReport has IAM generate the credential report (or reuse one
// less than 4 hours old), waits for it, and parses it.
func credentialReport(ctx context.Context, c *iamapi.Client) (map[string]*iam.Credentials, time.Time, error) {
	wait := 200 * time.Millisecond
	for n := 1; ; n++ {
		g, err := c.GenerateCredentialReport(ctx, &iamapi.GenerateCredentialReportInput{})
		if err != nil {
			return nil, time.Time{}, fail("generate credential report", err)
		}
		if g.State == iamtypes.ReportStateTypeComplete {
			break
		}
		if n == reportPolls {
			return nil, time.Time{}, fail("generate credential report", fmt.Errorf("%w: still %s after %d polls", errReportNotReady, g.State, n))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, time.Time{}, fail("generate credential report", ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, 5*time.Second)
	}
	r, err := c.GetCredentialReport(ctx, &iamapi.GetCredentialReportInput{})
	if err != nil {
		return nil, time.Time{}, fail("get credential report", err)
	}
	rows, err := parseReport(r.Content)
	if err != nil {
		return nil, time.Time{}, fail("get credential report", err)
	}
	return rows, aws.ToTime(r.GeneratedTime), nil
}
