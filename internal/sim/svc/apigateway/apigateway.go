// Package apigateway simulates Amazon API Gateway (restJson1): REST APIs
// (API version 2015-07-09: GetRestApis with limit/position, stages,
// deployments, UpdateStage's patch operations) and HTTP and WebSocket APIs
// (apigatewayv2, 2018-11-29, under /v2: GetApis, routes and stages with
// maxResults/nextToken, maxResults a string as that API has it). Both
// APIs sign as "apigateway", so they are one simulated service.
//
// A REST stage's web ACL is not stored on the stage: it is the WAFv2 web
// ACL whose associated resources name the stage's ARN, as AWS keeps it.
package apigateway

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/wafv2"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the API Gateway (REST, HTTP and WebSocket APIs) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "apigateway",
		Protocol: wire.RestJSON,
		Routes: []wire.Route{
			{Method: "GET", Pattern: "/restapis", Op: "GetRestApis"},
			{Method: "POST", Pattern: "/restapis", Op: "CreateRestApi"},
			{Method: "GET", Pattern: "/restapis/{restapi_id}", Op: "GetRestApi"},
			{Method: "POST", Pattern: "/restapis/{restapi_id}/deployments", Op: "CreateDeployment"},
			{Method: "GET", Pattern: "/restapis/{restapi_id}/stages", Op: "GetStages"},
			{Method: "POST", Pattern: "/restapis/{restapi_id}/stages", Op: "CreateStage"},
			{Method: "GET", Pattern: "/restapis/{restapi_id}/stages/{stage_name}", Op: "GetStage"},
			{Method: "PATCH", Pattern: "/restapis/{restapi_id}/stages/{stage_name}", Op: "UpdateStage"},

			{Method: "GET", Pattern: "/v2/apis", Op: "GetApis"},
			{Method: "POST", Pattern: "/v2/apis", Op: "CreateApi"},
			{Method: "GET", Pattern: "/v2/apis/{apiId}", Op: "GetApi"},
			{Method: "GET", Pattern: "/v2/apis/{apiId}/routes", Op: "GetRoutes"},
			{Method: "POST", Pattern: "/v2/apis/{apiId}/routes", Op: "CreateRoute"},
			{Method: "GET", Pattern: "/v2/apis/{apiId}/stages", Op: "GetStagesV2"},
			{Method: "POST", Pattern: "/v2/apis/{apiId}/stages", Op: "CreateStageV2"},
		},
		Ops: map[string]svc.Handler{
			"GetRestApis":      getRestAPIs,
			"CreateRestApi":    createRestAPI,
			"GetRestApi":       getRestAPI,
			"CreateDeployment": createDeployment,
			"GetStages":        getStages,
			"CreateStage":      createStage,
			"GetStage":         getStage,
			"UpdateStage":      updateStage,

			"GetApis":       getAPIs,
			"CreateApi":     createAPI,
			"GetApi":        getAPI,
			"GetRoutes":     getRoutes,
			"CreateRoute":   createRoute,
			"GetStagesV2":   getStagesV2,
			"CreateStageV2": createStageV2,
		},
		Init: initIDs,
	}
}

// initIDs derives the IDs the world left empty and associates the REST
// stages that name a web ACL with it.
func initIDs(w *world.World) {
	for _, a := range w.Accounts {
		for region, r := range a.Regional {
			for _, api := range r.APIGateway.RestAPIs {
				if api.ID == "" {
					api.ID = world.APIGatewayID(10, a.ID, region, "rest", api.Name)
				}
				for _, s := range api.Stages {
					if s.WebACL == "" {
						continue
					}
					for _, acl := range r.WAFv2.WebACLs {
						if acl.Name == s.WebACL && (acl.Scope == "" || acl.Scope == "REGIONAL") {
							acl.Resources = append(acl.Resources, StageARN(region, api.ID, s.Name))
						}
					}
				}
			}
			for _, api := range r.APIGateway.APIs {
				if api.ID == "" {
					api.ID = world.APIGatewayID(10, a.ID, region, "v2", api.Name)
				}
				for _, rt := range api.Routes {
					if rt.ID == "" {
						rt.ID = world.APIGatewayID(7, api.ID, rt.Key)
					}
				}
			}
		}
	}
}

