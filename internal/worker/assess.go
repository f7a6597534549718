package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/inventory"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/rule"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// Assessor assesses the account of a message and stages its results
// into the message's scan: its Handle and GiveUp are a worker's.
//
// Each account is one part of the scan (store.Staged), named by its
// account ID. The account is assessed by the scanner's own path
// (scan.Run over the one account the message lists: the same
// collectors, tasks, gaps and evaluation as a scan in one process),
// so a queued scan stores what one process would.
type Assessor struct {
	// Config is the worker's AWS configuration: it assumes the role the
	// message names in the account.
	Config aws.Config
	// Store holds the scan.
	Store store.Store
	// Catalog resolves the message's controls and standards; Collectors
	// are the collectors available.
	Catalog    *control.Catalog
	Collectors []collect.Collector
	// Rules apply when this worker's account completes the scan; every
	// worker of a scan must be given the same.
	Rules *rule.Set
	// Concurrency bounds the collection tasks of one account at once.
	Concurrency int
	// Log receives what happens (slog.Default when nil).
	Log *slog.Logger

	ctxMu sync.Mutex
	ctx   *scanContext // the latest scan's cross-account context
}

// UnreachableError is an account whose role could not be assumed or
// whose regions could not be listed: retried, since the role may be
// on its way (a stack set deploying it to a new account); after the
// last attempt the account is stored as not assessed, as a scan in one
// process stores it (Report is that account's report).
type UnreachableError struct {
	Account string
	Reason  string
	Report  *report.Report
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("account %s not reached: %s", e.Account, e.Reason)
}

// Handle assesses the message's account and stages it into the scan.
// A scan that is no longer running (complete: a message delivered again
// after its account was stored) is nothing to do.
func (a *Assessor) Handle(ctx context.Context, j Job) error {
	m := j.Message
	if done, err := a.finished(ctx, m.Scan); err != nil || done {
		return err
	}
	rep, err := a.assess(ctx, m)
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err() // never stage what a cancelled run read
	}
	// An active account that could not be reached is retried; one that
	// is suspended or closed is stored as such at once, as a scan in one
	// process does.
	if len(rep.Accounts) == 1 && rep.Accounts[0].Error != "" && m.Account.Status == "ACTIVE" {
		return &UnreachableError{Account: m.Account.ID, Reason: rep.Accounts[0].Error, Report: rep}
	}
	return a.stage(ctx, m, rep)
}

// GiveUp stores the message's account as not assessed, with reason.
func (a *Assessor) GiveUp(ctx context.Context, j Job, reason error) error {
	m := j.Message
	if done, err := a.finished(ctx, m.Scan); err != nil || done {
		return err
	}
	var ue *UnreachableError
	if errors.As(reason, &ue) && ue.Report != nil {
		return a.stage(ctx, m, ue.Report)
	}
	controls, standards, err := a.resolve(m)
	if err != nil {
		// This build cannot judge the scan's controls, nor complete the
		// scan: a worker of the dispatcher's release must.
		return err
	}
	why := "assessment failed: " + reason.Error()
	home := m.Home
	sa := &snapshot.Account{ID: m.Account.ID, Name: m.Account.Name, Email: m.Account.Email, Status: m.Account.Status, OUID: m.Account.OUID,
		OUPath: m.Account.Path, Partition: target.PartitionOf(home), HomeRegion: home, Err: why, Regions: map[string]*snapshot.Region{}}
	snap := &snapshot.Snapshot{Taken: m.Started}
	snap.Add(sa)
	rep := &report.Report{ID: m.Scan, Started: m.Started, Controls: controls, Standards: standards,
		Results: scan.Evaluate(snap, controls, a.Collectors, m.Started), Gaps: snap.Gaps(), Inventory: inventory.Build(snap),
		Accounts: []report.Account{{ID: m.Account.ID, Name: m.Account.Name, OUPath: m.Account.Path, Status: m.Account.Status, Tags: m.Account.Tags, Error: why}}}
	return a.stage(ctx, m, rep)
}

// finished reports whether scan is no longer running; a scan not in the
// store is an error (the message outlived it, or names another store).
func (a *Assessor) finished(ctx context.Context, id string) (bool, error) {
	sc, err := a.Store.Scan(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return false, fmt.Errorf("scan %s is not in the store: was the message dispatched to a store other than this worker's?", id)
	}
	if err != nil {
		return false, err
	}
	if sc.Status != store.Running {
		a.log().Info("scan no longer running: nothing to do", "scan", id, "status", sc.Status)
		return true, nil
	}
	return false, nil
}

