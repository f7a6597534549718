package org

import (
	"fmt"

	"github.com/guardrail-sec/guardrail/internal/shard"
)

// keepShard keeps the accounts of shard s. A shard that keeps none of
// a selection is an error, not an empty run: with few accounts and many
// shards some shares are empty, and a process that did nothing must not
// read as one that found everything in order.
func (o *Organization) keepShard(include, exclude []string, s shard.Spec) error {
	if s.All() {
		return nil
	}
	n := len(o.Accounts)
	kept := o.Accounts[:0]
	for _, a := range o.Accounts {
		if s.Contains(a.ID) {
			kept = append(kept, a)
		}
	}
	o.Accounts = kept
	if len(kept) > 0 {
		return nil
	}
	sel := "the organization"
	if len(include) > 0 || len(exclude) > 0 {
		sel = "the selection"
	}
	return &SelectorError{Flag: "--shard " + s.String(), Msg: fmt.Sprintf("shard %s keeps none of the %d accounts of %s: use fewer shards", s, n, sel), selection: true}
}
