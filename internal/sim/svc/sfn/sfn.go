// Package sfn simulates AWS Step Functions state machines (awsJson1.0):
// ListStateMachines (maxResults 0-1000, 0 meaning the default of 100;
// nextToken), DescribeStateMachine, CreateStateMachine and
// UpdateStateMachine (logging configuration).
package sfn

import (
	"cmp"
	"regexp"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the AWS Step Functions (awsJson1.0) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "states",
		Protocol: wire.JSON10,
		Ops: map[string]svc.Handler{
			"ListStateMachines":    listStateMachines,
			"DescribeStateMachine": describeStateMachine,
			"CreateStateMachine":   createStateMachine,
			"UpdateStateMachine":   updateStateMachine,
		},
	}
}

func errf(code, format string, args ...any) error { return wire.Errorf(400, code, format, args...) }

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func arnOf(c *svc.Ctx, name string) string { return c.ARN("states", "stateMachine:"+name) }

func listStateMachines(c *svc.Ctx) (any, error) {
	var in struct {
		MaxResults int    `json:"maxResults"`
		NextToken  string `json:"nextToken"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.MaxResults < 0 || in.MaxResults > 1000 {
		return nil, errf("ValidationException", "maxResults must be between 0 and 1000")
	}
	type item struct {
		StateMachineArn string  `json:"stateMachineArn"`
		Name            string  `json:"name"`
		Type            string  `json:"type"`
		CreationDate    float64 `json:"creationDate"`
	}
	var all []item
	for _, m := range c.Regional().StepFunctions.StateMachines {
		all = append(all, item{arnOf(c, m.Name), m.Name, cmp.Or(m.Type, "STANDARD"), epoch(m.Created)})
	}
	page, next, err := svc.Page(all, in.NextToken, in.MaxResults, 100, "InvalidToken")
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []item{}
	}
	return struct {
		StateMachines []item `json:"stateMachines"`
		NextToken     string `json:"nextToken,omitempty"`
	}{page, next}, nil
}

var machineARN = regexp.MustCompile(`^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):stateMachine:([A-Za-z0-9_-]{1,80})$`)

func find(c *svc.Ctx, arn string) (*world.StateMachine, error) {
	m := machineARN.FindStringSubmatch(arn)
	if m == nil {
		return nil, errf("InvalidArn", "Invalid Arn: '%s'", arn)
	}
	if m[1] == c.Region && m[2] == c.Account.ID {
		for _, sm := range c.Regional().StepFunctions.StateMachines {
			if sm.Name == m[3] {
				return sm, nil
			}
		}
	}
	return nil, errf("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
}

type destination struct {
	CloudWatchLogsLogGroup struct {
		LogGroupArn string `json:"logGroupArn"`
	} `json:"cloudWatchLogsLogGroup"`
}

type logging struct {
	Level                string        `json:"level"`
	IncludeExecutionData bool          `json:"includeExecutionData"`
	Destinations         []destination `json:"destinations,omitempty"`
}

func describeStateMachine(c *svc.Ctx) (any, error) {
	var in struct {
		StateMachineArn string `json:"stateMachineArn"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	m, err := find(c, in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	l := logging{Level: cmp.Or(m.LogLevel, "OFF"), IncludeExecutionData: m.IncludeExecutionData}
	if m.LogGroupARN != "" {
		var d destination
		d.CloudWatchLogsLogGroup.LogGroupArn = m.LogGroupARN
		l.Destinations = []destination{d}
	}
	return map[string]any{
		"stateMachineArn":      arnOf(c, m.Name),
		"name":                 m.Name,
		"status":               "ACTIVE",
		"definition":           cmp.Or(m.Definition, `{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}`),
		"roleArn":              m.RoleARN,
		"type":                 cmp.Or(m.Type, "STANDARD"),
		"creationDate":         epoch(m.Created),
		"loggingConfiguration": l,
		"tracingConfiguration": map[string]bool{"enabled": m.TracingEnabled},
	}, nil
}

func apply(m *world.StateMachine, l *logging) error {
	if l == nil {
		return nil
	}
	switch l.Level {
	case "ALL", "ERROR", "FATAL", "OFF":
	default:
		return errf("ValidationException", "logging level must be ALL, ERROR, FATAL or OFF")
	}
	if l.Level != "OFF" && len(l.Destinations) == 0 {
		return errf("InvalidLoggingConfiguration", "Invalid Logging Configuration: Must specify exactly one Log Destination.")
	}
	m.LogLevel, m.IncludeExecutionData, m.LogGroupARN = l.Level, l.IncludeExecutionData, ""
	if len(l.Destinations) > 0 {
		m.LogGroupARN = l.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn
	}
	return nil
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

func createStateMachine(c *svc.Ctx) (any, error) {
	var in struct {
		Name                 string   `json:"name"`
		Definition           string   `json:"definition"`
		RoleArn              string   `json:"roleArn"`
		Type                 string   `json:"type"`
		LoggingConfiguration *logging `json:"loggingConfiguration"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if !nameRE.MatchString(in.Name) {
		return nil, errf("InvalidName", "Invalid Name: '%s'", in.Name)
	}
	if !strings.Contains(in.Definition, "StartAt") {
		return nil, errf("InvalidDefinition", "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field \"StartAt\" is required'")
	}
	r := c.Regional()
	for _, m := range r.StepFunctions.StateMachines {
		if m.Name == in.Name {
			return nil, errf("StateMachineAlreadyExists", "State Machine Already Exists: '%s'", arnOf(c, in.Name))
		}
	}
	m := &world.StateMachine{Name: in.Name, Definition: in.Definition, RoleARN: in.RoleArn, Type: in.Type, Created: c.Now()}
	if err := apply(m, in.LoggingConfiguration); err != nil {
		return nil, err
	}
	r.StepFunctions.StateMachines = append(r.StepFunctions.StateMachines, m)
	return map[string]any{"stateMachineArn": arnOf(c, m.Name), "creationDate": epoch(m.Created)}, nil
}

func updateStateMachine(c *svc.Ctx) (any, error) {
	var in struct {
		StateMachineArn      string   `json:"stateMachineArn"`
		LoggingConfiguration *logging `json:"loggingConfiguration"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	m, err := find(c, in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	if err := apply(m, in.LoggingConfiguration); err != nil {
		return nil, err
	}
	return map[string]any{"updateDate": epoch(c.Now())}, nil
}
