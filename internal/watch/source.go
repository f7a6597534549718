package watch

import (
	"context"
	"errors"

	"github.com/guardrail-sec/guardrail/internal/store"
)

// ErrDone is what a finite source (files) returns from Next once it has
// given everything.
var ErrDone = errors.New("source done")

// Source kinds, as alerts, metrics and checkpoints name them.
const (
	SourceSQS    = "sqs"
	SourceBucket = "bucket"
	SourceLookup = "lookup"
	SourceFile   = "file"
)

// Record is one CloudTrail record as a source read it.
type Record struct {
	Raw []byte
	// Origin is where it was read (a file, an object s3://bucket/key, a
	// queue's message), Offset the byte offset of the record in it (-1
	// when it has none).
	Origin string
	Offset int64
}

// Batch is what a source read at once, and what the watch commits in one
// transaction: the records' alerts with the malformed input met, the
// keys to mark seen (the files read in full) and the positions reached.
type Batch struct {
	Records     []Record
	Errors      []store.WatchError
	Seen        []string
	Checkpoints []store.Checkpoint
	// Done, when set, is called once the batch is settled: committed is
	// true after the commit (an SQS message is deleted then), false when
	// the watch gives the batch up (it stops first): the source leaves it
	// to be read again.
	Done func(ctx context.Context, committed bool) error
}

// A Source yields CloudTrail records in batches. Next waits for input (a
// poll interval, a long poll), returns ErrDone when a finite source has
// given everything, and returns when ctx is done. Positions advance only
// through the Checkpoints of the batches the watch commits: a source
// that restarts from the stored checkpoints reads again what was not
// committed. A source is used by one goroutine.
type Source interface {
	// Name is the source's kind (SourceSQS, ...).
	Name() string
	Next(ctx context.Context) (*Batch, error)
}
