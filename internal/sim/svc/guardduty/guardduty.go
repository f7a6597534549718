// Package guardduty simulates Amazon GuardDuty (restJson1).
package guardduty

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Principal is GuardDuty's service principal in Organizations.
const Principal = "guardduty.amazonaws.com"

// Service returns the Amazon GuardDuty (restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "guardduty",
		Protocol: wire.RestJSON,
		Codes:    &codes,
		Routes: []wire.Route{
			{Method: "GET", Pattern: "/detector", Op: "ListDetectors"},
			{Method: "POST", Pattern: "/detector", Op: "CreateDetector"},
			{Method: "GET", Pattern: "/detector/{DetectorId}", Op: "GetDetector"},
			{Method: "POST", Pattern: "/detector/{DetectorId}", Op: "UpdateDetector"},
			{Method: "DELETE", Pattern: "/detector/{DetectorId}", Op: "DeleteDetector"},
			{Method: "POST", Pattern: "/admin/enable", Op: "EnableOrganizationAdminAccount"},
			{Method: "POST", Pattern: "/admin/disable", Op: "DisableOrganizationAdminAccount"},
			{Method: "GET", Pattern: "/admin", Op: "ListOrganizationAdminAccounts"},
			{Method: "GET", Pattern: "/detector/{DetectorId}/admin", Op: "DescribeOrganizationConfiguration"},
			{Method: "POST", Pattern: "/detector/{DetectorId}/admin", Op: "UpdateOrganizationConfiguration"},
			{Method: "GET", Pattern: "/detector/{DetectorId}/member", Op: "ListMembers"},
			{Method: "POST", Pattern: "/detector/{DetectorId}/findings", Op: "ListFindings"},
			{Method: "POST", Pattern: "/detector/{DetectorId}/findings/statistics", Op: "GetFindingsStatistics"},
			{Method: "GET", Pattern: "/detector/{DetectorId}/administrator", Op: "GetAdministratorAccount"},
			{Method: "GET", Pattern: "/detector/{DetectorId}/master", Op: "GetMasterAccount"},
			{Method: "GET", Pattern: "/tags/{ResourceArn}", Op: "ListTagsForResource"},
			{Method: "POST", Pattern: "/tags/{ResourceArn}", Op: "TagResource"},
			{Method: "DELETE", Pattern: "/tags/{ResourceArn}", Op: "UntagResource"},
		},
		Ops: map[string]svc.Handler{
			"ListDetectors":                     listDetectors,
			"CreateDetector":                    createDetector,
			"GetDetector":                       getDetector,
			"UpdateDetector":                    updateDetector,
			"DeleteDetector":                    deleteDetector,
			"EnableOrganizationAdminAccount":    enableAdmin,
			"DisableOrganizationAdminAccount":   disableAdmin,
			"ListOrganizationAdminAccounts":     listAdmins,
			"DescribeOrganizationConfiguration": describeOrgConfig,
			"UpdateOrganizationConfiguration":   updateOrgConfig,
			"ListMembers":                       listMembers,
			"ListFindings":                      listFindings,
			"GetFindingsStatistics":             getFindingsStatistics,
			"GetAdministratorAccount":           getAdministrator("administrator"),
			"GetMasterAccount":                  getAdministrator("master"),
			"ListTagsForResource":               listTags,
			"TagResource":                       tagResource,
			"UntagResource":                     untagResource,
		},
	}
}

var codes = func() wire.Codes {
	c := wire.DefaultCodes(wire.RestJSON)
	c.Internal = "InternalServerErrorException"
	return c
}()

func badRequest(format string, args ...any) error {
	return wire.Errorf(400, "BadRequestException", format, args...)
}

// DetectorID is the ID the simulator gives the detector of account in
// region when none was set: stable, 32 hex digits.
func DetectorID(account, region string) string {
	h := md5.Sum([]byte("guardduty/" + account + "/" + region))
	return hex.EncodeToString(h[:])
}

func epoch(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// detector returns the caller's detector, checking the path's ID.
func detector(c *svc.Ctx) (*world.GuardDutyDetector, error) {
	id := c.Path["DetectorId"]
	d := c.Regional().GuardDuty.Detector
	if d != nil && d.ID == "" {
		d.ID = DetectorID(c.Account.ID, c.Region)
	}
	if d == nil || id != d.ID {
		return nil, badRequest("The request is rejected because the input detectorId is not owned by the current account.")
	}
	return d, nil
}

func pageArgs(c *svc.Ctx) (int, error) {
	s := c.Query("maxResults")
	if s == "" {
		return 0, nil
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, badRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
		}
		n = n*10 + int(r-'0')
	}
	if n < 1 || n > 50 {
		return 0, badRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
	}
	return n, nil
}

