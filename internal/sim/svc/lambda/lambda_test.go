package lambda_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

var ctx = context.Background()

const region = "eu-west-1"

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func arn(name string) string {
	return "arn:aws:lambda:" + region + ":" + simtest.Member + ":function:" + name
}

func seeded() *world.World {
	w := simtest.NewWorld()
	t0 := time.Date(2024, 3, 1, 10, 20, 30, 0, time.UTC)
	w.Accounts[simtest.Member].In(region).Lambda.Functions = []*world.LambdaFunction{
		{Name: "api", Runtime: "python3.12", Handler: "app.handler", Role: "arn:aws:iam::222222222222:role/api", CodeSize: 1234,
			Timeout: 30, MemorySize: 512, Architectures: []string{"arm64"}, LastModified: t0, TracingMode: "Active",
			Environment: map[string]string{"SECRET_NAME": "prod/db"}, SubnetIDs: []string{"subnet-1", "subnet-2"},
			SecurityGroupIDs: []string{"sg-1"}, VpcID: "vpc-1", Tags: map[string]string{"owner": "team"}},
		{Name: "legacy", Runtime: "nodejs12.x", Handler: "index.handler", Role: "arn:aws:iam::222222222222:role/legacy", LastModified: t0,
			Permissions: []*world.LambdaPermission{{Sid: "public", Action: "lambda:InvokeFunction", Principal: "*"}},
			URL:         &world.LambdaURL{AuthType: "NONE", ID: "abcdefghijklmnopqrstuvwxyz012345", Created: t0}},
	}
	return w
}

func client(t *testing.T, s *simtest.Sim, account, r string) *lambdasdk.Client {
	return lambdasdk.NewFromConfig(s.Config(t, account, r))
}

