// Package account simulates the AWS Account Management API (restJson1):
// region opt-in and alternate contacts, for the caller's account or, from
// the management account, for a member (AccountId).
package account

import (
	"net/http"
	"sync"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the the AWS Account Management API (restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "account",
		Protocol: wire.RestJSON,
		Global:   true,
		Routes: []wire.Route{
			{Method: "POST", Pattern: "/listRegions", Op: "ListRegions"},
			{Method: "POST", Pattern: "/getRegionOptStatus", Op: "GetRegionOptStatus"},
			{Method: "POST", Pattern: "/enableRegion", Op: "EnableRegion"},
			{Method: "POST", Pattern: "/disableRegion", Op: "DisableRegion"},
			{Method: "POST", Pattern: "/getAlternateContact", Op: "GetAlternateContact"},
			{Method: "POST", Pattern: "/putAlternateContact", Op: "PutAlternateContact"},
			{Method: "POST", Pattern: "/deleteAlternateContact", Op: "DeleteAlternateContact"},
		},
		Ops: map[string]svc.Handler{
			"ListRegions":            listRegions,
			"GetRegionOptStatus":     getRegionOptStatus,
			"EnableRegion":           enableRegion,
			"DisableRegion":          disableRegion,
			"GetAlternateContact":    getAlternateContact,
			"PutAlternateContact":    putAlternateContact,
			"DeleteAlternateContact": deleteAlternateContact,
		},
	}
}

func validation(format string, args ...any) error {
	return wire.Errorf(http.StatusBadRequest, "ValidationException", format, args...)
}

// target returns the account a request is about and a release func: the
// caller's own (already locked by the server), or, with AccountId, a member
// of the caller's organization when the caller is its management account.
// A member is locked with TryLock, which never waits (no deadlock is
// possible); when its lock is busy the answer is a retryable
// TooManyRequestsException.
func target(c *svc.Ctx, accountID string) (*world.Account, func(), error) {
	if accountID == "" || accountID == c.Account.ID {
		return c.Account, func() {}, nil
	}
	if len(accountID) != 12 {
		return nil, nil, validation("1 validation error detected: Value at 'accountId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\\d{12}$")
	}
	c.World.Mu.Lock()
	org := c.World.Org
	var a *world.Account
	ok := org != nil && org.ManagementAccount == c.Account.ID && org.Members[accountID] != nil
	if ok {
		a = c.World.Accounts[accountID]
	}
	c.World.Mu.Unlock()
	if !ok || a == nil {
		return nil, nil, wire.Errorf(http.StatusForbidden, "AccessDeniedException", "User: %s is not authorized to perform this operation on account %s.", c.Principal.ARN, accountID)
	}
	if !a.Mu.TryLock() {
		return nil, nil, wire.Errorf(http.StatusTooManyRequests, "TooManyRequestsException", "The request failed because of too many concurrent requests for account %s; try again.", accountID)
	}
	return a, a.Mu.Unlock, nil
}

// ---- regions ----

type regionView struct {
	RegionName      string
	RegionOptStatus string
}

func status(a *world.Account, r string) string {
	if s := a.RegionStatus[r]; s != "" {
		return s
	}
	return "DISABLED"
}

var statuses = map[string]bool{"ENABLED": true, "ENABLING": true, "DISABLING": true, "DISABLED": true, "ENABLED_BY_DEFAULT": true}