func listDetectors(c *svc.Ctx) (any, error) {
	max, err := pageArgs(c)
	if err != nil {
		return nil, err
	}
	ids := []string{}
	if d := c.Regional().GuardDuty.Detector; d != nil {
		if d.ID == "" {
			d.ID = DetectorID(c.Account.ID, c.Region)
		}
		ids = append(ids, d.ID)
	}
	page, next, err := svc.Page(ids, c.Query("nextToken"), max, 50, "BadRequestException")
	if err != nil {
		return nil, err
	}
	return map[string]any{"detectorIds": page, "nextToken": next}, nil
}

// Feature names in the order GetDetector lists them.
var featureOrder = []string{"CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS", "S3_DATA_EVENTS", "EKS_AUDIT_LOGS",
	"EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "EKS_RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"}

// additional configurations of the features that have them.
var additionalOf = map[string][]string{
	"EKS_RUNTIME_MONITORING": {"EKS_ADDON_MANAGEMENT"},
	"RUNTIME_MONITORING":     {"EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"},
}

// input feature names accepted by CreateDetector / UpdateDetector.
var inputFeatures = map[string]bool{"S3_DATA_EVENTS": true, "EKS_AUDIT_LOGS": true, "EBS_MALWARE_PROTECTION": true,
	"RDS_LOGIN_EVENTS": true, "EKS_RUNTIME_MONITORING": true, "LAMBDA_NETWORK_LOGS": true, "RUNTIME_MONITORING": true}

var alwaysOn = map[string]bool{"CLOUD_TRAIL": true, "DNS_LOGS": true, "FLOW_LOGS": true}

// defaultFeatures are what a detector created without features gets.
func defaultFeatures() []world.GuardDutyFeature {
	on := map[string]bool{"S3_DATA_EVENTS": true, "EKS_AUDIT_LOGS": true, "EBS_MALWARE_PROTECTION": true, "RDS_LOGIN_EVENTS": true, "LAMBDA_NETWORK_LOGS": true}
	var out []world.GuardDutyFeature
	for _, n := range featureOrder {
		if alwaysOn[n] {
			continue
		}
		f := world.GuardDutyFeature{Name: n, Status: "DISABLED"}
		if on[n] {
			f.Status = "ENABLED"
		}
		for _, a := range additionalOf[n] {
			f.Additional = append(f.Additional, world.GuardDutyFeature{Name: a, Status: "DISABLED"})
		}
		out = append(out, f)
	}
	return out
}

func featureStatus(fs []world.GuardDutyFeature, name string) (world.GuardDutyFeature, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f, true
		}
	}
	return world.GuardDutyFeature{}, false
}

func setFeature(d *world.GuardDutyDetector, in featureIn, now time.Time) {
	for i := range d.Features {
		if d.Features[i].Name == in.Name {
			if in.Status != "" {
				d.Features[i].Status = in.Status
			}
			for _, a := range in.AdditionalConfiguration {
				found := false
				for j := range d.Features[i].Additional {
					if d.Features[i].Additional[j].Name == a.Name {
						d.Features[i].Additional[j].Status = a.Status
						found = true
					}
				}
				if !found {
					d.Features[i].Additional = append(d.Features[i].Additional, world.GuardDutyFeature{Name: a.Name, Status: a.Status})
				}
			}
			return
		}
	}
	f := world.GuardDutyFeature{Name: in.Name, Status: in.Status}
	if f.Status == "" {
		f.Status = "DISABLED"
	}
	for _, a := range in.AdditionalConfiguration {
		f.Additional = append(f.Additional, world.GuardDutyFeature{Name: a.Name, Status: a.Status})
	}
	d.Features = append(d.Features, f)
}

type featureIn struct {
	Name                    string `json:"name"`
	Status                  string `json:"status"`
	AdditionalConfiguration []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
	} `json:"additionalConfiguration"`
}

