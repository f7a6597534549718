// Package eventbridge simulates Amazon EventBridge (awsJson1.1,
// "AWSEvents.<Op>"): event buses and their permissions, rules with event
// patterns, targets, PutEvents and TestEventPattern. Buses live in
// world.Events, outside any account; routing (rules to SQS queues and to
// other buses, across accounts) is in world/eventbridge.go, matching in
// package eventpattern. The handlers run without the account lock.
package eventbridge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/eventpattern"
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon EventBridge (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "events",
		Protocol: wire.JSON11,
		Unlocked: true,
		Ops: map[string]svc.Handler{
			"CreateEventBus":    createEventBus,
			"DescribeEventBus":  describeEventBus,
			"ListEventBuses":    listEventBuses,
			"DeleteEventBus":    deleteEventBus,
			"PutPermission":     putPermission,
			"RemovePermission":  removePermission,
			"PutRule":           putRule,
			"DescribeRule":      describeRule,
			"ListRules":         listRules,
			"DeleteRule":        deleteRule,
			"EnableRule":        enableRule,
			"DisableRule":       disableRule,
			"PutTargets":        putTargets,
			"ListTargetsByRule": listTargetsByRule,
			"RemoveTargets":     removeTargets,
			"PutEvents":         putEvents,
			"TestEventPattern":  testEventPattern,
		},
		Init: subscribe,
	}
}

// subscribe puts every CloudTrail record the world stores on
// EventBridge (World.PutTrailEvent), and sends the S3 notifications of
// every new object (World.NotifyNewObject). Data events go to
// EventBridge only when a trail logs them; which trail does is the
// delivery's to know, so they are left out here.
func subscribe(w *world.World) {
	w.OnTrailEvent(func(r world.TrailRecord) {
		w.PutTrailEvent(world.TrailEvent{EventSource: r.EventSource, EventName: r.EventName, EventType: r.EventType, Category: r.Category(),
			Region: r.Region, Account: r.Account, Time: r.EventTime, ReadOnly: r.ReadOnly, JSON: r.JSON})
	})
	w.OnObjectCreated(func(account, bucket, key string) { w.NotifyNewObject(account, bucket, key) })
}

func validation(format string, args ...any) error {
	return wire.Errorf(400, "ValidationException", format, args...)
}

func notFound(format string, args ...any) error {
	return wire.Errorf(400, "ResourceNotFoundException", format, args...)
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

var (
	busNameRE  = regexp.MustCompile(`^[/\.\-_A-Za-z0-9]{1,256}$`)
	ruleNameRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]{1,64}$`)
	targetIDRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]{1,64}$`)
	sidRE      = regexp.MustCompile(`^[a-zA-Z0-9-_]{1,64}$`)
	accountRE  = regexp.MustCompile(`^\d{12}$`)
)

// busRef is a bus named by a request: a name (the caller's account and
// region) or an ARN, possibly of another account.
type busRef struct {
	account, region, name string
}

func (r busRef) arn() string { return world.ARN("events", r.region, r.account, "event-bus/"+r.name) }

func parseBus(c *svc.Ctx, nameOrARN string) (busRef, error) {
	if nameOrARN == "" {
		return busRef{c.Account.ID, c.Region, "default"}, nil
	}
	if !strings.HasPrefix(nameOrARN, "arn:") {
		if !busNameRE.MatchString(nameOrARN) {
			return busRef{}, validation("1 validation error detected: Value '%s' at 'eventBusName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:aws[\\w-]*:events:[a-z]{2}-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[/\\.\\-_A-Za-z0-9]+", nameOrARN)
		}
		return busRef{c.Account.ID, c.Region, nameOrARN}, nil
	}
	f := strings.SplitN(nameOrARN, ":", 6)
	if len(f) != 6 || f[2] != "events" || !strings.HasPrefix(f[5], "event-bus/") || !accountRE.MatchString(f[4]) {
		return busRef{}, validation("Parameter %s is not valid. Reason: Provided Arn is not in correct format.", nameOrARN)
	}
	return busRef{f[4], f[3], strings.TrimPrefix(f[5], "event-bus/")}, nil
}