func (a *Assessor) log() *slog.Logger {
	if a.Log == nil {
		return slog.Default()
	}
	return a.Log
}

// resolve finds the message's controls and standards in the catalog.
func (a *Assessor) resolve(m Message) ([]*control.Control, []control.Standard, error) {
	var controls []*control.Control
	var unknown []string
	for _, id := range m.Controls {
		c := a.Catalog.Control(id)
		if c == nil {
			unknown = append(unknown, id)
			continue
		}
		controls = append(controls, c)
	}
	if len(unknown) > 0 {
		return nil, nil, fmt.Errorf("controls %s are not in this worker's catalog: run workers of the dispatcher's release", strings.Join(unknown, ", "))
	}
	var standards []control.Standard
	for _, id := range m.Standards {
		s, ok := a.Catalog.Standard(id)
		if !ok {
			return nil, nil, fmt.Errorf("standard %s is not in this worker's catalog: run workers of the dispatcher's release", id)
		}
		standards = append(standards, s)
	}
	return controls, standards, nil
}

// assess runs the scanner over the message's one account, adds the
// accounts its data references (context.go), and judges it over both.
func (a *Assessor) assess(ctx context.Context, m Message) (*report.Report, error) {
	controls, _, err := a.resolve(m)
	if err != nil {
		return nil, err
	}
	var snap *snapshot.Snapshot
	rep, err := a.run(ctx, m, controls, func(s *snapshot.Snapshot) { snap = s })
	if err != nil {
		return nil, err
	}
	if len(rep.Accounts) != 1 || rep.Accounts[0].Error != "" || snap == nil {
		return rep, nil
	}
	if err := a.withContext(ctx, m, snap, controls); err != nil {
		return nil, err
	}
	if len(snap.Accounts) > 1 {
		rep.Results = a.evaluate(snap, m.Account.ID, controls, m.Started)
	}
	return rep, nil
}

// run runs the scanner over the message's one account; keep receives
// its snapshot.
func (a *Assessor) run(ctx context.Context, m Message, controls []*control.Control, keep func(*snapshot.Snapshot)) (*report.Report, error) {
	_, standards, err := a.resolve(m)
	if err != nil {
		return nil, err
	}
	timeout := scan.DefaultTaskTimeout
	if m.TaskTimeout != "" {
		timeout, _ = time.ParseDuration(m.TaskTimeout) // checked by Parse
	}
	cfg := a.Config.Copy()
	cfg.Region = m.Home
	acct := m.Account
	listed := &org.Organization{ID: m.Org.ID, ManagementAccount: m.Org.Management, Accounts: []org.Account{acct}}
	started := m.Started
	rep, err := scan.Run(ctx, cfg, scan.Options{
		ID:          m.Scan,
		Discover:    org.Options{Role: m.Role, SessionName: m.Session, Regions: m.Regions, Listed: listed},
		Collectors:  a.Collectors,
		Controls:    controls,
		Standards:   standards,
		Concurrency: a.Concurrency,
		TaskTimeout: timeout,
		Now:         func() time.Time { return started },
		Snapshot:    keep,
	})
	if err != nil {
		return nil, fmt.Errorf("assess account %s: %w", acct.ID, err)
	}
	return rep, nil
}

// stage stores rep, one account's report, as that account's part of the
// scan, and reports the part: the last part completes the scan.
func (a *Assessor) stage(ctx context.Context, m Message, rep *report.Report) error {
	part := m.Account.ID
	if err := a.Store.StageAccounts(ctx, m.Scan, part, rep.Split()); err != nil {
		return err
	}
	// The header the last part completes the scan with: the message's
	// controls and standards, whatever this account's report holds.
	controls, standards, err := a.resolve(m)
	if err != nil {
		return err
	}
	header := &report.Report{ID: m.Scan, Started: m.Started, Controls: controls, Standards: standards}
	for _, c := range a.Collectors {
		header.Collectors = append(header.Collectors, report.Collector{Name: c.Name, Global: c.Global})
	}
	done, err := a.Store.ReportPart(ctx, header, part, rep.Stats, a.Rules)
	if err != nil {
		return err
	}
	if done.Complete {
		a.log().Info("scan complete", "scan", m.Scan, "parts", done.Parts, "new", done.Changes.New, "resolved", done.Changes.Resolved)
	}
	return nil
}
