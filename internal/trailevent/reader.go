package trailevent

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
)

// MalformedError is a part of a log file the Reader could not read: a
// record that is not valid JSON or lacks a required field, a value in
// Records that is not a record, a file that ends too soon.
type MalformedError struct {
	File string
	// Offset is where the fault is, in bytes from the start of the file
	// (of its decompressed content when the file is gzipped): the start
	// of the bad record, or where the file stops.
	Offset int64
	Msg    string
	// Fatal is true when nothing after the fault can be read (a truncated
	// or corrupt file); the next Next returns io.EOF.
	Fatal bool
}

func (e *MalformedError) Error() string {
	return fmt.Sprintf("%s: offset %d: %s", e.File, e.Offset, e.Msg)
}

// MaxRecord is the largest record a Reader accepts, in bytes. CloudTrail
// truncates what a record holds well below it; a larger one is reported
// as malformed and skipped.
const MaxRecord = 4 << 20

// readSize is how much a Reader reads at once.
const readSize = 256 << 10

// Reader reads the records of one CloudTrail log file,
// {"Records":[{...},{...}]}, plain or gzipped (told by the gzip magic
// bytes, not the name), without holding the file in memory. For replays
// it also reads an array of records, and records one after another (JSON
// lines, or records saved from the console).
type Reader struct {
	name string
	src  io.Reader
	gz   bool

	buf        []byte
	r, w       int   // unread data is buf[r:w]
	base       int64 // offset of buf[0] in the stream
	eof        bool  // src is exhausted
	readErr    error // why src stopped early
	state      int
	stream     bool // records one after another, not in an array
	lastOffset int64

	dec Decoder
}

const (
	stTop    = iota // before the Records array
	stArray         // inside it
	stDone          // after it, or after a fatal fault
	stOpened        // NewReader has not looked at the data yet
)

// NewReader returns a Reader of the file called name (used in errors)
// that r reads.
func NewReader(name string, r io.Reader) *Reader {
	return &Reader{name: name, src: r, state: stOpened}
}

// Offset is the offset of the record Next last returned or reported.
func (rd *Reader) Offset() int64 { return rd.lastOffset }

// Next returns the next record, decoded; the Event is valid until the
// next call. It returns a *MalformedError for a fault (call Next again to
// go on: it resumes after a bad record, and returns io.EOF after a fatal
// fault), io.EOF at the end, and other errors as they come from reading.
func (rd *Reader) Next() (*Event, error) {
	raw, err := rd.NextRaw()
	if err != nil {
		return nil, err
	}
	ev, err := rd.dec.Decode(raw)
	if err != nil {
		return nil, rd.BadRecord(err)
	}
	return ev, nil
}

// NextRaw is Next without the decoding: the next record's bytes, a JSON
// object as the file frames it (its brackets and strings balanced),
// valid until the next call. A caller that decodes the record itself
// (the watch decodes each record once, later) reports what Decode
// refuses with BadRecord, as Next does.
func (rd *Reader) NextRaw() ([]byte, error) {
	if rd.state == stOpened {
		if err := rd.open(); err != nil {
			rd.state = stDone
			return nil, err
		}
		rd.state = stTop
	}
	for {
		switch rd.state {
		case stDone:
			return nil, io.EOF
		case stTop:
			if err := rd.top(); err != nil {
				return nil, err
			}
		case stArray:
			return rd.record()
		}
	}
}

// BadRecord is the fault of the record NextRaw last returned, which
// Decode refused with err.
func (rd *Reader) BadRecord(err error) *MalformedError {
	return &MalformedError{File: rd.name, Offset: rd.lastOffset, Msg: "bad record: " + err.Error()}
}

// open looks at the first bytes to tell gzip from plain JSON.
func (rd *Reader) open() error {
	br := bufio.NewReaderSize(rd.src, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return rd.fatal(0, "not a valid gzip file: "+err.Error())
		}
		rd.src, rd.gz = zr, true
		return nil
	}
	rd.src = br
	return nil
}

// fatal reports a fault after which nothing can be read.
func (rd *Reader) fatal(off int64, msg string) *MalformedError {
	rd.state = stDone
	rd.lastOffset = off
	return &MalformedError{File: rd.name, Offset: off, Msg: msg, Fatal: true}
}

