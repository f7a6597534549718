package apigateway_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	gwapi "github.com/aws/aws-sdk-go-v2/service/apigateway"
	gwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	gw2api "github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	gw2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

var created = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// seed: the member account has a REST API with a hardened and a bare
// stage (the hardened one associated with a web ACL by name), n more REST
// APIs, and an HTTP and a WebSocket API.
func seed(n int) *world.World {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	r.WAFv2.WebACLs = []*world.WebACL{{Name: "edge-acl"}}
	r.APIGateway.RestAPIs = []*world.RestAPI{{
		ID: "a1b2c3d4e5", Name: "orders", Created: created, Deployments: []string{"dep001"}, Tags: map[string]string{"team": "shop"},
		Stages: []*world.RestStage{
			{Name: "prod", DeploymentID: "dep001", ClientCertificateID: "cert01", Tracing: true, CacheCluster: true, WebACL: "edge-acl",
				AccessLogDestination: "arn:aws:logs:eu-west-1:222222222222:log-group:api-access", Created: created,
				MethodSettings: map[string]*world.MethodSetting{
					"*/*":         {LoggingLevel: "INFO", Metrics: true, Caching: true, CacheEncrypted: true},
					"reports/GET": {LoggingLevel: "OFF", Caching: true},
				}},
			{Name: "dev", DeploymentID: "dep001", Created: created},
		},
	}}
	for i := 0; i < n; i++ {
		r.APIGateway.RestAPIs = append(r.APIGateway.RestAPIs, &world.RestAPI{Name: fmt.Sprintf("bulk-%02d", i), Created: created})
	}
	r.APIGateway.APIs = []*world.GatewayAPI{
		{Name: "catalog", Protocol: "HTTP", Created: created,
			Routes: []*world.GatewayRoute{{Key: "GET /items", AuthorizationType: "JWT", AuthorizerID: "auth01"}, {Key: "$default"}},
			Stages: []*world.GatewayStage{{Name: "$default", AutoDeploy: true, AccessLogDestination: "arn:aws:logs:eu-west-1:222222222222:log-group:http", Created: created}}},
		{Name: "chat", Protocol: "WEBSOCKET", Created: created,
			Routes: []*world.GatewayRoute{{Key: "$connect", AuthorizationType: "AWS_IAM"}, {Key: "sendmessage"}},
			Stages: []*world.GatewayStage{{Name: "live", LoggingLevel: "ERROR", RouteLogging: map[string]string{"sendmessage": "OFF"}, Created: created}}},
	}
	return w
}

func clients(t *testing.T, s *simtest.Sim, account, region string) (*gwapi.Client, *gw2api.Client) {
	cfg := s.Config(t, account, region)
	return gwapi.NewFromConfig(cfg), gw2api.NewFromConfig(cfg)
}

func TestRestAPIsAndStages(t *testing.T) {
	s := simtest.Start(t, seed(0))
	c, _ := clients(t, s, simtest.Member, region)
	ctx := context.Background()
	out, err := c.GetRestApis(ctx, &gwapi.GetRestApisInput{})
	if err != nil || len(out.Items) != 1 || out.Position != nil {
		t.Fatalf("%+v %v", out, err)
	}
	a := out.Items[0]
	if aws.ToString(a.Id) != "a1b2c3d4e5" || aws.ToString(a.Name) != "orders" || !aws.ToTime(a.CreatedDate).Equal(created) ||
		a.EndpointConfiguration == nil || fmt.Sprint(a.EndpointConfiguration.Types) != "[REGIONAL]" || a.Tags["team"] != "shop" {
		t.Errorf("rest api = %+v", a)
	}
	st, err := c.GetStages(ctx, &gwapi.GetStagesInput{RestApiId: a.Id})
	if err != nil || len(st.Item) != 2 {
		t.Fatalf("%+v %v", st, err)
	}
	prod, dev := st.Item[0], st.Item[1]
	all, reports := prod.MethodSettings["*/*"], prod.MethodSettings["reports/GET"]
	if aws.ToString(prod.StageName) != "prod" || aws.ToString(prod.ClientCertificateId) != "cert01" || !prod.TracingEnabled ||
		!prod.CacheClusterEnabled || prod.CacheClusterStatus != gwtypes.CacheClusterStatusAvailable ||
		aws.ToString(prod.WebAclArn) == "" || prod.AccessLogSettings == nil ||
		aws.ToString(all.LoggingLevel) != "INFO" || !all.CachingEnabled || !all.CacheDataEncrypted ||
		aws.ToString(reports.LoggingLevel) != "OFF" || reports.CacheDataEncrypted {
		t.Errorf("prod = %+v", prod)
	}
	if want := "arn:aws:wafv2:eu-west-1:222222222222:regional/webacl/edge-acl/"; len(aws.ToString(prod.WebAclArn)) <= len(want) ||
		aws.ToString(prod.WebAclArn)[:len(want)] != want {
		t.Errorf("webAclArn = %s", aws.ToString(prod.WebAclArn))
	}
	if dev.ClientCertificateId != nil || dev.TracingEnabled || dev.WebAclArn != nil || len(dev.MethodSettings) != 0 || dev.AccessLogSettings != nil {
		t.Errorf("dev = %+v", dev)
	}
	var nf *gwtypes.NotFoundException
	if _, err := c.GetStages(ctx, &gwapi.GetStagesInput{RestApiId: aws.String("nope000000")}); !errors.As(err, &nf) {
		t.Errorf("stages of a missing API: %v", err)
	}
	if _, err := c.GetStage(ctx, &gwapi.GetStageInput{RestApiId: a.Id, StageName: aws.String("qa")}); !errors.As(err, &nf) {
		t.Errorf("missing stage: %v", err)
	}
}

