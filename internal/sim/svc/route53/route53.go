// Package route53 simulates the Amazon Route 53 hosted zone API
// (restXml, version 2013-04-01) that a review of DNS query logging reads:
// ListHostedZones (marker/maxitems, at most 100 a page, NextMarker the ID
// of the next page's first zone), ListQueryLoggingConfigs (by
// hostedzoneid, nexttoken/maxresults) and CreateQueryLoggingConfig, which
// accepts only a public zone and a log group that exists in us-east-1,
// as the API reference documents. Route 53 is global: one state per
// account, whatever region signs the request.
package route53

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const (
	ns   = "https://route53.amazonaws.com/doc/2013-04-01/"
	base = "/2013-04-01"
)

// Service returns the Route 53 simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:      "route53",
		Protocol:  wire.RestXML,
		Namespace: ns,
		Global:    true,
		Routes: []wire.Route{
			{Method: "GET", Pattern: base + "/hostedzone", Op: "ListHostedZones"},
			{Method: "GET", Pattern: base + "/queryloggingconfig", Op: "ListQueryLoggingConfigs"},
			{Method: "POST", Pattern: base + "/queryloggingconfig", Op: "CreateQueryLoggingConfig"},
		},
		Ops: map[string]svc.Handler{
			"ListHostedZones":          listHostedZones,
			"ListQueryLoggingConfigs":  listQueryLoggingConfigs,
			"CreateQueryLoggingConfig": createQueryLoggingConfig,
		},
	}
}

func invalid(format string, args ...any) error {
	return wire.Errorf(http.StatusBadRequest, "InvalidInput", format, args...)
}

// pageSize reads a page-size query parameter: at most 100, "a value
// greater than 100" returns 100.
func pageSize(c *svc.Ctx, name string) (int, error) {
	v := c.Query(name)
	if v == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, invalid("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must be a positive integer", v, name)
	}
	return min(n, 100), nil
}

type zoneXML struct {
	ID                     string `xml:"Id"`
	Name                   string `xml:"Name"`
	CallerReference        string `xml:"CallerReference"`
	Comment                string `xml:"Config>Comment,omitempty"`
	PrivateZone            bool   `xml:"Config>PrivateZone"`
	ResourceRecordSetCount int    `xml:"ResourceRecordSetCount"`
}

type listZonesXML struct {
	XMLName     xml.Name  `xml:"ListHostedZonesResponse"`
	Xmlns       string    `xml:"xmlns,attr"`
	HostedZones []zoneXML `xml:"HostedZones>HostedZone"`
	Marker      string    `xml:"Marker"`
	IsTruncated bool      `xml:"IsTruncated"`
	NextMarker  string    `xml:"NextMarker,omitempty"`
	MaxItems    int       `xml:"MaxItems"`
}

func listHostedZones(c *svc.Ctx) (any, error) {
	max, err := pageSize(c, "maxitems")
	if err != nil {
		return nil, err
	}
	zones := c.Account.Route53.HostedZones
	if t := c.Query("hostedzonetype"); t != "" && t != "PrivateHostedZone" {
		return nil, invalid("Invalid value for hostedzonetype: %s", t)
	}
	if c.Query("hostedzonetype") == "PrivateHostedZone" {
		zones = nil
		for _, z := range c.Account.Route53.HostedZones {
			if z.Private {
				zones = append(zones, z)
			}
		}
	}
	start := 0
	marker := c.Query("marker")
	if marker != "" {
		start = -1
		for i, z := range zones {
			if z.ID == marker {
				start = i
			}
		}
		if start < 0 {
			return nil, invalid("Invalid marker: %s", marker)
		}
	}
	end := min(start+max, len(zones))
	out := listZonesXML{Xmlns: ns, Marker: marker, MaxItems: max, HostedZones: []zoneXML{}}
	for _, z := range zones[start:end] {
		out.HostedZones = append(out.HostedZones, zoneXML{ID: "/hostedzone/" + z.ID, Name: z.Name, CallerReference: "sim-" + z.ID,
			Comment: z.Comment, PrivateZone: z.Private, ResourceRecordSetCount: recordCount(z)})
	}
	if end < len(zones) {
		out.IsTruncated, out.NextMarker = true, zones[end].ID
	}
	return out, nil
}

// recordCount is the zone's record count: at least its SOA and NS.
func recordCount(z *world.HostedZone) int { return max(z.Records, 2) }

type configXML struct {
	ID                        string `xml:"Id"`
	HostedZoneID              string `xml:"HostedZoneId"`
	CloudWatchLogsLogGroupArn string `xml:"CloudWatchLogsLogGroupArn"`
}

