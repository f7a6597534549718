package eventbridge_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ebsdk "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const (
	region = "eu-west-1"
	orgID  = "o-simbus0001"
)

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func must[T any](t *testing.T, what string) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

// newWorld is simtest's world in an organization: the management account
// and one member.
func newWorld() *world.World {
	w := simtest.NewWorld()
	w.Org = &world.Organization{ID: orgID, ManagementAccount: simtest.Management, FeatureSet: "ALL", RootID: "r-sim1",
		Members: map[string]*world.Member{simtest.Member: {Account: simtest.Member, Parent: "r-sim1", Status: "ACTIVE"}}}
	return w
}

type fixture struct {
	sim   *simtest.Sim
	world *world.World
}

func start(t *testing.T) *fixture {
	t.Helper()
	w := newWorld()
	return &fixture{sim: simtest.Start(t, w), world: w}
}

func (f *fixture) events(t *testing.T, account string) *ebsdk.Client {
	return ebsdk.NewFromConfig(f.sim.Config(t, account, region))
}

func (f *fixture) sqs(t *testing.T, account string) *sqssdk.Client {
	return sqssdk.NewFromConfig(f.sim.Config(t, account, region))
}

// queue creates a queue in account whose policy lets EventBridge send,
// and returns its URL and ARN.
func (f *fixture) queue(t *testing.T, account, name string) (string, string) {
	t.Helper()
	arn := "arn:aws:sqs:" + region + ":" + account + ":" + name
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"events","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"` + arn + `"}]}`
	out := must[*sqssdk.CreateQueueOutput](t, "CreateQueue")(f.sqs(t, account).CreateQueue(context.Background(), &sqssdk.CreateQueueInput{
		QueueName: aws.String(name), Attributes: map[string]string{"Policy": policy}}))
	return aws.ToString(out.QueueUrl), arn
}

// drain receives every message of a queue.
func (f *fixture) drain(t *testing.T, account, url string) []string {
	t.Helper()
	var bodies []string
	for {
		out := must[*sqssdk.ReceiveMessageOutput](t, "ReceiveMessage")(f.sqs(t, account).ReceiveMessage(context.Background(), &sqssdk.ReceiveMessageInput{
			QueueUrl: aws.String(url), MaxNumberOfMessages: 10, VisibilityTimeout: 60}))
		if len(out.Messages) == 0 {
			return bodies
		}
		for _, m := range out.Messages {
			bodies = append(bodies, aws.ToString(m.Body))
		}
	}
}

func (f *fixture) rule(t *testing.T, account, bus, name, pattern string, targets ...types.Target) string {
	t.Helper()
	c := f.events(t, account)
	out := must[*ebsdk.PutRuleOutput](t, "PutRule "+name)(c.PutRule(context.Background(), &ebsdk.PutRuleInput{Name: aws.String(name), EventBusName: aws.String(bus), EventPattern: aws.String(pattern)}))
	if len(targets) > 0 {
		pt := must[*ebsdk.PutTargetsOutput](t, "PutTargets")(c.PutTargets(context.Background(), &ebsdk.PutTargetsInput{Rule: aws.String(name), EventBusName: aws.String(bus), Targets: targets}))
		if pt.FailedEntryCount != 0 {
			t.Fatalf("PutTargets: %+v", pt.FailedEntries)
		}
	}
	return aws.ToString(out.RuleArn)
}

type envelope struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

func parse(t *testing.T, body string) envelope {
	t.Helper()
	var e envelope
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("message body %q: %v", body, err)
	}
	return e
}

