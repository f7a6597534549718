// Package ecs holds the Amazon ECS controls. They read the "ecs"
// collector's state and never call AWS.
//
// The task definition controls judge the latest ACTIVE revision of each
// family, as Security Hub does: a fix is a new revision, so a finding on
// an older one could never be resolved. A container is judged on ECS's
// default for a field it does not set: no user is the image's user (root
// unless the image says otherwise), no privileged is false, no
// readonlyRootFilesystem is a writable root filesystem.
package ecs

import (
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ecs"
)

// Controls returns the ECS controls.
func Controls() []*control.Control {
	return []*control.Control{ecs1(), ecs2(), ecs3(), ecs4(), ecs5(), ecs8(), ecs9(), ecs10(), ecs12()}
}

// LatestFargate are the latest Fargate platform versions per platform
// family (ECS.10's latestLinuxVersion and latestWindowsVersion
// parameters; AWS Fargate platform versions, Amazon ECS Developer Guide).
var LatestFargate = map[string]string{"Linux": "1.4.0", "Windows": "1.0.0"}

// SecretNames are the environment variable names ECS.8 treats as
// credentials (the secretKeys parameter of AWS Config's
// ecs-no-environment-secrets rule, as Security Hub sets it).
var SecretNames = []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"}

func collected(in *control.Input) bool {
	if in.Region == nil || in.Region.ECS == nil {
		in.Error(in.AccountMeta(), "ECS state was not collected in %s", in.RegionName())
		return false
	}
	return true
}

func tdMeta(in *control.Input, td *ecs.TaskDefinition) snapshot.Meta {
	arn := td.ARN
	if arn == "" {
		arn = fmt.Sprintf("arn:%s:ecs:%s:%s:task-definition/%s", in.Account.Partition, in.RegionName(), in.Account.ID, td.Family)
	}
	name := td.Family
	if td.Revision > 0 {
		name = fmt.Sprintf("%s:%d", td.Family, td.Revision)
	}
	return snapshot.Meta{ARN: arn, Type: "AwsEcsTaskDefinition", Name: name, Account: in.Account.ID, Region: in.RegionName()}
}

// taskDefinitionControl completes c as a control that judges the latest
// active revision of every family with judge.
func taskDefinitionControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, td *ecs.TaskDefinition)) *control.Control {
	c.Service = "ECS"
	c.ResourceType = "AwsEcsTaskDefinition"
	c.Needs = []string{"ecs"}
	c.Check = func(in *control.Input) {
		if !collected(in) {
			return
		}
		for _, td := range in.Region.ECS.TaskDefinitions {
			m := tdMeta(in, td)
			if td.Error != "" {
				in.Error(m, "task definition could not be read: %s", td.Error)
				continue
			}
			judge(in, m, td)
		}
	}
	return &c
}

// containerControl judges every container of a task definition with bad,
// which says what is wrong with one ("" when nothing).
func containerControl(c control.Control, pass string, bad func(ct *ecs.Container) string) *control.Control {
	return taskDefinitionControl(c, containerJudge(pass, bad))
}

// containerJudge fails a task definition with a container bad finds
// wrong, and passes it otherwise.
func containerJudge(pass string, bad func(ct *ecs.Container) string) func(in *control.Input, m snapshot.Meta, td *ecs.TaskDefinition) {
	return func(in *control.Input, m snapshot.Meta, td *ecs.TaskDefinition) {
		var wrong []string
		for _, ct := range td.Containers {
			if why := bad(ct); why != "" {
				wrong = append(wrong, ct.Name+": "+why)
			}
		}
		if len(wrong) > 0 {
			in.Fail(m, "%s", strings.Join(wrong, "; "))
			return
		}
		in.Pass(m, "%s", pass)
	}
}

func clusterMeta(in *control.Input, cl *ecs.Cluster) snapshot.Meta {
	return snapshot.Meta{ARN: cl.ARN, Type: "AwsEcsCluster", Name: cl.Name, Account: in.Account.ID, Region: in.RegionName()}
}