type dataSourcesIn struct {
	S3Logs *struct {
		Enable bool `json:"enable"`
	} `json:"s3Logs"`
	Kubernetes *struct {
		AuditLogs struct {
			Enable bool `json:"enable"`
		} `json:"auditLogs"`
	} `json:"kubernetes"`
	MalwareProtection *struct {
		ScanEc2InstanceWithFindings struct {
			EbsVolumes bool `json:"ebsVolumes"`
		} `json:"scanEc2InstanceWithFindings"`
	} `json:"malwareProtection"`
}

type detectorIn struct {
	Enable                     *bool             `json:"enable"`
	FindingPublishingFrequency string            `json:"findingPublishingFrequency"`
	Features                   []featureIn       `json:"features"`
	DataSources                *dataSourcesIn    `json:"dataSources"`
	Tags                       map[string]string `json:"tags"`
}

func status(on bool) string {
	if on {
		return "ENABLED"
	}
	return "DISABLED"
}

func (in *detectorIn) apply(d *world.GuardDutyDetector, now time.Time) error {
	switch in.FindingPublishingFrequency {
	case "":
	case "FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS":
		d.FindingPublishingFrequency = in.FindingPublishingFrequency
	default:
		return badRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
	}
	if in.DataSources != nil && len(in.Features) > 0 {
		return badRequest("The request is rejected because both dataSources and features are specified; use features only.")
	}
	for _, f := range in.Features {
		if !inputFeatures[f.Name] || (f.Status != "ENABLED" && f.Status != "DISABLED" && f.Status != "") {
			return badRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
		}
	}
	for _, f := range in.Features {
		setFeature(d, f, now)
	}
	if ds := in.DataSources; ds != nil {
		if ds.S3Logs != nil {
			setFeature(d, featureIn{Name: "S3_DATA_EVENTS", Status: status(ds.S3Logs.Enable)}, now)
		}
		if ds.Kubernetes != nil {
			setFeature(d, featureIn{Name: "EKS_AUDIT_LOGS", Status: status(ds.Kubernetes.AuditLogs.Enable)}, now)
		}
		if ds.MalwareProtection != nil {
			setFeature(d, featureIn{Name: "EBS_MALWARE_PROTECTION", Status: status(ds.MalwareProtection.ScanEc2InstanceWithFindings.EbsVolumes)}, now)
		}
	}
	if in.Enable != nil {
		d.Status = status(*in.Enable)
	}
	return nil
}

func createDetector(c *svc.Ctx) (any, error) {
	var in detectorIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Enable == nil {
		return nil, badRequest("The request is rejected because a required parameter 'enable' is missing.")
	}
	g := &c.Regional().GuardDuty
	if g.Detector != nil {
		return nil, badRequest("The request is rejected because a detector already exists for the current account.")
	}
	now := c.Now()
	d := &world.GuardDutyDetector{ID: c.World.HexID("", 32), FindingPublishingFrequency: "SIX_HOURS",
		CreatedAt: now, UpdatedAt: now, Features: defaultFeatures(), Tags: in.Tags}
	if err := in.apply(d, now); err != nil {
		return nil, err
	}
	g.Detector = d
	return map[string]any{"detectorId": d.ID}, nil
}

func featuresOut(d *world.GuardDutyDetector) []map[string]any {
	out := []map[string]any{}
	for _, n := range featureOrder {
		f, ok := featureStatus(d.Features, n)
		st := "DISABLED"
		if alwaysOn[n] {
			st = "ENABLED"
		} else if ok {
			st = f.Status
		}
		m := map[string]any{"name": n, "status": st, "updatedAt": epoch(d.UpdatedAt)}
		if adds := additionalOf[n]; len(adds) > 0 {
			var ac []map[string]any
			for _, a := range adds {
				ast := "DISABLED"
				if x, ok := featureStatus(f.Additional, a); ok {
					ast = x.Status
				}
				ac = append(ac, map[string]any{"name": a, "status": ast, "updatedAt": epoch(d.UpdatedAt)})
			}
			m["additionalConfiguration"] = ac
		}
		out = append(out, m)
	}
	return out
}

func fstatus(d *world.GuardDutyDetector, name string) string {
	if f, ok := featureStatus(d.Features, name); ok {
		return f.Status
	}
	return "DISABLED"
}

