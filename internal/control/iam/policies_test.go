package iam_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

func policyARN(name string) string { return "arn:aws:iam::111122223333:policy/" + name }

func managed(t *testing.T, name string, attachments int, text string) *iam.Policy {
	return &iam.Policy{Name: name, ARN: policyARN(name), AttachmentCount: attachments, DefaultVersion: "v1", Document: doc(t, text)}
}

const (
	admin    = `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	scoped   = `{"Statement":[{"Effect":"Allow","Action":["ec2:Describe*","s3:GetObject"],"Resource":"*"}]}`
	s3All    = `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/*"}]}`
	kmsAll   = `{"Statement":[{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*"}]}`
	kmsOne   = `{"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}`
	authzErr = "get account authorization details: AccessDenied"
)

func policies(ps ...*iam.Policy) *iam.IAM { return &iam.IAM{Policies: ps} }

var authzUnread = &iam.IAM{Errors: map[string]string{iam.DetailAuthorization: authzErr}}

func broken(name string) *iam.Policy {
	return &iam.Policy{Name: name, ARN: policyARN(name), AttachmentCount: 1, DefaultVersion: "v3", Error: "parse policy document: no Statement"}
}

func TestIAM1(t *testing.T) {
	runCases(t, "IAM.1", []tc{
		{name: "policies", iam: policies(
			managed(t, "Admin", 2, admin),
			managed(t, "UnattachedAdmin", 0, admin),
			managed(t, "Scoped", 1, scoped),
			managed(t, "S3All", 1, s3All),
			broken("Broken"),
		),
			want: statuses{policyARN("Admin"): F, policyARN("UnattachedAdmin"): NA, policyARN("Scoped"): P, policyARN("S3All"): P, policyARN("Broken"): E},
			reason: map[string]string{policyARN("Admin"): `allows "*" on "*" and is attached to 2 principals`,
				policyARN("Broken"): "no Statement"}},
		{name: "none", iam: policies(), want: statuses{}},
		{name: "unread", iam: authzUnread, want: accountIs(E), reason: map[string]string{acc: authzErr}},
	})
}

func TestIAM21(t *testing.T) {
	runCases(t, "IAM.21", []tc{
		{name: "policies", iam: policies(
			managed(t, "Admin", 1, admin),
			managed(t, "S3All", 0, s3All),
			managed(t, "Scoped", 1, scoped),
			broken("Broken"),
		),
			want:   statuses{policyARN("Admin"): F, policyARN("S3All"): F, policyARN("Scoped"): P, policyARN("Broken"): E},
			reason: map[string]string{policyARN("S3All"): `"s3:*"`}},
		{name: "unread", iam: authzUnread, want: accountIs(E)},
	})
}

func TestKMS1(t *testing.T) {
	runCases(t, "KMS.1", []tc{
		{name: "policies", iam: policies(
			managed(t, "Admin", 1, admin),
			managed(t, "KMSAll", 0, kmsAll), // unattached policies count too
			managed(t, "KMSOne", 1, kmsOne),
			managed(t, "Scoped", 1, scoped),
			broken("Broken"),
		),
			want: statuses{policyARN("Admin"): F, policyARN("KMSAll"): F, policyARN("KMSOne"): P, policyARN("Scoped"): P, policyARN("Broken"): E},
			reason: map[string]string{policyARN("Admin"): "kms:Decrypt, kms:ReEncryptFrom on all KMS keys",
				policyARN("KMSAll"): "allows kms:Decrypt on all KMS keys"}},
		{name: "unread", iam: authzUnread, want: accountIs(E)},
	})
}

func TestKMS2(t *testing.T) {
	inline := func(name, text string) *iam.InlinePolicy {
		return &iam.InlinePolicy{Name: name, Document: doc(t, text)}
	}
	u := newUser("jenkins")
	u.InlinePolicies = []*iam.InlinePolicy{inline("everything", admin)}
	clean := newUser("clean")
	notInDetails := withErr(newUser("new"), iam.DetailPolicies, "not in the account authorization details")
	role := &iam.Role{Name: "app", ARN: "arn:aws:iam::111122223333:role/app", InlinePolicies: []*iam.InlinePolicy{inline("one-key", kmsOne)}}
	badRole := &iam.Role{Name: "bad", ARN: "arn:aws:iam::111122223333:role/bad", InlinePolicies: []*iam.InlinePolicy{{Name: "x", Error: "parse policy document: no Statement"}}}
	group := &iam.Group{Name: "devs", ARN: "arn:aws:iam::111122223333:group/devs", InlinePolicies: []*iam.InlinePolicy{inline("kms", kmsAll)}}
	runCases(t, "KMS.2", []tc{
		{name: "principals", iam: &iam.IAM{Users: []*iam.User{u, clean, notInDetails}, Roles: []*iam.Role{role, badRole}, Groups: []*iam.Group{group}},
			want: statuses{userARN("jenkins"): F, userARN("clean"): P, userARN("new"): E,
				"arn:aws:iam::111122223333:role/app": P, "arn:aws:iam::111122223333:role/bad": E, "arn:aws:iam::111122223333:group/devs": F},
			reason: map[string]string{userARN("jenkins"): "inline policy everything allows kms:Decrypt, kms:ReEncryptFrom",
				"arn:aws:iam::111122223333:group/devs": "group devs: inline policy kms allows kms:Decrypt on all KMS keys"}},
		{name: "unread", iam: authzUnread, want: accountIs(E)},
	})
}

func entities(name string, e *iam.Entities) *iam.IAM {
	return &iam.IAM{ManagedPolicyUse: map[string]*iam.Entities{name: e}}
}

func TestIAM18(t *testing.T) {
	runCases(t, "IAM.18", []tc{
		{name: "role", iam: entities(iam.AWSSupportAccess, &iam.Entities{Roles: []string{"AWSSupportAccessRole"}}),
			want: accountIs(P), reason: map[string]string{acc: "role AWSSupportAccessRole"}},
		{name: "user only", iam: entities(iam.AWSSupportAccess, &iam.Entities{Users: []string{"bob"}}),
			want: accountIs(F), reason: map[string]string{acc: "user bob but to no role"}},
		{name: "nobody", iam: entities(iam.AWSSupportAccess, &iam.Entities{}), want: accountIs(F)},
		{name: "unread", iam: entities(iam.AWSSupportAccess, &iam.Entities{Error: "list entities for policy: AccessDenied"}),
			want: accountIs(E), reason: map[string]string{acc: "AccessDenied"}},
		{name: "not collected", iam: &iam.IAM{}, want: accountIs(E)},
	})
}

func TestGRIAM4(t *testing.T) {
	runCases(t, "GR.IAM.4", []tc{
		{name: "nobody", iam: entities(iam.AWSCloudShellFullAccess, &iam.Entities{}), want: accountIs(P)},
		{name: "attached", iam: entities(iam.AWSCloudShellFullAccess, &iam.Entities{Users: []string{"bob"}, Groups: []string{"developers"}}),
			want: accountIs(F), reason: map[string]string{acc: "attached to group developers, user bob"}},
		{name: "unread", iam: entities(iam.AWSCloudShellFullAccess, &iam.Entities{Error: "list entities for policy: AccessDenied"}), want: accountIs(E)},
	})
}

func TestIAM26(t *testing.T) {
	cert := func(name string, expires int) *iam.ServerCertificate {
		return &iam.ServerCertificate{Name: name, ARN: "arn:aws:iam::111122223333:server-certificate/" + name, Expiration: ago(expires)}
	}
	runCases(t, "IAM.26", []tc{
		{name: "certificates", iam: &iam.IAM{ServerCertificates: []*iam.ServerCertificate{cert("expired", 10), cert("valid", -100), {Name: "odd", ARN: "arn:aws:iam::111122223333:server-certificate/odd"}}},
			want: statuses{"arn:aws:iam::111122223333:server-certificate/expired": F, "arn:aws:iam::111122223333:server-certificate/valid": P,
				"arn:aws:iam::111122223333:server-certificate/odd": E},
			reason: map[string]string{"arn:aws:iam::111122223333:server-certificate/expired": "expired on 2026-05-22"}},
		{name: "none", iam: &iam.IAM{}, want: statuses{}},
		{name: "unread", iam: &iam.IAM{Errors: map[string]string{iam.DetailServerCertificates: "list server certificates: AccessDenied"}}, want: accountIs(E)},
	})
}