// more reads more of the stream into the buffer; false at its end.
func (rd *Reader) more() bool {
	if rd.eof {
		return false
	}
	if rd.r > 0 {
		n := copy(rd.buf, rd.buf[rd.r:rd.w])
		rd.base += int64(rd.r)
		rd.r, rd.w = 0, n
	}
	if len(rd.buf)-rd.w < readSize/2 {
		nb := make([]byte, max(2*len(rd.buf), rd.w+readSize))
		copy(nb, rd.buf[:rd.w])
		rd.buf = nb
	}
	for {
		n, err := rd.src.Read(rd.buf[rd.w:])
		rd.w += n
		if err != nil {
			rd.eof = true
			if err != io.EOF {
				rd.readErr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// ended describes why the file stopped short at the current position.
func (rd *Reader) ended(what string) *MalformedError {
	off := rd.base + int64(rd.w)
	switch {
	case rd.readErr == nil:
		return rd.fatal(off, "the file ends "+what)
	case rd.gz && (errors.Is(rd.readErr, io.ErrUnexpectedEOF) || errors.Is(rd.readErr, gzip.ErrChecksum)):
		return rd.fatal(off, "truncated or corrupt gzip stream ("+rd.readErr.Error()+") "+what)
	}
	return rd.fatal(off, "cannot read "+what+": "+rd.readErr.Error())
}

// top reads up to the first record: past {"Records":[ in a CloudTrail
// log file, past [ in an array of records; in a stream of records (one
// object after another, as in JSON lines), up to the first one.
func (rd *Reader) top() error {
	for {
		b := rd.buf[:rd.w]
		i := skipSpace(b, rd.r)
		if i >= rd.w {
			if rd.more() {
				continue
			}
			if rd.base+int64(rd.w) == 0 && rd.readErr == nil {
				return rd.fatal(0, `empty file, not a CloudTrail log file ({"Records":[...]})`)
			}
			return rd.ended("before the first record")
		}
		switch b[i] {
		case '[':
			rd.r, rd.state = i+1, stArray
			return nil
		case '{':
		default:
			return rd.fatal(rd.base+int64(i), `not a CloudTrail log file: want {"Records":[...]}, an array of records, or records one after another`)
		}
		// Is the first key Records?
		k := skipSpace(b, i+1)
		if k < rd.w && b[k] == '}' {
			return rd.fatal(rd.base+int64(i), `not a CloudTrail log file: an empty object, no Records array`)
		}
		if k < rd.w && b[k] != '"' {
			return rd.fatal(rd.base+int64(k), `not valid JSON: want a key`)
		}
		kend := -1
		if k < rd.w {
			kend = skipString(b, k)
		}
		if kend < 0 {
			if rd.more() {
				continue
			}
			return rd.ended("inside the first key")
		}
		if string(b[k+1:kend-1]) != "Records" {
			// A record: the file is a stream of them.
			rd.r, rd.state, rd.stream = i, stArray, true
			return nil
		}
		j := skipSpace(b, kend)
		if j < rd.w && b[j] == ':' {
			j = skipSpace(b, j+1)
		}
		if j >= rd.w {
			if rd.more() {
				continue
			}
			return rd.ended("after the Records key")
		}
		if b[j] != '[' {
			return rd.fatal(rd.base+int64(j), `Records is not an array`)
		}
		rd.r, rd.state = j+1, stArray
		return nil
	}
}

// nextRecordLine returns the index of the first { at the start of a line
// in b from i on, -1 if none.
//
// In a stream of records (JSON lines, or records saved from the console,
// pretty-printed with their nested values indented) such a line starts a
// record: a valid record never holds one (JSON strings hold no raw
// newline). It is how the reader finds the next record after one that
// does not end, which would otherwise swallow the records after it.
func nextRecordLine(b []byte, i int) int {
	j := bytes.Index(b[i:], []byte("\n{"))
	if j < 0 {
		return -1
	}
	return i + j + 1
}

// record returns the next record of the Records array, undecoded.
func (rd *Reader) record() ([]byte, error) {
	for {
		b := rd.buf[:rd.w]
		i := skipSpace(b, rd.r)
		if i >= rd.w {
			if rd.more() {
				continue
			}
			if rd.stream && rd.readErr == nil {
				rd.state = stDone
				return nil, io.EOF
			}
			return nil, rd.ended("inside the Records array")
		}
		switch {
		case b[i] == ']' && !rd.stream:
			rd.state = stDone
			return nil, io.EOF
		case b[i] == ',':
			rd.r = i + 1
			continue
		}
		off := rd.base + int64(i)
		end := skipValue(b, i)
		if rd.stream && b[i] == '{' {
			// A record of a stream cannot run into the next one: if a
			// line that starts with { comes before this record's end, the
			// record is bad (cut short, an unclosed string or object),
			// and the next one starts there.
			lim := rd.w
			if end >= 0 {
				lim = end
			}
			if next := nextRecordLine(b[:lim], i+1); next >= 0 {
				rd.r = next
				rd.lastOffset = off
				return bytes.TrimRight(b[i:next], " \t\r\n"), nil // not valid JSON: Decode says why
			}
		}
		if end < 0 || (end >= rd.w && !rd.eof && b[i] != '{' && b[i] != '[' && b[i] != '"') {
			// The value runs past what is buffered.
			if rd.w-rd.r > MaxRecord {
				return nil, rd.fatal(off, fmt.Sprintf("a record of more than %d bytes", MaxRecord))
			}
			if rd.more() {
				continue
			}
			return nil, rd.ended("inside a record")
		}
		if end == i {
			end++ // a stray delimiter: step over it
		}
		rd.r = end
		rd.lastOffset = off
		if b[i] != '{' {
			return nil, &MalformedError{File: rd.name, Offset: off, Msg: "not a record (want a JSON object)"}
		}
		if end-i > MaxRecord {
			return nil, &MalformedError{File: rd.name, Offset: off, Msg: fmt.Sprintf("a record of %d bytes, more than %d", end-i, MaxRecord)}
		}
		return b[i:end], nil
	}
}
