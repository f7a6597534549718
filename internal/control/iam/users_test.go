package iam_test

import (
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

func users(us ...*iam.User) *iam.IAM { return &iam.IAM{Users: us, ReportGenerated: ago(0)} }

type statuses = map[string]control.Status

func TestIAM2(t *testing.T) {
	attached := newUser("attached")
	attached.AttachedPolicies = []iam.AttachedPolicy{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess"}}
	inline := newUser("inline")
	inline.InlinePolicies = []*iam.InlinePolicy{{Name: "notebook"}}
	grouped := newUser("grouped")
	grouped.Groups = []string{"devs"}
	runCases(t, "IAM.2", []tc{
		{name: "mixed", iam: users(attached, inline, grouped),
			want:   statuses{userARN("attached"): F, userARN("inline"): F, userARN("grouped"): P},
			reason: map[string]string{userARN("attached"): "managed policy AdministratorAccess", userARN("inline"): "inline policy notebook"}},
		{name: "user not in details", iam: users(withErr(newUser("new"), iam.DetailPolicies, "not in the account authorization details")),
			want: statuses{userARN("new"): E}},
		{name: "details unread", iam: &iam.IAM{Users: []*iam.User{newUser("a")}, Errors: map[string]string{iam.DetailAuthorization: "get account authorization details: AccessDenied"}},
			want: statuses{userARN("a"): E}, reason: map[string]string{userARN("a"): "AccessDenied"}},
		{name: "no users", iam: users(), want: statuses{}},
	})
}

func TestIAM3(t *testing.T) {
	// Keys known only from the report (ListAccessKeys denied).
	reportOnly := withErr(withKey(newUser("report-only"), "AKIAOLD", true, 200, 1), iam.DetailAccessKeys, "list access keys: AccessDenied")
	reportOnly.AccessKeys = nil
	runCases(t, "IAM.3", []tc{
		{name: "ages", iam: users(
			withKey(newUser("fresh"), "AKIAFRESH", true, 90, 1),
			withKey(newUser("stale"), "AKIASTALE", true, 91, 1),
			withKey(newUser("inactive"), "AKIAOFF", false, 400, 300),
			newUser("nokeys"),
			reportOnly,
			withErr(newUser("report-fallback"), iam.DetailAccessKeys, "list access keys: AccessDenied"),
		),
			want: statuses{userARN("fresh"): P, userARN("stale"): F, userARN("inactive"): P, userARN("nokeys"): P,
				userARN("report-only"): F, userARN("report-fallback"): P},
			reason: map[string]string{userARN("stale"): "AKIASTALE is 91 days old", userARN("report-only"): "#1 is 200 days old"}},
		{name: "keys and report unread", iam: users(func() *iam.User {
			u := withErr(newUser("u"), iam.DetailAccessKeys, "list access keys: AccessDenied")
			u.Credentials = nil
			return u
		}()), want: statuses{userARN("u"): E}, reason: map[string]string{userARN("u"): "list access keys: AccessDenied"}},
	})
}

func TestIAM5(t *testing.T) {
	mfaUnread := withErr(withPassword(newUser("mfa-unread"), 1, true), iam.DetailMFADevices, "list mfa devices: AccessDenied")
	mfaUnread.MFADevices = nil // the report still says mfa_active
	notInReport := withPassword(newUser("new"), 1, false)
	notInReport.Credentials = nil
	runCases(t, "IAM.5", []tc{
		{name: "console users", iam: users(
			withPassword(newUser("with-mfa"), 1, true),
			withPassword(newUser("no-mfa"), 1, false),
			withKey(newUser("api-only"), "AKIA1", true, 10, 1),
			mfaUnread,
			notInReport,
		),
			want: statuses{userARN("with-mfa"): P, userARN("no-mfa"): F, userARN("api-only"): NA, userARN("mfa-unread"): P, userARN("new"): E},
			reason: map[string]string{userARN("no-mfa"): "MFA is not enabled for console user no-mfa",
				userARN("new"): "not in the credential report"}},
		{name: "report unread", iam: &iam.IAM{Users: []*iam.User{notInReport}, Errors: map[string]string{iam.DetailCredentialReport: "get credential report: AccessDenied"}},
			want: statuses{userARN("new"): E}, reason: map[string]string{userARN("new"): "credential report not read: get credential report: AccessDenied"}},
	})
}

func TestIAM19(t *testing.T) {
	unknown := withErr(newUser("unknown"), iam.DetailMFADevices, "list mfa devices: AccessDenied")
	unknown.Credentials = nil
	runCases(t, "IAM.19", []tc{
		{name: "all users", iam: users(
			withPassword(newUser("with-mfa"), 1, true),
			withKey(newUser("api-only"), "AKIA1", true, 10, 1),
			unknown,
		), want: statuses{userARN("with-mfa"): P, userARN("api-only"): F, userARN("unknown"): E}},
	})
}

func TestIAM8(t *testing.T) {
	newKey := withKey(newUser("new-key"), "AKIANEW", true, 10, -1)
	newKey.AccessKeys = append(newKey.AccessKeys, iam.AccessKey{ID: "AKIANOTINREPORT", Status: "Active", Created: ago(0)})
	runCases(t, "IAM.8", []tc{
		{name: "usage", iam: users(
			withPassword(newUser("active"), 5, true),
			withPassword(newUser("dormant"), 91, true),
			withPassword(newUser("edge"), 90, true),
			withPassword(newUser("never-signed-in"), -1, false), // password set 300 days ago
			withKey(newUser("old-key"), "AKIAOLD", true, 400, 120),
			withKey(newUser("never-used-key"), "AKIANEVER", true, 100, -1),
			withKey(newUser("inactive-key"), "AKIAOFF", false, 400, 300),
			newUser("nothing"),
			newKey,
		),
			want: statuses{userARN("active"): P, userARN("dormant"): F, userARN("edge"): P, userARN("never-signed-in"): F,
				userARN("old-key"): F, userARN("never-used-key"): F, userARN("inactive-key"): P, userARN("nothing"): P, userARN("new-key"): E},
			reason: map[string]string{
				userARN("dormant"):         "console password last used 91 days ago",
				userARN("never-signed-in"): "console password never used (set 300 days ago)",
				userARN("old-key"):         "access key AKIAOLD last used 120 days ago",
				userARN("never-used-key"):  "access key AKIANEVER never used (created 100 days ago)",
				userARN("new-key"):         "AKIANOTINREPORT",
			}},
	})
}

func TestIAM22(t *testing.T) {
	notInReport := withPassword(newUser("new"), 1, false)
	notInReport.Credentials = nil
	runCases(t, "IAM.22", []tc{
		{name: "45 days", iam: users(
			withPassword(newUser("recent"), 44, true),
			withPassword(newUser("limit"), 45, true),
			withKey(newUser("key"), "AKIA1", true, 400, 60),
			notInReport,
		), want: statuses{userARN("recent"): P, userARN("limit"): F, userARN("key"): F, userARN("new"): E}},
	})
}

func TestGRIAM2(t *testing.T) {
	keyNotInReport := withPassword(newUser("fresh-key"), 1, true)
	keyNotInReport.AccessKeys = []iam.AccessKey{{ID: "AKIAFRESH", Status: "Active", Created: ago(0)}}
	runCases(t, "GR.IAM.2", []tc{
		{name: "console users", iam: users(
			withKey(withPassword(newUser("unused-key"), 1, true), "AKIAUNUSED", true, 300, -1),
			withKey(withPassword(newUser("used-key"), 1, true), "AKIAUSED", true, 300, 2),
			withKey(withPassword(newUser("inactive-unused"), 1, true), "AKIAOFF", false, 300, -1),
			withKey(newUser("api-only"), "AKIAAPI", true, 300, -1),
			keyNotInReport,
		),
			want:   statuses{userARN("unused-key"): F, userARN("used-key"): P, userARN("inactive-unused"): P, userARN("api-only"): NA, userARN("fresh-key"): E},
			reason: map[string]string{userARN("unused-key"): "never used: AKIAUNUSED"}},
	})
}

func TestGRIAM3(t *testing.T) {
	two := withKey(withKey(newUser("two"), "AKIA1", true, 300, 1), "AKIA2", true, 30, 0)
	oneActive := withKey(withKey(newUser("one-active"), "AKIA3", true, 300, 1), "AKIA4", false, 30, -1)
	unknown := withErr(newUser("unknown"), iam.DetailAccessKeys, "list access keys: AccessDenied")
	unknown.Credentials = nil
	runCases(t, "GR.IAM.3", []tc{
		{name: "keys", iam: users(two, oneActive, newUser("none"), unknown),
			want:   statuses{userARN("two"): F, userARN("one-active"): P, userARN("none"): P, userARN("unknown"): E},
			reason: map[string]string{userARN("two"): "2 active access keys: AKIA1, AKIA2"}},
	})
}
