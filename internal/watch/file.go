package watch

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/guardrail-sec/guardrail/internal/store"
)

// Kinds of malformed input.
const (
	ErrKindGzip    = "truncated gzip"
	ErrKindJSON    = "invalid JSON"
	ErrKindRecord  = "invalid record"
	ErrKindMessage = "invalid message"
	ErrKindRead    = "unreadable"
)

// maxLogFile bounds what one log file may hold uncompressed: CloudTrail
// delivers files of a few MB; a file far over this is not one.
const maxLogFile = 1 << 30

// logFile reads the records of one CloudTrail log file, gzipped or not,
// named origin: the records with their offsets in the uncompressed
// content, and what is malformed in its framing (readRecords: the engine
// decodes the records, and reports those it refuses). A truncated gzip
// stream keeps the records before the cut.
func logFile(origin string, r io.Reader) ([]Record, []store.WatchError) {
	return readRecords(origin, io.LimitReader(r, maxLogFile))
}

// FileSource replays CloudTrail log files (--from): gzipped or plain,
// {"Records": [...]}, a JSON array of records, or one record per line;
// "-" is standard input. Each file is read once, in the order given; it
// has no checkpoint: a replay read again is de-duplicated by the store.
type FileSource struct {
	Paths []string
	// Stdin is what "-" reads (os.Stdin when nil).
	Stdin io.Reader
	// BatchSize bounds the records of a batch (1000 when 0).
	BatchSize int

	next    int
	pending []Record
	errs    []store.WatchError
}

// Name is SourceFile.
func (f *FileSource) Name() string { return SourceFile }

// Next returns the next batch of the files' records.
func (f *FileSource) Next(ctx context.Context) (*Batch, error) {
	size := f.BatchSize
	if size <= 0 {
		size = 1000
	}
	for len(f.pending) < size && f.next < len(f.Paths) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := f.Paths[f.next]
		f.next++
		recs, errs := f.read(p)
		f.pending = append(f.pending, recs...)
		f.errs = append(f.errs, errs...)
	}
	if len(f.pending) == 0 && len(f.errs) == 0 {
		return nil, ErrDone
	}
	n := min(size, len(f.pending))
	b := &Batch{Records: f.pending[:n:n], Errors: f.errs}
	f.pending, f.errs = f.pending[n:], nil
	return b, nil
}

func (f *FileSource) read(path string) ([]Record, []store.WatchError) {
	if path == "-" {
		in := f.Stdin
		if in == nil {
			in = os.Stdin
		}
		return logFile("(stdin)", in)
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, []store.WatchError{{Origin: path, Kind: ErrKindRead, Message: err.Error()}}
	}
	defer file.Close()
	return logFile(path, file)
}

// CheckFiles returns an error naming the first of paths that cannot be
// read, before any work ("-" is standard input).
func CheckFiles(paths []string) error {
	for _, p := range paths {
		if p == "-" {
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		if fi.IsDir() {
			return fmt.Errorf("%s: is a directory", p)
		}
	}
	return nil
}