func TestListAndGetFunctions(t *testing.T) {
	s := simtest.Start(t, seeded())
	c := client(t, s, simtest.Member, region)

	l, err := c.ListFunctions(ctx, &lambdasdk.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Functions) != 2 || l.NextMarker != nil {
		t.Fatalf("ListFunctions = %d functions, marker %v", len(l.Functions), l.NextMarker)
	}
	api := l.Functions[0]
	if aws.ToString(api.FunctionName) != "api" || aws.ToString(api.FunctionArn) != arn("api") || api.Runtime != types.RuntimePython312 ||
		aws.ToString(api.Handler) != "app.handler" || aws.ToInt64(&api.CodeSize) != 1234 || aws.ToInt32(api.Timeout) != 30 ||
		aws.ToInt32(api.MemorySize) != 512 || aws.ToString(api.LastModified) != "2024-03-01T10:20:30.000+0000" ||
		api.PackageType != types.PackageTypeZip || len(api.Architectures) != 1 || api.Architectures[0] != types.ArchitectureArm64 ||
		api.TracingConfig == nil || api.TracingConfig.Mode != types.TracingModeActive {
		t.Errorf("api = %+v", api)
	}
	if api.VpcConfig == nil || aws.ToString(api.VpcConfig.VpcId) != "vpc-1" || len(api.VpcConfig.SubnetIds) != 2 || api.VpcConfig.SecurityGroupIds[0] != "sg-1" {
		t.Errorf("vpc = %+v", api.VpcConfig)
	}
	if api.Environment == nil || api.Environment.Variables["SECRET_NAME"] != "prod/db" {
		t.Errorf("environment = %+v", api.Environment)
	}
	legacy := l.Functions[1]
	if legacy.Runtime != types.RuntimeNodejs12x || legacy.VpcConfig != nil || legacy.Environment != nil ||
		aws.ToInt32(legacy.Timeout) != 3 || aws.ToInt32(legacy.MemorySize) != 128 || legacy.Architectures[0] != types.ArchitectureX8664 ||
		legacy.TracingConfig.Mode != types.TracingModePassThrough {
		t.Errorf("legacy = %+v", legacy)
	}

	// Name, full ARN, partial ARN and $LATEST all name the function.
	for _, ref := range []string{"api", arn("api"), simtest.Member + ":function:api", "api:$LATEST", arn("api") + ":$LATEST"} {
		g, err := c.GetFunction(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String(ref)})
		if err != nil {
			t.Errorf("GetFunction(%s): %v", ref, err)
			continue
		}
		if aws.ToString(g.Configuration.FunctionArn) != arn("api") || g.Configuration.State != types.StateActive ||
			g.Code == nil || !strings.HasPrefix(aws.ToString(g.Code.Location), "https://") || aws.ToString(g.Code.RepositoryType) != "S3" ||
			g.Tags["owner"] != "team" {
			t.Errorf("GetFunction(%s) = %+v %+v %v", ref, g.Configuration, g.Code, g.Tags)
		}
	}
	gc, err := c.GetFunctionConfiguration(ctx, &lambdasdk.GetFunctionConfigurationInput{FunctionName: aws.String("legacy")})
	if err != nil || aws.ToString(gc.FunctionName) != "legacy" || aws.ToString(gc.Version) != "$LATEST" || aws.ToString(gc.RevisionId) == "" {
		t.Errorf("GetFunctionConfiguration = %+v, %v", gc, err)
	}

	// Errors.
	_, err = c.GetFunction(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String("nope")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "Function not found: "+arn("nope")) {
		t.Errorf("unknown function = %v", err)
	}
	for _, ref := range []string{"api:v1", "111111111111:function:api"} {
		if _, err := c.GetFunctionConfiguration(ctx, &lambdasdk.GetFunctionConfigurationInput{FunctionName: aws.String(ref)}); code(err) != "ResourceNotFoundException" {
			t.Errorf("GetFunctionConfiguration(%s) = %v", ref, err)
		}
	}
	var ipv *types.InvalidParameterValueException
	if _, err := c.GetFunction(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:" + simtest.Member + ":function:api")}); !errors.As(err, &ipv) {
		t.Errorf("other region ARN = %v", err)
	}
	if _, err := c.ListFunctions(ctx, &lambdasdk.ListFunctionsInput{Marker: aws.String("garbage")}); code(err) != "InvalidParameterValueException" {
		t.Errorf("bad marker = %v", err)
	}

	// Region and account isolation.
	if l, err := client(t, s, simtest.Member, "us-east-1").ListFunctions(ctx, &lambdasdk.ListFunctionsInput{}); err != nil || len(l.Functions) != 0 {
		t.Errorf("us-east-1 = %v, %v", l, err)
	}
	if l, err := client(t, s, simtest.Management, region).ListFunctions(ctx, &lambdasdk.ListFunctionsInput{}); err != nil || len(l.Functions) != 0 {
		t.Errorf("other account = %v, %v", l, err)
	}
	if _, err := client(t, s, simtest.Member, "us-east-1").GetFunction(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String("api")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("us-east-1 GetFunction = %v", err)
	}
}

func TestListFunctionsPagination(t *testing.T) {
	w := simtest.NewWorld()
	lam := &w.Accounts[simtest.Member].In(region).Lambda
	for i := 0; i < 57; i++ {
		lam.Functions = append(lam.Functions, &world.LambdaFunction{Name: fmt.Sprintf("fn-%03d", i), Runtime: "python3.12", Handler: "h"})
	}
	s := simtest.Start(t, w)
	c := client(t, s, simtest.Member, region)

	for _, tc := range []struct {
		max   int32
		pages int
	}{{0, 2}, {10, 6}, {57, 2}, {100, 2}} {
		in := &lambdasdk.ListFunctionsInput{}
		if tc.max > 0 {
			in.MaxItems = aws.Int32(tc.max)
		}
		p := lambdasdk.NewListFunctionsPaginator(c, in)
		var names []string
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, f := range out.Functions {
				names = append(names, aws.ToString(f.FunctionName))
			}
		}
		if len(names) != 57 || names[0] != "fn-000" || names[56] != "fn-056" || pages != tc.pages {
			t.Errorf("max %d: %d functions in %d pages", tc.max, len(names), pages)
		}
	}
	if _, err := c.ListFunctions(ctx, &lambdasdk.ListFunctionsInput{MaxItems: aws.Int32(0)}); code(err) != "InvalidParameterValueException" {
		t.Errorf("MaxItems 0 = %v", err)
	}
}

