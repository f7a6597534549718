package watch

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/store"
)

// TestLogFile: every shape of log file is read, records are given with
// their offsets, and what is malformed is reported with its place and
// skipped, the records around it kept.
func TestLogFile(t *testing.T) {
	a, b, c := evSSH, evStop, evRoot
	full := logJSON(a, b, c)
	bad := []byte(`{"Records":[` + string(a.json()) + `,{"eventID": "x", oops},` + string(c.json()) + `]}`)
	badAt := int64(bytes.Index(bad, []byte(`{"eventID": "x"`)))
	cut := gz(logJSON(a, b, c, evPolicy, evRead, evDenied, evTag))
	for _, tc := range []struct {
		name string
		in   []byte
		ids  []string
		errs string
	}{
		{"gzipped", gz(full), []string{"ev-ssh", "ev-stop", "ev-root"}, ""},
		{"plain", full, []string{"ev-ssh", "ev-stop", "ev-root"}, ""},
		{"array", []byte("[" + string(a.json()) + ",\n " + string(b.json()) + "]"), []string{"ev-ssh", "ev-stop"}, ""},
		{"one record per line", []byte(string(a.json()) + "\n\n" + string(b.json()) + "\n"), []string{"ev-ssh", "ev-stop"}, ""},
		{"invalid record in the middle", bad, []string{"ev-ssh", "ev-root"}, "f@" + itoa(badAt) + " invalid JSON"},
		{"records not closed", full[:len(full)-2], []string{"ev-ssh", "ev-stop", "ev-root"}, "f@" + itoa(int64(len(full)-2)) + " invalid JSON"},
		{"not JSON", []byte("hello"), nil, "f@0 invalid JSON"},
		{"empty", nil, nil, "f@0 invalid JSON"},
		{"bad gzip header", []byte{0x1f, 0x8b, 0, 0}, nil, "f@0 truncated gzip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Framed by logFile, decoded as the engine does.
			recs, errs := logFile("f", bytes.NewReader(tc.in))
			var ids []string
			for _, r := range recs {
				ev, err := (&Decoder{}).Decode(r.Raw)
				if err != nil {
					errs = append(errs, badRecord(&r, err))
					continue
				}
				if !strings.HasPrefix(tc.name, "gzip") && !bytes.Equal(tc.in[r.Offset:r.Offset+int64(len(r.Raw))], r.Raw) {
					t.Errorf("record %s: offset %d does not point at it", ev.ID, r.Offset)
				}
				ids = append(ids, ev.ID)
			}
			if !reflect.DeepEqual(ids, tc.ids) {
				t.Errorf("records %v, want %v", ids, tc.ids)
			}
			if got := fmtErrs(errs); got != tc.errs {
				t.Errorf("errors %q, want %q", got, tc.errs)
			}
		})
	}

	// A truncated gzip stream keeps the records before the cut, and says
	// where the stream ended and that a record was cut short.
	recs, errs := logFile("cut.json.gz", bytes.NewReader(cut[:len(cut)*2/3]))
	if len(recs) == 0 || len(recs) >= 7 {
		t.Errorf("truncated gzip: %d records, want some but not all 7", len(recs))
	}
	if len(errs) == 0 || errs[0].Kind != ErrKindGzip || errs[0].Origin != "cut.json.gz" || errs[0].Offset <= 0 {
		t.Errorf("truncated gzip: errors %+v", errs)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// writeFiles writes files into a directory of the test's and returns
// their paths in order.
func writeFiles(t *testing.T, files ...[]byte) []string {
	t.Helper()
	dir := t.TempDir()
	var out []string
	for i, b := range files {
		p := filepath.Join(dir, "f"+strconv.Itoa(i)+".json.gz")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// TestReplay replays an incident from files: exactly the expected alerts
// are stored, with their raw events; malformed input is counted,
// stored with its place and skipped; a replay of the same files adds no
// alert.
func TestReplay(t *testing.T) {
	st, _ := openStore(t)
	missing := evTag
	missing.id, missing.drop = "ev-missing", "eventTime"
	cut := gz(logJSON(evRead, evRead, evRead, evRead))
	paths := writeFiles(t,
		gz(logJSON(evSSH, evRead, evStop, evDenied)),
		gz(logJSON(evRoot, missing, evTag)),
		cut[:len(cut)/2],
		[]byte(string(evPolicy.json())+"\n"))
	run := func() (*Engine, *Metrics) {
		m := NewMetrics(func() time.Time { return t0.Add(time.Hour) })
		e, err := New(Options{Store: st, Rules: mustRules(t), Source: &FileSource{Paths: paths, BatchSize: 2}, Metrics: m,
			Now: func() time.Time { return t0.Add(time.Hour) }})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return e, m
	}
	e, m := run()
	want := expect("ev-ssh", "ev-stop", "ev-root", "ev-policy", "ev-denied")
	if got := alertsOf(t, st); !reflect.DeepEqual(got, want) {
		t.Errorf("alerts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	as, _, _ := st.Alerts(context.Background(), store.AlertFilter{Rules: []string{"CIS.4.10"}})
	if len(as) != 1 {
		t.Fatalf("CIS.4.10 alerts: %d", len(as))
	}
	a, err := st.Alert(context.Background(), as[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Raw, evSSH.json()) || a.Source != SourceFile || a.Origin != paths[0] || !a.EventTime.Equal(t0) ||
		a.Actor != "arn:aws:iam::"+acctA+":user/alice" || a.Severity.String() != "MEDIUM" || len(a.Controls) == 0 {
		t.Errorf("alert %+v", a)
	}
	errs, _ := st.WatchErrors(context.Background(), 0)
	var kinds []string
	for _, e := range errs {
		kinds = append(kinds, e.Origin+" "+e.Kind)
	}
	sort.Strings(kinds)
	wantKinds := []string{paths[1] + " " + ErrKindRecord, paths[2] + " " + ErrKindGzip}
	if !reflect.DeepEqual(kinds, wantKinds) {
		t.Errorf("stored errors %q, want %q", kinds, wantKinds)
	}
	if st := e.Stats(); st.Alerts.Load() != int64(len(want)) || st.Malformed.Load() != 2 || st.Events.Load() < 7 {
		t.Errorf("stats: %d alerts, %d malformed, %d events", st.Alerts.Load(), st.Malformed.Load(), st.Events.Load())
	}
	for name, want := range map[string]float64{
		`guardrail_watch_rule_matches_total{rule="GR.RootConsoleLogin"}`: 1,
		`guardrail_watch_errors_total{kind="invalid record"}`:            1,
		`guardrail_watch_errors_total{kind="truncated gzip"}`:            1,
		`guardrail_watch_lag_seconds{source="file"}`:                     57 * 60, // the newest event, ev-policy, 57 min before the clock
	} {
		if got := m.Value(name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}

	// Again: nothing new.
	e, _ = run()
	if got := alertsOf(t, st); !reflect.DeepEqual(got, want) {
		t.Errorf("alerts after a second replay:\n%s", strings.Join(got, "\n"))
	}
	if st := e.Stats(); st.Alerts.Load() != 0 || st.Duplicates.Load() != int64(len(want)) {
		t.Errorf("second replay: %d new alerts, %d duplicates; want 0, %d", st.Alerts.Load(), st.Duplicates.Load(), len(want))
	}
	if errs2, _ := st.WatchErrors(context.Background(), 0); len(errs2) != len(errs) {
		t.Errorf("second replay: %d stored errors, want %d (once per place)", len(errs2), len(errs))
	}
}

// TestScopeFilters: events of accounts and regions outside the
// selection are counted and ignored.
func TestScopeFilters(t *testing.T) {
	st, _ := openStore(t)
	sc := NewScope(nil, use1, []string{euw1, use1}, true)
	sc.Add(&Account{ID: acctA, Regions: []string{euw1, use1}})
	other := evSSH
	other.id, other.region = "ev-other-region", "ap-south-1"
	paths := writeFiles(t, gz(logJSON(evSSH, evStop, evRoot, other)))
	e, err := New(Options{Store: st, Rules: mustRules(t), Source: &FileSource{Paths: paths}, Scope: sc})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := alertsOf(t, st), expect("ev-ssh", "ev-root"); !reflect.DeepEqual(got, want) {
		t.Errorf("alerts %q, want account A's in the selected regions only: %q", got, want)
	}
	if n := e.Stats().Ignored.Load(); n != 2 {
		t.Errorf("%d events ignored, want 2 (account B, ap-south-1)", n)
	}
}
