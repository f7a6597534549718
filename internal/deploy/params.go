package deploy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/guardrail-sec/guardrail/internal/yamlpos"
)

// Params are what the templates are generated from: the user's
// organization, where Guardrail runs, and how.
type Params struct {
	// Name prefixes the names of what the templates create ("guardrail").
	Name           string
	OrganizationID string   // o-...
	HomeRegion     string   // where the tooling stack, the database and the event bus live
	ToolingAccount string   // the security tooling account (12 digits)
	Targets        []string // the root (r-...) or OUs (ou-...) the StackSet deploys to
	Regions        []string // regions scanned, and where member accounts forward their events from
	Image          string   // the container image (URI with a tag or digest)

	ReadRole      string // the read role's name in every account
	Remediate     bool   // also the remediation role
	RemediateRole string

	Shards   int    // scan tasks per scheduled scan
	Schedule string // EventBridge Scheduler expression: cron(...) or rate(...)
	Timezone string // of a cron schedule

	Alerts    Alerts
	Dashboard Dashboard
	Database  Database

	LogRetentionDays int

	file string     // the parameters file read by Parse
	root *yaml.Node // its top mapping
}

// Alerts are where the watch's alerts go: an SNS topic, a Slack webhook
// whose URL is in Secrets Manager, or a notification config file of
// one's own (its *_env secrets named in EnvSecrets). None of them puts
// a secret in a template: a secret's ARN is, and ECS reads its value
// when it starts the task.
type Alerts struct {
	SNSTopicARN        string
	SlackWebhookSecret string            // ARN of a secret whose value is the webhook URL
	NotifyConfig       string            // path of a 'guardrail notify' config
	NotifyConfigData   []byte            // its contents, read by Load
	EnvSecrets         map[string]string // environment variable -> secret ARN, for NotifyConfig
}

// Any says some destination is configured.
func (a Alerts) Any() bool {
	return a.SNSTopicARN != "" || a.SlackWebhookSecret != "" || a.NotifyConfig != ""
}

// Dashboard is the dashboard behind the load balancer and its OpenID
// Connect provider. The client secret stays in Secrets Manager: the
// template holds a dynamic reference to it, resolved by CloudFormation.
type Dashboard struct {
	Host                  string // the public name users open (and the certificate's)
	Issuer                string
	AuthorizationEndpoint string
	TokenEndpoint         string
	UserInfoEndpoint      string
	ClientID              string
	ClientSecretName      string // Secrets Manager secret name; its value is the client secret
	ClientSecretKey       string // key of a JSON secret ("" for a plain string)
	Internal              bool   // an internal load balancer, not internet-facing
}

// Database is the RDS PostgreSQL instance.
type Database struct {
	InstanceClass string
	StorageGB     int
	MultiAZ       bool
	EngineVersion string
}

// Defaults are the values of what the parameters leave out.
func Defaults() Params {
	return Params{
		Name: "guardrail", ReadRole: "GuardrailRead", RemediateRole: "GuardrailRemediate",
		Shards: 1, Schedule: "cron(0 3 * * ? *)", Timezone: "UTC",
		Database:         Database{InstanceClass: "db.t4g.small", StorageGB: 20, EngineVersion: "16"},
		LogRetentionDays: 90,
	}
}

// FieldError is a parameter that is wrong: Field is the flag or the
// file's field path, File and Line where it is (a flag has none).
type FieldError struct {
	File  string
	Line  int
	Col   int
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	if e.File == "" {
		return e.Field + ": " + e.Msg
	}
	return (&yamlpos.Error{File: e.File, Line: e.Line, Col: e.Col, Path: e.Field, Msg: e.Msg}).Error()
}

var (
	orgIDRE   = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	targetRE  = regexp.MustCompile(`^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$`)
	nameRE    = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)
	roleRE    = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]{1,64}$`)
	imageRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*(:[0-9]+)?/[a-z0-9._/-]+(:[A-Za-z0-9._-]{1,128}|@sha256:[a-f0-9]{64})$`)
	schedRE   = regexp.MustCompile(`^(cron\([^()]+\)|rate\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\))$`)
	snsRE     = regexp.MustCompile(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$`)
	secretRE  = regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$`)
	secNameRE = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)
	envRE     = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)
	hostRE    = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	dbClassRE = regexp.MustCompile(`^db\.[a-z0-9]+\.[a-z0-9]+$`)
	pgVerRE   = regexp.MustCompile(`^[0-9]{2}(\.[0-9]+)?$`)
)

