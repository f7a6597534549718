package iam_test

import (
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	controliam "github.com/guardrail-sec/guardrail/internal/control/iam"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

const (
	P   = control.Passed
	F   = control.Failed
	NA  = control.NotApplicable
	E   = control.Error
	acc = "AWS::::Account:111122223333@us-east-1"
)

func ago(days int) time.Time { return controltest.Now.AddDate(0, 0, -days) }

func userARN(name string) string { return "arn:aws:iam::111122223333:user/" + name }

// newUser returns a user with an empty credential report row (no
// password, no keys) and nothing else.
func newUser(name string) *iam.User {
	return &iam.User{Name: name, ARN: userARN(name), Created: ago(400),
		Credentials: &iam.Credentials{User: name, ARN: userARN(name), Created: ago(400), AccessKeys: make([]iam.KeyCredentials, 2)}}
}

// withPassword gives u a console password last used lastUsed days ago
// (-1: never), and MFA when mfa.
func withPassword(u *iam.User, lastUsed int, mfa bool) *iam.User {
	u.Credentials.PasswordEnabled = true
	u.Credentials.PasswordLastChanged = ago(300)
	if lastUsed >= 0 {
		u.Credentials.PasswordLastUsed = ago(lastUsed)
	}
	if mfa {
		u.Credentials.MFAActive = true
		u.MFADevices = []iam.MFADevice{{Serial: "arn:aws:iam::111122223333:mfa/" + u.Name, Enabled: ago(300)}}
	}
	return u
}

// withKey adds an access key created created days ago and last used
// lastUsed days ago (-1: never), both to ListAccessKeys and the report.
func withKey(u *iam.User, id string, active bool, created, lastUsed int) *iam.User {
	status := "Active"
	if !active {
		status = "Inactive"
	}
	u.AccessKeys = append(u.AccessKeys, iam.AccessKey{ID: id, Status: status, Created: ago(created)})
	slot := iam.KeyCredentials{Active: active, LastRotated: ago(created)}
	if lastUsed >= 0 {
		slot.LastUsed, slot.LastUsedRegion, slot.LastUsedService = ago(lastUsed), "us-east-1", "s3"
	}
	u.Credentials.AccessKeys[len(u.AccessKeys)-1] = slot
	return u
}

func withErr(u *iam.User, detail, why string) *iam.User {
	if u.Errors == nil {
		u.Errors = map[string]string{}
	}
	u.Errors[detail] = why
	return u
}

func doc(t *testing.T, text string) iam.Document {
	t.Helper()
	d, err := iam.ParseDocument(text)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// get returns the control with id.
func get(t *testing.T, id string) *control.Control {
	t.Helper()
	for _, c := range controliam.Controls() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no control %s", id)
	return nil
}

// eval runs control id over an account holding i (nil: not collected),
// with a gap for the iam collector when gap is set.
func eval(t *testing.T, id string, i *iam.IAM, gap bool) []control.Result {
	t.Helper()
	a := controltest.Account()
	a.IAM = i
	s := controltest.Snapshot(a)
	if gap {
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Collector: "iam"}, Class: "access denied", Reason: "list users: AccessDenied"})
	}
	return controltest.Eval(get(t, id), s)
}

// tc is a case of a control test: the state, and the status (and reason
// substring, when given) wanted per resource key (controltest.Statuses).
type tc struct {
	name   string
	iam    *iam.IAM
	gap    bool
	want   map[string]control.Status
	reason map[string]string
}

func runCases(t *testing.T, id string, cases []tc) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := eval(t, id, c.iam, c.gap)
			got := controltest.Statuses(t, rs)
			if len(got) != len(c.want) {
				t.Errorf("%s: got %v, want %v", id, got, c.want)
			}
			for k, w := range c.want {
				if got[k] != w {
					t.Errorf("%s %s: status %s, want %s (results %+v)", id, k, got[k], w, rs)
				}
			}
			for k, sub := range c.reason {
				found := false
				for _, r := range rs {
					key := r.Resource.ARN
					if r.Resource.Type == "AwsAccount" {
						key += "@" + r.Resource.Region
					}
					if key == k {
						found = true
						if !strings.Contains(r.Reason, sub) {
							t.Errorf("%s %s: reason %q, want it to contain %q", id, k, r.Reason, sub)
						}
					}
				}
				if !found {
					t.Errorf("%s: no result for %s", id, k)
				}
			}
		})
	}
}
