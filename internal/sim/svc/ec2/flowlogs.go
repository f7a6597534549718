package ec2

import (
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const defaultLogFormat = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"

type flowLogXML struct {
	ID                       string    `xml:"flowLogId"`
	CreationTime             string    `xml:"creationTime"`
	DeliverLogsPermissionArn string    `xml:"deliverLogsPermissionArn,omitempty"`
	DeliverLogsStatus        string    `xml:"deliverLogsStatus"`
	FlowLogStatus            string    `xml:"flowLogStatus"`
	LogGroupName             string    `xml:"logGroupName,omitempty"`
	ResourceID               string    `xml:"resourceId"`
	TrafficType              string    `xml:"trafficType"`
	LogDestinationType       string    `xml:"logDestinationType"`
	LogDestination           string    `xml:"logDestination,omitempty"`
	LogFormat                string    `xml:"logFormat"`
	MaxAggregationInterval   int       `xml:"maxAggregationInterval"`
	Tags                     []tagItem `xml:"tagSet>item"`
}

func flowLogOut(c *svc.Ctx, f *world.FlowLog) flowLogXML {
	dt := f.DestinationType
	if dt == "" {
		dt = "cloud-watch-logs"
	}
	dest := f.Destination
	if dest == "" && dt == "cloud-watch-logs" && f.LogGroupName != "" {
		dest = c.ARN("logs", "log-group:"+f.LogGroupName)
	}
	group := f.LogGroupName
	if dt != "cloud-watch-logs" {
		group = ""
	}
	format := f.LogFormat
	if format == "" {
		format = defaultLogFormat
	}
	agg := f.MaxAggregation
	if agg == 0 {
		agg = 600
	}
	return flowLogXML{
		ID: f.ID, CreationTime: ts(f.Created), DeliverLogsPermissionArn: f.DeliverLogsRoleARN, DeliverLogsStatus: "SUCCESS",
		FlowLogStatus: "ACTIVE", LogGroupName: group, ResourceID: f.ResourceID, TrafficType: f.TrafficType,
		LogDestinationType: dt, LogDestination: dest, LogFormat: format, MaxAggregationInterval: agg, Tags: tagSet(f.Tags),
	}
}

func describeFlowLogs(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	items := e.FlowLogs
	if ids := c.EC2List("FlowLogId"); len(ids) > 0 {
		want := map[string]bool{}
		for _, id := range ids {
			want[id] = true
		}
		items = remove(append([]*world.FlowLog(nil), items...), func(f *world.FlowLog) bool { return !want[f.ID] })
	}
	fs := filterSet[*world.FlowLog]{
		"flow-log-id":          func(f *world.FlowLog) []string { return one(f.ID) },
		"resource-id":          func(f *world.FlowLog) []string { return one(f.ResourceID) },
		"traffic-type":         func(f *world.FlowLog) []string { return one(f.TrafficType) },
		"log-destination-type": func(f *world.FlowLog) []string { return one(flowLogOut(c, f).LogDestinationType) },
		"log-group-name":       func(f *world.FlowLog) []string { return one(f.LogGroupName) },
		"deliver-log-status":   func(f *world.FlowLog) []string { return one("SUCCESS") },
	}
	items, err := filter(c, items, fs, func(f *world.FlowLog) map[string]string { return f.Tags })
	if err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "", loose)
	if err != nil {
		return nil, err
	}
	out := make([]flowLogXML, 0, len(p))
	for _, f := range p {
		out = append(out, flowLogOut(c, f))
	}
	return struct {
		FlowLogs  []flowLogXML `xml:"flowLogSet>item"`
		NextToken string       `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

type ec2ErrXML struct {
	Code    string `xml:"code"`
	Message string `xml:"message"`
}

type unsuccessfulXML struct {
	Error      ec2ErrXML `xml:"error"`
	ResourceID string    `xml:"resourceId"`
}

// resourceExists reports whether a flow log may be attached to id.
func resourceExists(e *world.EC2, kind, id string) (bool, string) {
	switch kind {
	case "VPC":
		return findVPC(e, id) != nil, "InvalidVpcID.NotFound"
	case "Subnet":
		for _, s := range e.Subnets {
			if s.ID == id {
				return true, ""
			}
		}
		return false, "InvalidSubnetID.NotFound"
	case "NetworkInterface":
		for _, n := range allENIs(e) {
			if n.ID == id {
				return true, ""
			}
		}
		return false, "InvalidNetworkInterfaceID.NotFound"
	}
	return true, ""
}

func createFlowLogs(c *svc.Ctx) (any, error) {
	ids := c.EC2List("ResourceId")
	if len(ids) == 0 {
		return nil, missing("ResourceId")
	}
	kind := c.Form.Get("ResourceType")
	switch kind {
	case "":
		return nil, missing("ResourceType")
	case "VPC", "Subnet", "NetworkInterface", "TransitGateway", "TransitGatewayAttachment", "RegionalNatGateway":
	default:
		return nil, badValue("Value (%s) for parameter resourceType is invalid.", kind)
	}
	traffic := c.Form.Get("TrafficType")
	switch traffic {
	case "ACCEPT", "REJECT", "ALL":
	case "":
		if kind == "VPC" || kind == "Subnet" || kind == "NetworkInterface" {
			return nil, missing("TrafficType")
		}
	default:
		return nil, badValue("Value (%s) for parameter trafficType is invalid.", traffic)
	}
	dt := c.Form.Get("LogDestinationType")
	if dt == "" {
		dt = "cloud-watch-logs"
	}
	dest, group, role := c.Form.Get("LogDestination"), c.Form.Get("LogGroupName"), c.Form.Get("DeliverLogsPermissionArn")
	switch dt {
	case "cloud-watch-logs":
		if dest == "" && group == "" {
			return nil, missing("LogGroupName")
		}
		if dest != "" && group != "" {
			return nil, invalid("InvalidParameterCombination", "Please only provide LogGroupName or only provide LogDestination.")
		}
		if role == "" {
			return nil, missing("DeliverLogsPermissionArn")
		}
		if group == "" {
			// arn:aws:logs:region:account:log-group:NAME[:*]
			parts := strings.Split(dest, ":")
			if len(parts) < 7 || parts[2] != "logs" || parts[5] != "log-group" {
				return nil, badValue("LogDestination: %s is not a valid CloudWatch Logs log group ARN.", dest)
			}
			group = parts[6]
		}
	case "s3", "kinesis-data-firehose":
		if dest == "" {
			return nil, missing("LogDestination")
		}
		if dt == "s3" && !strings.HasPrefix(dest, "arn:aws:s3:::") {
			return nil, badValue("LogDestination: %s is not a valid S3 bucket ARN.", dest)
		}
		if role != "" && dt == "s3" {
			return nil, invalid("InvalidParameter", "DeliverLogsPermissionArn is not applicable for s3 delivery.")
		}
	default:
		return nil, badValue("Value (%s) for parameter logDestinationType is invalid.", dt)
	}
	agg := 600
	if s := c.Form.Get("MaxAggregationInterval"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || (n != 60 && n != 600) {
			return nil, badValue("Value (%s) for parameter maxAggregationInterval is invalid.", s)
		}
		agg = n
	}
	e := ec2State(c)
	var created []string
	var failed []unsuccessfulXML
	for _, id := range ids {
		if ok, code := resourceExists(e, kind, id); !ok {
			failed = append(failed, unsuccessfulXML{ec2ErrXML{code, "The " + strings.ToLower(kind) + " ID '" + id + "' does not exist"}, id})
			continue
		}
		dup := false
		for _, f := range e.FlowLogs {
			fo := flowLogOut(c, f)
			if f.ResourceID == id && f.TrafficType == traffic && fo.LogDestinationType == dt &&
				((dt == "cloud-watch-logs" && f.LogGroupName == group) || (dt != "cloud-watch-logs" && fo.LogDestination == dest)) {
				dup = true
			}
		}
		if dup {
			failed = append(failed, unsuccessfulXML{ec2ErrXML{"FlowLogAlreadyExists", "Error. There is an existing Flow Log with the same configuration and log destination."}, id})
			continue
		}
		f := &world.FlowLog{
			ID: c.World.HexID("fl-", 17), ResourceID: id, TrafficType: traffic, DestinationType: dt,
			LogGroupName: group, DeliverLogsRoleARN: role, LogFormat: c.Form.Get("LogFormat"), MaxAggregation: agg,
			Created: c.Now(), Tags: tagSpecs(c, "vpc-flow-log"),
		}
		if dt != "cloud-watch-logs" {
			f.Destination = dest
			f.LogGroupName = ""
		}
		e.FlowLogs = append(e.FlowLogs, f)
		created = append(created, f.ID)
	}
	return struct {
		ClientToken  string            `xml:"clientToken,omitempty"`
		FlowLogIDs   []string          `xml:"flowLogIdSet>item"`
		Unsuccessful []unsuccessfulXML `xml:"unsuccessful>item"`
	}{c.Form.Get("ClientToken"), created, failed}, nil
}

func deleteFlowLogs(c *svc.Ctx) (any, error) {
	ids := c.EC2List("FlowLogId")
	if len(ids) == 0 {
		return nil, missing("FlowLogId")
	}
	e := ec2State(c)
	var failed []unsuccessfulXML
	for _, id := range ids {
		n := len(e.FlowLogs)
		e.FlowLogs = remove(e.FlowLogs, func(f *world.FlowLog) bool { return f.ID == id })
		if len(e.FlowLogs) == n {
			failed = append(failed, unsuccessfulXML{ec2ErrXML{"InvalidFlowLogId.NotFound", "flow log ID '" + id + "' does not exist"}, id})
		}
	}
	return struct {
		Unsuccessful []unsuccessfulXML `xml:"unsuccessful>item"`
	}{failed}, nil
}
