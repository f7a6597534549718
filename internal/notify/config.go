package notify

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/guardrail-sec/guardrail/internal/yamlpos"
)

// Error is one problem in a notification config: file:line:col: field:
// message.
type Error = yamlpos.Error

// The destination types.
const (
	Slack   = "slack"
	Teams   = "teams"
	Email   = "email"
	Webhook = "webhook"
	SNS     = "sns"
	JiraT   = "jira"
)

var destTypes = []string{Slack, Teams, Email, Webhook, SNS, JiraT}

// Config is a notification config file: where notifications go
// (Destinations) and which events go where (Routes, Default).
type Config struct {
	// File is the config's file name, as given.
	File         string
	Destinations []*Destination
	Routes       []*Route
	// Default is the route taken by an event no route matches; nil: such
	// an event goes nowhere.
	Default *Route
	// Defaults are the file's options: section.
	Defaults Defaults
}

// Defaults are the settings that apply to every route (the options:
// section).
type Defaults struct {
	// GroupWindow: watch alerts with the same GroupKey within this window
	// are one notification (default 15m; 0s turns grouping off).
	GroupWindow time.Duration
	// DigestTop is how many of the worst items a digest lists (default
	// 10).
	DigestTop int
	// DashboardURL is the dashboard's base URL (https://guardrail.example.com);
	// messages link a finding's page under it when set.
	DashboardURL string
}

// Destination is one place notifications are delivered to. Its secrets
// (URL, Secret, the SMTP password, the Jira token) are resolved when the
// config is loaded and never appear in errors or output: print Host.
type Destination struct {
	Name string
	Type string // slack, teams, email, webhook, sns or jira
	// Line is where the destination is defined in the file.
	Line int
	// URL is the incoming webhook URL (slack, teams, webhook). Secret.
	URL string `json:"-"`
	// Secret is the webhook's HMAC-SHA256 key; empty: unsigned.
	Secret string `json:"-"`
	// Headers are extra HTTP headers sent to a webhook.
	Headers map[string]string `json:"-"`
	SMTP    *SMTPConfig
	SNS     *SNSConfig
	Jira    *JiraConfig
}

// Host is what may be shown of the destination's address: the host (and
// port) of its URL, the SMTP server, the SNS topic ARN or the Jira site;
// never a path or query (an incoming webhook's path is its secret).
func (d *Destination) Host() string {
	switch d.Type {
	case Email:
		return net.JoinHostPort(d.SMTP.Host, strconv.Itoa(d.SMTP.Port))
	case SNS:
		return d.SNS.TopicARN
	case JiraT:
		return hostOf(d.Jira.URL)
	}
	return hostOf(d.URL)
}

func hostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "(unparsable URL)"
	}
	return u.Host
}

// The STARTTLS policies of an e-mail destination.
const (
	StartTLSRequired      = "required"
	StartTLSOpportunistic = "opportunistic"
	StartTLSNone          = "none"
)

// SMTPConfig is an e-mail destination's server and envelope.
type SMTPConfig struct {
	Host string
	Port int // default 587; 465 with TLS
	// StartTLS is required (the default), opportunistic or none.
	StartTLS string
	// TLS: implicit TLS from the first byte (port 465, "SMTPS") instead
	// of STARTTLS.
	TLS bool
	// CAFile is a PEM bundle that signs the server's certificate, for a
	// server with a private CA; empty: the system's roots.
	CAFile   string
	Username string
	Password string `json:"-"`
	From     string
	To       []string
	// Timeout bounds the whole delivery: connect, TLS, AUTH, DATA
	// (default 30s).
	Timeout time.Duration
}

// SNSConfig is an Amazon SNS destination.
type SNSConfig struct {
	TopicARN string
	// Region is the topic's; default: the region in the topic ARN.
	Region string
	// Role is a role to assume to publish (another account's topic).
	Role string
}

