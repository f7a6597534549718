package iam_test

import (
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	collectiam "github.com/guardrail-sec/guardrail/internal/collect/iam"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

// Demo accounts by profile (internal/sim/demo/data/org.yaml).
const (
	hardened  = "222222222222"
	partial   = "444444444401"
	weak      = "555555555501"
	neglected = "666666666601"
)

func demoSim(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

// collectIAM runs the collector for account and returns its IAM state.
func collectIAM(t *testing.T, s *simtest.Sim, account string) (*iam.IAM, error) {
	t.Helper()
	a, err := collecttest.Run(t, collectiam.Collector(), s.Config(t, account, "us-east-1"), account, "us-east-1", simtest.Now)
	return a.IAM, err
}

func mustCollect(t *testing.T, s *simtest.Sim, account string) *iam.IAM {
	t.Helper()
	i, err := collectIAM(t, s, account)
	if err != nil {
		t.Fatalf("collect %s: %v", account, err)
	}
	if i == nil {
		t.Fatalf("collect %s: IAM not set", account)
	}
	return i
}

func user(t *testing.T, i *iam.IAM, name string) *iam.User {
	t.Helper()
	for _, u := range i.Users {
		if u.Name == name {
			return u
		}
	}
	t.Fatalf("no user %s in %v", name, userNames(i))
	return nil
}

func userNames(i *iam.IAM) []string {
	var out []string
	for _, u := range i.Users {
		out = append(out, u.Name)
	}
	return out
}

func policy(t *testing.T, i *iam.IAM, name string) *iam.Policy {
	t.Helper()
	for _, p := range i.Policies {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no customer managed policy %s", name)
	return nil
}

// daysAgo checks that got is about n days before now (the demo data says
// ${days_ago:n}).
func daysAgo(t *testing.T, what string, got time.Time, n int) {
	t.Helper()
	want := simtest.Now.AddDate(0, 0, -n)
	if d := got.Sub(want); d < -time.Hour || d > time.Hour {
		t.Errorf("%s = %v, want about %d days ago (%v)", what, got, n, want)
	}
}

func TestWeakAccount(t *testing.T) {
	s := demoSim(t)
	i := mustCollect(t, s, weak)
	if len(i.Errors) > 0 {
		t.Fatalf("errors: %v", i.Errors)
	}
	if got := strings.Join(userNames(i), ","); got != "ci-runner,contractor-bob,data-scientist,dev-alice" {
		t.Errorf("users = %s", got)
	}
	if i.PasswordPolicy != nil {
		t.Errorf("password policy = %+v, want none (NoSuchEntity)", i.PasswordPolicy)
	}
	if i.Summary["AccountMFAEnabled"] != 1 || i.Summary["AccountAccessKeysPresent"] != 0 {
		t.Errorf("summary = %v", i.Summary)
	}
	if want := "arn:aws:iam::" + weak + ":mfa/root-account-mfa-device"; i.Root.VirtualMFASerial != want {
		t.Errorf("root virtual MFA = %q, want %q", i.Root.VirtualMFASerial, want)
	}
	if i.Root.ARN != "arn:aws:iam::"+weak+":root" || i.Root.Credentials == nil || !i.Root.Credentials.MFAActive {
		t.Errorf("root = %+v", i.Root)
	}
	daysAgo(t, "root password_last_used", i.Root.Credentials.PasswordLastUsed, 60)

	ci := user(t, i, "ci-runner")
	if len(ci.AccessKeys) != 2 || !ci.AccessKeys[0].Active() || !ci.AccessKeys[1].Active() {
		t.Errorf("ci-runner keys = %+v", ci.AccessKeys)
	}
	if len(ci.AttachedPolicies) != 1 || ci.AttachedPolicies[0].Name != "DevFullAccess" {
		t.Errorf("ci-runner attached = %+v", ci.AttachedPolicies)
	}
	if ci.Path != "/automation/" || ci.Credentials == nil || ci.Credentials.PasswordEnabled {
		t.Errorf("ci-runner = %+v", ci)
	}
	daysAgo(t, "ci-runner key 2 last used", ci.Credentials.AccessKeys[1].LastUsed, 0)

	alice := user(t, i, "dev-alice")
	c := alice.Credentials
	if c == nil || !c.PasswordEnabled || c.MFAActive || len(alice.MFADevices) != 0 {
		t.Fatalf("dev-alice credentials = %+v, mfa %v", c, alice.MFADevices)
	}
	daysAgo(t, "dev-alice password_last_used", c.PasswordLastUsed, 4)
	daysAgo(t, "dev-alice key 1 last rotated", c.AccessKeys[0].LastRotated, 200)
	if c.AccessKeys[0].LastUsedService != "lambda" || c.AccessKeys[1].Exists() {
		t.Errorf("dev-alice keys = %+v", c.AccessKeys)
	}
	if strings.Join(alice.Groups, ",") != "developers" {
		t.Errorf("dev-alice groups = %v", alice.Groups)
	}

	ds := user(t, i, "data-scientist")
	if len(ds.InlinePolicies) != 1 || ds.InlinePolicies[0].Name != "notebook-access" || ds.InlinePolicies[0].Error != "" {
		t.Fatalf("data-scientist inline = %+v", ds.InlinePolicies)
	}
	if got := strings.Join(ds.InlinePolicies[0].Document.ServiceWildcards(), ","); got != "s3:*,sagemaker:*" {
		t.Errorf("notebook-access wildcards = %s", got)
	}
	if !ds.Credentials.AccessKeys[0].LastUsed.IsZero() {
		t.Errorf("data-scientist key never used, got %v", ds.Credentials.AccessKeys[0].LastUsed)
	}

	dev := policy(t, i, "DevFullAccess")
	if dev.AttachmentCount != 2 || dev.DefaultVersion != "v1" || !dev.Document.AllowsFullAdmin() {
		t.Errorf("DevFullAccess = %+v", dev)
	}
	if e := i.ManagedPolicyUse[iam.AWSSupportAccess]; e == nil || e.Count() != 0 || e.Error != "" {
		t.Errorf("AWSSupportAccess use = %+v", e)
	}
	var roles []string
	for _, r := range i.Roles {
		roles = append(roles, r.Name)
	}
	if strings.Join(roles, ",") != "CloudTrailToCloudWatchLogs,OrganizationAccountAccessRole,lambda-dev-role" {
		t.Errorf("roles = %v", roles)
	}
	if len(i.Groups) != 1 || i.Groups[0].Name != "developers" || len(i.Groups[0].AttachedPolicies) != 2 {
		t.Errorf("groups = %+v", i.Groups)
	}
	if e := i.ManagedPolicyUse[iam.AWSCloudShellFullAccess]; e == nil || strings.Join(e.Groups, ",") != "developers" || e.Count() != 1 {
		t.Errorf("AWSCloudShellFullAccess use = %+v", e)
	}
	if len(i.ServerCertificates) != 0 {
		t.Errorf("server certificates = %+v", i.ServerCertificates)
	}
	if i.ReportGenerated.IsZero() {
		t.Error("report generation time not set")
	}
}

func TestHardenedAccount(t *testing.T) {
	s := demoSim(t)
	i := mustCollect(t, s, hardened)
	if len(i.Errors) > 0 {
		t.Fatalf("errors: %v", i.Errors)
	}
	if i.Root.VirtualMFASerial != "" || i.Summary["AccountMFAEnabled"] != 1 {
		t.Errorf("root MFA: virtual %q, summary %v (want hardware)", i.Root.VirtualMFASerial, i.Summary)
	}
	p := i.PasswordPolicy
	if p == nil || p.MinimumPasswordLength != 14 || p.PasswordReusePrevention != 24 || !p.RequireSymbols || !p.RequireUppercaseCharacters || p.MaxPasswordAge != 90 {
		t.Errorf("password policy = %+v", p)
	}
	if e := i.ManagedPolicyUse[iam.AWSSupportAccess]; e == nil || strings.Join(e.Roles, ",") != "AWSSupportAccessRole" {
		t.Errorf("AWSSupportAccess use = %+v", e)
	}
	if e := i.ManagedPolicyUse[iam.AWSCloudShellFullAccess]; e == nil || e.Count() != 0 {
		t.Errorf("AWSCloudShellFullAccess use = %+v", e)
	}
	sec := user(t, i, "secops-analyst")
	if len(sec.MFADevices) != 1 || !strings.HasSuffix(sec.MFADevices[0].Serial, ":mfa/secops-analyst") || sec.Tags["team"] != "secops" {
		t.Errorf("secops-analyst = %+v", sec)
	}
	if len(sec.AttachedPolicies)+len(sec.InlinePolicies) != 0 {
		t.Errorf("secops-analyst has policies: %+v %+v", sec.AttachedPolicies, sec.InlinePolicies)
	}
	if len(i.Policies) != 0 {
		t.Errorf("customer managed policies = %d, want 0", len(i.Policies))
	}
}

func TestNeglectedAccount(t *testing.T) {
	s := demoSim(t)
	i := mustCollect(t, s, neglected)
	if i.Summary["AccountAccessKeysPresent"] != 1 || i.Summary["AccountMFAEnabled"] != 0 {
		t.Errorf("summary = %v", i.Summary)
	}
	root := i.Root.Credentials
	if root == nil || !root.AccessKeys[0].Active || root.MFAActive {
		t.Fatalf("root credentials = %+v", root)
	}
	daysAgo(t, "root key last used", root.AccessKeys[0].LastUsed, 3)
	jenkins := user(t, i, "jenkins")
	if len(jenkins.InlinePolicies) != 1 || !jenkins.InlinePolicies[0].Document.AllowsFullAdmin() {
		t.Errorf("jenkins inline = %+v", jenkins.InlinePolicies)
	}
	intern := user(t, i, "old-intern")
	if len(intern.AccessKeys) != 1 || intern.AccessKeys[0].Active() || intern.AccessKeys[0].Status != "Inactive" {
		t.Errorf("old-intern keys = %+v", intern.AccessKeys)
	}
	// Keys from ListAccessKeys line up with the report's slots by creation.
	if !intern.AccessKeys[0].Created.Equal(intern.Credentials.AccessKeys[0].LastRotated) {
		t.Errorf("old-intern key created %v, report says %v", intern.AccessKeys[0].Created, intern.Credentials.AccessKeys[0].LastRotated)
	}
	if !policy(t, i, "LegacyAdmin").Document.AllowsFullAdmin() {
		t.Error("LegacyAdmin should allow full admin")
	}
}

func TestPartialAccountDefaultVersion(t *testing.T) {
	s := demoSim(t)
	i := mustCollect(t, s, partial)
	p := policy(t, i, "AppDeploy")
	// v1 allowed ecs:* and ecr:*; v2, the default, lists actions.
	if p.DefaultVersion != "v2" || len(p.Document.ServiceWildcards()) != 0 || p.AttachmentCount != 1 {
		t.Errorf("AppDeploy = %+v, wildcards %v", p, p.Document.ServiceWildcards())
	}
	var task *iam.Role
	for _, r := range i.Roles {
		if r.Name == "app-task-role" {
			task = r
		}
	}
	if task == nil || len(task.InlinePolicies) != 1 || task.InlinePolicies[0].Name != "app-data" || task.Path != "/service/" {
		t.Fatalf("app-task-role = %+v", task)
	}
	if a := task.InlinePolicies[0].Document.Statements[0].Resources; len(a) != 1 || a[0] != "arn:aws:s3:::payments-prod-data/*" {
		t.Errorf("app-data resources = %v", a)
	}
	// The web certificate valid for a year, the previous one expired 40 days ago.
	if len(i.ServerCertificates) != 2 {
		t.Fatalf("server certificates = %+v", i.ServerCertificates)
	}
	for _, c := range i.ServerCertificates {
		switch c.Name {
		case "payments-prod-web":
			daysAgo(t, c.Name+" expiration", c.Expiration, -245)
		case "payments-prod-web-previous":
			daysAgo(t, c.Name+" expiration", c.Expiration, 40)
		default:
			t.Errorf("certificate %+v", c)
		}
		if c.ARN != "arn:aws:iam::"+partial+":server-certificate/"+c.Name {
			t.Errorf("certificate ARN %s", c.ARN)
		}
	}
}

func TestListUsersDenied(t *testing.T) {
	s := demoSim(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "iam", Action: "ListUsers"}}})
	i, err := collectIAM(t, s, weak)
	if err == nil || !strings.Contains(err.Error(), "list users") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("err = %v, want list users: AccessDenied", err)
	}
	if i != nil {
		t.Errorf("IAM set despite the error: %+v", i)
	}
}

