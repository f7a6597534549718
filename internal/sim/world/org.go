package world

import "time"

// Organization is the AWS Organization: its root, OUs, member accounts,
// delegated administrators and trusted service access. Guarded by World.Mu.
type Organization struct {
	ID                 string `yaml:"id"` // o-xxxxxxxxxx
	ManagementAccount  string `yaml:"management_account"`
	ManagementEmail    string `yaml:"management_email"`
	FeatureSet         string `yaml:"feature_set"` // ALL
	RootID             string `yaml:"root_id"`     // r-xxxx
	EnabledPolicyTypes []string

	// OUs by ID (ou-xxxx-xxxxxxxx).
	OUs map[string]*OU
	// Members by account ID: the account's parent (root or OU), join data, tags.
	Members map[string]*Member
	// DelegatedAdmins maps a service principal (guardduty.amazonaws.com) to
	// the account IDs registered for it.
	DelegatedAdmins map[string][]DelegatedAdmin
	// ServiceAccess lists the service principals with trusted access.
	ServiceAccess map[string]time.Time
	// Policies are the organization's policies (SCPs), by ID.
	Policies map[string]*Policy
	// RootTags are the tags of the root.
	RootTags map[string]string `yaml:"-"`

	// Trails are copies of the management account's organization trails
	// (kept by the CloudTrail simulator) so members can see them;
	// TrailsSynced says they were copied from the management account's state.
	Trails       []OrgTrail `yaml:"-"`
	TrailsSynced bool       `yaml:"-"`
}

// OU is an organizational unit.
type OU struct {
	ID     string
	Name   string
	Parent string // root or OU ID
	Tags   map[string]string
}

// Member is an account's membership of the organization.
type Member struct {
	Account      string
	Parent       string // root or OU ID
	Status       string // ACTIVE, SUSPENDED, PENDING_CLOSURE
	JoinedMethod string // INVITED, CREATED
	Joined       time.Time
	Tags         map[string]string
}

// DelegatedAdmin is one delegated administrator registration.
type DelegatedAdmin struct {
	Account string
	Since   time.Time
}

// Policy is an organization policy (SCP, tag policy, ...).
type Policy struct {
	ID          string
	Name        string
	Description string
	Type        string // SERVICE_CONTROL_POLICY
	Content     string
	AWSManaged  bool
	Targets     []string // root, OU or account IDs
	Tags        map[string]string
}
