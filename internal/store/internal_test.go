package store

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func TestMigrationFiles(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
		want  string // error text; "" for none
	}{
		{"in order", []string{"0002_b.sql", "0001_a.sql"}, ""},
		{"no number", []string{"init.sql"}, "migrations/init.sql: want NNNN_name.sql"},
		{"zero", []string{"0000_zero.sql"}, "migrations/0000_zero.sql: want NNNN_name.sql"},
		{"gap", []string{"0001_a.sql", "0003_c.sql"}, "migration 0003_c: versions must run"},
		{"twice", []string{"0001_a.sql", "0001_b.sql"}, "versions must run"},
	} {
		fsys := fstest.MapFS{}
		for _, f := range tc.files {
			fsys["migrations/"+f] = &fstest.MapFile{Data: []byte("SELECT 1;")}
		}
		ms, err := migrations(fsys)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		case tc.want == "" && (ms[0].name != "a" || ms[1].version != 2):
			t.Errorf("%s: %+v", tc.name, ms)
		}
	}
	if SchemaVersion() < 1 {
		t.Errorf("schema version %d", SchemaVersion())
	}
}

func TestPlaceholders(t *testing.T) {
	const q = `SELECT a FROM t WHERE b = ? AND c IN (?, ?)`
	if got := sqliteDialect.q(q); got != q {
		t.Errorf("sqlite: %s", got)
	}
	if got, want := postgresDialect.q(q), `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)`; got != want {
		t.Errorf("postgres: %s, want %s", got, want)
	}
	if got, want := likeEscape(`50%_off\`), `50\%\_off\\`; got != want {
		t.Errorf("likeEscape: %s, want %s", got, want)
	}
}

func TestOwnerAlive(t *testing.T) {
	host, _ := os.Hostname()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no true(1):", err)
	}
	dead := cmd.ProcessState.Pid()
	for _, tc := range []struct {
		owner string
		alive bool
	}{
		{selfOwner(), true},
		{host + ":" + strconv.Itoa(dead) + ":", false},
		{host + ":" + strconv.Itoa(os.Getpid()) + ":1", false}, // our pid, but started at another time: reused
		{"another-host:1:1", true},                             // cannot tell: alive
		{"garbage", true},
		{host + ":x:1", true},
	} {
		if got := ownerAlive(tc.owner); got != tc.alive {
			t.Errorf("ownerAlive(%q) = %v, want %v", tc.owner, got, tc.alive)
		}
	}
}
