package store

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"
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
