// Package ssm simulates the parts of AWS Systems Manager (awsJson1.1)
// Guardrail reads: managed instances (DescribeInstanceInformation,
// MaxResults 5-50), compliance summaries (ListResourceComplianceSummaries,
// MaxResults 1-100), the account's documents and their sharing
// (ListDocuments, MaxResults 1-50; DescribeDocumentPermission, 1-200;
// CreateDocument, ModifyDocumentPermission), and the public-sharing
// service setting (GetServiceSetting, UpdateServiceSetting).
package ssm

import (
	"cmp"
	"sort"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the AWS Systems Manager (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "ssm",
		Protocol: wire.JSON11,
		Codes:    &codes,
		Ops: map[string]svc.Handler{
			"DescribeInstanceInformation":     describeInstanceInformation,
			"ListResourceComplianceSummaries": listComplianceSummaries,
			"ListDocuments":                   listDocuments,
			"CreateDocument":                  createDocument,
			"DescribeDocumentPermission":      describeDocumentPermission,
			"ModifyDocumentPermission":        modifyDocumentPermission,
			"GetServiceSetting":               getServiceSetting,
			"UpdateServiceSetting":            updateServiceSetting,
		},
	}
}

var codes = func() wire.Codes {
	c := wire.DefaultCodes(wire.JSON11)
	c.Internal = "InternalServerError"
	return c
}()

func errf(code, format string, args ...any) error { return wire.Errorf(400, code, format, args...) }

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func limit(n *int, lo, hi, def int) (int, error) {
	if n == nil {
		return def, nil
	}
	if *n < lo || *n > hi {
		return 0, errf("ValidationException", "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between %d and %d", *n, lo, hi)
	}
	return *n, nil
}

type pageIn struct {
	MaxResults *int   `json:"MaxResults"`
	NextToken  string `json:"NextToken"`
	Filters    []struct {
		Key    string   `json:"Key"`
		Values []string `json:"Values"`
		Type   string   `json:"Type"`
	} `json:"Filters"`
}

func describeInstanceInformation(c *svc.Ctx) (any, error) {
	var in pageIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	lim, err := limit(in.MaxResults, 5, 50, 10)
	if err != nil {
		return nil, err
	}
	type info struct {
		InstanceId       string  `json:"InstanceId"`
		PingStatus       string  `json:"PingStatus"`
		LastPingDateTime float64 `json:"LastPingDateTime"`
		AgentVersion     string  `json:"AgentVersion"`
		PlatformType     string  `json:"PlatformType"`
		ResourceType     string  `json:"ResourceType"`
	}
	var all []info
	for _, m := range c.Regional().SSM.ManagedInstances {
		all = append(all, info{m.InstanceID, cmp.Or(m.PingStatus, "Online"), epoch(m.LastPing), cmp.Or(m.AgentVersion, "3.3.1142.0"),
			cmp.Or(m.PlatformType, "Linux"), "EC2Instance"})
	}
	page, next, err := svc.Page(all, in.NextToken, lim, 10, "InvalidNextToken")
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []info{}
	}
	return struct {
		InstanceInformationList []info `json:"InstanceInformationList"`
		NextToken               string `json:"NextToken,omitempty"`
	}{page, next}, nil
}

func listComplianceSummaries(c *svc.Ctx) (any, error) {
	var in pageIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	lim, err := limit(in.MaxResults, 1, 100, 50)
	if err != nil {
		return nil, err
	}
	types := map[string]bool{}
	for _, f := range in.Filters {
		if f.Key != "ComplianceType" {
			return nil, errf("InvalidFilter", "filter key %s is not supported", f.Key)
		}
		for _, v := range f.Values {
			types[v] = true
		}
	}
	type summary struct {
		ComplianceType   string `json:"ComplianceType"`
		ResourceType     string `json:"ResourceType"`
		ResourceId       string `json:"ResourceId"`
		Status           string `json:"Status"`
		OverallSeverity  string `json:"OverallSeverity"`
		ExecutionSummary struct {
			ExecutionTime float64 `json:"ExecutionTime"`
		} `json:"ExecutionSummary"`
	}
	var all []summary
	for _, m := range c.Regional().SSM.ManagedInstances {
		for _, kv := range [][2]string{{"Association", m.AssociationStatus}, {"Patch", m.PatchStatus}} {
			if kv[1] == "" || len(types) > 0 && !types[kv[0]] {
				continue
			}
			s := summary{ComplianceType: kv[0], ResourceType: "ManagedInstance", ResourceId: m.InstanceID, Status: kv[1], OverallSeverity: "UNSPECIFIED"}
			if kv[1] == "NON_COMPLIANT" {
				s.OverallSeverity = "HIGH"
			}
			s.ExecutionSummary.ExecutionTime = epoch(m.ComplianceTime)
			all = append(all, s)
		}
	}
	page, next, err := svc.Page(all, in.NextToken, lim, 50, "InvalidNextToken")
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []summary{}
	}
	return struct {
		ResourceComplianceSummaryItems []summary `json:"ResourceComplianceSummaryItems"`
		NextToken                      string    `json:"NextToken,omitempty"`
	}{page, next}, nil
}

