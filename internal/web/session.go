package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

// Sessions are the browsers signed in with the token. The cookie holds
// only a random ID (256 bits from crypto/rand); the server keeps the
// sessions, so logging out ends one for good, not just in the browser
// that logs out. They are kept in memory, which is enough for the one
// process that serves the dashboard: a restart ends every session, and
// as the token is read at start, a new token always comes with a
// restart and so ends the sessions opened with the old one. A session
// lasts sessionTTL from the login, whatever is done with it; at most
// maxSessions live at once, and a login beyond that ends the one that
// would expire first.
type sessions struct {
	mu   sync.Mutex
	live map[[sha256.Size]byte]time.Time // sha256(ID) -> expiry
	now  func() time.Time
	max  int
}

const (
	sessionTTL  = 12 * time.Hour
	maxSessions = 1000
	sessionLen  = 43 // 32 bytes, base64url without padding
)

func newSessions(now func() time.Time) *sessions {
	return &sessions{live: map[[sha256.Size]byte]time.Time{}, now: now, max: maxSessions}
}

// create starts a session and returns its ID and expiry.
func (s *sessions) create() (string, time.Time, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", time.Time{}, err
	}
	id := base64.RawURLEncoding.EncodeToString(b[:])
	now := s.now()
	exp := now.Add(sessionTTL)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.live) >= s.max {
		s.purge(now)
	}
	for len(s.live) >= s.max {
		var first [sha256.Size]byte
		var at time.Time
		for k, e := range s.live {
			if at.IsZero() || e.Before(at) {
				first, at = k, e
			}
		}
		delete(s.live, first)
	}
	s.live[sha256.Sum256([]byte(id))] = exp
	return id, exp, nil
}

// purge forgets the expired sessions (with s.mu held).
func (s *sessions) purge(now time.Time) {
	for k, e := range s.live {
		if !now.Before(e) {
			delete(s.live, k)
		}
	}
}

// valid says whether id is a live session. The map is keyed by the ID's
// hash, so a lookup's timing says nothing about the IDs.
func (s *sessions) valid(id string) bool {
	if len(id) != sessionLen {
		return false
	}
	k := sha256.Sum256([]byte(id))
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.live[k]
	if ok && !s.now().Before(exp) {
		delete(s.live, k)
		return false
	}
	return ok
}

// end ends session id, if it is one.
func (s *sessions) end(id string) {
	k := sha256.Sum256([]byte(id))
	s.mu.Lock()
	delete(s.live, k)
	s.mu.Unlock()
}

// count is the number of sessions kept (live or not yet purged).
func (s *sessions) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}
