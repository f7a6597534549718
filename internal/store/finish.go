package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/rule"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// plan is what FinishScan needs to know about a report before it reads
// any finding: the results by account, what each control maps to, and
// the scan's scope (see "What a scan may change" in the package doc).
type plan struct {
	rep       *report.Report
	controls  map[string]*control.Control
	standards map[string][]string // control ID → "<short>:<id>"
	accounts  map[string]*report.Account
	// regions are the regions assessed per account reached.
	regions map[string]map[string]bool
	// global are the collectors that read an account once, for all its
	// regions; a collector not known to be global is taken as regional.
	global map[string]bool
	// gaps: exact (account, region or "", collector); gapAnyRegion:
	// (account, collector) with a gap anywhere.
	gaps         map[snapshot.GapKey]bool
	gapAnyRegion map[[2]string]bool
	// errored: (control, account, region) and (control, account) where
	// the control reported ERROR about the account: it could not judge
	// the target, and resolves nothing there.
	errored     map[[3]string]bool
	erroredAcct map[[2]string]bool
	byAccount   map[string][]int
	order       []string
	counts      Counts
}

func newPlan(rep *report.Report) *plan {
	p := &plan{
		rep:          rep,
		controls:     map[string]*control.Control{},
		standards:    map[string][]string{},
		accounts:     map[string]*report.Account{},
		regions:      map[string]map[string]bool{},
		global:       map[string]bool{},
		gaps:         map[snapshot.GapKey]bool{},
		gapAnyRegion: map[[2]string]bool{},
		errored:      map[[3]string]bool{},
		erroredAcct:  map[[2]string]bool{},
		byAccount:    map[string][]int{},
	}
	short := map[string]string{}
	for _, s := range rep.Standards {
		short[s.ID] = s.Short
	}
	for _, c := range rep.Controls {
		if c == nil {
			continue
		}
		p.controls[c.ID] = c
		var ids []string
		for _, r := range c.Standards {
			name := short[r.Standard]
			if name == "" {
				name = r.Standard
			}
			ids = append(ids, name+":"+r.ID)
		}
		p.standards[c.ID] = ids
	}
	for _, c := range rep.Collectors {
		p.global[c.Name] = c.Global
	}
	for i := range rep.Accounts {
		a := &rep.Accounts[i]
		p.accounts[a.ID] = a
		if a.Error != "" {
			continue
		}
		regs := map[string]bool{}
		for _, r := range a.Regions {
			if _, skipped := a.Skipped[r]; !skipped {
				regs[r] = true
			}
		}
		p.regions[a.ID] = regs
	}
	for _, g := range rep.Gaps {
		p.gaps[g.GapKey] = true
		p.gapAnyRegion[[2]string{g.Account, g.Collector}] = true
	}
	for i := range rep.Results {
		r := &rep.Results[i]
		acct := r.Resource.Account
		p.byAccount[acct] = append(p.byAccount[acct], i)
		switch r.Status {
		case control.Passed:
			p.counts.Passed++
		case control.Failed:
			p.counts.Failed++
		case control.NotApplicable:
			p.counts.NotApplicable++
		case control.Error:
			p.counts.Error++
			// An ERROR about one resource leaves that resource as it was;
			// an ERROR about the account is the control not judging the
			// target (a gap, a failed check, an account not assessed).
			if r.Resource.Type == "AwsAccount" {
				p.errored[[3]string{r.Control, acct, r.Resource.Region}] = true
				p.erroredAcct[[2]string{r.Control, acct}] = true
			}
		}
	}
	seen := map[string]bool{}
	for a := range p.byAccount {
		seen[a] = true
	}
	for a := range p.regions {
		seen[a] = true
	}
	for a := range seen {
		p.order = append(p.order, a)
	}
	sort.Strings(p.order)
	return p
}

func (p *plan) observation(r *control.Result) finding.Observation {
	o := finding.Observation{Result: *r, Control: p.controls[r.Control], Standards: p.standards[r.Control]}
	if a := p.accounts[r.Resource.Account]; a != nil {
		o.AccountName, o.OUPath = a.Name, a.OUPath
	}
	return o
}

// readsRegions reports whether control c reads regional state.
func (p *plan) readsRegions(c *control.Control) bool {
	for _, need := range c.Needs {
		if !p.global[need] {
			return true
		}
	}
	return false
}

