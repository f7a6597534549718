package notifytest

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The JQL the server understands: clauses joined by AND, on the fields
// Guardrail's sync uses, and an ORDER BY:
//
//	project = SEC AND labels = "guardrail-abc" AND status in ("Done", "Closed")
//	AND resolution is not EMPTY AND updated >= "2026-06-01 12:00" ORDER BY updated ASC
//
// Fields: project, key, labels, status, resolution, updated, created.
// Operators: = != in "not in" is "is not" (EMPTY) and, for dates, >= > <=
// <. Dates: "yyyy-MM-dd HH:mm", "yyyy/MM/dd HH:mm" or "yyyy-MM-dd", read
// in UTC (Jira reads them in the searching user's time zone). Anything
// else is a 400, as Jira answers a query it cannot parse.

type jqlClause struct {
	field, op string
	vals      []string // empty for EMPTY
	empty     bool
}

type jqlQuery struct {
	clauses []jqlClause
	orderBy string
	desc    bool
}

var jqlFields = []string{"project", "key", "labels", "status", "resolution", "updated", "created"}

func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '"' || c == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != c; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, fmt.Errorf("Error in the JQL Query: The quoted string starting at character %d is not closed.", i+1)
			}
			toks = append(toks, "\x00"+b.String()) // \x00 marks a quoted string
			i = j + 1
		case c == '(' || c == ')' || c == ',':
			toks = append(toks, string(c))
			i++
		case c == '!' || c == '>' || c == '<' || c == '=':
			if i+1 < len(s) && s[i+1] == '=' {
				toks = append(toks, s[i:i+2])
				i += 2
			} else if c == '!' {
				return nil, fmt.Errorf("Error in the JQL Query: The character '!' is a reserved JQL character.")
			} else {
				toks = append(toks, string(c))
				i++
			}
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\"'(),!<>=", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

func parseJQL(s string) (*jqlQuery, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	q := &jqlQuery{}
	i := 0
	peek := func() string {
		if i < len(toks) {
			return toks[i]
		}
		return ""
	}
	kw := func(w string) bool { return strings.EqualFold(peek(), w) }
	value := func() (string, bool, error) {
		t := peek()
		if t == "" || t == "(" || t == ")" || t == "," {
			return "", false, fmt.Errorf("Error in the JQL Query: Expecting a value but got %q.", t)
		}
		i++
		if strings.HasPrefix(t, "\x00") {
			return t[1:], false, nil
		}
		if strings.EqualFold(t, "EMPTY") || strings.EqualFold(t, "NULL") {
			return "", true, nil
		}
		return t, false, nil
	}
	for i < len(toks) {
		if kw("ORDER") {
			i++
			if !kw("BY") {
				return nil, fmt.Errorf("Error in the JQL Query: Expecting 'BY' after 'ORDER'.")
			}
			i++
			q.orderBy = strings.ToLower(peek())
			if !slices.Contains(jqlFields, q.orderBy) {
				return nil, fmt.Errorf("Field '%s' does not exist or you do not have permission to view it.", peek())
			}
			i++
			if kw("DESC") {
				q.desc = true
				i++
			} else if kw("ASC") {
				i++
			}
			if i < len(toks) {
				return nil, fmt.Errorf("Error in the JQL Query: Unexpected %q after the ORDER BY clause.", peek())
			}
			break
		}
		if len(q.clauses) > 0 {
			if !kw("AND") {
				return nil, fmt.Errorf("Error in the JQL Query: Expecting either 'OR' or 'AND' but got %q.", strings.TrimPrefix(peek(), "\x00"))
			}
			i++
		}
		f := strings.ToLower(strings.TrimPrefix(peek(), "\x00"))
		if !slices.Contains(jqlFields, f) {
			return nil, fmt.Errorf("Field '%s' does not exist or you do not have permission to view it.", strings.TrimPrefix(peek(), "\x00"))
		}
		i++
		c := jqlClause{field: f}
		switch {
		case kw("not"):
			i++
			if !kw("in") {
				return nil, fmt.Errorf("Error in the JQL Query: Expecting 'in' after 'not'.")
			}
			c.op = "not in"
			i++
		case kw("is"):
			i++
			c.op = "is"
			if kw("not") {
				c.op = "is not"
				i++
			}
		default:
			c.op = strings.ToLower(peek())
			i++
		}
		switch c.op {
		case "in", "not in":
			if peek() != "(" {
				return nil, fmt.Errorf("Error in the JQL Query: Expecting '(' after %s.", c.op)
			}
			i++
			for {
				v, _, err := value()
				if err != nil {
					return nil, err
				}
				c.vals = append(c.vals, v)
				if peek() == "," {
					i++
					continue
				}
				if peek() != ")" {
					return nil, fmt.Errorf("Error in the JQL Query: Expecting ')' or ','.")
				}
				i++
				break
			}
		case "is", "is not":
			_, empty, err := value()
			if err != nil || !empty {
				return nil, fmt.Errorf("Error in the JQL Query: 'is' takes EMPTY or NULL.")
			}
			c.empty = true
		case "=", "!=", ">=", "<=", ">", "<":
			v, empty, err := value()
			if err != nil {
				return nil, err
			}
			c.vals, c.empty = []string{v}, empty
			if (c.op != "=" && c.op != "!=") && f != "updated" && f != "created" {
				return nil, fmt.Errorf("The operator '%s' is not supported by the '%s' field.", c.op, f)
			}
			if f == "updated" || f == "created" {
				if _, err := jqlDate(v); err != nil {
					return nil, err
				}
			}
		default:
			return nil, fmt.Errorf("Error in the JQL Query: Expecting operator but got %q.", c.op)
		}
		q.clauses = append(q.clauses, c)
	}
	return q, nil
}