// StageARN is the ARN of a REST API stage (API Gateway ARNs carry no
// account).
func StageARN(region, apiID, stage string) string {
	return "arn:" + world.Partition + ":apigateway:" + region + "::/restapis/" + apiID + "/stages/" + stage
}

func badRequest(format string, args ...any) error {
	return wire.Errorf(http.StatusBadRequest, "BadRequestException", format, args...)
}

func notFound(format string, args ...any) error {
	return wire.Errorf(http.StatusNotFound, "NotFoundException", format, args...)
}

func conflict(format string, args ...any) error {
	return wire.Errorf(http.StatusConflict, "ConflictException", format, args...)
}

func created(body any) (any, error) {
	return &wire.Response{Status: http.StatusCreated, Body: body}, nil
}

func tagsOrEmpty(t map[string]string) map[string]string {
	if t == nil {
		return map[string]string{}
	}
	return t
}

func findRest(c *svc.Ctx) (*world.RestAPI, error) {
	id := c.Path["restapi_id"]
	for _, a := range c.Regional().APIGateway.RestAPIs {
		if a.ID == id {
			return a, nil
		}
	}
	return nil, notFound("Invalid API identifier specified %s:%s", c.Account.ID, id)
}

func restAPI(a *world.RestAPI) map[string]any {
	t := a.EndpointType
	if t == "" {
		t = "REGIONAL"
	}
	out := map[string]any{"id": a.ID, "name": a.Name, "createdDate": float64(a.Created.Unix()),
		"apiKeySource": "HEADER", "endpointConfiguration": map[string]any{"types": []string{t}},
		"disableExecuteApiEndpoint": false, "rootResourceId": world.APIGatewayID(10, a.ID, "/"), "tags": tagsOrEmpty(a.Tags)}
	if a.Description != "" {
		out["description"] = a.Description
	}
	return out
}

// getRestAPIs pages with limit (1 to 500, default 25) and position.
func getRestAPIs(c *svc.Ctx) (any, error) {
	limit := 25
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			return nil, badRequest("1 validation error detected: Value '%s' at 'limit' failed to satisfy constraint: Member must have value between 1 and 500", s)
		}
		limit = n
	}
	page, next, err := svc.Page(c.Regional().APIGateway.RestAPIs, c.Query("position"), limit, 25, "BadRequestException")
	if err != nil {
		return nil, err
	}
	items := make([]map[string]any, 0, len(page))
	for _, a := range page {
		items = append(items, restAPI(a))
	}
	out := map[string]any{"item": items}
	if next != "" {
		out["position"] = next
	}
	return out, nil
}

func getRestAPI(c *svc.Ctx) (any, error) {
	a, err := findRest(c)
	if err != nil {
		return nil, err
	}
	return restAPI(a), nil
}

