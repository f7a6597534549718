// Package wafv2 simulates AWS WAF (v2, awsJson1.1, target prefix
// AWSWAF_20190729): web ACLs of scope REGIONAL and CLOUDFRONT (the latter
// only through us-east-1, as AWS requires), their logging configurations
// and their associations with regional resources.
package wafv2

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/elb"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the AWS WAF (v2) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "wafv2",
		Protocol: wire.JSON11,
		Ops: map[string]svc.Handler{
			"ListWebACLs":             listWebACLs,
			"GetWebACL":               getWebACL,
			"CreateWebACL":            createWebACL,
			"GetLoggingConfiguration": getLogging,
			"PutLoggingConfiguration": putLogging,
			"ListResourcesForWebACL":  listResources,
			"AssociateWebACL":         associate,
		},
	}
}

func invalid(format string, args ...any) error {
	return wire.Errorf(400, "WAFInvalidParameterException", format, args...)
}

func nonexistent() error {
	return wire.Errorf(400, "WAFNonexistentItemException", "AWS WAF couldn’t perform the operation because your resource doesn’t exist.")
}

// UUID derives a stable UUID-shaped ID from parts.
func UUID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

func id(c *svc.Ctx, a *world.WebACL) string {
	if a.ID == "" {
		a.ID = UUID(c.Account.ID, c.Region, a.Name)
	}
	return a.ID
}

func scopeOf(a *world.WebACL) string {
	if a.Scope == "" {
		return "REGIONAL"
	}
	return a.Scope
}

func arn(c *svc.Ctx, a *world.WebACL) string { return WebACLARN(c.Account.ID, c.Region, a) }

// WebACLARN returns the ARN of account's web ACL a in region, deriving
// its ID as the WAFv2 handlers do (API Gateway's stages name theirs).
func WebACLARN(account, region string, a *world.WebACL) string {
	if a.ID == "" {
		a.ID = UUID(account, region, a.Name)
	}
	kind := "regional"
	if scopeOf(a) == "CLOUDFRONT" {
		kind = "global"
	}
	return world.ARN("wafv2", region, account, kind+"/webacl/"+a.Name+"/"+a.ID)
}

// scope checks the request's Scope: REGIONAL anywhere, CLOUDFRONT only in
// us-east-1.
func scope(c *svc.Ctx, s string) error {
	switch s {
	case "REGIONAL":
		return nil
	case "CLOUDFRONT":
		if c.Region != "us-east-1" {
			return invalid("Error reason: The scope is not valid., field: SCOPE_VALUE, parameter: CLOUDFRONT")
		}
		return nil
	}
	return invalid("Error reason: The scope is not valid., field: SCOPE_VALUE, parameter: %s", s)
}

func lockToken(c *svc.Ctx, a *world.WebACL) string { return UUID("lock", arn(c, a)) }

type summary struct {
	Name        string
	Id          string
	ARN         string
	Description string
	LockToken   string
}

func listWebACLs(c *svc.Ctx) (any, error) {
	var in struct {
		Scope      string
		NextMarker string
		Limit      *int
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := scope(c, in.Scope); err != nil {
		return nil, err
	}
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 100 {
			return nil, invalid("Error reason: The value is not valid., field: LIMIT, parameter: %d", *in.Limit)
		}
		limit = *in.Limit
	}
	var acls []*world.WebACL
	for _, a := range c.Regional().WAFv2.WebACLs {
		if scopeOf(a) == in.Scope {
			acls = append(acls, a)
		}
	}
	page, next, err := svc.Page(acls, in.NextMarker, limit, 100, "WAFInvalidParameterException")
	if err != nil {
		return nil, err
	}
	out := []summary{}
	for _, a := range page {
		out = append(out, summary{Name: a.Name, Id: id(c, a), ARN: arn(c, a), Description: a.Description, LockToken: lockToken(c, a)})
	}
	res := map[string]any{"WebACLs": out}
	if next != "" {
		res["NextMarker"] = next
	}
	return res, nil
}

