// Package detective simulates Amazon Detective (restJson1).
//
// A behavior graph's ID is derived from its account and region, so the
// delegated administrator's graph ARN can be reported without reading
// (and locking) the administrator's account. The delegated administrator
// gets its organization graph on first use in a region, as AWS creates it
// when the administrator is designated.
package detective

import (
	"crypto/md5"
	"encoding/hex"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Principal is Detective's service principal in Organizations.
const Principal = "detective.amazonaws.com"

// Service returns the Amazon Detective (restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "detective",
		Protocol: wire.RestJSON,
		Routes: []wire.Route{
			{Method: "POST", Pattern: "/graphs/list", Op: "ListGraphs"},
			{Method: "POST", Pattern: "/graph", Op: "CreateGraph"},
			{Method: "POST", Pattern: "/graph/removal", Op: "DeleteGraph"},
			{Method: "POST", Pattern: "/graph/members/list", Op: "ListMembers"},
			{Method: "POST", Pattern: "/orgs/enableAdminAccount", Op: "EnableOrganizationAdminAccount"},
			{Method: "POST", Pattern: "/orgs/disableAdminAccount", Op: "DisableOrganizationAdminAccount"},
			{Method: "POST", Pattern: "/orgs/adminAccountslist", Op: "ListOrganizationAdminAccounts"},
			{Method: "POST", Pattern: "/orgs/describeOrganizationConfiguration", Op: "DescribeOrganizationConfiguration"},
			{Method: "POST", Pattern: "/orgs/updateOrganizationConfiguration", Op: "UpdateOrganizationConfiguration"},
		},
		Ops: map[string]svc.Handler{
			"ListGraphs":                        listGraphs,
			"CreateGraph":                       createGraph,
			"DeleteGraph":                       deleteGraph,
			"ListMembers":                       listMembers,
			"EnableOrganizationAdminAccount":    enableAdmin,
			"DisableOrganizationAdminAccount":   disableAdmin,
			"ListOrganizationAdminAccounts":     listAdmins,
			"DescribeOrganizationConfiguration": describeOrgConfig,
			"UpdateOrganizationConfiguration":   updateOrgConfig,
		},
	}
}

func validation(format string, args ...any) error {
	return wire.Errorf(400, "ValidationException", format, args...)
}

func denied(format string, args ...any) error {
	return wire.Errorf(403, "AccessDeniedException", format, args...)
}

// GraphID is the ID of account's behavior graph in region.
func GraphID(account, region string) string {
	h := md5.Sum([]byte("detective/" + account + "/" + region))
	return hex.EncodeToString(h[:])
}

// GraphARN is the ARN of account's behavior graph in region.
func GraphARN(account, region string) string {
	return world.ARN("detective", region, account, "graph:"+GraphID(account, region))
}

