// Package accessanalyzer simulates IAM Access Analyzer (restJson1).
package accessanalyzer

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Principal is Access Analyzer's service principal in Organizations.
const Principal = "access-analyzer.amazonaws.com"

// Service returns the IAM Access Analyzer (restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "access-analyzer",
		Protocol: wire.RestJSON,
		Codes:    &codes,
		Routes: []wire.Route{
			{Method: "GET", Pattern: "/analyzer", Op: "ListAnalyzers"},
			{Method: "PUT", Pattern: "/analyzer", Op: "CreateAnalyzer"},
			{Method: "GET", Pattern: "/analyzer/{analyzerName}", Op: "GetAnalyzer"},
			{Method: "DELETE", Pattern: "/analyzer/{analyzerName}", Op: "DeleteAnalyzer"},
			{Method: "POST", Pattern: "/finding", Op: "ListFindings"},
			{Method: "POST", Pattern: "/findingv2", Op: "ListFindingsV2"},
		},
		Ops: map[string]svc.Handler{
			"ListAnalyzers":  listAnalyzers,
			"CreateAnalyzer": createAnalyzer,
			"GetAnalyzer":    getAnalyzer,
			"DeleteAnalyzer": deleteAnalyzer,
			"ListFindings":   listFindings,
			"ListFindingsV2": listFindingsV2,
		},
	}
}

var codes = func() wire.Codes {
	c := wire.DefaultCodes(wire.RestJSON)
	c.Throttle = "ThrottlingException"
	return c
}()

func validation(format string, args ...any) error {
	return wire.Errorf(400, "ValidationException", format, args...)
}

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

var types = map[string]bool{"ACCOUNT": true, "ORGANIZATION": true, "ACCOUNT_UNUSED_ACCESS": true,
	"ORGANIZATION_UNUSED_ACCESS": true, "ACCOUNT_INTERNAL_ACCESS": true, "ORGANIZATION_INTERNAL_ACCESS": true}

var nameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]*$`)

func analyzerARN(c *svc.Ctx, name string) string { return c.ARN("access-analyzer", "analyzer/"+name) }

func summary(c *svc.Ctx, a *world.Analyzer) map[string]any {
	st := a.Status
	if st == "" {
		st = "ACTIVE"
	}
	out := map[string]any{
		"arn": analyzerARN(c, a.Name), "name": a.Name, "type": a.Type, "status": st,
		"createdAt": ts(a.CreatedAt), "tags": map[string]string{},
	}
	if a.Tags != nil {
		out["tags"] = a.Tags
	}
	if !a.CreatedAt.IsZero() {
		out["lastResourceAnalyzedAt"] = ts(a.CreatedAt)
		out["lastResourceAnalyzed"] = "arn:aws:iam::" + c.Account.ID + ":role/OrganizationAccountAccessRole"
	}
	if strings.HasSuffix(a.Type, "_UNUSED_ACCESS") {
		age := a.UnusedAccessAge
		if age == 0 {
			age = 90
		}
		out["configuration"] = map[string]any{"unusedAccess": map[string]any{"unusedAccessAge": age}}
	}
	return out
}

func find(c *svc.Ctx, name string) (*world.Analyzer, error) {
	for _, a := range c.Regional().AccessAnalyzer.Analyzers {
		if a.Name == name {
			return a, nil
		}
	}
	return nil, wire.Errorf(404, "ResourceNotFoundException", "Analyzer %s not found.", name)
}

func maxArg(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, validation("1 validation error detected: Value '%s' at 'maxResults' failed to satisfy constraint", s)
	}
	return n, nil
}

func listAnalyzers(c *svc.Ctx) (any, error) {
	max, err := maxArg(c.Query("maxResults"))
	if err != nil {
		return nil, err
	}
	typ := c.Query("type")
	if typ != "" && !types[typ] {
		return nil, validation("1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set", typ)
	}
	out := []map[string]any{}
	for _, a := range c.Regional().AccessAnalyzer.Analyzers {
		if typ == "" || a.Type == typ {
			out = append(out, summary(c, a))
		}
	}
	page, next, err := svc.Page(out, c.Query("nextToken"), max, 100, "ValidationException")
	if err != nil {
		return nil, err
	}
	return map[string]any{"analyzers": page, "nextToken": next}, nil
}

// orgRole reports whether the caller is in an organization and may
// create organization analyzers (management or delegated administrator).
func orgRole(c *svc.Ctx) (in, allowed bool) {
	c.World.Mu.Lock()
	defer c.World.Mu.Unlock()
	o := c.World.Org
	if o == nil {
		return false, false
	}
	if _, member := o.Members[c.Account.ID]; !member && o.ManagementAccount != c.Account.ID {
		return false, false
	}
	if o.ManagementAccount == c.Account.ID {
		return true, true
	}
	for _, a := range o.DelegatedAdmins[Principal] {
		if a.Account == c.Account.ID {
			return true, true
		}
	}
	return true, false
}

func createAnalyzer(c *svc.Ctx) (any, error) {
	var in struct {
		AnalyzerName  string            `json:"analyzerName"`
		Type          string            `json:"type"`
		Tags          map[string]string `json:"tags"`
		Configuration *struct {
			UnusedAccess *struct {
				UnusedAccessAge int `json:"unusedAccessAge"`
			} `json:"unusedAccess"`
		} `json:"configuration"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.AnalyzerName == "" || len(in.AnalyzerName) > 255 || !nameRE.MatchString(in.AnalyzerName) {
		return nil, validation("1 validation error detected: Value '%s' at 'analyzerName' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z][A-Za-z0-9_.-]*", in.AnalyzerName)
	}
	if !types[in.Type] {
		return nil, validation("1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [ACCOUNT, ORGANIZATION, ACCOUNT_UNUSED_ACCESS, ORGANIZATION_UNUSED_ACCESS, ACCOUNT_INTERNAL_ACCESS, ORGANIZATION_INTERNAL_ACCESS]", in.Type)
	}
	aa := &c.Regional().AccessAnalyzer
	for _, a := range aa.Analyzers {
		if a.Name == in.AnalyzerName {
			return nil, wire.Errorf(409, "ConflictException", "Analyzer %s already exists.", in.AnalyzerName)
		}
	}
	if strings.HasPrefix(in.Type, "ORGANIZATION") {
		inOrg, ok := orgRole(c)
		if !inOrg {
			return nil, validation("Account %s is not part of an organization; an analyzer of type %s needs one.", c.Account.ID, in.Type)
		}
		if !ok {
			return nil, validation("You must be the management account or a delegated administrator for IAM Access Analyzer to create an analyzer of type %s.", in.Type)
		}
	}
	a := &world.Analyzer{Name: in.AnalyzerName, Type: in.Type, Status: "ACTIVE", CreatedAt: c.Now(), Tags: in.Tags}
	if strings.HasSuffix(in.Type, "_UNUSED_ACCESS") {
		a.UnusedAccessAge = 90
		if in.Configuration != nil && in.Configuration.UnusedAccess != nil && in.Configuration.UnusedAccess.UnusedAccessAge != 0 {
			if age := in.Configuration.UnusedAccess.UnusedAccessAge; age < 1 || age > 365 {
				return nil, validation("unusedAccessAge must be between 1 and 365 days")
			}
			a.UnusedAccessAge = in.Configuration.UnusedAccess.UnusedAccessAge
		}
	}
	aa.Analyzers = append(aa.Analyzers, a)
	return map[string]string{"arn": analyzerARN(c, a.Name)}, nil
}

func getAnalyzer(c *svc.Ctx) (any, error) {
	a, err := find(c, c.Path["analyzerName"])
	if err != nil {
		return nil, err
	}
	return map[string]any{"analyzer": summary(c, a)}, nil
}

func deleteAnalyzer(c *svc.Ctx) (any, error) {
	name := c.Path["analyzerName"]
	if _, err := find(c, name); err != nil {
		return nil, err
	}
	aa := &c.Regional().AccessAnalyzer
	for i, a := range aa.Analyzers {
		if a.Name == name {
			aa.Analyzers = append(aa.Analyzers[:i:i], aa.Analyzers[i+1:]...)
			break
		}
	}
	return nil, nil
}

