// Package sns simulates Amazon SNS (awsQuery): topics, their attributes and
// subscriptions.
package sns

import (
	"sort"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon SNS (awsQuery) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:      "sns",
		Protocol:  wire.Query,
		Namespace: "http://sns.amazonaws.com/doc/2010-03-31/",
		Ops: map[string]svc.Handler{
			"ListTopics":               listTopics,
			"CreateTopic":              createTopic,
			"DeleteTopic":              deleteTopic,
			"GetTopicAttributes":       getTopicAttributes,
			"SetTopicAttributes":       setTopicAttributes,
			"Subscribe":                subscribe,
			"ListSubscriptions":        listSubscriptions,
			"ListSubscriptionsByTopic": listSubscriptionsByTopic,
			"Unsubscribe":              unsubscribe,
			"Publish":                  publish,
			"PublishBatch":             publishBatch,
		},
	}
}

func invalid(format string, args ...any) error {
	return wire.Errorf(400, "InvalidParameter", format, args...)
}

func notFound(format string, args ...any) error { return wire.Errorf(404, "NotFound", format, args...) }

func topicARN(c *svc.Ctx, name string) string { return c.ARN("sns", name) }

func sortedTopics(c *svc.Ctx) []*world.SNSTopic {
	ts := append([]*world.SNSTopic(nil), c.Regional().SNS.Topics...)
	sort.Slice(ts, func(i, j int) bool { return ts[i].Name < ts[j].Name })
	return ts
}

// findTopic resolves a topic ARN of the caller's account and region.
func findTopic(c *svc.Ctx, arn string) (*world.SNSTopic, error) {
	if arn == "" {
		return nil, invalid("Invalid parameter: TopicArn")
	}
	f := strings.Split(arn, ":")
	if len(f) != 6 || f[0] != "arn" || f[2] != "sns" {
		return nil, invalid("Invalid parameter: TopicArn")
	}
	if f[3] == c.Region && f[4] == c.Account.ID {
		for _, t := range c.Regional().SNS.Topics {
			if t.Name == f[5] {
				return t, nil
			}
		}
	}
	return nil, notFound("Topic does not exist")
}

func page(c *svc.Ctx, n int) (start int, err error) {
	tok := c.Form.Get("NextToken")
	if tok == "" {
		return 0, nil
	}
	i, err := strconv.Atoi(strings.TrimPrefix(tok, "sim-"))
	if err != nil || !strings.HasPrefix(tok, "sim-") || i < 0 || i > n {
		return 0, invalid("Invalid parameter: NextToken")
	}
	return i, nil
}

func nextToken(end, n int) string {
	if end >= n {
		return ""
	}
	return "sim-" + strconv.Itoa(end)
}

type topicMember struct {
	TopicArn string
}

func listTopics(c *svc.Ctx) (any, error) {
	ts := sortedTopics(c)
	start, err := page(c, len(ts))
	if err != nil {
		return nil, err
	}
	end := min(start+100, len(ts))
	out := struct {
		Topics    []topicMember `xml:"Topics>member"`
		NextToken string        `xml:",omitempty"`
	}{NextToken: nextToken(end, len(ts))}
	for _, t := range ts[start:end] {
		out.Topics = append(out.Topics, topicMember{topicARN(c, t.Name)})
	}
	return out, nil
}

// attrs reads Attributes.entry.N.key/value.
func attrs(c *svc.Ctx) map[string]string {
	m := map[string]string{}
	for i := 1; ; i++ {
		p := "Attributes.entry." + strconv.Itoa(i) + "."
		k, ok := c.Form[p+"key"]
		if !ok {
			return m
		}
		m[k[0]] = c.Form.Get(p + "value")
	}
}

var settable = map[string]bool{
	"Policy": true, "DisplayName": true, "DeliveryPolicy": true, "KmsMasterKeyId": true, "TracingConfig": true,
	"SignatureVersion": true, "ContentBasedDeduplication": true, "FifoThroughputScope": true, "ArchivePolicy": true,
	"DataProtectionPolicy": true,
}

func validTopicName(name string, fifo bool) error {
	base := name
	if fifo {
		base = strings.TrimSuffix(name, ".fifo")
		if base == name {
			return invalid("Invalid parameter: Topic Name")
		}
	}
	if base == "" || len(name) > 256 {
		return invalid("Invalid parameter: Topic Name")
	}
	for _, r := range base {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return invalid("Invalid parameter: Topic Name")
		}
	}
	return nil
}

