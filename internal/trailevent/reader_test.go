package trailevent

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/guardrail-sec/guardrail/internal/trailevent/trailgen"
)

// rec is a small valid record.
func rec(id string) string {
	return `{"eventVersion":"1.09","eventID":"` + id + `","eventTime":"2026-06-01T10:00:00Z","eventName":"DescribeInstances","eventSource":"ec2.amazonaws.com","requestParameters":{"a":[1,{"b":"]}"}]}}`
}

// pretty is a record as the console shows it: indented, one field a
// line, nested objects indented too.
func pretty(id string) string {
	return "{\n  \"eventVersion\": \"1.09\",\n  \"eventID\": \"" + id + "\",\n  \"eventTime\": \"2026-06-01T10:00:00Z\",\n" +
		"  \"eventName\": \"DescribeInstances\",\n  \"requestParameters\": {\n    \"a\": [\n      {\n        \"b\": 1\n      }\n    ]\n  }\n}"
}

// readAll reads r to the end and describes each outcome: "id@offset"
// for a record, "!offset:message" for a fault.
func readAll(t *testing.T, rd *Reader) []string {
	t.Helper()
	return readAllWith(t, rd, rd.Next)
}

// readAllRaw is readAll through NextRaw, the records decoded by the
// caller and refused ones reported with BadRecord: the same outcomes.
func readAllRaw(t *testing.T, rd *Reader) []string {
	t.Helper()
	var d Decoder
	return readAllWith(t, rd, func() (*Event, error) {
		raw, err := rd.NextRaw()
		if err != nil {
			return nil, err
		}
		ev, err := d.Decode(raw)
		if err != nil {
			return nil, rd.BadRecord(err)
		}
		return ev, nil
	})
}

