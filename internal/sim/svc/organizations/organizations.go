// Package organizations simulates AWS Organizations (awsJson1.1): the
// structure of the organization (root, OUs, accounts), delegated
// administrators, trusted service access, tags and policies (SCPs).
//
// The organization is c.World.Org, guarded by c.World.Mu, which every
// handler holds for its whole run (after the caller's account lock, as the
// world's lock order wants). Handlers therefore never call World helpers
// that take World.Mu themselves (HexID, Account, ...) while holding it.
package organizations

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/policy"
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the AWS Organizations (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "organizations",
		Protocol: wire.JSON11,
		Global:   true,
		Ops: map[string]svc.Handler{
			"DescribeOrganization":                locked(anyMember, describeOrganization),
			"ListAccounts":                        locked(reader, listAccounts),
			"ListAccountsForParent":               locked(reader, listAccountsForParent),
			"DescribeAccount":                     locked(reader, describeAccount),
			"ListRoots":                           locked(reader, listRoots),
			"ListOrganizationalUnitsForParent":    locked(reader, listOUsForParent),
			"DescribeOrganizationalUnit":          locked(reader, describeOU),
			"ListChildren":                        locked(reader, listChildren),
			"ListParents":                         locked(reader, listParents),
			"ListTagsForResource":                 locked(reader, listTagsForResource),
			"TagResource":                         locked(management, tagResource),
			"UntagResource":                       locked(management, untagResource),
			"ListDelegatedAdministrators":         locked(reader, listDelegatedAdministrators),
			"ListDelegatedServicesForAccount":     locked(reader, listDelegatedServices),
			"RegisterDelegatedAdministrator":      locked(management, registerDelegatedAdmin),
			"DeregisterDelegatedAdministrator":    locked(management, deregisterDelegatedAdmin),
			"ListAWSServiceAccessForOrganization": locked(reader, listServiceAccess),
			"EnableAWSServiceAccess":              locked(management, enableServiceAccess),
			"DisableAWSServiceAccess":             locked(management, disableServiceAccess),
			"ListPolicies":                        locked(reader, listPolicies),
			"ListPoliciesForTarget":               locked(reader, listPoliciesForTarget),
			"ListTargetsForPolicy":                locked(reader, listTargetsForPolicy),
			"DescribePolicy":                      locked(reader, describePolicy),
			"CreatePolicy":                        withPolicyID(createPolicy),
			"UpdatePolicy":                        locked(management, updatePolicy),
			"DeletePolicy":                        locked(management, deletePolicy),
			"AttachPolicy":                        locked(management, attachPolicy),
			"DetachPolicy":                        locked(management, detachPolicy),
			"EnablePolicyType":                    locked(management, enablePolicyType),
			"DisablePolicyType":                   locked(management, disablePolicyType),
		},
	}
}

// access levels
const (
	anyMember = iota
	reader    // management account or a delegated administrator
	management
)

// call is one handler's view: the request, the organization (World.Mu held).
type call struct {
	*svc.Ctx
	org *world.Organization
	// policyID is pre-generated for CreatePolicy (HexID takes World.Mu).
	policyID string
}

func locked(level int, h func(*call) (any, error)) svc.Handler {
	return func(c *svc.Ctx) (any, error) { return run(c, level, "", h) }
}

func withPolicyID(h func(*call) (any, error)) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		id := c.World.HexID("p-", 8)
		return run(c, management, id, h)
	}
}

func run(c *svc.Ctx, level int, policyID string, h func(*call) (any, error)) (any, error) {
	c.World.Mu.Lock()
	defer c.World.Mu.Unlock()
	org := c.World.Org
	me := c.Account.ID
	if org == nil || (me != org.ManagementAccount && org.Members[me] == nil) {
		return nil, errf("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	}
	if me != org.ManagementAccount {
		switch {
		case level == management:
			return nil, denied()
		case level == reader && !isDelegatedAdmin(org, me):
			return nil, denied()
		}
	}
	return h(&call{Ctx: c, org: org, policyID: policyID})
}

func isDelegatedAdmin(org *world.Organization, id string) bool {
	for _, das := range org.DelegatedAdmins {
		for _, d := range das {
			if d.Account == id {
				return true
			}
		}
	}
	return false
}

func errf(code, format string, args ...any) error { return wire.Errorf(400, code, format, args...) }

func denied() error {
	return errf("AccessDeniedException", "You don't have permissions to access this resource.")
}

func invalid(format string, args ...any) error { return errf("InvalidInputException", format, args...) }

// constraint is a ConstraintViolationException with its Reason, which
// the SDK decodes into types.ConstraintViolationException.Reason.
func constraint(reason, format string, args ...any) error {
	e := wire.Errorf(400, "ConstraintViolationException", format, args...)
	e.Fields = map[string]string{"Reason": reason}
	return e
}

// epoch is a timestamp in awsJson's epoch-seconds format.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(time.Time(t).UnixMilli())/1000, 'f', -1, 64)), nil
}

func ep(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t.UTC())
	return &e
}

