package scp

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/policy"
)

// What validation proves.
//
//   - Every document parses and keeps to the policy grammar (the policy
//     package's errors, with line and column) and to AWS's size limit.
//   - Every action is checked against a catalog of the actions Guardrail
//     knows: the ones its collectors, baseline and playbooks call, and the
//     ones the intents deny. A service prefix the catalog does not know is
//     a warning ("unknown to Guardrail"), not an error: the catalog is not
//     AWS's whole list. An action of a known service that is not in the
//     catalog but is one or two edits from one that is (StopLoging) is an
//     error with the likely action; one that is not close to any is a
//     warning.
//   - No Deny statement denies Guardrail's own role an action it needs:
//     every action 'guardrail iam-policy' lists for the scan and for
//     remediation, and the baseline's, is evaluated as
//     arn:aws:iam::<account>:role/<guardrail_role> in each allowed region
//     against the target's policies (and the root's, which apply to every
//     account). Likewise the administrator roles (except_roles) must keep
//     the actions the intents spare them for.

// Severity says whether a problem stops a build.
type Severity int

const (
	// Warning is printed; the build goes on.
	Warning Severity = iota
	// Error stops the build (exit code 2).
	Error
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Problem is one finding of validation.
type Problem struct {
	File      string
	Line, Col int
	Severity  Severity
	// Where names the target, policy and statement at fault.
	Where string
	// Target and Sid, when the problem is in a built policy's statement.
	Target, Sid string
	Msg         string
}

func (p Problem) String() string {
	s := p.File
	if p.Line > 0 {
		s += fmt.Sprintf(":%d", p.Line)
		if p.Col > 0 {
			s += fmt.Sprintf(":%d", p.Col)
		}
	}
	s += ": " + p.Severity.String() + ": "
	if p.Where != "" {
		s += p.Where + ": "
	}
	return s + p.Msg
}

// Errors returns the problems of severity Error.
func Errors(ps []Problem) []Problem {
	var out []Problem
	for _, p := range ps {
		if p.Severity == Error {
			out = append(out, p)
		}
	}
	return out
}

// Catalog knows service prefixes and action names.
type Catalog struct {
	// actions maps a service prefix to its known actions (lower-cased
	// name to the action as AWS spells it); a service known only by a
	// wildcard has an empty map.
	actions map[string]map[string]string
}

//go:embed catalog.txt
var catalogData string

// CatalogSource says where the catalog's actions come from.
const CatalogSource = "the collectors' declared actions (guardrail iam-policy), the remediation playbooks' (guardrail iam-policy --remediate), " +
	"the baseline's (BaselineActions), the actions the SCP intents use, AWS's region-exempt global services, and internal/scp/catalog.txt"

// NewCatalog returns a catalog of the given actions (or wildcard
// patterns, which make their service known), the SCP intents' own
// actions and catalog.txt's.
func NewCatalog(lists ...[]string) *Catalog {
	c := &Catalog{actions: map[string]map[string]string{}}
	all := append(slices.Clone(lists), GlobalServiceActions, SecurityServiceActions, BucketActions, ObjectActions, BaselineActions,
		[]string{"organizations:LeaveOrganization", "ec2:RunInstances", "ec2:ModifyInstanceMetadataOptions",
			"ec2:DisableEbsEncryptionByDefault", "s3:PutAccountPublicAccessBlock"})
	sc := bufio.NewScanner(strings.NewReader(catalogData))
	var file []string
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		file = append(file, strings.Fields(line)...)
	}
	all = append(all, file)
	for _, l := range all {
		for _, a := range l {
			c.add(a)
		}
	}
	return c
}

func (c *Catalog) add(a string) {
	svc, name, ok := strings.Cut(a, ":")
	if !ok || svc == "" {
		return
	}
	svc = strings.ToLower(svc)
	if c.actions[svc] == nil {
		c.actions[svc] = map[string]string{}
	}
	if !strings.ContainsAny(name, "*?") {
		c.actions[svc][strings.ToLower(name)] = svc + ":" + name
	}
}

