// Package sns holds the controls on Amazon SNS topics: encryption at rest
// with KMS (SNS.1) and access policies that do not let everyone in
// (SNS.4). It reads snapshot/sns only.
package sns

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/sns"
)

// Controls returns the SNS controls.
func Controls() []*control.Control { return []*control.Control{sns1(), sns4()} }

// topicControl completes c as a control that judges every topic of the
// region with judge, once its detail (sns.DetailKMSKey, sns.DetailPolicy)
// is known.
func topicControl(c control.Control, detail string, judge func(in *control.Input, m snapshot.Meta, t *sns.Topic)) *control.Control {
	c.Service = "SNS"
	c.ResourceType = "AwsSnsTopic"
	c.Needs = []string{"sns"}
	c.Check = func(in *control.Input) {
		if in.Region.SNS == nil {
			in.Error(in.AccountMeta(), "SNS state was not collected in %s", in.RegionName())
			return
		}
		for i := range in.Region.SNS.Topics {
			t := &in.Region.SNS.Topics[i]
			m := snapshot.Meta{ARN: t.ARN, Type: "AwsSnsTopic", Name: t.Name}
			if why := t.Unknown(detail); why != "" {
				in.Error(m, "topic %s could not be read: %s", strings.ReplaceAll(detail, "_", " "), why)
				continue
			}
			judge(in, m, t)
		}
	}
	return &c
}

func sns1() *control.Control {
	return topicControl(control.Control{
		ID:       "SNS.1",
		Title:    "SNS topics should be encrypted at-rest using AWS KMS",
		Severity: control.Medium,
		Rationale: "Messages wait on SNS's disks until every subscriber got them. With a KMS key they are stored " +
			"encrypted, and reading them needs kms:Decrypt on the key as well as access to the topic, which the key " +
			"policy and CloudTrail's record of key use keep in check.",
		Remediation: "Console: SNS > Topics > the topic > Edit > Encryption: enable, and pick a KMS key (alias/aws/sns, " +
			"or a customer managed key for key-policy control and cross-account publishers).\n" +
			"CLI: aws sns set-topic-attributes --topic-arn <arn> --attribute-name KmsMasterKeyId --attribute-value <key-id-or-alias>\n" +
			"Publishers (CloudWatch alarms, EventBridge, S3) then need kms:GenerateDataKey* and kms:Decrypt on a " +
			"customer managed key.",
		WellArchitected: []string{"SEC08"},
	}, sns.DetailKMSKey, func(in *control.Input, m snapshot.Meta, t *sns.Topic) {
		in.Check(m, t.KMSKeyID != "", "encrypted at rest with KMS key "+t.KMSKeyID, "not encrypted at rest: no KMS key (KmsMasterKeyId) is set")
	})
}

func sns4() *control.Control {
	return topicControl(control.Control{
		ID:       "SNS.4",
		Title:    "SNS topic access policies should not allow public access",
		Severity: control.Critical,
		Rationale: "A topic policy that lets any principal publish or subscribe lets anyone push messages to every " +
			"subscriber (phishing mail from a trusted sender, forged events into a pipeline) or read everything the " +
			"topic carries by subscribing an endpoint of their own.",
		Remediation: "Console: SNS > Topics > the topic > Edit > Access policy: replace the \"*\" principal with the " +
			"accounts or services that need access, or add a condition such as aws:SourceAccount, aws:SourceArn or " +
			"aws:PrincipalOrgID.\n" +
			"CLI: aws sns set-topic-attributes --topic-arn <arn> --attribute-name Policy --attribute-value file://policy.json",
		WellArchitected: []string{"SEC03"},
	}, sns.DetailPolicy, func(in *control.Input, m snapshot.Meta, t *sns.Topic) {
		in.CheckPublicPolicy(m, "topic", t.Policy)
	})
}
