package iam_test

import (
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

// rootState returns an account whose root user has hardware MFA, no
// access key, and last signed in signedIn days ago.
func rootState(signedIn int) *iam.IAM {
	return &iam.IAM{
		Summary: map[string]int{"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0},
		Root: iam.Root{ARN: "arn:aws:iam::111122223333:root", Credentials: &iam.Credentials{
			User: "<root_account>", MFAActive: true, PasswordLastUsed: ago(signedIn), AccessKeys: make([]iam.KeyCredentials, 2)}},
	}
}

func mutate(i *iam.IAM, f func(i *iam.IAM)) *iam.IAM {
	f(i)
	return i
}

func accountIs(s control.Status) map[string]control.Status { return map[string]control.Status{acc: s} }

func TestIAM4(t *testing.T) {
	runCases(t, "IAM.4", []tc{
		{name: "no key", iam: rootState(200), want: accountIs(P)},
		{name: "key in summary", iam: mutate(rootState(200), func(i *iam.IAM) { i.Summary["AccountAccessKeysPresent"] = 1 }),
			want: accountIs(F), reason: map[string]string{acc: "has an access key"}},
		{name: "inactive key in report, no summary", iam: mutate(rootState(200), func(i *iam.IAM) {
			i.Summary = nil
			i.Errors = map[string]string{iam.DetailAccountSummary: "get account summary: AccessDenied"}
			i.Root.Credentials.AccessKeys[0] = iam.KeyCredentials{Active: false, LastRotated: ago(900)}
		}), want: accountIs(F)},
		{name: "report only, no key", iam: mutate(rootState(200), func(i *iam.IAM) { i.Summary = nil }), want: accountIs(P)},
		{name: "neither read", iam: mutate(rootState(200), func(i *iam.IAM) {
			i.Summary, i.Root.Credentials = nil, nil
			i.Errors = map[string]string{iam.DetailAccountSummary: "get account summary: AccessDenied", iam.DetailCredentialReport: "generate credential report: AccessDenied"}
		}), want: accountIs(E), reason: map[string]string{acc: "get account summary: AccessDenied"}},
		{name: "collector gap", iam: nil, gap: true, want: accountIs(E), reason: map[string]string{acc: "iam not collected"}},
		{name: "not collected", iam: nil, want: accountIs(E), reason: map[string]string{acc: "not collected"}},
	})
}

func TestIAM9(t *testing.T) {
	runCases(t, "IAM.9", []tc{
		{name: "mfa", iam: rootState(200), want: accountIs(P)},
		{name: "no mfa", iam: mutate(rootState(200), func(i *iam.IAM) { i.Summary["AccountMFAEnabled"] = 0 }),
			want: accountIs(F), reason: map[string]string{acc: "MFA is not enabled for the root user"}},
		{name: "report fallback", iam: mutate(rootState(200), func(i *iam.IAM) { i.Summary = nil; i.Root.Credentials.MFAActive = false }), want: accountIs(F)},
		{name: "unknown", iam: mutate(rootState(200), func(i *iam.IAM) { i.Summary, i.Root.Credentials = nil, nil }), want: accountIs(E)},
	})
}

func TestIAM6(t *testing.T) {
	runCases(t, "IAM.6", []tc{
		{name: "hardware", iam: rootState(200), want: accountIs(P), reason: map[string]string{acc: "hardware"}},
		{name: "virtual", iam: mutate(rootState(200), func(i *iam.IAM) {
			i.Root.VirtualMFASerial = "arn:aws:iam::111122223333:mfa/root-account-mfa-device"
		}), want: accountIs(F), reason: map[string]string{acc: "virtual (arn:aws:iam::111122223333:mfa/root-account-mfa-device)"}},
		{name: "no mfa", iam: mutate(rootState(200), func(i *iam.IAM) { i.Summary["AccountMFAEnabled"] = 0 }), want: accountIs(F)},
		{name: "virtual list unread", iam: mutate(rootState(200), func(i *iam.IAM) {
			i.Errors = map[string]string{iam.DetailVirtualMFA: "list virtual mfa devices: AccessDenied"}
		}), want: accountIs(E), reason: map[string]string{acc: "list virtual mfa devices"}},
		// No MFA fails whatever the virtual device list says.
		{name: "no mfa, list unread", iam: mutate(rootState(200), func(i *iam.IAM) {
			i.Summary["AccountMFAEnabled"] = 0
			i.Errors = map[string]string{iam.DetailVirtualMFA: "list virtual mfa devices: AccessDenied"}
		}), want: accountIs(F)},
		{name: "unknown", iam: mutate(rootState(200), func(i *iam.IAM) { i.Summary, i.Root.Credentials = nil, nil }), want: accountIs(E)},
	})
}

func TestGRIAM1(t *testing.T) {
	runCases(t, "GR.IAM.1", []tc{
		{name: "not used", iam: rootState(200), want: accountIs(P)},
		{name: "never signed in", iam: mutate(rootState(0), func(i *iam.IAM) { i.Root.Credentials.PasswordLastUsed = time.Time{} }), want: accountIs(P)},
		{name: "signed in", iam: rootState(10), want: accountIs(F), reason: map[string]string{acc: "signed in to the console 10 days ago"}},
		{name: "key used", iam: mutate(rootState(400), func(i *iam.IAM) {
			i.Root.Credentials.AccessKeys[1] = iam.KeyCredentials{Active: true, LastRotated: ago(700), LastUsed: ago(3)}
		}), want: accountIs(F), reason: map[string]string{acc: "used access key 2 3 days ago"}},
		{name: "report unread", iam: mutate(rootState(1), func(i *iam.IAM) {
			i.Root.Credentials = nil
			i.Errors = map[string]string{iam.DetailCredentialReport: "get credential report: Throttling"}
		}), want: accountIs(E), reason: map[string]string{acc: "root user activity unknown: credential report not read: get credential report: Throttling"}},
		// Issue #12: this read "credential report not read: " with nothing
		// after the colon.
		{name: "report read without a root row", iam: mutate(rootState(1), func(i *iam.IAM) {
			i.Root.Credentials = nil
			i.ReportGenerated = time.Date(2026, 6, 1, 9, 30, 0, 0, time.UTC)
		}), want: accountIs(E), reason: map[string]string{acc: "root user activity unknown: the credential report generated 2026-06-01T09:30:00Z has no <root_account> row"}},
		{name: "report not collected", iam: mutate(rootState(1), func(i *iam.IAM) { i.Root.Credentials = nil }),
			want: accountIs(E), reason: map[string]string{acc: "root user activity unknown: credential report not collected"}},
	})
}

// The root controls that read the account summary, then the report, say
// what is missing of each; never an empty reason.
func TestRootUnknownReasons(t *testing.T) {
	for _, id := range []string{"IAM.4", "IAM.6", "IAM.9"} {
		runCases(t, id, []tc{
			{name: "summary and report unread", iam: mutate(rootState(1), func(i *iam.IAM) {
				i.Summary, i.Root.Credentials = nil, nil
				i.Errors = map[string]string{iam.DetailAccountSummary: "get account summary: AccessDenied", iam.DetailCredentialReport: "generate credential report: AccessDenied"}
			}), want: accountIs(E), reason: map[string]string{acc: "account summary not read: get account summary: AccessDenied; credential report not read: generate credential report: AccessDenied"}},
			{name: "summary without the key, report without root", iam: mutate(rootState(1), func(i *iam.IAM) {
				i.Summary, i.Root.Credentials = map[string]int{"Users": 3}, nil
				i.ReportGenerated = time.Date(2026, 6, 1, 9, 30, 0, 0, time.UTC)
			}), want: accountIs(E), reason: map[string]string{acc: "account summary has no Account"}},
			{name: "nothing collected", iam: mutate(rootState(1), func(i *iam.IAM) { i.Summary, i.Root.Credentials = nil, nil }),
				want: accountIs(E), reason: map[string]string{acc: "account summary not collected; credential report not collected"}},
		})
	}
}