func getDetector(c *svc.Ctx) (any, error) {
	d, err := detector(c)
	if err != nil {
		return nil, err
	}
	freq := d.FindingPublishingFrequency
	if freq == "" {
		freq = "SIX_HOURS"
	}
	st := d.Status
	if st == "" {
		st = "ENABLED"
	}
	out := map[string]any{
		"createdAt":                  ts(d.CreatedAt),
		"updatedAt":                  ts(d.UpdatedAt),
		"findingPublishingFrequency": freq,
		"serviceRole":                "arn:aws:iam::" + c.Account.ID + ":role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty",
		"status":                     st,
		"tags":                       d.Tags,
		"features":                   featuresOut(d),
		"dataSources": map[string]any{
			"cloudTrail": map[string]string{"status": "ENABLED"},
			"dnsLogs":    map[string]string{"status": "ENABLED"},
			"flowLogs":   map[string]string{"status": "ENABLED"},
			"s3Logs":     map[string]string{"status": fstatus(d, "S3_DATA_EVENTS")},
			"kubernetes": map[string]any{"auditLogs": map[string]string{"status": fstatus(d, "EKS_AUDIT_LOGS")}},
			"malwareProtection": map[string]any{
				"scanEc2InstanceWithFindings": map[string]any{"ebsVolumes": map[string]string{"status": fstatus(d, "EBS_MALWARE_PROTECTION")}},
				"serviceRole":                 "arn:aws:iam::" + c.Account.ID + ":role/aws-service-role/malware-protection.guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDutyMalwareProtection",
			},
		},
	}
	if d.Tags == nil {
		out["tags"] = map[string]string{}
	}
	return out, nil
}

func updateDetector(c *svc.Ctx) (any, error) {
	d, err := detector(c)
	if err != nil {
		return nil, err
	}
	var in detectorIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	cp := *d
	cp.Features = append([]world.GuardDutyFeature(nil), d.Features...)
	if err := in.apply(&cp, c.Now()); err != nil {
		return nil, err
	}
	cp.UpdatedAt = c.Now()
	*d = cp
	return nil, nil
}

func deleteDetector(c *svc.Ctx) (any, error) {
	d, err := detector(c)
	if err != nil {
		return nil, err
	}
	for _, m := range d.Members {
		if m.RelationshipStatus == "Enabled" || m.RelationshipStatus == "Invited" || m.RelationshipStatus == "Created" {
			return nil, badRequest("The request is rejected because the detector has member accounts; disassociate and delete the members first.")
		}
	}
	c.Regional().GuardDuty.Detector = nil
	return nil, nil
}

// org reports whether the caller is in an organization, whether it is
// the management account, and GuardDuty's delegated administrators.
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
		return badRequest("The request is rejected because the current account is not a member of an AWS organization.")
	}
	if !mgmt {
		return badRequest("The request is rejected because the current account is not the management account of the AWS organization.")
	}
	return nil
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

type adminIn struct {
	AdminAccountID string `json:"adminAccountId"`
}