// JiraConfig is a Jira destination: where issues are created, and how the
// two-way sync reads them back.
type JiraConfig struct {
	// URL is the site: https://example.atlassian.net.
	URL string
	// Cloud: Jira Cloud (search pages by token); false: Jira Data Center
	// or Server (search pages by startAt). deployment: cloud|datacenter;
	// default: cloud for *.atlassian.net and *.jira.com, else datacenter.
	Cloud bool
	// User is the account's e-mail (Jira Cloud: basic auth with an API
	// token); empty: the token is a personal access token sent as a
	// bearer token (Jira Data Center).
	User      string
	Token     string `json:"-"`
	Project   string
	IssueType string // default "Task"
	// Priority maps a severity (CRITICAL...) to a Jira priority name;
	// default Highest, High, Medium, Low, Lowest.
	Priority map[string]string
	Labels   []string
	// ResolvedTransition is the status an issue is moved to when its
	// finding resolves (default "Done"); ReopenTransition, when it
	// reopens (empty: a comment only).
	ResolvedTransition string
	ReopenTransition   string
	// Resolution is given when a transition's screen asks for one
	// (default "Done"; "" never gives one).
	Resolution string
	// WontFixResolutions and WontFixStatuses: an issue closed with one of
	// these resolutions, or moved to one of these statuses, suppresses
	// its finding (default resolutions: "Won't Do", "Won't Fix",
	// "Accepted Risk").
	WontFixResolutions []string
	WontFixStatuses    []string
	// WebhookSecret is the shared secret of the inbound Jira webhook on
	// serve; empty: no inbound webhook.
	WebhookSecret string `json:"-"`
	// PollInterval is how often the sync searches Jira (default 5m).
	PollInterval time.Duration
}

// Route sends the events it matches to its destinations.
type Route struct {
	// Name is the route's name, or "routes[2]" when it has none
	// ("default" for the default route).
	Name string
	Line int
	// Match: an event matches when every field given matches (any of its
	// values); an empty Match matches every event.
	Match Match
	To    []string
	// Digest: the route's events from one scan are one message per
	// destination (counts and the worst items), not one each.
	Digest bool
	// Stop: an event this route matches is not matched against the
	// routes after it.
	Stop bool
}

// Match is what a route selects. Every field given must match; a field
// with several values matches any of them.
type Match struct {
	// Accounts are account IDs or names.
	Accounts []string
	// OUs are OU path prefixes ("Workloads" matches
	// "Workloads/Production"), whole segments only.
	OUs []string
	// AccountTags and ResourceTags: every key given must be present with
	// one of its values ("*" matches any value).
	AccountTags  map[string][]string
	ResourceTags map[string][]string
	// Severities: the event's severity is one of them.
	Severities []string
	// MinSeverity: the event's severity is at least this.
	MinSeverity string
	// Controls are control IDs or patterns ("S3.*").
	Controls []string
	// Standards: a finding's standards include one (a requirement
	// "cis-3.0:1.4", a standard "cis-3.0", or a family "cis").
	Standards []string
	// Rules are watch rule names or patterns.
	Rules   []string
	Sources []string
	Changes []string
}

// Load reads and parses the config at path.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("notify config: %w", err)
	}
	return Parse(path, b)
}

