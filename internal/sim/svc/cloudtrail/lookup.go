package cloudtrail

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// LookupEvents: the event history of the caller's account in the
// request's region, as AWS keeps it.
//
//   - Management events only (data events never), of the last 90 days:
//     an older event is not returned whatever StartTime says. Global
//     services' events (IAM, Organizations, console sign-in) are in
//     us-east-1's history.
//   - Newest first; at most MaxResults (1 to 50, default 50) a page.
//   - At most one lookup attribute: EventId, EventName, ReadOnly
//     ("true"/"false"), Username, ResourceType, ResourceName, EventSource
//     or AccessKeyId; equality.
//   - NextToken is a position in that order (event time, then record
//     sequence) bound to the request's parameters: records stored while
//     a client pages are newer than where it is, so it sees no record
//     twice and misses none that existed when it started. A token used
//     with other parameters is InvalidNextTokenException.
//   - EventCategory "insight" returns Insights events: the simulator has
//     none.
//
// The history is the records the world keeps (world.DefaultTrailCapacity
// per account and region, world.DefaultTrailRecords in all): in a
// simulator that served more calls than that, the oldest are gone sooner
// than 90 days.

const historyWindow = 90 * 24 * time.Hour

var lookupKeys = map[string]bool{"EventId": true, "EventName": true, "ReadOnly": true, "Username": true,
	"ResourceType": true, "ResourceName": true, "EventSource": true, "AccessKeyId": true}

type lookupAttribute struct {
	AttributeKey   string
	AttributeValue string
}

type lookupIn struct {
	LookupAttributes []lookupAttribute
	StartTime        *json.Number
	EndTime          *json.Number
	EventCategory    string
	MaxResults       *int
	NextToken        string
}

type eventResource struct {
	ResourceType string `json:",omitempty"`
	ResourceName string `json:",omitempty"`
}

type eventOut struct {
	EventId         string
	EventName       string
	ReadOnly        string
	AccessKeyId     string `json:",omitempty"`
	EventTime       *epoch
	EventSource     string
	Username        string          `json:",omitempty"`
	Resources       []eventResource `json:",omitempty"`
	CloudTrailEvent string
}

func parseEpoch(n *json.Number, field string) (time.Time, bool, error) {
	if n == nil {
		return time.Time{}, false, nil
	}
	f, err := n.Float64()
	if err != nil {
		return time.Time{}, false, errf("InvalidTimeRangeException", "%s %q is not a valid timestamp.", field, n.String())
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), true, nil
}

func lookupEvents(c *svc.Ctx) (any, error) {
	var in lookupIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.LookupAttributes) > 1 {
		return nil, errf("InvalidLookupAttributesException", "You can specify only one lookup attribute; %d were given.", len(in.LookupAttributes))
	}
	var attr *lookupAttribute
	if len(in.LookupAttributes) == 1 {
		attr = &in.LookupAttributes[0]
		if !lookupKeys[attr.AttributeKey] {
			return nil, errf("InvalidLookupAttributesException", "Lookup attribute key %q is not valid. Valid keys: EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId.", attr.AttributeKey)
		}
		if attr.AttributeValue == "" {
			return nil, errf("InvalidLookupAttributesException", "Lookup attribute value must not be empty.")
		}
		if attr.AttributeKey == "ReadOnly" && attr.AttributeValue != "true" && attr.AttributeValue != "false" {
			return nil, errf("InvalidLookupAttributesException", "ReadOnly attribute value must be true or false, not %q.", attr.AttributeValue)
		}
	}
	max := 50
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 50 {
			return nil, errf("InvalidMaxResultsException", "A max results value of %d is invalid. Specify max results between 1 and 50.", *in.MaxResults)
		}
		max = *in.MaxResults
	}
	switch in.EventCategory {
	case "", "insight":
	default:
		return nil, errf("InvalidEventCategoryException", "Event category %q is not valid. The only valid value is insight.", in.EventCategory)
	}
	now := c.Now()
	start, hasStart, err := parseEpoch(in.StartTime, "StartTime")
	if err != nil {
		return nil, err
	}
	end, hasEnd, err := parseEpoch(in.EndTime, "EndTime")
	if err != nil {
		return nil, err
	}
	if !hasEnd {
		end = now
	}
	if hasStart && start.After(end) {
		return nil, errf("InvalidTimeRangeException", "Start time %s is after end time %s.", start.Format(time.RFC3339), end.Format(time.RFC3339))
	}
	if oldest := now.Add(-historyWindow); !hasStart || start.Before(oldest) {
		start = oldest
	}
	bind := tokenBinding(in, c.Account.ID, c.Region)
	var after *position
	if in.NextToken != "" {
		p, ok := parseToken(in.NextToken, bind)
		if !ok {
			return nil, errf("InvalidNextTokenException", "Invalid NextToken %s, or one used with other parameters than the call that returned it.", in.NextToken)
		}
		after = &p
	}
	out := struct {
		Events    []eventOut
		NextToken string `json:",omitempty"`
	}{Events: []eventOut{}}
	if in.EventCategory == "insight" {
		return out, nil
	}
	var hits []*world.TrailRecord
	for _, r := range c.World.TrailRecords(c.Account.ID, c.Region) {
		if r.Data || r.EventTime.Before(start) || r.EventTime.After(end) {
			continue
		}
		if attr != nil && !attributeMatches(r, attr) {
			continue
		}
		hits = append(hits, r)
	}
	sort.Slice(hits, func(i, j int) bool { return newer(hits[i], hits[j]) })
	i := 0
	if after != nil {
		i = sort.Search(len(hits), func(k int) bool { return after.before(hits[k]) })
	}
	for ; i < len(hits) && len(out.Events) < max; i++ {
		out.Events = append(out.Events, eventView(hits[i]))
	}
	if i < len(hits) {
		last := hits[i-1]
		out.NextToken = formatToken(position{last.EventTime.Unix(), last.Seq}, bind)
	}
	return out, nil
}

