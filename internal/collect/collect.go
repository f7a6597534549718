// Package collect defines collectors: one per AWS service, each reading
// the service through the AWS SDK for Go v2 and filling its part of the
// snapshot for one target. A collector declares the IAM actions it calls,
// so the read-only policy Guardrail needs is generated from the
// declarations (Policy), never written by hand.
//
// Collectors live in collect/<service>; collect/registry lists them.
// A collector returns an error only when its state as a whole could not be
// read (the list call failed); the engine records that as a Gap and the
// controls that need it report ERROR. A detail that could not be read for
// one resource is recorded on the resource, and the rest goes on.
package collect

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// Collector reads one AWS service for one target.
type Collector struct {
	// Name identifies the collector in gaps, controls' Needs and logs
	// ("iam", "s3", "ec2").
	Name string
	// Global collectors run once per account, in its home region;
	// the others once per (account, region).
	Global bool
	// Actions are the IAM actions Collect may call ("iam:ListUsers").
	Actions []string
	// Collect reads the service and sets its field of in.Account (global)
	// or in.Region (regional). It must return when ctx is done.
	Collect func(ctx context.Context, in Input) error
}

// Input is what a collector works on.
type Input struct {
	// Config acts in the target's account, in the target's region, with
	// the engine's rate limits and retries.
	Config aws.Config
	Target target.Target
	// Account is the account being collected; global collectors set
	// their field on it.
	Account *snapshot.Account
	// Region is the region being collected (nil for global collectors);
	// regional collectors set their field on it.
	Region *snapshot.Region
	// Now is the time of the scan (credential ages are measured from it).
	Now time.Time
	// Parts, when not empty, are the only parts of the state wanted (a
	// re-assessment of controls that read only these; see
	// control.Control.Reads). A collector that has parts may read only
	// these, and must then record every other part as not read, so that
	// no control judges from it; one that has none ignores Parts.
	Parts []string
}