type criterion struct {
	Eq       []string `json:"eq"`
	Neq      []string `json:"neq"`
	Contains []string `json:"contains"`
	Exists   *bool    `json:"exists"`
}

type findingsIn struct {
	AnalyzerArn string               `json:"analyzerArn"`
	Filter      map[string]criterion `json:"filter"`
	MaxResults  int                  `json:"maxResults"`
	NextToken   string               `json:"nextToken"`
}

func fieldOf(f *world.AnalyzerFinding, field string) (string, bool) {
	switch field {
	case "status":
		return f.Status, true
	case "resourceType":
		return f.ResourceType, true
	case "resource":
		return f.Resource, true
	case "isPublic":
		return strconv.FormatBool(f.IsPublic), true
	case "id":
		return f.ID, true
	}
	return "", false
}

func keep(f *world.AnalyzerFinding, filter map[string]criterion) bool {
	for field, cr := range filter {
		v, ok := fieldOf(f, field)
		if !ok {
			continue
		}
		if len(cr.Eq) > 0 && !contains(cr.Eq, v) {
			return false
		}
		if contains(cr.Neq, v) {
			return false
		}
		for _, s := range cr.Contains {
			if !strings.Contains(v, s) {
				return false
			}
		}
		if cr.Exists != nil && *cr.Exists != (v != "") {
			return false
		}
	}
	return true
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// findings resolves the request's analyzer and returns its matching findings.
func findings(c *svc.Ctx, v2 bool) ([]*world.AnalyzerFinding, findingsIn, error) {
	var in findingsIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, in, err
	}
	if in.AnalyzerArn == "" {
		return nil, in, validation("1 validation error detected: Value null at 'analyzerArn' failed to satisfy constraint: Member must not be null")
	}
	if in.MaxResults < 0 {
		return nil, in, validation("maxResults must be positive")
	}
	var an *world.Analyzer
	for _, a := range c.Regional().AccessAnalyzer.Analyzers {
		if analyzerARN(c, a.Name) == in.AnalyzerArn {
			an = a
		}
	}
	if an == nil {
		return nil, in, wire.Errorf(404, "ResourceNotFoundException", "Analyzer %s not found.", in.AnalyzerArn)
	}
	if !v2 && an.Type != "ACCOUNT" && an.Type != "ORGANIZATION" {
		return nil, in, validation("ListFindings does not support analyzers of type %s; use ListFindingsV2.", an.Type)
	}
	var out []*world.AnalyzerFinding
	for _, f := range an.Findings {
		if keep(f, in.Filter) {
			out = append(out, f)
		}
	}
	return out, in, nil
}

func listFindings(c *svc.Ctx) (any, error) {
	fs, in, err := findings(c, false)
	if err != nil {
		return nil, err
	}
	page, next, err := svc.Page(fs, in.NextToken, in.MaxResults, 100, "ValidationException")
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for _, f := range page {
		m := map[string]any{"id": f.ID, "resource": f.Resource, "resourceType": f.ResourceType, "isPublic": f.IsPublic,
			"status": f.Status, "createdAt": ts(f.CreatedAt), "analyzedAt": ts(f.UpdatedAt), "updatedAt": ts(f.UpdatedAt),
			"resourceOwnerAccount": c.Account.ID, "condition": map[string]string{}, "action": f.Action}
		if f.Principal != nil {
			m["principal"] = f.Principal
		}
		out = append(out, m)
	}
	return map[string]any{"findings": out, "nextToken": next}, nil
}

func listFindingsV2(c *svc.Ctx) (any, error) {
	fs, in, err := findings(c, true)
	if err != nil {
		return nil, err
	}
	page, next, err := svc.Page(fs, in.NextToken, in.MaxResults, 100, "ValidationException")
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for _, f := range page {
		out = append(out, map[string]any{"id": f.ID, "resource": f.Resource, "resourceType": f.ResourceType,
			"status": f.Status, "createdAt": ts(f.CreatedAt), "analyzedAt": ts(f.UpdatedAt), "updatedAt": ts(f.UpdatedAt),
			"resourceOwnerAccount": c.Account.ID, "findingType": "ExternalAccess"})
	}
	return map[string]any{"findings": out, "nextToken": next}, nil
}
