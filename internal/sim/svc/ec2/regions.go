package ec2

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
)

type regionXML struct {
	RegionName     string `xml:"regionName"`
	RegionEndpoint string `xml:"regionEndpoint"`
	OptInStatus    string `xml:"optInStatus"`
}

func optInStatus(status string) string {
	switch status {
	case "ENABLED_BY_DEFAULT":
		return "opt-in-not-required"
	case "ENABLED":
		return "opted-in"
	}
	return "not-opted-in"
}

var regionFilters = filterSet[regionXML]{
	"endpoint":      func(r regionXML) []string { return one(r.RegionEndpoint) },
	"region-name":   func(r regionXML) []string { return one(r.RegionName) },
	"opt-in-status": func(r regionXML) []string { return one(r.OptInStatus) },
}

// describeRegions lists the partition's regions; without AllRegions only
// those the account may use. DescribeRegions does not paginate.
func describeRegions(c *svc.Ctx) (any, error) {
	all, err := boolParam(c, "AllRegions", false)
	if err != nil {
		return nil, err
	}
	named := c.EC2List("RegionName")
	known := map[string]bool{}
	var items []regionXML
	for _, r := range c.World.Regions {
		known[r.Name] = true
		st := c.Account.RegionStatus[r.Name]
		if st == "" {
			st = "DISABLED"
			if !r.OptIn {
				st = "ENABLED_BY_DEFAULT"
			}
		}
		if !all && st == "DISABLED" {
			continue
		}
		items = append(items, regionXML{r.Name, "ec2." + r.Name + ".amazonaws.com", optInStatus(st)})
	}
	if len(named) > 0 {
		want := map[string]bool{}
		for _, n := range named {
			if !known[n] {
				return nil, badValue("Invalid region: %s", n)
			}
			want[n] = true
		}
		var keep []regionXML
		for _, it := range items {
			if want[it.RegionName] {
				keep = append(keep, it)
			}
		}
		items = keep
	}
	items, err = filter(c, items, regionFilters, nil)
	if err != nil {
		return nil, err
	}
	return struct {
		Regions []regionXML `xml:"regionInfo>item"`
	}{items}, nil
}

type azXML struct {
	ZoneName           string   `xml:"zoneName"`
	State              string   `xml:"zoneState"`
	RegionName         string   `xml:"regionName"`
	ZoneID             string   `xml:"zoneId"`
	ZoneType           string   `xml:"zoneType"`
	OptInStatus        string   `xml:"optInStatus"`
	GroupName          string   `xml:"groupName"`
	NetworkBorderGroup string   `xml:"networkBorderGroup"`
	Messages           []string `xml:"messageSet>item"`
}

var azFilters = filterSet[azXML]{
	"zone-name":            func(z azXML) []string { return one(z.ZoneName) },
	"zone-id":              func(z azXML) []string { return one(z.ZoneID) },
	"state":                func(z azXML) []string { return one(z.State) },
	"region-name":          func(z azXML) []string { return one(z.RegionName) },
	"zone-type":            func(z azXML) []string { return one(z.ZoneType) },
	"opt-in-status":        func(z azXML) []string { return one(z.OptInStatus) },
	"group-name":           func(z azXML) []string { return one(z.GroupName) },
	"network-border-group": func(z azXML) []string { return one(z.NetworkBorderGroup) },
}

// regionCode abbreviates a region the way zone IDs do: us-east-1 → use1,
// ap-southeast-2 → apse2, eu-central-1 → euc1.
func regionCode(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return region
	}
	dir := parts[1]
	var d string
	for _, w := range []string{"north", "south", "east", "west", "central"} {
		if strings.HasPrefix(dir, w) {
			d = w[:1]
			dir = dir[len(w):]
			break
		}
	}
	if dir != "" {
		d += dir[:1]
	}
	return parts[0] + d + parts[2]
}

// zones returns the availability zones of region.
func zones(region string) []azXML {
	letters := "abc"
	if region == "us-east-1" {
		letters = "abcdef"
	}
	var out []azXML
	for i, l := range letters {
		out = append(out, azXML{
			ZoneName: region + string(l), State: "available", RegionName: region,
			ZoneID: regionCode(region) + "-az" + string(rune('1'+i)), ZoneType: "availability-zone",
			OptInStatus: "opt-in-not-required", GroupName: region, NetworkBorderGroup: region,
		})
	}
	return out
}

func zoneID(region, zone string) string {
	for _, z := range zones(region) {
		if z.ZoneName == zone {
			return z.ZoneID
		}
	}
	return ""
}

func describeAvailabilityZones(c *svc.Ctx) (any, error) {
	items := zones(c.Region)
	for _, p := range []struct{ param, what string }{{"ZoneName", "name"}, {"ZoneId", "id"}} {
		names := c.EC2List(p.param)
		if len(names) == 0 {
			continue
		}
		want := map[string]bool{}
		for _, n := range names {
			want[n] = true
		}
		var keep []azXML
		for _, z := range items {
			k := z.ZoneName
			if p.what == "id" {
				k = z.ZoneID
			}
			if want[k] {
				keep = append(keep, z)
				delete(want, k)
			}
		}
		for _, n := range names {
			if want[n] {
				return nil, badValue("The zone %s '%s' does not exist in region %s", p.what, n, c.Region)
			}
		}
		items = keep
	}
	items, err := filter(c, items, azFilters, nil)
	if err != nil {
		return nil, err
	}
	return struct {
		Zones []azXML `xml:"availabilityZoneInfo>item"`
	}{items}, nil
}
