// Package playbook holds remediation playbooks: for one control, how to
// read the live state of a failing resource, what state makes the
// control pass, and how to move the resource from one state to another.
// Rollback is a Set back to the prior state the journal kept, so a
// playbook reads everything it changes (including whether a thing
// exists: "did not exist" restores as a delete).
//
// A playbook changes only what its control judges, and never replaces
// what a user wrote when it can merge instead (a bucket policy gains a
// statement; the others are kept as they are). States are small JSON
// documents, so that the journal keeps them exactly.
//
// playbook calls AWS through the SDK's concrete clients, made per call
// (see baseline/item for why); it knows neither the journal nor the
// engine (package remediate), which re-reads, journals, changes,
// verifies and rolls back.
package playbook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Resource is the resource a finding judged.
type Resource struct {
	// ARN as the finding has it: "arn:aws:ec2:eu-west-1:111111111111:instance/i-0abc"
	// or, for an account-level control, "AWS::::Account:111111111111".
	ARN  string `json:"arn"`
	Type string `json:"type,omitempty"` // AWS::EC2::Instance
	Name string `json:"name,omitempty"`
}

// ID returns the last part of the ARN: "i-0abc" from
// "...:instance/i-0abc", "my-bucket" from "arn:aws:s3:::my-bucket",
// "alice" from "arn:aws:iam::1:user/path/alice".
func (r Resource) ID() string {
	s := r.ARN
	if i := strings.LastIndexAny(s, "/:"); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// Env is where a playbook acts.
type Env struct {
	// Config acts in Account, in Region (the finding's region; the home
	// region for an account-wide control).
	Config   aws.Config
	Account  string
	Region   string
	Resource Resource
	// Params are the values given for the playbook's Params, by name.
	Params map[string]string
	// Now is the clock (key ages, deadlines are judged by it).
	Now time.Time
}

// State is a playbook's state as JSON.
type State = json.RawMessage

// Param is a value a playbook needs from the user (a KMS key to encrypt
// trails with). Without it the playbook skips, saying which to give.
type Param struct {
	Name        string `json:"name"` // "cloudtrail-kms-key"
	Description string `json:"description"`
}

// Info describes a playbook.
type Info struct {
	// Control is the control the playbook makes pass ("EC2.8").
	Control string `json:"control"`
	// Name is "<service>.<what>": "ec2.instance-imdsv2".
	Name string `json:"name"`
	// Summary says what it changes, in one sentence.
	Summary string `json:"summary"`
	// Risk says what the change can break, for the plan.
	Risk string `json:"risk"`
	// Actions are the IAM actions Read and Set call, reads included.
	Actions []string `json:"actions"`
	Params  []Param  `json:"params,omitempty"`
	// Phase orders playbooks within a wave: every phase 0 change of the
	// wave is made before phase 1 starts, and a rollback undoes phase 1
	// first. Block Public Access is phase 1: S3 refuses to put back a
	// public ACL or policy while it is on.
	Phase int `json:"phase,omitempty"`
}

// Playbook fixes one control's failing resources.
type Playbook interface {
	Info() Info
	// Read returns the live state of what the playbook changes.
	Read(ctx context.Context, env Env) (State, error)
	// Fix returns the state that makes the control pass, given the
	// current one: equal to cur when it already passes. An error
	// wrapping ErrSkip says why this resource cannot be fixed by the
	// playbook (a parameter is missing, the fix would break what the
	// resource is for).
	Fix(env Env, cur State) (State, error)
	// Set moves the resource from cur to want (want may be a prior
	// state, for a rollback).
	Set(ctx context.Context, env Env, cur, want State) error
}

// ErrSkip marks a resource a playbook does not fix, with why.
var ErrSkip = errors.New("skipped")

// Skip returns an error wrapping ErrSkip that says why.
func Skip(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrSkip, fmt.Sprintf(format, args...))
}

// IrreversibleError says a Set did all it could, but AWS cannot put part
// of the prior state back. The engine reports it and counts the step as
// done.
type IrreversibleError struct{ What string }

func (e *IrreversibleError) Error() string { return "cannot be undone: " + e.What }

// Irreversible marks it for change.IsIrreversible.
func (e *IrreversibleError) Irreversible() {}

// def is a Playbook over a typed state S.
type def[S any] struct {
	info Info
	read func(ctx context.Context, env Env) (S, error)
	fix  func(env Env, cur S) (S, error)
	set  func(ctx context.Context, env Env, cur, want S) error
}

func (d *def[S]) Info() Info { return d.info }

func (d *def[S]) Read(ctx context.Context, env Env) (State, error) {
	s, err := d.read(ctx, env)
	if err != nil {
		return nil, err
	}
	return json.Marshal(s)
}

func (d *def[S]) Fix(env Env, cur State) (State, error) {
	var c S
	if err := json.Unmarshal(cur, &c); err != nil {
		return nil, fmt.Errorf("%s: state %s: %w", d.info.Name, cur, err)
	}
	w, err := d.fix(env, c)
	if err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

func (d *def[S]) Set(ctx context.Context, env Env, cur, want State) error {
	var c, w S
	if err := json.Unmarshal(cur, &c); err != nil {
		return fmt.Errorf("%s: state %s: %w", d.info.Name, cur, err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		return fmt.Errorf("%s: state %s: %w", d.info.Name, want, err)
	}
	return d.set(ctx, env, c, w)
}

// All returns every playbook, ordered by control.
func All() []Playbook {
	var out []Playbook
	for _, f := range []func() []Playbook{s3Playbooks, ec2Playbooks, iamPlaybooks, kmsPlaybooks, cloudtrailPlaybooks, rdsPlaybooks, lambdaPlaybooks} {
		out = append(out, f()...)
	}
	slices.SortFunc(out, func(a, b Playbook) int { return compareControls(a.Info().Control, b.Info().Control) })
	return out
}

// ByControl returns the playbook of a control, or nil.
func ByControl(id string) Playbook {
	for _, p := range All() {
		if p.Info().Control == id {
			return p
		}
	}
	return nil
}

// Controls returns the controls that have a playbook, in order.
func Controls() []string {
	var out []string
	for _, p := range All() {
		out = append(out, p.Info().Control)
	}
	return out
}

// compareControls orders control IDs by service, then number: EC2.2
// before EC2.19.
func compareControls(a, b string) int {
	sa, na := splitControl(a)
	sb, nb := splitControl(b)
	if sa != sb {
		return strings.Compare(sa, sb)
	}
	if na != nb {
		return na - nb
	}
	return strings.Compare(a, b)
}

func splitControl(id string) (string, int) {
	i := strings.LastIndexByte(id, '.')
	if i < 0 {
		return id, 0
	}
	n, err := strconv.Atoi(id[i+1:])
	if err != nil {
		return id, 0
	}
	return id[:i], n
}
