// Package dynamodb simulates Amazon DynamoDB's control plane (awsJson1.0,
// API version 2012-08-10): ListTables (Limit 1-100 and
// ExclusiveStartTableName / LastEvaluatedTableName, as AWS documents),
// DescribeTable, and reading and setting point-in-time recovery.
package dynamodb

import (
	"sort"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon DynamoDB (awsJson1.0) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "dynamodb",
		Protocol: wire.JSON10,
		Ops: map[string]svc.Handler{
			"ListTables":                listTables,
			"DescribeTable":             describeTable,
			"DescribeContinuousBackups": describeContinuousBackups,
			"UpdateContinuousBackups":   updateContinuousBackups,
		},
	}
}

func validation(format string, args ...any) error {
	return wire.Errorf(400, "ValidationException", format, args...)
}

func sorted(c *svc.Ctx) []*world.DynamoDBTable {
	ts := append([]*world.DynamoDBTable(nil), c.Regional().DynamoDB.Tables...)
	sort.Slice(ts, func(i, j int) bool { return ts[i].Name < ts[j].Name })
	return ts
}

func find(c *svc.Ctx, name, notFound string) (*world.DynamoDBTable, error) {
	if name == "" {
		return nil, validation("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null")
	}
	for _, t := range c.Regional().DynamoDB.Tables {
		if t.Name == name {
			return t, nil
		}
	}
	if notFound == "TableNotFoundException" {
		return nil, wire.Errorf(400, notFound, "Table not found: %s", name)
	}
	return nil, wire.Errorf(400, notFound, "Requested resource not found: Table: %s not found", name)
}

func listTables(c *svc.Ctx) (any, error) {
	var in struct {
		ExclusiveStartTableName string
		Limit                   *int
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 100 {
			return nil, validation("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100 and greater than or equal to 1", *in.Limit)
		}
		limit = *in.Limit
	}
	names := []string{}
	for _, t := range sorted(c) {
		if t.Name > in.ExclusiveStartTableName {
			names = append(names, t.Name)
		}
	}
	out := map[string]any{}
	if len(names) > limit {
		names = names[:limit]
		out["LastEvaluatedTableName"] = names[limit-1]
	}
	out["TableNames"] = names
	return out, nil
}

func epoch(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

func describeTable(c *svc.Ctx) (any, error) {
	var in struct{ TableName string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	t, err := find(c, in.TableName, "ResourceNotFoundException")
	if err != nil {
		return nil, err
	}
	mode := t.BillingMode
	if mode == "" {
		mode = "PROVISIONED"
	}
	status := t.Status
	if status == "" {
		status = "ACTIVE"
	}
	table := map[string]any{
		"TableName": t.Name, "TableArn": c.ARN("dynamodb", "table/"+t.Name), "TableId": "tbl-" + c.Account.ID + "-" + t.Name,
		"TableStatus": status, "CreationDateTime": epoch(t.Created), "ItemCount": t.Items, "TableSizeBytes": t.Items * 100,
		"KeySchema":            []map[string]string{{"AttributeName": "pk", "KeyType": "HASH"}},
		"AttributeDefinitions": []map[string]string{{"AttributeName": "pk", "AttributeType": "S"}},
		"BillingModeSummary":   map[string]any{"BillingMode": mode},
		"ProvisionedThroughput": map[string]any{"NumberOfDecreasesToday": 0, "ReadCapacityUnits": t.ReadCapacity,
			"WriteCapacityUnits": t.WriteCapacity},
		"DeletionProtectionEnabled": t.DeletionProtection,
	}
	if t.KMSKeyID != "" {
		table["SSEDescription"] = map[string]any{"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": t.KMSKeyID}
	}
	return map[string]any{"Table": table}, nil
}

func backups(c *svc.Ctx, t *world.DynamoDBTable) map[string]any {
	pitr := map[string]any{"PointInTimeRecoveryStatus": "DISABLED"}
	if t.PITR {
		latest := c.Now().Add(-5 * time.Minute)
		earliest := latest.Add(-35 * 24 * time.Hour)
		if t.Created.After(earliest) {
			earliest = t.Created
		}
		pitr = map[string]any{"PointInTimeRecoveryStatus": "ENABLED", "RecoveryPeriodInDays": 35,
			"EarliestRestorableDateTime": epoch(earliest), "LatestRestorableDateTime": epoch(latest)}
	}
	return map[string]any{"ContinuousBackupsDescription": map[string]any{"ContinuousBackupsStatus": "ENABLED",
		"PointInTimeRecoveryDescription": pitr}}
}

func describeContinuousBackups(c *svc.Ctx) (any, error) {
	var in struct{ TableName string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	t, err := find(c, in.TableName, "TableNotFoundException")
	if err != nil {
		return nil, err
	}
	return backups(c, t), nil
}

func updateContinuousBackups(c *svc.Ctx) (any, error) {
	var in struct {
		TableName                        string
		PointInTimeRecoverySpecification *struct{ PointInTimeRecoveryEnabled *bool }
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	t, err := find(c, in.TableName, "TableNotFoundException")
	if err != nil {
		return nil, err
	}
	if in.PointInTimeRecoverySpecification == nil || in.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled == nil {
		return nil, validation("1 validation error detected: Value null at 'pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled' failed to satisfy constraint: Member must not be null")
	}
	t.PITR = *in.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled
	return backups(c, t), nil
}