func TestEventBuses(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	c := f.events(t, simtest.Member)
	cb := must[*ebsdk.CreateEventBusOutput](t, "CreateEventBus")(c.CreateEventBus(ctx, &ebsdk.CreateEventBusInput{Name: aws.String("security"), Description: aws.String("alerts")}))
	if aws.ToString(cb.EventBusArn) != "arn:aws:events:eu-west-1:222222222222:event-bus/security" {
		t.Errorf("EventBusArn = %s", aws.ToString(cb.EventBusArn))
	}
	if _, err := c.CreateEventBus(ctx, &ebsdk.CreateEventBusInput{Name: aws.String("security")}); code(err) != "ResourceAlreadyExistsException" {
		t.Errorf("CreateEventBus twice: %v", err)
	}
	def := must[*ebsdk.DescribeEventBusOutput](t, "DescribeEventBus default")(c.DescribeEventBus(ctx, &ebsdk.DescribeEventBusInput{}))
	if aws.ToString(def.Name) != "default" || aws.ToString(def.Arn) != "arn:aws:events:eu-west-1:222222222222:event-bus/default" {
		t.Errorf("default bus = %+v", def)
	}
	byARN := must[*ebsdk.DescribeEventBusOutput](t, "DescribeEventBus by ARN")(c.DescribeEventBus(ctx, &ebsdk.DescribeEventBusInput{Name: cb.EventBusArn}))
	if aws.ToString(byARN.Description) != "alerts" || !aws.ToTime(byARN.CreationTime).Equal(simtest.Now) {
		t.Errorf("bus by ARN = %+v", byARN)
	}
	lb := must[*ebsdk.ListEventBusesOutput](t, "ListEventBuses")(c.ListEventBuses(ctx, &ebsdk.ListEventBusesInput{}))
	if len(lb.EventBuses) != 2 || aws.ToString(lb.EventBuses[0].Name) != "default" || aws.ToString(lb.EventBuses[1].Name) != "security" {
		t.Errorf("ListEventBuses = %+v", lb.EventBuses)
	}
	if _, err := c.DescribeEventBus(ctx, &ebsdk.DescribeEventBusInput{Name: aws.String("nope")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("DescribeEventBus of a missing bus: %v", err)
	}
	if _, err := c.DeleteEventBus(ctx, &ebsdk.DeleteEventBusInput{Name: aws.String("default")}); code(err) != "ValidationException" {
		t.Errorf("DeleteEventBus default: %v", err)
	}
	f.rule(t, simtest.Member, "security", "r", `{"source":["x"]}`)
	if _, err := c.DeleteEventBus(ctx, &ebsdk.DeleteEventBusInput{Name: aws.String("security")}); code(err) != "ValidationException" {
		t.Errorf("DeleteEventBus with rules: %v", err)
	}
	must[*ebsdk.DeleteRuleOutput](t, "DeleteRule")(c.DeleteRule(ctx, &ebsdk.DeleteRuleInput{Name: aws.String("r"), EventBusName: aws.String("security")}))
	must[*ebsdk.DeleteEventBusOutput](t, "DeleteEventBus")(c.DeleteEventBus(ctx, &ebsdk.DeleteEventBusInput{Name: aws.String("security")}))
	if _, err := c.DescribeEventBus(ctx, &ebsdk.DescribeEventBusInput{Name: aws.String("security")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("a deleted bus: %v", err)
	}
}

func TestRules(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	c := f.events(t, simtest.Member)
	arn := f.rule(t, simtest.Member, "default", "ssh-open", `{"source":["aws.ec2"]}`)
	if arn != "arn:aws:events:eu-west-1:222222222222:rule/ssh-open" {
		t.Errorf("RuleArn = %s", arn)
	}
	must[*ebsdk.CreateEventBusOutput](t, "CreateEventBus")(c.CreateEventBus(ctx, &ebsdk.CreateEventBusInput{Name: aws.String("custom")}))
	if a := f.rule(t, simtest.Member, "custom", "r1", `{"source":["a"]}`); a != "arn:aws:events:eu-west-1:222222222222:rule/custom/r1" {
		t.Errorf("RuleArn on a custom bus = %s", a)
	}
	d := must[*ebsdk.DescribeRuleOutput](t, "DescribeRule")(c.DescribeRule(ctx, &ebsdk.DescribeRuleInput{Name: aws.String("ssh-open")}))
	if d.State != types.RuleStateEnabled || aws.ToString(d.EventPattern) != `{"source":["aws.ec2"]}` || aws.ToString(d.EventBusName) != "default" || aws.ToString(d.Arn) != arn {
		t.Errorf("DescribeRule = %+v", d)
	}
	must[*ebsdk.DisableRuleOutput](t, "DisableRule")(c.DisableRule(ctx, &ebsdk.DisableRuleInput{Name: aws.String("ssh-open")}))
	if d := must[*ebsdk.DescribeRuleOutput](t, "DescribeRule")(c.DescribeRule(ctx, &ebsdk.DescribeRuleInput{Name: aws.String("ssh-open")})); d.State != types.RuleStateDisabled {
		t.Errorf("after DisableRule: %s", d.State)
	}
	must[*ebsdk.EnableRuleOutput](t, "EnableRule")(c.EnableRule(ctx, &ebsdk.EnableRuleInput{Name: aws.String("ssh-open")}))
	// PutRule on an existing rule updates it.
	must[*ebsdk.PutRuleOutput](t, "PutRule update")(c.PutRule(ctx, &ebsdk.PutRuleInput{Name: aws.String("ssh-open"), EventPattern: aws.String(`{"source":["aws.ec2","aws.s3"]}`),
		State: types.RuleStateEnabledWithAllCloudtrailManagementEvents, Description: aws.String("d")}))
	d = must[*ebsdk.DescribeRuleOutput](t, "DescribeRule")(c.DescribeRule(ctx, &ebsdk.DescribeRuleInput{Name: aws.String("ssh-open")}))
	if d.State != types.RuleStateEnabledWithAllCloudtrailManagementEvents || aws.ToString(d.Description) != "d" {
		t.Errorf("after update: %+v", d)
	}
	for _, n := range []string{"a1", "a2", "b1"} {
		f.rule(t, simtest.Member, "default", n, `{"source":["x"]}`)
	}
	lr := must[*ebsdk.ListRulesOutput](t, "ListRules")(c.ListRules(ctx, &ebsdk.ListRulesInput{NamePrefix: aws.String("a")}))
	if len(lr.Rules) != 2 || aws.ToString(lr.Rules[0].Name) != "a1" {
		t.Errorf("ListRules(a) = %+v", lr.Rules)
	}
	var names []string
	var token *string
	for {
		p := must[*ebsdk.ListRulesOutput](t, "ListRules page")(c.ListRules(ctx, &ebsdk.ListRulesInput{Limit: aws.Int32(3), NextToken: token}))
		for _, r := range p.Rules {
			names = append(names, aws.ToString(r.Name))
		}
		if token = p.NextToken; token == nil {
			break
		}
	}
	if strings.Join(names, ",") != "a1,a2,b1,ssh-open" {
		t.Errorf("ListRules pages = %v", names)
	}
	// Targets.
	_, qarn := f.queue(t, simtest.Member, "q")
	pt := must[*ebsdk.PutTargetsOutput](t, "PutTargets")(c.PutTargets(ctx, &ebsdk.PutTargetsInput{Rule: aws.String("ssh-open"), Targets: []types.Target{
		{Id: aws.String("q"), Arn: aws.String(qarn)}, {Id: aws.String("bad"), Arn: aws.String(qarn), Input: aws.String("{not json")}}}))
	if pt.FailedEntryCount != 1 || aws.ToString(pt.FailedEntries[0].TargetId) != "bad" {
		t.Errorf("PutTargets = %+v", pt)
	}
	lt := must[*ebsdk.ListTargetsByRuleOutput](t, "ListTargetsByRule")(c.ListTargetsByRule(ctx, &ebsdk.ListTargetsByRuleInput{Rule: aws.String("ssh-open")}))
	if len(lt.Targets) != 1 || aws.ToString(lt.Targets[0].Arn) != qarn {
		t.Errorf("ListTargetsByRule = %+v", lt.Targets)
	}
	if _, err := c.DeleteRule(ctx, &ebsdk.DeleteRuleInput{Name: aws.String("ssh-open")}); code(err) != "ValidationException" {
		t.Errorf("DeleteRule with targets: %v", err)
	}
	must[*ebsdk.RemoveTargetsOutput](t, "RemoveTargets")(c.RemoveTargets(ctx, &ebsdk.RemoveTargetsInput{Rule: aws.String("ssh-open"), Ids: []string{"q"}}))
	must[*ebsdk.DeleteRuleOutput](t, "DeleteRule")(c.DeleteRule(ctx, &ebsdk.DeleteRuleInput{Name: aws.String("ssh-open")}))
	if _, err := c.DescribeRule(ctx, &ebsdk.DescribeRuleInput{Name: aws.String("ssh-open")}); code(err) != "ResourceNotFoundException" ||
		!strings.Contains(err.Error(), "Rule ssh-open does not exist on EventBus default.") {
		t.Errorf("a deleted rule: %v", err)
	}
}

func TestInvalidRequests(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	c := f.events(t, simtest.Member)
	for _, tc := range []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"pattern not an array", func() error {
			_, err := c.PutRule(ctx, &ebsdk.PutRuleInput{Name: aws.String("r"), EventPattern: aws.String(`{"source":"aws.ec2"}`)})
			return err
		}, "InvalidEventPatternException", "Event pattern is not valid. Reason: \"source\" must be an object or an array\n at [Source: (String)\"{\"source\":\"aws.ec2\"}\"; line: 1, column: 12]"},
		{"pattern bad operator", func() error {
			_, err := c.PutRule(ctx, &ebsdk.PutRuleInput{Name: aws.String("r"), EventPattern: aws.String(`{"a":[{"numeric":["!",1]}]}`)})
			return err
		}, "InvalidEventPatternException", "Reason: Unrecognized numeric range operator: !"},
		{"pattern not JSON", func() error {
			_, err := c.PutRule(ctx, &ebsdk.PutRuleInput{Name: aws.String("r"), EventPattern: aws.String(`{"a":`)})
			return err
		}, "InvalidEventPatternException", "Event pattern is not valid. Reason: Unexpected end-of-input"},
		{"no pattern", func() error {
			_, err := c.PutRule(ctx, &ebsdk.PutRuleInput{Name: aws.String("r")})
			return err
		}, "ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified."},
		{"schedule", func() error {
			_, err := c.PutRule(ctx, &ebsdk.PutRuleInput{Name: aws.String("r"), ScheduleExpression: aws.String("rate(5 minutes)")})
			return err
		}, "ValidationException", "ScheduleExpression is not supported by the simulator"},
		{"bad state", func() error {
			_, err := c.PutRule(ctx, &ebsdk.PutRuleInput{Name: aws.String("r"), EventPattern: aws.String(`{"a":["b"]}`), State: "ON"})
			return err
		}, "ValidationException", "Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]"},
		{"bad rule name", func() error {
			_, err := c.PutRule(ctx, &ebsdk.PutRuleInput{Name: aws.String("a rule"), EventPattern: aws.String(`{"a":["b"]}`)})
			return err
		}, "ValidationException", "at 'name' failed to satisfy constraint"},
		{"rule on a missing bus", func() error {
			_, err := c.PutRule(ctx, &ebsdk.PutRuleInput{Name: aws.String("r"), EventBusName: aws.String("nope"), EventPattern: aws.String(`{"a":["b"]}`)})
			return err
		}, "ResourceNotFoundException", "Event bus nope does not exist."},
		{"targets of a missing rule", func() error {
			_, err := c.PutTargets(ctx, &ebsdk.PutTargetsInput{Rule: aws.String("nope"), Targets: []types.Target{{Id: aws.String("t"), Arn: aws.String("arn:aws:sqs:eu-west-1:222222222222:q")}}})
			return err
		}, "ResourceNotFoundException", "Rule nope does not exist on EventBus default."},
		{"permission action", func() error {
			_, err := c.PutPermission(ctx, &ebsdk.PutPermissionInput{Action: aws.String("events:PutRule"), Principal: aws.String("111111111111"), StatementId: aws.String("s")})
			return err
		}, "ValidationException", "Provided value in parameter 'action' is not supported."},
		{"permission principal", func() error {
			_, err := c.PutPermission(ctx, &ebsdk.PutPermissionInput{Action: aws.String("events:PutEvents"), Principal: aws.String("alice"), StatementId: aws.String("s")})
			return err
		}, "ValidationException", "at 'principal' failed to satisfy constraint"},
		{"remove a missing permission", func() error {
			_, err := c.RemovePermission(ctx, &ebsdk.RemovePermissionInput{StatementId: aws.String("s")})
			return err
		}, "ResourceNotFoundException", "EventBus does not have a policy."},
		{"eleven events", func() error {
			var es []types.PutEventsRequestEntry
			for range 11 {
				es = append(es, types.PutEventsRequestEntry{Source: aws.String("a"), DetailType: aws.String("b"), Detail: aws.String("{}")})
			}
			_, err := c.PutEvents(ctx, &ebsdk.PutEventsInput{Entries: es})
			return err
		}, "ValidationException", "Member must have length less than or equal to 10"},
		{"test an event without its fields", func() error {
			_, err := c.TestEventPattern(ctx, &ebsdk.TestEventPatternInput{EventPattern: aws.String(`{"a":["b"]}`), Event: aws.String(`{"a":"b"}`)})
			return err
		}, "ValidationException", "Parameter Event is not valid."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if code(err) != tc.code || err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error = %v (code %q), want code %q and %q", err, code(err), tc.code, tc.msg)
			}
		})
	}
}