// assessed reports whether the scan fully assessed what f judges, so
// that f's resource, not seen, is gone (the rule is "What a scan may
// change" in the package doc): the control was evaluated; the account
// was reached; f's region was assessed, unless the control reads only
// account-wide state; none of the collectors the control needs has a
// gap there (anywhere in the account, for a global control); and the
// control reported no ERROR about the account there. Anything less and f
// is left as it was: not assessed is not fixed.
func (p *plan) assessed(f *finding.Finding) bool {
	c := p.controls[f.Control]
	if c == nil {
		return false // not evaluated: --controls, --standard
	}
	regions, ok := p.regions[f.Account]
	if !ok {
		return false // not in scope (--include, --exclude), or not reached
	}
	if (!c.Global || p.readsRegions(c)) && !regions[f.Region] {
		return false // a region the scan did not read (--regions, not enabled)
	}
	if c.Global {
		for _, need := range c.Needs {
			if p.gapAnyRegion[[2]string{f.Account, need}] {
				return false
			}
		}
		return !p.erroredAcct[[2]string{f.Control, f.Account}]
	}
	for _, need := range c.Needs {
		if p.gaps[snapshot.GapKey{Account: f.Account, Region: f.Region, Collector: need}] ||
			p.gaps[snapshot.GapKey{Account: f.Account, Collector: need}] {
			return false
		}
	}
	return !p.errored[[3]string{f.Control, f.Account, f.Region}]
}

// finisher stores one report inside one transaction.
type finisher struct {
	tx      *sql.Tx
	d       dialect
	p       *plan
	rules   *rule.Set
	scan    string
	at      time.Time
	changes Changes

	findings, events, results *batch
	update                    *sql.Stmt
	// notify enqueues the notifications of the scan's changes.
	notify *enqueuer
	// counts is how the scan moves the summary tables' counts.
	counts *tally
}

// FinishScan stores rep in one transaction; see Store.
func (s *sqlStore) FinishScan(ctx context.Context, rep *report.Report, rules *rule.Set) (Changes, error) {
	if rep == nil {
		return Changes{}, s.errorf("finish scan: no report")
	}
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return Changes{}, s.errorf("finish scan %s: %w", rep.ID, err)
	}
	defer conn.Close()
	tx, err := s.beginWriteOn(ctx, conn)
	if err != nil {
		return Changes{}, s.errorf("finish scan %s: %w", rep.ID, err)
	}
	defer tx.Rollback()
	ch, err := s.finishIn(ctx, conn, tx, rep, rules)
	if err != nil {
		return Changes{}, err
	}
	if err := tx.Commit(); err != nil {
		return Changes{}, s.errorf("finish scan %s: commit: %w", rep.ID, err)
	}
	s.afterScan(ctx, len(rep.Results))
	return ch, nil
}

// afterScan runs, once a scan of n results is committed, what makes the
// pages that follow faster (PostgreSQL: VACUUM ANALYZE of the findings a
// big scan rewrote). The scan is stored, and autovacuum does the same
// later, so its failure (a role that does not own the table) is not the
// scan's.
func (s *sqlStore) afterScan(ctx context.Context, n int) {
	if s.d.afterBigScan != "" && n >= bigScan {
		s.w.ExecContext(ctx, s.d.afterBigScan)
	}
}

