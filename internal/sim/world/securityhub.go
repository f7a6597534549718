package world

import "time"

// SecurityHub is an account's Security Hub state in one region.
type SecurityHub struct {
	// Hub is the account's subscription; nil means Security Hub is not
	// enabled in the region.
	Hub *SecurityHubHub `yaml:"hub,omitempty"`
	// Standards are the enabled standards subscriptions.
	Standards []SecurityHubStandard `yaml:"standards,omitempty"`
	Findings  []*SecurityHubFinding `yaml:"findings,omitempty"`
	// OrgConfig is the organization configuration, held by the delegated
	// administrator account.
	OrgConfig *SecurityHubOrgConfig `yaml:"org_config,omitempty"`
	// Aggregators are the finding aggregators created in this region.
	Aggregators []SecurityHubAggregator `yaml:"aggregators,omitempty"`
}

// SecurityHubHub is an enabled Security Hub.
type SecurityHubHub struct {
	SubscribedAt       time.Time `yaml:"subscribed_at"`
	AutoEnableControls bool      `yaml:"auto_enable_controls"`
	// ControlFindingGenerator is SECURITY_CONTROL or STANDARD_CONTROL.
	ControlFindingGenerator string            `yaml:"control_finding_generator,omitempty"`
	Tags                    map[string]string `yaml:"tags,omitempty"`
}

// SecurityHubStandard is one enabled standard.
type SecurityHubStandard struct {
	// StandardsARN, e.g. arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0.
	StandardsARN string `yaml:"standards_arn"`
	// Status is PENDING, READY, FAILED, DELETING or INCOMPLETE (READY when empty).
	Status string `yaml:"status,omitempty"`
}

// SecurityHubFinding is one finding in AWS Security Finding Format. The
// fields Guardrail filters on are typed; Doc keeps the whole document as
// imported (JSON), so nothing the importer sent is lost.
type SecurityHubFinding struct {
	ID               string    `yaml:"id"`
	ProductARN       string    `yaml:"product_arn"`
	GeneratorID      string    `yaml:"generator_id"`
	AwsAccountID     string    `yaml:"aws_account_id"`
	Types            []string  `yaml:"types"`
	CreatedAt        time.Time `yaml:"created_at"`
	UpdatedAt        time.Time `yaml:"updated_at"`
	SeverityLabel    string    `yaml:"severity_label"` // INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL
	Title            string    `yaml:"title"`
	Description      string    `yaml:"description"`
	ResourceType     string    `yaml:"resource_type"`
	ResourceID       string    `yaml:"resource_id"`
	ComplianceStatus string    `yaml:"compliance_status,omitempty"` // PASSED, WARNING, FAILED, NOT_AVAILABLE
	RecordState      string    `yaml:"record_state,omitempty"`      // ACTIVE (default), ARCHIVED
	WorkflowStatus   string    `yaml:"workflow_status,omitempty"`   // NEW (default), NOTIFIED, RESOLVED, SUPPRESSED
	NoteText         string    `yaml:"note_text,omitempty"`
	NoteUpdatedBy    string    `yaml:"note_updated_by,omitempty"`
	NoteUpdatedAt    time.Time `yaml:"note_updated_at,omitempty"`
	// Doc is the ASFF document as imported (JSON); the typed fields above
	// override its members.
	Doc string `yaml:"doc,omitempty"`
}

// SecurityHubOrgConfig is the delegated administrator's organization
// configuration.
type SecurityHubOrgConfig struct {
	AutoEnable bool `yaml:"auto_enable"`
	// AutoEnableStandards is DEFAULT or NONE.
	AutoEnableStandards string `yaml:"auto_enable_standards,omitempty"`
	// ConfigurationType is LOCAL or CENTRAL.
	ConfigurationType string `yaml:"configuration_type,omitempty"`
}

// SecurityHubAggregator is a cross-region finding aggregator.
type SecurityHubAggregator struct {
	ID string `yaml:"id"`
	// RegionLinkingMode is ALL_REGIONS, ALL_REGIONS_EXCEPT_SPECIFIED,
	// SPECIFIED_REGIONS or NO_REGIONS.
	RegionLinkingMode string   `yaml:"region_linking_mode"`
	Regions           []string `yaml:"regions,omitempty"`
}
