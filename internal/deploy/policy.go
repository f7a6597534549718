package deploy

import (
	"slices"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/deploy/cfn"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
)

// ReadPolicy is the read-only policy 'guardrail iam-policy' prints.
func ReadPolicy() collect.PolicyDocument { return registry.Policy() }

// RemediatePolicy is the policy 'guardrail iam-policy --remediate'
// prints: every action the playbooks call, and discovery's.
func RemediatePolicy() collect.PolicyDocument {
	doc := collect.Policy(nil, append(slices.Clone(registry.DiscoveryActions), remediate.Actions(playbook.All())...)...)
	for i := range doc.Statement {
		doc.Statement[i].Sid = strings.Replace(doc.Statement[i].Sid, "GuardrailRead", "GuardrailRemediate", 1)
	}
	return doc
}

// OrganizationsReadActions are the Organizations calls discovery makes
// (registry.DiscoveryActions), which the task roles make from the
// tooling account under the organization's delegation policy.
func OrganizationsReadActions() []string {
	var out []string
	for _, a := range registry.DiscoveryActions {
		if strings.HasPrefix(a, "organizations:") {
			out = append(out, a)
		}
	}
	return out
}

// WatchQueueActions are the IAM actions of the SQS calls the watch's
// SQS source makes (internal/watch/sqs.go): ReceiveMessage,
// DeleteMessageBatch and ChangeMessageVisibilityBatch, whose IAM
// actions are those of the single-message calls.
var WatchQueueActions = []string{"sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:ReceiveMessage"}

// SNSPublishAction is what an SNS destination calls (internal/notify/sns.go).
const SNSPublishAction = "sns:Publish"

// ExecutionActions are what ECS itself calls with a task's execution
// role to start it: pull the image from ECR, write the container's
// output to its log group, and read the secrets it injects.
var ExecutionActions = []string{
	"ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
	"logs:CreateLogStream", "logs:PutLogEvents", "secretsmanager:GetSecretValue",
}

// SchedulerActions are what EventBridge Scheduler calls with its role
// to start a scan task: ecs:RunTask, and iam:PassRole for the task's
// roles.
var SchedulerActions = []string{"ecs:RunTask", "iam:PassRole"}

// document converts a policy the code generates to the template model.
func document(doc collect.PolicyDocument) cfn.PolicyDocument {
	out := cfn.PolicyDocument{Version: doc.Version}
	for _, st := range doc.Statement {
		out.Statement = append(out.Statement, cfn.Statement{Sid: st.Sid, Effect: st.Effect,
			Action: slices.Clone(st.Action), Resource: []cfn.Str{cfn.S(st.Resource)}})
	}
	return out
}