// Check checks p, every problem named by its field (the YAML field
// names, which the flags repeat).
func (p *Params) Check() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	match := func(field, v string, re *regexp.Regexp, want string) {
		switch {
		case v == "":
			bad(field, "required (%s)", want)
		case !re.MatchString(v):
			bad(field, "%q is not %s", v, want)
		}
	}
	match("name", p.Name, nameRE, "a name prefix (lowercase letters, digits and -, at most 20)")
	match("organization_id", p.OrganizationID, orgIDRE, "an organization ID (like o-a1b2c3d4e5)")
	match("home_region", p.HomeRegion, regionRE, "a region name (like eu-west-1)")
	match("tooling_account", p.ToolingAccount, accountRE, "an account ID (12 digits)")
	match("image", p.Image, imageRE, "a container image URI with a tag or digest (like 111122223333.dkr.ecr.eu-west-1.amazonaws.com/guardrail:1.4.0)")
	match("read_role", p.ReadRole, roleRE, "an IAM role name")
	if p.Remediate {
		match("remediate_role", p.RemediateRole, roleRE, "an IAM role name")
		if p.RemediateRole == p.ReadRole {
			bad("remediate_role", "%q is also the read role's name", p.RemediateRole)
		}
	}
	if len(p.Targets) == 0 {
		bad("targets", "required: the organization root (r-...) or the OUs (ou-...) whose accounts get the read role")
	}
	for i, t := range p.Targets {
		match(fmt.Sprintf("targets[%d]", i), t, targetRE, "a root ID (r-...) or an OU ID (ou-...-...)")
	}
	if len(p.Regions) == 0 {
		bad("regions", "required: the regions to scan and watch")
	}
	seen := map[string]bool{}
	for i, r := range p.Regions {
		f := fmt.Sprintf("regions[%d]", i)
		match(f, r, regionRE, "a region name (like eu-west-1)")
		if seen[r] {
			bad(f, "%s is listed twice", r)
		}
		seen[r] = true
	}
	if p.HomeRegion != "" && len(p.Regions) > 0 && !seen[p.HomeRegion] {
		bad("regions", "must include the home region %s (the roles and the event bus are there)", p.HomeRegion)
	}
	if p.Shards < 1 || p.Shards > 64 {
		bad("scan.shards", "%d: want 1 to 64 scan tasks", p.Shards)
	}
	match("scan.schedule", p.Schedule, schedRE, "an EventBridge Scheduler expression (cron(0 3 * * ? *) or rate(12 hours))")
	if p.Timezone == "" || strings.ContainsAny(p.Timezone, " \t") {
		bad("scan.timezone", "%q is not a time zone (like UTC or Europe/Paris)", p.Timezone)
	}
	a := p.Alerts
	if a.SNSTopicARN != "" {
		match("alerts.sns_topic_arn", a.SNSTopicARN, snsRE, "an SNS topic ARN")
	}
	if a.SlackWebhookSecret != "" {
		match("alerts.slack_webhook_secret_arn", a.SlackWebhookSecret, secretRE, "a Secrets Manager secret ARN")
	}
	if a.NotifyConfig != "" && (a.SNSTopicARN != "" || a.SlackWebhookSecret != "") {
		bad("alerts.notify_config", "give either a notification config or sns_topic_arn/slack_webhook_secret_arn, not both")
	}
	if len(a.EnvSecrets) > 0 && a.NotifyConfig == "" {
		bad("alerts.env_secrets", "only with alerts.notify_config (whose *_env secrets it names)")
	}
	for _, k := range slices.Sorted(maps.Keys(a.EnvSecrets)) {
		f := "alerts.env_secrets." + k
		if !envRE.MatchString(k) || strings.HasPrefix(k, "PG") || strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "GUARDRAIL_") {
			bad(f, "%q is not an environment variable name of one's own (uppercase, not PG*, AWS_* or GUARDRAIL_*)", k)
		}
		match(f, a.EnvSecrets[k], secretRE, "a Secrets Manager secret ARN")
	}
	d := p.Dashboard
	match("dashboard.host", d.Host, hostRE, "a DNS name (the certificate's)")
	for _, u := range []struct{ f, v string }{
		{"dashboard.oidc.issuer", d.Issuer}, {"dashboard.oidc.authorization_endpoint", d.AuthorizationEndpoint},
		{"dashboard.oidc.token_endpoint", d.TokenEndpoint}, {"dashboard.oidc.user_info_endpoint", d.UserInfoEndpoint},
	} {
		if err := checkHTTPS(u.v); err != nil {
			bad(u.f, "%v", err)
		}
	}
	if d.ClientID == "" {
		bad("dashboard.oidc.client_id", "required")
	}
	match("dashboard.oidc.client_secret_name", d.ClientSecretName, secNameRE, "a Secrets Manager secret name (its value is the client secret; it never goes into a template)")
	if strings.ContainsAny(d.ClientSecretKey, ":{} ") {
		bad("dashboard.oidc.client_secret_key", "%q is not a JSON key", d.ClientSecretKey)
	}
	db := p.Database
	match("database.instance_class", db.InstanceClass, dbClassRE, "an RDS instance class (like db.t4g.small)")
	if db.StorageGB < 20 || db.StorageGB > 65536 {
		bad("database.storage_gb", "%d: want 20 to 65536 (gp3)", db.StorageGB)
	}
	match("database.engine_version", db.EngineVersion, pgVerRE, "a PostgreSQL version (like 16 or 16.4)")
	switch p.LogRetentionDays {
	case 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653:
	default:
		bad("log_retention_days", "%d is not a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ... 3653)", p.LogRetentionDays)
	}
	return errors.Join(errs...)
}