func find(c *svc.Ctx, name, sc, aid string) (*world.WebACL, error) {
	if err := scope(c, sc); err != nil {
		return nil, err
	}
	for _, a := range c.Regional().WAFv2.WebACLs {
		if a.Name == name && scopeOf(a) == sc && id(c, a) == aid {
			return a, nil
		}
	}
	return nil, nonexistent()
}

func byARN(c *svc.Ctx, s string) *world.WebACL {
	for _, a := range c.Regional().WAFv2.WebACLs {
		if arn(c, a) == s {
			return a
		}
	}
	return nil
}

func visibility(metric string, on bool) map[string]any {
	return map[string]any{"SampledRequestsEnabled": on, "CloudWatchMetricsEnabled": on, "MetricName": metric}
}

func rule(r *world.WAFRule) map[string]any {
	out := map[string]any{"Name": r.Name, "Priority": r.Priority, "VisibilityConfig": visibility(r.Name, !r.NoMetrics)}
	if r.ManagedGroup != "" {
		out["Statement"] = map[string]any{"ManagedRuleGroupStatement": map[string]any{"VendorName": "AWS", "Name": r.ManagedGroup}}
		out["OverrideAction"] = map[string]any{"None": map[string]any{}}
	} else {
		out["Statement"] = map[string]any{"RateBasedStatement": map[string]any{"Limit": r.RateLimit, "AggregateKeyType": "IP",
			"EvaluationWindowSec": 300}}
		out["Action"] = map[string]any{"Block": map[string]any{}}
	}
	return out
}

