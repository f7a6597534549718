// Package codebuild holds the AWS CodeBuild controls. They read the
// "codebuild" collector's state and never call AWS.
//
// CodeBuild.1 fails a Bitbucket source URL that carries a password or a
// token (https://user:secret@bitbucket.org/...); a user name alone, as
// Bitbucket's clone URLs show it, is not a credential.
package codebuild

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/codebuild"
)

// Controls returns the CodeBuild controls.
func Controls() []*control.Control {
	return []*control.Control{codebuild1(), codebuild2(), codebuild3(), codebuild4(), codebuild5()}
}

// CredentialNames are the plain-text environment variables CodeBuild.2
// fails (AWS Config's codebuild-project-envvar-awscred-check).
var CredentialNames = []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}

func projectControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, p *codebuild.Project)) *control.Control {
	c.Service = "CodeBuild"
	c.ResourceType = "AwsCodeBuildProject"
	c.Needs = []string{"codebuild"}
	c.Check = func(in *control.Input) {
		if in.Region == nil || in.Region.CodeBuild == nil {
			in.Error(in.AccountMeta(), "CodeBuild state was not collected in %s", in.RegionName())
			return
		}
		for _, p := range in.Region.CodeBuild.Projects {
			judge(in, snapshot.Meta{ARN: p.ARN, Type: "AwsCodeBuildProject", Name: p.Name, Account: in.Account.ID, Region: in.RegionName()}, p)
		}
	}
	return &c
}

const update = "CLI: aws codebuild update-project --name <project> "

func codebuild1() *control.Control {
	return projectControl(control.Control{
		ID:       "CodeBuild.1",
		Title:    "CodeBuild Bitbucket source repository URLs should not contain sensitive credentials",
		Severity: control.Critical,
		Rationale: "A password or access token in the source URL is stored in clear text in the project: anyone " +
			"who may read the project, and its build logs, gets access to the repository.",
		Remediation: "Connect CodeBuild to Bitbucket with OAuth or an AWS CodeConnections connection, set the source " +
			"URL without credentials, and revoke the exposed token or password.\n" +
			update + "--source type=BITBUCKET,location=https://bitbucket.org/<workspace>/<repo>.git",
		WellArchitected: []string{"SEC02"},
	}, func(in *control.Input, m snapshot.Meta, p *codebuild.Project) {
		var bitbucket, bad []string
		for _, s := range p.Sources {
			if s.Type != "BITBUCKET" {
				continue
			}
			bitbucket = append(bitbucket, s.Location)
			if s.URLPassword {
				bad = append(bad, s.Location)
			}
		}
		switch {
		case len(bitbucket) == 0:
			in.NotApplicable(m, "no Bitbucket source")
		case len(bad) > 0:
			in.Fail(m, "Bitbucket source URL with a password or token: %s", strings.Join(bad, ", "))
		default:
			in.Pass(m, "no credentials in the Bitbucket source URLs")
		}
	})
}

func codebuild2() *control.Control {
	cred := map[string]bool{}
	for _, n := range CredentialNames {
		cred[n] = true
	}
	return projectControl(control.Control{
		ID:       "CodeBuild.2",
		Title:    "CodeBuild project environment variables should not contain clear text credentials",
		Severity: control.Critical,
		Rationale: "Plain-text environment variables are visible to anyone who may read the project and in build " +
			"logs; AWS keys there are long-lived credentials waiting to leak.",
		Remediation: "Remove the keys from the project (the build gets credentials from its service role), or move a " +
			"secret to Parameter Store or Secrets Manager and reference it with type PARAMETER_STORE or SECRETS_MANAGER; " +
			"deactivate the exposed keys.\n" +
			update + "--environment file://environment.json",
		WellArchitected: []string{"SEC02"},
	}, func(in *control.Input, m snapshot.Meta, p *codebuild.Project) {
		var bad []string
		for _, e := range p.Environment {
			if e.Type == "PLAINTEXT" && cred[e.Name] {
				bad = append(bad, e.Name)
			}
		}
		if len(bad) > 0 {
			in.Fail(m, "plain-text environment variables %s", strings.Join(bad, ", "))
			return
		}
		in.Pass(m, "no AWS credentials in plain-text environment variables")
	})
}

func codebuild3() *control.Control {
	return projectControl(control.Control{
		ID:       "CodeBuild.3",
		Title:    "CodeBuild S3 logs should be encrypted",
		Severity: control.Low,
		Rationale: "Build logs often hold internal host names, paths and, by mistake, secrets; unencrypted in S3 they " +
			"are protected by the bucket policy alone.",
		Remediation: "Turn encryption back on for the project's S3 logs.\n" +
			update + "--logs-config 's3Logs={status=ENABLED,location=<bucket>/<prefix>,encryptionDisabled=false}'",
		WellArchitected: []string{"SEC08"},
	}, func(in *control.Input, m snapshot.Meta, p *codebuild.Project) {
		switch {
		case !p.S3Logs:
			in.NotApplicable(m, "S3 logs are not enabled")
		case p.S3EncryptionDisabled:
			in.Fail(m, "S3 logs are written unencrypted (encryptionDisabled)")
		default:
			in.Pass(m, "S3 logs are encrypted")
		}
	})
}

func codebuild4() *control.Control {
	return projectControl(control.Control{
		ID:       "CodeBuild.4",
		Title:    "CodeBuild project environments should have a logging AWS Configuration",
		Severity: control.Medium,
		Rationale: "Without build logs there is no record of what a build ran, fetched or published: a tampered " +
			"pipeline leaves no trace.",
		Remediation: "Enable CloudWatch Logs (or S3 logs) for the project.\n" +
			update + "--logs-config 'cloudWatchLogs={status=ENABLED}'",
		WellArchitected: []string{"SEC04"},
	}, func(in *control.Input, m snapshot.Meta, p *codebuild.Project) {
		var on []string
		if p.CloudWatchLogs {
			on = append(on, "CloudWatch Logs")
		}
		if p.S3Logs {
			on = append(on, "S3")
		}
		in.Check(m, len(on) > 0, "logs go to "+strings.Join(on, " and "), "neither CloudWatch Logs nor S3 logs are enabled")
	})
}

func codebuild5() *control.Control {
	return projectControl(control.Control{
		ID:       "CodeBuild.5",
		Title:    "CodeBuild project environments should not have privileged mode enabled",
		Severity: control.High,
		Rationale: "Privileged mode gives the build container root access to the build host's devices (it exists to " +
			"run a Docker daemon): code from the repository, or a dependency it pulls, gets that power. Security Hub " +
			"retired this control in April 2024 and it is no longer part of FSBP; Guardrail keeps the check, outside " +
			"the FSBP score.",
		Remediation: "Turn privileged mode off unless the project builds Docker images; for those, keep the project " +
			"apart, limit who may change its source and buildspec.\n" +
			update + "--environment 'type=LINUX_CONTAINER,image=<image>,computeType=<type>,privilegedMode=false'",
		WellArchitected: []string{"SEC06"},
	}, func(in *control.Input, m snapshot.Meta, p *codebuild.Project) {
		in.Check(m, !p.Privileged, "privileged mode is off", "privileged mode is on")
	})
}