func validAccountID(s string) bool {
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

func enableAdmin(c *svc.Ctx) (any, error) {
	var in adminIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if !validAccountID(in.AdminAccountID) {
		return nil, badRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
	}
	if err := requireManagement(c); err != nil {
		return nil, err
	}
	c.World.Mu.Lock()
	defer c.World.Mu.Unlock()
	o := c.World.Org
	if _, member := o.Members[in.AdminAccountID]; !member && in.AdminAccountID != o.ManagementAccount {
		return nil, badRequest("The request is rejected because the account %s is not a member of the organization.", in.AdminAccountID)
	}
	for _, a := range o.DelegatedAdmins[Principal] {
		if a.Account == in.AdminAccountID {
			return nil, badRequest("The request failed because the account %s is already the delegated administrator for GuardDuty.", in.AdminAccountID)
		}
		return nil, badRequest("The request failed because another account is already enabled as GuardDuty delegated administrator for the organization.")
	}
	o.AddAdmin(Principal, in.AdminAccountID, c.Now())
	o.EnableServiceAccess(Principal, c.Now())
	return nil, nil
}

func disableAdmin(c *svc.Ctx) (any, error) {
	var in adminIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.AdminAccountID == "" {
		return nil, badRequest("The request is rejected because a required parameter 'adminAccountId' is missing.")
	}
	if err := requireManagement(c); err != nil {
		return nil, err
	}
	c.World.Mu.Lock()
	defer c.World.Mu.Unlock()
	o := c.World.Org
	if o.RemoveAdmin(Principal, in.AdminAccountID) {
		return nil, nil
	}
	return nil, badRequest("The request is rejected because the account %s is not a delegated administrator for GuardDuty.", in.AdminAccountID)
}

func listAdmins(c *svc.Ctx) (any, error) {
	max, err := pageArgs(c)
	if err != nil {
		return nil, err
	}
	if err := requireManagement(c); err != nil {
		return nil, err
	}
	_, _, admins := org(c)
	out := []map[string]string{}
	for _, a := range admins {
		out = append(out, map[string]string{"adminAccountId": a.Account, "adminStatus": "ENABLED"})
	}
	page, next, err := svc.Page(out, c.Query("nextToken"), max, 50, "BadRequestException")
	if err != nil {
		return nil, err
	}
	return map[string]any{"adminAccounts": page, "nextToken": next}, nil
}

// orgFeatures lists the organization features in the order AWS does.
var orgFeatureOrder = []string{"S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS",
	"EKS_RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"}

func orgConfig(c *svc.Ctx) (*world.GuardDutyOrgConfig, error) {
	if _, err := detector(c); err != nil {
		return nil, err
	}
	if !isAdmin(c) {
		return nil, badRequest("The request is rejected because the current account is not the GuardDuty delegated administrator account of the organization.")
	}
	g := &c.Regional().GuardDuty
	if g.OrgConfig == nil {
		g.OrgConfig = &world.GuardDutyOrgConfig{AutoEnableOrganizationMembers: "NONE"}
	}
	return g.OrgConfig, nil
}

func orgAuto(fs []world.GuardDutyOrgFeature, name string) (world.GuardDutyOrgFeature, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f, true
		}
	}
	return world.GuardDutyOrgFeature{}, false
}

func describeOrgConfig(c *svc.Ctx) (any, error) {
	oc, err := orgConfig(c)
	if err != nil {
		return nil, err
	}
	feats := []map[string]any{}
	for _, n := range orgFeatureOrder {
		f, _ := orgAuto(oc.Features, n)
		ae := f.AutoEnable
		if ae == "" {
			ae = "NONE"
		}
		m := map[string]any{"name": n, "autoEnable": ae}
		if adds := additionalOf[n]; len(adds) > 0 {
			var ac []map[string]string
			for _, a := range adds {
				x, _ := orgAuto(f.Additional, a)
				aae := x.AutoEnable
				if aae == "" {
					aae = "NONE"
				}
				ac = append(ac, map[string]string{"name": a, "autoEnable": aae})
			}
			m["additionalConfiguration"] = ac
		}
		feats = append(feats, m)
	}
	auto := oc.AutoEnableOrganizationMembers
	if auto == "" {
		auto = "NONE"
	}
	autoOf := func(n string) bool {
		f, _ := orgAuto(oc.Features, n)
		return f.AutoEnable == "NEW" || f.AutoEnable == "ALL"
	}
	return map[string]any{
		"autoEnable":                    auto != "NONE",
		"autoEnableOrganizationMembers": auto,
		"memberAccountLimitReached":     false,
		"features":                      feats,
		"dataSources": map[string]any{
			"s3Logs":     map[string]bool{"autoEnable": autoOf("S3_DATA_EVENTS")},
			"kubernetes": map[string]any{"auditLogs": map[string]bool{"autoEnable": autoOf("EKS_AUDIT_LOGS")}},
			"malwareProtection": map[string]any{"scanEc2InstanceWithFindings": map[string]any{
				"ebsVolumes": map[string]bool{"autoEnable": autoOf("EBS_MALWARE_PROTECTION")}}},
		},
	}, nil
}

func validAuto(s string) bool { return s == "NEW" || s == "ALL" || s == "NONE" }

func setOrgFeature(oc *world.GuardDutyOrgConfig, f world.GuardDutyOrgFeature) {
	for i := range oc.Features {
		if oc.Features[i].Name == f.Name {
			if f.AutoEnable != "" {
				oc.Features[i].AutoEnable = f.AutoEnable
			}
			for _, a := range f.Additional {
				found := false
				for j := range oc.Features[i].Additional {
					if oc.Features[i].Additional[j].Name == a.Name {
						oc.Features[i].Additional[j].AutoEnable = a.AutoEnable
						found = true
					}
				}
				if !found {
					oc.Features[i].Additional = append(oc.Features[i].Additional, a)
				}
			}
			return
		}
	}
	oc.Features = append(oc.Features, f)
}

