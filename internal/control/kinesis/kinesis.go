// Package kinesis holds the Amazon Kinesis Data Streams control
// (Kinesis.1). It reads the "kinesis" collector's state and never calls
// AWS.
package kinesis

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// Controls returns the Kinesis controls.
func Controls() []*control.Control {
	return []*control.Control{kinesis1()}
}

const resourceType = "AwsKinesisStream"

// kinesis1: the kinesis-stream-encrypted rule is NON_COMPLIANT when the
// stream has no StreamEncryption, that is EncryptionType NONE. Either key
// (the AWS managed alias/aws/kinesis or a customer managed one) passes.
func kinesis1() *control.Control {
	return &control.Control{
		ID:           "Kinesis.1",
		Title:        "Kinesis streams should be encrypted at rest",
		Severity:     control.Medium,
		Service:      "Kinesis",
		ResourceType: resourceType,
		Needs:        []string{"kinesis"},
		Rationale: "Server-side encryption encrypts records with a KMS key before they reach the stream's storage, " +
			"so the data held for the retention period is not readable without access to the key.",
		Remediation: "Console: Kinesis > Data streams > the stream > Configuration > Encryption > Edit > Enable server-side encryption " +
			"(the AWS managed key aws/kinesis, or a customer managed key for control over who may decrypt).\n" +
			"CLI: aws kinesis start-stream-encryption --stream-name <name> --encryption-type KMS --key-id alias/aws/kinesis",
		WellArchitected: []string{"SEC08"},
		Check: func(in *control.Input) {
			if in.Region == nil || in.Region.Kinesis == nil {
				in.Error(in.AccountMeta(), "Kinesis state was not collected in %s", in.RegionName())
				return
			}
			for _, s := range in.Region.Kinesis.Streams {
				m := snapshot.Meta{ARN: s.ARN, Type: resourceType, Name: s.Name, Account: in.Account.ID, Region: in.RegionName()}
				if why, ok := s.Errors["summary"]; ok {
					in.Error(m, "could not describe the stream: %s", why)
					continue
				}
				in.Check(m, s.EncryptionType == "KMS", "server-side encryption with KMS key "+s.KeyID,
					"server-side encryption is off (EncryptionType "+s.EncryptionType+")")
			}
		},
	}
}
