package store

import (
	"context"
	"fmt"
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
	// The scopes go in a few statements, each many (account, region, type)
	// at once: a statement per scope would be thousands of round trips.
	full := map[inventory.Scope]bool{}
	var regional, global []any
	for _, sc := range inv.Collected {
		if full[sc] {
			continue
		}
		full[sc] = true
		if sc.Region == "" {
			global = append(global, sc.Account, sc.Type)
		} else {
			regional = append(regional, sc.Account, sc.Region, sc.Type)
		}
	}
	for _, del := range []struct {
		cols string
		n    int
		args []any
	}{{"account, region, type", 3, regional}, {"account, type", 2, global}} {
		for args := del.args; len(args) > 0; {
			chunk := args[:min(len(args), 300*del.n)]
			args = args[len(chunk):]
			rows := strings.TrimSuffix(strings.Repeat(placeholders(del.n)+", ", len(chunk)/del.n), ", ")
			if _, err := fin.tx.ExecContext(ctx, fin.d.q(`DELETE FROM resources WHERE (`+del.cols+`) IN (VALUES `+rows+`)`), chunk...); err != nil {
				return fmt.Errorf("resources: %w", err)
			}
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