// Parse parses a config read from path (named in errors; secret files
// are relative to its directory). It resolves the secrets from their
// environment variables and files. The error joins one *Error per
// problem, in file order.
func Parse(path string, data []byte) (*Config, error) {
	p := &parser{file: path, dir: filepath.Dir(path)}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, yamlpos.Syntax(path, data, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{File: path, Line: extra.Line, Col: extra.Column, Msg: "more than one YAML document"}
	} else if err != io.EOF {
		return nil, yamlpos.Syntax(path, data, err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	c := &Config{File: path, Defaults: Defaults{GroupWindow: 15 * time.Minute, DigestTop: 10}}
	if root.Kind == 0 || root.Kind == yaml.DocumentNode {
		p.errorf(&yaml.Node{Line: 1, Column: 1}, "destinations", "required (the file is empty)")
		return nil, errors.Join(p.errs...)
	}
	seen, _ := yamlpos.Mapping(root, "", []yamlpos.Field{
		{Key: "destinations", Fn: func(n *yaml.Node, path string) { c.Destinations = p.destinations(n, path) }},
		{Key: "routes", Fn: func(n *yaml.Node, path string) { c.Routes = p.routes(n, path) }},
		{Key: "default", Fn: func(n *yaml.Node, path string) { c.Default = p.defaultRoute(n, path) }},
		{Key: "options", Fn: func(n *yaml.Node, path string) { p.options(n, path, &c.Defaults) }},
	}, p.errorf)
	if seen != nil && !seen["destinations"] {
		p.errorf(root, "destinations", "required: name at least one destination")
	}
	if seen != nil && !seen["routes"] && !seen["default"] {
		p.errorf(root, "routes", "required: give routes, a default route, or both")
	}
	p.checkRefs(c)
	if p.errs != nil {
		return nil, errors.Join(p.errs...)
	}
	return c, nil
}

type parser struct {
	file, dir string
	errs      []error
	// refs are the destination names routes refer to, to check once all
	// are read.
	refs []ref
}

type ref struct {
	name, path string
	n          *yaml.Node
	digest     bool
}

func (p *parser) errorf(n *yaml.Node, path, format string, args ...any) {
	p.errs = append(p.errs, yamlpos.At(p.file, n, path, format, args...))
}

func (p *parser) scalar(n *yaml.Node, path string) (string, bool) {
	return yamlpos.Scalar(n, path, p.errorf)
}

func (p *parser) text(n *yaml.Node, path string, dst *string) {
	if v, ok := p.scalar(n, path); ok {
		*dst = v
	}
}

func (p *parser) boolean(n *yaml.Node, path string) bool {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		p.errorf(n, path, "%q is not true or false", n.Value)
		return false
	}
	return strings.EqualFold(n.Value, "true")
}

func (p *parser) duration(n *yaml.Node, path string, dst *time.Duration) {
	v, ok := p.scalar(n, path)
	if !ok {
		return
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		p.errorf(n, path, "%q is not a duration (want one like 90s, 15m or 1h)", v)
		return
	}
	*dst = d
}

// list reads a list of scalars, or one scalar, checking each with ok.
func (p *parser) list(n *yaml.Node, path string, ok func(v string) error) []string {
	return yamlpos.List(n, path, "empty list", p.errorf, ok)
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

func (p *parser) destinations(n *yaml.Node, path string) []*Destination {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.errorf(n, path, "want a list of destinations, each with a name and a type")
		return nil
	}
	var out []*Destination
	names := map[string]int{}
	for i, c := range n.Content {
		c = yamlpos.Resolve(c)
		dp := fmt.Sprintf("%s[%d]", path, i)
		d := p.destination(c, dp)
		if d == nil {
			continue
		}
		if line, dup := names[d.Name]; dup {
			p.errorf(c, dp+".name", "%q is defined twice (first on line %d)", d.Name, line)
			continue
		}
		names[d.Name] = c.Line
		out = append(out, d)
	}
	return out
}

// secret is a secret given inline (key), in an environment variable
// (key_env) or in a file (key_file).
type secret struct {
	val   string
	given int // how many of the three forms were given
	n     *yaml.Node
	path  string
}

func (p *parser) secretFields(key string, s *secret) []yamlpos.Field {
	set := func(n *yaml.Node, path string) {
		s.given++
		if s.n == nil {
			s.n, s.path = n, path
		}
	}
	return []yamlpos.Field{
		{Key: key, Fn: func(n *yaml.Node, path string) {
			set(n, path)
			p.text(n, path, &s.val)
		}},
		{Key: key + "_env", Fn: func(n *yaml.Node, path string) {
			set(n, path)
			name, ok := p.scalar(n, path)
			if !ok {
				return
			}
			v, found := os.LookupEnv(name)
			switch {
			case !found:
				p.errorf(n, path, "environment variable %s is not set", name)
			case strings.TrimSpace(v) == "":
				p.errorf(n, path, "environment variable %s is empty", name)
			default:
				s.val = strings.TrimSpace(v)
			}
		}},
		{Key: key + "_file", Fn: func(n *yaml.Node, path string) {
			set(n, path)
			name, ok := p.scalar(n, path)
			if !ok {
				return
			}
			if !filepath.IsAbs(name) {
				name = filepath.Join(p.dir, name)
			}
			b, err := os.ReadFile(name)
			switch {
			case err != nil:
				p.errorf(n, path, "cannot read the secret file: %s", errors.Unwrap(err))
			case strings.TrimSpace(string(b)) == "":
				p.errorf(n, path, "the secret file %s is empty", name)
			default:
				s.val = strings.TrimSpace(string(b))
			}
		}},
	}
}

// check reports a secret given more than one way; with required, one
// given none.
func (p *parser) checkSecret(s *secret, key string, at *yaml.Node, path string, required bool) {
	switch {
	case s.given > 1:
		p.errorf(s.n, s.path, "give one of %s, %s_env and %s_file", key, key, key)
	case s.given == 0 && required:
		p.errorf(at, yamlpos.Join(path, key), "required (or %s_env: an environment variable, %s_file: a file)", key, key)
	}
}

func (p *parser) destination(n *yaml.Node, path string) *Destination {
	d := &Destination{Line: n.Line}
	var u, sec secret

	var smtpN, snsN, jiraN, headN *yaml.Node
	fields := []yamlpos.Field{
		{Key: "name", Fn: func(n *yaml.Node, path string) {
			if v, ok := p.scalar(n, path); ok {
				if !namePattern.MatchString(v) {
					p.errorf(n, path, "%q is not a destination name (want up to 64 letters, digits, ., _ and -)", v)
					return
				}
				d.Name = v
			}
		}},
		{Key: "type", Fn: func(n *yaml.Node, path string) {

			if v, ok := p.scalar(n, path); ok {
				if !slices.Contains(destTypes, v) {
					p.errorf(n, path, "%q is not a destination type (want %s)", v, strings.Join(destTypes, ", "))
					return
				}
				d.Type = v
			}
		}},
		{Key: "smtp", Fn: func(n *yaml.Node, path string) { smtpN = n }},
		{Key: "sns", Fn: func(n *yaml.Node, path string) { snsN = n }},
		{Key: "jira", Fn: func(n *yaml.Node, path string) { jiraN = n }},
		{Key: "headers", Fn: func(n *yaml.Node, path string) { headN = n }},
	}
	fields = append(fields, p.secretFields("url", &u)...)
	fields = append(fields, p.secretFields("secret", &sec)...)
	seen, ok := yamlpos.Mapping(n, path, fields, p.errorf)
	if !ok {
		return nil
	}
	if !seen["name"] {
		p.errorf(n, yamlpos.Join(path, "name"), "required")
	}
	if !seen["type"] {
		p.errorf(n, yamlpos.Join(path, "type"), "required (%s)", strings.Join(destTypes, ", "))
	}
	if d.Name == "" || d.Type == "" {
		return nil
	}
	// Which sections a type takes.
	only := func(key string, given *yaml.Node, types ...string) {
		if given != nil && !slices.Contains(types, d.Type) {
			p.errorf(given, yamlpos.Join(path, key), "not used by a %s destination", d.Type)
		}
	}
	only("smtp", smtpN, Email)
	only("sns", snsN, SNS)
	only("jira", jiraN, JiraT)
	only("headers", headN, Webhook)
	if u.given > 0 && !slices.Contains([]string{Slack, Teams, Webhook}, d.Type) {
		p.errorf(u.n, u.path, "not used by a %s destination", d.Type)
	}
	if sec.given > 0 && d.Type != Webhook {
		p.errorf(sec.n, sec.path, "not used by a %s destination (only a webhook is signed)", d.Type)
	}
	switch d.Type {
	case Slack, Teams, Webhook:
		p.checkSecret(&u, "url", n, path, true)
		p.checkSecret(&sec, "secret", n, path, false)
		if u.val != "" {
			if err := checkURL(u.val); err != nil {
				// The URL is a secret: say what is wrong, not what it is.
				p.errorf(u.n, u.path, "%s", err)
			}
		}
		d.URL, d.Secret = u.val, sec.val
		if headN != nil {
			d.Headers = p.headers(headN, yamlpos.Join(path, "headers"))
		}
	case Email:
		if smtpN == nil {
			p.errorf(n, yamlpos.Join(path, "smtp"), "required: the server (host, port, from, to)")
			return nil
		}
		d.SMTP = p.smtp(smtpN, yamlpos.Join(path, "smtp"))
	case SNS:
		if snsN == nil {
			p.errorf(n, yamlpos.Join(path, "sns"), "required: {topic_arn: ...}")
			return nil
		}
		d.SNS = p.sns(snsN, yamlpos.Join(path, "sns"))
	case JiraT:
		if jiraN == nil {
			p.errorf(n, yamlpos.Join(path, "jira"), "required: {url, user, token_env, project}")
			return nil
		}
		d.Jira = p.jira(jiraN, yamlpos.Join(path, "jira"))
	}

	if d.SMTP == nil && d.Type == Email || d.SNS == nil && d.Type == SNS || d.Jira == nil && d.Type == JiraT {
		return nil
	}
	return d
}

// checkURL checks an incoming webhook URL without quoting it.
func checkURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("not a URL")
	case u.Scheme != "https" && u.Scheme != "http":
		return errors.New("want an http:// or https:// URL")
	case u.Host == "":
		return errors.New("the URL has no host")
	case u.Scheme == "http" && !loopback(u.Hostname()):
		return fmt.Errorf("plain http to %s: want https (http is accepted only on loopback)", u.Host)
	}
	return nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var headerName = regexp.MustCompile(`^[A-Za-z0-9-]+$`)