func TestTestEventPattern(t *testing.T) {
	f := start(t)
	c := f.events(t, simtest.Member)
	ev := `{"id":"1","account":"222222222222","source":"aws.ec2","time":"2026-06-01T12:00:00Z","region":"eu-west-1","resources":[],"detail-type":"x","detail":{"port":22,"ip":"10.1.2.3"}}`
	for _, tc := range []struct {
		pattern string
		want    bool
	}{
		{`{"source":["aws.ec2"],"detail":{"port":[{"numeric":["<=",22]}],"ip":[{"cidr":"10.0.0.0/8"}]}}`, true},
		{`{"source":[{"prefix":"aws."}],"detail":{"port":[{"anything-but":22}]}}`, false},
		{`{"$or":[{"source":["aws.s3"]},{"detail":{"ip":[{"wildcard":"10.*.3"}]}}]}`, true},
	} {
		out := must[*ebsdk.TestEventPatternOutput](t, "TestEventPattern")(c.TestEventPattern(context.Background(), &ebsdk.TestEventPatternInput{EventPattern: aws.String(tc.pattern), Event: aws.String(ev)}))
		if out.Result != tc.want {
			t.Errorf("TestEventPattern(%s) = %v, want %v", tc.pattern, out.Result, tc.want)
		}
	}
}

