package iam

import (
	"context"
	"fmt"
	"net/url"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamapi "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

// authorization is what GetAccountAuthorizationDetails says: one paginated
// call instead of four per user, group and role plus two per policy.
type authorization struct {
	users    map[string]iamtypes.UserDetail
	groups   []*iam.Group
	roles    []*iam.Role
	policies []*iam.Policy
}

func authorizationDetails(ctx context.Context, c *iamapi.Client) (*authorization, error) {
	a := &authorization{users: map[string]iamtypes.UserDetail{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.GetAccountAuthorizationDetails(ctx, &iamapi.GetAccountAuthorizationDetailsInput{
			Filter: []iamtypes.EntityType{iamtypes.EntityTypeUser, iamtypes.EntityTypeGroup, iamtypes.EntityTypeRole, iamtypes.EntityTypeLocalManagedPolicy},
			Marker: token,
		})
		if err != nil {
			return nil, err
		}
		for _, u := range page.UserDetailList {
			a.users[aws.ToString(u.UserName)] = u
		}
		for _, g := range page.GroupDetailList {
			a.groups = append(a.groups, &iam.Group{
				Name: aws.ToString(g.GroupName), ARN: aws.ToString(g.Arn), ID: aws.ToString(g.GroupId), Path: aws.ToString(g.Path),
				AttachedPolicies: attached(g.AttachedManagedPolicies), InlinePolicies: inline(g.GroupPolicyList),
			})
		}
		for _, r := range page.RoleDetailList {
			a.roles = append(a.roles, &iam.Role{
				Name: aws.ToString(r.RoleName), ARN: aws.ToString(r.Arn), ID: aws.ToString(r.RoleId), Path: aws.ToString(r.Path),
				Tags: tags(r.Tags), AttachedPolicies: attached(r.AttachedManagedPolicies), InlinePolicies: inline(r.RolePolicyList),
			})
		}
		for _, mp := range page.Policies {
			a.policies = append(a.policies, managedPolicy(mp))
		}
		return page.Marker, nil
	}); err != nil {
		return nil, fail("get account authorization details", err)
	}
	sort.Slice(a.groups, func(i, j int) bool { return a.groups[i].Name < a.groups[j].Name })
	sort.Slice(a.roles, func(i, j int) bool { return a.roles[i].Name < a.roles[j].Name })
	sort.Slice(a.policies, func(i, j int) bool { return a.policies[i].Name < a.policies[j].Name })
	return a, nil
}

// apply puts the details into out: the listed users' policies, groups and
// tags, and the groups, roles and customer managed policies.
func (a *authorization) apply(out *iam.IAM) {
	out.Groups, out.Roles, out.Policies = a.groups, a.roles, a.policies
	for _, u := range out.Users {
		d, ok := a.users[u.Name]
		if !ok {
			if u.Errors == nil {
				u.Errors = map[string]string{}
			}
			u.Errors[iam.DetailPolicies] = "not in the account authorization details (created or renamed during collection?)"
			continue
		}
		u.AttachedPolicies = attached(d.AttachedManagedPolicies)
		u.InlinePolicies = inline(d.UserPolicyList)
		u.Groups = append([]string(nil), d.GroupList...)
		u.Tags = tags(d.Tags)
	}
}

func managedPolicy(mp iamtypes.ManagedPolicyDetail) *iam.Policy {
	p := &iam.Policy{
		Name: aws.ToString(mp.PolicyName), ARN: aws.ToString(mp.Arn), ID: aws.ToString(mp.PolicyId), Path: aws.ToString(mp.Path),
		AttachmentCount: int(aws.ToInt32(mp.AttachmentCount)), DefaultVersion: aws.ToString(mp.DefaultVersionId),
	}
	for _, v := range mp.PolicyVersionList {
		if v.IsDefaultVersion || aws.ToString(v.VersionId) == p.DefaultVersion && p.DefaultVersion != "" {
			p.Document, p.Error = document(aws.ToString(v.Document))
			return p
		}
	}
	p.Error = fmt.Sprintf("default version %q not in the account authorization details", p.DefaultVersion)
	return p
}

// document decodes a policy document as IAM returns it: URL-encoded JSON
// (RFC 3986, so "+" is not a space).
func document(encoded string) (iam.Document, string) {
	text, err := url.PathUnescape(encoded)
	if err != nil {
		return iam.Document{}, "decode policy document: " + err.Error()
	}
	d, err := iam.ParseDocument(text)
	if err != nil {
		return iam.Document{}, err.Error()
	}
	return d, ""
}

func attached(list []iamtypes.AttachedPolicy) []iam.AttachedPolicy {
	var out []iam.AttachedPolicy
	for _, p := range list {
		out = append(out, iam.AttachedPolicy{Name: aws.ToString(p.PolicyName), ARN: aws.ToString(p.PolicyArn)})
	}
	return out
}

func inline(list []iamtypes.PolicyDetail) []*iam.InlinePolicy {
	var out []*iam.InlinePolicy
	for _, p := range list {
		ip := &iam.InlinePolicy{Name: aws.ToString(p.PolicyName)}
		ip.Document, ip.Error = document(aws.ToString(p.PolicyDocument))
		out = append(out, ip)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func tags(list []iamtypes.Tag) map[string]string {
	if len(list) == 0 {
		return nil
	}
	out := make(map[string]string, len(list))
	for _, t := range list {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}
