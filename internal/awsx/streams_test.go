package awsx

import (
	"io"
	"strings"
	"testing"
)

// TestStreams: an output whose body is read after the call (a non-nil
// io.ReadCloser field) keeps its attempt's deadline running; others do
// not. The answer is cached per type, so ask twice.
func TestStreams(t *testing.T) {
	type object struct {
		Body io.ReadCloser
		Size int
	}
	type listing struct{ Names []string }
	for range 2 {
		for _, tc := range []struct {
			name string
			out  any
			want bool
		}{
			{"body", &object{Body: io.NopCloser(strings.NewReader("x"))}, true},
			{"nil body", &object{}, false},
			{"no body field", &listing{Names: []string{"a"}}, false},
			{"not a struct", "text", false},
			{"nil", nil, false},
		} {
			if got := streams(tc.out); got != tc.want {
				t.Errorf("%s: streams = %v, want %v", tc.name, got, tc.want)
			}
		}
	}
}