func ts(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// org reports whether the caller is in an organization, whether it is
// the management account, and Detective's delegated administrators.
func org(c *svc.Ctx) (in, mgmt bool, admins []world.DelegatedAdmin) {
	c.World.Mu.Lock()
	defer c.World.Mu.Unlock()
	o := c.World.Org
	if !o.Belongs(c.Account.ID) {
		return false, false, nil
	}
	return true, o.ManagementAccount == c.Account.ID, o.Admins(Principal)
}

// adminSince returns when the caller became Detective's delegated
// administrator, or false.
func adminSince(c *svc.Ctx) (time.Time, bool) {
	_, _, admins := org(c)
	for _, a := range admins {
		if a.Account == c.Account.ID {
			return a.Since, true
		}
	}
	return time.Time{}, false
}

// graph returns the caller's graph in the region, creating the
// organization graph of a delegated administrator on first use.
func graph(c *svc.Ctx) *world.DetectiveGraph {
	d := &c.Regional().Detective
	if d.Graph == nil {
		if since, ok := adminSince(c); ok {
			if since.IsZero() {
				since = c.Now()
			}
			d.Graph = &world.DetectiveGraph{CreatedAt: since}
		}
	}
	if d.Graph != nil && d.Graph.ID == "" {
		d.Graph.ID = GraphID(c.Account.ID, c.Region)
	}
	return d.Graph
}

func arnOf(c *svc.Ctx, g *world.DetectiveGraph) string {
	return c.ARN("detective", "graph:"+g.ID)
}

type pageIn struct {
	MaxResults int
	NextToken  string
}

func (p *pageIn) check() error {
	if p.MaxResults < 0 || p.MaxResults > 200 {
		return validation("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 200", p.MaxResults)
	}
	return nil
}

func listGraphs(c *svc.Ctx) (any, error) {
	var in pageIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	out := []map[string]string{}
	if g := graph(c); g != nil {
		out = append(out, map[string]string{"Arn": arnOf(c, g), "CreatedTime": ts(g.CreatedAt)})
	}
	page, next, err := svc.Page(out, in.NextToken, in.MaxResults, 200, "ValidationException")
	if err != nil {
		return nil, err
	}
	return map[string]any{"GraphList": page, "NextToken": next}, nil
}

func createGraph(c *svc.Ctx) (any, error) {
	var in struct{ Tags map[string]string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if g := graph(c); g != nil {
		return nil, wire.Errorf(409, "ConflictException", "The request attempted an invalid action: a behavior graph %s already exists for account %s in this Region.", arnOf(c, g), c.Account.ID)
	}
	g := &world.DetectiveGraph{ID: GraphID(c.Account.ID, c.Region), CreatedAt: c.Now(), Tags: in.Tags}
	c.Regional().Detective.Graph = g
	return map[string]string{"GraphArn": arnOf(c, g)}, nil
}

// owned returns the caller's graph named by arn.
func owned(c *svc.Ctx, arn string) (*world.DetectiveGraph, error) {
	if arn == "" {
		return nil, validation("1 validation error detected: Value null at 'graphArn' failed to satisfy constraint: Member must not be null")
	}
	g := graph(c)
	if g == nil || arnOf(c, g) != arn {
		return nil, wire.Errorf(404, "ResourceNotFoundException", "The request refers to a nonexistent resource: behavior graph %s.", arn)
	}
	return g, nil
}

func deleteGraph(c *svc.Ctx) (any, error) {
	var in struct{ GraphArn string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if _, err := owned(c, in.GraphArn); err != nil {
		return nil, err
	}
	if _, ok := adminSince(c); ok {
		return nil, validation("The behavior graph of the Detective administrator account for the organization cannot be deleted; remove the delegated administrator first.")
	}
	c.Regional().Detective.Graph = nil
	return nil, nil
}

func listMembers(c *svc.Ctx) (any, error) {
	var in struct {
		GraphArn string
		pageIn
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	if _, err := owned(c, in.GraphArn); err != nil {
		return nil, err
	}
	page, next, err := svc.Page([]map[string]any{}, in.NextToken, in.MaxResults, 100, "ValidationException")
	if err != nil {
		return nil, err
	}
	return map[string]any{"MemberDetails": page, "NextToken": next}, nil
}

func requireManagement(c *svc.Ctx) error {
	in, mgmt, _ := org(c)
	if !in {
		return denied("Account %s is not part of an AWS organization.", c.Account.ID)
	}
	if !mgmt {
		return denied("Only the organization management account can perform this operation.")
	}
	return nil
}

func enableAdmin(c *svc.Ctx) (any, error) {
	var in struct{ AccountId string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.AccountId) != 12 {
		return nil, validation("1 validation error detected: Value '%s' at 'accountId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9]+$", in.AccountId)
	}
	if err := requireManagement(c); err != nil {
		return nil, err
	}
	c.World.Mu.Lock()
	defer c.World.Mu.Unlock()
	o := c.World.Org
	if _, member := o.Members[in.AccountId]; !member && in.AccountId != o.ManagementAccount {
		return nil, validation("Account %s is not a member of the organization.", in.AccountId)
	}
	for _, a := range o.DelegatedAdmins[Principal] {
		if a.Account == in.AccountId {
			return nil, nil
		}
		return nil, validation("Account %s is already the Detective administrator account for the organization.", a.Account)
	}
	o.AddAdmin(Principal, in.AccountId, c.Now())
	o.EnableServiceAccess(Principal, c.Now())
	return nil, nil
}

func disableAdmin(c *svc.Ctx) (any, error) {
	if err := requireManagement(c); err != nil {
		return nil, err
	}
	c.World.Mu.Lock()
	defer c.World.Mu.Unlock()
	delete(c.World.Org.DelegatedAdmins, Principal)
	return nil, nil
}

func listAdmins(c *svc.Ctx) (any, error) {
	var in pageIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	if err := requireManagement(c); err != nil {
		return nil, err
	}
	_, _, admins := org(c)
	out := []map[string]string{}
	for _, a := range admins {
		out = append(out, map[string]string{"AccountId": a.Account, "GraphArn": GraphARN(a.Account, c.Region), "DelegationTime": ts(a.Since)})
	}
	page, next, err := svc.Page(out, in.NextToken, in.MaxResults, 200, "ValidationException")
	if err != nil {
		return nil, err
	}
	return map[string]any{"Administrators": page, "NextToken": next}, nil
}

func adminGraph(c *svc.Ctx, arn string) (*world.DetectiveGraph, error) {
	if _, ok := adminSince(c); !ok {
		return nil, denied("Account %s is not the Detective administrator account for the organization.", c.Account.ID)
	}
	return owned(c, arn)
}

func describeOrgConfig(c *svc.Ctx) (any, error) {
	var in struct{ GraphArn string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	g, err := adminGraph(c, in.GraphArn)
	if err != nil {
		return nil, err
	}
	return map[string]bool{"AutoEnable": g.AutoEnable}, nil
}

func updateOrgConfig(c *svc.Ctx) (any, error) {
	var in struct {
		GraphArn   string
		AutoEnable bool
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	g, err := adminGraph(c, in.GraphArn)
	if err != nil {
		return nil, err
	}
	g.AutoEnable = in.AutoEnable
	return nil, nil
}
