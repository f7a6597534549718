package playbook_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdaapi "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const lambdaRegion = "eu-west-1"

func lambdaARN(name string) string {
	return "arn:aws:lambda:" + lambdaRegion + ":" + simtest.Member + ":function:" + name
}

// lambdaWorld gives the member account a function, webhook, whose policy
// lets EventBridge rule and an Alexa skill invoke it.
func lambdaWorld(w *world.World) {
	r := &w.Account(simtest.Member).In(lambdaRegion).Lambda
	r.Functions = append(r.Functions, &world.LambdaFunction{Name: "webhook", Runtime: "python3.12", Handler: "main.handler",
		Role: "arn:aws:iam::" + simtest.Member + ":role/webhook", LastModified: simtest.Now,
		Permissions: []*world.LambdaPermission{
			{Sid: "events", Action: "lambda:InvokeFunction", Principal: "events.amazonaws.com",
				SourceARN: "arn:aws:events:" + lambdaRegion + ":" + simtest.Member + ":rule/nightly", SourceAccount: simtest.Member},
			{Sid: "alexa", Action: "lambda:InvokeFunction", Principal: "alexa-connectedhome.amazon.com", EventSourceToken: "amzn1.ask.skill.1234"},
		}})
}

// lambdaAdd adds permissions to webhook as a user would.
func lambdaAdd(perms ...lambdaapi.AddPermissionInput) func(t *testing.T, cfg aws.Config) playbook.Resource {
	return func(t *testing.T, cfg aws.Config) playbook.Resource {
		c := lambdaapi.NewFromConfig(cfg)
		for _, in := range perms {
			in.FunctionName = aws.String("webhook")
			if _, err := c.AddPermission(context.Background(), &in); err != nil {
				t.Fatal(err)
			}
		}
		return playbook.Resource{ARN: lambdaARN("webhook")}
	}
}

func lambdaCases() []roundTrip {
	invoke := aws.String("lambda:InvokeFunction")
	return []roundTrip{
		{control: "Lambda.1", region: lambdaRegion, world: lambdaWorld, setup: lambdaAdd(
			lambdaapi.AddPermissionInput{StatementId: aws.String("public-invoke"), Action: invoke, Principal: aws.String("*")},
			// Narrowed to an organization and to an account: not public.
			lambdaapi.AddPermissionInput{StatementId: aws.String("org"), Action: invoke, Principal: aws.String("*"), PrincipalOrgID: aws.String("o-a1b2c3d4e5")},
			lambdaapi.AddPermissionInput{StatementId: aws.String("partner"), Action: invoke, Principal: aws.String("444455556666")},
		)},
		// A public function URL: both statements the console writes go,
		// and come back on rollback with their conditions.
		{name: "Lambda.1/function-url", control: "Lambda.1", region: lambdaRegion, world: lambdaWorld, setup: lambdaAdd(
			lambdaapi.AddPermissionInput{StatementId: aws.String("FunctionURLAllowPublicAccess"), Action: aws.String("lambda:InvokeFunctionUrl"),
				Principal: aws.String("*"), FunctionUrlAuthType: lambdatypes.FunctionUrlAuthTypeNone},
			lambdaapi.AddPermissionInput{StatementId: aws.String("FunctionURLInvokeAllowPublicAccess"), Action: invoke,
				Principal: aws.String("*"), InvokedViaFunctionUrl: aws.Bool(true)},
		)},
		// An S3 trigger that any account's bucket of that name could use:
		// pinned to the function's account, put back unpinned on rollback.
		{name: "Lambda.1/s3-unpinned", control: "Lambda.1", region: lambdaRegion, world: lambdaWorld, setup: lambdaAdd(
			lambdaapi.AddPermissionInput{StatementId: aws.String("s3-uploads"), Action: invoke, Principal: aws.String("s3.amazonaws.com"),
				SourceArn: aws.String("arn:aws:s3:::uploads")},
		)},
	}
}