func readAllWith(t *testing.T, rd *Reader, next func() (*Event, error)) []string {
	t.Helper()
	var out []string
	for range 10000 {
		ev, err := next()
		var me *MalformedError
		switch {
		case err == io.EOF:
			return out
		case errors.As(err, &me):
			if me.File != "f.json" || me.Offset != rd.Offset() {
				t.Errorf("fault %v: file %q, Offset() %d", me, me.File, rd.Offset())
			}
			out = append(out, fmt.Sprintf("!%d:%s", me.Offset, me.Msg))
		case err != nil:
			t.Fatalf("Next: %v", err)
		default:
			out = append(out, fmt.Sprintf("%s@%d", ev.ID, rd.Offset()))
		}
	}
	t.Fatal("Next never returned io.EOF")
	return nil
}

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func TestReader(t *testing.T) {
	r1, r2, r3 := rec("a"), rec("b"), rec("c")
	file := `{"Records":[` + r1 + `,` + r2 + `,` + r3 + `]}`
	o2 := int64(len(`{"Records":[`+r1) + 1)
	o3 := o2 + int64(len(r2)) + 1
	full := []string{"a@12", fmt.Sprintf("b@%d", o2), fmt.Sprintf("c@%d", o3)}
	for _, tc := range []struct {
		name, in string
		want     []string
		prefix   bool // want is a prefix of the outcomes, the last one a fault that contains the message
	}{
		{"plain", file, full, false},
		{"gzip", gz(file), full, false},
		{"spaced", " \n{ \"Records\" : [ " + r1 + " ,\n " + r2 + " ] } ", []string{"a@18", fmt.Sprintf("b@%d", 18+len(r1)+4)}, false},
		{"empty records", `{"Records":[]}`, nil, false},
		{"an array", `[` + r1 + `,` + r2 + `]`, []string{"a@1", fmt.Sprintf("b@%d", 2+len(r1))}, false},
		{"JSON lines", r1 + "\n" + r2 + "\n", []string{"a@0", fmt.Sprintf("b@%d", len(r1)+1)}, false},
		{"one record", r1, []string{"a@0"}, false},

		// A bad record is reported and skipped.
		{"invalid JSON in a record", `{"Records":[` + r1 + `,{"eventID":"x","a":tru},` + r3 + `]}`,
			[]string{"a@12", fmt.Sprintf("!%d:bad record: not valid JSON", 13+len(r1)), fmt.Sprintf("c@%d", 13+len(r1)+len(`{"eventID":"x","a":tru}`)+1)}, true},
		{"missing eventID", `{"Records":[{"eventTime":"2026-06-01T10:00:00Z","eventName":"X"},` + r2 + `]}`,
			[]string{"!12:bad record: no eventID", fmt.Sprintf("b@%d", 13+len(`{"eventTime":"2026-06-01T10:00:00Z","eventName":"X"}`))}, false},
		{"missing eventTime", `{"Records":[{"eventID":"x","eventName":"X"}]}`, []string{"!12:bad record: no eventTime"}, false},
		{"missing eventName", `{"Records":[{"eventID":"x","eventTime":"2026-06-01T10:00:00Z"}]}`, []string{"!12:bad record: no eventName"}, false},
		{"not a record", `{"Records":[7,"x",null,` + r1 + `]}`,
			[]string{"!12:not a record (want a JSON object)", "!14:not a record (want a JSON object)", "!18:not a record (want a JSON object)", "a@23"}, false},
		{"stray bracket in a stream", r1 + "]" + r2, []string{"a@0", fmt.Sprintf("!%d:not a record (want a JSON object)", len(r1)), fmt.Sprintf("b@%d", len(r1)+1)}, false},

		// In a stream, a line that starts with { starts a record: a bad
		// line is reported alone, the records after it are read.
		{"JSON lines, a line cut short", `{"eventID":"x","a":` + "\n" + r2 + "\n" + r3 + "\n",
			[]string{"!0:bad record: not valid JSON", fmt.Sprintf("b@%d", 20), fmt.Sprintf("c@%d", 21+len(r2))}, true},
		{"JSON lines, a string that does not close", `{"eventID":"x","a":"open}` + "\n" + r2 + "\n" + r3,
			[]string{"!0:bad record: not valid JSON", fmt.Sprintf("b@%d", 26), fmt.Sprintf("c@%d", 27+len(r2))}, true},
		{"JSON lines, a brace short", `{"eventID":"x","a":{"b":1}` + "\r\n" + r2 + "\n" + r3,
			[]string{"!0:bad record: not valid JSON", fmt.Sprintf("b@%d", 28), fmt.Sprintf("c@%d", 29+len(r2))}, true},
		{"JSON lines, the last line cut short", r2 + "\n" + `{"eventID":"x","a":`, []string{"b@0", fmt.Sprintf("!%d:the file ends inside a record", len(r2)+20)}, false},
		{"pretty-printed records", pretty("a") + "\n" + pretty("b") + "\n", []string{"a@0", fmt.Sprintf("b@%d", len(pretty("a"))+1)}, false},
		{"pretty-printed, one cut short", pretty("a")[:60] + "\n" + pretty("b") + "\n",
			[]string{"!0:bad record: not valid JSON", "b@61"}, true},

		// A file that stops short: what came before is read, then one fatal fault.
		{"truncated in a record", file[:len(file)-40], []string{"a@12", fmt.Sprintf("b@%d", o2), fmt.Sprintf("!%d:the file ends inside a record", len(file)-40)}, false},
		{"unclosed array", `{"Records":[` + r1, []string{"a@12", fmt.Sprintf("!%d:the file ends inside the Records array", 12+len(r1))}, false},

		// Not a log file.
		{"empty", ``, []string{`!0:empty file, not a CloudTrail log file ({"Records":[...]})`}, false},
		{"blank", "  \n", []string{"!3:the file ends before the first record"}, false},
		{"text", `hello`, []string{`!0:not a CloudTrail log file: want {"Records":[...]}, an array of records, or records one after another`}, false},
		{"empty object", `{}`, []string{`!0:not a CloudTrail log file: an empty object, no Records array`}, false},
		{"Records not an array", `{"Records":{}}`, []string{`!11:Records is not an array`}, false},
		{"bad gzip header", "\x1f\x8bnot gzip at all", []string{"!0:not a valid gzip file"}, true},
		{"no key", `{7}`, []string{"!1:not valid JSON: want a key"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, wrap := range []struct {
				name string
				r    func(io.Reader) io.Reader
				read func(*testing.T, *Reader) []string
			}{{"whole", func(r io.Reader) io.Reader { return r }, readAll}, {"byte by byte", iotest.OneByteReader, readAll},
				{"raw", func(r io.Reader) io.Reader { return r }, readAllRaw}} {
				got := wrap.read(t, NewReader("f.json", wrap.r(strings.NewReader(tc.in))))
				if tc.prefix {
					ok := len(got) == len(tc.want)
					for i := 0; ok && i < len(got); i++ {
						ok = strings.HasPrefix(got[i], tc.want[i])
					}
					if !ok {
						t.Errorf("%s: got\n%q\nwant\n%q (prefixes)", wrap.name, got, tc.want)
					}
					continue
				}
				if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
					t.Errorf("%s: got\n%q\nwant\n%q", wrap.name, got, tc.want)
				}
			}
		})
	}
}

