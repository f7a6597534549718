package store

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"
	"time"

	"github.com/guardrail-sec/guardrail/internal/score"
)

// TestMigrateInventory: a database of schema 1 with findings in it is
// brought to schema 2: its findings keep everything and have no
// exposure, and the inventory is empty.
func TestMigrateInventory(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "guardrail.db")
	s, err := openSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := fs.ReadFile(migrationFS, "migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, s.w, s.d, fstest.MapFS{"migrations/0001_init.sql": {Data: v1}}, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO findings (id, control, title, account, account_name, ou_path, region, resource_arn,
resource_type, resource_name, resource_tags, standards, severity, severity_overridden, compliance, reason, workflow, suppression, notes,
first_seen, last_seen, updated_at, last_scan) VALUES ('f1', 'EC2.8', 'IMDSv2', '111111111111', 'prod', '', 'eu-west-1',
'arn:aws:ec2:eu-west-1:111111111111:instance/i-1', 'AwsEc2Instance', 'i-1', '', '', 3, 0, 'FAILED', 'IMDSv1', 'NEW', '', '', 1, 2, 1, 's1')`); err != nil {
		t.Fatal(err)
	}
	s.Close()

	st, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open a schema 1 database: %v", err)
	}
	defer st.Close()
	f, _, err := st.Finding(ctx, "f1")
	if err != nil {
		t.Fatal(err)
	}
	if f.Exposure != 0 || f.Control != "EC2.8" || f.ResourceName != "i-1" || f.LastScan != "s1" {
		t.Errorf("migrated finding %+v", f)
	}
	if rs, err := st.Resources(ctx, ResourceFilter{}); err != nil || len(rs) != 0 {
		t.Errorf("resources after migration: %v, %v; want none", rs, err)
	}
}

// TestMigrateDashboardScale: a database of schema 7 with findings and a
// complete scan in it is brought to schema 8: the summary counts, the
// text index and the score trend are made from what it holds, so its
// dashboard answers as before.
func TestMigrateDashboardScale(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "guardrail.db")
	s, err := openSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v7 := fstest.MapFS{}
	ms, err := migrations(migrationFS)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:7] {
		v7[fmt.Sprintf("migrations/%04d_%s.sql", m.version, m.name)] = &fstest.MapFile{Data: []byte(m.sql)}
	}
	if err := migrate(ctx, s.w, s.d, v7, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ id, arn, compliance, workflow string }{
		{"f1", "arn:aws:ec2:eu-west-1:111111111111:instance/i-0Legacy", "FAILED", "NEW"},
		{"f2", "arn:aws:ec2:eu-west-1:111111111111:instance/i-0other", "FAILED", "SUPPRESSED"},
		{"f3", "arn:aws:ec2:eu-west-1:111111111111:instance/i-0third", "PASSED", "RESOLVED"},
	} {
		if _, err := s.w.ExecContext(ctx, `INSERT INTO findings (id, control, title, account, account_name, ou_path, region, resource_arn,
resource_type, resource_name, resource_tags, standards, severity, severity_overridden, compliance, reason, workflow, suppression, notes,
first_seen, last_seen, updated_at, last_scan) VALUES (?, 'EC2.8', 'IMDSv2', '111111111111', 'prod', 'Root/Prod', 'eu-west-1',
?, 'AwsEc2Instance', 'i-1', '', '', 3, 0, ?, 'IMDSv1', ?, '', '', 1, 2, 1, 's1')`, f.id, f.arn, f.compliance, f.workflow); err != nil {
			t.Fatal(err)
		}
	}
	scores := score.Scores{Overall: score.Score{Passed: 1, Failed: 1, Assessed: 2, Percent: 50},
		Standards: []score.StandardScore{{Standard: "cis", Score: score.Score{Passed: 1, Assessed: 1, Percent: 100}}, {Standard: "none"}},
		Accounts:  []score.AccountScore{{Account: "111111111111", Score: score.Score{Failed: 1, Assessed: 1}}}}
	text, err := marshal(scores)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO scans (id, started, finished, status, scores, kind) VALUES ('s1', 1, 2, 'COMPLETE', ?, 'scan')`, text); err != nil {
		t.Fatal(err)
	}
	s.Close()

	st, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open a schema 7 database: %v", err)
	}
	defer st.Close()
	counts, err := st.OpenCounts(ctx)
	if err != nil || len(counts) != 1 || counts[0].Count != 1 || counts[0].OUPath != "Root/Prod" {
		t.Errorf("open counts after migration: %+v, %v; want f1's", counts, err)
	}
	if _, n, err := st.Findings(ctx, Filter{}); err != nil || n != 3 {
		t.Errorf("total after migration: %d, %v; want 3", n, err)
	}
	if fs, _, err := st.Findings(ctx, Filter{Text: "0legacy"}); err != nil || len(fs) != 1 || fs[0].ID != "f1" {
		t.Errorf("text search after migration: %v, %v; want f1", fs, err)
	}
	h, err := st.ScoreHistory(ctx, 30)
	want := []ScoreAt{{Scan: "s1", At: fromNanos(1), Overall: 50, Standards: map[string]float64{"cis": 100},
		Accounts: map[string]float64{"111111111111": 0}, Regions: map[string]float64{}}}
	if err != nil || !reflect.DeepEqual(h, want) {
		t.Errorf("score history after migration: %+v, %v; want %+v", h, err, want)
	}
}
