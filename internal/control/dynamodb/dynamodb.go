// Package dynamodb holds the Amazon DynamoDB table controls (DynamoDB.2,
// DynamoDB.6). They read the "dynamodb" collector's state and never call
// AWS.
package dynamodb

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/dynamodb"
)

// Controls returns the DynamoDB controls.
func Controls() []*control.Control {
	return []*control.Control{ddb2(), ddb6()}
}

const resourceType = "AwsDynamoDbTable"

// tableControl completes c as a control over every table; a table whose
// needed detail ("table" or "backups") could not be read is ERROR.
func tableControl(c control.Control, need string, judge func(in *control.Input, m snapshot.Meta, t *dynamodb.Table)) *control.Control {
	c.Service, c.ResourceType, c.Needs = "DynamoDB", resourceType, []string{"dynamodb"}
	c.Check = func(in *control.Input) {
		if in.Region == nil || in.Region.DynamoDB == nil {
			in.Error(in.AccountMeta(), "DynamoDB state was not collected in %s", in.RegionName())
			return
		}
		for _, t := range in.Region.DynamoDB.Tables {
			m := snapshot.Meta{ARN: t.ARN, Type: resourceType, Name: t.Name, Account: in.Account.ID, Region: in.RegionName()}
			if why, ok := t.Errors[need]; ok {
				in.Error(m, "could not read the table's %s: %s", need, why)
				continue
			}
			judge(in, m, t)
		}
	}
	return &c
}

func ddb2() *control.Control {
	return tableControl(control.Control{
		ID:       "DynamoDB.2",
		Title:    "DynamoDB tables should have point-in-time recovery enabled",
		Severity: control.Medium,
		Rationale: "Point-in-time recovery keeps continuous backups for up to 35 days, so a table can be restored " +
			"to the second before an accidental or malicious write or delete.",
		Remediation: "Console: DynamoDB > Tables > the table > Backups > Point-in-time recovery > Edit > Turn on.\n" +
			"CLI: aws dynamodb update-continuous-backups --table-name <name> " +
			"--point-in-time-recovery-specification PointInTimeRecoveryEnabled=true",
		WellArchitected: []string{"SEC10"},
	}, "backups", func(in *control.Input, m snapshot.Meta, t *dynamodb.Table) {
		in.Check(m, t.PITR, "point-in-time recovery enabled", "point-in-time recovery disabled")
	})
}

func ddb6() *control.Control {
	return tableControl(control.Control{
		ID:       "DynamoDB.6",
		Title:    "DynamoDB tables should have deletion protection enabled",
		Severity: control.Medium,
		Rationale: "Deletion protection stops a table, and the data in it, from being deleted by mistake or by an " +
			"unauthorized user until the setting is turned off first.",
		Remediation: "Console: DynamoDB > Tables > the table > Additional settings > Deletion protection > Turn on.\n" +
			"CLI: aws dynamodb update-table --table-name <name> --deletion-protection-enabled",
		WellArchitected: []string{"SEC08"},
	}, "table", func(in *control.Input, m snapshot.Meta, t *dynamodb.Table) {
		in.Check(m, t.DeletionProtection, "deletion protection enabled", "deletion protection disabled")
	})
}