func (p *parser) headers(n *yaml.Node, path string) map[string]string {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		p.errorf(n, path, "want a mapping of header names to values")
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := yamlpos.Resolve(n.Content[i]), yamlpos.Resolve(n.Content[i+1])
		kp := yamlpos.Join(path, k.Value)
		switch {
		case !headerName.MatchString(k.Value):
			p.errorf(k, kp, "not an HTTP header name")
		case strings.HasPrefix(strings.ToLower(k.Value), "x-guardrail-") || strings.EqualFold(k.Value, "content-type"):
			p.errorf(k, kp, "set by Guardrail")
		default:
			if s, ok := p.scalar(v, kp); ok {
				out[k.Value] = s
			}
		}
	}
	return out
}

func (p *parser) smtp(n *yaml.Node, path string) *SMTPConfig {
	s := &SMTPConfig{Port: 587, StartTLS: StartTLSRequired, Timeout: 30 * time.Second}
	var pw secret
	fields := []yamlpos.Field{
		{Key: "host", Fn: func(n *yaml.Node, path string) { p.text(n, path, &s.Host) }},
		{Key: "port", Fn: func(n *yaml.Node, path string) {
			v, ok := p.scalar(n, path)
			if !ok {
				return
			}
			port, err := strconv.Atoi(v)
			if err != nil || port < 1 || port > 65535 {
				p.errorf(n, path, "%q is not a port (1 to 65535)", v)
				return
			}
			s.Port = port
		}},
		{Key: "starttls", Fn: func(n *yaml.Node, path string) {
			v, ok := p.scalar(n, path)
			if !ok {
				return
			}
			if v != StartTLSRequired && v != StartTLSOpportunistic && v != StartTLSNone {
				p.errorf(n, path, "%q: want required, opportunistic or none", v)
				return
			}
			s.StartTLS = v
		}},
		{Key: "tls", Fn: func(n *yaml.Node, path string) { s.TLS = p.boolean(n, path) }},
		{Key: "ca_file", Fn: func(n *yaml.Node, path string) {
			if v, ok := p.scalar(n, path); ok {
				if !filepath.IsAbs(v) {
					v = filepath.Join(p.dir, v)
				}
				if _, err := os.Stat(v); err != nil {
					p.errorf(n, path, "cannot read %s: %s", v, errors.Unwrap(err))
					return
				}
				s.CAFile = v
			}
		}},
		{Key: "username", Fn: func(n *yaml.Node, path string) { p.text(n, path, &s.Username) }},
		{Key: "from", Fn: func(n *yaml.Node, path string) {
			if v, ok := p.scalar(n, path); ok {
				if _, err := mail.ParseAddress(v); err != nil {
					p.errorf(n, path, "%q is not an e-mail address", v)
					return
				}
				s.From = v
			}
		}},
		{Key: "to", Fn: func(n *yaml.Node, path string) {
			s.To = p.list(n, path, func(v string) error {
				if _, err := mail.ParseAddress(v); err != nil {
					return fmt.Errorf("%q is not an e-mail address", v)
				}
				return nil
			})
		}},
		{Key: "timeout", Fn: func(n *yaml.Node, path string) { p.duration(n, path, &s.Timeout) }},
	}
	fields = append(fields, p.secretFields("password", &pw)...)
	seen, ok := yamlpos.Mapping(n, path, fields, p.errorf)
	if !ok {
		return nil
	}
	for _, k := range []string{"host", "from", "to"} {
		if !seen[k] {
			p.errorf(n, yamlpos.Join(path, k), "required")
		}
	}
	p.checkSecret(&pw, "password", n, path, false)
	s.Password = pw.val
	if s.Username != "" && pw.given == 0 {
		p.errorf(n, yamlpos.Join(path, "password"), "required with username (password_env or password_file)")
	}
	if pw.given > 0 && s.Username == "" {
		p.errorf(pw.n, pw.path, "given without a username")
	}
	if s.Username != "" && s.StartTLS == StartTLSNone && !s.TLS && !loopback(s.Host) {
		p.errorf(n, yamlpos.Join(path, "starttls"), "none with a username would send the password in clear text to %s: use required, or tls: true", s.Host)
	}
	if s.TLS && !seen["port"] {
		s.Port = 465 // implicit TLS's port (RFC 8314)
	}
	if s.TLS && seen["starttls"] {
		p.errorf(n, yamlpos.Join(path, "tls"), "tls: true is implicit TLS; starttls does not apply")
	}
	if s.Timeout == 0 {
		p.errorf(n, yamlpos.Join(path, "timeout"), "must be more than 0s")
	}
	return s
}

