// Package outbox connects the store's notification outbox to the
// destinations of a notify config: Router turns each change the store
// makes (a finding's new/reopened/resolved/suppressed, a watch alert, a
// remediation run that did not complete) into the rows to enqueue, in the
// transaction of the change; a Deliverer claims the due rows and sends
// them through a notify.Sender.
//
// Delivery is at least once, made exactly once by the receiver: a
// sender claims rows with a lease, so no two senders hold a row at a
// time, and a sender killed after a receiver took a message but before
// the store recorded it leaves the row to be sent again when its lease
// expires. Every delivery of one message carries the same ID
// (notify.MessageID: the X-Guardrail-Delivery header of a webhook, the
// e-mail's X-Guardrail-Delivery header), which a receiver uses to drop
// the repeat. A Jira issue cannot be dropped by its receiver, so before
// a retried first delivery to Jira the Deliverer searches for the issue
// a lost attempt may have filed (its label guardrail-<finding ID>) and
// comments on it instead of filing a second.
//
// The judgement calls:
//   - A digest route's events from one scan are one message per
//     destination; an event outside a scan (a suppression by hand, an
//     alert) taking a digest route is sent alone: there is no scan to
//     summarize.
//   - Alerts of one rule on one resource (notify.Event.GroupKey) within
//     the config's grouping window are one message: the first alert
//     waits out the window, and the alerts that came meanwhile join it,
//     with their count.
//   - A destination that fails is paused as a whole (its backoff, or
//     the Retry-After it asked for), so its rows keep their order and an
//     outage is not hammered once per row; other destinations go on.
package outbox

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/notify"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// RouterOptions add to a change what the store does not hold.
type RouterOptions struct {
	// AccountTags are the tags of each account, by ID (the organization's,
	// from discovery): routes match on them.
	AccountTags map[string]map[string]string
	// AccountNames and OUPaths name each account and its OU path, by ID:
	// an alert carries only the account's ID, and routes match on the
	// OU path.
	AccountNames, OUPaths map[string]string
	// Remediation returns a control's fix steps ("" if none).
	Remediation func(control string) string
}

// Router returns the store.Router that sends each change where cfg's
// routes say.
func Router(cfg *notify.Config, o RouterOptions) store.Router {
	return func(c store.Change) ([]store.Outgoing, error) {
		ev, findingID := Event(c, o)
		if ev == nil {
			return nil, nil
		}
		targets := cfg.Route(ev)
		if len(targets) == 0 {
			return nil, nil
		}
		payload, err := json.Marshal(ev)
		if err != nil {
			return nil, fmt.Errorf("event %s: %w", ev.Key(), err)
		}
		key := ev.Key()
		out := make([]store.Outgoing, 0, len(targets))
		for _, t := range targets {
			o := store.Outgoing{Key: key, Destination: t.Destination, Route: t.Route, FindingID: findingID, Payload: payload}
			switch {
			case t.Digest && ev.Scan != "":
				// Its own key: a digest route and a per-event route to
				// one destination are two notifications.
				o.Key, o.Digest, o.Group = key+"#digest", true, "digest:"+ev.Scan
			case ev.Alert != nil && cfg.Defaults.GroupWindow > 0:
				o.Group = ev.GroupKey()
				o.NotBefore = c.At.Add(cfg.Defaults.GroupWindow)
			}
			out = append(out, o)
		}
		return out, nil
	}
}

// Event is the notify.Event of a store change, and the finding it is
// about; nil for a change nobody is told of.
func Event(c store.Change, o RouterOptions) (*notify.Event, string) {
	ev := &notify.Event{Change: c.Kind, At: c.At.UTC(), Scan: c.Scan}
	switch {
	case c.Finding != nil:
		f := c.Finding
		ev.Source = "scan"
		ev.Finding = &notify.Finding{
			ID: f.ID, Control: f.Control, Title: f.Title, Severity: f.Severity.String(), Standards: f.Standards,
			Account: f.Account, AccountName: f.AccountName, OUPath: f.OUPath, Region: f.Region,
			ResourceType: f.ResourceType, ResourceARN: f.ResourceARN, Status: string(f.Compliance), Reason: f.Reason,
			AccountTags: o.AccountTags[f.Account], ResourceTags: f.ResourceTags, Workflow: string(f.Workflow),
		}
		if o.Remediation != nil {
			ev.Finding.Remediation = o.Remediation(f.Control)
		}
		if f.Workflow == finding.Suppressed && f.Suppression != nil {
			ev.Finding.SuppressedReason = f.Suppression.Reason
		}
		return ev, f.ID
	case c.Alert != nil:
		a := c.Alert
		ev.Source = "watch"
		ev.At = a.EventTime.UTC()
		ev.Alert = &notify.Alert{
			ID: fmt.Sprint(a.ID), Rule: a.Rule, Title: a.Title, Severity: a.Severity.String(),
			EventName: a.EventName, EventSource: a.EventSource, Account: a.Account, Region: a.Region,
			Resource: a.Resource, Actor: a.Actor, SourceIP: a.SourceIP, Count: 1, First: a.EventTime.UTC(), Last: a.EventTime.UTC(),
			AccountName: o.AccountNames[a.Account], OUPath: o.OUPaths[a.Account],
			AccountTags: o.AccountTags[a.Account], Controls: a.Controls,
		}
		return ev, ""
	case c.Run != nil:
		r := c.Run
		if r.Engine != store.EngineRemediate {
			return nil, "" // the baseline's runs are not a notification source
		}
		ev.Source = "remediation"
		if ev.Change != "halted" && ev.Change != "rolled_back" {
			ev.Change = "failed" // partial, interrupted
		}
		ev.Run = &notify.Run{ID: r.ID, Engine: r.Engine, Outcome: strings.ToUpper(r.Status), Reason: r.SpecName}
		return ev, ""
	}
	return nil, ""
}
