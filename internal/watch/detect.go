package watch

import (
	"bytes"
	"errors"
	"io"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/detect"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/trailevent"
)

// The watch decodes records with package trailevent and matches the
// rules of package detect; these names are theirs.
type (
	Event   = trailevent.Event
	Decoder = trailevent.Decoder
	Rule    = detect.Rule
	RuleSet = detect.Set
)

// Rules returns the built-in rules, with the user's rules of file (none
// when file is "") added; a malformed file is an error naming
// file:line:column and the field.
func Rules(file string, cat *control.Catalog) (*RuleSet, error) {
	rs := detect.Builtin()
	if file == "" {
		return rs, nil
	}
	user, err := detect.Load(file, cat)
	if err != nil {
		return nil, err
	}
	return rs.With(user), nil
}

// readRecords reads the records of one log file with trailevent's
// reader: the records with their offsets in the uncompressed content,
// and what is malformed in the file's framing (a truncated gzip stream,
// a value that is not a record), going on after a bad record. The
// records are not decoded here: the engine decodes each once, and
// reports a record it refuses at the same place (badRecord).
func readRecords(origin string, r io.Reader) ([]Record, []store.WatchError) {
	var (
		recs []Record
		errs []store.WatchError
	)
	rd := trailevent.NewReader(origin, r)
	for {
		raw, err := rd.NextRaw()
		if errors.Is(err, io.EOF) {
			return recs, errs
		}
		var me *trailevent.MalformedError
		if errors.As(err, &me) {
			errs = append(errs, store.WatchError{Origin: origin, Offset: me.Offset, Kind: malformedKind(me.Msg), Message: me.Msg})
			continue
		}
		if err != nil {
			errs = append(errs, store.WatchError{Origin: origin, Offset: rd.Offset(), Kind: ErrKindRead, Message: err.Error()})
			return recs, errs
		}
		recs = append(recs, Record{Raw: bytes.Clone(raw), Origin: origin, Offset: rd.Offset()})
	}
}

// badRecord is the malformed input of a record that Decode refused with
// err, at the record's place: what trailevent's Reader reports for it
// (Reader.BadRecord), whichever source read it.
func badRecord(rec *Record, err error) store.WatchError {
	msg := "bad record: " + err.Error()
	return store.WatchError{Origin: rec.Origin, Offset: rec.Offset, Kind: malformedKind(msg), Message: msg}
}

// malformedKind classifies a reader's message.
func malformedKind(msg string) string {
	switch {
	case strings.Contains(msg, "gzip"):
		return ErrKindGzip
	case strings.HasPrefix(msg, "bad record: no ") || strings.Contains(msg, "is not a string") || strings.Contains(msg, "not an RFC 3339 time"):
		return ErrKindRecord
	}
	return ErrKindJSON
}