func checkHTTPS(s string) error {
	if s == "" {
		return errors.New("required (an https:// URL)")
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return fmt.Errorf("%q is not an https:// URL", s)
	}
	return nil
}

// Parse reads a parameters file (YAML) over p's values. Problems of
// form (unknown or repeated fields, values that are not numbers...) are
// reported as file:line:col: field: message, all of them; Validate
// checks the values.
func (p *Params) Parse(file string, data []byte) error {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return yamlpos.Syntax(file, data, err)
	}
	var errs []error
	errorf := func(n *yaml.Node, path, format string, args ...any) {
		errs = append(errs, yamlpos.At(file, n, path, format, args...))
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == 0 || root.Kind == yaml.DocumentNode {
		return yamlpos.At(file, &yaml.Node{Line: 1, Column: 1}, "", "empty: want organization_id, home_region, tooling_account, ...")
	}
	str := func(dst *string) func(*yaml.Node, string) {
		return func(n *yaml.Node, path string) {
			if v, ok := yamlpos.Scalar(n, path, errorf); ok {
				*dst = v
			}
		}
	}
	num := func(dst *int) func(*yaml.Node, string) {
		return func(n *yaml.Node, path string) {
			if v, ok := yamlpos.Scalar(n, path, errorf); ok {
				i, err := strconv.Atoi(v)
				if err != nil {
					errorf(n, path, "%q is not a whole number", v)
					return
				}
				*dst = i
			}
		}
	}
	boolean := func(dst *bool) func(*yaml.Node, string) {
		return func(n *yaml.Node, path string) {
			if v, ok := yamlpos.Scalar(n, path, errorf); ok {
				b, err := strconv.ParseBool(v)
				if err != nil {
					errorf(n, path, "%q is not true or false", v)
					return
				}
				*dst = b
			}
		}
	}
	list := func(dst *[]string) func(*yaml.Node, string) {
		return func(n *yaml.Node, path string) { *dst = yamlpos.List(n, path, "empty", errorf, nil) }
	}
	sub := func(fields ...yamlpos.Field) func(*yaml.Node, string) {
		return func(n *yaml.Node, path string) { yamlpos.Mapping(n, path, fields, errorf) }
	}
	d := &p.Dashboard
	yamlpos.Mapping(root, "", []yamlpos.Field{
		{Key: "name", Fn: str(&p.Name)},
		{Key: "organization_id", Fn: str(&p.OrganizationID)},
		{Key: "home_region", Fn: str(&p.HomeRegion)},
		{Key: "tooling_account", Fn: str(&p.ToolingAccount)},
		{Key: "targets", Fn: list(&p.Targets)},
		{Key: "regions", Fn: list(&p.Regions)},
		{Key: "image", Fn: str(&p.Image)},
		{Key: "read_role", Fn: str(&p.ReadRole)},
		{Key: "remediate", Fn: boolean(&p.Remediate)},
		{Key: "remediate_role", Fn: str(&p.RemediateRole)},
		{Key: "scan", Fn: sub(
			yamlpos.Field{Key: "shards", Fn: num(&p.Shards)},
			yamlpos.Field{Key: "schedule", Fn: str(&p.Schedule)},
			yamlpos.Field{Key: "timezone", Fn: str(&p.Timezone)},
		)},
		{Key: "alerts", Fn: sub(
			yamlpos.Field{Key: "sns_topic_arn", Fn: str(&p.Alerts.SNSTopicARN)},
			yamlpos.Field{Key: "slack_webhook_secret_arn", Fn: str(&p.Alerts.SlackWebhookSecret)},
			yamlpos.Field{Key: "notify_config", Fn: str(&p.Alerts.NotifyConfig)},
			yamlpos.Field{Key: "env_secrets", Fn: func(n *yaml.Node, path string) {
				if n.Kind != yaml.MappingNode {
					errorf(n, path, "want a mapping of environment variable: secret ARN")
					return
				}
				p.Alerts.EnvSecrets = map[string]string{}
				for i := 0; i+1 < len(n.Content); i += 2 {
					k := n.Content[i]
					if _, dup := p.Alerts.EnvSecrets[k.Value]; dup {
						errorf(k, yamlpos.Join(path, k.Value), "given twice")
						continue
					}
					if v, ok := yamlpos.Scalar(yamlpos.Resolve(n.Content[i+1]), yamlpos.Join(path, k.Value), errorf); ok {
						p.Alerts.EnvSecrets[k.Value] = v
					}
				}
			}},
		)},
		{Key: "dashboard", Fn: sub(
			yamlpos.Field{Key: "host", Fn: str(&d.Host)},
			yamlpos.Field{Key: "internal", Fn: boolean(&d.Internal)},
			yamlpos.Field{Key: "oidc", Fn: sub(
				yamlpos.Field{Key: "issuer", Fn: str(&d.Issuer)},
				yamlpos.Field{Key: "authorization_endpoint", Fn: str(&d.AuthorizationEndpoint)},
				yamlpos.Field{Key: "token_endpoint", Fn: str(&d.TokenEndpoint)},
				yamlpos.Field{Key: "user_info_endpoint", Fn: str(&d.UserInfoEndpoint)},
				yamlpos.Field{Key: "client_id", Fn: str(&d.ClientID)},
				yamlpos.Field{Key: "client_secret_name", Fn: str(&d.ClientSecretName)},
				yamlpos.Field{Key: "client_secret_key", Fn: str(&d.ClientSecretKey)},
			)},
		)},
		{Key: "database", Fn: sub(
			yamlpos.Field{Key: "instance_class", Fn: str(&p.Database.InstanceClass)},
			yamlpos.Field{Key: "storage_gb", Fn: num(&p.Database.StorageGB)},
			yamlpos.Field{Key: "multi_az", Fn: boolean(&p.Database.MultiAZ)},
			yamlpos.Field{Key: "engine_version", Fn: str(&p.Database.EngineVersion)},
		)},
		{Key: "log_retention_days", Fn: num(&p.LogRetentionDays)},
	}, errorf)
	p.file, p.root = file, root
	return errors.Join(errs...)
}

