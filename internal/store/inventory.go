package store

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/inventory"
)

// Inventory keeps the resources scans saw (package inventory), for
// search.
type Inventory interface {
	// Resources lists the stored resources that match f, most exposed
	// first, then by account, region, type and ARN. Each is as the scan
	// that last saw it (Resource.Scan, Resource.Seen) found it: a scan
	// replaces the resources of what it read in full and keeps the rest.
	Resources(ctx context.Context, f ResourceFilter) ([]inventory.Resource, error)
}

// ResourceFilter selects resources. Empty fields match everything.
type ResourceFilter struct {
	Types, Accounts, Regions []string
	// Exposure keeps resources with any of its flags.
	Exposure inventory.Exposure
	// Limit bounds the resources returned (0: all).
	Limit int
}

// The columns of resources, in the order resourceArgs and Resources use.
var resourceColumnList = []string{"account", "region", "type", "arn", "id", "name", "account_name", "ou_path",
	"exposure", "tags", "attrs", "scan", "seen"}

// Resources lists the stored resources that match f; see Inventory.
func (s *sqlStore) Resources(ctx context.Context, f ResourceFilter) ([]inventory.Resource, error) {
	if f.Limit < 0 {
		return nil, s.errorf("resources: limit %d: must not be negative", f.Limit)
	}
	w := &where{d: s.d}
	id := func(v string) any { return v }
	in(w, "type", f.Types, id)
	in(w, "account", f.Accounts, id)
	in(w, "region", f.Regions, id)
	if f.Exposure != 0 {
		w.add("(exposure & ?) <> 0", int64(f.Exposure))
	}
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT `+strings.Join(resourceColumnList, ", ")+` FROM resources`+w.String()+
		` ORDER BY exposure DESC, account, region, type, arn LIMIT ?`), append(w.args, limitArg(f.Limit))...)
	if err != nil {
		return nil, s.errorf("resources: %w", err)
	}
	defer rows.Close()
	var out []inventory.Resource
	for rows.Next() {
		var (
			r           inventory.Resource
			exposure    int64
			tags, attrs string
			seen        int64
		)
		if err := rows.Scan(&r.Account, &r.Region, &r.Type, &r.ARN, &r.ID, &r.Name, &r.AccountName, &r.OUPath,
			&exposure, &tags, &attrs, &r.Scan, &seen); err != nil {
			return nil, s.errorf("resources: %w", err)
		}
		r.Exposure, r.Seen = inventory.Exposure(exposure), fromNanos(seen)
		if err := unmarshal(tags, &r.Tags); err != nil {
			return nil, s.errorf("resources: %s: tags: %w", r.ARN, err)
		}
		if err := unmarshal(attrs, &r.Attrs); err != nil {
			return nil, s.errorf("resources: %s: attrs: %w", r.ARN, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf("resources: %w", err)
	}
	return out, nil
}

// writeInventory replaces, for each (account, region, type) inv read in
// full, the stored resources with inv's; the others stay as they were.
func (fin *finisher) writeInventory(ctx context.Context, inv *inventory.Inventory, copy copier) error {
	if inv == nil {
		return nil
	}
	// Per account: one DELETE for the types read everywhere (global
	// collectors), one per region for the regional ones.
	type key struct{ account, region string }
	scopes := map[key][]string{}
	var keys []key
	full := map[inventory.Scope]bool{}
	for _, sc := range inv.Collected {
		k := key{sc.Account, sc.Region}
		if scopes[k] == nil {
			keys = append(keys, k)
		}
		scopes[k] = append(scopes[k], sc.Type)
		full[sc] = true
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].account != keys[j].account {
			return keys[i].account < keys[j].account
		}
		return keys[i].region < keys[j].region
	})
	for _, k := range keys {
		types := scopes[k]
		args := []any{k.account}
		q := `DELETE FROM resources WHERE account = ?`
		if k.region != "" {
			q += ` AND region = ?`
			args = append(args, k.region)
		}
		q += ` AND type IN ` + placeholders(len(types))
		for _, t := range types {
			args = append(args, t)
		}
		if _, err := fin.tx.ExecContext(ctx, fin.d.q(q), args...); err != nil {
			return fmt.Errorf("resources of %s %s: %w", k.account, k.region, err)
		}
	}
	b := newInsert(fin.tx, fin.d, copy, "resources", resourceColumnList...)
	defer b.close()
	seen := map[[4]string]bool{}
	for i := range inv.Resources {
		r := &inv.Resources[i]
		if !full[inventory.Scope{Account: r.Account, Region: r.Region, Type: r.Type}] && !full[inventory.Scope{Account: r.Account, Type: r.Type}] {
			continue // its part was not read in full: the stored one stays
		}
		pk := [4]string{r.Account, r.Region, r.Type, r.ARN}
		if seen[pk] {
			continue
		}
		seen[pk] = true
		tags, err := marshal(r.Tags)
		if err != nil {
			return fmt.Errorf("resource %s: tags: %w", r.ARN, err)
		}
		attrs, err := marshal(r.Attrs)
		if err != nil {
			return fmt.Errorf("resource %s: attrs: %w", r.ARN, err)
		}
		if err := b.add(ctx, r.Account, r.Region, r.Type, r.ARN, r.ID, r.Name, r.AccountName, r.OUPath,
			int64(r.Exposure.Rank()), tags, attrs, fin.scan, fin.at.UnixNano()); err != nil {
			return err
		}
	}
	return b.flush(ctx)
}
