// Package securityhub simulates AWS Security Hub (restJson1).
package securityhub

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Principal is Security Hub's service principal in Organizations.
const Principal = "securityhub.amazonaws.com"

// Service returns the AWS Security Hub (restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "securityhub",
		Protocol: wire.RestJSON,
		Codes:    &codes,
		Routes: []wire.Route{
			{Method: "GET", Pattern: "/accounts", Op: "DescribeHub"},
			{Method: "POST", Pattern: "/accounts", Op: "EnableSecurityHub"},
			{Method: "DELETE", Pattern: "/accounts", Op: "DisableSecurityHub"},
			{Method: "PATCH", Pattern: "/accounts", Op: "UpdateSecurityHubConfiguration"},
			{Method: "GET", Pattern: "/standards", Op: "DescribeStandards"},
			{Method: "POST", Pattern: "/standards/get", Op: "GetEnabledStandards"},
			{Method: "POST", Pattern: "/standards/register", Op: "BatchEnableStandards"},
			{Method: "POST", Pattern: "/standards/deregister", Op: "BatchDisableStandards"},
			{Method: "POST", Pattern: "/findings/import", Op: "BatchImportFindings"},
			{Method: "POST", Pattern: "/findings", Op: "GetFindings"},
			{Method: "PATCH", Pattern: "/findings/batchupdate", Op: "BatchUpdateFindings"},
			{Method: "POST", Pattern: "/organization/admin/enable", Op: "EnableOrganizationAdminAccount"},
			{Method: "POST", Pattern: "/organization/admin/disable", Op: "DisableOrganizationAdminAccount"},
			{Method: "GET", Pattern: "/organization/admin", Op: "ListOrganizationAdminAccounts"},
			{Method: "GET", Pattern: "/organization/configuration", Op: "DescribeOrganizationConfiguration"},
			{Method: "POST", Pattern: "/organization/configuration", Op: "UpdateOrganizationConfiguration"},
			{Method: "POST", Pattern: "/findingAggregator/create", Op: "CreateFindingAggregator"},
			{Method: "GET", Pattern: "/findingAggregator/list", Op: "ListFindingAggregators"},
			{Method: "GET", Pattern: "/findingAggregator/get/{FindingAggregatorArn+}", Op: "GetFindingAggregator"},
			{Method: "PATCH", Pattern: "/findingAggregator/update", Op: "UpdateFindingAggregator"},
			{Method: "DELETE", Pattern: "/findingAggregator/delete/{FindingAggregatorArn+}", Op: "DeleteFindingAggregator"},
			{Method: "GET", Pattern: "/products", Op: "DescribeProducts"},
		},
		Ops: map[string]svc.Handler{
			"DescribeHub":                       describeHub,
			"EnableSecurityHub":                 enableHub,
			"DisableSecurityHub":                disableHub,
			"UpdateSecurityHubConfiguration":    updateHub,
			"DescribeStandards":                 describeStandards,
			"GetEnabledStandards":               getEnabledStandards,
			"BatchEnableStandards":              batchEnableStandards,
			"BatchDisableStandards":             batchDisableStandards,
			"BatchImportFindings":               batchImportFindings,
			"GetFindings":                       getFindings,
			"BatchUpdateFindings":               batchUpdateFindings,
			"EnableOrganizationAdminAccount":    enableAdmin,
			"DisableOrganizationAdminAccount":   disableAdmin,
			"ListOrganizationAdminAccounts":     listAdmins,
			"DescribeOrganizationConfiguration": describeOrgConfig,
			"UpdateOrganizationConfiguration":   updateOrgConfig,
			"CreateFindingAggregator":           createAggregator,
			"ListFindingAggregators":            listAggregators,
			"GetFindingAggregator":              getAggregator,
			"UpdateFindingAggregator":           updateAggregator,
			"DeleteFindingAggregator":           deleteAggregator,
			"DescribeProducts":                  describeProducts,
		},
	}
}

var codes = func() wire.Codes {
	c := wire.DefaultCodes(wire.RestJSON)
	// Security Hub answers throttling with LimitExceededException (429).
	c.Throttle = "LimitExceededException"
	c.Internal = "InternalException"
	return c
}()

func invalidInput(format string, args ...any) error {
	return wire.Errorf(400, "InvalidInputException", format, args...)
}

func invalidAccess(format string, args ...any) error {
	return wire.Errorf(401, "InvalidAccessException", format, args...)
}

func notFound(format string, args ...any) error {
	return wire.Errorf(404, "ResourceNotFoundException", format, args...)
}

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func hubARN(c *svc.Ctx) string { return c.ARN("securityhub", "hub/default") }

// hub returns the caller's Security Hub state, failing when it is not enabled.
func hub(c *svc.Ctx) (*world.SecurityHub, error) {
	sh := &c.Regional().SecurityHub
	if sh.Hub == nil {
		return nil, invalidAccess("Account %s is not subscribed to AWS Security Hub", c.Account.ID)
	}
	return sh, nil
}

func describeHub(c *svc.Ctx) (any, error) {
	sh, err := hub(c)
	if err != nil {
		return nil, err
	}
	if a := c.Query("HubArn"); a != "" && a != hubARN(c) {
		return nil, notFound("Hub %s not found", a)
	}
	gen := sh.Hub.ControlFindingGenerator
	if gen == "" {
		gen = "SECURITY_CONTROL"
	}
	return map[string]any{
		"HubArn":                  hubARN(c),
		"SubscribedAt":            ts(sh.Hub.SubscribedAt),
		"AutoEnableControls":      sh.Hub.AutoEnableControls,
		"ControlFindingGenerator": gen,
	}, nil
}