func TestRestAPIPagination(t *testing.T) {
	s := simtest.Start(t, seed(26))
	c, _ := clients(t, s, simtest.Member, region)
	ctx := context.Background()
	var names []string
	var pos *string
	pages := 0
	for {
		o, err := c.GetRestApis(ctx, &gwapi.GetRestApisInput{Limit: aws.Int32(10), Position: pos})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, a := range o.Items {
			names = append(names, aws.ToString(a.Name))
		}
		if o.Position == nil {
			break
		}
		pos = o.Position
	}
	if len(names) != 27 || pages != 3 || names[26] != "bulk-25" {
		t.Errorf("%d APIs in %d pages: %v", len(names), pages, names)
	}
	// The default page is 25, as API Gateway documents.
	if o, err := c.GetRestApis(ctx, &gwapi.GetRestApisInput{}); err != nil || len(o.Items) != 25 || o.Position == nil {
		t.Errorf("default page: %d items, %v", len(o.Items), err)
	}
	var bad *gwtypes.BadRequestException
	if _, err := c.GetRestApis(ctx, &gwapi.GetRestApisInput{Limit: aws.Int32(501)}); !errors.As(err, &bad) {
		t.Errorf("limit 501: %v", err)
	}
	if _, err := c.GetRestApis(ctx, &gwapi.GetRestApisInput{Position: aws.String("forged")}); code(err) != "BadRequestException" {
		t.Errorf("forged position: %v", err)
	}
}

