// Package apigateway holds the Amazon API Gateway controls: REST API
// stages (APIGateway.1 to APIGateway.5), WebSocket stages (APIGateway.1),
// HTTP and WebSocket stages (APIGateway.9) and routes (APIGateway.8).
// They read the "apigateway" collector's state and never call AWS.
//
// Judgements where Security Hub's wording leaves room:
//
//   - APIGateway.1 ("logging enabled for all methods of a stage") passes a
//     REST stage whose stage-wide method setting ("*/*") logs at ERROR or
//     INFO and no method override turns logging off; a WebSocket stage
//     likewise from its default route settings and route overrides. HTTP
//     APIs have no execution logging (API Gateway rejects a logging level
//     on them), so their stages are not judged here: APIGateway.9 judges
//     their access logging.
//   - APIGateway.5 judges only the methods that cache: a stage with no
//     cache cluster, or whose methods cache nothing, is NOT_APPLICABLE
//     ("evaluates the encryption of a particular method only when caching
//     is enabled for that method").
//   - APIGateway.8: API Gateway accepts an authorization type on a
//     WebSocket API's $connect route only (any other route runs on a
//     connection $connect authorized), so a WebSocket route other than
//     $connect is NOT_APPLICABLE rather than an unfixable failure.
package apigateway

import (
	"slices"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/apigateway"
)

// Controls returns the API Gateway controls.
func Controls() []*control.Control {
	return []*control.Control{gw1(), gw2(), gw3(), gw4(), gw5(), gw8(), gw9()}
}

const (
	restStageType = "AwsApiGatewayStage"
	v2StageType   = "AwsApiGatewayV2Stage"
	routeType     = "Other"
	collector     = "apigateway"
)

func state(in *control.Input) *apigateway.APIGateway {
	if in.Region == nil || in.Region.APIGateway == nil {
		in.Error(in.AccountMeta(), "API Gateway state was not collected in %s", in.RegionName())
		return nil
	}
	return in.Region.APIGateway
}

func restMeta(in *control.Input, api *apigateway.RestAPI, s *apigateway.RestStage) snapshot.Meta {
	return snapshot.Meta{ARN: s.ARN, Type: restStageType, Name: api.Name + "/" + s.Name, Account: in.Account.ID, Region: in.RegionName(), Tags: s.Tags}
}

func v2Meta(in *control.Input, api *apigateway.API, s *apigateway.Stage) snapshot.Meta {
	return snapshot.Meta{ARN: s.ARN, Type: v2StageType, Name: api.Name + "/" + s.Name, Account: in.Account.ID, Region: in.RegionName(), Tags: s.Tags}
}

// eachRestStage calls judge for every REST stage; an API whose stages
// could not be read is one ERROR on the API.
func eachRestStage(in *control.Input, g *apigateway.APIGateway, judge func(m snapshot.Meta, api *apigateway.RestAPI, s *apigateway.RestStage)) {
	for _, api := range g.RestAPIs {
		if why, ok := api.Errors["stages"]; ok {
			in.Error(snapshot.Meta{ARN: "arn:" + partition(in) + ":apigateway:" + in.RegionName() + "::/restapis/" + api.ID, Type: "AwsApiGatewayRestApi",
				Name: api.Name, Account: in.Account.ID, Region: in.RegionName(), Tags: api.Tags}, "could not read the stages: %s", why)
			continue
		}
		for _, s := range api.Stages {
			judge(restMeta(in, api, s), api, s)
		}
	}
}