// TestPutEventsToQueue: PutEvents with per-entry errors; a matching
// event reaches the rule's queue as the event's JSON.
func TestPutEventsToQueue(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	c := f.events(t, simtest.Member)
	url, qarn := f.queue(t, simtest.Member, "alerts")
	ruleARN := f.rule(t, simtest.Member, "default", "orders", `{"source":["shop"],"detail":{"total":[{"numeric":[">",100]}]}}`,
		types.Target{Id: aws.String("q"), Arn: aws.String(qarn)})
	at := time.Date(2026, 5, 31, 8, 0, 0, 0, time.UTC)
	out := must[*ebsdk.PutEventsOutput](t, "PutEvents")(c.PutEvents(ctx, &ebsdk.PutEventsInput{Entries: []types.PutEventsRequestEntry{
		{Source: aws.String("shop"), DetailType: aws.String("Order"), Detail: aws.String(`{"total": 250, "id": "o-1"}`), Resources: []string{"arn:aws:shop:::o-1"}, Time: aws.Time(at)},
		{Source: aws.String("shop"), DetailType: aws.String("Order"), Detail: aws.String(`{"total": 5}`)},
		{Source: aws.String("aws.ec2"), DetailType: aws.String("Fake"), Detail: aws.String(`{}`)},
		{Source: aws.String("shop"), DetailType: aws.String("Order"), Detail: aws.String(`[1,2]`)},
		{DetailType: aws.String("Order"), Detail: aws.String(`{}`)},
		{Source: aws.String("shop"), DetailType: aws.String("Order"), Detail: aws.String(`{}`), EventBusName: aws.String("nope")},
	}}))
	if out.FailedEntryCount != 4 {
		t.Errorf("FailedEntryCount = %d", out.FailedEntryCount)
	}
	wantCodes := []string{"", "", "NotAuthorizedForSourceException", "MalformedDetail", "InvalidArgument", "ResourceNotFoundException"}
	for i, e := range out.Entries {
		if aws.ToString(e.ErrorCode) != wantCodes[i] || (wantCodes[i] == "") != (e.EventId != nil) {
			t.Errorf("entry %d = %s %s %s", i, aws.ToString(e.EventId), aws.ToString(e.ErrorCode), aws.ToString(e.ErrorMessage))
		}
	}
	bodies := f.drain(t, simtest.Member, url)
	if len(bodies) != 1 {
		t.Fatalf("queue holds %d messages: %v", len(bodies), bodies)
	}
	e := parse(t, bodies[0])
	if e.Version != "0" || e.ID != aws.ToString(out.Entries[0].EventId) || e.DetailType != "Order" || e.Source != "shop" || e.Account != simtest.Member ||
		e.Time != "2026-05-31T08:00:00Z" || e.Region != region || len(e.Resources) != 1 || string(e.Detail) != `{"total":250,"id":"o-1"}` {
		t.Errorf("event = %+v", e)
	}
	// The keys in AWS's order.
	if !strings.HasPrefix(bodies[0], `{"version":"0","id":"`) {
		t.Errorf("body = %s", bodies[0])
	}
	if m := f.world.RuleMetrics(ruleARN); m.MatchedEvents != 1 || m.Invocations != 1 || m.FailedInvocations != 0 {
		t.Errorf("metrics = %+v", m)
	}
	// Input replaces the event; InputPath picks a part of it.
	must[*ebsdk.PutTargetsOutput](t, "PutTargets")(c.PutTargets(ctx, &ebsdk.PutTargetsInput{Rule: aws.String("orders"), Targets: []types.Target{
		{Id: aws.String("q"), Arn: aws.String(qarn), InputPath: aws.String("$.detail.id")}}}))
	must[*ebsdk.PutEventsOutput](t, "PutEvents")(c.PutEvents(ctx, &ebsdk.PutEventsInput{Entries: []types.PutEventsRequestEntry{
		{Source: aws.String("shop"), DetailType: aws.String("Order"), Detail: aws.String(`{"total": 300, "id": "o-2"}`)}}}))
	if got := f.drain(t, simtest.Member, url); len(got) != 1 || got[0] != `"o-2"` {
		t.Errorf("InputPath delivery = %v", got)
	}
}

