package notifytest

import (
	"bytes"
	"encoding/base64"
	"io"
)

// newBase64 decodes a base64 body whose lines are broken (MIME).
func newBase64(r io.Reader) io.Reader {
	b, err := io.ReadAll(r)
	if err != nil {
		return &errReader{err}
	}
	b = bytes.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, b)
	return base64.NewDecoder(base64.StdEncoding, bytes.NewReader(b))
}

type errReader struct{ err error }

func (e *errReader) Read([]byte) (int, error) { return 0, e.err }