// Services returns the service prefixes the catalog knows, sorted.
func (c *Catalog) Services() []string {
	out := make([]string, 0, len(c.actions))
	for s := range c.actions {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Known reports whether the catalog lists the concrete action.
func (c *Catalog) Known(action string) bool {
	svc, name, _ := strings.Cut(action, ":")
	_, ok := c.actions[strings.ToLower(svc)][strings.ToLower(name)]
	return ok
}

// Check judges one action or action pattern; ok is true when there is
// nothing to say.
func (c *Catalog) Check(action string) (sev Severity, msg string, ok bool) {
	if action == "*" {
		return 0, "", true
	}
	svc, name, found := strings.Cut(action, ":")
	if !found || svc == "" || name == "" {
		return Error, fmt.Sprintf("%q is not an action (want service:Action, e.g. s3:GetObject, or *)", action), false
	}
	known, isKnown := c.actions[strings.ToLower(svc)]
	if !isKnown {
		return Warning, fmt.Sprintf("service prefix %q (in %s) is unknown to Guardrail: its actions are not checked", svc, action), false
	}
	if len(known) == 0 {
		return 0, "", true
	}
	if strings.ContainsAny(name, "*?") {
		for _, k := range known {
			if policy.MatchAction(action, k) {
				return 0, "", true
			}
		}
		return Warning, fmt.Sprintf("%s matches no %s action Guardrail knows", action, svc), false
	}
	if _, ok := known[strings.ToLower(name)]; ok {
		return 0, "", true
	}
	best, dist := "", 1<<30
	for l, k := range known {
		if d := editDistance(strings.ToLower(name), l); d < dist || d == dist && k < best {
			best, dist = k, d
		}
	}
	if dist <= 2 || dist <= len(name)/6 {
		return Error, fmt.Sprintf("%s is not an action of %s: did you mean %s?", action, svc, best), false
	}
	return Warning, fmt.Sprintf("%s is not among the %s actions Guardrail knows (%s); check its spelling", action, svc, "the catalog lists only the actions Guardrail calls or guards"), false
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// CheckActions checks every action of a statement against the catalog.
func (c *Catalog) CheckActions(s *policy.Statement) []Problem {
	var out []Problem
	for _, list := range [][]string{s.Action, s.NotAction} {
		for _, a := range list {
			if sev, msg, ok := c.Check(a); !ok {
				out = append(out, Problem{Severity: sev, Msg: msg})
			}
		}
	}
	return out
}

// GuardrailActions are the actions Guardrail's own role calls, by
// purpose.
type GuardrailActions struct {
	Scan, Baseline, Remediate []string
}

// Lockout is what the lockout check evaluates.
type Lockout struct {
	// Role is Guardrail's member-account role name.
	Role string
	// Account is the member account the requests are made in (any
	// 12-digit ID: the statements Guardrail builds use * for it).
	Account string
	// Regions are the regions the requests are made in.
	Regions []string
	Actions GuardrailActions
	// Admins are the administrator role ARN patterns (except_roles) and
	// Spared the actions they must keep.
	Admins []string
	Spared []string
}

// SampleAccount is the member account the lockout check calls from.
const SampleAccount = "111122223333"

// Check evaluates every action of l against the documents (the policies
// that apply to one target) and reports each Deny statement that denies
// Guardrail's role or an administrator something it needs.
func (l Lockout) Check(docs []Named) []Problem {
	acct := l.Account
	if acct == "" {
		acct = SampleAccount
	}
	type hit struct {
		doc     Named
		st      *policy.Statement
		who     string
		actions []string
	}
	var hits []*hit
	find := func(doc Named, st *policy.Statement, who string) *hit {
		for _, h := range hits {
			if h.doc.Name == doc.Name && h.st == st && h.who == who {
				return h
			}
		}
		h := &hit{doc: doc, st: st, who: who}
		hits = append(hits, h)
		return h
	}
	check := func(principal, who string, actions []string, purpose func(string) string) {
		for _, a := range actions {
			for _, region := range l.Regions {
				r := &policy.Request{Action: a, Principal: policy.Principal{Type: "AWS", ID: principal, Account: acct},
					Context: map[string][]string{"aws:RequestedRegion": {region}}}
				for _, d := range docs {
					for _, st := range d.Doc.Statements {
						if !st.IsDeny() || !st.MatchesAction(a) {
							continue
						}
						if (st.Principal != nil || st.NotPrincipal != nil) && !st.MatchesPrincipal(r.Principal) {
							continue
						}
						if !st.MatchesConditions(r) {
							continue
						}
						h := find(d, st, who)
						label := a + purpose(a)
						if region != l.Regions[0] {
							label += " in " + region
						}
						if !slices.ContainsFunc(h.actions, func(x string) bool { return strings.HasPrefix(x, a+" ") || x == label }) {
							h.actions = append(h.actions, label)
						}
					}
				}
			}
		}
	}
	role := "arn:aws:iam::" + acct + ":role/" + l.Role
	purposes := map[string][]string{}
	var all []string
	for p, list := range map[string][]string{"scan": l.Actions.Scan, "baseline": l.Actions.Baseline, "remediation": l.Actions.Remediate} {
		for _, a := range list {
			if !slices.Contains(purposes[a], p) {
				purposes[a] = append(purposes[a], p)
			}
			all = append(all, a)
		}
	}
	slices.Sort(all)
	all = slices.Compact(all)
	check(role, "Guardrail's role "+role, all, func(a string) string {
		ps := purposes[a]
		slices.Sort(ps)
		return " (" + strings.Join(ps, ", ") + ")"
	})
	for _, admin := range l.Admins {
		arn := concreteRole(admin, acct)
		if arn == role {
			continue
		}
		check(arn, "administrator role "+arn+" (except_roles)", l.Spared, func(string) string { return "" })
	}
	var out []Problem
	for _, h := range hits {
		shown := h.actions
		more := ""
		if len(shown) > 4 {
			more = fmt.Sprintf(" and %d more", len(shown)-4)
			shown = shown[:4]
		}
		out = append(out, Problem{Severity: Error, File: h.doc.File, Line: h.st.Line, Col: h.st.Col,
			Where: h.doc.Where(h.st), Target: h.doc.Target, Sid: h.st.Sid,
			Msg: fmt.Sprintf("denies %s %s%s: it would lock %s out; spare it (ArnNotLike aws:PrincipalArn) or narrow the statement",
				h.who, strings.Join(shown, ", "), more, strings.SplitN(h.who, " arn:", 2)[0])})
	}
	return out
}

// concreteRole turns a role ARN pattern into one ARN of it in acct.
func concreteRole(pattern, acct string) string {
	f := strings.SplitN(pattern, ":", 6)
	if len(f) != 6 {
		return pattern
	}
	if f[4] == "*" || f[4] == "" {
		f[4] = acct
	}
	f[5] = strings.NewReplacer("*", "Admin", "?", "A").Replace(f[5])
	return strings.Join(f, ":")
}

// Named is a policy document with what names it in messages.
type Named struct {
	// Name is the policy's name (or file).
	Name string
	// File and Target say where it came from.
	File, Target string
	Doc          *policy.Document
}

// Where names a statement of the document.
func (n Named) Where(st *policy.Statement) string {
	w := "policy " + n.Name + " statement " + st.Name()
	if n.Target != "" {
		w = "target " + n.Target + ": " + w
	}
	return w
}

// Validate checks intents and the plan built from them: the actions of
// each target's statements against the catalog (at the line of the
// target, or of the raw statement), each policy's size, and the lockout
// of Guardrail's role and the administrators.
func Validate(in *Intents, plan *Plan, cat *Catalog, ga GuardrailActions) []Problem {
	var out []Problem
	for _, c := range Compile(in) {
		for _, p := range checkSids(c.Statements) {
			p.File, p.Where = in.File, "target "+c.Target+": statement "+p.Sid
			if p.Line == 0 {
				p.Line = c.Intents.Line
			}
			out = append(out, p)
		}
		for _, s := range c.Statements {
			if s.Principal != nil || s.NotPrincipal != nil {
				out = append(out, Problem{File: in.File, Line: s.Line, Col: s.Col, Severity: Error, Where: "target " + c.Target + ": statement " + s.Name(),
					Msg: "an SCP takes no Principal or NotPrincipal: it applies to every principal of the accounts it is attached to"})
			}
			for _, p := range cat.CheckActions(s) {
				p.File, p.Line = in.File, c.Intents.Line
				if s.Line > 0 {
					p.Line, p.Col = s.Line, s.Col
				}
				p.Where = "target " + c.Target + ": statement " + s.Name()
				out = append(out, p)
			}
		}
	}
	if plan == nil {
		return out
	}
	var allRegions []string
	for _, t := range in.Targets {
		allRegions = append(allRegions, t.AllowedRegions...)
	}
	slices.Sort(allRegions)
	allRegions = slices.Compact(allRegions)
	if len(allRegions) == 0 {
		allRegions = []string{"us-east-1"}
	}
	var rootDocs []Named
	byTarget := map[string][]Named{}
	for _, tp := range plan.Targets {
		for _, b := range tp.Policies {
			d, err := policy.Parse(b.Document)
			if err != nil {
				out = append(out, Problem{File: in.File, Severity: Error, Where: "target " + tp.Target + ": policy " + b.Name, Msg: "built an invalid policy: " + err.Error()})
				continue
			}
			if b.Size > MaxPolicySize {
				out = append(out, Problem{File: in.File, Severity: Error, Where: "target " + tp.Target + ": policy " + b.Name,
					Msg: fmt.Sprintf("%d characters, more than the %d an SCP may hold", b.Size, MaxPolicySize)})
			}
			for _, p := range checkSids(d.Statements) {
				p.File, p.Where = in.File, "target "+tp.Target+": policy "+b.Name+" statement "+p.Sid
				p.Line, p.Col = origin(in, tp.Target, p.Sid)
				out = append(out, p)
			}
			n := Named{Name: b.Name, File: in.File, Target: tp.Target, Doc: d}
			byTarget[tp.Target] = append(byTarget[tp.Target], n)
			if CanonicalTarget(tp.Target) == "root" || rootIDPattern.MatchString(tp.Target) {
				rootDocs = append(rootDocs, n)
			}
		}
	}
	for _, t := range in.Targets {
		docs := byTarget[t.Target]
		if CanonicalTarget(t.Target) != "root" && !rootIDPattern.MatchString(t.Target) {
			docs = append(slices.Clone(rootDocs), docs...)
		}
		regions := t.AllowedRegions
		if len(regions) == 0 {
			regions = allRegions
		}
		spared := slices.Concat(SecurityServiceActions, BucketActions, ObjectActions)
		l := Lockout{Role: in.GuardrailRole, Regions: regions, Actions: ga, Admins: t.ExceptRoles, Spared: spared}
		for _, p := range l.Check(docs) {
			p.Line, p.Col = origin(in, p.Target, p.Sid)
			out = append(out, p)
		}
	}
	return dedupe(out)
}

var sidChars = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// checkSids reports Sids IAM refuses in a policy: characters other than
// letters and digits, and a Sid given twice.
func checkSids(stmts []*policy.Statement) []Problem {
	var out []Problem
	first := map[string]*policy.Statement{}
	for _, s := range stmts {
		if s.Sid == "" {
			continue
		}
		if !sidChars.MatchString(s.Sid) {
			out = append(out, Problem{Line: s.Line, Col: s.Col, Severity: Error, Sid: s.Sid,
				Msg: fmt.Sprintf("Sid %q: a statement ID takes only letters (A-Z, a-z) and digits", s.Sid)})
		}
		if f, dup := first[s.Sid]; dup {
			msg := fmt.Sprintf("Sid %q is given twice in one policy (statements %d and %d): AWS requires each to be unique", s.Sid, f.Index+1, s.Index+1)
			out = append(out, Problem{Line: s.Line, Col: s.Col, Severity: Error, Sid: s.Sid, Msg: msg})
			continue
		}
		first[s.Sid] = s
	}
	return out
}

// origin returns where in the intents file a built statement comes
// from: the raw statement its (possibly merged) Sid holds, else the
// target.
func origin(in *Intents, target, sid string) (int, int) {
	for _, t := range in.Targets {
		if t.Target != target {
			continue
		}
		for _, s := range t.Statements {
			if s.Sid != "" && strings.Contains(sid, s.Sid) {
				return s.Line, s.Col
			}
		}
		return t.Line, 0
	}
	return 0, 0
}

func dedupe(ps []Problem) []Problem {
	seen := map[string]bool{}
	var out []Problem
	for _, p := range ps {
		k := p.String()
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}

// ValidateDocument checks one policy document file: grammar (with line
// and column), size, catalog, and the lockout of Guardrail's role in the
// given regions.
func ValidateDocument(file string, data []byte, cat *Catalog, l Lockout) []Problem {
	d, err := policy.Parse(data)
	if err != nil {
		p := Problem{File: file, Severity: Error, Msg: err.Error()}
		var se *policy.SyntaxError
		if errors.As(err, &se) {
			p.Line, p.Col, p.Msg = se.Line, se.Col, se.Msg
			if se.Statement >= 0 {
				p.Where = "statement " + fmt.Sprint(se.Statement+1)
				if se.Sid != "" {
					p.Where += " (" + se.Sid + ")"
				}
			}
		}
		return []Problem{p}
	}
	var out []Problem
	if text, err := policy.Minify(d); err == nil && len(text) > MaxPolicySize {
		out = append(out, Problem{File: file, Line: 1, Col: 1, Severity: Error,
			Msg: fmt.Sprintf("%d characters minified, more than the %d an SCP may hold", len(text), MaxPolicySize)})
	}
	for _, p := range checkSids(d.Statements) {
		p.File, p.Where = file, "statement "+p.Sid
		out = append(out, p)
	}
	for _, s := range d.Statements {
		if s.Principal != nil || s.NotPrincipal != nil {
			out = append(out, Problem{File: file, Line: s.Line, Col: s.Col, Severity: Error, Where: "statement " + s.Name(),
				Msg: "an SCP takes no Principal or NotPrincipal: it applies to every principal of the accounts it is attached to"})
		}
		for _, p := range cat.CheckActions(s) {
			p.File, p.Line, p.Col, p.Where = file, s.Line, s.Col, "statement "+s.Name()
			out = append(out, p)
		}
	}
	out = append(out, l.Check([]Named{{Name: file, File: file, Doc: d}})...)
	return out
}
