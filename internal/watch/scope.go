package watch

import (
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/guardrail-sec/guardrail/internal/org"
)

// Account is an account the watch covers.
type Account struct {
	ID, Name, OUPath string
	// Regions are its enabled regions in the selection.
	Regions []string
	// Config acts in the account (the assumed role); unset when the
	// account could not be reached (Err says why): its events are still
	// matched, but it is not polled nor re-assessed.
	Config aws.Config
	Err    string
}

// Scope is what the watch covers: the accounts and regions of the
// selection (--include, --exclude, --regions), as discovery last found
// them. It is safe for concurrent use; Update replaces it after a new
// discovery.
type Scope struct {
	// Home is the region global services are called in (the scan's).
	Home string

	mu       sync.RWMutex
	accounts map[string]*Account
	regions  map[string]bool
	// strict: accounts were selected (--include, --exclude), so an
	// account discovery did not list is out of scope; else it is in (it
	// joined the organization since discovery).
	strict bool
}

// NewScope returns the scope of o: regions are --regions (all when
// empty), strict says --include or --exclude were given.
func NewScope(o *org.Organization, home string, regions []string, strict bool) *Scope {
	s := &Scope{Home: home, strict: strict}
	if len(regions) > 0 {
		s.regions = map[string]bool{}
		for _, r := range regions {
			s.regions[r] = true
		}
	}
	s.Update(o)
	return s
}

// Update replaces the accounts with o's.
func (s *Scope) Update(o *org.Organization) {
	accts := map[string]*Account{}
	if o != nil {
		for i := range o.Accounts {
			a := &o.Accounts[i]
			w := &Account{ID: a.ID, Name: a.Name, OUPath: a.Path, Regions: append([]string(nil), a.Regions...), Err: a.Error}
			if a.Err == nil && a.Error == "" {
				w.Config = a.Config()
			}
			accts[a.ID] = w
		}
	}
	s.mu.Lock()
	s.accounts = accts
	s.mu.Unlock()
}

// Add puts one account in the scope (tests, and a single account).
func (s *Scope) Add(a *Account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts == nil {
		s.accounts = map[string]*Account{}
	}
	s.accounts[a.ID] = a
}

// In reports whether an event of account in region is in the scope.
func (s *Scope) In(account, region string) bool {
	if s == nil {
		return true
	}
	if s.regions != nil && !s.regions[region] {
		return false
	}
	s.mu.RLock()
	a, ok := s.accounts[account]
	s.mu.RUnlock()
	if !ok {
		return !s.strict
	}
	if s.regions != nil || len(a.Regions) == 0 {
		return true
	}
	// Global services (IAM, STS, sign-in) record their events in
	// us-east-1 whether or not the account enabled it for its own use.
	return contains(a.Regions, region) || region == "us-east-1"
}

// Account returns the account with id.
func (s *Scope) Account(id string) (*Account, bool) {
	if s == nil {
		return nil, false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.accounts[id]
	return a, ok
}

// Target is one account in one region.
type Target struct {
	Account string
	Region  string
	Config  aws.Config
}

// Targets returns every reachable account in each of its regions, by
// account and region.
func (s *Scope) Targets() []Target {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Target
	for _, a := range s.accounts {
		if a.Err != "" {
			continue
		}
		for _, r := range a.Regions {
			if s.regions != nil && !s.regions[r] {
				continue
			}
			cfg := a.Config.Copy()
			cfg.Region = r
			out = append(out, Target{Account: a.ID, Region: r, Config: cfg})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Account != out[j].Account {
			return out[i].Account < out[j].Account
		}
		return out[i].Region < out[j].Region
	})
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
