// Package item holds the baseline's items: one setting of one AWS
// service that the baseline manages in a target (GuardDuty's detector in
// a region, the IAM password policy of an account, the organization's
// delegated administrators). Each item can Read the current state, say
// what state the spec Wants, and Set a target from one state to another.
// Rollback is a Set back to the prior state the journal kept, so an item
// must read everything it changes, including whether the thing exists:
// "did not exist" restores as delete or disable.
//
// States are small JSON documents, so that the journal can keep them
// exactly and a later run can put them back. item calls AWS through the
// SDK's concrete clients, made once per Env (Clients) and never stored in an interface
// (that would make the linker keep every method of the client: tens of
// MB of binary); it does not know the journal or the engine.
package item

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
	"github.com/guardrail-sec/guardrail/internal/jsondiff"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// Scope says where an item acts.
type Scope int

const (
	// Regional items act in every region of an account.
	Regional Scope = iota
	// Global items act once per account, in the home region.
	Global
)

func (s Scope) String() string { return [...]string{"regional", "global"}[s] }

// Org names the organization's central accounts.
type Org struct {
	ID         string
	Management string
	Security   string
	LogArchive string
	Home       string
}

// Env is what an item acts with in one target.
type Env struct {
	// Config acts in Target.Account; its Region is Target.Region.
	Config   aws.Config
	Target   target.Target
	Org      Org
	Settings *spec.Settings
	// Clients, when set, keeps the SDK clients made in Target for the
	// calls of several items (see Clients).
	Clients *Clients
}

// State is an item's state as JSON.
type State = json.RawMessage

// Item is one managed setting.
type Item interface {
	// Name is "<service>.<setting>", like "guardduty.detector".
	Name() string
	Scope() Scope
	// Phase orders items across accounts: phase 0 (the organization's
	// delegated administrators, the log bucket) completes everywhere
	// before phase 1 starts, and rollback runs phases in reverse.
	Phase() int
	// Applies returns why the item does not apply at env, or "".
	Applies(env Env) string
	Read(ctx context.Context, env Env) (State, error)
	// Want returns the state the settings ask for, given the current one.
	Want(env Env, cur State) (State, error)
	// Set moves the target from cur to want.
	Set(ctx context.Context, env Env, cur, want State) error
}

// def is an Item over a typed state S.
type def[S any] struct {
	name    string
	scope   Scope
	phase   int
	applies func(env Env) string
	read    func(ctx context.Context, env Env) (S, error)
	want    func(env Env, cur S) S
	set     func(ctx context.Context, env Env, cur, want S) error
}

func (d *def[S]) Name() string           { return d.name }
func (d *def[S]) Scope() Scope           { return d.scope }
func (d *def[S]) Phase() int             { return d.phase }
func (d *def[S]) Applies(env Env) string { return d.applies(env) }

func (d *def[S]) Read(ctx context.Context, env Env) (State, error) {
	s, err := d.read(ctx, env)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return json.Marshal(s)
}

func (d *def[S]) Want(env Env, cur State) (State, error) {
	var c S
	if err := json.Unmarshal(cur, &c); err != nil {
		return nil, fmt.Errorf("%s: state %s: %w", d.name, cur, err)
	}
	return json.Marshal(d.want(env, c))
}

func (d *def[S]) Set(ctx context.Context, env Env, cur, want State) error {
	var c, w S
	if err := json.Unmarshal(cur, &c); err != nil {
		return fmt.Errorf("%s: state %s: %w", d.name, cur, err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		return fmt.Errorf("%s: state %s: %w", d.name, want, err)
	}
	return d.set(ctx, env, c, w)
}

// Change is one field that differs.
type Change = jsondiff.Field

// Diff lists the fields of two states that differ (jsondiff.Diff).
func Diff(cur, want State) []Change { return jsondiff.Diff(cur, want) }

// All returns every item in the order they run within a target.
func All() []Item {
	return []Item{
		delegatedAdmins(),
		logArchiveBucket(),
		passwordPolicy(),
		accountPublicAccessBlock(),
		trail(),
		ebsEncryption(),
		configRecorder(),
		configAggregator(),
		guardDutyDetector(),
		guardDutyAutoEnable(),
		securityHub(),
		securityHubAggregator(),
		accessAnalyzer(),
		orgAccessAnalyzer(),
		inspector(),
		detectiveGraph(),
	}
}

// Names returns the names of items.
func Names(items []Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Name()
	}
	return out
}

// Service returns the service part of an item name ("guardduty").
func Service(name string) string {
	for i := range len(name) {
		if name[i] == '.' {
			return name[:i]
		}
	}
	return name
}

// Reasons an item does not apply.
const (
	NotManaged     = "not managed by the spec"
	NoOrganization = "not in an AWS Organization"
)

// inHome is for regional resources the baseline keeps in the home
// region only (aggregators).
func inHome(env Env) bool { return env.Target.Region == env.Org.Home }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