// TestRestWriteThenRead creates an API, a deployment and a stage, then
// sets the stage's logging, tracing, client certificate and cache through
// UpdateStage's patch operations, and reads them back.
func TestRestWriteThenRead(t *testing.T) {
	s := simtest.Start(t, seed(0))
	c, _ := clients(t, s, simtest.Member, region)
	ctx := context.Background()
	api, err := c.CreateRestApi(ctx, &gwapi.CreateRestApiInput{Name: aws.String("billing"),
		EndpointConfiguration: &gwtypes.EndpointConfiguration{Types: []gwtypes.EndpointType{gwtypes.EndpointTypePrivate}}})
	if err != nil || len(aws.ToString(api.Id)) != 10 {
		t.Fatalf("%+v %v", api, err)
	}
	dep, err := c.CreateDeployment(ctx, &gwapi.CreateDeploymentInput{RestApiId: api.Id})
	if err != nil {
		t.Fatal(err)
	}
	var nf *gwtypes.NotFoundException
	if _, err := c.CreateStage(ctx, &gwapi.CreateStageInput{RestApiId: api.Id, StageName: aws.String("v1"), DeploymentId: aws.String("nodep")}); !errors.As(err, &nf) {
		t.Errorf("unknown deployment: %v", err)
	}
	if _, err := c.CreateStage(ctx, &gwapi.CreateStageInput{RestApiId: api.Id, StageName: aws.String("v1"), DeploymentId: dep.Id}); err != nil {
		t.Fatal(err)
	}
	var dup *gwtypes.ConflictException
	if _, err := c.CreateStage(ctx, &gwapi.CreateStageInput{RestApiId: api.Id, StageName: aws.String("v1"), DeploymentId: dep.Id}); !errors.As(err, &dup) {
		t.Errorf("second v1: %v", err)
	}
	replace := func(path, value string) gwtypes.PatchOperation {
		return gwtypes.PatchOperation{Op: gwtypes.OpReplace, Path: aws.String(path), Value: aws.String(value)}
	}
	up, err := c.UpdateStage(ctx, &gwapi.UpdateStageInput{RestApiId: api.Id, StageName: aws.String("v1"), PatchOperations: []gwtypes.PatchOperation{
		replace("/*/*/logging/loglevel", "ERROR"), replace("/tracingEnabled", "true"), replace("/clientCertificateId", "cert9"),
		replace("/cacheClusterEnabled", "true"), replace("/~1reports/GET/caching/enabled", "true"),
		replace("/accessLogSettings/destinationArn", "arn:aws:logs:eu-west-1:222222222222:log-group:billing"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(up.MethodSettings["*/*"].LoggingLevel) != "ERROR" || !up.MethodSettings["reports/GET"].CachingEnabled ||
		up.MethodSettings["reports/GET"].CacheDataEncrypted || !up.TracingEnabled || aws.ToString(up.ClientCertificateId) != "cert9" {
		t.Errorf("updated = %+v", up)
	}
	// An invalid operation changes nothing.
	var bad *gwtypes.BadRequestException
	if _, err := c.UpdateStage(ctx, &gwapi.UpdateStageInput{RestApiId: api.Id, StageName: aws.String("v1"), PatchOperations: []gwtypes.PatchOperation{
		replace("/tracingEnabled", "false"), replace("/*/*/logging/loglevel", "LOUD")}}); !errors.As(err, &bad) {
		t.Errorf("bad level: %v", err)
	}
	got, err := c.GetStage(ctx, &gwapi.GetStageInput{RestApiId: api.Id, StageName: aws.String("v1")})
	if err != nil || !got.TracingEnabled || aws.ToString(got.MethodSettings["*/*"].LoggingLevel) != "ERROR" || got.AccessLogSettings == nil ||
		aws.ToString(got.AccessLogSettings.DestinationArn) != "arn:aws:logs:eu-west-1:222222222222:log-group:billing" {
		t.Errorf("read back = %+v %v", got, err)
	}
	if o, err := c.GetRestApis(ctx, &gwapi.GetRestApisInput{}); err != nil || len(o.Items) != 2 {
		t.Errorf("after create: %+v %v", o, err)
	}
}

func TestV2APIs(t *testing.T) {
	s := simtest.Start(t, seed(0))
	_, c := clients(t, s, simtest.Member, region)
	ctx := context.Background()
	out, err := c.GetApis(ctx, &gw2api.GetApisInput{})
	if err != nil || len(out.Items) != 2 || out.NextToken != nil {
		t.Fatalf("%+v %v", out, err)
	}
	h, ws := out.Items[0], out.Items[1]
	if aws.ToString(h.Name) != "catalog" || h.ProtocolType != gw2types.ProtocolTypeHttp || len(aws.ToString(h.ApiId)) != 10 ||
		!aws.ToTime(h.CreatedDate).Equal(created) || aws.ToString(h.RouteSelectionExpression) != "${request.method} ${request.path}" {
		t.Errorf("http api = %+v", h)
	}
	if ws.ProtocolType != gw2types.ProtocolTypeWebsocket || aws.ToString(ws.RouteSelectionExpression) != "$request.body.action" {
		t.Errorf("websocket api = %+v", ws)
	}
	p1, err := c.GetApis(ctx, &gw2api.GetApisInput{MaxResults: aws.String("1")})
	if err != nil || len(p1.Items) != 1 || p1.NextToken == nil {
		t.Fatalf("page 1: %+v %v", p1, err)
	}
	if p2, err := c.GetApis(ctx, &gw2api.GetApisInput{MaxResults: aws.String("1"), NextToken: p1.NextToken}); err != nil ||
		len(p2.Items) != 1 || p2.NextToken != nil || aws.ToString(p2.Items[0].Name) != "chat" {
		t.Errorf("page 2: %+v %v", p2, err)
	}
	var bad *gw2types.BadRequestException
	if _, err := c.GetApis(ctx, &gw2api.GetApisInput{MaxResults: aws.String("many")}); !errors.As(err, &bad) {
		t.Errorf("maxResults many: %v", err)
	}
	rs, err := c.GetRoutes(ctx, &gw2api.GetRoutesInput{ApiId: h.ApiId})
	if err != nil || len(rs.Items) != 2 || rs.Items[0].AuthorizationType != gw2types.AuthorizationTypeJwt ||
		aws.ToString(rs.Items[0].AuthorizerId) != "auth01" || rs.Items[1].AuthorizationType != gw2types.AuthorizationTypeNone ||
		len(aws.ToString(rs.Items[0].RouteId)) != 7 {
		t.Errorf("routes = %+v %v", rs, err)
	}
	r1, err := c.GetRoutes(ctx, &gw2api.GetRoutesInput{ApiId: h.ApiId, MaxResults: aws.String("1")})
	if err != nil || len(r1.Items) != 1 || r1.NextToken == nil {
		t.Fatalf("routes page 1: %+v %v", r1, err)
	}
	if r2, err := c.GetRoutes(ctx, &gw2api.GetRoutesInput{ApiId: h.ApiId, MaxResults: aws.String("1"), NextToken: r1.NextToken}); err != nil ||
		len(r2.Items) != 1 || r2.NextToken != nil || aws.ToString(r2.Items[0].RouteKey) != "$default" {
		t.Errorf("routes page 2: %+v %v", r2, err)
	}
	if _, err := c.GetRoutes(ctx, &gw2api.GetRoutesInput{ApiId: h.ApiId, NextToken: aws.String("forged")}); !errors.As(err, &bad) {
		t.Errorf("forged token: %v", err)
	}
	st, err := c.GetStages(ctx, &gw2api.GetStagesInput{ApiId: ws.ApiId})
	if err != nil || len(st.Items) != 1 {
		t.Fatalf("%+v %v", st, err)
	}
	live := st.Items[0]
	if live.DefaultRouteSettings == nil || live.DefaultRouteSettings.LoggingLevel != gw2types.LoggingLevelError ||
		live.RouteSettings["sendmessage"].LoggingLevel != gw2types.LoggingLevelOff || live.AccessLogSettings != nil {
		t.Errorf("live = %+v", live)
	}
	hs, err := c.GetStages(ctx, &gw2api.GetStagesInput{ApiId: h.ApiId})
	if err != nil || len(hs.Items) != 1 || hs.Items[0].AccessLogSettings == nil || hs.Items[0].DefaultRouteSettings.LoggingLevel != "" {
		t.Errorf("http stages = %+v %v", hs, err)
	}
	var nf *gw2types.NotFoundException
	if _, err := c.GetRoutes(ctx, &gw2api.GetRoutesInput{ApiId: aws.String("nope000000")}); !errors.As(err, &nf) {
		t.Errorf("routes of a missing API: %v", err)
	}
	if _, err := c.GetStages(ctx, &gw2api.GetStagesInput{ApiId: aws.String("nope000000")}); !errors.As(err, &nf) {
		t.Errorf("stages of a missing API: %v", err)
	}
}

// TestV2WriteThenRead: the checks API Gateway makes on routes and stages.
func TestV2WriteThenRead(t *testing.T) {
	s := simtest.Start(t, simtest.NewWorld())
	_, c := clients(t, s, simtest.Member, region)
	ctx := context.Background()
	var bad *gw2types.BadRequestException
	if _, err := c.CreateApi(ctx, &gw2api.CreateApiInput{Name: aws.String("x"), ProtocolType: gw2types.ProtocolTypeWebsocket}); !errors.As(err, &bad) {
		t.Errorf("websocket without route selection: %v", err)
	}
	ws, err := c.CreateApi(ctx, &gw2api.CreateApiInput{Name: aws.String("feed"), ProtocolType: gw2types.ProtocolTypeWebsocket,
		RouteSelectionExpression: aws.String("$request.body.action")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRoute(ctx, &gw2api.CreateRouteInput{ApiId: ws.ApiId, RouteKey: aws.String("$connect"), AuthorizationType: gw2types.AuthorizationTypeAwsIam}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRoute(ctx, &gw2api.CreateRouteInput{ApiId: ws.ApiId, RouteKey: aws.String("push"), AuthorizationType: gw2types.AuthorizationTypeAwsIam}); !errors.As(err, &bad) {
		t.Errorf("authorization on a non-$connect WebSocket route: %v", err)
	}
	var dup *gw2types.ConflictException
	if _, err := c.CreateRoute(ctx, &gw2api.CreateRouteInput{ApiId: ws.ApiId, RouteKey: aws.String("$connect")}); !errors.As(err, &dup) {
		t.Errorf("second $connect: %v", err)
	}
	if _, err := c.CreateStage(ctx, &gw2api.CreateStageInput{ApiId: ws.ApiId, StageName: aws.String("prod"),
		DefaultRouteSettings: &gw2types.RouteSettings{LoggingLevel: gw2types.LoggingLevelInfo},
		AccessLogSettings:    &gw2types.AccessLogSettings{DestinationArn: aws.String("arn:aws:logs:eu-west-1:222222222222:log-group:ws"), Format: aws.String("$context.requestId")}}); err != nil {
		t.Fatal(err)
	}
	h, err := c.CreateApi(ctx, &gw2api.CreateApiInput{Name: aws.String("shop"), ProtocolType: gw2types.ProtocolTypeHttp})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRoute(ctx, &gw2api.CreateRouteInput{ApiId: h.ApiId, RouteKey: aws.String("fetch things")}); !errors.As(err, &bad) {
		t.Errorf("bad HTTP route key: %v", err)
	}
	if _, err := c.CreateRoute(ctx, &gw2api.CreateRouteInput{ApiId: h.ApiId, RouteKey: aws.String("GET /cart"), AuthorizationType: gw2types.AuthorizationTypeJwt}); !errors.As(err, &bad) {
		t.Errorf("JWT without authorizer: %v", err)
	}
	if _, err := c.CreateRoute(ctx, &gw2api.CreateRouteInput{ApiId: h.ApiId, RouteKey: aws.String("GET /cart")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateStage(ctx, &gw2api.CreateStageInput{ApiId: h.ApiId, StageName: aws.String("$default"),
		DefaultRouteSettings: &gw2types.RouteSettings{LoggingLevel: gw2types.LoggingLevelInfo}}); !errors.As(err, &bad) {
		t.Errorf("execution logging on an HTTP API: %v", err)
	}
	st, err := c.GetStages(ctx, &gw2api.GetStagesInput{ApiId: ws.ApiId})
	if err != nil || len(st.Items) != 1 || st.Items[0].DefaultRouteSettings.LoggingLevel != gw2types.LoggingLevelInfo ||
		aws.ToString(st.Items[0].AccessLogSettings.Format) != "$context.requestId" {
		t.Errorf("read back = %+v %v", st, err)
	}
	rs, err := c.GetRoutes(ctx, &gw2api.GetRoutesInput{ApiId: ws.ApiId})
	if err != nil || len(rs.Items) != 1 || rs.Items[0].AuthorizationType != gw2types.AuthorizationTypeAwsIam {
		t.Errorf("routes = %+v %v", rs, err)
	}
}

// TestIsolation: another account, and another region of the same account,
// see none of the member's APIs.
func TestIsolation(t *testing.T) {
	s := simtest.Start(t, seed(0))
	for _, where := range []struct{ account, region string }{{simtest.Management, region}, {simtest.Member, "us-east-1"}} {
		c, c2 := clients(t, s, where.account, where.region)
		o, err := c.GetRestApis(context.Background(), &gwapi.GetRestApisInput{})
		if err != nil || len(o.Items) != 0 {
			t.Errorf("%v REST APIs: %+v %v", where, o, err)
		}
		o2, err := c2.GetApis(context.Background(), &gw2api.GetApisInput{})
		if err != nil || len(o2.Items) != 0 {
			t.Errorf("%v v2 APIs: %+v %v", where, o2, err)
		}
		if _, err := c.GetStages(context.Background(), &gwapi.GetStagesInput{RestApiId: aws.String("a1b2c3d4e5")}); code(err) != "NotFoundException" {
			t.Errorf("%v member's stages: %v", where, err)
		}
	}
}
