package world

import (
	"sort"
	"time"
)

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
	// PolicyGen counts the changes that can change what the SCPs allow
	// (a policy created, updated, deleted, attached or detached, a policy
	// type enabled or disabled, an account moved): whoever caches the
	// effective SCPs of an account compares it. Code that changes
	// Policies, Targets or parents calls PoliciesChanged.
	PolicyGen uint64 `yaml:"-"`

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

// SCPType is the policy type of service control policies.
const SCPType = "SERVICE_CONTROL_POLICY"

// MaxSCPsPerTarget and MaxSCPSize are AWS's quotas: at most 5 SCPs
// attached to a root, OU or account, and 5,120 characters per SCP
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
const (
	MaxSCPsPerTarget = 5
	MaxSCPSize       = 5120
)

// PoliciesChanged records a change that can change what the SCPs allow.
func (o *Organization) PoliciesChanged() { o.PolicyGen++ }

// Path returns the targets from the root down to account: the root, each
// OU, the account; nil when account is not in the organization.
func (o *Organization) Path(account string) []string {
	if o == nil {
		return nil
	}
	parent := ""
	if m := o.Members[account]; m != nil {
		parent = m.Parent
	} else if account == o.ManagementAccount {
		parent = o.RootID
	} else {
		return nil
	}
	path := []string{account}
	for seen := 0; parent != "" && seen < 16; seen++ { // OUs nest at most 5 deep
		path = append(path, parent)
		if parent == o.RootID {
			break
		}
		ou := o.OUs[parent]
		if ou == nil {
			break
		}
		parent = ou.Parent
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path
}

// Attached returns the policies of type typ attached to target, by ID.
func (o *Organization) Attached(target, typ string) []*Policy {
	var out []*Policy
	for _, p := range o.Policies {
		if p.Type != typ {
			continue
		}
		for _, t := range p.Targets {
			if t == target {
				out = append(out, p)
				break
			}
		}
	}
	sortPolicies(out)
	return out
}

func sortPolicies(ps []*Policy) {
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
}

// SCPsEnabled reports whether service control policies are enabled.
func (o *Organization) SCPsEnabled() bool {
	if o == nil {
		return false
	}
	for _, t := range o.EnabledPolicyTypes {
		if t == SCPType {
			return true
		}
	}
	return false
}

// The methods below are the organization bookkeeping every service with an
// organization integration shares. Callers hold World.Mu.

// Belongs reports whether account is the management account or a member.
func (o *Organization) Belongs(account string) bool {
	if o == nil {
		return false
	}
	_, member := o.Members[account]
	return member || o.ManagementAccount == account
}

// Admins returns a copy of the delegated administrators of a service
// principal (guardduty.amazonaws.com, ...).
func (o *Organization) Admins(principal string) []DelegatedAdmin {
	return append([]DelegatedAdmin(nil), o.DelegatedAdmins[principal]...)
}

// AddAdmin registers account as a delegated administrator of principal.
func (o *Organization) AddAdmin(principal, account string, now time.Time) {
	if o.DelegatedAdmins == nil {
		o.DelegatedAdmins = map[string][]DelegatedAdmin{}
	}
	o.DelegatedAdmins[principal] = append(o.DelegatedAdmins[principal], DelegatedAdmin{Account: account, Since: now})
}

// RemoveAdmin deregisters account for principal and reports whether it was
// registered.
func (o *Organization) RemoveAdmin(principal, account string) bool {
	list := o.DelegatedAdmins[principal]
	for i, a := range list {
		if a.Account == account {
			list = append(list[:i:i], list[i+1:]...)
			if len(list) == 0 {
				delete(o.DelegatedAdmins, principal)
			} else {
				o.DelegatedAdmins[principal] = list
			}
			return true
		}
	}
	return false
}

// EnableServiceAccess turns on trusted access for principal, as enabling a
// service's organization administrator does; it keeps an earlier date.
func (o *Organization) EnableServiceAccess(principal string, now time.Time) {
	if o.ServiceAccess == nil {
		o.ServiceAccess = map[string]time.Time{}
	}
	if _, ok := o.ServiceAccess[principal]; !ok {
		o.ServiceAccess[principal] = now
	}
}
