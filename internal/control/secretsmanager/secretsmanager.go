// Package secretsmanager holds the controls on AWS Secrets Manager
// secrets: rotation enabled (SecretsManager.1), rotation succeeding on
// schedule (SecretsManager.2), unused secrets removed (SecretsManager.3)
// and secrets rotated within 90 days (SecretsManager.4). It reads
// snapshot/secretsmanager only.
//
// Ages are measured from the scan time. A secret never read counts from
// its creation (SecretsManager.3), and one never rotated from its
// creation too (SecretsManager.4): its value is as old as the secret.
// Security Hub lets an administrator change the 90-day limits; Guardrail
// uses Security Hub's defaults.
package secretsmanager

import (
	"strconv"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/secretsmanager"
)

// Limits, Security Hub's defaults (unusedForDays, maxDaysSinceRotation).
const (
	UnusedDays   = 90
	RotationDays = 90
	// rotationGrace is how late a scheduled rotation may be before
	// SecretsManager.2 fails it: a rotation runs within a window of up to
	// a day after its scheduled date.
	rotationGrace = 24 * time.Hour
)

// Controls returns the Secrets Manager controls.
func Controls() []*control.Control {
	return []*control.Control{sm1(), sm2(), sm3(), sm4()}
}

// secretControl completes c as a control that judges every secret of the
// region with judge.
func secretControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, s *secretsmanager.Secret)) *control.Control {
	c.Service = "SecretsManager"
	c.ResourceType = "AwsSecretsManagerSecret"
	c.Needs = []string{"secretsmanager"}
	c.Check = func(in *control.Input) {
		if in.Region.SecretsManager == nil {
			in.Error(in.AccountMeta(), "Secrets Manager state was not collected in %s", in.RegionName())
			return
		}
		for i := range in.Region.SecretsManager.Secrets {
			s := &in.Region.SecretsManager.Secrets[i]
			judge(in, snapshot.Meta{ARN: s.ARN, Type: "AwsSecretsManagerSecret", Name: s.Name, Tags: s.Tags}, s)
		}
	}
	return &c
}

func days(d time.Duration) int { return int(d / (24 * time.Hour)) }

func date(t time.Time) string { return t.UTC().Format("2006-01-02") }

func sm1() *control.Control {
	return secretControl(control.Control{
		ID:       "SecretsManager.1",
		Title:    "Secrets Manager secrets should have automatic rotation enabled",
		Severity: control.Medium,
		Rationale: "A credential that never changes stays valid for as long as anyone who ever saw it (a former " +
			"employee, a log line, a laptop backup) keeps a copy. Automatic rotation bounds that exposure without " +
			"anyone having to remember.",
		Remediation: "Console: Secrets Manager > Secrets > the secret > Rotation > Edit rotation: turn on automatic " +
			"rotation, set a schedule (for example every 30 days) and a rotation function (AWS provides templates for " +
			"RDS, Redshift and DocumentDB credentials).\n" +
			"CLI: aws secretsmanager rotate-secret --secret-id <name> --rotation-lambda-arn <function-arn> " +
			"--rotation-rules AutomaticallyAfterDays=30",
		WellArchitected: []string{"SEC02"},
	}, func(in *control.Input, m snapshot.Meta, s *secretsmanager.Secret) {
		in.Check(m, s.RotationEnabled, "automatic rotation is enabled", "automatic rotation is not enabled")
	})
}

func sm2() *control.Control {
	return secretControl(control.Control{
		ID:       "SecretsManager.2",
		Title:    "Secrets Manager secrets configured with automatic rotation should rotate successfully",
		Severity: control.Medium,
		Rationale: "A rotation that fails leaves the old credential in place while everyone believes it changes: " +
			"the usual causes (a rotation function without network access to the database, missing permissions, a " +
			"user changed by hand) do not fix themselves.",
		Remediation: "Look at the rotation function's CloudWatch Logs (/aws/lambda/<function>) for the failing step " +
			"(createSecret, setSecret, testSecret, finishSecret), fix it (VPC access to the database and to Secrets " +
			"Manager, the function's role, the secret's key policy), then rotate again.\n" +
			"CLI: aws secretsmanager rotate-secret --secret-id <name>",
		WellArchitected: []string{"SEC02"},
	}, func(in *control.Input, m snapshot.Meta, s *secretsmanager.Secret) {
		if !s.RotationEnabled {
			in.NotApplicable(m, "automatic rotation is not enabled")
			return
		}
		next := s.NextRotation
		if next.IsZero() && s.RotationDays > 0 {
			from, _ := s.LastRotation()
			next = from.AddDate(0, 0, s.RotationDays)
		}
		if next.IsZero() {
			in.Error(m, "automatic rotation is enabled (schedule %q) but Secrets Manager reports no next rotation date", s.RotationSchedule)
			return
		}
		if in.Now.After(next.Add(rotationGrace)) {
			last := "never rotated"
			if !s.Rotated.IsZero() {
				last = "last rotated " + date(s.Rotated)
			}
			in.Fail(m, "rotation was due %s and has not succeeded since (%s)", date(next), last)
			return
		}
		in.Pass(m, "rotating on schedule: next rotation %s", date(next))
	})
}

func sm3() *control.Control {
	return secretControl(control.Control{
		ID:       "SecretsManager.3",
		Title:    "Remove unused Secrets Manager secrets",
		Severity: control.Medium,
		Rationale: "A secret nobody reads is usually a credential nobody owns any more, still valid somewhere. " +
			"Deleting it removes a credential an attacker could use, and its monthly cost.",
		Remediation: "Check in CloudTrail (GetSecretValue events) that nothing reads the secret, revoke the credential " +
			"it holds at its source, then delete it with a recovery window.\n" +
			"CLI: aws secretsmanager delete-secret --secret-id <name> --recovery-window-in-days 30",
		WellArchitected: []string{"SEC02"},
	}, func(in *control.Input, m snapshot.Meta, s *secretsmanager.Secret) {
		at, what := s.LastUsed()
		if at.IsZero() {
			in.Error(m, "neither the last access nor the creation date is known")
			return
		}
		age := days(in.Now.Sub(at))
		in.Check(m, age <= UnusedDays,
			what+" "+date(at)+", within "+itoa(UnusedDays)+" days",
			what+" "+date(at)+": unused for "+itoa(age)+" days (more than "+itoa(UnusedDays)+")")
	})
}

func sm4() *control.Control {
	return secretControl(control.Control{
		ID:       "SecretsManager.4",
		Title:    "Secrets Manager secrets should be rotated within a specified number of days",
		Severity: control.Medium,
		Rationale: "The longer a secret's value stays the same, the more places it has been copied to and the longer " +
			"a leaked copy stays useful. Rotating at least every 90 days bounds that window.",
		Remediation: "Rotate the secret now, and turn on automatic rotation so it keeps happening.\n" +
			"CLI: aws secretsmanager rotate-secret --secret-id <name> --rotation-lambda-arn <function-arn> " +
			"--rotation-rules AutomaticallyAfterDays=30",
		WellArchitected: []string{"SEC02"},
	}, func(in *control.Input, m snapshot.Meta, s *secretsmanager.Secret) {
		at, what := s.LastRotation()
		if at.IsZero() {
			in.Error(m, "neither the last rotation nor the creation date is known")
			return
		}
		age := days(in.Now.Sub(at))
		in.Check(m, age <= RotationDays,
			what+" "+date(at)+", within "+itoa(RotationDays)+" days",
			what+" "+date(at)+": "+itoa(age)+" days ago (more than "+itoa(RotationDays)+")")
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