// TestLambdaFix: exactly the statements the control fails change; the
// others are kept as they are, and a public statement that could not be
// added back skips the function.
func TestLambdaFix(t *testing.T) {
	env := playbook.Env{Account: simtest.Member, Resource: playbook.Resource{ARN: lambdaARN("webhook")}}
	events := `{"sid":"events","action":"lambda:InvokeFunction","principal":"events.amazonaws.com","source_arn":"arn:aws:events:eu-west-1:222222222222:rule/r","source_account":"222222222222"}`
	public := `{"sid":"public","action":"lambda:InvokeFunction","principal":"*"}`
	deny := `{"sid":"deny","statement":{"Sid":"deny","Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}}`
	runFixExamples(t, []fixExample{
		{name: "no policy", control: "Lambda.1", env: env, cur: `{"statements":[]}`, want: `{"statements":[]}`},
		{name: "public removed", control: "Lambda.1", env: env, cur: `{"statements":[` + events + `,` + public + `]}`, want: `{"statements":[` + events + `]}`},
		{name: "url", control: "Lambda.1", env: env,
			cur: `{"statements":[{"sid":"url","action":"lambda:InvokeFunctionUrl","principal":"*","function_url_auth_type":"NONE"},` +
				`{"sid":"url-invoke","action":"lambda:InvokeFunction","principal":"*","invoked_via_function_url":true},` +
				`{"sid":"iam-url","action":"lambda:InvokeFunctionUrl","principal":"arn:aws:iam::444455556666:role/caller","function_url_auth_type":"AWS_IAM"}]}`,
			want: `{"statements":[{"sid":"iam-url","action":"lambda:InvokeFunctionUrl","principal":"arn:aws:iam::444455556666:role/caller","function_url_auth_type":"AWS_IAM"}]}`},
		{name: "narrowed kept", control: "Lambda.1", env: env,
			cur: `{"statements":[{"sid":"org","action":"lambda:InvokeFunction","principal":"*","principal_org_id":"o-a1b2c3d4e5"},` +
				`{"sid":"src","action":"lambda:InvokeFunction","principal":"*","source_account":"444455556666"}]}`,
			want: `{"statements":[{"sid":"org","action":"lambda:InvokeFunction","principal":"*","principal_org_id":"o-a1b2c3d4e5"},` +
				`{"sid":"src","action":"lambda:InvokeFunction","principal":"*","source_account":"444455556666"}]}`},
		{name: "s3 pinned", control: "Lambda.1", env: env,
			cur:  `{"statements":[{"sid":"s3","action":"lambda:InvokeFunction","principal":"s3.amazonaws.com","source_arn":"arn:aws:s3:::uploads"}]}`,
			want: `{"statements":[{"sid":"s3","action":"lambda:InvokeFunction","principal":"s3.amazonaws.com","source_arn":"arn:aws:s3:::uploads","source_account":"222222222222"}]}`},
		{name: "s3 with account kept", control: "Lambda.1", env: env,
			cur:  `{"statements":[{"sid":"s3","action":"lambda:InvokeFunction","principal":"s3.amazonaws.com","source_arn":"arn:aws:s3:::uploads","source_account":"444455556666"}]}`,
			want: `{"statements":[{"sid":"s3","action":"lambda:InvokeFunction","principal":"s3.amazonaws.com","source_arn":"arn:aws:s3:::uploads","source_account":"444455556666"}]}`},
		{name: "statement AddPermission cannot write kept", control: "Lambda.1", env: env,
			cur: `{"statements":[` + deny + `,` + public + `]}`, want: `{"statements":[` + deny + `]}`},
		{name: "public statement AddPermission cannot write", control: "Lambda.1", env: env,
			cur:  `{"statements":[{"sid":"two","statement":{"Sid":"two","Effect":"Allow","Principal":"*","Action":["lambda:InvokeFunction","lambda:GetFunction"],"Resource":"*"}}]}`,
			skip: "statement two grants public access, but AddPermission could not add it back"},
	})
}

// TestLambdaSetRefusesWhatItCannotWrite: Read gives each statement as
// the AddPermission call that wrote it; a rollback that would have to add
// a statement AddPermission cannot write fails before changing anything.
func TestLambdaSetRefusesWhatItCannotWrite(t *testing.T) {
	w := simtest.NewWorld()
	lambdaWorld(w)
	sim := simtest.Start(t, w)
	env := playbook.Env{Config: sim.Config(t, simtest.Member, lambdaRegion), Account: simtest.Member, Region: lambdaRegion,
		Resource: playbook.Resource{ARN: lambdaARN("webhook")}, Now: simtest.Now}
	ctx := context.Background()
	p := playbook.ByControl("Lambda.1")
	cur, err := p.Read(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	// Both statements read as the AddPermission calls that wrote them.
	if !jsonEqual(cur, []byte(`{"statements":[`+
		`{"sid":"alexa","action":"lambda:InvokeFunction","principal":"alexa-connectedhome.amazon.com","event_source_token":"amzn1.ask.skill.1234"},`+
		`{"sid":"events","action":"lambda:InvokeFunction","principal":"events.amazonaws.com","source_arn":"arn:aws:events:eu-west-1:`+simtest.Member+`:rule/nightly","source_account":"`+simtest.Member+`"}]}`)) {
		t.Errorf("Read = %s", cur)
	}
	want := []byte(`{"statements":[{"sid":"two","statement":{"Sid":"two","Effect":"Deny","Principal":"*","Action":"lambda:*","Resource":"*"}}]}`)
	if err := p.Set(ctx, env, cur, want); err == nil {
		t.Fatal("Set added a statement AddPermission cannot write")
	}
	if now, err := p.Read(ctx, env); err != nil || !jsonEqual(now, cur) {
		t.Errorf("policy changed: %s, %v; was %s", now, err, cur)
	}
}

// TestLambdaGone: a function deleted since the finding is skipped, and a
// function without a policy reads as one with no statements.
func TestLambdaGone(t *testing.T) {
	w := simtest.NewWorld()
	w.Account(simtest.Member).In(lambdaRegion).Lambda.Functions = []*world.LambdaFunction{{Name: "quiet", Runtime: "python3.12"}}
	sim := simtest.Start(t, w)
	cfg := sim.Config(t, simtest.Member, lambdaRegion)
	p := playbook.ByControl("Lambda.1")
	env := playbook.Env{Config: cfg, Account: simtest.Member, Region: lambdaRegion, Resource: playbook.Resource{ARN: lambdaARN("gone")}, Now: simtest.Now}
	if _, err := p.Read(context.Background(), env); !errors.Is(err, playbook.ErrSkip) {
		t.Errorf("Read of a function that is gone = %v, want a skip", err)
	}
	env.Resource.ARN = lambdaARN("quiet")
	if s, err := p.Read(context.Background(), env); err != nil || !jsonEqual(s, []byte(`{"statements":[]}`)) {
		t.Errorf("Read of a function without a policy = %s, %v", s, err)
	}
}
