package sfn_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sfnsdk "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestListPagination(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	for i := range 130 {
		r.StepFunctions.StateMachines = append(r.StepFunctions.StateMachines, &world.StateMachine{Name: fmt.Sprintf("sm%03d", i)})
	}
	c := sfnsdk.NewFromConfig(simtest.Start(t, w).Config(t, simtest.Member, region))
	ctx := context.Background()
	var names []string
	var token *string
	pages := 0
	for {
		out, err := c.ListStateMachines(ctx, &sfnsdk.ListStateMachinesInput{NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, m := range out.StateMachines {
			names = append(names, aws.ToString(m.Name))
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if len(names) != 130 || pages != 2 {
		t.Errorf("%d state machines in %d pages (default 100)", len(names), pages)
	}
	if _, err := c.ListStateMachines(ctx, &sfnsdk.ListStateMachinesInput{MaxResults: 1001}); code(err) != "ValidationException" {
		t.Errorf("maxResults 1001: %v", err)
	}
	if _, err := c.ListStateMachines(ctx, &sfnsdk.ListStateMachinesInput{NextToken: aws.String("x")}); code(err) != "InvalidToken" {
		t.Errorf("bad token: %v", err)
	}
}

func TestWriteThenRead(t *testing.T) {
	s := simtest.Start(t, nil)
	c := sfnsdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	def := `{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}`
	out, err := c.CreateStateMachine(ctx, &sfnsdk.CreateStateMachineInput{Name: aws.String("orders"), Definition: aws.String(def),
		RoleArn: aws.String("arn:aws:iam::222222222222:role/sfn")})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.StateMachineArn)
	if arn != "arn:aws:states:eu-west-1:222222222222:stateMachine:orders" {
		t.Errorf("arn = %s", arn)
	}
	if _, err := c.CreateStateMachine(ctx, &sfnsdk.CreateStateMachineInput{Name: aws.String("orders"), Definition: aws.String(def), RoleArn: aws.String("r")}); code(err) != "StateMachineAlreadyExists" {
		t.Errorf("duplicate: %v", err)
	}
	d, err := c.DescribeStateMachine(ctx, &sfnsdk.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err != nil || d.LoggingConfiguration.Level != types.LogLevelOff || d.Type != types.StateMachineTypeStandard || !d.CreationDate.Equal(simtest.Now) {
		t.Errorf("describe = %+v %v", d, err)
	}
	if _, err := c.UpdateStateMachine(ctx, &sfnsdk.UpdateStateMachineInput{StateMachineArn: aws.String(arn),
		LoggingConfiguration: &types.LoggingConfiguration{Level: types.LogLevelError}}); code(err) != "InvalidLoggingConfiguration" {
		t.Errorf("no destination: %v", err)
	}
	group := "arn:aws:logs:eu-west-1:222222222222:log-group:/aws/states/orders:*"
	if _, err := c.UpdateStateMachine(ctx, &sfnsdk.UpdateStateMachineInput{StateMachineArn: aws.String(arn),
		LoggingConfiguration: &types.LoggingConfiguration{Level: types.LogLevelAll, IncludeExecutionData: true,
			Destinations: []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String(group)}}}}}); err != nil {
		t.Fatal(err)
	}
	d, err = c.DescribeStateMachine(ctx, &sfnsdk.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err != nil || d.LoggingConfiguration.Level != types.LogLevelAll || aws.ToString(d.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn) != group {
		t.Errorf("after update = %+v %v", d, err)
	}
	if _, err := c.DescribeStateMachine(ctx, &sfnsdk.DescribeStateMachineInput{StateMachineArn: aws.String("nope")}); code(err) != "InvalidArn" {
		t.Errorf("bad arn: %v", err)
	}
	for _, other := range []*sfnsdk.Client{sfnsdk.NewFromConfig(s.Config(t, simtest.Management, region)), sfnsdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))} {
		l, err := other.ListStateMachines(ctx, &sfnsdk.ListStateMachinesInput{})
		if err != nil || len(l.StateMachines) != 0 {
			t.Errorf("other sees %v %v", l, err)
		}
		if _, err := other.DescribeStateMachine(ctx, &sfnsdk.DescribeStateMachineInput{StateMachineArn: aws.String(arn)}); code(err) != "StateMachineDoesNotExist" {
			t.Errorf("other describes: %v", err)
		}
	}
}