// serviceControl completes c as a control that judges every service of
// every cluster with judge; a cluster whose services could not be listed
// is reported in ERROR.
func serviceControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, s *ecs.Service)) *control.Control {
	c.Service = "ECS"
	c.ResourceType = "AwsEcsService"
	c.Needs = []string{"ecs"}
	c.Check = func(in *control.Input) {
		if !collected(in) {
			return
		}
		for _, cl := range in.Region.ECS.Clusters {
			if why, ok := cl.Errors["services"]; ok {
				in.Error(clusterMeta(in, cl), "services of cluster %s could not be read: %s", cl.Name, why)
				continue
			}
			for _, s := range cl.Services {
				judge(in, snapshot.Meta{ARN: s.ARN, Type: "AwsEcsService", Name: s.Name, Account: in.Account.ID, Region: in.RegionName()}, s)
			}
		}
	}
	return &c
}

func isTrue(b *bool) bool { return b != nil && *b }

// rootUser reports whether user (the container's user field) runs as
// root: unset (the image's default, root), "root" or UID 0, with or
// without a group.
func rootUser(user string) bool {
	u, _, _ := strings.Cut(user, ":")
	return u == "" || u == "root" || u == "0"
}

func ecs1() *control.Control {
	return taskDefinitionControl(control.Control{
		ID:       "ECS.1",
		Title:    "Amazon ECS task definitions should have secure networking modes and user definitions",
		Severity: control.High,
		Rationale: "A task in host network mode shares the instance's network stack; a container in it that runs as root " +
			"without having been made privileged on purpose is an unplanned escalation: it can bind any host port and " +
			"reach what the host reaches.",
		Remediation: "Register a new revision of the task definition in which every container sets a non-root user " +
			"(\"user\": \"1000:1000\"), or use the awsvpc or bridge network mode; then update the services to the new revision.\n" +
			"Console: ECS > Task definitions > the family > Create new revision > Container > User.\n" +
			"CLI: aws ecs register-task-definition --cli-input-json file://taskdef.json (with \"user\" set on each container); " +
			"aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>:<revision>",
		WellArchitected: []string{"SEC03"},
	}, func(in *control.Input, m snapshot.Meta, td *ecs.TaskDefinition) {
		if td.NetworkMode != "host" {
			in.Pass(m, "network mode is %s, not host", orDefault(td.NetworkMode, "bridge"))
			return
		}
		var bad []string
		for _, ct := range td.Containers {
			if !isTrue(ct.Privileged) && rootUser(ct.User) {
				bad = append(bad, ct.Name)
			}
		}
		if len(bad) > 0 {
			in.Fail(m, "host network mode with containers that run as root without privileged set: %s", strings.Join(bad, ", "))
			return
		}
		in.Pass(m, "host network mode, and every container runs as a non-root user or is privileged on purpose")
	})
}

func ecs3() *control.Control {
	return taskDefinitionControl(control.Control{
		ID:       "ECS.3",
		Title:    "ECS task definitions should not share the host's process namespace",
		Severity: control.High,
		Rationale: "With pidMode host, the containers see every process of the instance and can signal or inspect " +
			"them: a compromised container reaches the host and the other tasks on it.",
		Remediation: "Register a new revision without pidMode (or with pidMode task) and move the services to it.\n" +
			"CLI: aws ecs register-task-definition --cli-input-json file://taskdef.json (pidMode removed); " +
			"aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>:<revision>",
		WellArchitected: []string{"SEC06"},
	}, func(in *control.Input, m snapshot.Meta, td *ecs.TaskDefinition) {
		in.Check(m, td.PidMode != "host", "the containers do not share the host's process namespace",
			"pidMode is host: the containers share the host's process namespace")
	})
}