// finishIn stores rep in tx, a write transaction on conn, without
// committing it: FinishScan, and the completion of a staged scan by its
// last part (ReportPart), which deletes the staged rows in the same
// transaction.
func (s *sqlStore) finishIn(ctx context.Context, conn *sql.Conn, tx *sql.Tx, rep *report.Report, rules *rule.Set) (Changes, error) {
	at := rep.Started
	if at.IsZero() {
		at = s.now()
	}
	at = at.UTC()
	finished := rep.Finished
	if finished.IsZero() {
		finished = s.now()
	}
	p := newPlan(rep)

	var copy copier
	if s.d.copy != nil {
		copy = func(ctx context.Context, table string, columns []string, rows [][]any) (int64, error) {
			return s.d.copy(ctx, conn, table, columns, rows)
		}
	}
	seq, status, err := scanSeq(ctx, tx, s.d, rep.ID)
	if err != nil {
		return Changes{}, s.errorf("finish scan: %w", err)
	}
	if status != Running {
		return Changes{}, s.errorf("finish scan %s: the scan is %s, not %s", rep.ID, status, Running)
	}
	fin := &finisher{tx: tx, d: s.d, p: p, rules: rules, scan: rep.ID, at: at, notify: s.newEnqueuer(tx, s.now().UTC()), counts: newTally()}
	defer fin.notify.close()
	// New findings, events and results go in bulk. A finding that changed
	// is one UPDATE: a multi-row upsert would make SQLite keep a statement
	// journal, which costs more than the rows.
	// Findings go in in account order, as FinishScan reads them: the
	// next scan reads each account's findings from neighbouring pages.
	// Events and results go in by finding ID, their B-trees' key.
	fin.findings = newInsert(tx, s.d, copy, "findings", findingColumnList...)
	fin.events = newInsert(tx, s.d, copy, "finding_events", "finding_id", "at", "scan", "kind", "actor", "detail").sorted(0)
	fin.results = newInsert(tx, s.d, copy, "scan_results", "scan", "finding_id", "compliance", "severity").sorted(1)
	if fin.update, err = tx.PrepareContext(ctx, s.d.q(findingUpdate)); err != nil {
		return Changes{}, s.errorf("finish scan %s: %w", rep.ID, err)
	}
	defer fin.update.Close()
	defer func() {
		for _, b := range []*batch{fin.findings, fin.events, fin.results} {
			b.close()
		}
	}()

	for _, acct := range p.order {
		if err := fin.account(ctx, acct, seq); err != nil {
			return Changes{}, s.errorf("finish scan %s: account %s: %w", rep.ID, acct, err)
		}
	}
	for _, b := range []*batch{fin.findings, fin.events, fin.results} {
		if err := b.flush(ctx); err != nil {
			return Changes{}, s.errorf("finish scan %s: %w", rep.ID, err)
		}
	}
	// Every finding the scan saw was last seen now; the ones that changed
	// are written already.
	if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE findings SET last_seen = ?, last_scan = ?
WHERE id IN (SELECT finding_id FROM scan_results WHERE scan = ? AND compliance <> ?) AND last_scan <> ?`),
		at.UnixNano(), rep.ID, seq, gone, rep.ID); err != nil {
		return Changes{}, s.errorf("finish scan %s: last seen: %w", rep.ID, err)
	}
	if testHookFlush != nil {
		testHookFlush("findings", -1)
	}
	// The summary tables move with the findings, in this transaction.
	if err := fin.counts.apply(ctx, tx, s.d); err != nil {
		return Changes{}, s.errorf("finish scan %s: counts: %w", rep.ID, err)
	}
	if err := fin.writeInventory(ctx, rep.Inventory, copy); err != nil {
		return Changes{}, s.errorf("finish scan %s: %w", rep.ID, err)
	}

	notAssessed := map[string]string{}
	for _, a := range rep.Accounts {
		if a.Error != "" {
			notAssessed[a.ID] = a.Error
		}
	}
	accts := make([]ScanAccount, 0, len(rep.Accounts))
	for _, a := range rep.Accounts {
		sa := ScanAccount{ID: a.ID, Name: a.Name, OUPath: a.OUPath, Status: a.Status, Error: a.Error}
		if a.Error == "" {
			sa.Regions = a.Regions
		}
		for r := range a.Skipped {
			sa.NotEnabled = append(sa.NotEnabled, r)
		}
		sort.Strings(sa.NotEnabled)
		accts = append(accts, sa)
	}
	cols := make([]string, 0, 7)
	for _, v := range []any{rep.Scope, rep.Stats, rep.Scores, rep.Gaps, notAssessed, fin.changes, accts} {
		text, err := marshal(v)
		if err != nil {
			return Changes{}, s.errorf("finish scan %s: %w", rep.ID, err)
		}
		cols = append(cols, text)
	}
	tr, err := trendText(&rep.Scores)
	if err != nil {
		return Changes{}, s.errorf("finish scan %s: %w", rep.ID, err)
	}
	c := p.counts
	if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE scans SET finished = ?, status = ?, scope = ?, stats = ?, passed = ?, failed = ?, not_applicable = ?, errors = ?, scores = ?, gaps = ?, not_assessed = ?, changes = ?, accounts = ?, trend = ? WHERE seq = ?`),
		nanos(finished), Complete, cols[0], cols[1], c.Passed, c.Failed, c.NotApplicable, c.Error, cols[2], cols[3], cols[4], cols[5], cols[6], tr, seq); err != nil {
		return Changes{}, s.errorf("finish scan %s: %w", rep.ID, err)
	}
	if testHookFlush != nil {
		testHookFlush("scans", 1)
	}
	return fin.changes, nil
}

// bigScan is how many results make a scan big enough for the dialect's
// afterBigScan.
const bigScan = 10000

// gone is the compliance scan_results records for a finding whose
// resource the scan found gone.
const gone = "GONE"

// state is one finding as the scan moves it.
type state struct {
	old *rawFinding // as stored before the scan; nil if new
	f   finding.Finding
	has bool
	evs []finding.Event
}

