package web

import (
	"testing"
	"time"
)

func TestSessionsBounded(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := newSessions(func() time.Time { return now })
	s.max = 3
	var ids []string
	for i := 0; i < 5; i++ {
		id, exp, err := s.create()
		if err != nil {
			t.Fatal(err)
		}
		if len(id) != sessionLen || !exp.Equal(now.Add(sessionTTL)) {
			t.Fatalf("session %q expiring %s", id, exp)
		}
		ids = append(ids, id)
		now = now.Add(time.Minute)
	}
	if n := s.count(); n != 3 {
		t.Errorf("%d sessions kept, want at most 3", n)
	}
	// The ones that would expire first made room for the newest.
	for i, id := range ids {
		if got, want := s.valid(id), i >= 2; got != want {
			t.Errorf("session %d valid: %v, want %v", i, got, want)
		}
	}
	// Expired sessions go first, before live ones.
	now = now.Add(sessionTTL - 3*time.Minute) // ids[2] expired, ids[3] and ids[4] not
	if _, _, err := s.create(); err != nil {
		t.Fatal(err)
	}
	if !s.valid(ids[3]) || !s.valid(ids[4]) || s.valid(ids[2]) {
		t.Errorf("after a login with a full table: %v %v %v, want the expired one gone only", s.valid(ids[2]), s.valid(ids[3]), s.valid(ids[4]))
	}
	// ids[3] with its last character changed (a random ID may end in "A").
	other := ids[3][:sessionLen-1] + map[bool]string{true: "B", false: "A"}[ids[3][sessionLen-1] == 'A']
	for _, id := range []string{"", "x", ids[3] + "x", other} {
		if s.valid(id) {
			t.Errorf("%q is a valid session", id)
		}
	}
	s.end(ids[3])
	if s.valid(ids[3]) {
		t.Error("an ended session is still valid")
	}
}