// Validate checks p (Check) and names each problem where its value
// came from: the flag that set it (flags maps a field to its flag, for
// the flags given), else the parameters file's line (its top for a
// field it does not have), else the field.
func (p *Params) Validate(flags map[string]string) error {
	err := p.Check()
	if err == nil {
		return nil
	}
	var out []error
	for _, e := range unjoin(err) {
		var fe *FieldError
		if !errors.As(e, &fe) {
			out = append(out, e)
			continue
		}
		base, _, _ := strings.Cut(fe.Field, "[")
		switch {
		case flags[base] != "":
			out = append(out, &FieldError{Field: "--" + flags[base] + " (" + fe.Field + ")", Msg: fe.Msg})
		case p.root != nil:
			n := find(p.root, fe.Field)
			out = append(out, &FieldError{File: p.file, Line: n.Line, Col: n.Column, Field: fe.Field, Msg: fe.Msg})
		default:
			out = append(out, fe)
		}
	}
	return errors.Join(out...)
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// find is the node of a field path ("alerts.sns_topic_arn",
// "regions[2]"), or the deepest one found on the way.
func find(n *yaml.Node, path string) *yaml.Node {
	for part := range strings.SplitSeq(path, ".") {
		key, idx, _ := strings.Cut(part, "[")
		next := (*yaml.Node)(nil)
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == key {
					next = yamlpos.Resolve(n.Content[i+1])
				}
			}
		}
		if next == nil {
			return n
		}
		n = next
		if idx != "" {
			i, _ := strconv.Atoi(strings.TrimSuffix(idx, "]"))
			if n.Kind == yaml.SequenceNode && i < len(n.Content) {
				n = n.Content[i]
			}
		}
	}
	return n
}
