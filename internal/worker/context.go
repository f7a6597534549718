package worker

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// The cross-account context.
//
// A few controls of an account read another account's data: CloudTrail's
// trail-level checks take an organization trail's status and event
// selectors from the account that owns it (and leave the trail to be
// judged there), and the CIS metric-filter checks (CloudWatch.1-14)
// follow the trail to its log group, the group's metric filters and
// alarms, and the alarms' SNS topics, which live in the owner's account
// or a log-archive account. A scan in one process holds every account's
// data; a worker holds one account's. So once a worker has collected
// its account it looks for these references (references, below), and
// collects each account they name that is in the scan's scope, once per
// scan and worker (then kept), following references from those in turn
// (a trail's owner may send to a log group of a third account). The
// account is then judged over its own data and that context, exactly as
// in one process. An account a reference names that is out of the
// scan's scope is left out, as one process leaves it out: the control
// says it is not assessed.

// scanContext is the context a worker keeps for one scan.
type scanContext struct {
	mu       sync.Mutex
	scan     string
	inScope  map[string]bool
	listing  map[string]org.Account // the organization, listed when first needed
	accounts map[string]contextAccount
}

// contextAccount is an account collected for context: its snapshot and
// gaps.
type contextAccount struct {
	account *snapshot.Account
	gaps    []snapshot.Gap
}

// context returns the worker's context of scan id, a new one (and
// forgets any other scan's) the first time.
func (a *Assessor) context(ctx context.Context, id string) (*scanContext, error) {
	a.ctxMu.Lock()
	defer a.ctxMu.Unlock()
	if a.ctx != nil && a.ctx.scan == id {
		return a.ctx, nil
	}
	parts, err := a.Store.Parts(ctx, id)
	if err != nil {
		return nil, err
	}
	sc := &scanContext{scan: id, inScope: map[string]bool{}, accounts: map[string]contextAccount{}}
	for _, p := range parts {
		sc.inScope[p.Key] = true
	}
	a.ctx = sc
	return sc, nil
}

// withContext adds to snap (one account's, m's) the accounts in scope
// that its data references, collecting those not collected yet.
func (a *Assessor) withContext(ctx context.Context, m Message, snap *snapshot.Snapshot, controls []*control.Control) error {
	sc, err := a.context(ctx, m.Scan)
	if err != nil {
		return err
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for round := 0; round < 4; round++ {
		var want []string
		for _, id := range references(snap) {
			if sc.inScope[id] && snap.Account(id) == nil {
				want = append(want, id)
			}
		}
		if len(want) == 0 {
			return nil
		}
		for _, id := range want {
			ca, ok := sc.accounts[id]
			if !ok {
				if ca, err = a.collectContext(ctx, sc, m, id, controls); err != nil {
					return fmt.Errorf("account %s, which account %s's data references: %w", id, m.Account.ID, err)
				}
				sc.accounts[id] = ca
			}
			snap.Add(ca.account)
			for _, g := range ca.gaps {
				snap.AddGap(g)
			}
		}
	}
	return nil
}

// collectContext collects account id for context, as a scan does.
func (a *Assessor) collectContext(ctx context.Context, sc *scanContext, m Message, id string, controls []*control.Control) (contextAccount, error) {
	if sc.listing == nil {
		cfg := a.Config.Copy()
		cfg.Region = m.Home
		listed, err := org.List(ctx, cfg, org.Options{Role: m.Role, SingleAccount: m.Org.ID == ""})
		if err != nil {
			return contextAccount{}, fmt.Errorf("list the organization: %w", err)
		}
		sc.listing = map[string]org.Account{}
		for _, acct := range listed.Accounts {
			sc.listing[acct.ID] = acct
		}
	}
	acct, ok := sc.listing[id]
	if !ok {
		return contextAccount{}, fmt.Errorf("not in the organization")
	}
	cm := m
	cm.Account = acct
	var snap *snapshot.Snapshot
	if _, err := a.run(ctx, cm, controls, func(s *snapshot.Snapshot) { snap = s }); err != nil {
		return contextAccount{}, err
	}
	ca := contextAccount{account: snap.Account(id)}
	if ca.account == nil {
		return contextAccount{}, fmt.Errorf("collected nothing")
	}
	for _, g := range snap.Gaps() {
		if g.Account == id {
			ca.gaps = append(ca.gaps, g)
		}
	}
	return ca, nil
}

// references lists the accounts the data of snap's accounts names for
// the cross-account controls: trails' owners, the accounts of the log
// groups trails send to, and of the SNS topics alarms notify; and for a
// trail's S3 bucket, which only its name names, the account IDs in that
// name (Control Tower's aws-controltower-logs-<account>-<region>, and
// most naming schemes of a log-archive bucket). A bucket whose name
// holds no account ID of the scope is not looked for in every account:
// the bucket checks of its trail report ERROR, naming it.
func references(snap *snapshot.Snapshot) []string {
	var out []string
	add := func(arn string) {
		if f := strings.Split(arn, ":"); len(f) >= 6 && f[0] == "arn" && f[4] != "" && !slices.Contains(out, f[4]) {
			out = append(out, f[4])
		}
	}
	for _, acct := range snap.Accounts {
		for _, r := range acct.Regions {
			if r == nil {
				continue
			}
			if r.CloudTrail != nil {
				for _, t := range r.CloudTrail.Trails {
					add(t.ARN)
					add(t.CloudWatchLogsLogGroupARN)
					if t.S3BucketName != "" && !hasBucket(snap, t.S3BucketName) {
						for _, id := range accountIDs(t.S3BucketName) {
							if !slices.Contains(out, id) {
								out = append(out, id)
							}
						}
					}
				}
			}
			if r.CloudWatch != nil {
				for _, al := range r.CloudWatch.Alarms {
					for _, act := range al.AlarmActions {
						if strings.HasPrefix(act, "arn:") && strings.Contains(act, ":sns:") {
							add(act)
						}
					}
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// evaluate judges account id of snap (with its context) as a scan does.
func (a *Assessor) evaluate(snap *snapshot.Snapshot, id string, controls []*control.Control, now time.Time) []control.Result {
	global := map[string]bool{}
	for _, c := range a.Collectors {
		global[c.Name] = c.Global
	}
	return control.EvaluateAccount(controls, snap, snap.Account(id), func(n string) bool { return global[n] }, now)
}

// hasBucket reports whether an account of snap has bucket name.
func hasBucket(snap *snapshot.Snapshot, name string) bool {
	for _, a := range snap.Accounts {
		if a.S3 != nil && a.S3.Bucket(name) != nil {
			return true
		}
	}
	return false
}

// accountIDs returns the runs of exactly 12 digits in s.
func accountIDs(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j-i == 12 {
			out = append(out, s[i:j])
		}
		if j == i {
			j++
		}
		i = j
	}
	return out
}