var topicARN = regexp.MustCompile(`^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):[A-Za-z0-9_-]{1,256}(\.fifo)?$`)
var roleARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/.+$`)

func (p *parser) sns(n *yaml.Node, path string) *SNSConfig {
	s := &SNSConfig{}
	seen, ok := yamlpos.Mapping(n, path, []yamlpos.Field{
		{Key: "topic_arn", Fn: func(n *yaml.Node, path string) {
			if v, ok := p.scalar(n, path); ok {
				m := topicARN.FindStringSubmatch(v)
				if m == nil {
					p.errorf(n, path, "%q is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)", v)
					return
				}
				if m[3] != "" {
					p.errorf(n, path, "%q is a FIFO topic: Guardrail publishes to standard topics", v)
					return
				}
				s.TopicARN = v
				if s.Region == "" {
					s.Region = m[1]
				}
			}
		}},
		{Key: "region", Fn: func(n *yaml.Node, path string) { p.text(n, path, &s.Region) }},
		{Key: "role", Fn: func(n *yaml.Node, path string) {
			if v, ok := p.scalar(n, path); ok {
				if !roleARN.MatchString(v) {
					p.errorf(n, path, "%q is not an IAM role ARN", v)
					return
				}
				s.Role = v
			}
		}},
	}, p.errorf)
	if !ok {
		return nil
	}
	if !seen["topic_arn"] {
		p.errorf(n, yamlpos.Join(path, "topic_arn"), "required")
	}
	return s
}

// DefaultPriority maps severities to Jira's default priority scheme.
var DefaultPriority = map[string]string{
	"CRITICAL": "Highest", "HIGH": "High", "MEDIUM": "Medium", "LOW": "Low", "INFORMATIONAL": "Lowest",
}

var projectKey = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,9}$`)

