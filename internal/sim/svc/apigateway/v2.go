package apigateway

import (
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// v2Page pages an apigatewayv2 list: maxResults is a string holding a
// positive integer (default 100), nextToken an opaque token.
func v2Page[T any](c *svc.Ctx, items []T) ([]T, string, error) {
	max := 100
	if s := c.Query("maxResults"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, "", badRequest("Invalid maxResults value %q: must be a positive integer", s)
		}
		max = n
	}
	return svc.Page(items, c.Query("nextToken"), max, 100, "BadRequestException")
}

func v2List[T any](c *svc.Ctx, items []T, render func(T) map[string]any) (any, error) {
	page, next, err := v2Page(c, items)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(page))
	for _, it := range page {
		out = append(out, render(it))
	}
	res := map[string]any{"items": out}
	if next != "" {
		res["nextToken"] = next
	}
	return res, nil
}

func iso(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func findAPI(c *svc.Ctx) (*world.GatewayAPI, error) {
	id := c.Path["apiId"]
	for _, a := range c.Regional().APIGateway.APIs {
		if a.ID == id {
			return a, nil
		}
	}
	return nil, notFound("Invalid API identifier specified %s", id)
}

func gatewayAPI(c *svc.Ctx, a *world.GatewayAPI) map[string]any {
	scheme := "https"
	if a.Protocol == "WEBSOCKET" {
		scheme = "wss"
	}
	out := map[string]any{"apiId": a.ID, "name": a.Name, "protocolType": a.Protocol, "routeSelectionExpression": routeSelection(a),
		"apiEndpoint": scheme + "://" + a.ID + ".execute-api." + c.Region + ".amazonaws.com", "createdDate": iso(a.Created),
		"apiKeySelectionExpression": "$request.header.x-api-key", "disableExecuteApiEndpoint": false, "tags": tagsOrEmpty(a.Tags)}
	return out
}

func routeSelection(a *world.GatewayAPI) string {
	switch {
	case a.RouteSelection != "":
		return a.RouteSelection
	case a.Protocol == "WEBSOCKET":
		return "$request.body.action"
	}
	return "${request.method} ${request.path}"
}

func getAPIs(c *svc.Ctx) (any, error) {
	return v2List(c, c.Regional().APIGateway.APIs, func(a *world.GatewayAPI) map[string]any { return gatewayAPI(c, a) })
}

func getAPI(c *svc.Ctx) (any, error) {
	a, err := findAPI(c)
	if err != nil {
		return nil, err
	}
	return gatewayAPI(c, a), nil
}

func createAPI(c *svc.Ctx) (any, error) {
	var in struct {
		Name, ProtocolType, RouteSelectionExpression string
		Tags                                         map[string]string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Name == "" {
		return nil, badRequest("Name is required")
	}
	switch in.ProtocolType {
	case "HTTP":
	case "WEBSOCKET":
		if in.RouteSelectionExpression == "" {
			return nil, badRequest("RouteSelectionExpression is required for a WEBSOCKET API")
		}
	default:
		return nil, badRequest("Invalid protocolType %q: must be HTTP or WEBSOCKET", in.ProtocolType)
	}
	a := &world.GatewayAPI{Name: in.Name, Protocol: in.ProtocolType, RouteSelection: in.RouteSelectionExpression, Created: c.Now(), Tags: in.Tags}
	a.ID = world.APIGatewayID(10, c.Account.ID, c.Region, "v2", in.Name, strconv.FormatUint(c.World.NextID(), 10))
	c.Regional().APIGateway.APIs = append(c.Regional().APIGateway.APIs, a)
	return created(gatewayAPI(c, a))
}

func route(r *world.GatewayRoute) map[string]any {
	auth := r.AuthorizationType
	if auth == "" {
		auth = "NONE"
	}
	out := map[string]any{"routeId": r.ID, "routeKey": r.Key, "authorizationType": auth, "apiKeyRequired": false, "apiGatewayManaged": false}
	if r.AuthorizerID != "" {
		out["authorizerId"] = r.AuthorizerID
	}
	if r.Target != "" {
		out["target"] = r.Target
	}
	return out
}

func getRoutes(c *svc.Ctx) (any, error) {
	a, err := findAPI(c)
	if err != nil {
		return nil, err
	}
	return v2List(c, a.Routes, route)
}

var httpMethods = map[string]bool{"ANY": true, "GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "HEAD": true, "OPTIONS": true}

// createRoute checks what API Gateway checks: an HTTP route key is
// "$default" or "METHOD /path"; a WebSocket API takes an authorization
// type other than NONE on its $connect route only; JWT and CUSTOM need
// an authorizer; a key is used once per API.
func createRoute(c *svc.Ctx) (any, error) {
	a, err := findAPI(c)
	if err != nil {
		return nil, err
	}
	var in struct{ RouteKey, AuthorizationType, AuthorizerId, Target string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.RouteKey == "" {
		return nil, badRequest("RouteKey is required")
	}
	if a.Protocol == "HTTP" && in.RouteKey != "$default" {
		m, p, ok := strings.Cut(in.RouteKey, " ")
		if !ok || !httpMethods[m] || !strings.HasPrefix(p, "/") {
			return nil, badRequest("Invalid route key %q: use $default or an HTTP method and a path, as \"GET /pets\"", in.RouteKey)
		}
	}
	auth := in.AuthorizationType
	switch auth {
	case "", "NONE":
		auth = "NONE"
	case "AWS_IAM":
	case "CUSTOM", "JWT":
		if auth == "JWT" && a.Protocol != "HTTP" {
			return nil, badRequest("JWT authorization is supported by HTTP APIs only")
		}
		if in.AuthorizerId == "" {
			return nil, badRequest("An authorizerId is required for authorization type %s", auth)
		}
	default:
		return nil, badRequest("Invalid authorizationType %q", auth)
	}
	if a.Protocol == "WEBSOCKET" && auth != "NONE" && in.RouteKey != "$connect" {
		return nil, badRequest("Currently, authorization is restricted to the $connect route only")
	}
	for _, r := range a.Routes {
		if r.Key == in.RouteKey {
			return nil, conflict("Route with key %s already exists for this API", in.RouteKey)
		}
	}
	r := &world.GatewayRoute{ID: world.APIGatewayID(7, a.ID, in.RouteKey), Key: in.RouteKey, AuthorizationType: auth,
		AuthorizerID: in.AuthorizerId, Target: in.Target}
	a.Routes = append(a.Routes, r)
	return created(route(r))
}

func gatewayStage(a *world.GatewayAPI, s *world.GatewayStage) map[string]any {
	def := map[string]any{"detailedMetricsEnabled": s.DetailedMetrics}
	if a.Protocol == "WEBSOCKET" {
		level := s.LoggingLevel
		if level == "" {
			level = "OFF"
		}
		def["loggingLevel"], def["dataTraceEnabled"] = level, false
	}
	routes := map[string]any{}
	for k, level := range s.RouteLogging {
		routes[k] = map[string]any{"loggingLevel": level, "dataTraceEnabled": false, "detailedMetricsEnabled": false}
	}
	out := map[string]any{"stageName": s.Name, "autoDeploy": s.AutoDeploy, "defaultRouteSettings": def, "routeSettings": routes,
		"createdDate": iso(s.Created), "lastUpdatedDate": iso(s.Created), "stageVariables": map[string]string{}, "tags": tagsOrEmpty(s.Tags),
		"apiGatewayManaged": false}
	if s.AccessLogDestination != "" {
		out["accessLogSettings"] = map[string]any{"destinationArn": s.AccessLogDestination, "format": s.AccessLogFormat}
	}
	return out
}

func getStagesV2(c *svc.Ctx) (any, error) {
	a, err := findAPI(c)
	if err != nil {
		return nil, err
	}
	return v2List(c, a.Stages, func(s *world.GatewayStage) map[string]any { return gatewayStage(a, s) })
}

func createStageV2(c *svc.Ctx) (any, error) {
	a, err := findAPI(c)
	if err != nil {
		return nil, err
	}
	type routeSettings struct {
		LoggingLevel           string
		DetailedMetricsEnabled bool
	}
	var in struct {
		StageName            string
		AutoDeploy           bool
		AccessLogSettings    *struct{ DestinationArn, Format string }
		DefaultRouteSettings *routeSettings
		RouteSettings        map[string]routeSettings
		Tags                 map[string]string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.StageName == "" {
		return nil, badRequest("StageName is required")
	}
	for _, s := range a.Stages {
		if s.Name == in.StageName {
			return nil, conflict("Stage %s already exists", in.StageName)
		}
	}
	s := &world.GatewayStage{Name: in.StageName, AutoDeploy: in.AutoDeploy, Created: c.Now(), Tags: in.Tags}
	if l := in.AccessLogSettings; l != nil {
		if l.DestinationArn != "" && !strings.HasPrefix(l.DestinationArn, "arn:") {
			return nil, badRequest("Invalid destinationArn %q: must be an ARN", l.DestinationArn)
		}
		s.AccessLogDestination, s.AccessLogFormat = l.DestinationArn, l.Format
	}
	check := func(level string) error {
		switch {
		case level == "":
			return nil
		case a.Protocol == "HTTP":
			return badRequest("Execution logs are not supported on protocolType HTTP")
		case level != "OFF" && level != "ERROR" && level != "INFO":
			return badRequest("Invalid loggingLevel %q: must be OFF, ERROR or INFO", level)
		}
		return nil
	}
	if d := in.DefaultRouteSettings; d != nil {
		if err := check(d.LoggingLevel); err != nil {
			return nil, err
		}
		s.LoggingLevel, s.DetailedMetrics = d.LoggingLevel, d.DetailedMetricsEnabled
	}
	for k, r := range in.RouteSettings {
		if err := check(r.LoggingLevel); err != nil {
			return nil, err
		}
		if r.LoggingLevel != "" {
			if s.RouteLogging == nil {
				s.RouteLogging = map[string]string{}
			}
			s.RouteLogging[k] = r.LoggingLevel
		}
	}
	a.Stages = append(a.Stages, s)
	return created(gatewayStage(a, s))
}