// TestQueuePolicyRequired: EventBridge delivers only to a queue whose
// policy lets it send; the failure is counted, not reported to PutEvents.
func TestQueuePolicyRequired(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	q := must[*sqssdk.CreateQueueOutput](t, "CreateQueue")(f.sqs(t, simtest.Member).CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("closed")}))
	arn := f.rule(t, simtest.Member, "default", "r", `{"source":["shop"]}`,
		types.Target{Id: aws.String("q"), Arn: aws.String("arn:aws:sqs:eu-west-1:222222222222:closed")})
	out := must[*ebsdk.PutEventsOutput](t, "PutEvents")(f.events(t, simtest.Member).PutEvents(ctx, &ebsdk.PutEventsInput{Entries: []types.PutEventsRequestEntry{
		{Source: aws.String("shop"), DetailType: aws.String("x"), Detail: aws.String(`{}`)}}}))
	if out.FailedEntryCount != 0 {
		t.Errorf("PutEvents = %+v", out.Entries)
	}
	if got := f.drain(t, simtest.Member, aws.ToString(q.QueueUrl)); len(got) != 0 {
		t.Errorf("a queue without a policy received %v", got)
	}
	if m := f.world.RuleMetrics(arn); m.Invocations != 1 || m.FailedInvocations != 1 || !strings.Contains(m.LastFailure, "does not allow events.amazonaws.com") {
		t.Errorf("metrics = %+v", m)
	}
}