func (p *parser) jira(n *yaml.Node, path string) *JiraConfig {
	j := &JiraConfig{IssueType: "Task", ResolvedTransition: "Done", Resolution: "Done",
		WontFixResolutions: []string{"Won't Do", "Won't Fix", "Accepted Risk"}, PollInterval: 5 * time.Minute,
		Priority: map[string]string{}}
	for k, v := range DefaultPriority {
		j.Priority[k] = v
	}
	var tok, hook secret
	deployment := ""
	fields := []yamlpos.Field{
		{Key: "url", Fn: func(n *yaml.Node, path string) {
			if v, ok := p.scalar(n, path); ok {
				if err := checkURL(v); err != nil {
					p.errorf(n, path, "%s", err)
					return
				}
				j.URL = strings.TrimRight(v, "/")
			}
		}},
		{Key: "user", Fn: func(n *yaml.Node, path string) { p.text(n, path, &j.User) }},
		{Key: "deployment", Fn: func(n *yaml.Node, path string) {
			if v, ok := p.scalar(n, path); ok {
				if v != "cloud" && v != "datacenter" {
					p.errorf(n, path, "%q: want cloud or datacenter", v)
					return
				}
				deployment = v
			}
		}},
		{Key: "project", Fn: func(n *yaml.Node, path string) {
			if v, ok := p.scalar(n, path); ok {
				if !projectKey.MatchString(v) {
					p.errorf(n, path, "%q is not a Jira project key (like SEC: capital letters and digits)", v)
					return
				}
				j.Project = v
			}
		}},
		{Key: "issue_type", Fn: func(n *yaml.Node, path string) { p.text(n, path, &j.IssueType) }},
		{Key: "priority", Fn: func(n *yaml.Node, path string) {
			if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
				p.errorf(n, path, "want a mapping of severities to Jira priorities, like {CRITICAL: Highest}")
				return
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := yamlpos.Resolve(n.Content[i]), yamlpos.Resolve(n.Content[i+1])
				kp := yamlpos.Join(path, k.Value)
				if severityRank(k.Value) < 0 {
					p.errorf(k, kp, "%q is not a severity (want %s)", k.Value, strings.Join(severities, ", "))
					continue
				}
				if s, ok := p.scalar(v, kp); ok {
					j.Priority[strings.ToUpper(k.Value)] = s
				}
			}
		}},
		{Key: "labels", Fn: func(n *yaml.Node, path string) {
			j.Labels = p.list(n, path, func(v string) error {
				if strings.ContainsAny(v, " \t") {
					return fmt.Errorf("%q: Jira labels cannot contain spaces", v)
				}
				return nil
			})
		}},
		{Key: "resolved_transition", Fn: func(n *yaml.Node, path string) { p.text(n, path, &j.ResolvedTransition) }},
		{Key: "reopen_transition", Fn: func(n *yaml.Node, path string) { p.text(n, path, &j.ReopenTransition) }},
		{Key: "resolution", Fn: func(n *yaml.Node, path string) {
			if n.Kind == yaml.ScalarNode && n.Value == "" {
				j.Resolution = "" // "": never give one
				return
			}
			p.text(n, path, &j.Resolution)
		}},
		{Key: "wontfix_resolutions", Fn: func(n *yaml.Node, path string) { j.WontFixResolutions = p.list(n, path, nil) }},
		{Key: "wontfix_statuses", Fn: func(n *yaml.Node, path string) { j.WontFixStatuses = p.list(n, path, nil) }},
		{Key: "poll_interval", Fn: func(n *yaml.Node, path string) { p.duration(n, path, &j.PollInterval) }},
	}
	fields = append(fields, p.secretFields("token", &tok)...)
	fields = append(fields, p.secretFields("webhook_secret", &hook)...)
	seen, ok := yamlpos.Mapping(n, path, fields, p.errorf)
	if !ok {
		return nil
	}
	for _, k := range []string{"url", "project"} {
		if !seen[k] {
			p.errorf(n, yamlpos.Join(path, k), "required")
		}
	}
	p.checkSecret(&tok, "token", n, path, true)
	p.checkSecret(&hook, "webhook_secret", n, path, false)
	j.Token, j.WebhookSecret = tok.val, hook.val
	switch deployment {
	case "cloud":
		j.Cloud = true
	case "":
		h := strings.ToLower(hostOf(j.URL))
		j.Cloud = strings.HasSuffix(h, ".atlassian.net") || strings.HasSuffix(h, ".jira.com")
	}
	if j.PollInterval < time.Minute {
		p.errorf(n, yamlpos.Join(path, "poll_interval"), "at least 1m (Jira rate-limits searches)")
	}
	return j
}