func enableHub(c *svc.Ctx) (any, error) {
	var in struct {
		EnableDefaultStandards  *bool
		ControlFindingGenerator string
		Tags                    map[string]string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	sh := &c.Regional().SecurityHub
	if sh.Hub != nil {
		return nil, wire.Errorf(409, "ResourceConflictException", "Account %s is already subscribed to Security Hub", c.Account.ID)
	}
	switch in.ControlFindingGenerator {
	case "":
		in.ControlFindingGenerator = "SECURITY_CONTROL"
	case "SECURITY_CONTROL", "STANDARD_CONTROL":
	default:
		return nil, invalidInput("Invalid ControlFindingGenerator %s", in.ControlFindingGenerator)
	}
	sh.Hub = &world.SecurityHubHub{SubscribedAt: c.Now(), AutoEnableControls: true, ControlFindingGenerator: in.ControlFindingGenerator, Tags: in.Tags}
	sh.Standards = nil
	if in.EnableDefaultStandards == nil || *in.EnableDefaultStandards {
		for _, s := range standards(c.Region) {
			if s.byDefault {
				sh.Standards = append(sh.Standards, world.SecurityHubStandard{StandardsARN: s.arn, Status: "READY"})
			}
		}
	}
	return nil, nil
}

func updateHub(c *svc.Ctx) (any, error) {
	sh, err := hub(c)
	if err != nil {
		return nil, err
	}
	var in struct {
		AutoEnableControls      *bool
		ControlFindingGenerator string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	switch in.ControlFindingGenerator {
	case "", "SECURITY_CONTROL", "STANDARD_CONTROL":
	default:
		return nil, invalidInput("Invalid ControlFindingGenerator %s", in.ControlFindingGenerator)
	}
	if in.AutoEnableControls != nil {
		sh.Hub.AutoEnableControls = *in.AutoEnableControls
	}
	if in.ControlFindingGenerator != "" {
		sh.Hub.ControlFindingGenerator = in.ControlFindingGenerator
	}
	return nil, nil
}

func disableHub(c *svc.Ctx) (any, error) {
	sh, err := hub(c)
	if err != nil {
		return nil, err
	}
	if isAdmin(c) {
		return nil, invalidInput("Security Hub cannot be disabled in account %s because it is the Security Hub administrator account of the organization", c.Account.ID)
	}
	*sh = world.SecurityHub{}
	return nil, nil
}

// standard is one Security Hub standard.
type standard struct {
	arn, name, desc string
	byDefault       bool
}

func standards(region string) []standard {
	p := "arn:aws:securityhub:" + region + "::standards/"
	return []standard{
		{p + "aws-foundational-security-best-practices/v/1.0.0", "AWS Foundational Security Best Practices v1.0.0",
			"The AWS Foundational Security Best Practices standard is a set of automated security checks that detect when AWS accounts and deployed resources do not align to security best practices.", true},
		{"arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0", "CIS AWS Foundations Benchmark v1.2.0",
			"The Center for Internet Security (CIS) AWS Foundations Benchmark v1.2.0 is a set of security configuration best practices for AWS.", true},
		{p + "cis-aws-foundations-benchmark/v/1.4.0", "CIS AWS Foundations Benchmark v1.4.0",
			"The Center for Internet Security (CIS) AWS Foundations Benchmark v1.4.0 is a set of security configuration best practices for AWS.", false},
		{p + "cis-aws-foundations-benchmark/v/3.0.0", "CIS AWS Foundations Benchmark v3.0.0",
			"The Center for Internet Security (CIS) AWS Foundations Benchmark v3.0.0 is a set of security configuration best practices for AWS.", false},
		{p + "nist-800-53/v/5.0.0", "NIST Special Publication 800-53 Revision 5",
			"NIST SP 800-53 Rev. 5 is a cybersecurity and compliance framework developed by the National Institute of Standards and Technology (NIST).", false},
		{p + "pci-dss/v/3.2.1", "PCI DSS v3.2.1",
			"The Payment Card Industry Data Security Standard (PCI DSS) v3.2.1 is a set of AWS security best practices for handling cardholder data.", false},
	}
}

func findStandard(region, arn string) (standard, bool) {
	for _, s := range standards(region) {
		if s.arn == arn {
			return s, true
		}
	}
	return standard{}, false
}

// SubscriptionARN is the standards subscription ARN of a standard for an
// account in a region.
func SubscriptionARN(region, account, standardsARN string) string {
	path := standardsARN
	if i := strings.Index(path, ":standards/"); i >= 0 {
		path = path[i+len(":standards/"):]
	} else if i := strings.Index(path, ":ruleset/"); i >= 0 {
		path = path[i+len(":ruleset/"):]
	}
	return world.ARN("securityhub", region, account, "subscription/"+path)
}

func maxResults(n, def int) (int, error) {
	if n < 0 || n > 100 {
		return 0, invalidInput("MaxResults must be between 1 and 100")
	}
	if n == 0 {
		return def, nil
	}
	return n, nil
}

func queryMax(c *svc.Ctx, def int) (int, error) {
	s := c.Query("MaxResults")
	if s == "" {
		return def, nil
	}
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || n < 1 {
		return 0, invalidInput("MaxResults must be between 1 and 100")
	}
	return maxResults(n, def)
}

func describeStandards(c *svc.Ctx) (any, error) {
	max, err := queryMax(c, 25)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, s := range standards(c.Region) {
		out = append(out, map[string]any{"StandardsArn": s.arn, "Name": s.name, "Description": s.desc, "EnabledByDefault": s.byDefault,
			"StandardsManagedBy": map[string]string{"Company": "AWS", "Product": "Security Hub"}})
	}
	page, next, err := svc.Page(out, c.Query("NextToken"), max, 25, "InvalidInputException")
	if err != nil {
		return nil, err
	}
	return map[string]any{"Standards": page, "NextToken": next}, nil
}

func subscriptionOut(c *svc.Ctx, s world.SecurityHubStandard, status string) map[string]any {
	if status == "" {
		status = s.Status
	}
	if status == "" {
		status = "READY"
	}
	return map[string]any{
		"StandardsSubscriptionArn":   SubscriptionARN(c.Region, c.Account.ID, s.StandardsARN),
		"StandardsArn":               s.StandardsARN,
		"StandardsInput":             map[string]string{},
		"StandardsStatus":            status,
		"StandardsControlsUpdatable": "READY_FOR_UPDATES",
	}
}

func getEnabledStandards(c *svc.Ctx) (any, error) {
	sh, err := hub(c)
	if err != nil {
		return nil, err
	}
	var in struct {
		StandardsSubscriptionArns []string
		MaxResults                int
		NextToken                 string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.MaxResults != 0 && len(in.StandardsSubscriptionArns) > 0 {
		return nil, invalidInput("MaxResults and NextToken cannot be used with StandardsSubscriptionArns")
	}
	max, err := maxResults(in.MaxResults, 100)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, a := range in.StandardsSubscriptionArns {
		want[a] = true
	}
	out := []map[string]any{}
	for _, s := range sh.Standards {
		o := subscriptionOut(c, s, "")
		if len(want) > 0 && !want[o["StandardsSubscriptionArn"].(string)] {
			continue
		}
		out = append(out, o)
	}
	page, next, err := svc.Page(out, in.NextToken, max, 100, "InvalidInputException")
	if err != nil {
		return nil, err
	}
	return map[string]any{"StandardsSubscriptions": page, "NextToken": next}, nil
}

func batchEnableStandards(c *svc.Ctx) (any, error) {
	sh, err := hub(c)
	if err != nil {
		return nil, err
	}
	var in struct {
		StandardsSubscriptionRequests []struct {
			StandardsArn   string
			StandardsInput map[string]string
		}
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if n := len(in.StandardsSubscriptionRequests); n < 1 || n > 25 {
		return nil, invalidInput("StandardsSubscriptionRequests must contain between 1 and 25 items")
	}
	for _, r := range in.StandardsSubscriptionRequests {
		if _, ok := findStandard(c.Region, r.StandardsArn); !ok {
			return nil, invalidInput("Invalid StandardsArn: %s", r.StandardsArn)
		}
	}
	out := []map[string]any{}
	for _, r := range in.StandardsSubscriptionRequests {
		found := false
		for _, s := range sh.Standards {
			if s.StandardsARN == r.StandardsArn {
				found = true
				out = append(out, subscriptionOut(c, s, ""))
			}
		}
		if !found {
			s := world.SecurityHubStandard{StandardsARN: r.StandardsArn, Status: "READY"}
			sh.Standards = append(sh.Standards, s)
			out = append(out, subscriptionOut(c, s, "PENDING"))
		}
	}
	return map[string]any{"StandardsSubscriptions": out}, nil
}

func batchDisableStandards(c *svc.Ctx) (any, error) {
	sh, err := hub(c)
	if err != nil {
		return nil, err
	}
	var in struct{ StandardsSubscriptionArns []string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if n := len(in.StandardsSubscriptionArns); n < 1 || n > 25 {
		return nil, invalidInput("StandardsSubscriptionArns must contain between 1 and 25 items")
	}
	idx := map[string]int{}
	for i, s := range sh.Standards {
		idx[SubscriptionARN(c.Region, c.Account.ID, s.StandardsARN)] = i
	}
	for _, a := range in.StandardsSubscriptionArns {
		if _, ok := idx[a]; !ok {
			return nil, notFound("Standards subscription %s not found", a)
		}
	}
	out := []map[string]any{}
	drop := map[int]bool{}
	for _, a := range in.StandardsSubscriptionArns {
		i := idx[a]
		if !drop[i] {
			out = append(out, subscriptionOut(c, sh.Standards[i], "DELETING"))
		}
		drop[i] = true
	}
	var keep []world.SecurityHubStandard
	for i, s := range sh.Standards {
		if !drop[i] {
			keep = append(keep, s)
		}
	}
	sh.Standards = keep
	return map[string]any{"StandardsSubscriptions": out}, nil
}

// org reports whether the caller is in an organization, whether it is
// the management account, and Security Hub's delegated administrators.
func org(c *svc.Ctx) (in, mgmt bool, admins []world.DelegatedAdmin) {
	c.World.Mu.Lock()
	defer c.World.Mu.Unlock()
	o := c.World.Org
	if !o.Belongs(c.Account.ID) {
		return false, false, nil
	}
	return true, o.ManagementAccount == c.Account.ID, o.Admins(Principal)
}

func isAdmin(c *svc.Ctx) bool {
	_, _, admins := org(c)
	for _, a := range admins {
		if a.Account == c.Account.ID {
			return true
		}
	}
	return false
}

func requireManagement(c *svc.Ctx) error {
	in, mgmt, _ := org(c)
	if !in {
		return invalidAccess("Account %s is not part of an AWS organization", c.Account.ID)
	}
	if !mgmt {
		return invalidAccess("Account %s is not the management account of the organization", c.Account.ID)
	}
	return nil
}

func enableAdmin(c *svc.Ctx) (any, error) {
	var in struct{ AdminAccountId, Feature string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.AdminAccountId == "" {
		return nil, invalidInput("AdminAccountId is required")
	}
	if err := requireManagement(c); err != nil {
		return nil, err
	}
	c.World.Mu.Lock()
	defer c.World.Mu.Unlock()
	o := c.World.Org
	if _, member := o.Members[in.AdminAccountId]; !member && in.AdminAccountId != o.ManagementAccount {
		return nil, invalidInput("Account %s is not a member of the organization", in.AdminAccountId)
	}
	for _, a := range o.DelegatedAdmins[Principal] {
		if a.Account == in.AdminAccountId {
			return map[string]string{"AdminAccountId": a.Account, "Feature": "SecurityHub"}, nil
		}
		return nil, invalidInput("Another account (%s) is already the Security Hub administrator account of the organization", a.Account)
	}
	o.AddAdmin(Principal, in.AdminAccountId, c.Now())
	o.EnableServiceAccess(Principal, c.Now())
	return map[string]string{"AdminAccountId": in.AdminAccountId, "Feature": "SecurityHub"}, nil
}

func disableAdmin(c *svc.Ctx) (any, error) {
	var in struct{ AdminAccountId, Feature string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.AdminAccountId == "" {
		return nil, invalidInput("AdminAccountId is required")
	}
	if err := requireManagement(c); err != nil {
		return nil, err
	}
	c.World.Mu.Lock()
	defer c.World.Mu.Unlock()
	o := c.World.Org
	if o.RemoveAdmin(Principal, in.AdminAccountId) {
		return nil, nil
	}
	return nil, notFound("Account %s is not the Security Hub administrator account of the organization", in.AdminAccountId)
}

func listAdmins(c *svc.Ctx) (any, error) {
	max, err := queryMax(c, 10)
	if err != nil {
		return nil, err
	}
	if err := requireManagement(c); err != nil {
		return nil, err
	}
	_, _, admins := org(c)
	out := []map[string]string{}
	for _, a := range admins {
		out = append(out, map[string]string{"AccountId": a.Account, "Status": "ENABLED"})
	}
	page, next, err := svc.Page(out, c.Query("NextToken"), max, 10, "InvalidInputException")
	if err != nil {
		return nil, err
	}
	return map[string]any{"AdminAccounts": page, "NextToken": next, "Feature": "SecurityHub"}, nil
}

func orgConfig(c *svc.Ctx) (*world.SecurityHubOrgConfig, error) {
	sh, err := hub(c)
	if err != nil {
		return nil, err
	}
	if !isAdmin(c) {
		return nil, invalidAccess("Account %s is not an administrator for this organization", c.Account.ID)
	}
	if sh.OrgConfig == nil {
		sh.OrgConfig = &world.SecurityHubOrgConfig{AutoEnableStandards: "DEFAULT", ConfigurationType: "LOCAL"}
	}
	return sh.OrgConfig, nil
}

func describeOrgConfig(c *svc.Ctx) (any, error) {
	oc, err := orgConfig(c)
	if err != nil {
		return nil, err
	}
	std := oc.AutoEnableStandards
	if std == "" {
		std = "DEFAULT"
	}
	ct := oc.ConfigurationType
	if ct == "" {
		ct = "LOCAL"
	}
	return map[string]any{
		"AutoEnable":                oc.AutoEnable,
		"AutoEnableStandards":       std,
		"MemberAccountLimitReached": false,
		"OrganizationConfiguration": map[string]string{"ConfigurationType": ct, "Status": "ENABLED"},
	}, nil
}

func updateOrgConfig(c *svc.Ctx) (any, error) {
	oc, err := orgConfig(c)
	if err != nil {
		return nil, err
	}
	var in struct {
		AutoEnable                *bool
		AutoEnableStandards       string
		OrganizationConfiguration *struct{ ConfigurationType string }
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.AutoEnable == nil {
		return nil, invalidInput("AutoEnable is required")
	}
	switch in.AutoEnableStandards {
	case "", "DEFAULT", "NONE":
	default:
		return nil, invalidInput("Invalid AutoEnableStandards %s", in.AutoEnableStandards)
	}
	if in.OrganizationConfiguration != nil {
		switch in.OrganizationConfiguration.ConfigurationType {
		case "LOCAL", "CENTRAL":
			oc.ConfigurationType = in.OrganizationConfiguration.ConfigurationType
		default:
			return nil, invalidInput("Invalid ConfigurationType %s", in.OrganizationConfiguration.ConfigurationType)
		}
	}
	oc.AutoEnable = *in.AutoEnable
	if in.AutoEnableStandards != "" {
		oc.AutoEnableStandards = in.AutoEnableStandards
	}
	return nil, nil
}

// ---- finding aggregators ----

func aggregatorARN(region, account, id string) string {
	return world.ARN("securityhub", region, account, "finding-aggregator/"+id)
}

// aggregators returns every aggregator of the account, with its region.
func aggregators(c *svc.Ctx) (regions []string, aggs []*world.SecurityHubAggregator) {
	names := make([]string, 0, len(c.Account.Regional))
	for r := range c.Account.Regional {
		names = append(names, r)
	}
	sort.Strings(names)
	for _, r := range names {
		sh := &c.Account.Regional[r].SecurityHub
		for i := range sh.Aggregators {
			regions = append(regions, r)
			aggs = append(aggs, &sh.Aggregators[i])
		}
	}
	return regions, aggs
}

func validLinking(mode string, regions []string) error {
	switch mode {
	case "ALL_REGIONS", "NO_REGIONS":
		if len(regions) > 0 {
			return invalidInput("Regions cannot be specified when RegionLinkingMode is %s", mode)
		}
	case "ALL_REGIONS_EXCEPT_SPECIFIED", "SPECIFIED_REGIONS":
		if len(regions) == 0 {
			return invalidInput("Regions must be specified when RegionLinkingMode is %s", mode)
		}
	default:
		return invalidInput("Invalid RegionLinkingMode %q", mode)
	}
	return nil
}

func aggregatorOut(region, account string, a *world.SecurityHubAggregator) map[string]any {
	regs := a.Regions
	if regs == nil {
		regs = []string{}
	}
	return map[string]any{"FindingAggregatorArn": aggregatorARN(region, account, a.ID), "FindingAggregationRegion": region,
		"RegionLinkingMode": a.RegionLinkingMode, "Regions": regs}
}

func createAggregator(c *svc.Ctx) (any, error) {
	sh, err := hub(c)
	if err != nil {
		return nil, err
	}
	var in struct {
		RegionLinkingMode string
		Regions           []string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := validLinking(in.RegionLinkingMode, in.Regions); err != nil {
		return nil, err
	}
	if _, aggs := aggregators(c); len(aggs) > 0 {
		return nil, wire.Errorf(429, "LimitExceededException", "A finding aggregator already exists for account %s", c.Account.ID)
	}
	h := md5.Sum([]byte(c.World.HexID("", 16)))
	id := hex.EncodeToString(h[:4]) + "-" + hex.EncodeToString(h[4:6]) + "-" + hex.EncodeToString(h[6:8]) + "-" + hex.EncodeToString(h[8:10]) + "-" + hex.EncodeToString(h[10:16])
	sh.Aggregators = append(sh.Aggregators, world.SecurityHubAggregator{ID: id, RegionLinkingMode: in.RegionLinkingMode, Regions: in.Regions})
	return aggregatorOut(c.Region, c.Account.ID, &sh.Aggregators[len(sh.Aggregators)-1]), nil
}

func listAggregators(c *svc.Ctx) (any, error) {
	if _, err := hub(c); err != nil {
		return nil, err
	}
	max, err := queryMax(c, 10)
	if err != nil {
		return nil, err
	}
	regions, aggs := aggregators(c)
	out := []map[string]string{}
	for i, a := range aggs {
		out = append(out, map[string]string{"FindingAggregatorArn": aggregatorARN(regions[i], c.Account.ID, a.ID)})
	}
	page, next, err := svc.Page(out, c.Query("NextToken"), max, 10, "InvalidInputException")
	if err != nil {
		return nil, err
	}
	return map[string]any{"FindingAggregators": page, "NextToken": next}, nil
}

func findAggregator(c *svc.Ctx, arn string) (string, *world.SecurityHubAggregator, error) {
	if _, err := hub(c); err != nil {
		return "", nil, err
	}
	regions, aggs := aggregators(c)
	for i, a := range aggs {
		if aggregatorARN(regions[i], c.Account.ID, a.ID) == arn {
			if regions[i] != c.Region {
				return "", nil, invalidInput("Finding aggregator %s can only be managed from its aggregation Region %s", arn, regions[i])
			}
			return regions[i], a, nil
		}
	}
	return "", nil, notFound("Finding aggregator %s not found", arn)
}

func getAggregator(c *svc.Ctx) (any, error) {
	r, a, err := findAggregator(c, c.Path["FindingAggregatorArn"])
	if err != nil {
		return nil, err
	}
	return aggregatorOut(r, c.Account.ID, a), nil
}

func updateAggregator(c *svc.Ctx) (any, error) {
	var in struct {
		FindingAggregatorArn string
		RegionLinkingMode    string
		Regions              []string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r, a, err := findAggregator(c, in.FindingAggregatorArn)
	if err != nil {
		return nil, err
	}
	if err := validLinking(in.RegionLinkingMode, in.Regions); err != nil {
		return nil, err
	}
	a.RegionLinkingMode, a.Regions = in.RegionLinkingMode, in.Regions
	return aggregatorOut(r, c.Account.ID, a), nil
}

func deleteAggregator(c *svc.Ctx) (any, error) {
	arn := c.Path["FindingAggregatorArn"]
	if _, _, err := findAggregator(c, arn); err != nil {
		return nil, err
	}
	sh := &c.Regional().SecurityHub
	for i, a := range sh.Aggregators {
		if aggregatorARN(c.Region, c.Account.ID, a.ID) == arn {
			sh.Aggregators = append(sh.Aggregators[:i:i], sh.Aggregators[i+1:]...)
			break
		}
	}
	return nil, nil
}

// ---- products ----

func describeProducts(c *svc.Ctx) (any, error) {
	if _, err := hub(c); err != nil {
		return nil, err
	}
	max, err := queryMax(c, 100)
	if err != nil {
		return nil, err
	}
	type product struct{ path, name, company, desc, category string }
	ps := []product{
		{"aws/securityhub", "Security Hub", "AWS", "Security Hub runs automated security checks against your AWS resources.", "Compliance"},
		{"aws/guardduty", "GuardDuty", "Amazon", "Amazon GuardDuty is a threat detection service that continuously monitors for malicious activity.", "Intrusion Detection Systems (IDS)"},
		{"aws/inspector", "Inspector", "Amazon", "Amazon Inspector is a vulnerability management service.", "Vulnerability"},
		{"aws/access-analyzer", "IAM Access Analyzer", "AWS", "IAM Access Analyzer identifies resources shared with an external entity.", "Policy Management"},
		{"aws/detective", "Detective", "Amazon", "Amazon Detective helps you analyze and investigate security findings.", "Investigation"},
		{"aws/config", "Config", "AWS", "AWS Config records and evaluates the configuration of your AWS resources.", "Compliance"},
	}
	var out []map[string]any
	for _, p := range ps {
		arn := "arn:aws:securityhub:" + c.Region + "::product/" + p.path
		if q := c.Query("ProductArn"); q != "" && q != arn {
			continue
		}
		out = append(out, map[string]any{"ProductArn": arn, "ProductName": p.name, "CompanyName": p.company, "Description": p.desc,
			"Categories": []string{p.category}, "IntegrationTypes": []string{"SEND_FINDINGS_TO_SECURITY_HUB"}})
	}
	page, next, err := svc.Page(out, c.Query("NextToken"), max, 100, "InvalidInputException")
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []map[string]any{}
	}
	return map[string]any{"Products": page, "NextToken": next}, nil
}

// ---- findings ----

func parseTime(s string) (time.Time, bool) {
	for _, f := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z07:00", "2006-01-02T15:04:05Z07:00"} {
		if t, err := time.Parse(f, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

var severityLabels = map[string]bool{"INFORMATIONAL": true, "LOW": true, "MEDIUM": true, "HIGH": true, "CRITICAL": true}

func labelOf(n float64) string {
	switch {
	case n == 0:
		return "INFORMATIONAL"
	case n < 40:
		return "LOW"
	case n < 70:
		return "MEDIUM"
	case n < 90:
		return "HIGH"
	}
	return "CRITICAL"
}

// asff validates one imported finding and converts it.
func asff(raw json.RawMessage) (*world.SecurityHubFinding, string, error) {
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, "", fmt.Errorf("Finding is not a JSON object")
	}
	id, _ := doc["Id"].(string)
	str := func(k string) (string, error) {
		v, ok := doc[k]
		if !ok {
			return "", fmt.Errorf("Finding does not adhere to Amazon Security Finding Format. data should have required property '%s'", k)
		}
		s, ok := v.(string)
		if !ok || s == "" {
			return "", fmt.Errorf("Finding does not adhere to Amazon Security Finding Format. data.%s should be a non-empty string", k)
		}
		return s, nil
	}
	f := &world.SecurityHubFinding{Doc: string(raw)}
	var err error
	for _, k := range []string{"SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId"} {
		if _, err = str(k); err != nil {
			return nil, id, err
		}
	}
	f.ID, _ = str("Id")
	f.ProductARN, _ = str("ProductArn")
	f.GeneratorID, _ = str("GeneratorId")
	f.AwsAccountID, _ = str("AwsAccountId")
	types, ok := doc["Types"].([]any)
	if !ok {
		return nil, id, fmt.Errorf("Finding does not adhere to Amazon Security Finding Format. data should have required property 'Types'")
	}
	for _, t := range types {
		if s, ok := t.(string); ok {
			f.Types = append(f.Types, s)
		}
	}
	if len(f.Types) == 0 {
		return nil, id, fmt.Errorf("Finding does not adhere to Amazon Security Finding Format. data.Types should NOT have fewer than 1 items")
	}
	for _, k := range []string{"CreatedAt", "UpdatedAt"} {
		s, err := str(k)
		if err != nil {
			return nil, id, err
		}
		t, ok := parseTime(s)
		if !ok {
			return nil, id, fmt.Errorf("Finding does not adhere to Amazon Security Finding Format. data.%s should match format \"date-time\"", k)
		}
		if k == "CreatedAt" {
			f.CreatedAt = t
		} else {
			f.UpdatedAt = t
		}
	}
	sev, ok := doc["Severity"].(map[string]any)
	if !ok {
		return nil, id, fmt.Errorf("Finding does not adhere to Amazon Security Finding Format. data should have required property 'Severity'")
	}
	if l, ok := sev["Label"].(string); ok && severityLabels[l] {
		f.SeverityLabel = l
	} else if n, ok := sev["Normalized"].(float64); ok && n >= 0 && n <= 100 {
		f.SeverityLabel = labelOf(n)
	} else {
		return nil, id, fmt.Errorf("Finding does not adhere to Amazon Security Finding Format. data.Severity should have required property 'Label'")
	}
	if f.Title, err = str("Title"); err != nil {
		return nil, id, err
	}
	if f.Description, err = str("Description"); err != nil {
		return nil, id, err
	}
	res, ok := doc["Resources"].([]any)
	if !ok || len(res) == 0 {
		return nil, id, fmt.Errorf("Finding does not adhere to Amazon Security Finding Format. data should have required property 'Resources'")
	}
	for i, r := range res {
		m, _ := r.(map[string]any)
		typ, _ := m["Type"].(string)
		rid, _ := m["Id"].(string)
		if typ == "" {
			return nil, id, fmt.Errorf("Finding does not adhere to Amazon Security Finding Format. data.Resources[%d] should have required property 'Type'", i)
		}
		if rid == "" {
			return nil, id, fmt.Errorf("Finding does not adhere to Amazon Security Finding Format. data.Resources[%d] should have required property 'Id'", i)
		}
		if i == 0 {
			f.ResourceType, f.ResourceID = typ, rid
		}
	}
	if comp, ok := doc["Compliance"].(map[string]any); ok {
		f.ComplianceStatus, _ = comp["Status"].(string)
	}
	f.RecordState, _ = doc["RecordState"].(string)
	if wf, ok := doc["Workflow"].(map[string]any); ok {
		f.WorkflowStatus, _ = wf["Status"].(string)
	}
	if note, ok := doc["Note"].(map[string]any); ok {
		f.NoteText, _ = note["Text"].(string)
		f.NoteUpdatedBy, _ = note["UpdatedBy"].(string)
		if s, ok := note["UpdatedAt"].(string); ok {
			f.NoteUpdatedAt, _ = parseTime(s)
		}
	}
	return f, id, nil
}

// ownFindings refuses the whole call, as Security Hub does for a
// custom product (the account's default product), when a finding belongs
// elsewhere: its AwsAccountId is not the caller's, or its ProductArn names
// another account or another region. Only allow-listed partner products
// may import other accounts' findings, and the simulator has none.
func ownFindings(c *svc.Ctx, raws []json.RawMessage) error {
	for _, raw := range raws {
		var doc struct {
			AwsAccountID any `json:"AwsAccountId"`
			ProductArn   any
		}
		if json.Unmarshal(raw, &doc) != nil {
			continue // malformed: the finding is rejected on its own
		}
		account, _ := doc.AwsAccountID.(string)
		product, _ := doc.ProductArn.(string)
		p := strings.SplitN(product, ":", 6) // arn:partition:securityhub:region:account:product/...
		foreign := account != "" && account != c.Account.ID
		if len(p) == 6 && p[2] == "securityhub" && (p[3] != c.Region || (p[4] != "" && p[4] != c.Account.ID)) {
			foreign = true
		}
		if foreign {
			return wire.Errorf(403, "AccessDeniedException", "User: %s is not authorized to perform: securityhub:BatchImportFindings on resource: %s",
				c.Principal.ARN, product)
		}
	}
	return nil
}

func batchImportFindings(c *svc.Ctx) (any, error) {
	sh, err := hub(c)
	if err != nil {
		return nil, err
	}
	var in struct{ Findings []json.RawMessage }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.Findings) < 1 || len(in.Findings) > 100 {
		return nil, invalidInput("Findings must contain between 1 and 100 items")
	}
	if err := ownFindings(c, in.Findings); err != nil {
		return nil, err
	}
	failed := []map[string]string{}
	ok := 0
	for _, raw := range in.Findings {
		f, id, err := asff(raw)
		if err != nil {
			failed = append(failed, map[string]string{"Id": id, "ErrorCode": "InvalidInput", "ErrorMessage": err.Error()})
			continue
		}
		replaced := false
		for i, old := range sh.Findings {
			if old.ID == f.ID && old.ProductARN == f.ProductARN {
				// Workflow and Note belong to BatchUpdateFindings once set.
				if old.WorkflowStatus != "" {
					f.WorkflowStatus = old.WorkflowStatus
				}
				if old.NoteText != "" {
					f.NoteText, f.NoteUpdatedBy, f.NoteUpdatedAt = old.NoteText, old.NoteUpdatedBy, old.NoteUpdatedAt
				}
				sh.Findings[i] = f
				replaced = true
				break
			}
		}
		if !replaced {
			sh.Findings = append(sh.Findings, f)
		}
		ok++
	}
	return map[string]any{"FailedCount": len(failed), "SuccessCount": ok, "FailedFindings": failed}, nil
}

// FindingDoc renders a stored finding as its ASFF document.
func FindingDoc(region string, f *world.SecurityHubFinding) map[string]any {
	doc := map[string]any{}
	if f.Doc != "" {
		json.Unmarshal([]byte(f.Doc), &doc)
	}
	doc["SchemaVersion"] = "2018-10-08"
	doc["Id"] = f.ID
	doc["ProductArn"] = f.ProductARN
	doc["GeneratorId"] = f.GeneratorID
	doc["AwsAccountId"] = f.AwsAccountID
	doc["Types"] = f.Types
	doc["CreatedAt"] = ts(f.CreatedAt)
	doc["UpdatedAt"] = ts(f.UpdatedAt)
	sev, _ := doc["Severity"].(map[string]any)
	if sev == nil {
		sev = map[string]any{}
	}
	sev["Label"] = f.SeverityLabel
	doc["Severity"] = sev
	doc["Title"] = f.Title
	doc["Description"] = f.Description
	if _, ok := doc["Resources"]; !ok {
		doc["Resources"] = []map[string]string{{"Type": f.ResourceType, "Id": f.ResourceID, "Partition": "aws", "Region": region}}
	}
	if f.ComplianceStatus != "" {
		comp, _ := doc["Compliance"].(map[string]any)
		if comp == nil {
			comp = map[string]any{}
		}
		comp["Status"] = f.ComplianceStatus
		doc["Compliance"] = comp
	}
	doc["RecordState"] = recordState(f)
	doc["Workflow"] = map[string]string{"Status": workflowStatus(f)}
	doc["WorkflowState"] = workflowStatus(f)
	if f.NoteText != "" {
		doc["Note"] = map[string]string{"Text": f.NoteText, "UpdatedBy": f.NoteUpdatedBy, "UpdatedAt": ts(f.NoteUpdatedAt)}
	}
	if _, ok := doc["Region"]; !ok {
		doc["Region"] = region
	}
	company, product := "Personal", "Default"
	if i := strings.Index(f.ProductARN, ":product/"); i >= 0 {
		if p := strings.SplitN(f.ProductARN[i+len(":product/"):], "/", 2); len(p) == 2 && (p[0] == "aws" || p[0] == "amazon") {
			company = "AWS"
			if p[0] == "amazon" {
				company = "Amazon"
			}
			product = map[string]string{"securityhub": "Security Hub", "guardduty": "GuardDuty", "inspector": "Inspector",
				"access-analyzer": "IAM Access Analyzer", "config": "Config", "detective": "Detective"}[p[1]]
			if product == "" {
				product = p[1]
			}
		}
	}
	if _, ok := doc["CompanyName"]; !ok {
		doc["CompanyName"] = company
	}
	if _, ok := doc["ProductName"]; !ok {
		doc["ProductName"] = product
	}
	return doc
}

func recordState(f *world.SecurityHubFinding) string {
	if f.RecordState == "" {
		return "ACTIVE"
	}
	return f.RecordState
}

func workflowStatus(f *world.SecurityHubFinding) string {
	if f.WorkflowStatus == "" {
		return "NEW"
	}
	return f.WorkflowStatus
}

type stringFilter struct{ Value, Comparison string }

// fieldValues returns the values of a finding a string filter tests.
func fieldValues(region string, f *world.SecurityHubFinding, field string) ([]string, bool) {
	switch field {
	case "AwsAccountId":
		return []string{f.AwsAccountID}, true
	case "Id":
		return []string{f.ID}, true
	case "ProductArn":
		return []string{f.ProductARN}, true
	case "GeneratorId":
		return []string{f.GeneratorID}, true
	case "ComplianceStatus":
		return []string{f.ComplianceStatus}, true
	case "SeverityLabel":
		return []string{f.SeverityLabel}, true
	case "RecordState":
		return []string{recordState(f)}, true
	case "WorkflowStatus":
		return []string{workflowStatus(f)}, true
	case "Title":
		return []string{f.Title}, true
	case "Description":
		return []string{f.Description}, true
	case "ResourceType":
		return []string{f.ResourceType}, true
	case "ResourceId":
		return []string{f.ResourceID}, true
	case "Type":
		return f.Types, true
	case "Region":
		return []string{region}, true
	}
	return nil, false
}

func matchOne(vals []string, fl stringFilter) bool {
	for _, v := range vals {
		switch fl.Comparison {
		case "EQUALS", "NOT_EQUALS":
			if v == fl.Value {
				return true
			}
		case "PREFIX", "PREFIX_NOT_EQUALS":
			if strings.HasPrefix(v, fl.Value) {
				return true
			}
		case "CONTAINS", "NOT_CONTAINS":
			if strings.Contains(v, fl.Value) {
				return true
			}
		}
	}
	return false
}

func negative(cmp string) bool {
	return cmp == "NOT_EQUALS" || cmp == "PREFIX_NOT_EQUALS" || cmp == "NOT_CONTAINS"
}

// matches applies AWS's filter logic: filters on one field are ORed when
// positive and ANDed when negative; fields are ANDed.
func matches(region string, f *world.SecurityHubFinding, filters map[string][]stringFilter) bool {
	for field, fls := range filters {
		vals, ok := fieldValues(region, f, field)
		if !ok {
			continue
		}
		anyPos, posHit := false, false
		for _, fl := range fls {
			if negative(fl.Comparison) {
				if matchOne(vals, fl) {
					return false
				}
				continue
			}
			anyPos = true
			if matchOne(vals, fl) {
				posHit = true
			}
		}
		if anyPos && !posHit {
			return false
		}
	}
	return true
}

func getFindings(c *svc.Ctx) (any, error) {
	sh, err := hub(c)
	if err != nil {
		return nil, err
	}
	var in struct {
		Filters    map[string]json.RawMessage
		MaxResults int
		NextToken  string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	max, err := maxResults(in.MaxResults, 100)
	if err != nil {
		return nil, err
	}
	filters := map[string][]stringFilter{}
	for k, raw := range in.Filters {
		if _, ok := fieldValues(c.Region, &world.SecurityHubFinding{}, k); !ok {
			continue // date, number and map filters are not modelled
		}
		var fls []stringFilter
		if err := json.Unmarshal(raw, &fls); err != nil {
			return nil, invalidInput("Invalid filter %s", k)
		}
		for _, fl := range fls {
			switch fl.Comparison {
			case "EQUALS", "PREFIX", "NOT_EQUALS", "PREFIX_NOT_EQUALS", "CONTAINS", "NOT_CONTAINS":
			default:
				return nil, invalidInput("Invalid comparison %q in filter %s", fl.Comparison, k)
			}
		}
		filters[k] = fls
	}
	var hits []*world.SecurityHubFinding
	for _, f := range sh.Findings {
		if matches(c.Region, f, filters) {
			hits = append(hits, f)
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].UpdatedAt.After(hits[j].UpdatedAt) })
	page, next, err := svc.Page(hits, in.NextToken, max, 100, "InvalidInputException")
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for _, f := range page {
		out = append(out, FindingDoc(c.Region, f))
	}
	return map[string]any{"Findings": out, "NextToken": next}, nil
}

func batchUpdateFindings(c *svc.Ctx) (any, error) {
	sh, err := hub(c)
	if err != nil {
		return nil, err
	}
	type ident struct{ Id, ProductArn string }
	var in struct {
		FindingIdentifiers []ident
		Workflow           *struct{ Status string }
		Note               *struct{ Text, UpdatedBy string }
		Severity           *struct{ Label string }
		VerificationState  string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if n := len(in.FindingIdentifiers); n < 1 || n > 100 {
		return nil, invalidInput("FindingIdentifiers must contain between 1 and 100 items")
	}
	if in.Workflow != nil {
		switch in.Workflow.Status {
		case "NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED":
		default:
			return nil, invalidInput("Invalid Workflow.Status %q", in.Workflow.Status)
		}
	}
	if in.Note != nil && (in.Note.Text == "" || in.Note.UpdatedBy == "") {
		return nil, invalidInput("Note.Text and Note.UpdatedBy are required")
	}
	if in.Severity != nil && !severityLabels[in.Severity.Label] {
		return nil, invalidInput("Invalid Severity.Label %q", in.Severity.Label)
	}
	if in.Workflow == nil && in.Note == nil && in.Severity == nil && in.VerificationState == "" {
		return nil, invalidInput("At least one field to update must be specified")
	}
	processed := []ident{}
	unprocessed := []map[string]any{}
	for _, id := range in.FindingIdentifiers {
		var hit *world.SecurityHubFinding
		for _, f := range sh.Findings {
			if f.ID == id.Id && f.ProductARN == id.ProductArn {
				hit = f
			}
		}
		if hit == nil {
			unprocessed = append(unprocessed, map[string]any{"FindingIdentifier": id, "ErrorCode": "FindingNotFound", "ErrorMessage": "Finding Not Found"})
			continue
		}
		if in.Workflow != nil {
			hit.WorkflowStatus = in.Workflow.Status
		}
		if in.Note != nil {
			hit.NoteText, hit.NoteUpdatedBy, hit.NoteUpdatedAt = in.Note.Text, in.Note.UpdatedBy, c.Now()
		}
		if in.Severity != nil {
			hit.SeverityLabel = in.Severity.Label
		}
		processed = append(processed, id)
	}
	return map[string]any{"ProcessedFindings": processed, "UnprocessedFindings": unprocessed}, nil
}