type listConfigsXML struct {
	XMLName   xml.Name    `xml:"ListQueryLoggingConfigsResponse"`
	Xmlns     string      `xml:"xmlns,attr"`
	Configs   []configXML `xml:"QueryLoggingConfigs>QueryLoggingConfig"`
	NextToken string      `xml:"NextToken,omitempty"`
}

// configID is the zone's query logging configuration ID, stable for the
// zone when the world does not name one (a UUID, as AWS's look).
func configID(z *world.HostedZone) string {
	if z.QueryLoggingID != "" {
		return z.QueryLoggingID
	}
	h := sha256.Sum256([]byte("querylog/" + z.ID))
	s := hex.EncodeToString(h[:16])
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

func zoneByID(c *svc.Ctx, id string) (*world.HostedZone, error) {
	id = strings.TrimPrefix(id, "/hostedzone/")
	for _, z := range c.Account.Route53.HostedZones {
		if z.ID == id {
			return z, nil
		}
	}
	return nil, wire.Errorf(http.StatusNotFound, "NoSuchHostedZone", "No hosted zone found with ID: %s", id)
}

func listQueryLoggingConfigs(c *svc.Ctx) (any, error) {
	max, err := pageSize(c, "maxresults")
	if err != nil {
		return nil, err
	}
	zones := c.Account.Route53.HostedZones
	if id := c.Query("hostedzoneid"); id != "" {
		z, err := zoneByID(c, id)
		if err != nil {
			return nil, err
		}
		zones = []*world.HostedZone{z}
	}
	var configs []configXML
	for _, z := range zones {
		if z.QueryLogGroupARN != "" {
			configs = append(configs, configXML{ID: configID(z), HostedZoneID: z.ID, CloudWatchLogsLogGroupArn: z.QueryLogGroupARN})
		}
	}
	page, next, err := svc.Page(configs, c.Query("nexttoken"), max, 100, "InvalidPaginationToken")
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []configXML{}
	}
	return listConfigsXML{Xmlns: ns, Configs: page, NextToken: next}, nil
}

type createConfigXML struct {
	XMLName xml.Name  `xml:"CreateQueryLoggingConfigResponse"`
	Xmlns   string    `xml:"xmlns,attr"`
	Config  configXML `xml:"QueryLoggingConfig"`
}

func createQueryLoggingConfig(c *svc.Ctx) (any, error) {
	var in struct {
		HostedZoneID              string `xml:"HostedZoneId"`
		CloudWatchLogsLogGroupArn string `xml:"CloudWatchLogsLogGroupArn"`
	}
	if err := c.DecodeXML(&in); err != nil {
		return nil, err
	}
	if in.HostedZoneID == "" || in.CloudWatchLogsLogGroupArn == "" {
		return nil, invalid("HostedZoneId and CloudWatchLogsLogGroupArn are required")
	}
	z, err := zoneByID(c, in.HostedZoneID)
	if err != nil {
		return nil, err
	}
	if z.Private {
		return nil, invalid("Query logging is supported only for public hosted zones: %s is private", z.ID)
	}
	if z.QueryLogGroupARN != "" {
		return nil, wire.Errorf(http.StatusConflict, "QueryLoggingConfigAlreadyExists",
			"A query logging configuration already exists for hosted zone %s", z.ID)
	}
	// arn:aws:logs:us-east-1:<account>:log-group:<name>[:*]
	prefix := world.ARN("logs", "us-east-1", c.Account.ID, "log-group:")
	name, ok := strings.CutPrefix(in.CloudWatchLogsLogGroupArn, prefix)
	if !ok {
		return nil, invalid("The log group must be in the us-east-1 Region of this account: %s", in.CloudWatchLogsLogGroupArn)
	}
	name = strings.TrimSuffix(name, ":*")
	found := false
	for _, g := range c.Account.In("us-east-1").Logs.Groups {
		found = found || g.Name == name
	}
	if !found {
		return nil, wire.Errorf(http.StatusNotFound, "NoSuchCloudWatchLogsLogGroup", "There is no CloudWatch Logs log group with the specified ARN.")
	}
	z.QueryLogGroupARN = in.CloudWatchLogsLogGroupArn
	cfg := configXML{ID: configID(z), HostedZoneID: z.ID, CloudWatchLogsLogGroupArn: z.QueryLogGroupARN}
	return &wire.Response{Status: http.StatusCreated,
		Header: http.Header{"Location": {"https://route53.amazonaws.com" + base + "/queryloggingconfig/" + cfg.ID}},
		Body:   createConfigXML{Xmlns: ns, Config: cfg}}, nil
}