// TestCrossAccountForwarding: members forward to a central bus that
// grants the organization; the central bus's rules send on to its queue.
func TestCrossAccountForwarding(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	central := f.events(t, simtest.Management)
	member := f.events(t, simtest.Member)
	must[*ebsdk.CreateEventBusOutput](t, "CreateEventBus")(central.CreateEventBus(ctx, &ebsdk.CreateEventBusInput{Name: aws.String("org")}))
	busARN := "arn:aws:events:eu-west-1:111111111111:event-bus/org"
	url, qarn := f.queue(t, simtest.Management, "central")
	f.rule(t, simtest.Management, "org", "all", `{"source":["shop"]}`, types.Target{Id: aws.String("q"), Arn: aws.String(qarn)})
	fwd := f.rule(t, simtest.Member, "default", "forward", `{"source":["shop"]}`,
		types.Target{Id: aws.String("central"), Arn: aws.String(busARN), RoleArn: aws.String("arn:aws:iam::222222222222:role/forwarder")})
	put := func() {
		t.Helper()
		out := must[*ebsdk.PutEventsOutput](t, "PutEvents")(member.PutEvents(ctx, &ebsdk.PutEventsInput{Entries: []types.PutEventsRequestEntry{
			{Source: aws.String("shop"), DetailType: aws.String("Order"), Detail: aws.String(`{"n":1}`)}}}))
		if out.FailedEntryCount != 0 {
			t.Fatalf("PutEvents = %+v", out.Entries)
		}
	}
	// No permission yet: the central bus refuses.
	put()
	if got := f.drain(t, simtest.Management, url); len(got) != 0 {
		t.Errorf("delivered without permission: %v", got)
	}
	if m := f.world.RuleMetrics(fwd); m.FailedInvocations != 1 {
		t.Errorf("metrics without permission = %+v", m)
	}
	// The organization is granted.
	must[*ebsdk.PutPermissionOutput](t, "PutPermission")(central.PutPermission(ctx, &ebsdk.PutPermissionInput{EventBusName: aws.String("org"),
		Action: aws.String("events:PutEvents"), Principal: aws.String("*"), StatementId: aws.String("org"),
		Condition: &types.Condition{Type: aws.String("StringEquals"), Key: aws.String("aws:PrincipalOrgID"), Value: aws.String(orgID)}}))
	d := must[*ebsdk.DescribeEventBusOutput](t, "DescribeEventBus")(central.DescribeEventBus(ctx, &ebsdk.DescribeEventBusInput{Name: aws.String("org")}))
	if !strings.Contains(aws.ToString(d.Policy), `"aws:PrincipalOrgID":"`+orgID+`"`) || !strings.Contains(aws.ToString(d.Policy), `"Resource":"`+busARN+`"`) {
		t.Errorf("bus policy = %s", aws.ToString(d.Policy))
	}
	put()
	got := f.drain(t, simtest.Management, url)
	if len(got) != 1 {
		t.Fatalf("central queue = %v", got)
	}
	if e := parse(t, got[0]); e.Account != simtest.Member || e.Source != "shop" || e.Region != region {
		t.Errorf("forwarded event = %+v", e)
	}
	// Granted through the organization, a target without a role fails.
	must[*ebsdk.PutTargetsOutput](t, "PutTargets")(member.PutTargets(ctx, &ebsdk.PutTargetsInput{Rule: aws.String("forward"), Targets: []types.Target{
		{Id: aws.String("central"), Arn: aws.String(busARN)}}}))
	put()
	if got := f.drain(t, simtest.Management, url); len(got) != 0 {
		t.Errorf("delivered by an organization grant without a role: %v", got)
	}
	if m := f.world.RuleMetrics(fwd); !strings.Contains(m.LastFailure, "needs a RoleArn") {
		t.Errorf("metrics = %+v", m)
	}
	// Granted to the account itself, no role is needed.
	must[*ebsdk.PutPermissionOutput](t, "PutPermission account")(central.PutPermission(ctx, &ebsdk.PutPermissionInput{EventBusName: aws.String("org"),
		Action: aws.String("events:PutEvents"), Principal: aws.String(simtest.Member), StatementId: aws.String("member")}))
	put()
	if got := f.drain(t, simtest.Management, url); len(got) != 1 {
		t.Errorf("delivered by an account grant: %v", got)
	}
	// A member may also put events on the central bus directly.
	out := must[*ebsdk.PutEventsOutput](t, "PutEvents to the central bus")(member.PutEvents(ctx, &ebsdk.PutEventsInput{Entries: []types.PutEventsRequestEntry{
		{Source: aws.String("shop"), DetailType: aws.String("Direct"), Detail: aws.String(`{}`), EventBusName: aws.String(busARN)}}}))
	if out.FailedEntryCount != 0 {
		t.Errorf("PutEvents to the central bus = %+v", out.Entries)
	}
	if got := f.drain(t, simtest.Management, url); len(got) != 1 || parse(t, got[0]).DetailType != "Direct" {
		t.Errorf("direct put = %v", got)
	}
	// An event that came from another bus is not forwarded again.
	f.rule(t, simtest.Management, "org", "onward", `{"source":["shop"]}`, types.Target{Id: aws.String("back"),
		Arn: aws.String("arn:aws:events:eu-west-1:111111111111:event-bus/default")})
	put()
	if m := f.world.RuleMetrics("arn:aws:events:eu-west-1:111111111111:rule/org/onward"); m.Invocations != 1 || m.FailedInvocations != 1 {
		t.Errorf("second hop metrics = %+v", m)
	}
	// Removing the statements closes the bus again.
	must[*ebsdk.RemovePermissionOutput](t, "RemovePermission")(central.RemovePermission(ctx, &ebsdk.RemovePermissionInput{EventBusName: aws.String("org"), RemoveAllPermissions: true}))
	out = must[*ebsdk.PutEventsOutput](t, "PutEvents after RemovePermission")(member.PutEvents(ctx, &ebsdk.PutEventsInput{Entries: []types.PutEventsRequestEntry{
		{Source: aws.String("shop"), DetailType: aws.String("Direct"), Detail: aws.String(`{}`), EventBusName: aws.String(busARN)}}}))
	if out.FailedEntryCount != 1 || aws.ToString(out.Entries[0].ErrorCode) != "AccessDeniedException" {
		t.Errorf("PutEvents to a closed bus = %+v", out.Entries)
	}
}