// eachV2 calls judge for every HTTP and WebSocket API whose part (stages
// or routes) was read; a list of APIs that could not be read is one
// ERROR for the region, a part that could not be read one on the API.
func eachV2(in *control.Input, g *apigateway.APIGateway, part string, judge func(api *apigateway.API)) {
	if why, ok := g.Errors["apis"]; ok {
		in.Error(in.AccountMeta(), "could not list the HTTP and WebSocket APIs: %s", why)
		return
	}
	for _, api := range g.APIs {
		if why, ok := api.Errors[part]; ok {
			in.Error(snapshot.Meta{ARN: "arn:" + partition(in) + ":apigateway:" + in.RegionName() + "::/apis/" + api.ID, Type: "AwsApiGatewayV2Api",
				Name: api.Name, Account: in.Account.ID, Region: in.RegionName(), Tags: api.Tags}, "could not read the %s: %s", part, why)
			continue
		}
		judge(api)
	}
}

func partition(in *control.Input) string {
	switch r := in.RegionName(); {
	case strings.HasPrefix(r, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(r, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

func logs(level string) bool { return level == "ERROR" || level == "INFO" }

// restLogging reports whether every method of s logs, and what.
func restLogging(s *apigateway.RestStage) (bool, string) {
	all, ok := s.MethodSettings["*/*"]
	if !ok || !logs(all.LoggingLevel) {
		level := "OFF"
		if ok && all.LoggingLevel != "" {
			level = all.LoggingLevel
		}
		return false, "stage-wide execution logging is " + level
	}
	for k, m := range s.MethodSettings {
		if k != "*/*" && !logs(m.LoggingLevel) {
			return false, "method " + k + " overrides execution logging to " + m.LoggingLevel
		}
	}
	return true, "execution logging at " + all.LoggingLevel + " for every method"
}

func wsLogging(s *apigateway.Stage) (bool, string) {
	if !logs(s.LoggingLevel) {
		level := s.LoggingLevel
		if level == "" {
			level = "OFF"
		}
		return false, "default route execution logging is " + level
	}
	for k, level := range s.RouteLogging {
		if !logs(level) {
			return false, "route " + k + " overrides execution logging to " + level
		}
	}
	return true, "execution logging at " + s.LoggingLevel + " for every route"
}

func gw1() *control.Control {
	return &control.Control{
		ID:           "APIGateway.1",
		Title:        "API Gateway REST and WebSocket API execution logging should be enabled",
		Service:      "API Gateway",
		Severity:     control.Medium,
		ResourceType: restStageType,
		Needs:        []string{collector},
		Rationale: "Execution logs record what API Gateway did with each request (authorizer decisions, integration " +
			"responses, errors), the trail an investigation of an abused or failing API starts from.",
		Remediation: "Console: API Gateway > the API > Stages > the stage > Logs and tracing > Edit > CloudWatch logs: " +
			"Errors only or Errors and info logs (the account needs a CloudWatch Logs role under Settings).\n" +
			"CLI (REST): aws apigateway update-stage --rest-api-id <id> --stage-name <stage> " +
			"--patch-operations op=replace,path=/*/*/logging/loglevel,value=ERROR\n" +
			"CLI (WebSocket): aws apigatewayv2 update-stage --api-id <id> --stage-name <stage> " +
			"--default-route-settings LoggingLevel=ERROR",
		WellArchitected: []string{"SEC04"},
		Check: func(in *control.Input) {
			g := state(in)
			if g == nil {
				return
			}
			eachRestStage(in, g, func(m snapshot.Meta, _ *apigateway.RestAPI, s *apigateway.RestStage) {
				ok, why := restLogging(s)
				if ok {
					in.Pass(m, "%s", why)
					return
				}
				in.Fail(m, "%s", why)
			})
			eachV2(in, g, "stages", func(api *apigateway.API) {
				if api.Protocol != "WEBSOCKET" {
					return
				}
				for _, s := range api.Stages {
					m := v2Meta(in, api, s)
					ok, why := wsLogging(s)
					if ok {
						in.Pass(m, "%s", why)
						continue
					}
					in.Fail(m, "%s", why)
				}
			})
		},
	}
}

// restControl completes c as a control over every REST API stage.
func restControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, s *apigateway.RestStage)) *control.Control {
	c.Service, c.ResourceType, c.Needs = "API Gateway", restStageType, []string{collector}
	c.Check = func(in *control.Input) {
		g := state(in)
		if g == nil {
			return
		}
		eachRestStage(in, g, func(m snapshot.Meta, _ *apigateway.RestAPI, s *apigateway.RestStage) { judge(in, m, s) })
	}
	return &c
}

func gw2() *control.Control {
	return restControl(control.Control{
		ID:       "APIGateway.2",
		Title:    "API Gateway REST API stages should be configured to use SSL certificates for backend authentication",
		Severity: control.Medium,
		Rationale: "A client certificate lets the backend verify that a request comes from this API Gateway stage, " +
			"so a backend reachable from elsewhere can refuse callers that bypass the API's authorization and throttling.",
		Remediation: "Generate a client certificate, set it on the stage, and have the backend verify it.\n" +
			"CLI: aws apigateway generate-client-certificate --description <stage>, then aws apigateway update-stage " +
			"--rest-api-id <id> --stage-name <stage> --patch-operations op=replace,path=/clientCertificateId,value=<certificate id>",
		WellArchitected: []string{"SEC09"},
	}, func(in *control.Input, m snapshot.Meta, s *apigateway.RestStage) {
		if s.ClientCertificateID != "" {
			in.Pass(m, "client certificate %s", s.ClientCertificateID)
			return
		}
		in.Fail(m, "no client certificate for backend authentication")
	})
}

func gw3() *control.Control {
	return restControl(control.Control{
		ID:       "APIGateway.3",
		Title:    "API Gateway REST API stages should have AWS X-Ray tracing enabled",
		Severity: control.Low,
		Rationale: "X-Ray active tracing follows each request through the stage and the services behind it, which " +
			"shows where an attack or an outage slows or breaks the API.",
		Remediation: "Console: API Gateway > the API > Stages > the stage > Logs and tracing > Edit > X-Ray tracing.\n" +
			"CLI: aws apigateway update-stage --rest-api-id <id> --stage-name <stage> " +
			"--patch-operations op=replace,path=/tracingEnabled,value=true",
		WellArchitected: []string{"SEC04"},
	}, func(in *control.Input, m snapshot.Meta, s *apigateway.RestStage) {
		in.Check(m, s.Tracing, "X-Ray active tracing enabled", "X-Ray active tracing disabled")
	})
}

func gw4() *control.Control {
	return restControl(control.Control{
		ID:       "APIGateway.4",
		Title:    "API Gateway should be associated with a WAF Web ACL",
		Severity: control.Medium,
		Rationale: "An AWS WAF web ACL in front of the stage blocks common exploits, known bad sources and request " +
			"floods before they reach the API's authorizers and backends.",
		Remediation: "Create a REGIONAL web ACL (with AWS managed rule groups and a rate-based rule) and associate it with the stage.\n" +
			"CLI: aws wafv2 associate-web-acl --web-acl-arn <web ACL ARN> " +
			"--resource-arn arn:aws:apigateway:<region>::/restapis/<id>/stages/<stage>",
		WellArchitected: []string{"SEC05"},
	}, func(in *control.Input, m snapshot.Meta, s *apigateway.RestStage) {
		if s.WebACLARN != "" {
			in.Pass(m, "associated with web ACL %s", s.WebACLARN)
			return
		}
		in.Fail(m, "no AWS WAF web ACL associated")
	})
}

func gw5() *control.Control {
	return restControl(control.Control{
		ID:       "APIGateway.5",
		Title:    "API Gateway REST API cache data should be encrypted at rest",
		Severity: control.Medium,
		Rationale: "Cached responses hold whatever the backend returned, personal data included; encrypting the " +
			"cache protects them on the cache cluster's storage.",
		Remediation: "Console: API Gateway > the API > Stages > the stage > Stage details > Edit > Cache settings: " +
			"Encrypt cache data.\n" +
			"CLI: aws apigateway update-stage --rest-api-id <id> --stage-name <stage> " +
			"--patch-operations op=replace,path=/*/*/caching/dataEncrypted,value=true " +
			"(and the same for each method that overrides caching: path=/<resource path with ~1 for />/<method>/caching/dataEncrypted)",
		WellArchitected: []string{"SEC08"},
	}, func(in *control.Input, m snapshot.Meta, s *apigateway.RestStage) {
		if !s.CacheCluster {
			in.NotApplicable(m, "no cache cluster on the stage")
			return
		}
		caching, plain := 0, []string{}
		for k, ms := range s.MethodSettings {
			if !ms.Caching {
				continue
			}
			caching++
			if !ms.CacheEncrypted {
				plain = append(plain, k)
			}
		}
		switch {
		case caching == 0:
			in.NotApplicable(m, "no method caches responses")
		case len(plain) > 0:
			slices.Sort(plain)
			in.Fail(m, "cache not encrypted for %s", strings.Join(plain, ", "))
		default:
			in.Pass(m, "cache encrypted for every caching method")
		}
	})
}

func gw8() *control.Control {
	return &control.Control{
		ID:           "APIGateway.8",
		Title:        "API Gateway routes should specify an authorization type",
		Service:      "API Gateway",
		Severity:     control.Medium,
		ResourceType: routeType,
		Needs:        []string{collector},
		Rationale: "A route with no authorization type lets anyone on the internet call its integration; IAM, a " +
			"Lambda authorizer or a JWT authorizer restricts it to known callers.",
		Remediation: "Attach an authorizer or IAM authorization to the route (WebSocket APIs: on the $connect route).\n" +
			"CLI: aws apigatewayv2 update-route --api-id <id> --route-id <route> --authorization-type JWT " +
			"--authorizer-id <authorizer> (or --authorization-type AWS_IAM)",
		WellArchitected: []string{"SEC03"},
		Check: func(in *control.Input) {
			g := state(in)
			if g == nil {
				return
			}
			eachV2(in, g, "routes", func(api *apigateway.API) {
				for _, r := range api.Routes {
					m := snapshot.Meta{ARN: r.ARN, Type: routeType, Name: api.Name + " " + r.Key, Account: in.Account.ID, Region: in.RegionName(), Tags: api.Tags}
					switch {
					case api.Protocol == "WEBSOCKET" && r.Key != "$connect":
						in.NotApplicable(m, "WebSocket routes other than $connect take no authorization type")
					case r.AuthorizationType == "" || r.AuthorizationType == "NONE":
						in.Fail(m, "route %q has no authorization", r.Key)
					default:
						in.Pass(m, "route %q uses %s authorization", r.Key, r.AuthorizationType)
					}
				}
			})
		},
	}
}

func gw9() *control.Control {
	return &control.Control{
		ID:           "APIGateway.9",
		Title:        "Access logging should be configured for API Gateway V2 Stages",
		Service:      "API Gateway",
		Severity:     control.Medium,
		ResourceType: v2StageType,
		Needs:        []string{collector},
		Rationale: "Access logs record who called the API, from where, which route and with what result: the " +
			"evidence for audits and for tracing an abuse of the API back to its source.",
		Remediation: "Console: API Gateway > the API > Monitor > Logging > the stage > Edit > Access logging, with a " +
			"CloudWatch Logs group and a log format.\n" +
			"CLI: aws apigatewayv2 update-stage --api-id <id> --stage-name <stage> --access-log-settings " +
			"'DestinationArn=<log group ARN>,Format=$context.requestId $context.identity.sourceIp $context.routeKey $context.status'",
		WellArchitected: []string{"SEC04"},
		Check: func(in *control.Input) {
			g := state(in)
			if g == nil {
				return
			}
			eachV2(in, g, "stages", func(api *apigateway.API) {
				for _, s := range api.Stages {
					m := v2Meta(in, api, s)
					if s.AccessLogARN != "" {
						in.Pass(m, "access logs to %s", s.AccessLogARN)
						continue
					}
					in.Fail(m, "no access logging")
				}
			})
		},
	}
}
