// Package inspector2 simulates Amazon Inspector (inspector2, restJson1).
package inspector2

import (
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Principal is Inspector's service principal in Organizations.
const Principal = "inspector2.amazonaws.com"

// Service returns the Amazon Inspector (inspector2, restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "inspector2",
		Protocol: wire.RestJSON,
		Codes:    &codes,
		Routes: []wire.Route{
			{Method: "POST", Pattern: "/status/batch/get", Op: "BatchGetAccountStatus"},
			{Method: "POST", Pattern: "/enable", Op: "Enable"},
			{Method: "POST", Pattern: "/disable", Op: "Disable"},
			{Method: "POST", Pattern: "/delegatedadminaccounts/enable", Op: "EnableDelegatedAdminAccount"},
			{Method: "POST", Pattern: "/delegatedadminaccounts/disable", Op: "DisableDelegatedAdminAccount"},
			{Method: "POST", Pattern: "/delegatedadminaccounts/list", Op: "ListDelegatedAdminAccounts"},
			{Method: "POST", Pattern: "/delegatedadminaccounts/get", Op: "GetDelegatedAdminAccount"},
			{Method: "POST", Pattern: "/organizationconfiguration/describe", Op: "DescribeOrganizationConfiguration"},
			{Method: "POST", Pattern: "/organizationconfiguration/update", Op: "UpdateOrganizationConfiguration"},
		},
		Ops: map[string]svc.Handler{
			"BatchGetAccountStatus":             batchGetAccountStatus,
			"Enable":                            enable,
			"Disable":                           disable,
			"EnableDelegatedAdminAccount":       enableAdmin,
			"DisableDelegatedAdminAccount":      disableAdmin,
			"ListDelegatedAdminAccounts":        listAdmins,
			"GetDelegatedAdminAccount":          getAdmin,
			"DescribeOrganizationConfiguration": describeOrgConfig,
			"UpdateOrganizationConfiguration":   updateOrgConfig,
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

func denied(format string, args ...any) error {
	return wire.Errorf(403, "AccessDeniedException", format, args...)
}

// resource types in the order of the API, with their JSON member names.
var resourceTypes = []struct{ api, member string }{
	{"EC2", "ec2"}, {"ECR", "ecr"}, {"LAMBDA", "lambda"}, {"LAMBDA_CODE", "lambdaCode"}, {"CODE_REPOSITORY", "codeRepository"},
}

func field(r *world.Inspector2Resources, api string) *string {
	switch api {
	case "EC2":
		return &r.EC2
	case "ECR":
		return &r.ECR
	case "LAMBDA":
		return &r.Lambda
	case "LAMBDA_CODE":
		return &r.LambdaCode
	case "CODE_REPOSITORY":
		return &r.CodeRepository
	}
	return nil
}

func statusOf(s string) string {
	if s == "" {
		return "DISABLED"
	}
	return s
}

func overall(r *world.Inspector2Resources) string {
	for _, t := range resourceTypes {
		if st := statusOf(*field(r, t.api)); st == "ENABLED" || st == "ENABLING" {
			return "ENABLED"
		}
	}
	return "DISABLED"
}

func resourceStatus(r *world.Inspector2Resources) map[string]string {
	out := map[string]string{}
	for _, t := range resourceTypes {
		out[t.member] = statusOf(*field(r, t.api))
	}
	return out
}

func state(status string) map[string]string {
	return map[string]string{"status": status, "errorCode": "", "errorMessage": ""}
}

func failed(account string) map[string]any {
	return map[string]any{"accountId": account, "errorCode": "ACCESS_DENIED",
		"errorMessage": "Account " + account + " is not associated with the invoking account"}
}

func validAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func batchGetAccountStatus(c *svc.Ctx) (any, error) {
	var in struct {
		AccountIDs []string `json:"accountIds"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.AccountIDs) > 10 {
		return nil, validation("1 validation error detected: Value at 'accountIds' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	if len(in.AccountIDs) == 0 {
		in.AccountIDs = []string{c.Account.ID}
	}
	accounts, fails := []map[string]any{}, []map[string]any{}
	r := &c.Regional().Inspector2.Resources
	for _, id := range in.AccountIDs {
		if !validAccount(id) {
			return nil, validation("1 validation error detected: Value '%s' at 'accountIds' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]{12}", id)
		}
		if id != c.Account.ID {
			fails = append(fails, failed(id))
			continue
		}
		rs := map[string]any{}
		for _, t := range resourceTypes {
			rs[t.member] = state(statusOf(*field(r, t.api)))
		}
		accounts = append(accounts, map[string]any{"accountId": id, "state": state(overall(r)), "resourceState": rs})
	}
	return map[string]any{"accounts": accounts, "failedAccounts": fails}, nil
}

type changeIn struct {
	AccountIDs    []string `json:"accountIds"`
	ResourceTypes []string `json:"resourceTypes"`
}

func (in *changeIn) check(required bool) error {
	if required && len(in.ResourceTypes) == 0 {
		return validation("1 validation error detected: Value null at 'resourceTypes' failed to satisfy constraint: Member must not be null")
	}
	for _, rt := range in.ResourceTypes {
		if field(&world.Inspector2Resources{}, rt) == nil {
			return validation("1 validation error detected: Value '%s' at 'resourceTypes' failed to satisfy constraint: Member must satisfy enum value set: [EC2, ECR, LAMBDA, LAMBDA_CODE, CODE_REPOSITORY]", rt)
		}
	}
	for _, id := range in.AccountIDs {
		if !validAccount(id) {
			return validation("1 validation error detected: Value '%s' at 'accountIds' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]{12}", id)
		}
	}
	return nil
}

func change(c *svc.Ctx, in changeIn, to string) (any, error) {
	r := &c.Regional().Inspector2.Resources
	if len(in.AccountIDs) == 0 {
		in.AccountIDs = []string{c.Account.ID}
	}
	accounts, fails := []map[string]any{}, []map[string]any{}
	for _, id := range in.AccountIDs {
		if id != c.Account.ID {
			fails = append(fails, failed(id))
			continue
		}
		types := in.ResourceTypes
		if len(types) == 0 {
			for _, t := range resourceTypes {
				types = append(types, t.api)
			}
		}
		for _, t := range types {
			*field(r, t) = to
		}
		accounts = append(accounts, map[string]any{"accountId": id, "status": overall(r), "resourceStatus": resourceStatus(r)})
	}
	return map[string]any{"accounts": accounts, "failedAccounts": fails}, nil
}

func enable(c *svc.Ctx) (any, error) {
	var in changeIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := in.check(true); err != nil {
		return nil, err
	}
	return change(c, in, "ENABLED")
}

func disable(c *svc.Ctx) (any, error) {
	var in changeIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := in.check(false); err != nil {
		return nil, err
	}
	return change(c, in, "DISABLED")
}

// org reports whether the caller is in an organization, whether it is
// the management account, and Inspector's delegated administrators.
func org(c *svc.Ctx) (in, mgmt bool, admins []world.DelegatedAdmin) {
	c.World.Mu.Lock()
	defer c.World.Mu.Unlock()
	o := c.World.Org
	if !o.Belongs(c.Account.ID) {
		return false, false, nil
	}
	return true, o.ManagementAccount == c.Account.ID, o.Admins(Principal)
}

func requireManagement(c *svc.Ctx) error {
	in, mgmt, _ := org(c)
	if !in {
		return denied("Account %s is not part of an AWS organization.", c.Account.ID)
	}
	if !mgmt {
		return denied("Only the AWS Organizations management account can perform this operation.")
	}
	return nil
}

type adminIn struct {
	DelegatedAdminAccountID string `json:"delegatedAdminAccountId"`
}

func enableAdmin(c *svc.Ctx) (any, error) {
	var in adminIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if !validAccount(in.DelegatedAdminAccountID) {
		return nil, validation("1 validation error detected: Value '%s' at 'delegatedAdminAccountId' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]{12}", in.DelegatedAdminAccountID)
	}
	if err := requireManagement(c); err != nil {
		return nil, err
	}
	c.World.Mu.Lock()
	defer c.World.Mu.Unlock()
	o := c.World.Org
	if _, member := o.Members[in.DelegatedAdminAccountID]; !member && in.DelegatedAdminAccountID != o.ManagementAccount {
		return nil, validation("Account %s is not a member of the organization.", in.DelegatedAdminAccountID)
	}
	for _, a := range o.DelegatedAdmins[Principal] {
		if a.Account == in.DelegatedAdminAccountID {
			return nil, wire.Errorf(409, "ConflictException", "Account %s is already the delegated administrator.", a.Account)
		}
		return nil, wire.Errorf(409, "ConflictException", "Another account (%s) is already the delegated administrator for the organization.", a.Account)
	}
	o.AddAdmin(Principal, in.DelegatedAdminAccountID, c.Now())
	o.EnableServiceAccess(Principal, c.Now())
	return map[string]string{"delegatedAdminAccountId": in.DelegatedAdminAccountID}, nil
}

func disableAdmin(c *svc.Ctx) (any, error) {
	var in adminIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if !validAccount(in.DelegatedAdminAccountID) {
		return nil, validation("1 validation error detected: Value '%s' at 'delegatedAdminAccountId' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]{12}", in.DelegatedAdminAccountID)
	}
	if err := requireManagement(c); err != nil {
		return nil, err
	}
	c.World.Mu.Lock()
	defer c.World.Mu.Unlock()
	o := c.World.Org
	if o.RemoveAdmin(Principal, in.DelegatedAdminAccountID) {
		return map[string]string{"delegatedAdminAccountId": in.DelegatedAdminAccountID}, nil
	}
	return nil, wire.Errorf(404, "ResourceNotFoundException", "Account %s is not the delegated administrator.", in.DelegatedAdminAccountID)
}

func listAdmins(c *svc.Ctx) (any, error) {
	var in struct {
		MaxResults int    `json:"maxResults"`
		NextToken  string `json:"nextToken"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.MaxResults < 0 || in.MaxResults > 5 {
		return nil, validation("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 5", in.MaxResults)
	}
	if err := requireManagement(c); err != nil {
		return nil, err
	}
	_, _, admins := org(c)
	out := []map[string]string{}
	for _, a := range admins {
		out = append(out, map[string]string{"accountId": a.Account, "status": "ENABLED"})
	}
	page, next, err := svc.Page(out, in.NextToken, in.MaxResults, 5, "ValidationException")
	if err != nil {
		return nil, err
	}
	return map[string]any{"delegatedAdminAccounts": page, "nextToken": next}, nil
}

func getAdmin(c *svc.Ctx) (any, error) {
	in, mgmt, admins := org(c)
	if !in {
		return nil, denied("Account %s is not part of an AWS organization.", c.Account.ID)
	}
	for _, a := range admins {
		if mgmt || a.Account == c.Account.ID {
			return map[string]any{"delegatedAdmin": map[string]string{"accountId": a.Account, "relationshipStatus": "ENABLED"}}, nil
		}
	}
	if !mgmt {
		return nil, denied("Only the AWS Organizations management account or the delegated administrator can perform this operation.")
	}
	return map[string]any{}, nil
}

func orgConfig(c *svc.Ctx) (*world.Inspector2AutoEnable, error) {
	_, _, admins := org(c)
	for _, a := range admins {
		if a.Account == c.Account.ID {
			i := &c.Regional().Inspector2
			if i.OrgConfig == nil {
				i.OrgConfig = &world.Inspector2AutoEnable{}
			}
			return i.OrgConfig, nil
		}
	}
	return nil, denied("Invoking account %s is not the Amazon Inspector delegated administrator.", c.Account.ID)
}

func autoOut(a *world.Inspector2AutoEnable) map[string]bool {
	return map[string]bool{"ec2": a.EC2, "ecr": a.ECR, "lambda": a.Lambda, "lambdaCode": a.LambdaCode, "codeRepository": a.CodeRepository}
}

func describeOrgConfig(c *svc.Ctx) (any, error) {
	a, err := orgConfig(c)
	if err != nil {
		return nil, err
	}
	return map[string]any{"autoEnable": autoOut(a), "maxAccountLimitReached": false}, nil
}

func updateOrgConfig(c *svc.Ctx) (any, error) {
	var in struct {
		AutoEnable *struct {
			EC2            *bool `json:"ec2"`
			ECR            *bool `json:"ecr"`
			Lambda         *bool `json:"lambda"`
			LambdaCode     *bool `json:"lambdaCode"`
			CodeRepository *bool `json:"codeRepository"`
		} `json:"autoEnable"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.AutoEnable == nil || in.AutoEnable.EC2 == nil || in.AutoEnable.ECR == nil {
		return nil, validation("1 validation error detected: autoEnable.ec2 and autoEnable.ecr must not be null")
	}
	a, err := orgConfig(c)
	if err != nil {
		return nil, err
	}
	a.EC2, a.ECR = *in.AutoEnable.EC2, *in.AutoEnable.ECR
	if in.AutoEnable.Lambda != nil {
		a.Lambda = *in.AutoEnable.Lambda
	}
	if in.AutoEnable.LambdaCode != nil {
		a.LambdaCode = *in.AutoEnable.LambdaCode
	}
	if in.AutoEnable.CodeRepository != nil {
		a.CodeRepository = *in.AutoEnable.CodeRepository
	}
	return map[string]any{"autoEnable": autoOut(a)}, nil
}