type docID struct {
	Name           string  `json:"Name"`
	Owner          string  `json:"Owner"`
	DocumentType   string  `json:"DocumentType"`
	DocumentFormat string  `json:"DocumentFormat"`
	CreatedDate    float64 `json:"CreatedDate"`
	SchemaVersion  string  `json:"SchemaVersion"`
}

func listDocuments(c *svc.Ctx) (any, error) {
	var in pageIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	lim, err := limit(in.MaxResults, 1, 50, 50)
	if err != nil {
		return nil, err
	}
	own := true // the simulator holds no documents of Amazon's or shared ones
	for _, f := range in.Filters {
		switch f.Key {
		case "Owner":
			own = false
			for _, v := range f.Values {
				if v == "Self" || v == c.Account.ID {
					own = true
				}
			}
		case "DocumentType", "Name", "PlatformTypes", "SearchKeyword":
		default:
			return nil, errf("InvalidFilterKey", "filter key %s is not valid", f.Key)
		}
	}
	var all []docID
	if own {
		docs := append([]*world.SSMDocument(nil), c.Regional().SSM.Documents...)
		sort.Slice(docs, func(i, j int) bool { return docs[i].Name < docs[j].Name })
		for _, d := range docs {
			all = append(all, docID{d.Name, c.Account.ID, cmp.Or(d.DocumentType, "Command"), cmp.Or(d.Format, "JSON"), epoch(d.Created), "2.2"})
		}
	}
	page, next, err := svc.Page(all, in.NextToken, lim, 50, "InvalidNextToken")
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []docID{}
	}
	return struct {
		DocumentIdentifiers []docID `json:"DocumentIdentifiers"`
		NextToken           string  `json:"NextToken,omitempty"`
	}{page, next}, nil
}

func findDoc(c *svc.Ctx, name string) (*world.SSMDocument, error) {
	for _, d := range c.Regional().SSM.Documents {
		if d.Name == name || c.ARN("ssm", "document/"+d.Name) == name {
			return d, nil
		}
	}
	return nil, errf("InvalidDocument", "Document with name %s does not exist.", name)
}