func ecs4() *control.Control {
	return containerControl(control.Control{
		ID:       "ECS.4",
		Title:    "ECS containers should run as non-privileged",
		Severity: control.High,
		Rationale: "A privileged container has the root user's powers on the host instance: every device and " +
			"capability, enough to escape the container.",
		Remediation: "Register a new revision with \"privileged\": false (or unset) on every container; grant only the " +
			"Linux capabilities the container needs (linuxParameters.capabilities.add), then move the services to it.\n" +
			"CLI: aws ecs register-task-definition --cli-input-json file://taskdef.json; " +
			"aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>:<revision>",
		WellArchitected: []string{"SEC06"},
	}, "no container is privileged", func(ct *ecs.Container) string {
		if isTrue(ct.Privileged) {
			return "privileged"
		}
		return ""
	})
}

func ecs5() *control.Control {
	readOnly := containerJudge("every container has a read-only root filesystem", func(ct *ecs.Container) string {
		switch {
		case ct.ReadonlyRootFilesystem == nil:
			return "readonlyRootFilesystem is not set (writable)"
		case !*ct.ReadonlyRootFilesystem:
			return "readonlyRootFilesystem is false"
		}
		return ""
	})
	return taskDefinitionControl(control.Control{
		ID:       "ECS.5",
		Title:    "ECS task definitions should configure containers to be limited to read-only access to root filesystems",
		Severity: control.High,
		Rationale: "A writable root filesystem lets an intruder change the container's binaries and configuration " +
			"and keep tools there; a read-only one limits writes to the volumes declared for them.",
		Remediation: "Set \"readonlyRootFilesystem\": true on every container, with a volume or tmpfs mount for each " +
			"path the application writes to; register the revision and move the services to it.\n" +
			"CLI: aws ecs register-task-definition --cli-input-json file://taskdef.json; " +
			"aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>:<revision>",
		WellArchitected: []string{"SEC06"},
	}, func(in *control.Input, m snapshot.Meta, td *ecs.TaskDefinition) {
		// Windows containers do not support readonlyRootFilesystem:
		// Security Hub marks WINDOWS_SERVER task definitions not applicable.
		if strings.HasPrefix(td.OSFamily, "WINDOWS_SERVER") {
			in.NotApplicable(m, "Windows task definition (%s): readonlyRootFilesystem is not supported", td.OSFamily)
			return
		}
		readOnly(in, m, td)
	})
}

func ecs8() *control.Control {
	secret := map[string]bool{}
	for _, n := range SecretNames {
		secret[n] = true
	}
	return containerControl(control.Control{
		ID:       "ECS.8",
		Title:    "Secrets should not be passed as container environment variables",
		Severity: control.High,
		Rationale: "Plain-text environment variables are stored in the task definition: anyone who may describe it " +
			"reads the credentials, and they end up in logs and in every copy of the definition.",
		Remediation: "Store the credential in AWS Secrets Manager or SSM Parameter Store and reference it from the " +
			"container's \"secrets\" (name, valueFrom) instead of \"environment\"; for AWS credentials use the task role. " +
			"Rotate the exposed credential.\n" +
			"CLI: aws ecs register-task-definition --cli-input-json file://taskdef.json; " +
			"aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>:<revision>",
		WellArchitected: []string{"SEC02", "SEC08"},
	}, "no credential is passed as a plain-text environment variable", func(ct *ecs.Container) string {
		var found []string
		for _, n := range ct.Environment {
			if secret[n] {
				found = append(found, n)
			}
		}
		if len(found) > 0 {
			return "plain-text environment variable " + strings.Join(found, ", ")
		}
		return ""
	})
}

func ecs9() *control.Control {
	return containerControl(control.Control{
		ID:       "ECS.9",
		Title:    "ECS task definitions should have a logging configuration",
		Severity: control.High,
		Rationale: "Without a log configuration a container's output is lost when the task stops: no trace of what " +
			"an intruder or a failure did.",
		Remediation: "Add a logConfiguration to every container (for example the awslogs driver with awslogs-group, " +
			"awslogs-region and awslogs-stream-prefix), register the revision and move the services to it.\n" +
			"CLI: aws ecs register-task-definition --cli-input-json file://taskdef.json; " +
			"aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>:<revision>",
		WellArchitected: []string{"SEC04"},
	}, "every container has a logging configuration", func(ct *ecs.Container) string {
		if ct.LogDriver == "" {
			return "no logConfiguration"
		}
		return ""
	})
}