func decode(c *call, v any) error { return c.DecodeJSON(v) }

func page[T any](items []T, token string, max int) ([]T, string, error) {
	if max < 0 || max > 20 {
		return nil, "", invalid("You provided a value that does not match the required pattern: MaxResults must be between 1 and 20.")
	}
	return svc.Page(items, token, max, 20, "InvalidInputException")
}

// ---- ARNs and views ----

func (c *call) arn(kind, rest string) string {
	return "arn:aws:organizations::" + c.org.ManagementAccount + ":" + kind + "/" + c.org.ID + "/" + rest
}

type accountView struct {
	Arn             string
	Email           string
	Id              string
	JoinedMethod    string
	JoinedTimestamp *epoch
	Name            string
	State           string
	Status          string
}

// member returns the membership of id (the management account is a member
// even when the organization's data does not list it).
func (c *call) member(id string) *world.Member {
	if m := c.org.Members[id]; m != nil {
		return m
	}
	if id == c.org.ManagementAccount {
		return &world.Member{Account: id, Parent: c.org.RootID, Status: "ACTIVE", JoinedMethod: "INVITED"}
	}
	return nil
}

func (c *call) accountIDs() []string {
	ids := make([]string, 0, len(c.org.Members)+1)
	for id := range c.org.Members {
		ids = append(ids, id)
	}
	if c.org.Members[c.org.ManagementAccount] == nil && c.org.ManagementAccount != "" {
		ids = append(ids, c.org.ManagementAccount)
	}
	sort.Strings(ids)
	return ids
}

func (c *call) account(id string) accountView {
	m := c.member(id)
	v := accountView{Arn: c.arn("account", id), Id: id, JoinedMethod: m.JoinedMethod, JoinedTimestamp: ep(m.Joined), Status: m.Status}
	if v.JoinedMethod == "" {
		v.JoinedMethod = "CREATED"
	}
	if v.Status == "" {
		v.Status = "ACTIVE"
	}
	v.State = v.Status
	if v.Status == "PENDING_CLOSURE" {
		v.State = "PENDING_CLOSURE"
	} else if v.Status == "SUSPENDED" {
		v.State = "SUSPENDED"
	}
	// Name and Email are fixed when an account is created; read without
	// the other account's lock (World.Mu guards the Accounts map).
	if a := c.World.Accounts[id]; a != nil {
		v.Name, v.Email = a.Name, a.Email
	}
	if id == c.org.ManagementAccount && c.org.ManagementEmail != "" && v.Email == "" {
		v.Email = c.org.ManagementEmail
	}
	return v
}

type policyTypeSummary struct {
	Type   string
	Status string
}

type rootView struct {
	Arn         string
	Id          string
	Name        string
	PolicyTypes []policyTypeSummary
}

func (c *call) root() rootView {
	r := rootView{Arn: c.arn("root", c.org.RootID), Id: c.org.RootID, Name: "Root", PolicyTypes: []policyTypeSummary{}}
	for _, t := range c.org.EnabledPolicyTypes {
		r.PolicyTypes = append(r.PolicyTypes, policyTypeSummary{Type: t, Status: "ENABLED"})
	}
	return r
}

type ouView struct {
	Arn  string
	Id   string
	Name string
}

func (c *call) ou(o *world.OU) ouView {
	return ouView{Arn: c.arn("ou", o.ID), Id: o.ID, Name: o.Name}
}

