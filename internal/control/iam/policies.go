package iam

import (
	"sort"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

// eachPolicy runs judge for every customer managed policy whose default
// version could be read; the others are ERROR.
func eachPolicy(judge func(in *control.Input, p *iam.Policy)) func(*control.Input) {
	return func(in *control.Input) {
		i := state(in)
		if i == nil || unread(in, i, iam.DetailAuthorization) {
			return
		}
		for _, p := range i.Policies {
			if p.Error != "" {
				in.Error(policyMeta(p), "policy %s: %s", p.Name, p.Error)
				continue
			}
			judge(in, p)
		}
	}
}

func iam1() *control.Control {
	return &control.Control{
		ID: "IAM.1", Title: `IAM policies should not allow full "*" administrative privileges`, Service: "IAM",
		Severity: control.High, ResourceType: "AwsIamPolicy", Global: true, Needs: needs,
		Rationale: `A customer managed policy that allows "*" on "*" makes every principal it is attached to an administrator. Least privilege starts with granting only the actions a job needs; full administrator access belongs to a few break-glass roles.`,
		Remediation: "Open the IAM console > Policies > the policy > Permissions > Edit, replace the \"Action\": \"*\" statement with the actions the attached principals need, and save it as the default version (or detach the policy: Policy usage > Detach). " +
			"CLI: `aws iam create-policy-version --policy-arn <arn> --policy-document file://least-privilege.json --set-as-default`, or `aws iam list-entities-for-policy --policy-arn <arn>` then `aws iam detach-user-policy|detach-group-policy|detach-role-policy ...`.",
		WellArchitected: []string{"SEC03"},
		Check: eachPolicy(func(in *control.Input, p *iam.Policy) {
			if p.AttachmentCount == 0 {
				in.NotApplicable(policyMeta(p), "policy %s is not attached to any user, group or role", p.Name)
				return
			}
			if p.Document.AllowsFullAdmin() {
				in.Fail(policyMeta(p), `policy %s (%s) allows "*" on "*" and is attached to %s`, p.Name, p.DefaultVersion, plural(p.AttachmentCount, "principal", "principals"))
				return
			}
			in.Pass(policyMeta(p), `policy %s does not allow "*" on "*"`, p.Name)
		}),
	}
}

func iam21() *control.Control {
	return &control.Control{
		ID: "IAM.21", Title: "IAM customer managed policies that you create should not allow wildcard actions for services", Service: "IAM",
		Severity: control.Low, ResourceType: "AwsIamPolicy", Global: true, Needs: needs,
		Rationale: `"s3:*" grants every action of a service, including the destructive and permission-changing ones added later. Listing actions (or prefixes such as "ec2:Describe*") keeps a policy to what its users need.`,
		Remediation: "Open the IAM console > Policies > the policy > Permissions > Edit and replace each \"<service>:*\" action with the actions needed (IAM Access Analyzer's policy generation can list them from CloudTrail). " +
			"CLI: `aws iam create-policy-version --policy-arn <arn> --policy-document file://scoped.json --set-as-default`.",
		WellArchitected: []string{"SEC03"},
		Check: eachPolicy(func(in *control.Input, p *iam.Policy) {
			if w := p.Document.ServiceWildcards(); len(w) > 0 {
				in.Fail(policyMeta(p), "policy %s (%s) allows wildcard actions for services: %s", p.Name, p.DefaultVersion, join(quoted(w)))
				return
			}
			in.Pass(policyMeta(p), "policy %s allows no service-wide wildcard action", p.Name)
		}),
	}
}

// decryptActions are the KMS actions KMS.1 and KMS.2 look for.
var decryptActions = []string{"kms:Decrypt", "kms:ReEncryptFrom"}

const kmsRationale = "Decrypt permission on every KMS key lets a principal read any data encrypted under any key in reach, defeating the separation keys are meant to give. Grant kms:Decrypt and kms:ReEncryptFrom only on the keys a job needs."

func kms1() *control.Control {
	return &control.Control{
		ID: "KMS.1", Title: "IAM customer managed policies should not allow decryption actions on all KMS keys", Service: "KMS",
		Severity: control.Medium, ResourceType: "AwsIamPolicy", Global: true, Needs: needs,
		Rationale: kmsRationale,
		Remediation: "Open the IAM console > Policies > the policy > Permissions > Edit and scope the statements that allow kms:Decrypt or kms:ReEncryptFrom to key ARNs (\"Resource\": \"arn:aws:kms:<region>:<account>:key/<key-id>\") instead of \"*\". " +
			"CLI: `aws iam create-policy-version --policy-arn <arn> --policy-document file://scoped.json --set-as-default`.",
		WellArchitected: []string{"SEC03", "SEC08"},
		Check: eachPolicy(func(in *control.Input, p *iam.Policy) {
			if a := p.Document.AllowsOnAllKMSKeys(decryptActions...); len(a) > 0 {
				in.Fail(policyMeta(p), "policy %s (%s) allows %s on all KMS keys", p.Name, p.DefaultVersion, join(a))
				return
			}
			in.Pass(policyMeta(p), "policy %s does not allow decryption on all KMS keys", p.Name)
		}),
	}
}

func kms2() *control.Control {
	return &control.Control{
		ID: "KMS.2", Title: "IAM principals should not have IAM inline policies that allow decryption actions on all KMS keys", Service: "KMS",
		Severity: control.Medium, ResourceType: "AwsIamRole", Global: true, Needs: needs,
		Rationale: kmsRationale,
		Remediation: "Open the IAM console > Users, Groups or Roles > the principal > Permissions, edit the inline policy and scope kms:Decrypt and kms:ReEncryptFrom to the key ARNs needed. " +
			"CLI: `aws iam put-role-policy --role-name <role> --policy-name <name> --policy-document file://scoped.json` (put-user-policy / put-group-policy for users and groups).",
		WellArchitected: []string{"SEC03", "SEC08"},
		Check: func(in *control.Input) {
			i := state(in)
			if i == nil || unread(in, i, iam.DetailAuthorization) {
				return
			}
			for _, u := range i.Users {
				if e := u.Errors[iam.DetailPolicies]; e != "" {
					in.Error(userMeta(u), "policies of %s not read: %s", u.Name, e)
					continue
				}
				judgeInline(in, userMeta(u), "user", u.InlinePolicies)
			}
			for _, g := range i.Groups {
				judgeInline(in, groupMeta(g), "group", g.InlinePolicies)
			}
			for _, r := range i.Roles {
				judgeInline(in, roleMeta(r), "role", r.InlinePolicies)
			}
		},
	}
}

// judgeInline judges a principal's inline policies for KMS.2.
func judgeInline(in *control.Input, m snapshot.Meta, kind string, ps []*iam.InlinePolicy) {
	var found []string
	for _, p := range ps {
		if p.Error != "" {
			in.Error(m, "inline policy %s of %s %s: %s", p.Name, kind, m.Name, p.Error)
			return
		}
		if a := p.Document.AllowsOnAllKMSKeys(decryptActions...); len(a) > 0 {
			found = append(found, "inline policy "+p.Name+" allows "+join(a))
		}
	}
	if len(found) > 0 {
		in.Fail(m, "%s %s: %s on all KMS keys", kind, m.Name, join(found))
		return
	}
	if len(ps) == 0 {
		in.Pass(m, "%s %s has no inline policy", kind, m.Name)
		return
	}
	in.Pass(m, "no inline policy of %s %s allows decryption on all KMS keys", kind, m.Name)
}

// policyUse returns who the AWS managed policy name is attached to,
// reporting ERROR on the account when that is unknown.
func policyUse(in *control.Input, i *iam.IAM, name string) *iam.Entities {
	e := i.ManagedPolicyUse[name]
	switch {
	case e == nil:
		in.Error(in.AccountMeta(), "the use of %s was not collected", name)
		return nil
	case e.Error != "":
		in.Error(in.AccountMeta(), "%s", e.Error)
		return nil
	}
	return e
}

func iam18() *control.Control {
	return &control.Control{
		ID: "IAM.18", Title: "Ensure a support role has been created to manage incidents with AWS Support", Service: "IAM",
		Severity: control.Low, ResourceType: "AwsAccount", Global: true, Needs: needs,
		Rationale: "CIS 1.17: during an incident someone must be able to open and follow AWS Support cases without using the root user or an administrator. A role with the AWSSupportAccess policy gives exactly that access.",
		Remediation: "Open the IAM console > Roles > Create role, trust your account (or your identity provider), attach the AWSSupportAccess managed policy, and let the incident responders assume it. " +
			"CLI: `aws iam create-role --role-name AWSSupportAccessRole --assume-role-policy-document file://trust.json` then `aws iam attach-role-policy --role-name AWSSupportAccessRole --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess`.",
		WellArchitected: []string{"SEC10"},
		Check: func(in *control.Input) {
			i := state(in)
			if i == nil {
				return
			}
			e := policyUse(in, i, iam.AWSSupportAccess)
			switch {
			case e == nil:
			case len(e.Roles) > 0:
				in.Pass(in.AccountMeta(), "AWSSupportAccess is attached to %s", join(names("role", e.Roles)))
			case e.Count() > 0:
				in.Fail(in.AccountMeta(), "AWSSupportAccess is attached to %s but to no role", join(append(names("user", e.Users), names("group", e.Groups)...)))
			default:
				in.Fail(in.AccountMeta(), "no role has the AWSSupportAccess policy")
			}
		},
	}
}

func grIAM4() *control.Control {
	return &control.Control{
		ID: "GR.IAM.4", Title: "Access to AWSCloudShellFullAccess should be restricted", Service: "IAM",
		Severity: control.Medium, ResourceType: "AwsAccount", Global: true, Needs: needs,
		Rationale: "CIS 1.22: AWSCloudShellFullAccess lets users upload and download files through CloudShell, a channel for moving data out of the account that bypasses the usual controls. Grant CloudShell with a policy that denies file transfer instead.",
		Remediation: "Open the IAM console > Policies > AWSCloudShellFullAccess > Entities attached, detach it from every user, group and role, and grant a custom CloudShell policy that denies cloudshell:GetFileDownloadUrls and cloudshell:GetFileUploadUrls. " +
			"CLI: `aws iam list-entities-for-policy --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess`, then `aws iam detach-user-policy|detach-group-policy|detach-role-policy --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess ...`.",
		WellArchitected: []string{"SEC03"},
		Check: func(in *control.Input) {
			i := state(in)
			if i == nil {
				return
			}
			e := policyUse(in, i, iam.AWSCloudShellFullAccess)
			switch {
			case e == nil:
			case e.Count() > 0:
				who := append(append(names("user", e.Users), names("group", e.Groups)...), names("role", e.Roles)...)
				sort.Strings(who)
				in.Fail(in.AccountMeta(), "AWSCloudShellFullAccess is attached to %s", join(who))
			default:
				in.Pass(in.AccountMeta(), "AWSCloudShellFullAccess is not attached to any user, group or role")
			}
		},
	}
}

func quoted(list []string) []string {
	out := make([]string, len(list))
	for n, s := range list {
		out[n] = `"` + s + `"`
	}
	return out
}