// record is a CloudTrail record as the trail simulation writes it.
func record(eventSource, eventName, eventType string, readOnly bool) []byte {
	r := map[string]any{
		"eventVersion": "1.09", "userIdentity": map[string]any{"type": "Root", "accountId": simtest.Member, "arn": "arn:aws:iam::222222222222:root"},
		"eventTime": "2026-06-01T12:00:00Z", "eventSource": eventSource, "eventName": eventName, "awsRegion": region,
		"sourceIPAddress": "203.0.113.7", "userAgent": "test", "requestParameters": map[string]any{"groupId": "sg-1"},
		"responseElements": nil, "requestID": "r-1", "eventID": "e-" + eventName, "readOnly": readOnly, "eventType": eventType,
		"managementEvent": true, "recipientAccountId": simtest.Member, "eventCategory": "Management",
	}
	b, _ := json.Marshal(r)
	return b
}

// TestCloudTrailRouting: CloudTrail records reach the default bus of the
// account and region of the call, as AWS sends them.
func TestCloudTrailRouting(t *testing.T) {
	f := start(t)
	// The test puts its own records; the records of its own calls
	// (PutRule, PutTargets) would reach the rules too.
	f.world.Trail.Off = true
	url, qarn := f.queue(t, simtest.Member, "trail")
	allURL, allARN := f.queue(t, simtest.Member, "trail-all")
	// The rules select the records below (requestID r-1): once the
	// simulator records its own calls, this test's calls reach the bus too.
	f.rule(t, simtest.Member, "default", "api", `{"detail-type":["AWS API Call via CloudTrail","AWS Console Sign In via CloudTrail"],"detail":{"requestID":["r-1"]}}`,
		types.Target{Id: aws.String("q"), Arn: aws.String(qarn)})
	must[*ebsdk.PutRuleOutput](t, "PutRule all")(f.events(t, simtest.Member).PutRule(context.Background(), &ebsdk.PutRuleInput{Name: aws.String("all"),
		EventPattern: aws.String(`{"source":["aws.ec2"],"detail":{"requestID":["r-1"]}}`), State: types.RuleStateEnabledWithAllCloudtrailManagementEvents}))
	must[*ebsdk.PutTargetsOutput](t, "PutTargets all")(f.events(t, simtest.Member).PutTargets(context.Background(), &ebsdk.PutTargetsInput{Rule: aws.String("all"),
		Targets: []types.Target{{Id: aws.String("q"), Arn: aws.String(allARN)}}}))

	write := record("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", "AwsApiCall", false)
	read := record("ec2.amazonaws.com", "DescribeInstances", "AwsApiCall", true)
	signin := record("signin.amazonaws.com", "ConsoleLogin", "AwsConsoleSignIn", false)
	data := record("s3.amazonaws.com", "GetObject", "AwsApiCall", true)
	data = []byte(strings.Replace(string(data), `"managementEvent":true`, `"managementEvent":false`, 1))
	for _, r := range [][]byte{write, read, signin} {
		if !f.world.PutTrailRecord(r, false) {
			t.Errorf("PutTrailRecord(%s) put no event", r)
		}
	}
	if f.world.PutTrailRecord(data, false) {
		t.Error("a data event no trail logs reached EventBridge")
	}
	got := f.drain(t, simtest.Member, url)
	if len(got) != 2 {
		t.Fatalf("rule ENABLED received %d events: %v", len(got), got)
	}
	api, console := parse(t, got[0]), parse(t, got[1])
	if api.DetailType != "AWS API Call via CloudTrail" || api.Source != "aws.ec2" || api.Account != simtest.Member || api.Region != region ||
		api.Time != "2026-06-01T12:00:00Z" || string(api.Detail) != string(write) {
		t.Errorf("API call event = %+v", api)
	}
	if console.DetailType != "AWS Console Sign In via CloudTrail" || console.Source != "aws.signin" {
		t.Errorf("sign-in event = %+v", console)
	}
	all := f.drain(t, simtest.Member, allURL)
	if len(all) != 2 || !strings.Contains(all[1], `"eventName":"DescribeInstances"`) {
		t.Errorf("rule ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS received %v", all)
	}
	// A read-only call not named Describe/Get/List reaches ENABLED rules.
	lookup := record("cloudtrail.amazonaws.com", "LookupEvents", "AwsApiCall", true)
	f.world.PutTrailRecord(lookup, false)
	if got := f.drain(t, simtest.Member, url); len(got) != 1 {
		t.Errorf("LookupEvents: %v", got)
	}
	// Insights events are not sent.
	insight := []byte(strings.Replace(string(write), `"eventCategory":"Management"`, `"eventCategory":"Insight"`, 1))
	if f.world.PutTrailRecord(insight, false) {
		t.Error("an Insights event reached EventBridge")
	}
}