type policyDoc struct {
	Version   string
	Id        string
	Statement []map[string]any
}

func TestPermissions(t *testing.T) {
	s := simtest.Start(t, seeded())
	c := client(t, s, simtest.Member, region)

	// No policy yet.
	_, err := c.GetPolicy(ctx, &lambdasdk.GetPolicyInput{FunctionName: aws.String("api")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("GetPolicy without policy = %v", err)
	}

	// Seeded public policy.
	p, err := c.GetPolicy(ctx, &lambdasdk.GetPolicyInput{FunctionName: aws.String("legacy")})
	if err != nil {
		t.Fatal(err)
	}
	var doc policyDoc
	if err := json.Unmarshal([]byte(aws.ToString(p.Policy)), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2012-10-17" || len(doc.Statement) != 1 || doc.Statement[0]["Principal"] != "*" ||
		doc.Statement[0]["Action"] != "lambda:InvokeFunction" || doc.Statement[0]["Resource"] != arn("legacy") ||
		doc.Statement[0]["Effect"] != "Allow" || doc.Statement[0]["Condition"] != nil || aws.ToString(p.RevisionId) == "" {
		t.Errorf("policy = %s", aws.ToString(p.Policy))
	}

	// AddPermission then read it back.
	a, err := c.AddPermission(ctx, &lambdasdk.AddPermissionInput{FunctionName: aws.String(arn("api")), StatementId: aws.String("s3"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"),
		SourceArn: aws.String("arn:aws:s3:::bucket"), SourceAccount: aws.String(simtest.Member)})
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(a.Statement)), &st); err != nil {
		t.Fatal(err)
	}
	cond, _ := st["Condition"].(map[string]any)
	if st["Sid"] != "s3" || fmt.Sprint(st["Principal"]) != "map[Service:s3.amazonaws.com]" || cond == nil ||
		fmt.Sprint(cond["ArnLike"]) != "map[AWS:SourceArn:arn:aws:s3:::bucket]" ||
		fmt.Sprint(cond["StringEquals"]) != "map[AWS:SourceAccount:"+simtest.Member+"]" {
		t.Errorf("statement = %s", aws.ToString(a.Statement))
	}
	if _, err := c.AddPermission(ctx, &lambdasdk.AddPermissionInput{FunctionName: aws.String("api"), StatementId: aws.String("url"),
		Action: aws.String("lambda:InvokeFunctionUrl"), Principal: aws.String("123456789012"), FunctionUrlAuthType: types.FunctionUrlAuthTypeAwsIam}); err != nil {
		t.Fatal(err)
	}
	p, err = c.GetPolicy(ctx, &lambdasdk.GetPolicyInput{FunctionName: aws.String("api")})
	if err != nil {
		t.Fatal(err)
	}
	doc = policyDoc{}
	_ = json.Unmarshal([]byte(aws.ToString(p.Policy)), &doc)
	if len(doc.Statement) != 2 || doc.Statement[1]["Sid"] != "url" ||
		fmt.Sprint(doc.Statement[1]["Principal"]) != "map[AWS:arn:aws:iam::123456789012:root]" ||
		fmt.Sprint(doc.Statement[1]["Condition"]) != "map[StringEquals:map[lambda:FunctionUrlAuthType:AWS_IAM]]" {
		t.Errorf("policy after add = %s", aws.ToString(p.Policy))
	}
	rev := aws.ToString(p.RevisionId)

	// Errors: duplicate sid, bad action, wrong revision, unknown function.
	_, err = c.AddPermission(ctx, &lambdasdk.AddPermissionInput{FunctionName: aws.String("api"), StatementId: aws.String("s3"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com")})
	var rc *types.ResourceConflictException
	if !errors.As(err, &rc) {
		t.Errorf("duplicate sid = %v", err)
	}
	if _, err := c.AddPermission(ctx, &lambdasdk.AddPermissionInput{FunctionName: aws.String("api"), StatementId: aws.String("x"),
		Action: aws.String("invoke"), Principal: aws.String("*")}); code(err) != "InvalidParameterValueException" {
		t.Errorf("bad action = %v", err)
	}
	if _, err := c.AddPermission(ctx, &lambdasdk.AddPermissionInput{FunctionName: aws.String("api"), StatementId: aws.String("x"),
		Action: aws.String("lambda:*"), Principal: aws.String("*"), RevisionId: aws.String("stale")}); code(err) != "PreconditionFailedException" {
		t.Errorf("stale revision = %v", err)
	}
	if _, err := c.AddPermission(ctx, &lambdasdk.AddPermissionInput{FunctionName: aws.String("nope"), StatementId: aws.String("x"),
		Action: aws.String("lambda:*"), Principal: aws.String("*")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("unknown function = %v", err)
	}

	// RemovePermission.
	if _, err := c.RemovePermission(ctx, &lambdasdk.RemovePermissionInput{FunctionName: aws.String("api"), StatementId: aws.String("s3"), RevisionId: aws.String(rev)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RemovePermission(ctx, &lambdasdk.RemovePermissionInput{FunctionName: aws.String("api"), StatementId: aws.String("s3")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("remove twice = %v", err)
	}
	if _, err := c.RemovePermission(ctx, &lambdasdk.RemovePermissionInput{FunctionName: aws.String("api"), StatementId: aws.String("url")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetPolicy(ctx, &lambdasdk.GetPolicyInput{FunctionName: aws.String("api")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("GetPolicy after removing all = %v", err)
	}
	if _, err := c.RemovePermission(ctx, &lambdasdk.RemovePermissionInput{FunctionName: aws.String("nope"), StatementId: aws.String("s3")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("remove on unknown function = %v", err)
	}
	// Other region does not see the seeded policy's function.
	if _, err := client(t, s, simtest.Member, "us-east-1").GetPolicy(ctx, &lambdasdk.GetPolicyInput{FunctionName: aws.String("legacy")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("us-east-1 GetPolicy = %v", err)
	}
}

// TestPermissionURLAndAlexaConditions: AddPermission writes
// InvokedViaFunctionUrl as a Bool condition (only with
// lambda:InvokeFunction) and EventSourceToken as a StringEquals one, so
// that a statement read back can be added again as it was.
func TestPermissionURLAndAlexaConditions(t *testing.T) {
	s := simtest.Start(t, seeded())
	c := client(t, s, simtest.Member, region)
	if _, err := c.AddPermission(ctx, &lambdasdk.AddPermissionInput{FunctionName: aws.String("api"), StatementId: aws.String("url-invoke"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("*"), InvokedViaFunctionUrl: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddPermission(ctx, &lambdasdk.AddPermissionInput{FunctionName: aws.String("api"), StatementId: aws.String("alexa"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("alexa-connectedhome.amazon.com"),
		EventSourceToken: aws.String("amzn1.ask.skill.1234")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddPermission(ctx, &lambdasdk.AddPermissionInput{FunctionName: aws.String("api"), StatementId: aws.String("bad"),
		Action: aws.String("lambda:InvokeFunctionUrl"), Principal: aws.String("*"), InvokedViaFunctionUrl: aws.Bool(true)}); code(err) != "InvalidParameterValueException" {
		t.Errorf("InvokedViaFunctionUrl on InvokeFunctionUrl = %v", err)
	}
	p, err := c.GetPolicy(ctx, &lambdasdk.GetPolicyInput{FunctionName: aws.String("api")})
	if err != nil {
		t.Fatal(err)
	}
	var doc policyDoc
	if err := json.Unmarshal([]byte(aws.ToString(p.Policy)), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Statement) != 2 || doc.Statement[0]["Principal"] != "*" ||
		fmt.Sprint(doc.Statement[0]["Condition"]) != "map[Bool:map[lambda:InvokedViaFunctionUrl:true]]" ||
		fmt.Sprint(doc.Statement[1]["Principal"]) != "map[Service:alexa-connectedhome.amazon.com]" ||
		fmt.Sprint(doc.Statement[1]["Condition"]) != "map[StringEquals:map[lambda:EventSourceToken:amzn1.ask.skill.1234]]" {
		t.Errorf("policy = %s", aws.ToString(p.Policy))
	}
}

func TestFunctionURLs(t *testing.T) {
	s := simtest.Start(t, seeded())
	c := client(t, s, simtest.Member, region)

	g, err := c.GetFunctionUrlConfig(ctx, &lambdasdk.GetFunctionUrlConfigInput{FunctionName: aws.String("legacy")})
	if err != nil {
		t.Fatal(err)
	}
	if g.AuthType != types.FunctionUrlAuthTypeNone || aws.ToString(g.FunctionUrl) != "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws/" ||
		aws.ToString(g.FunctionArn) != arn("legacy") || g.InvokeMode != types.InvokeModeBuffered || aws.ToString(g.CreationTime) == "" {
		t.Errorf("GetFunctionUrlConfig = %+v", g)
	}
	l, err := c.ListFunctionUrlConfigs(ctx, &lambdasdk.ListFunctionUrlConfigsInput{FunctionName: aws.String("legacy")})
	if err != nil || len(l.FunctionUrlConfigs) != 1 || l.FunctionUrlConfigs[0].AuthType != types.FunctionUrlAuthTypeNone {
		t.Errorf("ListFunctionUrlConfigs = %+v, %v", l, err)
	}

	// api has none.
	l, err = c.ListFunctionUrlConfigs(ctx, &lambdasdk.ListFunctionUrlConfigsInput{FunctionName: aws.String("api")})
	if err != nil || len(l.FunctionUrlConfigs) != 0 {
		t.Errorf("ListFunctionUrlConfigs(api) = %+v, %v", l, err)
	}
	if _, err := c.GetFunctionUrlConfig(ctx, &lambdasdk.GetFunctionUrlConfigInput{FunctionName: aws.String("api")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("no url = %v", err)
	}
	cr, err := c.CreateFunctionUrlConfig(ctx, &lambdasdk.CreateFunctionUrlConfigInput{FunctionName: aws.String("api"), AuthType: types.FunctionUrlAuthTypeAwsIam})
	if err != nil {
		t.Fatal(err)
	}
	if cr.AuthType != types.FunctionUrlAuthTypeAwsIam || !regexp.MustCompile(`^https://[a-z0-9]{32}\.lambda-url\.eu-west-1\.on\.aws/$`).MatchString(aws.ToString(cr.FunctionUrl)) {
		t.Errorf("CreateFunctionUrlConfig = %+v", cr)
	}
	g, err = c.GetFunctionUrlConfig(ctx, &lambdasdk.GetFunctionUrlConfigInput{FunctionName: aws.String(arn("api"))})
	if err != nil || aws.ToString(g.FunctionUrl) != aws.ToString(cr.FunctionUrl) || g.AuthType != types.FunctionUrlAuthTypeAwsIam {
		t.Errorf("read back = %+v, %v", g, err)
	}
	if _, err := c.CreateFunctionUrlConfig(ctx, &lambdasdk.CreateFunctionUrlConfigInput{FunctionName: aws.String("api"), AuthType: types.FunctionUrlAuthTypeNone}); code(err) != "ResourceConflictException" {
		t.Errorf("create twice = %v", err)
	}
	if _, err := c.CreateFunctionUrlConfig(ctx, &lambdasdk.CreateFunctionUrlConfigInput{FunctionName: aws.String("legacy"), AuthType: "OPEN"}); code(err) != "InvalidParameterValueException" {
		t.Errorf("bad auth type = %v", err)
	}
	if _, err := c.CreateFunctionUrlConfig(ctx, &lambdasdk.CreateFunctionUrlConfigInput{FunctionName: aws.String("nope"), AuthType: types.FunctionUrlAuthTypeNone}); code(err) != "ResourceNotFoundException" {
		t.Errorf("unknown function = %v", err)
	}
	if _, err := c.DeleteFunctionUrlConfig(ctx, &lambdasdk.DeleteFunctionUrlConfigInput{FunctionName: aws.String("api")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteFunctionUrlConfig(ctx, &lambdasdk.DeleteFunctionUrlConfigInput{FunctionName: aws.String("api")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("delete twice = %v", err)
	}
	if _, err := c.GetFunctionUrlConfig(ctx, &lambdasdk.GetFunctionUrlConfigInput{FunctionName: aws.String("api")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("after delete = %v", err)
	}
	if _, err := c.ListFunctionUrlConfigs(ctx, &lambdasdk.ListFunctionUrlConfigsInput{FunctionName: aws.String("nope")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("list on unknown function = %v", err)
	}
	p := lambdasdk.NewListFunctionUrlConfigsPaginator(c, &lambdasdk.ListFunctionUrlConfigsInput{FunctionName: aws.String("legacy"), MaxItems: aws.Int32(1)})
	n := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.FunctionUrlConfigs)
	}
	if n != 1 {
		t.Errorf("paginated url configs = %d", n)
	}
	if _, err := client(t, s, simtest.Member, "us-east-1").GetFunctionUrlConfig(ctx, &lambdasdk.GetFunctionUrlConfigInput{FunctionName: aws.String("legacy")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("us-east-1 = %v", err)
	}
}

func TestListTags(t *testing.T) {
	s := simtest.Start(t, seeded())
	c := client(t, s, simtest.Member, region)
	tg, err := c.ListTags(ctx, &lambdasdk.ListTagsInput{Resource: aws.String(arn("api"))})
	if err != nil || len(tg.Tags) != 1 || tg.Tags["owner"] != "team" {
		t.Errorf("ListTags = %+v, %v", tg, err)
	}
	tg, err = c.ListTags(ctx, &lambdasdk.ListTagsInput{Resource: aws.String(arn("legacy"))})
	if err != nil || len(tg.Tags) != 0 {
		t.Errorf("ListTags(legacy) = %+v, %v", tg, err)
	}
	if _, err := c.ListTags(ctx, &lambdasdk.ListTagsInput{Resource: aws.String(arn("nope"))}); code(err) != "ResourceNotFoundException" {
		t.Errorf("unknown = %v", err)
	}
	if _, err := c.ListTags(ctx, &lambdasdk.ListTagsInput{Resource: aws.String("api")}); code(err) != "InvalidParameterValueException" {
		t.Errorf("not an ARN = %v", err)
	}
}

func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.Lambda]("lambda")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"hardened", "managed", "partial", "weak", "neglected"} {
		if _, ok := profiles[p]; !ok {
			t.Errorf("profile %s missing", p)
		}
	}
	for p, regions := range profiles {
		for r, st := range regions {
			for _, f := range st.Functions {
				if f.Name == "" || f.Role == "" || f.LastModified.IsZero() {
					t.Errorf("%s/%s: incomplete function %+v", p, r, f)
				}
			}
		}
	}
}
