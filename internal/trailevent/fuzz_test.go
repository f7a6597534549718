package trailevent

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzReader: whatever the file holds, the Reader neither panics nor
// stalls: each Next returns a record, a fault or the end, and the end
// comes within as many calls as the file has bytes.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		`{"Records":[` + rec("a") + `,` + rec("b") + `]}`,
		`[` + rec("a") + `]`,
		rec("a") + "\n" + rec("b"),
		`{"Records":[1,"x",{"eventID":"a"},]}`,
		`{"Records":[{"a":"\"}"}`,
		`{"x":{"Records":[]},"Records":[` + rec("a") + `]}`,
		"\x1f\x8b\x08\x00",
		`]]]}}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		rd := NewReader("fuzz", strings.NewReader(in))
		for range len(in) + 3 {
			ev, err := rd.Next()
			if err == io.EOF {
				return
			}
			var me *MalformedError
			if err != nil && !errors.As(err, &me) {
				t.Fatalf("Next: %v", err)
			}
			if err == nil {
				ev.Get("$.requestParameters.a[0].b")
				ev.EventBridge()
			}
		}
		t.Fatalf("no end after %d calls", len(in)+3)
	})
}