// newer orders records newest first: by event time, then as stored.
func newer(a, b *world.TrailRecord) bool {
	if !a.EventTime.Equal(b.EventTime) {
		return a.EventTime.After(b.EventTime)
	}
	return a.Seq > b.Seq
}

// position is where a page ended: the last record's time and sequence.
type position struct {
	sec int64
	seq uint64
}

// before reports whether r comes after p in newest-first order.
func (p position) before(r *world.TrailRecord) bool {
	if t := r.EventTime.Unix(); t != p.sec {
		return t < p.sec
	}
	return r.Seq < p.seq
}

func attributeMatches(r *world.TrailRecord, a *lookupAttribute) bool {
	v := a.AttributeValue
	switch a.AttributeKey {
	case "EventId":
		return r.EventID == v
	case "EventName":
		return r.EventName == v
	case "ReadOnly":
		return strconv.FormatBool(r.ReadOnly) == v
	case "Username":
		return r.Identity.Username() == v
	case "EventSource":
		return r.EventSource == v
	case "AccessKeyId":
		return r.Identity.AccessKeyID == v
	case "ResourceType", "ResourceName":
		for _, res := range r.Detail().Resources {
			if (a.AttributeKey == "ResourceType" && res.Type == v) || (a.AttributeKey == "ResourceName" && res.Name == v) {
				return true
			}
		}
	}
	return false
}

func eventView(r *world.TrailRecord) eventOut {
	e := eventOut{
		EventId: r.EventID, EventName: r.EventName, ReadOnly: strconv.FormatBool(r.ReadOnly),
		AccessKeyId: r.Identity.AccessKeyID, EventTime: ep(r.EventTime), EventSource: r.EventSource,
		Username: r.Identity.Username(), CloudTrailEvent: string(r.JSON()),
	}
	for _, res := range r.Detail().Resources {
		e.Resources = append(e.Resources, eventResource{res.Type, res.Name})
	}
	return e
}

// tokenBinding is a hash of what a token is only valid with: the
// caller, the region and the request's parameters but the token.
func tokenBinding(in lookupIn, account, region string) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%s|%s|", account, region, in.EventCategory)
	for _, a := range in.LookupAttributes {
		fmt.Fprintf(h, "%s=%s|", a.AttributeKey, a.AttributeValue)
	}
	for _, n := range []*json.Number{in.StartTime, in.EndTime} {
		if n != nil {
			h.Write([]byte(n.String()))
		}
		h.Write([]byte{'|'})
	}
	if in.MaxResults != nil {
		fmt.Fprintf(h, "%d", *in.MaxResults)
	}
	return h.Sum64()
}

const lookupTokenPrefix = "sim-lookup-"

func formatToken(p position, bind uint64) string {
	raw := fmt.Sprintf("%d.%d.%x", p.sec, p.seq, bind)
	return lookupTokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func parseToken(t string, bind uint64) (position, bool) {
	rest, ok := strings.CutPrefix(t, lookupTokenPrefix)
	if !ok {
		return position{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return position{}, false
	}
	f := strings.Split(string(raw), ".")
	if len(f) != 3 {
		return position{}, false
	}
	sec, err1 := strconv.ParseInt(f[0], 10, 64)
	seq, err2 := strconv.ParseUint(f[1], 10, 64)
	b, err3 := strconv.ParseUint(f[2], 16, 64)
	if err1 != nil || err2 != nil || err3 != nil || b != bind {
		return position{}, false
	}
	return position{sec, seq}, true
}
