// Package apigateway collects the Amazon API Gateway state of one region:
// REST APIs with their stages (apigateway), and HTTP and WebSocket APIs
// with their stages and routes (apigatewayv2).
//
// API Gateway ARNs carry no account: arn:aws:apigateway:{region}::/restapis/{id}/stages/{name}.
//
// API Gateway authorizes its management API by HTTP verb on resource
// paths: every read here is the IAM action apigateway:GET.
package apigateway

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	gwapi "github.com/aws/aws-sdk-go-v2/service/apigateway"
	gw2api "github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/apigateway"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// detailLimit bounds the concurrent per-API calls: API Gateway's
// management API allows about 10 requests per second per account.
const detailLimit = 4

// pageSize is GetRestApis' largest limit.
const pageSize = 500

// Collector returns the regional "apigateway" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "apigateway",
		Actions: []string{"apigateway:GET"},
		Collect: collectAPIGateway,
	}
}

func collectAPIGateway(ctx context.Context, in collect.Input) error {
	c := gwapi.NewFromConfig(in.Config)
	region := in.Target.Region
	out := &apigateway.APIGateway{RestAPIs: []*apigateway.RestAPI{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.GetRestApis(ctx, &gwapi.GetRestApisInput{Position: token, Limit: aws.Int32(pageSize)})
		if err != nil {
			return nil, err
		}
		for _, a := range page.Items {
			api := &apigateway.RestAPI{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Tags: a.Tags}
			if e := a.EndpointConfiguration; e != nil && len(e.Types) > 0 {
				api.EndpointType = string(e.Types[0])
			}
			out.RestAPIs = append(out.RestAPIs, api)
		}
		return page.Position, nil
	}); err != nil {
		return fmt.Errorf("get rest apis: %w", err)
	}
	if err := restStages(ctx, c, region, out.RestAPIs); err != nil {
		return err
	}
	// HTTP and WebSocket APIs are judged by other controls: a failure is
	// recorded and those report ERROR; the REST stage controls still run.
	if err := v2(ctx, gw2api.NewFromConfig(in.Config), region, out); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		out.APIs = nil
		out.Errors = map[string]string{"apis": awsx.Brief(err)}
	}
	in.Region.APIGateway = out
	return nil
}

// restStages reads each REST API's stages, a few APIs at a time; a
// failure is recorded on the API.
func restStages(ctx context.Context, c *gwapi.Client, region string, apis []*apigateway.RestAPI) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	for _, api := range apis {
		g.Go(func() error {
			o, err := c.GetStages(gctx, &gwapi.GetStagesInput{RestApiId: aws.String(api.ID)})
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				api.Errors = map[string]string{"stages": awsx.Brief(err)}
				return nil
			}
			api.Stages = []*apigateway.RestStage{}
			for _, s := range o.Item {
				st := &apigateway.RestStage{
					ARN:  "arn:" + target.PartitionOf(region) + ":apigateway:" + region + "::/restapis/" + api.ID + "/stages/" + aws.ToString(s.StageName),
					Name: aws.ToString(s.StageName), ClientCertificateID: aws.ToString(s.ClientCertificateId), Tracing: s.TracingEnabled,
					WebACLARN: aws.ToString(s.WebAclArn), CacheCluster: s.CacheClusterEnabled, Tags: s.Tags,
				}
				if l := s.AccessLogSettings; l != nil {
					st.AccessLogARN = aws.ToString(l.DestinationArn)
				}
				for k, m := range s.MethodSettings {
					if st.MethodSettings == nil {
						st.MethodSettings = map[string]apigateway.MethodSetting{}
					}
					st.MethodSettings[k] = apigateway.MethodSetting{LoggingLevel: aws.ToString(m.LoggingLevel), Caching: m.CachingEnabled,
						CacheEncrypted: m.CacheDataEncrypted}
				}
				api.Stages = append(api.Stages, st)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("get stages: %w", err)
	}
	return nil
}

// v2 lists the HTTP and WebSocket APIs, then each one's stages and routes
// a few APIs at a time; a failure on one API is recorded on it.
func v2(ctx context.Context, c *gw2api.Client, region string, out *apigateway.APIGateway) error {
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.GetApis(ctx, &gw2api.GetApisInput{NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, a := range page.Items {
			out.APIs = append(out.APIs, &apigateway.API{ID: aws.ToString(a.ApiId), Name: aws.ToString(a.Name),
				Protocol: string(a.ProtocolType), Tags: a.Tags})
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("get apis: %w", err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	for _, api := range out.APIs {
		g.Go(func() error {
			prefix := "arn:" + target.PartitionOf(region) + ":apigateway:" + region + "::/apis/" + api.ID
			stages, routes := []*apigateway.Stage{}, []*apigateway.Route{}
			err := awsx.Pages(gctx, func(ctx context.Context, token *string) (*string, error) {
				page, err := c.GetStages(ctx, &gw2api.GetStagesInput{ApiId: aws.String(api.ID), NextToken: token})
				if err != nil {
					return nil, err
				}
				for _, s := range page.Items {
					st := &apigateway.Stage{ARN: prefix + "/stages/" + aws.ToString(s.StageName), Name: aws.ToString(s.StageName), Tags: s.Tags}
					if l := s.AccessLogSettings; l != nil {
						st.AccessLogARN = aws.ToString(l.DestinationArn)
					}
					if d := s.DefaultRouteSettings; d != nil {
						st.LoggingLevel = string(d.LoggingLevel)
					}
					for k, r := range s.RouteSettings {
						if r.LoggingLevel != "" {
							if st.RouteLogging == nil {
								st.RouteLogging = map[string]string{}
							}
							st.RouteLogging[k] = string(r.LoggingLevel)
						}
					}
					stages = append(stages, st)
				}
				return page.NextToken, nil
			})
			if err != nil {
				return detailFailed(ctx, api, "stages", err)
			}
			api.Stages = stages
			err = awsx.Pages(gctx, func(ctx context.Context, token *string) (*string, error) {
				page, err := c.GetRoutes(ctx, &gw2api.GetRoutesInput{ApiId: aws.String(api.ID), NextToken: token})
				if err != nil {
					return nil, err
				}
				for _, r := range page.Items {
					routes = append(routes, &apigateway.Route{ARN: prefix + "/routes/" + aws.ToString(r.RouteId), ID: aws.ToString(r.RouteId),
						Key: aws.ToString(r.RouteKey), AuthorizationType: string(r.AuthorizationType)})
				}
				return page.NextToken, nil
			})
			if err != nil {
				return detailFailed(ctx, api, "routes", err)
			}
			api.Routes = routes
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("get stages and routes: %w", err)
	}
	return nil
}

// detailFailed records a detail of api that could not be read; only the
// scan's own cancellation stops the collector.
func detailFailed(ctx context.Context, api *apigateway.API, what string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if api.Errors == nil {
		api.Errors = map[string]string{}
	}
	api.Errors[what] = awsx.Brief(err)
	return nil
}