func listRegions(c *svc.Ctx) (any, error) {
	var in struct {
		AccountId               string
		MaxResults              int
		NextToken               string
		RegionOptStatusContains []string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.MaxResults < 0 || in.MaxResults > 50 {
		return nil, validation("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50", in.MaxResults)
	}
	want := map[string]bool{}
	for _, s := range in.RegionOptStatusContains {
		if !statuses[s] {
			return nil, validation("1 validation error detected: Value '%s' at 'regionOptStatusContains' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, ENABLING, DISABLING, DISABLED, ENABLED_BY_DEFAULT]", s)
		}
		want[s] = true
	}
	a, release, err := target(c, in.AccountId)
	if err != nil {
		return nil, err
	}
	var all []regionView
	for _, r := range c.World.Regions {
		s := status(a, r.Name)
		if len(want) == 0 || want[s] {
			all = append(all, regionView{r.Name, s})
		}
	}
	release()
	p, next, err := svc.Page(all, in.NextToken, in.MaxResults, 50, "ValidationException")
	if err != nil {
		return nil, err
	}
	if p == nil {
		p = []regionView{}
	}
	return struct {
		Regions   []regionView
		NextToken string `json:",omitempty"`
	}{p, next}, nil
}

type regionIn struct {
	AccountId  string
	RegionName string
}

func regionArg(c *svc.Ctx) (regionIn, world.RegionInfo, error) {
	var in regionIn
	if err := c.DecodeJSON(&in); err != nil {
		return in, world.RegionInfo{}, err
	}
	ri, ok := c.World.Region(in.RegionName)
	if !ok {
		return in, ri, validation("The region %q is not a valid region name.", in.RegionName)
	}
	return in, ri, nil
}

func getRegionOptStatus(c *svc.Ctx) (any, error) {
	in, _, err := regionArg(c)
	if err != nil {
		return nil, err
	}
	a, release, err := target(c, in.AccountId)
	if err != nil {
		return nil, err
	}
	defer release()
	return regionView{in.RegionName, status(a, in.RegionName)}, nil
}

func setRegion(c *svc.Ctx, to string) (any, error) {
	in, ri, err := regionArg(c)
	if err != nil {
		return nil, err
	}
	if !ri.OptIn {
		return nil, validation("%s is enabled by default and cannot be enabled or disabled.", in.RegionName)
	}
	a, release, err := target(c, in.AccountId)
	if err != nil {
		return nil, err
	}
	defer release()
	if a.RegionStatus == nil {
		a.RegionStatus = map[string]string{}
	}
	a.RegionStatus[in.RegionName] = to
	return nil, nil
}

func enableRegion(c *svc.Ctx) (any, error)  { return setRegion(c, "ENABLED") }
func disableRegion(c *svc.Ctx) (any, error) { return setRegion(c, "DISABLED") }

// ---- alternate contacts ----

// Billing and operations contacts are not in world.Contact (only Security
// is); they are kept here, per world and account, under their own lock.
var extra = struct {
	sync.Mutex
	m map[*world.World]map[string]map[string]world.AlternateContact
}{m: map[*world.World]map[string]map[string]world.AlternateContact{}}

func getContact(w *world.World, a *world.Account, typ string) *world.AlternateContact {
	if typ == "SECURITY" {
		return a.Contact.Security
	}
	extra.Lock()
	defer extra.Unlock()
	if ct, ok := extra.m[w][a.ID][typ]; ok {
		return &ct
	}
	return nil
}

func setContact(w *world.World, a *world.Account, typ string, ct *world.AlternateContact) {
	if typ == "SECURITY" {
		a.Contact.Security = ct
		return
	}
	extra.Lock()
	defer extra.Unlock()
	if ct == nil {
		delete(extra.m[w][a.ID], typ)
		return
	}
	if extra.m[w] == nil {
		extra.m[w] = map[string]map[string]world.AlternateContact{}
	}
	if extra.m[w][a.ID] == nil {
		extra.m[w][a.ID] = map[string]world.AlternateContact{}
	}
	extra.m[w][a.ID][typ] = *ct
}

type contactIn struct {
	AccountId            string
	AlternateContactType string
	EmailAddress         string
	Name                 string
	PhoneNumber          string
	Title                string
}

func contactArg(c *svc.Ctx) (contactIn, error) {
	var in contactIn
	if err := c.DecodeJSON(&in); err != nil {
		return in, err
	}
	switch in.AlternateContactType {
	case "SECURITY", "BILLING", "OPERATIONS":
	default:
		return in, validation("1 validation error detected: Value '%s' at 'alternateContactType' failed to satisfy constraint: Member must satisfy enum value set: [SECURITY, BILLING, OPERATIONS]", in.AlternateContactType)
	}
	return in, nil
}

func notFound() error {
	return wire.Errorf(http.StatusNotFound, "ResourceNotFoundException", "No contact of the inputted alternate contact type found.")
}

func getAlternateContact(c *svc.Ctx) (any, error) {
	in, err := contactArg(c)
	if err != nil {
		return nil, err
	}
	a, release, err := target(c, in.AccountId)
	if err != nil {
		return nil, err
	}
	defer release()
	ct := getContact(c.World, a, in.AlternateContactType)
	if ct == nil {
		return nil, notFound()
	}
	return map[string]any{"AlternateContact": map[string]string{
		"AlternateContactType": in.AlternateContactType, "EmailAddress": ct.Email, "Name": ct.Name, "PhoneNumber": ct.Phone, "Title": ct.Title}}, nil
}

func putAlternateContact(c *svc.Ctx) (any, error) {
	in, err := contactArg(c)
	if err != nil {
		return nil, err
	}
	if in.EmailAddress == "" || in.Name == "" || in.PhoneNumber == "" || in.Title == "" {
		return nil, validation("EmailAddress, Name, PhoneNumber and Title are required.")
	}
	a, release, err := target(c, in.AccountId)
	if err != nil {
		return nil, err
	}
	defer release()
	setContact(c.World, a, in.AlternateContactType, &world.AlternateContact{Name: in.Name, Email: in.EmailAddress, Phone: in.PhoneNumber, Title: in.Title})
	return nil, nil
}

func deleteAlternateContact(c *svc.Ctx) (any, error) {
	in, err := contactArg(c)
	if err != nil {
		return nil, err
	}
	a, release, err := target(c, in.AccountId)
	if err != nil {
		return nil, err
	}
	defer release()
	if getContact(c.World, a, in.AlternateContactType) == nil {
		return nil, notFound()
	}
	setContact(c.World, a, in.AlternateContactType, nil)
	return nil, nil
}
