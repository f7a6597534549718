package ec2

import (
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// taggable is one resource that carries tags.
type taggable struct {
	id, kind string
	tags     *map[string]string
}

// taggables lists every taggable resource of the region in a stable order.
func taggables(e *world.EC2) []taggable {
	var out []taggable
	add := func(id, kind string, m *map[string]string) { out = append(out, taggable{id, kind, m}) }
	for _, x := range e.Instances {
		add(x.ID, "instance", &x.Tags)
	}
	for _, x := range e.VPCs {
		add(x.ID, "vpc", &x.Tags)
	}
	for _, x := range e.Subnets {
		add(x.ID, "subnet", &x.Tags)
	}
	for _, x := range e.SecurityGroups {
		add(x.ID, "security-group", &x.Tags)
	}
	ensureRuleIDs(nil, e)
	for _, g := range e.SecurityGroups {
		for _, r := range g.Rules {
			add(r.ID, "security-group-rule", &r.Tags)
		}
	}
	for _, x := range e.RouteTables {
		add(x.ID, "route-table", &x.Tags)
	}
	for _, x := range e.InternetGateways {
		add(x.ID, "internet-gateway", &x.Tags)
	}
	for _, x := range e.NetworkACLs {
		add(x.ID, "network-acl", &x.Tags)
	}
	for _, x := range e.FlowLogs {
		add(x.ID, "vpc-flow-log", &x.Tags)
	}
	for _, x := range e.VPCEndpoints {
		add(x.ID, "vpc-endpoint", &x.Tags)
	}
	for _, x := range e.PeeringConnections {
		add(x.ID, "vpc-peering-connection", &x.Tags)
	}
	for _, x := range e.NetworkInterfaces {
		add(x.ID, "network-interface", &x.Tags)
	}
	for _, x := range e.Volumes {
		add(x.ID, "volume", &x.Tags)
	}
	for _, x := range e.Snapshots {
		add(x.ID, "snapshot", &x.Tags)
	}
	for _, x := range e.Images {
		add(x.ID, "image", &x.Tags)
	}
	for _, x := range e.Addresses {
		add(x.AllocationID, "elastic-ip", &x.Tags)
	}
	return out
}

var notFoundCodes = map[string]string{
	"i":        "InvalidInstanceID.NotFound",
	"vpc":      "InvalidVpcID.NotFound",
	"subnet":   "InvalidSubnetID.NotFound",
	"sg":       "InvalidGroup.NotFound",
	"sgr":      "InvalidSecurityGroupRuleId.NotFound",
	"rtb":      "InvalidRouteTableID.NotFound",
	"igw":      "InvalidInternetGatewayID.NotFound",
	"acl":      "InvalidNetworkAclID.NotFound",
	"fl":       "InvalidFlowLogId.NotFound",
	"vpce":     "InvalidVpcEndpointId.NotFound",
	"pcx":      "InvalidVpcPeeringConnectionID.NotFound",
	"eni":      "InvalidNetworkInterfaceID.NotFound",
	"vol":      "InvalidVolume.NotFound",
	"snap":     "InvalidSnapshot.NotFound",
	"ami":      "InvalidAMIID.NotFound",
	"eipalloc": "InvalidAllocationID.NotFound",
}

// resolveResources finds every ResourceId.N of the request.
func resolveResources(c *svc.Ctx, e *world.EC2) ([]taggable, error) {
	ids := c.EC2List("ResourceId")
	if len(ids) == 0 {
		return nil, missing("ResourceId")
	}
	all := map[string]taggable{}
	for _, t := range taggables(e) {
		all[t.id] = t
	}
	var out []taggable
	for _, id := range ids {
		t, ok := all[id]
		if !ok {
			i := strings.IndexByte(id, '-')
			if i < 0 || notFoundCodes[id[:i]] == "" {
				return nil, invalid("InvalidID", "The ID '%s' is not valid", id)
			}
			return nil, invalid(notFoundCodes[id[:i]], "The ID '%s' does not exist", id)
		}
		out = append(out, t)
	}
	return out, nil
}

type tagParam struct {
	key, value string
	hasValue   bool
}

func tagParams(c *svc.Ctx) []tagParam {
	var out []tagParam
	for i := 1; ; i++ {
		p := "Tag." + strconv.Itoa(i) + "."
		k, ok := c.Form[p+"Key"]
		if !ok {
			return out
		}
		v, has := c.Form[p+"Value"]
		tp := tagParam{key: k[0], hasValue: has}
		if has {
			tp.value = v[0]
		}
		out = append(out, tp)
	}
}

func createTags(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	res, err := resolveResources(c, e)
	if err != nil {
		return nil, err
	}
	tags := tagParams(c)
	if len(tags) == 0 {
		return nil, missing("Tag")
	}
	for _, t := range tags {
		if t.key == "" || len(t.key) > 128 || len(t.value) > 256 {
			return nil, badValue("Tag key or value is invalid: %q", t.key)
		}
		if strings.HasPrefix(strings.ToLower(t.key), "aws:") {
			return nil, badValue("Tag keys starting with 'aws:' are reserved for internal use")
		}
	}
	for _, r := range res {
		n := len(*r.tags)
		for _, t := range tags {
			if _, ok := (*r.tags)[t.key]; !ok {
				n++
			}
		}
		if n > 50 {
			return nil, invalid("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.")
		}
	}
	for _, r := range res {
		if *r.tags == nil {
			*r.tags = map[string]string{}
		}
		for _, t := range tags {
			(*r.tags)[t.key] = t.value
		}
	}
	return returnResult{true}, nil
}

func deleteTags(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	res, err := resolveResources(c, e)
	if err != nil {
		return nil, err
	}
	tags := tagParams(c)
	for _, r := range res {
		if len(tags) == 0 {
			*r.tags = nil
			continue
		}
		for _, t := range tags {
			if v, ok := (*r.tags)[t.key]; ok && (!t.hasValue || v == t.value) {
				delete(*r.tags, t.key)
			}
		}
	}
	return returnResult{true}, nil
}

type tagDescXML struct {
	ResourceID   string `xml:"resourceId"`
	ResourceType string `xml:"resourceType"`
	Key          string `xml:"key"`
	Value        string `xml:"value"`
}

func describeTags(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	var items []tagDescXML
	for _, t := range taggables(e) {
		for _, kv := range tagSet(*t.tags) {
			items = append(items, tagDescXML{t.id, t.kind, kv.Key, kv.Value})
		}
	}
	fs := filterSet[tagDescXML]{
		"resource-id":   func(t tagDescXML) []string { return one(t.ResourceID) },
		"resource-type": func(t tagDescXML) []string { return one(t.ResourceType) },
		"key":           func(t tagDescXML) []string { return one(t.Key) },
		"value":         func(t tagDescXML) []string { return []string{t.Value} },
	}
	tagsOf := func(t tagDescXML) map[string]string { return map[string]string{t.Key: t.Value} }
	items, err := filter(c, items, fs, tagsOf)
	if err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "", std5)
	if err != nil {
		return nil, err
	}
	return struct {
		Tags      []tagDescXML `xml:"tagSet>item"`
		NextToken string       `xml:"nextToken,omitempty"`
	}{p, next}, nil
}