func (p *parser) routes(n *yaml.Node, path string) []*Route {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, path, "want a list of routes, each with match and to")
		return nil
	}
	var out []*Route
	names := map[string]int{}
	for i, c := range n.Content {
		c = yamlpos.Resolve(c)
		rp := fmt.Sprintf("%s[%d]", path, i)
		r := p.route(c, rp, false)
		if r == nil {
			continue
		}
		if r.Name == "" {
			r.Name = rp
		} else if line, dup := names[r.Name]; dup {
			p.errorf(c, rp+".name", "%q is used twice (first on line %d)", r.Name, line)
		}
		names[r.Name] = c.Line
		out = append(out, r)
	}
	return out
}

func (p *parser) defaultRoute(n *yaml.Node, path string) *Route {
	r := p.route(n, path, true)
	if r != nil {
		r.Name = "default"
	}
	return r
}

func (p *parser) route(n *yaml.Node, path string, isDefault bool) *Route {
	r := &Route{Line: n.Line}
	fields := []yamlpos.Field{
		{Key: "to", Fn: func(n *yaml.Node, path string) {
			r.To = p.list(n, path, nil)
			its, paths := yamlpos.Items(n, path)
			for i, c := range its {
				if c.Kind == yaml.ScalarNode && c.Value != "" {
					p.refs = append(p.refs, ref{name: c.Value, path: paths[i], n: c})
				}
			}
		}},
		{Key: "digest", Fn: func(n *yaml.Node, path string) { r.Digest = p.boolean(n, path) }},
	}
	if !isDefault {
		fields = append(fields,
			yamlpos.Field{Key: "name", Fn: func(n *yaml.Node, path string) {
				if v, ok := p.scalar(n, path); ok {
					if !namePattern.MatchString(v) {
						p.errorf(n, path, "%q is not a route name (want up to 64 letters, digits, ., _ and -)", v)
						return
					}
					r.Name = v
				}
			}},
			yamlpos.Field{Key: "match", Fn: func(n *yaml.Node, path string) { p.match(n, path, &r.Match) }},
			yamlpos.Field{Key: "stop", Fn: func(n *yaml.Node, path string) { r.Stop = p.boolean(n, path) }},
		)
	}
	seen, ok := yamlpos.Mapping(n, path, fields, p.errorf)
	if !ok {
		return nil
	}
	if !seen["to"] {
		p.errorf(n, yamlpos.Join(path, "to"), "required: the destinations to send to")
	}
	if !isDefault && !seen["match"] {
		p.errorf(n, yamlpos.Join(path, "match"), "required ({} matches every event)")
	}
	if r.Digest {
		for i := range p.refs {
			if p.refs[i].path == yamlpos.Join(path, "to") || strings.HasPrefix(p.refs[i].path, yamlpos.Join(path, "to")+"[") {
				p.refs[i].digest = true
			}
		}
	}
	return r
}

