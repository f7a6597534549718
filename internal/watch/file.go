package watch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
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
// content, and what is malformed in it. A truncated gzip stream keeps the
// records before the cut.
func logFile(origin string, r io.Reader) ([]Record, []store.WatchError) {
	var errs []store.WatchError
	bad := func(off int64, kind, msg string) {
		errs = append(errs, store.WatchError{Origin: origin, Offset: off, Kind: kind, Message: msg})
	}
	br := &peekReader{r: r}
	head, _ := br.peek(2)
	var data []byte
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			bad(0, ErrKindGzip, err.Error())
			return nil, errs
		}
		data, err = io.ReadAll(io.LimitReader(zr, maxLogFile))
		if err != nil {
			kind := ErrKindGzip
			if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, gzip.ErrChecksum) && !errors.Is(err, gzip.ErrHeader) {
				kind = ErrKindRead
			}
			bad(int64(len(data)), kind, err.Error())
		}
	} else {
		var err error
		data, err = io.ReadAll(io.LimitReader(br, maxLogFile))
		if err != nil {
			bad(int64(len(data)), ErrKindRead, err.Error())
		}
	}
	var recs []Record
	readLog(data, func(raw []byte, off int64) {
		recs = append(recs, Record{Raw: raw, Origin: origin, Offset: off})
	}, bad)
	return recs, errs
}

// peekReader lets logFile look at the first bytes before choosing how to
// read.
type peekReader struct {
	r   io.Reader
	buf []byte
}

func (p *peekReader) peek(n int) ([]byte, error) {
	for len(p.buf) < n {
		b := make([]byte, n-len(p.buf))
		m, err := p.r.Read(b)
		p.buf = append(p.buf, b[:m]...)
		if err != nil {
			return p.buf, err
		}
	}
	return p.buf[:n], nil
}

func (p *peekReader) Read(b []byte) (int, error) {
	if len(p.buf) > 0 {
		n := copy(b, p.buf)
		p.buf = p.buf[n:]
		return n, nil
	}
	return p.r.Read(b)
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

// gunzipped reports whether b starts like a gzip stream.
func gunzipped(b []byte) bool { return bytes.HasPrefix(b, []byte{0x1f, 0x8b}) }