// TestS3Notifications: a new object is announced to the queues whose
// notification configuration selects it, in S3's event format.
func TestS3Notifications(t *testing.T) {
	f := start(t)
	url, qarn := f.queue(t, simtest.Member, "objects")
	s3policy := `{"Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"` + qarn + `",
		"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::logs-*"},"StringEquals":{"aws:SourceAccount":"222222222222"}}}]}`
	must[*sqssdk.SetQueueAttributesOutput](t, "SetQueueAttributes")(f.sqs(t, simtest.Member).SetQueueAttributes(context.Background(), &sqssdk.SetQueueAttributesInput{
		QueueUrl: aws.String(url), Attributes: map[string]string{"Policy": s3policy}}))
	evURL, evARN := f.queue(t, simtest.Member, "object-events")
	f.rule(t, simtest.Member, "default", "objects", `{"source":["aws.s3"],"detail-type":["Object Created"]}`, types.Target{Id: aws.String("q"), Arn: aws.String(evARN)})
	n := &world.BucketNotification{EventBridge: true, Queues: []world.NotificationTarget{
		{ID: "trail-logs", ARN: qarn, Events: []string{"s3:ObjectCreated:*"}, Prefix: "AWSLogs/", Suffix: ".json.gz"}}}
	obj := world.ObjectCreated{Bucket: "logs-archive", BucketOwner: simtest.Member, Region: region, Key: "AWSLogs/o-1/222222222222/CloudTrail/eu-west-1/2026/06/01/a b.json.gz",
		Size: 1234, ETag: "d41d8cd98f00b204e9800998ecf8427e", EventName: "ObjectCreated:Put", Time: simtest.Now, Requester: "AIDAEXAMPLE",
		SourceIP: "203.0.113.7", RequestID: "REQ1", Notification: n}
	if errs := f.world.NotifyObjectCreated(obj); len(errs) != 0 {
		t.Fatalf("NotifyObjectCreated: %v", errs)
	}
	skipped := obj
	skipped.Key = "other/x.json.gz"
	f.world.NotifyObjectCreated(skipped)
	got := f.drain(t, simtest.Member, url)
	if len(got) != 1 {
		t.Fatalf("queue = %v", got)
	}
	var msg struct {
		Records []struct {
			EventVersion, EventSource, AwsRegion, EventTime, EventName string
			S3                                                         struct {
				ConfigurationID string `json:"configurationId"`
				Bucket          struct{ Name, Arn string }
				Object          struct {
					Key  string
					Size int64
					ETag string `json:"eTag"`
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(got[0]), &msg); err != nil || len(msg.Records) != 1 {
		t.Fatalf("message %s: %v", got[0], err)
	}
	r := msg.Records[0]
	if r.EventVersion != "2.1" || r.EventSource != "aws:s3" || r.AwsRegion != region || r.EventTime != "2026-06-01T12:00:00.000Z" || r.EventName != "ObjectCreated:Put" ||
		r.S3.ConfigurationID != "trail-logs" || r.S3.Bucket.Name != "logs-archive" || r.S3.Bucket.Arn != "arn:aws:s3:::logs-archive" ||
		r.S3.Object.Key != "AWSLogs/o-1/222222222222/CloudTrail/eu-west-1/2026/06/01/a+b.json.gz" || r.S3.Object.Size != 1234 {
		t.Errorf("record = %+v", r)
	}
	if ev := f.drain(t, simtest.Member, evURL); len(ev) != 2 || parse(t, ev[0]).Source != "aws.s3" {
		t.Errorf("EventBridge notifications = %v", ev)
	}
	// A bucket the policy's condition does not name is refused.
	other := obj
	other.Bucket = "media"
	if errs := f.world.NotifyObjectCreated(other); len(errs) != 1 {
		t.Errorf("delivery for a bucket the policy does not name: %v", errs)
	}
}
