package world

import "time"

// GuardDuty is an account's GuardDuty state in one region.
type GuardDuty struct {
	// Detector is the account's detector in the region (at most one); nil
	// means GuardDuty was never enabled here.
	Detector *GuardDutyDetector `yaml:"detector,omitempty"`
	// OrgConfig is the organization configuration, held by the delegated
	// administrator account in its own regional state.
	OrgConfig *GuardDutyOrgConfig `yaml:"org_config,omitempty"`
}

// GuardDutyDetector is a GuardDuty detector.
type GuardDutyDetector struct {
	// ID is 32 hex digits; empty means derived from account and region.
	ID string `yaml:"id,omitempty"`
	// Status is ENABLED or DISABLED.
	Status string `yaml:"status"`
	// FindingPublishingFrequency is FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS.
	FindingPublishingFrequency string    `yaml:"finding_publishing_frequency,omitempty"`
	CreatedAt                  time.Time `yaml:"created_at,omitempty"`
	UpdatedAt                  time.Time `yaml:"updated_at,omitempty"`
	// Features are the protection plans (S3_DATA_EVENTS, EKS_AUDIT_LOGS,
	// EBS_MALWARE_PROTECTION, RDS_LOGIN_EVENTS, RUNTIME_MONITORING, ...).
	// A feature not listed is DISABLED (CLOUD_TRAIL, DNS_LOGS and FLOW_LOGS
	// are always ENABLED).
	Features []GuardDutyFeature `yaml:"features,omitempty"`
	Tags     map[string]string  `yaml:"tags,omitempty"`
	Members  []GuardDutyMember  `yaml:"members,omitempty"`
	// AdministratorID is the GuardDuty administrator account this
	// detector's account is a member of (empty: standalone), as the member
	// sees it; AdministratorStatus is its relationship (Enabled default).
	AdministratorID     string `yaml:"administrator_id,omitempty"`
	AdministratorStatus string `yaml:"administrator_status,omitempty"`
}

// GuardDutyFeature is one detector feature or additional configuration.
type GuardDutyFeature struct {
	Name       string             `yaml:"name"`
	Status     string             `yaml:"status"` // ENABLED, DISABLED
	Additional []GuardDutyFeature `yaml:"additional,omitempty"`
}

// GuardDutyMember is a member account of an administrator's detector.
type GuardDutyMember struct {
	AccountID          string    `yaml:"account_id"`
	Email              string    `yaml:"email,omitempty"`
	DetectorID         string    `yaml:"detector_id,omitempty"`
	RelationshipStatus string    `yaml:"relationship_status"` // Enabled, Created, Invited, Disabled, Removed, Resigned, ...
	InvitedAt          time.Time `yaml:"invited_at,omitempty"`
	UpdatedAt          time.Time `yaml:"updated_at,omitempty"`
}

// GuardDutyOrgConfig is the organization configuration a delegated
// administrator sets: how member accounts are auto-enabled.
type GuardDutyOrgConfig struct {
	// AutoEnableOrganizationMembers is NEW, ALL or NONE.
	AutoEnableOrganizationMembers string                `yaml:"auto_enable_organization_members"`
	Features                      []GuardDutyOrgFeature `yaml:"features,omitempty"`
}

// GuardDutyOrgFeature is one feature's auto-enable setting (NEW, ALL, NONE).
type GuardDutyOrgFeature struct {
	Name       string                `yaml:"name"`
	AutoEnable string                `yaml:"auto_enable"`
	Additional []GuardDutyOrgFeature `yaml:"additional,omitempty"`
}
