package dynamodb_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ddbapi "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

var created = time.Date(2023, 3, 4, 5, 6, 7, 0, time.UTC)

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func seed(extra int) *world.World {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	r.DynamoDB.Tables = []*world.DynamoDBTable{
		{Name: "orders", BillingMode: "PAY_PER_REQUEST", DeletionProtection: true, PITR: true, KMSKeyID: "arn:aws:kms:eu-west-1:222222222222:key/k", Items: 10, Created: created},
		{Name: "cache", ReadCapacity: 5, WriteCapacity: 5, Created: created},
	}
	for i := 0; i < extra; i++ {
		r.DynamoDB.Tables = append(r.DynamoDB.Tables, &world.DynamoDBTable{Name: fmt.Sprintf("t%03d", i), Created: created})
	}
	return w
}

func TestTables(t *testing.T) {
	s := simtest.Start(t, seed(0))
	c := ddbapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	l, err := c.ListTables(ctx, &ddbapi.ListTablesInput{})
	if err != nil || fmt.Sprint(l.TableNames) != "[cache orders]" || l.LastEvaluatedTableName != nil {
		t.Fatalf("%+v %v", l, err)
	}
	d, err := c.DescribeTable(ctx, &ddbapi.DescribeTableInput{TableName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	o := d.Table
	if aws.ToString(o.TableArn) != "arn:aws:dynamodb:eu-west-1:222222222222:table/orders" || !aws.ToBool(o.DeletionProtectionEnabled) ||
		o.BillingModeSummary.BillingMode != ddbtypes.BillingModePayPerRequest || o.TableStatus != ddbtypes.TableStatusActive ||
		o.SSEDescription == nil || aws.ToString(o.SSEDescription.KMSMasterKeyArn) == "" || !aws.ToTime(o.CreationDateTime).Equal(created) {
		t.Errorf("orders = %+v", o)
	}
	var nf *ddbtypes.ResourceNotFoundException
	if _, err := c.DescribeTable(ctx, &ddbapi.DescribeTableInput{TableName: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("missing table: %v", err)
	}
	if _, err := c.ListTables(ctx, &ddbapi.ListTablesInput{Limit: aws.Int32(101)}); code(err) != "ValidationException" {
		t.Errorf("Limit 101: %v", err)
	}
}

func TestPagination(t *testing.T) {
	s := simtest.Start(t, seed(148))
	c := ddbapi.NewFromConfig(s.Config(t, simtest.Member, region))
	var names []string
	var start *string
	pages := 0
	for {
		l, err := c.ListTables(context.Background(), &ddbapi.ListTablesInput{ExclusiveStartTableName: start})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		names = append(names, l.TableNames...)
		if l.LastEvaluatedTableName == nil {
			break
		}
		start = l.LastEvaluatedTableName
	}
	if len(names) != 150 || pages != 2 || names[149] != "t147" {
		t.Errorf("%d tables in %d pages", len(names), pages)
	}
}

func TestPointInTimeRecoveryAndIsolation(t *testing.T) {
	s := simtest.Start(t, seed(0))
	c := ddbapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	b, err := c.DescribeContinuousBackups(ctx, &ddbapi.DescribeContinuousBackupsInput{TableName: aws.String("orders")})
	if err != nil || b.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus != ddbtypes.PointInTimeRecoveryStatusEnabled {
		t.Errorf("orders PITR = %+v %v", b, err)
	}
	b, err = c.DescribeContinuousBackups(ctx, &ddbapi.DescribeContinuousBackupsInput{TableName: aws.String("cache")})
	if err != nil || b.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus != ddbtypes.PointInTimeRecoveryStatusDisabled {
		t.Errorf("cache PITR = %+v %v", b, err)
	}
	if _, err := c.UpdateContinuousBackups(ctx, &ddbapi.UpdateContinuousBackupsInput{TableName: aws.String("cache"),
		PointInTimeRecoverySpecification: &ddbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	b, err = c.DescribeContinuousBackups(ctx, &ddbapi.DescribeContinuousBackupsInput{TableName: aws.String("cache")})
	if err != nil || b.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus != ddbtypes.PointInTimeRecoveryStatusEnabled {
		t.Errorf("read after write = %+v %v", b, err)
	}
	var nf *ddbtypes.TableNotFoundException
	if _, err := c.DescribeContinuousBackups(ctx, &ddbapi.DescribeContinuousBackupsInput{TableName: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("missing table: %v", err)
	}
	for _, other := range []*ddbapi.Client{
		ddbapi.NewFromConfig(s.Config(t, simtest.Management, region)),
		ddbapi.NewFromConfig(s.Config(t, simtest.Member, "us-west-2")),
	} {
		if l, err := other.ListTables(ctx, &ddbapi.ListTablesInput{}); err != nil || len(l.TableNames) != 0 {
			t.Errorf("isolation: %+v %v", l, err)
		}
	}
}

// TestDemoData decodes every profile of the demo data file.
func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.DynamoDB]("dynamodb")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) == 0 {
		t.Fatal("no profiles")
	}
}