// A denied detail call is recorded where it belongs; the rest is read.
func TestDetailDenied(t *testing.T) {
	cases := []struct {
		action string
		check  func(t *testing.T, i *iam.IAM)
	}{
		{"ListAccessKeys", func(t *testing.T, i *iam.IAM) {
			for _, u := range i.Users {
				if !strings.Contains(u.Errors[iam.DetailAccessKeys], "list access keys: AccessDenied") || u.AccessKeys != nil {
					t.Errorf("user %s: errors %v, keys %v", u.Name, u.Errors, u.AccessKeys)
				}
				if u.Credentials == nil {
					t.Errorf("user %s lost its report row", u.Name)
				}
			}
			if len(user(t, i, "dev-alice").Groups) != 1 {
				t.Error("policies not read")
			}
		}},
		{"ListMFADevices", func(t *testing.T, i *iam.IAM) {
			if e := user(t, i, "dev-alice").Errors[iam.DetailMFADevices]; !strings.Contains(e, "AccessDenied") {
				t.Errorf("dev-alice MFA error = %q", e)
			}
			if len(user(t, i, "ci-runner").AccessKeys) != 2 {
				t.Error("access keys not read")
			}
		}},
		{"GetAccountAuthorizationDetails", func(t *testing.T, i *iam.IAM) {
			if e := i.Errors[iam.DetailAuthorization]; !strings.Contains(e, "get account authorization details: AccessDenied") {
				t.Errorf("authorization error = %q", e)
			}
			if i.Policies != nil || i.Roles != nil || user(t, i, "ci-runner").AttachedPolicies != nil {
				t.Error("policies set despite the denial")
			}
		}},
		{"GenerateCredentialReport", func(t *testing.T, i *iam.IAM) {
			if e := i.Errors[iam.DetailCredentialReport]; !strings.Contains(e, "generate credential report: AccessDenied") {
				t.Errorf("report error = %q", e)
			}
			if i.Root.Credentials != nil || user(t, i, "dev-alice").Credentials != nil {
				t.Error("report rows set despite the denial")
			}
			if i.Summary == nil {
				t.Error("summary not read")
			}
		}},
		{"GetAccountPasswordPolicy", func(t *testing.T, i *iam.IAM) {
			if e := i.Errors[iam.DetailPasswordPolicy]; !strings.Contains(e, "AccessDenied") {
				t.Errorf("password policy error = %q", e)
			}
		}},
		{"ListVirtualMFADevices", func(t *testing.T, i *iam.IAM) {
			if e := i.Errors[iam.DetailVirtualMFA]; !strings.Contains(e, "AccessDenied") || i.Root.VirtualMFASerial != "" {
				t.Errorf("virtual MFA error = %q, serial %q", e, i.Root.VirtualMFASerial)
			}
		}},
		{"ListEntitiesForPolicy", func(t *testing.T, i *iam.IAM) {
			for _, n := range []string{iam.AWSSupportAccess, iam.AWSCloudShellFullAccess} {
				if e := i.ManagedPolicyUse[n]; e == nil || !strings.Contains(e.Error, "AccessDenied") {
					t.Errorf("%s use = %+v", n, e)
				}
			}
		}},
		{"ListServerCertificates", func(t *testing.T, i *iam.IAM) {
			if e := i.Errors[iam.DetailServerCertificates]; !strings.Contains(e, "list server certificates: AccessDenied") {
				t.Errorf("certificates error = %q", e)
			}
		}},
	}
	s := demoSim(t)
	for _, tc := range cases {
		t.Run(tc.action, func(t *testing.T) {
			s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "iam", Action: tc.action}}})
			defer s.SetFaults(sim.Faults{})
			i := mustCollect(t, s, weak)
			tc.check(t, i)
			if len(i.Users) != 4 {
				t.Errorf("users = %v", userNames(i))
			}
		})
	}
}