func createDocument(c *svc.Ctx) (any, error) {
	var in struct {
		Name           string `json:"Name"`
		Content        string `json:"Content"`
		DocumentType   string `json:"DocumentType"`
		DocumentFormat string `json:"DocumentFormat"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Name == "" || in.Content == "" {
		return nil, errf("ValidationException", "Name and Content are required")
	}
	if strings.HasPrefix(strings.ToLower(in.Name), "aws") || strings.HasPrefix(strings.ToLower(in.Name), "amazon") {
		return nil, errf("ValidationException", "Document names can't start with aws, amazon or amzn")
	}
	if _, err := findDoc(c, in.Name); err == nil {
		return nil, errf("DocumentAlreadyExists", "Document with same name %s already exists", in.Name)
	}
	d := &world.SSMDocument{Name: in.Name, Content: in.Content, DocumentType: in.DocumentType, Format: in.DocumentFormat, Created: c.Now()}
	r := c.Regional()
	r.SSM.Documents = append(r.SSM.Documents, d)
	return map[string]any{"DocumentDescription": map[string]any{
		"Name": d.Name, "Owner": c.Account.ID, "Status": "Active", "DocumentType": cmp.Or(d.DocumentType, "Command"),
		"DocumentFormat": cmp.Or(d.Format, "JSON"), "CreatedDate": epoch(d.Created), "DocumentVersion": "1",
	}}, nil
}

type permissionIn struct {
	Name               string   `json:"Name"`
	PermissionType     string   `json:"PermissionType"`
	AccountIdsToAdd    []string `json:"AccountIdsToAdd"`
	AccountIdsToRemove []string `json:"AccountIdsToRemove"`
	MaxResults         *int     `json:"MaxResults"`
	NextToken          string   `json:"NextToken"`
}

func describeDocumentPermission(c *svc.Ctx) (any, error) {
	var in permissionIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.PermissionType != "Share" {
		return nil, errf("InvalidPermissionType", "PermissionType must be Share")
	}
	lim, err := limit(in.MaxResults, 1, 200, 200)
	if err != nil {
		return nil, err
	}
	d, err := findDoc(c, in.Name)
	if err != nil {
		return nil, err
	}
	ids := append([]string(nil), d.SharedWith...)
	sort.Strings(ids)
	page, next, err := svc.Page(ids, in.NextToken, lim, 200, "InvalidNextToken")
	if err != nil {
		return nil, err
	}
	type info struct {
		AccountId             string `json:"AccountId"`
		SharedDocumentVersion string `json:"SharedDocumentVersion"`
	}
	infos := []info{}
	for _, id := range page {
		infos = append(infos, info{id, "$DEFAULT"})
	}
	if page == nil {
		page = []string{}
	}
	return struct {
		AccountIds             []string `json:"AccountIds"`
		AccountSharingInfoList []info   `json:"AccountSharingInfoList"`
		NextToken              string   `json:"NextToken,omitempty"`
	}{page, infos, next}, nil
}

func modifyDocumentPermission(c *svc.Ctx) (any, error) {
	var in permissionIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.PermissionType != "Share" {
		return nil, errf("InvalidPermissionType", "PermissionType must be Share")
	}
	d, err := findDoc(c, in.Name)
	if err != nil {
		return nil, err
	}
	r := c.Regional()
	for _, id := range in.AccountIdsToAdd {
		if id == "all" && r.SSM.BlockPublicSharing {
			return nil, errf("InvalidPermissionType", "Public sharing of documents is blocked in this account and Region (service setting /ssm/documents/console/public-sharing-permission).")
		}
	}
	set := map[string]bool{}
	for _, id := range d.SharedWith {
		set[id] = true
	}
	for _, id := range in.AccountIdsToAdd {
		set[id] = true
	}
	for _, id := range in.AccountIdsToRemove {
		delete(set, id)
	}
	if len(set) > 1000 {
		return nil, errf("DocumentPermissionLimit", "The document cannot be shared with more accounts.")
	}
	d.SharedWith = d.SharedWith[:0]
	for id := range set {
		d.SharedWith = append(d.SharedWith, id)
	}
	sort.Strings(d.SharedWith)
	return struct{}{}, nil
}

const publicSharing = "/ssm/documents/console/public-sharing-permission"

func settingPath(c *svc.Ctx, id string) (string, error) {
	if p, ok := strings.CutPrefix(id, c.ARN("ssm", "servicesetting")); ok {
		id = p
	}
	if id != publicSharing {
		return "", errf("ServiceSettingNotFound", "The service setting %s is not found.", id)
	}
	return id, nil
}

func getServiceSetting(c *svc.Ctx) (any, error) {
	var in struct {
		SettingId string `json:"SettingId"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	id, err := settingPath(c, in.SettingId)
	if err != nil {
		return nil, err
	}
	value, status := "Enable", "Default"
	if c.Regional().SSM.BlockPublicSharing {
		value, status = "Disable", "Customized"
	}
	return map[string]any{"ServiceSetting": map[string]any{
		"SettingId": id, "SettingValue": value, "Status": status, "ARN": c.ARN("ssm", "servicesetting"+id),
	}}, nil
}

func updateServiceSetting(c *svc.Ctx) (any, error) {
	var in struct {
		SettingId    string `json:"SettingId"`
		SettingValue string `json:"SettingValue"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if _, err := settingPath(c, in.SettingId); err != nil {
		return nil, err
	}
	switch in.SettingValue {
	case "Enable":
		c.Regional().SSM.BlockPublicSharing = false
	case "Disable":
		c.Regional().SSM.BlockPublicSharing = true
	default:
		return nil, errf("ValidationException", "SettingValue must be Enable or Disable")
	}
	return struct{}{}, nil
}