func createRestAPI(c *svc.Ctx) (any, error) {
	var in struct {
		Name, Description     string
		EndpointConfiguration *struct{ Types []string }
		Tags                  map[string]string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Name == "" {
		return nil, badRequest("Invalid REST API name specified")
	}
	a := &world.RestAPI{Name: in.Name, Description: in.Description, Created: c.Now(), Tags: in.Tags}
	if e := in.EndpointConfiguration; e != nil && len(e.Types) > 0 {
		switch e.Types[0] {
		case "REGIONAL", "EDGE", "PRIVATE":
			a.EndpointType = e.Types[0]
		default:
			return nil, badRequest("Invalid endpoint configuration type %s", e.Types[0])
		}
	}
	a.ID = world.APIGatewayID(10, c.Account.ID, c.Region, "rest", in.Name, strconv.FormatUint(c.World.NextID(), 10))
	c.Regional().APIGateway.RestAPIs = append(c.Regional().APIGateway.RestAPIs, a)
	return created(restAPI(a))
}

func createDeployment(c *svc.Ctx) (any, error) {
	a, err := findRest(c)
	if err != nil {
		return nil, err
	}
	var in struct{ StageName, Description string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	id := world.APIGatewayID(6, a.ID, "deployment", strconv.FormatUint(c.World.NextID(), 10))
	a.Deployments = append(a.Deployments, id)
	if in.StageName != "" {
		if s := findStage(a, in.StageName); s != nil {
			s.DeploymentID = id
		} else {
			a.Stages = append(a.Stages, &world.RestStage{Name: in.StageName, DeploymentID: id, Created: c.Now()})
		}
	}
	out := map[string]any{"id": id, "createdDate": float64(c.Now().Unix())}
	if in.Description != "" {
		out["description"] = in.Description
	}
	return created(out)
}

func findStage(a *world.RestAPI, name string) *world.RestStage {
	for _, s := range a.Stages {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// webACL returns the ARN of the REGIONAL web ACL associated with arn.
func webACL(c *svc.Ctx, arn string) string {
	for _, acl := range c.Regional().WAFv2.WebACLs {
		for _, r := range acl.Resources {
			if r == arn {
				return wafv2.WebACLARN(c.Account.ID, c.Region, acl)
			}
		}
	}
	return ""
}

func restStage(c *svc.Ctx, a *world.RestAPI, s *world.RestStage) map[string]any {
	settings := map[string]any{}
	for k, m := range s.MethodSettings {
		level := m.LoggingLevel
		if level == "" {
			level = "OFF"
		}
		ttl := m.CacheTTL
		if ttl == 0 {
			ttl = 300
		}
		settings[k] = map[string]any{"metricsEnabled": m.Metrics, "loggingLevel": level, "dataTraceEnabled": m.DataTrace,
			"throttlingBurstLimit": 5000, "throttlingRateLimit": 10000.0, "cachingEnabled": m.Caching, "cacheTtlInSeconds": ttl,
			"cacheDataEncrypted": m.CacheEncrypted, "requireAuthorizationForCacheControl": true,
			"unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITH_RESPONSE_HEADER"}
	}
	out := map[string]any{"stageName": s.Name, "deploymentId": s.DeploymentID, "cacheClusterEnabled": s.CacheCluster,
		"cacheClusterStatus": "NOT_AVAILABLE", "methodSettings": settings, "tracingEnabled": s.Tracing,
		"createdDate": float64(s.Created.Unix()), "lastUpdatedDate": float64(s.Created.Unix()), "tags": tagsOrEmpty(s.Tags)}
	if s.CacheCluster {
		size := s.CacheClusterSize
		if size == "" {
			size = "0.5"
		}
		out["cacheClusterSize"], out["cacheClusterStatus"] = size, "AVAILABLE"
	}
	if s.Description != "" {
		out["description"] = s.Description
	}
	if s.ClientCertificateID != "" {
		out["clientCertificateId"] = s.ClientCertificateID
	}
	if s.AccessLogDestination != "" {
		out["accessLogSettings"] = map[string]any{"destinationArn": s.AccessLogDestination, "format": s.AccessLogFormat}
	}
	if acl := webACL(c, StageARN(c.Region, a.ID, s.Name)); acl != "" {
		out["webAclArn"] = acl
	}
	return out
}

// getStages lists a REST API's stages (no paging: the API has none),
// optionally those of one deployment.
func getStages(c *svc.Ctx) (any, error) {
	a, err := findRest(c)
	if err != nil {
		return nil, err
	}
	dep := c.Query("deploymentId")
	items := []map[string]any{}
	for _, s := range a.Stages {
		if dep == "" || s.DeploymentID == dep {
			items = append(items, restStage(c, a, s))
		}
	}
	return map[string]any{"item": items}, nil
}

func getStage(c *svc.Ctx) (any, error) {
	a, err := findRest(c)
	if err != nil {
		return nil, err
	}
	s := findStage(a, c.Path["stage_name"])
	if s == nil {
		return nil, notFound("Invalid Stage identifier specified")
	}
	return restStage(c, a, s), nil
}

func createStage(c *svc.Ctx) (any, error) {
	a, err := findRest(c)
	if err != nil {
		return nil, err
	}
	var in struct {
		StageName, DeploymentId, Description, CacheClusterSize string
		CacheClusterEnabled, TracingEnabled                    bool
		Tags                                                   map[string]string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.StageName == "" || in.DeploymentId == "" {
		return nil, badRequest("stageName and deploymentId are required")
	}
	if findStage(a, in.StageName) != nil {
		return nil, conflict("Stage already exists")
	}
	known := false
	for _, d := range a.Deployments {
		known = known || d == in.DeploymentId
	}
	if !known {
		return nil, notFound("Invalid Deployment identifier specified")
	}
	s := &world.RestStage{Name: in.StageName, DeploymentID: in.DeploymentId, Description: in.Description, CacheCluster: in.CacheClusterEnabled,
		CacheClusterSize: in.CacheClusterSize, Tracing: in.TracingEnabled, Created: c.Now(), Tags: in.Tags}
	a.Stages = append(a.Stages, s)
	return created(restStage(c, a, s))
}

// updateStage applies the patch operations API Gateway documents for a
// stage: top-level settings, access logging, and method settings at
// /{resource path}/{method}/{setting} ("*" for every resource and
// method; a resource path's slashes escaped as "~1").
func updateStage(c *svc.Ctx) (any, error) {
	a, err := findRest(c)
	if err != nil {
		return nil, err
	}
	s := findStage(a, c.Path["stage_name"])
	if s == nil {
		return nil, notFound("Invalid Stage identifier specified")
	}
	var in struct {
		PatchOperations []struct{ Op, Path, Value string }
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	next := *s // applied only when every operation is valid
	next.MethodSettings = map[string]*world.MethodSetting{}
	for k, m := range s.MethodSettings {
		cp := *m
		next.MethodSettings[k] = &cp
	}
	for _, p := range in.PatchOperations {
		if err := patch(&next, p.Op, p.Path, p.Value); err != nil {
			return nil, err
		}
	}
	*s = next
	return restStage(c, a, s), nil
}

func patch(s *world.RestStage, op, path, value string) error {
	bad := func() error { return badRequest("Invalid patch path '%s' for operation '%s'", path, op) }
	boolean := func() (bool, error) {
		switch value {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return false, badRequest("Invalid value '%s' for %s: must be true or false", value, path)
	}
	switch {
	case op == "remove" && path == "/accessLogSettings":
		s.AccessLogDestination, s.AccessLogFormat = "", ""
		return nil
	case op != "replace":
		return bad()
	}
	var err error
	switch path {
	case "/description":
		s.Description = value
	case "/clientCertificateId":
		s.ClientCertificateID = value
	case "/tracingEnabled":
		s.Tracing, err = boolean()
	case "/cacheClusterEnabled":
		s.CacheCluster, err = boolean()
	case "/cacheClusterSize":
		s.CacheClusterSize = value
	case "/deploymentId":
		s.DeploymentID = value
	case "/accessLogSettings/destinationArn":
		s.AccessLogDestination = value
	case "/accessLogSettings/format":
		s.AccessLogFormat = value
	default:
		segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
		if len(segs) < 3 {
			return bad()
		}
		res := strings.ReplaceAll(segs[0], "~1", "/")
		key := "*/*"
		if res != "*" || segs[1] != "*" {
			key = strings.TrimPrefix(res, "/") + "/" + segs[1]
		}
		m := s.MethodSettings[key]
		if m == nil {
			m = &world.MethodSetting{}
			s.MethodSettings[key] = m
		}
		switch strings.Join(segs[2:], "/") {
		case "logging/loglevel":
			switch value {
			case "OFF", "ERROR", "INFO":
				m.LoggingLevel = value
			default:
				return badRequest("Invalid logging level '%s': must be OFF, ERROR or INFO", value)
			}
		case "logging/dataTrace":
			m.DataTrace, err = boolean()
		case "metrics/enabled":
			m.Metrics, err = boolean()
		case "caching/enabled":
			m.Caching, err = boolean()
		case "caching/dataEncrypted":
			m.CacheEncrypted, err = boolean()
		case "caching/ttlInSeconds":
			m.CacheTTL, err = strconv.Atoi(value)
			if err != nil {
				err = badRequest("Invalid cache TTL '%s'", value)
			}
		default:
			return bad()
		}
	}
	return err
}