func ecs2() *control.Control {
	return serviceControl(control.Control{
		ID:       "ECS.2",
		Title:    "ECS services should not have public IP addresses assigned to them automatically",
		Severity: control.High,
		Rationale: "A task with a public IP address is reachable from the internet wherever its security groups " +
			"allow it; tasks should sit in private subnets behind a load balancer, with a NAT gateway for outbound calls.",
		Remediation: "Update the service's network configuration to assignPublicIp DISABLED, in private subnets.\n" +
			"Console: ECS > Clusters > the cluster > Services > the service > Update > Networking > Public IP off.\n" +
			"CLI: aws ecs update-service --cluster <cluster> --service <service> --network-configuration " +
			"'awsvpcConfiguration={subnets=[<private-subnet>],securityGroups=[<sg>],assignPublicIp=DISABLED}'",
		WellArchitected: []string{"SEC05"},
	}, func(in *control.Input, m snapshot.Meta, s *ecs.Service) {
		if !s.AwsVPC {
			in.NotApplicable(m, "the service does not use the awsvpc network mode")
			return
		}
		in.Check(m, s.AssignPublicIP != "ENABLED", "public IP addresses are not assigned automatically",
			"assignPublicIp is ENABLED: every task gets a public IP address")
	})
}

func ecs10() *control.Control {
	return serviceControl(control.Control{
		ID:       "ECS.10",
		Title:    "ECS Fargate services should run on the latest Fargate platform version",
		Severity: control.Medium,
		Rationale: "Fargate platform versions carry the kernel and runtime patches; a service pinned to an older " +
			"version does not get them.",
		Remediation: "Update the service to platform version LATEST (or the latest version) and force a new deployment.\n" +
			"CLI: aws ecs update-service --cluster <cluster> --service <service> --platform-version LATEST --force-new-deployment",
		WellArchitected: []string{"SEC06"},
	}, func(in *control.Input, m snapshot.Meta, s *ecs.Service) {
		if !s.Fargate() {
			in.NotApplicable(m, "the service does not run on Fargate")
			return
		}
		family := "Linux"
		if strings.HasPrefix(strings.ToUpper(s.PlatformFamily), "WINDOWS") {
			family = "Windows"
		}
		latest := LatestFargate[family]
		switch s.PlatformVersion {
		case "", "LATEST":
			in.Pass(m, "platform version LATEST")
		case latest:
			in.Pass(m, "platform version %s, the latest for %s", latest, family)
		default:
			in.Fail(m, "platform version %s; the latest for %s is %s", s.PlatformVersion, family, latest)
		}
	})
}

func ecs12() *control.Control {
	c := &control.Control{
		ID:           "ECS.12",
		Title:        "ECS clusters should use Container Insights",
		Service:      "ECS",
		Severity:     control.Medium,
		ResourceType: "AwsEcsCluster",
		Needs:        []string{"ecs"},
		Rationale: "Container Insights collects the cluster's, services' and tasks' metrics and events: without it " +
			"an anomaly (a crypto-miner's CPU, restarts) goes unseen.",
		Remediation: "Turn Container Insights on for the cluster (and as the account default for new clusters).\n" +
			"CLI: aws ecs update-cluster-settings --cluster <cluster> --settings name=containerInsights,value=enabled; " +
			"aws ecs put-account-setting --name containerInsights --value enabled",
		WellArchitected: []string{"SEC04"},
	}
	c.Check = func(in *control.Input) {
		if !collected(in) {
			return
		}
		for _, cl := range in.Region.ECS.Clusters {
			v := cl.ContainerInsights
			in.Check(clusterMeta(in, cl), v == "enabled" || v == "enhanced", "Container Insights is "+v,
				"Container Insights is "+orDefault(v, "disabled"))
		}
	}
	return c
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
