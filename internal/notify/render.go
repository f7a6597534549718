package notify

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// view is one event as every destination shows it: a headline, labelled
// facts, a body (what was seen) and the fix. Each destination renders
// the same view in its own format, so a finding reads the same in Slack,
// an e-mail and a Jira issue.
type view struct {
	Headline string
	Severity string
	Change   string
	Facts    []fact
	Body     string // the reason (finding), what happened (alert, run)
	Evidence string
	Fix      string
	Link     string // the dashboard page, when a base URL is configured
}

type fact struct{ Label, Value string }

var changeWords = map[string]string{
	"new": "New", "reopened": "Reopened", "resolved": "Resolved", "suppressed": "Suppressed",
	"alert": "Alert", "halted": "halted", "rolled_back": "rolled back", "failed": "failed", "completed": "completed",
}

func word(change string) string {
	if w, ok := changeWords[change]; ok {
		return w
	}
	return change
}

func account(id, name string) string {
	switch {
	case name != "" && id != "":
		return name + " (" + id + ")"
	case id != "":
		return id
	}
	return name
}

func (s *Sender) view(ev *Event, test bool) view {
	v := view{Severity: ev.Severity(), Change: ev.Change}
	add := func(label, value string) {
		if value != "" {
			v.Facts = append(v.Facts, fact{label, value})
		}
	}
	base := s.cfg.Defaults.DashboardURL
	switch {
	case ev.Finding != nil:
		f := ev.Finding
		v.Headline = fmt.Sprintf("%s %s finding: %s %s", word(ev.Change), v.Severity, f.Control, f.Title)
		add("Account", account(f.Account, f.AccountName))
		add("OU", f.OUPath)
		add("Region", f.Region)
		add("Resource", f.ResourceARN)
		add("Resource type", f.ResourceType)
		add("Control", f.Control)
		add("Standards", strings.Join(f.Standards, ", "))
		add("Status", f.Status)
		add("Workflow", f.Workflow)
		add("Suppressed because", f.SuppressedReason)
		add("Finding ID", f.ID)
		v.Body, v.Evidence, v.Fix = f.Reason, f.Evidence, f.Remediation
		if base != "" && f.ID != "" {
			v.Link = base + "/findings/" + url.PathEscape(f.ID)
		}
	case ev.Alert != nil:
		a := ev.Alert
		v.Headline = fmt.Sprintf("%s alert: %s", v.Severity, a.Title)
		add("Rule", a.Rule)
		add("Account", account(a.Account, a.AccountName))
		add("OU", a.OUPath)
		add("Region", a.Region)
		add("Event", strings.TrimSuffix(a.EventSource, ".amazonaws.com")+":"+a.EventName)
		add("Actor", a.Actor)
		add("Source IP", a.SourceIP)
		add("Resource", a.Resource)
		if a.Count > 1 {
			add("Events", strconv.Itoa(a.Count)+" from "+stamp(a.First)+" to "+stamp(a.Last))
		} else if !a.First.IsZero() {
			add("At", stamp(a.First))
		}
		add("Controls", strings.Join(a.Controls, ", "))
		if base != "" && a.ID != "" {
			v.Link = base + "/alerts/" + url.PathEscape(a.ID)
		}
	case ev.Run != nil:
		r := ev.Run
		v.Headline = fmt.Sprintf("Remediation run %s: %s", word(ev.Change), r.ID)
		add("Engine", r.Engine)
		add("Outcome", r.Outcome)
		add("Controls", strings.Join(r.Controls, ", "))
		add("Accounts", strings.Join(r.Accounts, ", "))
		add("Changes applied", strconv.Itoa(r.Changes))
		if r.RolledBack > 0 {
			add("Rolled back", strconv.Itoa(r.RolledBack))
		}
		v.Body = r.Reason
		if base != "" && r.ID != "" {
			v.Link = base + "/remediation/runs/" + url.PathEscape(r.ID)
		}
	default:
		v.Headline = "Guardrail test notification"
		v.Body = "This destination is configured correctly: Guardrail can deliver to it."
	}
	if test && ev.Source != "test" {
		v.Headline = "[TEST] " + v.Headline
		v.Body = "This is a test of the routing (guardrail notify test); nothing changed. " + v.Body
	} else if test {
		v.Headline = "[TEST] " + v.Headline
	}
	return v
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// digest is a summary of many events: counts per severity and change,
// and the worst of them.
type digest struct {
	Headline   string
	Total      int
	BySeverity []count // CRITICAL first; only severities present
	ByChange   []count
	Worst      []*Event
	More       int // events not listed
	Link       string
}

type count struct {
	Label string
	N     int
}

// changeOrder ranks changes for the worst items: what needs attention
// first.
var changeOrder = map[string]int{"new": 0, "reopened": 1, "alert": 2, "failed": 3, "halted": 4, "rolled_back": 5, "suppressed": 6, "resolved": 7, "completed": 8}

// worst returns the n worst of m's events, in the digest's order.
func (s *Sender) worst(m Message, n int) []Event {
	evs := make([]*Event, len(m.Events))
	for i := range m.Events {
		evs[i] = &m.Events[i]
	}
	sortWorst(evs)
	out := make([]Event, min(n, len(evs)))
	for i := range out {
		out[i] = *evs[i]
	}
	return out
}

// sortWorst orders events worst first: severity, then the change that
// needs attention first, then key.
func sortWorst(evs []*Event) {
	slices.SortStableFunc(evs, func(a, b *Event) int {
		if r := severityRank(b.Severity()) - severityRank(a.Severity()); r != 0 {
			return r
		}
		if r := changeOrder[a.Change] - changeOrder[b.Change]; r != 0 {
			return r
		}
		return strings.Compare(a.Key(), b.Key())
	})
}

func (s *Sender) digest(m Message) digest {
	d := digest{Total: len(m.Events)}
	sev, chg := map[string]int{}, map[string]int{}
	evs := make([]*Event, len(m.Events))
	scans := map[string]bool{}
	for i := range m.Events {
		e := &m.Events[i]
		evs[i] = e
		sev[e.Severity()]++
		chg[e.Change]++
		if e.Scan != "" {
			scans[e.Scan] = true
		}
	}
	for i := len(severities) - 1; i >= 0; i-- {
		if n := sev[severities[i]]; n > 0 {
			d.BySeverity = append(d.BySeverity, count{severities[i], n})
		}
	}
	var cs []string
	for c := range chg {
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(a, b string) int { return changeOrder[a] - changeOrder[b] })
	for _, c := range cs {
		d.ByChange = append(d.ByChange, count{word(c), chg[c]})
	}
	sortWorst(evs)
	top := s.cfg.Defaults.DigestTop
	if top <= 0 {
		top = 10
	}
	d.Worst = evs[:min(top, len(evs))]
	d.More = len(evs) - len(d.Worst)
	what := "changes"
	if len(evs) == 1 {
		what = "change"
	}
	d.Headline = fmt.Sprintf("Guardrail digest: %d %s", d.Total, what)
	if len(scans) == 1 {
		for id := range scans {
			d.Headline += " from scan " + id
			if s.cfg.Defaults.DashboardURL != "" {
				d.Link = s.cfg.Defaults.DashboardURL + "/scans"
			}
		}
	}
	if m.Test {
		d.Headline = "[TEST] " + d.Headline
	}
	return d
}

// line is one event in a list: "HIGH New S3.8 on arn:... (acme-prod)".
func line(e *Event) string {
	switch {
	case e.Finding != nil:
		f := e.Finding
		return fmt.Sprintf("%s %s %s %s on %s in %s", e.Severity(), word(e.Change), f.Control, f.Title, orNone(f.ResourceARN), account(f.Account, f.AccountName))
	case e.Alert != nil:
		a := e.Alert
		return fmt.Sprintf("%s alert %s on %s in %s", e.Severity(), a.Title, orNone(a.Resource), account(a.Account, a.AccountName))
	case e.Run != nil:
		return fmt.Sprintf("%s remediation run %s %s", e.Severity(), e.Run.ID, word(e.Change))
	}
	return "test notification"
}

func (d digest) counts() string {
	var parts []string
	for _, c := range d.BySeverity {
		parts = append(parts, fmt.Sprintf("%d %s", c.N, c.Label))
	}
	var chg []string
	for _, c := range d.ByChange {
		chg = append(chg, fmt.Sprintf("%d %s", c.N, strings.ToLower(c.Label)))
	}
	return strings.Join(parts, ", ") + "; " + strings.Join(chg, ", ")
}

// plain is the view as plain text (e-mail, SNS, the Jira comment).
func (v view) plain() string {
	var b strings.Builder
	b.WriteString(v.Headline + "\n\n")
	for _, f := range v.Facts {
		fmt.Fprintf(&b, "%s: %s\n", f.Label, f.Value)
	}
	if v.Body != "" {
		b.WriteString("\n" + v.Body + "\n")
	}
	if v.Evidence != "" {
		b.WriteString("\nEvidence:\n" + v.Evidence + "\n")
	}
	if v.Fix != "" {
		b.WriteString("\nHow to fix:\n" + v.Fix + "\n")
	}
	if v.Link != "" {
		b.WriteString("\n" + v.Link + "\n")
	}
	return b.String()
}

func (d digest) plain() string {
	var b strings.Builder
	b.WriteString(d.Headline + "\n\n" + d.counts() + "\n\n")
	if len(d.Worst) > 0 {
		b.WriteString("Worst:\n")
	}
	for _, e := range d.Worst {
		b.WriteString("- " + line(e) + "\n")
	}
	if d.More > 0 {
		fmt.Fprintf(&b, "... and %d more\n", d.More)
	}
	if d.Link != "" {
		b.WriteString("\n" + d.Link + "\n")
	}
	return b.String()
}

// subject is the one-line summary of m (e-mail and SNS subjects).
func (s *Sender) subject(m Message) string {
	if m.Digest || len(m.Events) > 1 {
		return s.digest(m).Headline
	}
	return s.view(&m.Events[0], m.Test).Headline
}

// text is m as plain text.
func (s *Sender) text(m Message) string {
	if m.Digest || len(m.Events) > 1 {
		return s.digest(m).plain()
	}
	return s.view(&m.Events[0], m.Test).plain()
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
