// Package macie2 simulates Amazon Macie (restJson1, signing name macie2):
// the Macie session of an account in a region, automated sensitive data
// discovery, and the account's administrator. As AWS does, every call but
// EnableMacie answers AccessDeniedException "Macie is not enabled" in a
// region where Macie is off: a reader tells that apart from a real denial
// by the message.
package macie2

import (
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon Macie (restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "macie2",
		Protocol: wire.RestJSON,
		Routes: []wire.Route{
			{Method: "GET", Pattern: "/macie", Op: "GetMacieSession"},
			{Method: "POST", Pattern: "/macie", Op: "EnableMacie"},
			{Method: "PATCH", Pattern: "/macie", Op: "UpdateMacieSession"},
			{Method: "DELETE", Pattern: "/macie", Op: "DisableMacie"},
			{Method: "GET", Pattern: "/automated-discovery/configuration", Op: "GetAutomatedDiscoveryConfiguration"},
			{Method: "PUT", Pattern: "/automated-discovery/configuration", Op: "UpdateAutomatedDiscoveryConfiguration"},
			{Method: "GET", Pattern: "/administrator", Op: "GetAdministratorAccount"},
		},
		Ops: map[string]svc.Handler{
			"GetMacieSession":                       getSession,
			"EnableMacie":                           enable,
			"UpdateMacieSession":                    update,
			"DisableMacie":                          disable,
			"GetAutomatedDiscoveryConfiguration":    getDiscovery,
			"UpdateAutomatedDiscoveryConfiguration": updateDiscovery,
			"GetAdministratorAccount":               getAdministrator,
		},
	}
}

// NotEnabled is the message of the AccessDeniedException Macie answers in
// a region where it is not enabled.
const NotEnabled = "Macie is not enabled."

func notEnabled() error { return wire.Errorf(403, "AccessDeniedException", NotEnabled) }

func validation(format string, args ...any) error {
	return wire.Errorf(400, "ValidationException", format, args...)
}

func iso(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// session returns the region's Macie state when Macie is enabled.
func session(c *svc.Ctx) (*world.Macie, error) {
	m := &c.Regional().Macie
	if m.Status == "" {
		return nil, notEnabled()
	}
	return m, nil
}

var frequencies = map[string]bool{"FIFTEEN_MINUTES": true, "ONE_HOUR": true, "SIX_HOURS": true}

func getSession(c *svc.Ctx) (any, error) {
	m, err := session(c)
	if err != nil {
		return nil, err
	}
	return map[string]string{
		"createdAt": iso(m.Created), "updatedAt": iso(m.Updated), "status": m.Status,
		"findingPublishingFrequency": frequency(m),
		"serviceRole":                "arn:aws:iam::" + c.Account.ID + ":role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie",
	}, nil
}

func frequency(m *world.Macie) string {
	if m.FindingPublishingFrequency == "" {
		return "SIX_HOURS"
	}
	return m.FindingPublishingFrequency
}

type sessionIn struct {
	FindingPublishingFrequency string `json:"findingPublishingFrequency"`
	Status                     string `json:"status"`
}

func (in sessionIn) check() error {
	if in.FindingPublishingFrequency != "" && !frequencies[in.FindingPublishingFrequency] {
		return validation("findingPublishingFrequency %q is not valid", in.FindingPublishingFrequency)
	}
	if in.Status != "" && in.Status != "ENABLED" && in.Status != "PAUSED" {
		return validation("status %q is not valid", in.Status)
	}
	return nil
}

func enable(c *svc.Ctx) (any, error) {
	var in sessionIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	m := &c.Regional().Macie
	if m.Status != "" {
		return nil, wire.Errorf(409, "ConflictException", "Macie is already enabled.")
	}
	now := c.Now()
	m.Status, m.FindingPublishingFrequency, m.Created, m.Updated = "ENABLED", in.FindingPublishingFrequency, now, now
	if in.Status != "" {
		m.Status = in.Status
	}
	return struct{}{}, nil
}

func update(c *svc.Ctx) (any, error) {
	var in sessionIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	m, err := session(c)
	if err != nil {
		return nil, err
	}
	if in.Status != "" {
		m.Status = in.Status
	}
	if in.FindingPublishingFrequency != "" {
		m.FindingPublishingFrequency = in.FindingPublishingFrequency
	}
	m.Updated = c.Now()
	return struct{}{}, nil
}

// disable turns Macie off and forgets its configuration, as AWS does.
func disable(c *svc.Ctx) (any, error) {
	m, err := session(c)
	if err != nil {
		return nil, err
	}
	if m.Administrator != "" {
		return nil, wire.Errorf(409, "ConflictException", "Disassociate from the Macie administrator account before disabling Macie.")
	}
	*m = world.Macie{}
	return struct{}{}, nil
}

func discoveryStatus(m *world.Macie) string {
	if m.AutomatedDiscovery == "" {
		return "DISABLED"
	}
	return m.AutomatedDiscovery
}

func getDiscovery(c *svc.Ctx) (any, error) {
	m, err := session(c)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"status": discoveryStatus(m), "autoEnableOrganizationMembers": "NONE"}
	if m.AutomatedDiscovery == "ENABLED" {
		out["firstEnabledAt"] = iso(m.Created)
		out["lastUpdatedAt"] = iso(m.Updated)
	}
	return out, nil
}

func updateDiscovery(c *svc.Ctx) (any, error) {
	var in struct {
		Status string `json:"status"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Status != "ENABLED" && in.Status != "DISABLED" {
		return nil, validation("status must be ENABLED or DISABLED")
	}
	m, err := session(c)
	if err != nil {
		return nil, err
	}
	if m.Administrator != "" {
		return nil, wire.Errorf(403, "AccessDeniedException", "Only a Macie administrator account or a standalone account can change automated sensitive data discovery.")
	}
	m.AutomatedDiscovery, m.Updated = in.Status, c.Now()
	return struct{}{}, nil
}

func getAdministrator(c *svc.Ctx) (any, error) {
	m, err := session(c)
	if err != nil {
		return nil, err
	}
	if m.Administrator == "" {
		return struct{}{}, nil
	}
	return map[string]any{"administrator": map[string]string{
		"accountId": m.Administrator, "relationshipStatus": "Enabled", "invitedAt": iso(m.Created),
	}}, nil
}