// access is who calls, for the policies of other accounts' buses.
type access struct {
	account, principal, org string
}

func callerAccess(c *svc.Ctx, ref busRef) access {
	a := access{account: c.Account.ID, principal: c.Principal.ARN}
	if ref.account != c.Account.ID {
		a.org = c.World.OrgIDOf(c.Account.ID) // before the EventBridge lock
	}
	return a
}

// allowed judges an action on a bus of another account by its policy.
func (a access) allowed(b *world.EventBus, action string) bool {
	if b.Account == a.account {
		return true
	}
	return world.PolicyAllows(b.Policy, world.PolicyRequest{Account: a.account, PrincipalARN: a.principal, Action: action, Resource: b.ARN(),
		Context: map[string]string{"aws:principalaccount": a.account, "aws:principalorgid": a.org}})
}

// withBus resolves a bus and calls f with the EventBridge lock held.
func withBus(c *svc.Ctx, nameOrARN string, f func(e *world.Events, b *world.EventBus) (any, error)) (any, error) {
	ref, err := parseBus(c, nameOrARN)
	if err != nil {
		return nil, err
	}
	a := callerAccess(c, ref)
	e := &c.World.Events
	e.Lock()
	defer e.Unlock()
	var b *world.EventBus
	if ref.region == c.Region {
		b = e.Bus(ref.account, ref.region, ref.name)
	}
	if b == nil || (ref.account != c.Account.ID && !a.allowed(b, "events:"+c.Op)) {
		return nil, notFound("Event bus %s does not exist.", ref.name)
	}
	return f(e, b)
}

// ---- event buses ----

type tag struct {
	Key, Value string
}

