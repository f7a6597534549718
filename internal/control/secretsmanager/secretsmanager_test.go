package secretsmanager_test

import (
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	ctl "github.com/guardrail-sec/guardrail/internal/control/secretsmanager"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/secretsmanager"
)

const (
	region = "us-east-1"
	arn    = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf"
)

var now = controltest.Now

func ago(d int) time.Time { return now.AddDate(0, 0, -d) }

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, ctl.Controls(), id)
}

func eval(t *testing.T, id string, s *secretsmanager.SecretsManager) []control.Result {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].SecretsManager = s
	return controltest.Eval(byID(t, id), controltest.Snapshot(a))
}

type tc struct {
	name   string
	s      secretsmanager.Secret
	want   control.Status
	reason string
}

func run(t *testing.T, id string, cases []tc) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.s.ARN, c.s.Name = arn, "db"
			rs := eval(t, id, &secretsmanager.SecretsManager{Secrets: []secretsmanager.Secret{c.s}})
			if len(rs) != 1 || rs[0].Resource.ARN != arn || rs[0].Resource.Type != "AwsSecretsManagerSecret" {
				t.Fatalf("want one result on the secret, got %+v", rs)
			}
			if r := rs[0]; r.Status != c.want || !strings.Contains(r.Reason, c.reason) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Reason, c.want, c.reason)
			}
		})
	}
}

func TestSM1(t *testing.T) {
	run(t, "SecretsManager.1", []tc{
		{"rotation on", secretsmanager.Secret{Created: ago(10), RotationEnabled: true, RotationDays: 30}, control.Passed, "enabled"},
		{"rotation off", secretsmanager.Secret{Created: ago(10)}, control.Failed, "not enabled"},
	})
}

func TestSM2(t *testing.T) {
	on := func(rotated time.Time, days int, next time.Time) secretsmanager.Secret {
		return secretsmanager.Secret{Created: ago(400), Rotated: rotated, RotationEnabled: true, RotationDays: days, NextRotation: next}
	}
	run(t, "SecretsManager.2", []tc{
		{"on schedule", on(ago(10), 30, ago(10).AddDate(0, 0, 30)), control.Passed, "next rotation 2026-06-21"},
		{"due today, within the window", on(ago(30), 30, now.Add(-2*time.Hour)), control.Passed, "on schedule"},
		{"overdue", on(ago(75), 30, ago(45)), control.Failed, "was due 2026-04-17"},
		{"never rotated, overdue by its days", on(time.Time{}, 30, time.Time{}), control.Failed, "never rotated"},
		{"schedule with no next date", secretsmanager.Secret{Created: ago(5), RotationEnabled: true, RotationSchedule: "cron(0 4 ? * SUN *)"}, control.Error, "no next rotation date"},
		{"rotation off", secretsmanager.Secret{Created: ago(400)}, control.NotApplicable, "not enabled"},
	})
}

func TestSM3(t *testing.T) {
	run(t, "SecretsManager.3", []tc{
		{"read last week", secretsmanager.Secret{Created: ago(400), Accessed: ago(7)}, control.Passed, "last accessed 2026-05-25"},
		{"read 90 days ago", secretsmanager.Secret{Created: ago(400), Accessed: ago(90)}, control.Passed, "within 90"},
		{"read 91 days ago", secretsmanager.Secret{Created: ago(400), Accessed: ago(91)}, control.Failed, "unused for 91 days"},
		{"never read, new", secretsmanager.Secret{Created: ago(20)}, control.Passed, "never accessed"},
		{"never read, old", secretsmanager.Secret{Created: ago(200)}, control.Failed, "never accessed; created 2025-11-13"},
		{"dates unknown", secretsmanager.Secret{}, control.Error, "date is known"},
	})
}

func TestSM4(t *testing.T) {
	run(t, "SecretsManager.4", []tc{
		{"rotated recently", secretsmanager.Secret{Created: ago(400), Rotated: ago(30)}, control.Passed, "last rotated"},
		{"rotated long ago", secretsmanager.Secret{Created: ago(400), Rotated: ago(120), RotationEnabled: true}, control.Failed, "120 days ago"},
		{"never rotated, new", secretsmanager.Secret{Created: ago(30)}, control.Passed, "never rotated"},
		{"never rotated, old", secretsmanager.Secret{Created: ago(365)}, control.Failed, "never rotated; created"},
		{"dates unknown", secretsmanager.Secret{}, control.Error, "date is known"},
	})
}

func TestNoSecrets(t *testing.T) {
	for _, c := range ctl.Controls() {
		if rs := eval(t, c.ID, &secretsmanager.SecretsManager{Secrets: []secretsmanager.Secret{}}); len(rs) != 0 {
			t.Errorf("%s: no secret, got %+v", c.ID, rs)
		}
	}
}

func TestNotCollected(t *testing.T) {
	a := controltest.Account(region)
	s := controltest.Snapshot(a)
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "secretsmanager"}, Class: "access denied", Reason: "AccessDenied: no"})
	for _, c := range ctl.Controls() {
		st := controltest.Statuses(t, controltest.Eval(c, s))
		if st["AWS::::Account:111122223333@"+region] != control.Error {
			t.Errorf("%s: a gap must be ERROR: %v", c.ID, st)
		}
		if rs := eval(t, c.ID, nil); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s: state not collected: %+v, want one ERROR", c.ID, rs)
		}
	}
}