func getWebACL(c *svc.Ctx) (any, error) {
	var in struct{ Name, Scope, Id string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	a, err := find(c, in.Name, in.Scope, in.Id)
	if err != nil {
		return nil, err
	}
	def := map[string]any{"Allow": map[string]any{}}
	if a.DefaultBlock {
		def = map[string]any{"Block": map[string]any{}}
	}
	rules := []map[string]any{}
	capacity := 0
	for _, r := range a.Rules {
		rules = append(rules, rule(r))
		capacity += 50
	}
	return map[string]any{"LockToken": lockToken(c, a), "WebACL": map[string]any{
		"Name": a.Name, "Id": id(c, a), "ARN": arn(c, a), "Description": a.Description, "DefaultAction": def, "Rules": rules,
		"VisibilityConfig": visibility(a.Name, !a.NoMetrics), "Capacity": capacity, "ManagedByFirewallManager": false,
		"LabelNamespace": "awswaf:" + c.Account.ID + ":webacl:" + a.Name + ":"}}, nil
}

type statementIn struct {
	ManagedRuleGroupStatement *struct{ VendorName, Name string }
	RateBasedStatement        *struct{ Limit int }
}

type visibilityIn struct {
	CloudWatchMetricsEnabled bool
	MetricName               string
}

func createWebACL(c *svc.Ctx) (any, error) {
	var in struct {
		Name, Scope, Description string
		DefaultAction            *struct{ Allow, Block *struct{} }
		VisibilityConfig         *visibilityIn
		Rules                    []struct {
			Name             string
			Priority         int
			Statement        statementIn
			VisibilityConfig *visibilityIn
		}
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := scope(c, in.Scope); err != nil {
		return nil, err
	}
	if in.Name == "" || in.DefaultAction == nil || in.VisibilityConfig == nil {
		return nil, invalid("Error reason: A required field is missing (Name, DefaultAction and VisibilityConfig are required)., field: WEB_ACL")
	}
	r := c.Regional()
	for _, a := range r.WAFv2.WebACLs {
		if a.Name == in.Name && scopeOf(a) == in.Scope {
			return nil, wire.Errorf(400, "WAFDuplicateItemException", "AWS WAF couldn’t perform the operation because some resource in your request is a duplicate of an existing one.")
		}
	}
	a := &world.WebACL{Name: in.Name, Scope: in.Scope, Description: in.Description, DefaultBlock: in.DefaultAction.Block != nil,
		NoMetrics: !in.VisibilityConfig.CloudWatchMetricsEnabled}
	for _, ru := range in.Rules {
		if ru.VisibilityConfig == nil {
			return nil, invalid("Error reason: A required field is missing., field: VISIBILITY_CONFIG, parameter: %s", ru.Name)
		}
		wr := &world.WAFRule{Name: ru.Name, Priority: ru.Priority, NoMetrics: !ru.VisibilityConfig.CloudWatchMetricsEnabled}
		switch s := ru.Statement; {
		case s.ManagedRuleGroupStatement != nil:
			wr.ManagedGroup = s.ManagedRuleGroupStatement.Name
		case s.RateBasedStatement != nil:
			wr.RateLimit = s.RateBasedStatement.Limit
		default:
			return nil, invalid("Error reason: the simulator supports managed rule group and rate-based statements only., field: STATEMENT, parameter: %s", ru.Name)
		}
		a.Rules = append(a.Rules, wr)
	}
	r.WAFv2.WebACLs = append(r.WAFv2.WebACLs, a)
	return map[string]any{"Summary": summary{Name: a.Name, Id: id(c, a), ARN: arn(c, a), Description: a.Description, LockToken: lockToken(c, a)}}, nil
}

func getLogging(c *svc.Ctx) (any, error) {
	var in struct{ ResourceArn string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	a := byARN(c, in.ResourceArn)
	if a == nil || len(a.LogDestinations) == 0 {
		return nil, nonexistent()
	}
	return map[string]any{"LoggingConfiguration": map[string]any{"ResourceArn": in.ResourceArn, "LogDestinationConfigs": a.LogDestinations,
		"ManagedByFirewallManager": false, "LogType": "WAF_LOGS", "LogScope": "CUSTOMER"}}, nil
}

func putLogging(c *svc.Ctx) (any, error) {
	var in struct {
		LoggingConfiguration struct {
			ResourceArn           string
			LogDestinationConfigs []string
		}
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	l := in.LoggingConfiguration
	a := byARN(c, l.ResourceArn)
	if a == nil {
		return nil, nonexistent()
	}
	if len(l.LogDestinationConfigs) != 1 {
		return nil, invalid("Error reason: The value is not valid (exactly one log destination)., field: LOG_DESTINATION")
	}
	a.LogDestinations = l.LogDestinationConfigs
	return map[string]any{"LoggingConfiguration": map[string]any{"ResourceArn": l.ResourceArn, "LogDestinationConfigs": a.LogDestinations}}, nil
}

func listResources(c *svc.Ctx) (any, error) {
	var in struct{ WebACLArn, ResourceType string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	a := byARN(c, in.WebACLArn)
	if a == nil {
		return nil, nonexistent()
	}
	want := map[string]string{"APPLICATION_LOAD_BALANCER": ":loadbalancer/app/", "API_GATEWAY": ":apigateway:"}
	if in.ResourceType == "" {
		in.ResourceType = "APPLICATION_LOAD_BALANCER"
	}
	marker, ok := want[in.ResourceType]
	out := []string{}
	if in.ResourceType == "APPLICATION_LOAD_BALANCER" {
		for _, name := range a.LoadBalancers {
			for _, l := range c.Regional().ELB.LoadBalancers {
				if l.Name == name && (l.Type == "" || l.Type == "application") {
					out = append(out, elb.LoadBalancerARN(c, l))
				}
			}
		}
	}
	for _, r := range a.Resources {
		if ok && strings.Contains(r, marker) {
			out = append(out, r)
		}
	}
	return map[string]any{"ResourceArns": out}, nil
}

func associate(c *svc.Ctx) (any, error) {
	var in struct{ WebACLArn, ResourceArn string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	a := byARN(c, in.WebACLArn)
	if a == nil || scopeOf(a) != "REGIONAL" {
		return nil, nonexistent()
	}
	// A resource has at most one web ACL: associating moves it.
	for _, o := range c.Regional().WAFv2.WebACLs {
		o.Resources = slices.DeleteFunc(o.Resources, func(r string) bool { return r == in.ResourceArn })
	}
	a.Resources = append(a.Resources, in.ResourceArn)
	return map[string]any{}, nil
}