// TestReaderTruncatedGzip: a truncated gzip file yields the records
// before the cut, then says it is truncated, at the offset where its
// content stops.
func TestReaderTruncatedGzip(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"Records":[`)
	for i, r := range trailgen.Records(200, 5) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(r)
	}
	b.WriteString(`]}`)
	z := gz(b.String())
	rd := NewReader("f.json.gz", strings.NewReader(z[:len(z)-100]))
	var faults []*MalformedError
	n := 0
	for {
		_, err := rd.Next()
		var me *MalformedError
		switch {
		case err == io.EOF:
		case errors.As(err, &me):
			faults = append(faults, me)
			continue
		case err != nil:
			t.Fatal(err)
		default:
			n++
			continue
		}
		break
	}
	if n < 150 || n >= 200 {
		t.Errorf("read %d of 200 records before the cut", n)
	}
	if len(faults) != 1 {
		t.Fatalf("faults %v, want one", faults)
	}
	f := faults[0]
	if !f.Fatal || !strings.Contains(f.Msg, "truncated or corrupt gzip stream (unexpected EOF)") || f.Offset <= 0 || f.Offset > int64(b.Len()) ||
		!strings.HasPrefix(f.Error(), "f.json.gz: offset ") {
		t.Errorf("fault = %+v", f)
	}
}

// TestReaderLarge: a file larger than the reader's buffer, gzipped and
// read in pieces, yields every record once, in order.
func TestReaderLarge(t *testing.T) {
	recs := trailgen.Records(3000, 3)
	var b bytes.Buffer
	b.WriteString(`{"Records":[`)
	for i, r := range recs {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.Write(r)
	}
	b.WriteString("]}\n")
	plain := b.Bytes()
	for _, in := range []io.Reader{bytes.NewReader(plain), iotest.HalfReader(strings.NewReader(gz(string(plain))))} {
		rd := NewReader("big", in)
		var d Decoder
		i := 0
		for {
			ev, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			want, _ := d.Decode(recs[i])
			if ev.ID != want.ID || !bytes.Equal(ev.Raw, recs[i]) || !bytes.Equal(plain[rd.Offset():rd.Offset()+int64(len(ev.Raw))], ev.Raw) {
				t.Fatalf("record %d: %s at %d, want %s", i, ev.ID, rd.Offset(), want.ID)
			}
			i++
		}
		if i != len(recs) {
			t.Errorf("read %d records, want %d", i, len(recs))
		}
	}
}

// TestReaderTooLarge: a record over MaxRecord is refused: skipped when
// the reader could hold it, the end of the file when it could not.
func TestReaderTooLarge(t *testing.T) {
	big := `{"eventID":"x","eventTime":"2026-06-01T10:00:00Z","eventName":"X","pad":"` + strings.Repeat("a", MaxRecord) + `"}`
	for _, tc := range []struct {
		in    string
		after []string
	}{
		{`{"Records":[` + big + `,` + rec("b") + `]}`, []string{fmt.Sprintf("b@%d", 13+len(big))}},
		{`{"Records":[` + big[:len(big)-2] + strings.Repeat("a", MaxRecord) + `"}]}`, nil},
	} {
		got := readAll(t, NewReader("f.json", strings.NewReader(tc.in)))
		if len(got) != 1+len(tc.after) || !strings.HasPrefix(got[0], "!12:a record of ") || !strings.Contains(got[0], fmt.Sprint("more than ", MaxRecord)) ||
			strings.Join(got[1:], " ") != strings.Join(tc.after, " ") {
			t.Errorf("got %.200q", got)
		}
	}
}

// failing is a reader that fails after its data.
type failing struct{ r io.Reader }

func (f failing) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errors.New("connection reset")
	}
	return n, err
}

func TestReaderReadError(t *testing.T) {
	rd := NewReader("f.json", failing{strings.NewReader(`{"Records":[` + rec("a") + `,` + rec("b"))})
	got := readAll(t, rd)
	if len(got) != 3 || got[0] != "a@12" || !strings.Contains(got[2], "cannot read inside the Records array: connection reset") {
		t.Errorf("got %q", got)
	}
}