func (p *parser) match(n *yaml.Node, path string, m *Match) {
	if n.Kind == yaml.MappingNode && len(n.Content) == 0 {
		return // {}: every event
	}
	yamlpos.Mapping(n, path, []yamlpos.Field{
		{Key: "account", Fn: func(n *yaml.Node, path string) { m.Accounts = p.list(n, path, nil) }},
		{Key: "ou", Fn: func(n *yaml.Node, path string) {
			m.OUs = p.list(n, path, nil)
			for i, v := range m.OUs {
				m.OUs[i] = strings.Trim(v, "/")
			}
		}},
		{Key: "account_tag", Fn: func(n *yaml.Node, path string) { m.AccountTags = p.tags(n, path) }},
		{Key: "resource_tag", Fn: func(n *yaml.Node, path string) { m.ResourceTags = p.tags(n, path) }},
		{Key: "severity", Fn: func(n *yaml.Node, path string) {
			m.Severities = p.list(n, path, checkSeverity)
			for i, v := range m.Severities {
				m.Severities[i] = strings.ToUpper(v)
			}
		}},
		{Key: "min_severity", Fn: func(n *yaml.Node, path string) {
			if v, ok := p.scalar(n, path); ok {
				if err := checkSeverity(v); err != nil {
					p.errorf(n, path, "%s", err)
					return
				}
				m.MinSeverity = strings.ToUpper(v)
			}
		}},
		{Key: "control", Fn: func(n *yaml.Node, path string) { m.Controls = p.list(n, path, checkGlob) }},
		{Key: "standard", Fn: func(n *yaml.Node, path string) { m.Standards = p.list(n, path, nil) }},
		{Key: "rule", Fn: func(n *yaml.Node, path string) { m.Rules = p.list(n, path, checkGlob) }},
		{Key: "source", Fn: func(n *yaml.Node, path string) {
			m.Sources = p.list(n, path, oneOf("source", "scan", "watch", "remediation", "test"))
		}},
		{Key: "change", Fn: func(n *yaml.Node, path string) {
			m.Changes = p.list(n, path, oneOf("change", changes...))
		}},
	}, p.errorf)
}

var changes = []string{"new", "reopened", "resolved", "suppressed", "alert", "halted", "rolled_back", "failed", "completed"}

func oneOf(what string, vals ...string) func(string) error {
	return func(v string) error {
		if !slices.Contains(vals, v) {
			return fmt.Errorf("%q is not a %s (want %s)", v, what, strings.Join(vals, ", "))
		}
		return nil
	}
}

func checkSeverity(v string) error {
	if severityRank(v) < 0 {
		return fmt.Errorf("%q is not a severity (want %s)", v, strings.Join(severities, ", "))
	}
	return nil
}

func checkGlob(v string) error {
	if _, err := path.Match(v, ""); err != nil {
		return fmt.Errorf("%q is not a valid pattern: %s", v, err)
	}
	return nil
}

// tags reads {key: value | [values]}.
func (p *parser) tags(n *yaml.Node, path string) map[string][]string {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		p.errorf(n, path, "want a mapping of tag keys to a value or a list of values, like {team: [payments, billing]}")
		return nil
	}
	out := map[string][]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := yamlpos.Resolve(n.Content[i]), yamlpos.Resolve(n.Content[i+1])
		kp := yamlpos.Join(path, k.Value)
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			p.errorf(k, path, "want tag keys")
			continue
		}
		if _, dup := out[k.Value]; dup {
			p.errorf(k, kp, "given twice")
			continue
		}
		out[k.Value] = p.list(v, kp, checkGlob)
	}
	return out
}

func (p *parser) options(n *yaml.Node, path string, d *Defaults) {
	yamlpos.Mapping(n, path, []yamlpos.Field{
		{Key: "group_window", Fn: func(n *yaml.Node, path string) { p.duration(n, path, &d.GroupWindow) }},
		{Key: "digest_top", Fn: func(n *yaml.Node, path string) {
			v, ok := p.scalar(n, path)
			if !ok {
				return
			}
			k, err := strconv.Atoi(v)
			if err != nil || k < 1 || k > 100 {
				p.errorf(n, path, "%q: want a whole number from 1 to 100", v)
				return
			}
			d.DigestTop = k
		}},
		{Key: "dashboard_url", Fn: func(n *yaml.Node, path string) {
			if v, ok := p.scalar(n, path); ok {
				u, err := url.Parse(v)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					p.errorf(n, path, "%q is not an http(s) URL", v)
					return
				}
				d.DashboardURL = strings.TrimRight(v, "/")
			}
		}},
	}, p.errorf)
}

// checkRefs reports routes naming destinations that are not defined, and
// digest routes to Jira (which files one issue per finding).
func (p *parser) checkRefs(c *Config) {
	for _, r := range p.refs {
		d, ok := c.Destination(r.name)
		switch {
		case !ok:
			var names []string
			for _, d := range c.Destinations {
				names = append(names, d.Name)
			}
			if len(names) == 0 {
				p.errorf(r.n, r.path, "destination %q is not defined", r.name)
			} else {
				p.errorf(r.n, r.path, "destination %q is not defined (defined: %s)", r.name, strings.Join(names, ", "))
			}
		case r.digest && d.Type == JiraT:
			p.errorf(r.n, r.path, "%q is a Jira destination: Jira gets one issue per finding, not a digest (route it from a route without digest)", r.name)
		}
	}
}

// Destination returns the destination named name.
func (c *Config) Destination(name string) (*Destination, bool) {
	for _, d := range c.Destinations {
		if d.Name == name {
			return d, true
		}
	}
	return nil, false
}
