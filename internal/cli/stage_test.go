package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// TestStager stages pieces handed over before the part began once it
// has, and more pieces than the channel holds after; and a store that
// refuses them ends the scan with an error naming the shard and the
// scan, returned by every later put, while nothing is staged.
func TestStager(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	header := &report.Report{ID: "s1", Scope: report.Scope{OrgID: "o-1"}}
	piece := func(id string, n int) report.AccountPart {
		p := report.AccountPart{ID: id, Piece: n}
		p.Results = []control.Result{{Control: "IAM.1", Status: control.Passed}}
		p.Results[0].Resource.Account, p.Results[0].Resource.ARN = id, "arn:aws:iam::"+id+":root"
		return p
	}

	sg := newStager(ctx, st, "s1", "1/1")
	for i := range 3 {
		if err := sg.put(piece("11111111111"+string(rune('0'+i)), 0)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.BeginPart(ctx, store.StagedScan{Header: header, Parts: []string{"1/1"}}, "1/1"); err != nil {
		t.Fatal(err)
	}
	sg.begin()
	for i := range 3 * stageBatch {
		if err := sg.put(piece("222222222222", i+1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := sg.close(); err != nil {
		t.Fatal(err)
	}
	if sg.pieces != 3+3*stageBatch || sg.results != 3+3*stageBatch {
		t.Errorf("staged %d pieces, %d results; want %d of each", sg.pieces, sg.results, 3+3*stageBatch)
	}
	parts, err := st.Parts(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 1 {
		t.Fatalf("parts %+v", parts)
	}

	// A part the scan does not have: the store refuses what is staged.
	bad := newStager(ctx, st, "s1", "2/2")
	bad.begin()
	var putErr error
	for i := range 2 * stageBatch {
		if putErr = bad.put(piece("333333333333", i)); putErr != nil {
			break
		}
	}
	err = bad.close()
	if err == nil || !strings.Contains(err.Error(), "shard 2/2 of scan s1") {
		t.Errorf("staging into a part the scan does not have: %v", err)
	}
	if putErr == nil {
		// The channel may have taken every piece before the first
		// batch failed; a put now must say so.
		putErr = bad.put(piece("333333333333", 999))
	}
	if putErr == nil || putErr.Error() != err.Error() {
		t.Errorf("put after the store refused: %v, want %v", putErr, err)
	}
}
