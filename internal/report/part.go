package report

import (
	"sort"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/inventory"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// AccountPart is one account's share of a scan: what a staged scan
// (store.Staged) keeps per account until every part of the scan has
// reported. Account is the account's record; it is zero for a part that
// holds only results about an account another part assessed (a control
// may report a resource in the account that owns it, such as an
// organization trail judged from a member).
type AccountPart struct {
	// ID is the account the part is about.
	ID string `json:"id"`
	// Piece tells apart parts of one account that add up (a scan that
	// streams hands over an account's results in several pieces as they
	// are evaluated: scan.Options.Account); a part with the same ID and
	// Piece replaces the other. Split gives piece 0 only.
	Piece   int              `json:"piece,omitempty"`
	Account *Account         `json:"account,omitempty"`
	Results []control.Result `json:"results,omitempty"`
	Gaps    []snapshot.Gap   `json:"gaps,omitempty"`
	// Inventory holds the account's resources and the scopes read in
	// full; nil when the scan kept none.
	Inventory *inventory.Inventory `json:"inventory,omitempty"`
}

// Split cuts r into one part per account: each account in scope with its
// record, and each account that results or gaps are about, in account
// order. Joined back (Join) over the same header they give r's accounts,
// results, gaps and inventory.
func (r *Report) Split() []AccountPart {
	byID := map[string]*AccountPart{}
	get := func(id string) *AccountPart {
		p := byID[id]
		if p == nil {
			p = &AccountPart{ID: id}
			byID[id] = p
		}
		return p
	}
	for i := range r.Accounts {
		a := r.Accounts[i]
		get(a.ID).Account = &a
	}
	for _, res := range r.Results {
		p := get(res.Resource.Account)
		p.Results = append(p.Results, res)
	}
	for _, g := range r.Gaps {
		p := get(g.Account)
		p.Gaps = append(p.Gaps, g)
	}
	if inv := r.Inventory; inv != nil {
		for _, res := range inv.Resources {
			p := get(res.Account)
			if p.Inventory == nil {
				p.Inventory = &inventory.Inventory{Taken: inv.Taken}
			}
			p.Inventory.Resources = append(p.Inventory.Resources, res)
		}
		for _, sc := range inv.Collected {
			p := get(sc.Account)
			if p.Inventory == nil {
				p.Inventory = &inventory.Inventory{Taken: inv.Taken}
			}
			p.Inventory.Collected = append(p.Inventory.Collected, sc)
		}
	}
	out := make([]AccountPart, 0, len(byID))
	for _, p := range byID {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Join fills r (a header: ID, scope, controls, standards, collectors)
// with parts, in account order: the accounts, results, gaps and
// inventory, then computes the coverage and scores as the scanner does.
// Results keep their order within each part; parts are taken by ID (an
// account's pieces in the order given).
func (r *Report) Join(parts []AccountPart) {
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].ID < parts[j].ID })
	r.Accounts, r.Results, r.Gaps = nil, nil, nil
	var inv *inventory.Inventory
	for _, p := range parts {
		if p.Account != nil {
			r.Accounts = append(r.Accounts, *p.Account)
		}
		r.Results = append(r.Results, p.Results...)
		r.Gaps = append(r.Gaps, p.Gaps...)
		if p.Inventory != nil {
			if inv == nil {
				inv = &inventory.Inventory{Taken: p.Inventory.Taken}
			}
			inv.Resources = append(inv.Resources, p.Inventory.Resources...)
			inv.Collected = append(inv.Collected, p.Inventory.Collected...)
		}
	}
	if r.Accounts == nil {
		r.Accounts = []Account{}
	}
	if r.Results == nil {
		r.Results = []control.Result{}
	}
	if r.Gaps == nil {
		r.Gaps = []snapshot.Gap{}
	}
	r.Inventory = inv
	r.ComputeScores()
}
