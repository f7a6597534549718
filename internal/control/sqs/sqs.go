// Package sqs holds the controls on Amazon SQS queues: encryption at rest
// (SQS.1) and access policies that do not let everyone in (SQS.3). It
// reads snapshot/sqs only.
package sqs

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/sqs"
)

// Controls returns the SQS controls.
func Controls() []*control.Control { return []*control.Control{sqs1(), sqs3()} }

// queueControl completes c as a control that judges every queue of the
// region with judge, once its detail (sqs.DetailEncryption,
// sqs.DetailPolicy) is known.
func queueControl(c control.Control, detail string, judge func(in *control.Input, m snapshot.Meta, q *sqs.Queue)) *control.Control {
	c.Service = "SQS"
	c.ResourceType = "AwsSqsQueue"
	c.Needs = []string{"sqs"}
	c.Check = func(in *control.Input) {
		if in.Region.SQS == nil {
			in.Error(in.AccountMeta(), "SQS state was not collected in %s", in.RegionName())
			return
		}
		for i := range in.Region.SQS.Queues {
			q := &in.Region.SQS.Queues[i]
			m := snapshot.Meta{ARN: q.ARN, Type: "AwsSqsQueue", Name: q.Name}
			if why := q.Unknown(detail); why != "" {
				in.Error(m, "queue %s could not be read: %s", strings.ReplaceAll(detail, "_", " "), why)
				continue
			}
			judge(in, m, q)
		}
	}
	return &c
}

func sqs1() *control.Control {
	return queueControl(control.Control{
		ID:       "SQS.1",
		Title:    "Amazon SQS queues should be encrypted at rest",
		Severity: control.Medium,
		Rationale: "Messages can wait in a queue for up to 14 days. Server-side encryption (SQS-managed keys, or a KMS " +
			"key for key-policy control and an audit trail of every decryption) keeps them unreadable on the storage " +
			"that holds them.",
		Remediation: "Console: SQS > Queues > the queue > Edit > Encryption: enable server-side encryption with an " +
			"Amazon SQS key (SSE-SQS) or an AWS KMS key (SSE-KMS).\n" +
			"CLI: aws sqs set-queue-attributes --queue-url <url> --attributes SqsManagedSseEnabled=true\n" +
			"(or KmsMasterKeyId=<key-id-or-alias>; producers then need kms:GenerateDataKey and consumers kms:Decrypt).",
		WellArchitected: []string{"SEC08"},
	}, sqs.DetailEncryption, func(in *control.Input, m snapshot.Meta, q *sqs.Queue) {
		switch {
		case q.KMSKeyID != "":
			in.Pass(m, "encrypted at rest with KMS key %s (SSE-KMS)", q.KMSKeyID)
		case q.SQSManagedSSE:
			in.Pass(m, "encrypted at rest with SQS-managed keys (SSE-SQS)")
		default:
			in.Fail(m, "not encrypted at rest: neither SSE-SQS (SqsManagedSseEnabled) nor SSE-KMS (KmsMasterKeyId) is set")
		}
	})
}

func sqs3() *control.Control {
	return queueControl(control.Control{
		ID:       "SQS.3",
		Title:    "SQS queue access policies should not allow public access",
		Severity: control.Critical,
		Rationale: "A queue policy open to any principal lets anyone send messages into whatever consumes the queue, " +
			"read and delete the messages meant for it, or purge it: injection, data theft and outage in one " +
			"statement.",
		Remediation: "Console: SQS > Queues > the queue > Access policy > Edit: replace the \"*\" principal with the " +
			"accounts, roles or services that need access, or add a condition such as aws:SourceArn, " +
			"aws:SourceAccount or aws:PrincipalOrgID.\n" +
			"CLI: aws sqs set-queue-attributes --queue-url <url> --attributes file://policy.json " +
			"(a JSON map {\"Policy\": \"<policy document as a string>\"})",
		WellArchitected: []string{"SEC03"},
	}, sqs.DetailPolicy, func(in *control.Input, m snapshot.Meta, q *sqs.Queue) {
		in.CheckPublicPolicy(m, "queue", q.Policy)
	})
}