func updateOrgConfig(c *svc.Ctx) (any, error) {
	oc, err := orgConfig(c)
	if err != nil {
		return nil, err
	}
	var in struct {
		AutoEnable                    *bool  `json:"autoEnable"`
		AutoEnableOrganizationMembers string `json:"autoEnableOrganizationMembers"`
		Features                      []struct {
			Name                    string `json:"name"`
			AutoEnable              string `json:"autoEnable"`
			AdditionalConfiguration []struct {
				Name       string `json:"name"`
				AutoEnable string `json:"autoEnable"`
			} `json:"additionalConfiguration"`
		} `json:"features"`
		DataSources *struct {
			S3Logs *struct {
				AutoEnable bool `json:"autoEnable"`
			} `json:"s3Logs"`
			Kubernetes *struct {
				AuditLogs struct {
					AutoEnable bool `json:"autoEnable"`
				} `json:"auditLogs"`
			} `json:"kubernetes"`
			MalwareProtection *struct {
				ScanEc2InstanceWithFindings struct {
					EbsVolumes struct {
						AutoEnable bool `json:"autoEnable"`
					} `json:"ebsVolumes"`
				} `json:"scanEc2InstanceWithFindings"`
			} `json:"malwareProtection"`
		} `json:"dataSources"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	invalid := badRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
	if in.AutoEnable != nil && in.AutoEnableOrganizationMembers != "" {
		return nil, badRequest("The request is rejected because both autoEnable and autoEnableOrganizationMembers are specified; use autoEnableOrganizationMembers only.")
	}
	if in.AutoEnableOrganizationMembers != "" && !validAuto(in.AutoEnableOrganizationMembers) {
		return nil, invalid
	}
	next := *oc
	next.Features = append([]world.GuardDutyOrgFeature(nil), oc.Features...)
	for _, f := range in.Features {
		if !inputFeatures[f.Name] || (f.AutoEnable != "" && !validAuto(f.AutoEnable)) {
			return nil, invalid
		}
		of := world.GuardDutyOrgFeature{Name: f.Name, AutoEnable: f.AutoEnable}
		for _, a := range f.AdditionalConfiguration {
			if !validAuto(a.AutoEnable) {
				return nil, invalid
			}
			of.Additional = append(of.Additional, world.GuardDutyOrgFeature{Name: a.Name, AutoEnable: a.AutoEnable})
		}
		setOrgFeature(&next, of)
	}
	newOrNone := func(b bool) string {
		if b {
			return "NEW"
		}
		return "NONE"
	}
	if ds := in.DataSources; ds != nil {
		if ds.S3Logs != nil {
			setOrgFeature(&next, world.GuardDutyOrgFeature{Name: "S3_DATA_EVENTS", AutoEnable: newOrNone(ds.S3Logs.AutoEnable)})
		}
		if ds.Kubernetes != nil {
			setOrgFeature(&next, world.GuardDutyOrgFeature{Name: "EKS_AUDIT_LOGS", AutoEnable: newOrNone(ds.Kubernetes.AuditLogs.AutoEnable)})
		}
		if ds.MalwareProtection != nil {
			setOrgFeature(&next, world.GuardDutyOrgFeature{Name: "EBS_MALWARE_PROTECTION", AutoEnable: newOrNone(ds.MalwareProtection.ScanEc2InstanceWithFindings.EbsVolumes.AutoEnable)})
		}
	}
	if in.AutoEnable != nil {
		next.AutoEnableOrganizationMembers = newOrNone(*in.AutoEnable)
	}
	if in.AutoEnableOrganizationMembers != "" {
		next.AutoEnableOrganizationMembers = in.AutoEnableOrganizationMembers
	}
	*oc = next
	return nil, nil
}

func listMembers(c *svc.Ctx) (any, error) {
	d, err := detector(c)
	if err != nil {
		return nil, err
	}
	max, err := pageArgs(c)
	if err != nil {
		return nil, err
	}
	only := c.Query("onlyAssociated") != "false"
	out := []map[string]string{}
	for _, m := range d.Members {
		if only && m.RelationshipStatus != "Enabled" {
			continue
		}
		out = append(out, map[string]string{
			"accountId": m.AccountID, "administratorId": c.Account.ID, "masterId": c.Account.ID,
			"detectorId": m.DetectorID, "email": m.Email, "relationshipStatus": m.RelationshipStatus,
			"invitedAt": ts(m.InvitedAt), "updatedAt": ts(m.UpdatedAt),
		})
	}
	page, next, err := svc.Page(out, c.Query("nextToken"), max, 50, "BadRequestException")
	if err != nil {
		return nil, err
	}
	return map[string]any{"members": page, "nextToken": next}, nil
}

type findingsIn struct {
	MaxResults int    `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

func listFindings(c *svc.Ctx) (any, error) {
	if _, err := detector(c); err != nil {
		return nil, err
	}
	var in findingsIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.MaxResults < 0 || in.MaxResults > 50 {
		return nil, badRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
	}
	page, next, err := svc.Page([]string{}, in.NextToken, in.MaxResults, 50, "BadRequestException")
	if err != nil {
		return nil, err
	}
	return map[string]any{"findingIds": page, "nextToken": next}, nil
}

func getFindingsStatistics(c *svc.Ctx) (any, error) {
	if _, err := detector(c); err != nil {
		return nil, err
	}
	var in struct {
		FindingStatisticTypes []string `json:"findingStatisticTypes"`
		GroupBy               string   `json:"groupBy"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	stats := map[string]any{}
	for _, t := range in.FindingStatisticTypes {
		if t == "COUNT_BY_SEVERITY" {
			stats["countBySeverity"] = map[string]int{}
		}
	}
	switch strings.ToUpper(in.GroupBy) {
	case "ACCOUNT":
		stats["groupedByAccount"] = []any{}
	case "DATE":
		stats["groupedByDate"] = []any{}
	case "FINDING_TYPE":
		stats["groupedByFindingType"] = []any{}
	case "RESOURCE":
		stats["groupedByResource"] = []any{}
	case "SEVERITY":
		stats["groupedBySeverity"] = []any{}
	}
	return map[string]any{"findingStatistics": stats}, nil
}

// getAdministrator answers GetAdministratorAccount (key "administrator")
// and its deprecated twin GetMasterAccount ("master").
func getAdministrator(key string) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		d, err := detector(c)
		if err != nil {
			return nil, err
		}
		if d.AdministratorID == "" {
			return map[string]any{}, nil
		}
		st := d.AdministratorStatus
		if st == "" {
			st = "Enabled"
		}
		return map[string]any{key: map[string]string{"accountId": d.AdministratorID, "relationshipStatus": st,
			"invitedAt": ts(d.CreatedAt)}}, nil
	}
}

// tagged returns the detector a GuardDuty ARN names (only detectors are
// modelled).
func tagged(c *svc.Ctx) (*world.GuardDutyDetector, error) {
	arn := c.Path["ResourceArn"]
	d := c.Regional().GuardDuty.Detector
	if d != nil && d.ID == "" {
		d.ID = DetectorID(c.Account.ID, c.Region)
	}
	if d == nil || arn != c.ARN("guardduty", "detector/"+d.ID) {
		return nil, badRequest("The request is rejected because the resource %s is not valid or does not exist.", arn)
	}
	return d, nil
}

func listTags(c *svc.Ctx) (any, error) {
	d, err := tagged(c)
	if err != nil {
		return nil, err
	}
	tags := d.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	return map[string]any{"tags": tags}, nil
}

func tagResource(c *svc.Ctx) (any, error) {
	d, err := tagged(c)
	if err != nil {
		return nil, err
	}
	var in struct {
		Tags map[string]string `json:"tags"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, badRequest("The request is rejected because a required parameter 'tags' is missing.")
	}
	if d.Tags == nil {
		d.Tags = map[string]string{}
	}
	for k, v := range in.Tags {
		d.Tags[k] = v
	}
	if len(d.Tags) > 50 {
		return nil, badRequest("The request is rejected because the number of tags exceeds 50.")
	}
	return map[string]any{}, nil
}

func untagResource(c *svc.Ctx) (any, error) {
	d, err := tagged(c)
	if err != nil {
		return nil, err
	}
	keys := c.Req.URL.Query()["tagKeys"]
	if len(keys) == 0 {
		return nil, badRequest("The request is rejected because a required parameter 'tagKeys' is missing.")
	}
	for _, k := range keys {
		delete(d.Tags, k)
	}
	return map[string]any{}, nil
}