func jqlDate(s string) (time.Time, error) {
	for _, l := range []string{"2006-01-02 15:04", "2006/01/02 15:04", "2006-01-02", "2006/01/02"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("Date value '%s' for field 'updated' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd'.", s)
}

func (q *jqlQuery) match(is *JiraIssue) bool {
	for _, c := range q.clauses {
		if !c.match(is) {
			return false
		}
	}
	return true
}

func (c jqlClause) match(is *JiraIssue) bool {
	var have []string
	var at time.Time
	switch c.field {
	case "project":
		p, _, _ := strings.Cut(is.Key, "-")
		have = []string{p}
	case "key":
		have = []string{is.Key}
	case "labels":
		have = is.Labels
	case "status":
		have = []string{is.Status}
	case "resolution":
		if is.Resolution != "" {
			have = []string{is.Resolution}
		}
	case "updated":
		at = is.Updated
	case "created":
		at = is.Created
	}
	if c.field == "updated" || c.field == "created" {
		t, _ := jqlDate(c.vals[0])
		at = at.Truncate(time.Minute)
		switch c.op {
		case ">=":
			return !at.Before(t)
		case ">":
			return at.After(t)
		case "<=":
			return !at.After(t)
		case "<":
			return at.Before(t)
		case "=":
			return at.Equal(t)
		}
		return !at.Equal(t)
	}
	has := func(v string) bool {
		return slices.ContainsFunc(have, func(h string) bool {
			if c.field == "labels" {
				return h == v // labels are case-sensitive
			}
			return strings.EqualFold(h, v)
		})
	}
	switch c.op {
	case "is":
		return len(have) == 0
	case "is not":
		return len(have) > 0
	case "=":
		if c.empty {
			return len(have) == 0
		}
		return has(c.vals[0])
	case "!=":
		if c.empty {
			return len(have) > 0
		}
		return len(have) > 0 && !has(c.vals[0])
	case "in":
		return slices.ContainsFunc(c.vals, has)
	case "not in":
		return len(have) > 0 && !slices.ContainsFunc(c.vals, has)
	}
	return false
}