func createTopic(c *svc.Ctx) (any, error) {
	name := c.Form.Get("Name")
	a := attrs(c)
	fifo := a["FifoTopic"] == "true"
	if err := validTopicName(name, fifo); err != nil {
		return nil, err
	}
	delete(a, "FifoTopic")
	for k := range a {
		if !settable[k] {
			return nil, invalid("Invalid parameter: Attributes Reason: Unknown attribute %s", k)
		}
	}
	r := c.Regional()
	for _, t := range r.SNS.Topics {
		if t.Name == name {
			// Idempotent: the same name returns the existing topic, unless
			// the attributes given differ from the topic's.
			for k, v := range a {
				if cur, ok := t.Attributes[k]; ok && cur != v {
					return nil, invalid("Invalid parameter: Attributes Reason: Topic already exists with different attributes")
				}
			}
			return struct{ TopicArn string }{topicARN(c, name)}, nil
		}
	}
	t := &world.SNSTopic{Name: name, Attributes: a}
	for i := 1; ; i++ {
		p := "Tags.member." + strconv.Itoa(i) + "."
		k, ok := c.Form[p+"Key"]
		if !ok {
			break
		}
		if t.Tags == nil {
			t.Tags = map[string]string{}
		}
		t.Tags[k[0]] = c.Form.Get(p + "Value")
	}
	if fifo {
		t.Attributes["FifoTopic"] = "true"
	}
	r.SNS.Topics = append(r.SNS.Topics, t)
	return struct{ TopicArn string }{topicARN(c, name)}, nil
}

func deleteTopic(c *svc.Ctx) (any, error) {
	t, err := findTopic(c, c.Form.Get("TopicArn"))
	if err != nil {
		if e, ok := err.(*wire.Error); ok && e.Code == "NotFound" {
			return nil, nil // deleting a topic that does not exist is not an error
		}
		return nil, err
	}
	r := c.Regional()
	for i, x := range r.SNS.Topics {
		if x == t {
			r.SNS.Topics = append(r.SNS.Topics[:i], r.SNS.Topics[i+1:]...)
			break
		}
	}
	return nil, nil
}

// DefaultPolicy is the access policy SNS gives a new topic.
func DefaultPolicy(account, arn string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},` +
		`"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe",` +
		`"SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"` + arn + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + account + `"}}}]}`
}

const defaultDeliveryPolicy = `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`

type entry struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

func getTopicAttributes(c *svc.Ctx) (any, error) {
	t, err := findTopic(c, c.Form.Get("TopicArn"))
	if err != nil {
		return nil, err
	}
	arn := topicARN(c, t.Name)
	m := map[string]string{
		"TopicArn": arn, "Owner": c.Account.ID, "Policy": DefaultPolicy(c.Account.ID, arn), "DisplayName": "",
		"EffectiveDeliveryPolicy": defaultDeliveryPolicy, "SubscriptionsDeleted": "0",
	}
	for k, v := range t.Attributes {
		m[k] = v
	}
	if m["DeliveryPolicy"] != "" {
		m["EffectiveDeliveryPolicy"] = m["DeliveryPolicy"]
	}
	conf, pend := 0, 0
	for _, s := range t.Subscriptions {
		if s.Confirmed {
			conf++
		} else {
			pend++
		}
	}
	m["SubscriptionsConfirmed"] = strconv.Itoa(conf)
	m["SubscriptionsPending"] = strconv.Itoa(pend)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := struct {
		Attributes []entry `xml:"Attributes>entry"`
	}{}
	for _, k := range keys {
		out.Attributes = append(out.Attributes, entry{k, m[k]})
	}
	return out, nil
}

func setTopicAttributes(c *svc.Ctx) (any, error) {
	name := c.Form.Get("AttributeName")
	if !settable[name] {
		return nil, invalid("Invalid parameter: AttributeName")
	}
	t, err := findTopic(c, c.Form.Get("TopicArn"))
	if err != nil {
		return nil, err
	}
	v := c.Form.Get("AttributeValue")
	if name == "Policy" && v != "" && !strings.HasPrefix(strings.TrimSpace(v), "{") {
		return nil, invalid("Invalid parameter: Policy Error: null")
	}
	if t.Attributes == nil {
		t.Attributes = map[string]string{}
	}
	if v == "" && name != "DisplayName" {
		delete(t.Attributes, name)
	} else {
		t.Attributes[name] = v
	}
	return nil, nil
}