func createEventBus(c *svc.Ctx) (any, error) {
	var in struct {
		Name            string
		EventSourceName string
		Description     string
		Tags            []tag
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if !busNameRE.MatchString(in.Name) || strings.Contains(in.Name, "/") {
		return nil, validation("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+", in.Name)
	}
	if in.EventSourceName != "" {
		return nil, validation("Partner event buses are not simulated (EventSourceName %s).", in.EventSourceName)
	}
	e := &c.World.Events
	e.Lock()
	defer e.Unlock()
	if e.Bus(c.Account.ID, c.Region, in.Name) != nil {
		return nil, wire.Errorf(400, "ResourceAlreadyExistsException", "Event bus %s already exists.", in.Name)
	}
	now := c.Now()
	b := &world.EventBus{Account: c.Account.ID, Region: c.Region, Name: in.Name, Description: in.Description, Created: now, Modified: now, Tags: map[string]string{}}
	for _, t := range in.Tags {
		b.Tags[t.Key] = t.Value
	}
	e.AddBus(b)
	return struct {
		EventBusArn string
		Description string `json:",omitempty"`
	}{b.ARN(), b.Description}, nil
}

type busOut struct {
	Name             string
	Arn              string
	Description      string  `json:",omitempty"`
	Policy           string  `json:",omitempty"`
	CreationTime     float64 `json:",omitempty"`
	LastModifiedTime float64 `json:",omitempty"`
}

func busInfo(b *world.EventBus) busOut {
	o := busOut{Name: b.Name, Arn: b.ARN(), Description: b.Description, Policy: b.Policy}
	if !b.Created.IsZero() {
		o.CreationTime, o.LastModifiedTime = epoch(b.Created), epoch(b.Modified)
	}
	return o
}

func describeEventBus(c *svc.Ctx) (any, error) {
	var in struct{ Name string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	return withBus(c, in.Name, func(e *world.Events, b *world.EventBus) (any, error) {
		return busInfo(b), nil
	})
}

func listEventBuses(c *svc.Ctx) (any, error) {
	var in struct {
		NamePrefix string
		NextToken  string
		Limit      int
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Limit < 0 || in.Limit > 100 {
		return nil, validation("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100", in.Limit)
	}
	e := &c.World.Events
	e.Lock()
	var all []busOut
	for _, b := range e.Buses(c.Account.ID, c.Region) {
		if strings.HasPrefix(b.Name, in.NamePrefix) {
			all = append(all, busInfo(b))
		}
	}
	e.Unlock()
	page, next, err := svc.Page(all, in.NextToken, in.Limit, 100, "ValidationException")
	if err != nil {
		return nil, err
	}
	return struct {
		EventBuses []busOut
		NextToken  string `json:",omitempty"`
	}{page, next}, nil
}

func deleteEventBus(c *svc.Ctx) (any, error) {
	var in struct{ Name string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Name == "default" {
		return nil, validation("Cannot delete event bus default.")
	}
	if !busNameRE.MatchString(in.Name) {
		return nil, validation("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+", in.Name)
	}
	e := &c.World.Events
	e.Lock()
	defer e.Unlock()
	b := e.Bus(c.Account.ID, c.Region, in.Name)
	if b == nil {
		return nil, nil // deleting what is not there succeeds
	}
	if len(b.Rules) > 0 {
		return nil, validation("Cannot delete event bus %s: it still has rules; delete them first.", in.Name)
	}
	e.DeleteBus(b)
	return nil, nil
}

// ---- permissions ----

type statement struct {
	Sid       string         `json:"Sid"`
	Effect    string         `json:"Effect"`
	Principal any            `json:"Principal"`
	Action    any            `json:"Action"`
	Resource  any            `json:"Resource"`
	Condition map[string]any `json:"Condition,omitempty"`
}

type policyDoc struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

// maxPolicy is the largest bus policy AWS accepts (10 KB).
const maxPolicy = 10240

func putPermission(c *svc.Ctx) (any, error) {
	var in struct {
		EventBusName string
		Action       string
		Principal    string
		StatementId  string
		Condition    *struct{ Type, Key, Value string }
		Policy       string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if strings.HasPrefix(in.EventBusName, "arn:") {
		return nil, validation("1 validation error detected: Value '%s' at 'eventBusName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+", in.EventBusName)
	}
	var add *statement
	if in.Policy == "" {
		if in.Action != "events:PutEvents" {
			return nil, validation("Provided value in parameter 'action' is not supported.")
		}
		if !sidRE.MatchString(in.StatementId) {
			return nil, validation("1 validation error detected: Value '%s' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+", in.StatementId)
		}
		var principal any = "*"
		switch {
		case in.Principal == "*":
		case accountRE.MatchString(in.Principal):
			principal = map[string]string{"AWS": "arn:aws:iam::" + in.Principal + ":root"}
		default:
			return nil, validation("1 validation error detected: Value '%s' at 'principal' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\d{12}|\\*)", in.Principal)
		}
		add = &statement{Sid: in.StatementId, Effect: "Allow", Principal: principal, Action: "events:PutEvents"}
		if cd := in.Condition; cd != nil {
			if cd.Type != "StringEquals" || cd.Key != "aws:PrincipalOrgID" || cd.Value == "" {
				return nil, validation("Condition is not valid: only Type StringEquals with Key aws:PrincipalOrgID is supported.")
			}
			add.Condition = map[string]any{"StringEquals": map[string]string{"aws:PrincipalOrgID": cd.Value}}
		}
	} else if len(world.PolicyStatements(in.Policy)) == 0 {
		return nil, validation("Policy is not valid: it must be a JSON policy document with at least one statement.")
	}
	return withBus(c, in.EventBusName, func(e *world.Events, b *world.EventBus) (any, error) {
		policy := in.Policy
		if add != nil {
			var doc policyDoc
			if b.Policy != "" {
				if err := json.Unmarshal([]byte(b.Policy), &doc); err != nil {
					doc = policyDoc{}
				}
			}
			doc.Version = "2012-10-17"
			add.Resource = b.ARN()
			for _, st := range doc.Statement {
				if st.Sid == add.Sid {
					return nil, wire.Errorf(400, "ResourceAlreadyExistsException", "Statement with the provided id already exists.")
				}
			}
			doc.Statement = append(doc.Statement, *add)
			raw, _ := json.Marshal(doc)
			policy = string(raw)
		}
		if len(policy) > maxPolicy {
			return nil, wire.Errorf(400, "PolicyLengthExceededException", "The event bus policy is too long.")
		}
		b.Policy = policy
		b.Modified = c.Now()
		return nil, nil
	})
}

func removePermission(c *svc.Ctx) (any, error) {
	var in struct {
		EventBusName         string
		StatementId          string
		RemoveAllPermissions bool
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if !in.RemoveAllPermissions && in.StatementId == "" {
		return nil, validation("Either StatementId or RemoveAllPermissions must be specified.")
	}
	return withBus(c, in.EventBusName, func(e *world.Events, b *world.EventBus) (any, error) {
		if b.Policy == "" {
			return nil, notFound("EventBus does not have a policy.")
		}
		if in.RemoveAllPermissions {
			b.Policy = ""
			return nil, nil
		}
		var doc policyDoc
		if err := json.Unmarshal([]byte(b.Policy), &doc); err != nil {
			return nil, notFound("Statement with the provided id does not exist.")
		}
		kept := doc.Statement[:0]
		found := false
		for _, st := range doc.Statement {
			if st.Sid == in.StatementId {
				found = true
				continue
			}
			kept = append(kept, st)
		}
		if !found {
			return nil, notFound("Statement with the provided id does not exist.")
		}
		doc.Statement = kept
		if len(kept) == 0 {
			b.Policy = ""
		} else {
			raw, _ := json.Marshal(doc)
			b.Policy = string(raw)
		}
		b.Modified = c.Now()
		return nil, nil
	})
}

// ---- rules ----

var ruleStates = map[string]bool{"ENABLED": true, "DISABLED": true, "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS": true}

// compilePattern checks an event pattern as PutRule and TestEventPattern
// do.
func compilePattern(pattern string) (*eventpattern.Pattern, error) {
	if len(pattern) > 4096 {
		return nil, validation("1 validation error detected: Value at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to 4096")
	}
	p, err := eventpattern.Compile([]byte(pattern))
	if err != nil {
		msg := err.Error()
		if pe, ok := err.(*eventpattern.Error); ok {
			msg = pe.AWSMessage()
		}
		return nil, wire.Errorf(400, "InvalidEventPatternException", "%s", msg)
	}
	return p, nil
}

func noRule(name string, b *world.EventBus) error {
	return notFound("Rule %s does not exist on EventBus %s.", name, b.Name)
}

func putRule(c *svc.Ctx) (any, error) {
	var in struct {
		Name               string
		ScheduleExpression string
		EventPattern       string
		State              string
		Description        string
		RoleArn            string
		Tags               []tag
		EventBusName       string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if !ruleNameRE.MatchString(in.Name) {
		return nil, validation("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+", in.Name)
	}
	if in.ScheduleExpression != "" {
		return nil, validation("Parameter ScheduleExpression is not supported by the simulator: scheduled rules do not run here.")
	}
	if in.EventPattern == "" {
		return nil, validation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
	}
	if in.State == "" {
		in.State = "ENABLED"
	}
	if !ruleStates[in.State] {
		return nil, validation("1 validation error detected: Value '%s' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]", in.State)
	}
	p, err := compilePattern(in.EventPattern)
	if err != nil {
		return nil, err
	}
	return withBus(c, in.EventBusName, func(e *world.Events, b *world.EventBus) (any, error) {
		r := b.Rules[in.Name]
		if r == nil {
			if len(b.Rules) >= 300 {
				return nil, wire.Errorf(400, "LimitExceededException", "The requested resource exceeds the maximum number allowed.")
			}
			r = &world.Rule{Name: in.Name, CreatedBy: c.Account.ID}
			b.Rules[in.Name] = r
		}
		r.EventPattern, r.Pattern, r.State, r.Description, r.RoleARN = in.EventPattern, p, in.State, in.Description, in.RoleArn
		return struct{ RuleArn string }{b.RuleARN(in.Name)}, nil
	})
}

type ruleOut struct {
	Name         string
	Arn          string
	EventPattern string `json:",omitempty"`
	State        string
	Description  string `json:",omitempty"`
	RoleArn      string `json:",omitempty"`
	ManagedBy    string `json:",omitempty"`
	EventBusName string
	CreatedBy    string `json:",omitempty"`
}

func ruleInfo(b *world.EventBus, r *world.Rule) ruleOut {
	return ruleOut{Name: r.Name, Arn: b.RuleARN(r.Name), EventPattern: r.EventPattern, State: r.State, Description: r.Description,
		RoleArn: r.RoleARN, ManagedBy: r.ManagedBy, EventBusName: b.Name, CreatedBy: r.CreatedBy}
}

type ruleRef struct {
	Name         string
	EventBusName string
}

func withRule(c *svc.Ctx, ref ruleRef, f func(b *world.EventBus, r *world.Rule) (any, error)) (any, error) {
	return withBus(c, ref.EventBusName, func(e *world.Events, b *world.EventBus) (any, error) {
		r := b.Rules[ref.Name]
		if r == nil {
			return nil, noRule(ref.Name, b)
		}
		return f(b, r)
	})
}

func describeRule(c *svc.Ctx) (any, error) {
	var in ruleRef
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	return withRule(c, in, func(b *world.EventBus, r *world.Rule) (any, error) {
		return ruleInfo(b, r), nil
	})
}

func listRules(c *svc.Ctx) (any, error) {
	var in struct {
		NamePrefix   string
		EventBusName string
		NextToken    string
		Limit        int
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Limit < 0 || in.Limit > 100 {
		return nil, validation("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100", in.Limit)
	}
	var all []ruleOut
	if _, err := withBus(c, in.EventBusName, func(e *world.Events, b *world.EventBus) (any, error) {
		for _, n := range b.RuleNames() {
			if strings.HasPrefix(n, in.NamePrefix) {
				all = append(all, ruleInfo(b, b.Rules[n]))
			}
		}
		return nil, nil
	}); err != nil {
		return nil, err
	}
	page, next, err := svc.Page(all, in.NextToken, in.Limit, 100, "ValidationException")
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []ruleOut{}
	}
	return struct {
		Rules     []ruleOut
		NextToken string `json:",omitempty"`
	}{page, next}, nil
}

func deleteRule(c *svc.Ctx) (any, error) {
	var in struct {
		ruleRef
		Force bool
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	return withBus(c, in.EventBusName, func(e *world.Events, b *world.EventBus) (any, error) {
		r := b.Rules[in.Name]
		if r == nil {
			return nil, nil // deleting what is not there succeeds
		}
		if len(r.Targets) > 0 {
			return nil, validation("Rule can't be deleted since it has targets.")
		}
		delete(b.Rules, in.Name)
		return nil, nil
	})
}

func setState(state string) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		var in ruleRef
		if err := c.DecodeJSON(&in); err != nil {
			return nil, err
		}
		return withRule(c, in, func(b *world.EventBus, r *world.Rule) (any, error) {
			r.State = state
			return nil, nil
		})
	}
}

var (
	enableRule  = setState("ENABLED")
	disableRule = setState("DISABLED")
)

// ---- targets ----

type targetIn struct {
	Id        string
	Arn       string
	RoleArn   string
	Input     string
	InputPath string
}

type failedTarget struct {
	TargetId     string
	ErrorCode    string
	ErrorMessage string
}

// maxTargets is how many targets a rule may have.
const maxTargets = 5

func putTargets(c *svc.Ctx) (any, error) {
	var in struct {
		Rule         string
		EventBusName string
		Targets      []json.RawMessage
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.Targets) == 0 || len(in.Targets) > 10 {
		return nil, validation("1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1")
	}
	return withRule(c, ruleRef{in.Rule, in.EventBusName}, func(b *world.EventBus, r *world.Rule) (any, error) {
		out := struct {
			FailedEntryCount int
			FailedEntries    []failedTarget
		}{FailedEntries: []failedTarget{}}
		for _, raw := range in.Targets {
			var t targetIn
			if err := json.Unmarshal(raw, &t); err != nil {
				return nil, validation("Targets are not valid: %v", err)
			}
			if !targetIDRE.MatchString(t.Id) {
				return nil, validation("1 validation error detected: Value '%s' at 'targets.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+", t.Id)
			}
			f := strings.SplitN(t.Arn, ":", 6)
			if len(f) != 6 || f[0] != "arn" {
				return nil, validation("Parameter %s is not valid. Reason: Provided Arn is not in correct format.", t.Arn)
			}
			if t.Input != "" && !json.Valid([]byte(t.Input)) {
				out.FailedEntries = append(out.FailedEntries, failedTarget{t.Id, "ValidationException", "Input is not valid JSON."})
				continue
			}
			replaced := false
			for i, x := range r.Targets {
				if x.ID == t.Id {
					r.Targets[i], replaced = &world.Target{ID: t.Id, ARN: t.Arn, RoleARN: t.RoleArn, Input: t.Input, InputPath: t.InputPath, Raw: raw}, true
				}
			}
			if replaced {
				continue
			}
			if len(r.Targets) >= maxTargets {
				return nil, wire.Errorf(400, "LimitExceededException", "The requested resource exceeds the maximum number allowed.")
			}
			r.Targets = append(r.Targets, &world.Target{ID: t.Id, ARN: t.Arn, RoleARN: t.RoleArn, Input: t.Input, InputPath: t.InputPath, Raw: raw})
		}
		out.FailedEntryCount = len(out.FailedEntries)
		return out, nil
	})
}

func listTargetsByRule(c *svc.Ctx) (any, error) {
	var in struct {
		Rule         string
		EventBusName string
		NextToken    string
		Limit        int
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	var all []json.RawMessage
	if _, err := withRule(c, ruleRef{in.Rule, in.EventBusName}, func(b *world.EventBus, r *world.Rule) (any, error) {
		for _, t := range r.Targets {
			all = append(all, t.Raw)
		}
		return nil, nil
	}); err != nil {
		return nil, err
	}
	page, next, err := svc.Page(all, in.NextToken, in.Limit, 100, "ValidationException")
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []json.RawMessage{}
	}
	return struct {
		Targets   []json.RawMessage
		NextToken string `json:",omitempty"`
	}{page, next}, nil
}

func removeTargets(c *svc.Ctx) (any, error) {
	var in struct {
		Rule         string
		EventBusName string
		Ids          []string
		Force        bool
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.Ids) == 0 || len(in.Ids) > 100 {
		return nil, validation("1 validation error detected: Value at 'ids' failed to satisfy constraint: Member must have length less than or equal to 100 and greater than or equal to 1")
	}
	return withRule(c, ruleRef{in.Rule, in.EventBusName}, func(b *world.EventBus, r *world.Rule) (any, error) {
		drop := map[string]bool{}
		for _, id := range in.Ids {
			drop[id] = true
		}
		kept := r.Targets[:0]
		for _, t := range r.Targets {
			if !drop[t.ID] {
				kept = append(kept, t)
			}
		}
		r.Targets = kept
		return struct {
			FailedEntryCount int
			FailedEntries    []failedTarget
		}{0, []failedTarget{}}, nil
	})
}

// ---- events ----

type putEventsEntry struct {
	Time         *float64
	Source       string
	Resources    []string
	DetailType   string
	Detail       *string
	EventBusName string
	TraceHeader  string
}

type putEventsResult struct {
	EventId      string `json:",omitempty"`
	ErrorCode    string `json:",omitempty"`
	ErrorMessage string `json:",omitempty"`
}

// maxPutEvents is the largest PutEvents request AWS takes (256 KB).
const maxPutEvents = 256 * 1024

func putEvents(c *svc.Ctx) (any, error) {
	var in struct {
		Entries    []putEventsEntry
		EndpointId string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.Entries) == 0 || len(in.Entries) > 10 {
		return nil, validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1")
	}
	size := 0
	for _, en := range in.Entries {
		size += len(en.Source) + len(en.DetailType) + len(en.EventBusName)
		if en.Detail != nil {
			size += len(*en.Detail)
		}
		for _, r := range en.Resources {
			size += len(r)
		}
	}
	if size > maxPutEvents {
		return nil, validation("Total size of the entries in the request is over the limit.")
	}
	type send struct {
		i   int // the entry
		ref busRef
		ev  world.Event
	}
	var sends []send
	results := make([]putEventsResult, len(in.Entries))
	failed := 0
	for i, en := range in.Entries {
		fail := func(code, format string, args ...any) {
			results[i] = putEventsResult{ErrorCode: code, ErrorMessage: fmt.Sprintf(format, args...)}
			failed++
		}
		switch {
		case en.Source == "":
			fail("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.")
			continue
		case en.DetailType == "":
			fail("InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.")
			continue
		case en.Detail == nil:
			fail("InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.")
			continue
		case strings.HasPrefix(en.Source, "aws."):
			fail("NotAuthorizedForSourceException", "Not authorized for the source.")
			continue
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal([]byte(*en.Detail), &obj) != nil {
			fail("MalformedDetail", "Detail is malformed.")
			continue
		}
		ref, err := parseBus(c, en.EventBusName)
		if err != nil {
			fail("InvalidArgument", "Parameter EventBusName is not valid. Reason: %s", err.(*wire.Error).Message)
			continue
		}
		t := c.Now()
		if en.Time != nil {
			sec := int64(*en.Time)
			t = time.Unix(sec, int64((*en.Time-float64(sec))*1e9)).UTC()
		}
		var detail bytes.Buffer
		if err := json.Compact(&detail, []byte(*en.Detail)); err != nil {
			fail("MalformedDetail", "Detail is malformed.")
			continue
		}
		ev := world.Event{DetailType: en.DetailType, Source: en.Source, Account: c.Account.ID, Time: t, Region: c.Region,
			Resources: en.Resources, Detail: detail.Bytes()}
		sends = append(sends, send{i, ref, ev})
	}
	// Assign IDs and judge the buses under the lock; deliver after.
	e := &c.World.Events
	org := ""
	for _, s := range sends {
		if s.ref.account != c.Account.ID {
			org = c.World.OrgIDOf(c.Account.ID)
			break
		}
	}
	a := access{account: c.Account.ID, principal: c.Principal.ARN, org: org}
	e.Lock()
	var deliver []send
	for _, s := range sends {
		var b *world.EventBus
		if s.ref.region == c.Region {
			b = e.Bus(s.ref.account, s.ref.region, s.ref.name)
		}
		switch {
		case b == nil:
			results[s.i] = putEventsResult{ErrorCode: "ResourceNotFoundException", ErrorMessage: fmt.Sprintf("Event bus %s does not exist.", s.ref.name)}
			failed++
			continue
		case !a.allowed(b, "events:PutEvents"):
			results[s.i] = putEventsResult{ErrorCode: "AccessDeniedException", ErrorMessage: fmt.Sprintf("User: %s is not authorized to perform: events:PutEvents on resource: %s because no resource-based policy allows the events:PutEvents action", c.Principal.ARN, b.ARN())}
			failed++
			continue
		}
		s.ev.ID = e.NewEventID()
		results[s.i].EventId = s.ev.ID
		deliver = append(deliver, s)
	}
	e.Unlock()
	for _, s := range deliver {
		c.World.PutEvent(s.ref.account, s.ref.region, s.ref.name, s.ev)
	}
	return struct {
		FailedEntryCount int
		Entries          []putEventsResult
	}{failed, results}, nil
}

// mandatory are the fields TestEventPattern requires of its event.
var mandatory = []string{"id", "account", "source", "time", "region", "resources", "detail-type"}

func testEventPattern(c *svc.Ctx) (any, error) {
	var in struct {
		EventPattern string
		Event        string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	var ev map[string]json.RawMessage
	if json.Unmarshal([]byte(in.Event), &ev) != nil {
		return nil, validation("Parameter Event is not valid.")
	}
	for _, k := range mandatory {
		if _, ok := ev[k]; !ok {
			return nil, validation("Parameter Event is not valid. Reason: Event is missing the mandatory field %s.", k)
		}
	}
	p, err := compilePattern(in.EventPattern)
	if err != nil {
		return nil, err
	}
	return struct{ Result bool }{p.MatchString(in.Event)}, nil
}