func (c *call) ous() []*world.OU {
	out := make([]*world.OU, 0, len(c.org.OUs))
	for _, o := range c.org.OUs {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// parentExists reports whether id is the root or an OU.
func (c *call) parentExists(id string) bool {
	return id == c.org.RootID || c.org.OUs[id] != nil
}

// ---- organization and structure ----

func describeOrganization(c *call) (any, error) {
	mgmt := c.org.ManagementAccount
	email := c.org.ManagementEmail
	if email == "" {
		if a := c.World.Accounts[mgmt]; a != nil {
			email = a.Email
		}
	}
	fs := c.org.FeatureSet
	if fs == "" {
		fs = "ALL"
	}
	types := []policyTypeSummary{}
	for _, t := range c.org.EnabledPolicyTypes {
		types = append(types, policyTypeSummary{Type: t, Status: "ENABLED"})
	}
	return map[string]any{"Organization": map[string]any{
		"Arn":                  "arn:aws:organizations::" + mgmt + ":organization/" + c.org.ID,
		"Id":                   c.org.ID,
		"FeatureSet":           fs,
		"MasterAccountArn":     c.arn("account", mgmt),
		"MasterAccountEmail":   email,
		"MasterAccountId":      mgmt,
		"AvailablePolicyTypes": types,
	}}, nil
}

type pageIn struct {
	NextToken  string
	MaxResults int
}

func listAccounts(c *call) (any, error) {
	var in pageIn
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	var all []accountView
	for _, id := range c.accountIDs() {
		all = append(all, c.account(id))
	}
	p, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return struct {
		Accounts  []accountView
		NextToken string `json:",omitempty"`
	}{nonNil(p), next}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func listAccountsForParent(c *call) (any, error) {
	var in struct {
		ParentId string
		pageIn
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if !c.parentExists(in.ParentId) {
		return nil, errf("ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
	}
	var all []accountView
	for _, id := range c.accountIDs() {
		if c.member(id).Parent == in.ParentId {
			all = append(all, c.account(id))
		}
	}
	p, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return struct {
		Accounts  []accountView
		NextToken string `json:",omitempty"`
	}{nonNil(p), next}, nil
}

func describeAccount(c *call) (any, error) {
	var in struct{ AccountId string }
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if c.member(in.AccountId) == nil {
		return nil, errf("AccountNotFoundException", "You specified an account that doesn't exist.")
	}
	return map[string]any{"Account": c.account(in.AccountId)}, nil
}

func listRoots(c *call) (any, error) {
	var in pageIn
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	p, next, err := page([]rootView{c.root()}, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return struct {
		Roots     []rootView
		NextToken string `json:",omitempty"`
	}{nonNil(p), next}, nil
}

func listOUsForParent(c *call) (any, error) {
	var in struct {
		ParentId string
		pageIn
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if !c.parentExists(in.ParentId) {
		return nil, errf("ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
	}
	var all []ouView
	for _, o := range c.ous() {
		if o.Parent == in.ParentId {
			all = append(all, c.ou(o))
		}
	}
	p, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return struct {
		OrganizationalUnits []ouView
		NextToken           string `json:",omitempty"`
	}{nonNil(p), next}, nil
}

func describeOU(c *call) (any, error) {
	var in struct{ OrganizationalUnitId string }
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	o := c.org.OUs[in.OrganizationalUnitId]
	if o == nil {
		return nil, errf("OrganizationalUnitNotFoundException", "We can't find an OU with the OrganizationalUnitId that you specified.")
	}
	return map[string]any{"OrganizationalUnit": c.ou(o)}, nil
}

type idType struct {
	Id   string
	Type string
}

func listChildren(c *call) (any, error) {
	var in struct {
		ParentId  string
		ChildType string
		pageIn
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if in.ChildType != "ACCOUNT" && in.ChildType != "ORGANIZATIONAL_UNIT" {
		return nil, invalid("You specified an invalid value for ChildType.")
	}
	if !c.parentExists(in.ParentId) {
		return nil, errf("ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
	}
	var all []idType
	if in.ChildType == "ACCOUNT" {
		for _, id := range c.accountIDs() {
			if c.member(id).Parent == in.ParentId {
				all = append(all, idType{id, "ACCOUNT"})
			}
		}
	} else {
		for _, o := range c.ous() {
			if o.Parent == in.ParentId {
				all = append(all, idType{o.ID, "ORGANIZATIONAL_UNIT"})
			}
		}
	}
	p, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return struct {
		Children  []idType
		NextToken string `json:",omitempty"`
	}{nonNil(p), next}, nil
}

func (c *call) parentOf(id string) (string, bool) {
	if m := c.member(id); m != nil {
		return m.Parent, true
	}
	if o := c.org.OUs[id]; o != nil {
		return o.Parent, true
	}
	return "", false
}

func listParents(c *call) (any, error) {
	var in struct {
		ChildId string
		pageIn
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	parent, ok := c.parentOf(in.ChildId)
	if !ok {
		return nil, errf("ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
	}
	t := "ORGANIZATIONAL_UNIT"
	if parent == c.org.RootID {
		t = "ROOT"
	}
	p, next, err := page([]idType{{parent, t}}, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return struct {
		Parents   []idType
		NextToken string `json:",omitempty"`
	}{p, next}, nil
}

// ---- tags ----

type tag struct {
	Key   string
	Value string
}

// tagsOf returns the tag map of a taggable resource, creating it when
// create is set; ok is false when there is no such resource.
func (c *call) tagsOf(id string, create bool) (map[string]string, bool) {
	var slot *map[string]string
	switch {
	case id == c.org.RootID:
		slot = &c.org.RootTags
	case c.org.OUs[id] != nil:
		slot = &c.org.OUs[id].Tags
	case c.org.Members[id] != nil:
		slot = &c.org.Members[id].Tags
	case c.org.Policies[id] != nil:
		slot = &c.org.Policies[id].Tags
	default:
		return nil, false
	}
	if *slot == nil && create {
		*slot = map[string]string{}
	}
	return *slot, true
}

func tagList(m map[string]string) []tag {
	out := []tag{}
	for k, v := range m {
		out = append(out, tag{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func targetNotFound() error {
	return errf("TargetNotFoundException", "We can't find a root, OU, account, or policy with the TargetId that you specified.")
}

func listTagsForResource(c *call) (any, error) {
	var in struct {
		ResourceId string
		NextToken  string
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	m, ok := c.tagsOf(in.ResourceId, false)
	if !ok {
		return nil, targetNotFound()
	}
	p, next, err := page(tagList(m), in.NextToken, 0)
	if err != nil {
		return nil, err
	}
	return struct {
		Tags      []tag
		NextToken string `json:",omitempty"`
	}{p, next}, nil
}

func tagResource(c *call) (any, error) {
	var in struct {
		ResourceId string
		Tags       []tag
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	m, ok := c.tagsOf(in.ResourceId, true)
	if !ok {
		return nil, targetNotFound()
	}
	if len(m)+len(in.Tags) > 50 {
		return nil, errf("ConstraintViolationException", "You have exceeded the maximum number of tags allowed on this resource.")
	}
	for _, t := range in.Tags {
		if t.Key == "" {
			return nil, invalid("You provided a tag with an empty key.")
		}
		m[t.Key] = t.Value
	}
	return nil, nil
}

func untagResource(c *call) (any, error) {
	var in struct {
		ResourceId string
		TagKeys    []string
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	m, ok := c.tagsOf(in.ResourceId, false)
	if !ok {
		return nil, targetNotFound()
	}
	for _, k := range in.TagKeys {
		delete(m, k)
	}
	return nil, nil
}

// ---- delegated administrators and trusted access ----

type delegatedAdminView struct {
	accountView
	DelegationEnabledDate *epoch
}

func listDelegatedAdministrators(c *call) (any, error) {
	var in struct {
		ServicePrincipal string
		pageIn
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	since := map[string]time.Time{}
	for sp, das := range c.org.DelegatedAdmins {
		if in.ServicePrincipal != "" && sp != in.ServicePrincipal {
			continue
		}
		for _, d := range das {
			if t, ok := since[d.Account]; !ok || d.Since.Before(t) {
				since[d.Account] = d.Since
			}
		}
	}
	ids := make([]string, 0, len(since))
	for id := range since {
		if c.member(id) != nil {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	var all []delegatedAdminView
	for _, id := range ids {
		all = append(all, delegatedAdminView{c.account(id), ep(since[id])})
	}
	p, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return struct {
		DelegatedAdministrators []delegatedAdminView
		NextToken               string `json:",omitempty"`
	}{nonNil(p), next}, nil
}

type delegatedService struct {
	ServicePrincipal      string
	DelegationEnabledDate *epoch
}

func listDelegatedServices(c *call) (any, error) {
	var in struct {
		AccountId string
		pageIn
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if c.member(in.AccountId) == nil {
		return nil, errf("AccountNotFoundException", "You specified an account that doesn't exist.")
	}
	var all []delegatedService
	for sp, das := range c.org.DelegatedAdmins {
		for _, d := range das {
			if d.Account == in.AccountId {
				all = append(all, delegatedService{sp, ep(d.Since)})
			}
		}
	}
	if len(all) == 0 {
		return nil, errf("AccountNotRegisteredException", "The provided account is not a registered delegated administrator for your organization.")
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ServicePrincipal < all[j].ServicePrincipal })
	p, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return struct {
		DelegatedServices []delegatedService
		NextToken         string `json:",omitempty"`
	}{p, next}, nil
}

type adminIn struct {
	AccountId        string
	ServicePrincipal string
}

func registerDelegatedAdmin(c *call) (any, error) {
	var in adminIn
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if in.AccountId == "" || in.ServicePrincipal == "" {
		return nil, invalid("AccountId and ServicePrincipal are required.")
	}
	if c.member(in.AccountId) == nil {
		return nil, errf("AccountNotFoundException", "You specified an account that doesn't exist.")
	}
	if in.AccountId == c.org.ManagementAccount {
		return nil, errf("ConstraintViolationException", "You cannot register the management account of the organization as a delegated administrator for an AWS service integrated with Organizations. (CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR)")
	}
	if _, ok := c.org.ServiceAccess[in.ServicePrincipal]; !ok {
		return nil, errf("ConstraintViolationException", "You must first enable trusted access for %s with AWS Organizations before you can register a delegated administrator for it.", in.ServicePrincipal)
	}
	for _, d := range c.org.DelegatedAdmins[in.ServicePrincipal] {
		if d.Account == in.AccountId {
			return nil, errf("AccountAlreadyRegisteredException", "The provided account is already a delegated administrator for your organization.")
		}
	}
	c.org.AddAdmin(in.ServicePrincipal, in.AccountId, c.Now())
	return nil, nil
}

func deregisterDelegatedAdmin(c *call) (any, error) {
	var in adminIn
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if in.AccountId == "" || in.ServicePrincipal == "" {
		return nil, invalid("AccountId and ServicePrincipal are required.")
	}
	if c.member(in.AccountId) == nil {
		return nil, errf("AccountNotFoundException", "You specified an account that doesn't exist.")
	}
	if c.org.RemoveAdmin(in.ServicePrincipal, in.AccountId) {
		return nil, nil
	}
	return nil, errf("AccountNotRegisteredException", "The provided account is not a registered delegated administrator for your organization.")
}

type enabledPrincipal struct {
	ServicePrincipal string
	DateEnabled      *epoch
}

func listServiceAccess(c *call) (any, error) {
	var in pageIn
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	var all []enabledPrincipal
	for sp, t := range c.org.ServiceAccess {
		all = append(all, enabledPrincipal{sp, ep(t)})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ServicePrincipal < all[j].ServicePrincipal })
	p, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return struct {
		EnabledServicePrincipals []enabledPrincipal
		NextToken                string `json:",omitempty"`
	}{nonNil(p), next}, nil
}

func servicePrincipal(c *call) (string, error) {
	var in struct{ ServicePrincipal string }
	if err := decode(c, &in); err != nil {
		return "", err
	}
	if in.ServicePrincipal == "" || !strings.Contains(in.ServicePrincipal, ".") {
		return "", invalid("You specified an invalid value for ServicePrincipal.")
	}
	return in.ServicePrincipal, nil
}

func enableServiceAccess(c *call) (any, error) {
	sp, err := servicePrincipal(c)
	if err != nil {
		return nil, err
	}
	if c.org.ServiceAccess == nil {
		c.org.ServiceAccess = map[string]time.Time{}
	}
	if _, ok := c.org.ServiceAccess[sp]; !ok {
		c.org.ServiceAccess[sp] = c.Now()
	}
	return nil, nil
}

func disableServiceAccess(c *call) (any, error) {
	sp, err := servicePrincipal(c)
	if err != nil {
		return nil, err
	}
	delete(c.org.ServiceAccess, sp)
	return nil, nil
}

// ---- policies ----

var policyTypes = map[string]string{
	"SERVICE_CONTROL_POLICY":    "service_control_policy",
	"RESOURCE_CONTROL_POLICY":   "resource_control_policy",
	"TAG_POLICY":                "tag_policy",
	"BACKUP_POLICY":             "backup_policy",
	"AISERVICES_OPT_OUT_POLICY": "aiservices_opt_out_policy",
	"CHATBOT_POLICY":            "chatbot_policy",
	"DECLARATIVE_POLICY_EC2":    "declarative_policy_ec2",
}

type policySummary struct {
	Arn         string
	AwsManaged  bool
	Description string
	Id          string
	Name        string
	Type        string
}

func (c *call) summary(p *world.Policy) policySummary {
	arn := c.arn("policy", policyTypes[p.Type]+"/"+p.ID)
	if p.AWSManaged {
		arn = "arn:aws:organizations::aws:policy/" + policyTypes[p.Type] + "/" + p.ID
	}
	return policySummary{Arn: arn, AwsManaged: p.AWSManaged, Description: p.Description, Id: p.ID, Name: p.Name, Type: p.Type}
}

func (c *call) policyView(p *world.Policy) any {
	return map[string]any{"Policy": map[string]any{"Content": p.Content, "PolicySummary": c.summary(p)}}
}

func (c *call) policies() []*world.Policy {
	out := make([]*world.Policy, 0, len(c.org.Policies))
	for _, p := range c.org.Policies {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Name < out[j].Name || out[i].Name == out[j].Name && out[i].ID < out[j].ID
	})
	return out
}

func filterType(f string) error {
	if _, ok := policyTypes[f]; !ok {
		return invalid("You specified an invalid value for Filter.")
	}
	return nil
}

func (c *call) policy(id string) (*world.Policy, error) {
	p := c.org.Policies[id]
	if p == nil {
		return nil, errf("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.")
	}
	return p, nil
}

func listPolicies(c *call) (any, error) {
	var in struct {
		Filter string
		pageIn
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if err := filterType(in.Filter); err != nil {
		return nil, err
	}
	var all []policySummary
	for _, p := range c.policies() {
		if p.Type == in.Filter {
			all = append(all, c.summary(p))
		}
	}
	pg, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return struct {
		Policies  []policySummary
		NextToken string `json:",omitempty"`
	}{nonNil(pg), next}, nil
}

func (c *call) targetExists(id string) bool {
	return c.parentExists(id) || c.member(id) != nil
}

func listPoliciesForTarget(c *call) (any, error) {
	var in struct {
		TargetId string
		Filter   string
		pageIn
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if err := filterType(in.Filter); err != nil {
		return nil, err
	}
	if !c.targetExists(in.TargetId) {
		return nil, targetNotFound()
	}
	var all []policySummary
	for _, p := range c.policies() {
		if p.Type == in.Filter && contains(p.Targets, in.TargetId) {
			all = append(all, c.summary(p))
		}
	}
	pg, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return struct {
		Policies  []policySummary
		NextToken string `json:",omitempty"`
	}{nonNil(pg), next}, nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

type targetSummary struct {
	Arn      string
	Name     string
	TargetId string
	Type     string
}

func listTargetsForPolicy(c *call) (any, error) {
	var in struct {
		PolicyId string
		pageIn
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	p, err := c.policy(in.PolicyId)
	if err != nil {
		return nil, err
	}
	var all []targetSummary
	for _, t := range p.Targets {
		switch {
		case t == c.org.RootID:
			all = append(all, targetSummary{c.arn("root", t), "Root", t, "ROOT"})
		case c.org.OUs[t] != nil:
			all = append(all, targetSummary{c.arn("ou", t), c.org.OUs[t].Name, t, "ORGANIZATIONAL_UNIT"})
		case c.member(t) != nil:
			all = append(all, targetSummary{c.arn("account", t), c.account(t).Name, t, "ACCOUNT"})
		}
	}
	pg, next, err := page(all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return struct {
		Targets   []targetSummary
		NextToken string `json:",omitempty"`
	}{nonNil(pg), next}, nil
}

func describePolicy(c *call) (any, error) {
	var in struct{ PolicyId string }
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	p, err := c.policy(in.PolicyId)
	if err != nil {
		return nil, err
	}
	return c.policyView(p), nil
}

// validContent checks a policy document: JSON, and for SCPs and RCPs an
// IAM-style document with a Statement.
func validContent(typ, content string) error {
	malformed := errf("MalformedPolicyDocumentException", "The provided policy document doesn't meet the requirements of the specified policy type.")
	if len(content) > world.MaxSCPSize && (typ == "SERVICE_CONTROL_POLICY" || typ == "RESOURCE_CONTROL_POLICY") {
		// AWS counts characters, white space included.
		return constraint("POLICY_CONTENT_LIMIT_EXCEEDED", "You attempted to create a policy larger than the maximum size: %d characters, the limit is %d.", len(content), world.MaxSCPSize)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(content), &doc); err != nil {
		return malformed
	}
	if typ == "SERVICE_CONTROL_POLICY" || typ == "RESOURCE_CONTROL_POLICY" {
		// The one policy engine reads it as IAM does: Effect, Action or
		// NotAction, known elements and condition operators.
		d, err := policy.Parse([]byte(content))
		if err != nil {
			return malformed
		}
		for _, st := range d.Statements {
			// SCPs name no principal (they apply to every principal of
			// the accounts they are attached to); RCPs must.
			if typ == "SERVICE_CONTROL_POLICY" && (st.Principal != nil || st.NotPrincipal != nil) {
				return malformed
			}
		}
	}
	return nil
}

func createPolicy(c *call) (any, error) {
	var in struct {
		Content     string
		Description string
		Name        string
		Type        string
		Tags        []tag
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if in.Content == "" || in.Name == "" || in.Type == "" {
		return nil, invalid("Content, Name and Type are required.")
	}
	if _, ok := policyTypes[in.Type]; !ok {
		return nil, invalid("You specified an invalid value for Type.")
	}
	if err := validContent(in.Type, in.Content); err != nil {
		return nil, err
	}
	for _, p := range c.org.Policies {
		if p.Name == in.Name && p.Type == in.Type {
			return nil, errf("DuplicatePolicyException", "A policy with the same name already exists.")
		}
	}
	p := &world.Policy{ID: c.policyID, Name: in.Name, Description: in.Description, Type: in.Type, Content: in.Content}
	if len(in.Tags) > 0 {
		p.Tags = map[string]string{}
		for _, t := range in.Tags {
			p.Tags[t.Key] = t.Value
		}
	}
	if c.org.Policies == nil {
		c.org.Policies = map[string]*world.Policy{}
	}
	c.org.Policies[p.ID] = p
	return c.policyView(p), nil
}

func immutable() error {
	return errf("ConstraintViolationException", "You can't modify an AWS managed policy. (IMMUTABLE_POLICY)")
}

func updatePolicy(c *call) (any, error) {
	var in struct {
		PolicyId    string
		Name        *string
		Description *string
		Content     *string
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	p, err := c.policy(in.PolicyId)
	if err != nil {
		return nil, err
	}
	if p.AWSManaged {
		return nil, immutable()
	}
	if in.Content != nil {
		if err := validContent(p.Type, *in.Content); err != nil {
			return nil, err
		}
	}
	if in.Name != nil && *in.Name != p.Name {
		for _, q := range c.org.Policies {
			if q.Name == *in.Name && q.Type == p.Type {
				return nil, errf("DuplicatePolicyException", "A policy with the same name already exists.")
			}
		}
		p.Name = *in.Name
	}
	if in.Description != nil {
		p.Description = *in.Description
	}
	if in.Content != nil {
		p.Content = *in.Content
		c.org.PoliciesChanged()
	}
	return c.policyView(p), nil
}

func deletePolicy(c *call) (any, error) {
	var in struct{ PolicyId string }
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	p, err := c.policy(in.PolicyId)
	if err != nil {
		return nil, err
	}
	if p.AWSManaged {
		return nil, immutable()
	}
	if len(p.Targets) > 0 {
		return nil, errf("PolicyInUseException", "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.")
	}
	delete(c.org.Policies, p.ID)
	c.org.PoliciesChanged()
	return nil, nil
}

type attachIn struct {
	PolicyId string
	TargetId string
}

func (c *call) attachArgs() (*world.Policy, string, error) {
	var in attachIn
	if err := decode(c, &in); err != nil {
		return nil, "", err
	}
	p, err := c.policy(in.PolicyId)
	if err != nil {
		return nil, "", err
	}
	if !c.targetExists(in.TargetId) {
		return nil, "", targetNotFound()
	}
	return p, in.TargetId, nil
}

func (c *call) typeEnabled(t string) bool { return contains(c.org.EnabledPolicyTypes, t) }

func attachPolicy(c *call) (any, error) {
	p, target, err := c.attachArgs()
	if err != nil {
		return nil, err
	}
	if !c.typeEnabled(p.Type) {
		return nil, errf("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")
	}
	if contains(p.Targets, target) {
		return nil, errf("DuplicatePolicyAttachmentException", "The selected policy is already attached to the specified target.")
	}
	if n := len(c.org.Attached(target, p.Type)); n >= world.MaxSCPsPerTarget && (p.Type == world.SCPType || p.Type == "RESOURCE_CONTROL_POLICY") {
		return nil, constraint("MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "You attempted to attach more than %d policies of type %s to %s.", world.MaxSCPsPerTarget, p.Type, target)
	}
	p.Targets = append(p.Targets, target)
	c.org.PoliciesChanged()
	return nil, nil
}

func detachPolicy(c *call) (any, error) {
	p, target, err := c.attachArgs()
	if err != nil {
		return nil, err
	}
	for i, t := range p.Targets {
		if t == target {
			// Every root, OU and account keeps at least one SCP
			// (DetachPolicy's documentation): attach the replacement first.
			if p.Type == world.SCPType && len(c.org.Attached(target, p.Type)) == 1 {
				return nil, constraint("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "You attempted to detach the last policy of type %s from %s; every root, OU and account must have at least one.", p.Type, target)
			}
			p.Targets = append(p.Targets[:i:i], p.Targets[i+1:]...)
			c.org.PoliciesChanged()
			return nil, nil
		}
	}
	return nil, errf("PolicyNotAttachedException", "The policy isn't attached to the specified target in the specified root.")
}

type policyTypeIn struct {
	RootId     string
	PolicyType string
}

func (c *call) policyTypeArgs() (string, error) {
	var in policyTypeIn
	if err := decode(c, &in); err != nil {
		return "", err
	}
	if in.RootId != c.org.RootID {
		return "", errf("RootNotFoundException", "We can't find a root with the RootId that you specified.")
	}
	if _, ok := policyTypes[in.PolicyType]; !ok {
		return "", invalid("You specified an invalid value for PolicyType.")
	}
	return in.PolicyType, nil
}

const fullAWSAccess = "p-FullAWSAccess"

func enablePolicyType(c *call) (any, error) {
	t, err := c.policyTypeArgs()
	if err != nil {
		return nil, err
	}
	if c.typeEnabled(t) {
		return nil, errf("PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled.")
	}
	c.org.EnabledPolicyTypes = append(c.org.EnabledPolicyTypes, t)
	c.org.PoliciesChanged()
	if t == "SERVICE_CONTROL_POLICY" && c.org.Policies[fullAWSAccess] == nil {
		// AWS attaches FullAWSAccess to every root, OU and account.
		p := &world.Policy{ID: fullAWSAccess, Name: "FullAWSAccess", Type: t, AWSManaged: true,
			Description: "Allows access to every operation",
			Content:     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}
		p.Targets = append(p.Targets, c.org.RootID)
		for _, o := range c.ous() {
			p.Targets = append(p.Targets, o.ID)
		}
		p.Targets = append(p.Targets, c.accountIDs()...)
		if c.org.Policies == nil {
			c.org.Policies = map[string]*world.Policy{}
		}
		c.org.Policies[p.ID] = p
	}
	return map[string]any{"Root": c.root()}, nil
}

func disablePolicyType(c *call) (any, error) {
	t, err := c.policyTypeArgs()
	if err != nil {
		return nil, err
	}
	if !c.typeEnabled(t) {
		return nil, errf("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")
	}
	var keep []string
	for _, x := range c.org.EnabledPolicyTypes {
		if x != t {
			keep = append(keep, x)
		}
	}
	c.org.EnabledPolicyTypes = keep
	for _, p := range c.org.Policies {
		if p.Type == t {
			p.Targets = nil
		}
	}
	c.org.PoliciesChanged()
	return map[string]any{"Root": c.root()}, nil
}