// account stores the results of one account and resolves its findings
// whose resources are gone.
func (fin *finisher) account(ctx context.Context, acct string, seq int64) error {
	stored, order, err := fin.load(ctx, acct)
	if err != nil {
		return err
	}
	idx := fin.p.byAccount[acct]
	states := make(map[string]*state, len(idx))
	ids := make([]string, 0, len(idx))
	for _, i := range idx {
		r := &fin.p.rep.Results[i]
		id := finding.ID(*r)
		st := states[id]
		if st == nil {
			st = &state{old: stored[id]}
			if st.old != nil {
				st.f, st.has = st.old.f, true
			}
			states[id] = st
			ids = append(ids, id)
		}
		var prev *finding.Finding
		if st.has {
			prev = &st.f
		}
		f, evs := finding.Observe(prev, fin.p.observation(r), fin.scan, fin.at)
		// The resource's exposure as the scan read it; a resource it did
		// not read keeps the exposure it had.
		if e, ok := fin.p.rep.Inventory.Lookup(f.ResourceARN); ok {
			f.Exposure = e
		}
		if fin.rules != nil {
			var revs []finding.Event
			f, revs = fin.rules.Apply(f, fin.at)
			evs = append(evs, revs...)
		}
		st.f, st.has, st.evs = f, true, append(st.evs, evs...)
	}
	for _, id := range ids {
		st := states[id]
		if err := fin.store(ctx, st, true); err != nil {
			return err
		}
		if err := fin.results.add(ctx, seq, id, string(st.f.Compliance), int64(st.f.Severity)); err != nil {
			return err
		}
	}
	for _, id := range order {
		old := stored[id]
		if states[id] != nil || old.f.Workflow == finding.Resolved || !fin.p.assessed(&old.f) {
			continue
		}
		if err := old.decodeAll(); err != nil {
			return err
		}
		f, evs := finding.Gone(old.f, fin.scan, fin.at)
		if err := fin.store(ctx, &state{old: old, f: f, has: true, evs: evs}, false); err != nil {
			return err
		}
		if err := fin.results.add(ctx, seq, id, gone, int64(f.Severity)); err != nil {
			return err
		}
	}
	return nil
}

// load reads the findings of account acct, by ID and in ID order. The
// resource tags and standards stay encoded: the scan replaces them.
func (fin *finisher) load(ctx context.Context, acct string) (map[string]*rawFinding, []string, error) {
	rows, err := fin.tx.QueryContext(ctx, fin.d.q(`SELECT `+findingColumns+` FROM findings WHERE account = ? ORDER BY id`), acct)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	out := map[string]*rawFinding{}
	var order []string
	for rows.Next() {
		r, err := scanRaw(rows)
		if err != nil {
			return nil, nil, err
		}
		if err := r.decodeLifecycle(); err != nil {
			return nil, nil, err
		}
		out[r.f.ID] = r
		order = append(order, r.f.ID)
	}
	return out, order, rows.Err()
}

// store writes st if it changed (when a finding was last seen is written
// for all at the end), then its events, and counts what changed.
func (fin *finisher) store(ctx context.Context, st *state, seen bool) error {
	f := &st.f
	e, err := encode(f)
	if err != nil {
		return err
	}
	var was *finding.Finding
	if st.old != nil {
		was = &st.old.f
	}
	fin.counts.move(was, f)
	switch {
	case st.old == nil:
		if err := fin.findings.add(ctx, findingArgs(f, e)...); err != nil {
			return err
		}
	case !sameStored(st.old, f, e):
		args := findingArgs(f, e)
		if _, err := fin.update.ExecContext(ctx, append(args[1:], args[0])...); err != nil {
			return fmt.Errorf("finding %s: %w", f.ID, err)
		}
	}
	ch := &fin.changes
	if seen && len(st.evs) == 0 {
		ch.Unchanged++
	}
	if st.old == nil && f.Compliance == control.Failed {
		ch.New++
	}
	for i := range st.evs {
		ev := &st.evs[i]
		if ev.FindingID == "" {
			ev.FindingID = f.ID
		}
		if ev.Scan == "" {
			ev.Scan = fin.scan
		}
		switch {
		case strings.HasPrefix(ev.By, "rule:"):
			ch.RuleEvents++
		case ev.By == "scan" && ev.Kind == "reopened":
			ch.Reopened++
		case ev.By == "scan" && ev.Kind == "resolved":
			ch.Resolved++
		}
		if err := fin.events.add(ctx, ev.FindingID, nanos(ev.At), ev.Scan, ev.Kind, ev.By, ev.Detail); err != nil {
			return err
		}
		if kind := findingChange(ev, f); kind != "" {
			if err := fin.notify.change(ctx, Change{Source: SourceFinding, Kind: kind, Position: fin.scan, Scan: fin.scan, At: ev.At, Finding: f, Detail: ev.Detail}); err != nil {
				return err
			}
		}
	}
	return nil
}