var protocols = map[string]bool{"http": true, "https": true, "email": true, "email-json": true, "sms": true, "sqs": true,
	"application": true, "lambda": true, "firehose": true}

// needsConfirmation: these protocols wait for the endpoint to confirm.
func needsConfirmation(p string) bool {
	return p == "email" || p == "email-json" || p == "http" || p == "https"
}

func subscribe(c *svc.Ctx) (any, error) {
	proto, ep := c.Form.Get("Protocol"), c.Form.Get("Endpoint")
	if !protocols[proto] {
		return nil, invalid("Invalid parameter: Amazon SNS does not support this protocol string: %s", proto)
	}
	switch {
	case ep == "":
		return nil, invalid("Invalid parameter: Endpoint")
	case strings.HasPrefix(proto, "email") && !strings.Contains(ep, "@"):
		return nil, invalid("Invalid parameter: Email address")
	case strings.HasPrefix(proto, "http") && !strings.HasPrefix(ep, proto+"://"):
		return nil, invalid("Invalid parameter: Endpoint must match the specified protocol")
	case (proto == "sqs" || proto == "lambda" || proto == "firehose") && !strings.HasPrefix(ep, "arn:"):
		return nil, invalid("Invalid parameter: %s endpoint ARN", proto)
	}
	t, err := findTopic(c, c.Form.Get("TopicArn"))
	if err != nil {
		return nil, err
	}
	arn := topicARN(c, t.Name)
	ret := c.Form.Get("ReturnSubscriptionArn") == "true"
	for _, s := range t.Subscriptions {
		if s.Protocol == proto && s.Endpoint == ep {
			if !s.Confirmed && !ret {
				return struct{ SubscriptionArn string }{"pending confirmation"}, nil
			}
			return struct{ SubscriptionArn string }{arn + ":" + s.ID}, nil
		}
	}
	id := c.World.HexID("", 8) + "-" + c.World.HexID("", 4) + "-" + c.World.HexID("", 4) + "-" + c.World.HexID("", 4) + "-" + c.World.HexID("", 12)
	s := &world.SNSSubscription{ID: id, Protocol: proto, Endpoint: ep, Confirmed: !needsConfirmation(proto)}
	t.Subscriptions = append(t.Subscriptions, s)
	if !s.Confirmed && !ret {
		return struct{ SubscriptionArn string }{"pending confirmation"}, nil
	}
	return struct{ SubscriptionArn string }{arn + ":" + id}, nil
}

type subMember struct {
	SubscriptionArn string
	Owner           string
	Protocol        string
	Endpoint        string
	TopicArn        string
}

func subs(c *svc.Ctx, only *world.SNSTopic) []subMember {
	var out []subMember
	for _, t := range sortedTopics(c) {
		if only != nil && t != only {
			continue
		}
		arn := topicARN(c, t.Name)
		for _, s := range t.Subscriptions {
			sa := arn + ":" + s.ID
			if !s.Confirmed {
				sa = "PendingConfirmation"
			}
			out = append(out, subMember{sa, c.Account.ID, s.Protocol, s.Endpoint, arn})
		}
	}
	return out
}

func subPage(c *svc.Ctx, all []subMember) (any, error) {
	start, err := page(c, len(all))
	if err != nil {
		return nil, err
	}
	end := min(start+100, len(all))
	return struct {
		Subscriptions []subMember `xml:"Subscriptions>member"`
		NextToken     string      `xml:",omitempty"`
	}{all[start:end], nextToken(end, len(all))}, nil
}

func listSubscriptions(c *svc.Ctx) (any, error) { return subPage(c, subs(c, nil)) }

func listSubscriptionsByTopic(c *svc.Ctx) (any, error) {
	t, err := findTopic(c, c.Form.Get("TopicArn"))
	if err != nil {
		return nil, err
	}
	return subPage(c, subs(c, t))
}

func unsubscribe(c *svc.Ctx) (any, error) {
	arn := c.Form.Get("SubscriptionArn")
	i := strings.LastIndexByte(arn, ':')
	if i < 0 || strings.Count(arn, ":") != 6 {
		return nil, invalid("Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1")
	}
	t, err := findTopic(c, arn[:i])
	if err != nil {
		return nil, notFound("Subscription does not exist")
	}
	for j, s := range t.Subscriptions {
		if s.ID == arn[i+1:] {
			t.Subscriptions = append(t.Subscriptions[:j], t.Subscriptions[j+1:]...)
			return nil, nil
		}
	}
	return nil, notFound("Subscription does not exist")
}
