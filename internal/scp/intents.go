package scp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/guardrail-sec/guardrail/internal/policy"
	"github.com/guardrail-sec/guardrail/internal/yamlpos"
)

// Intents is an intents file: what each target (the root, an OU, an
// account) must be prevented from doing.
type Intents struct {
	// File is the file the intents were read from.
	File string
	// GuardrailRole is the name of the role Guardrail scans, applies the
	// baseline and remediates with in member accounts (default
	// OrganizationAccountAccessRole). Every statement that admits
	// exceptions spares it, so a rollout never locks Guardrail out.
	GuardrailRole string
	Targets       []*TargetIntents
}

// TargetIntents are the intents of one target.
type TargetIntents struct {
	// Target as written: "root", "ou:Workloads/Prod", "ou-ab12-34cd5678",
	// "account:111122223333", "account:prod-app".
	Target string
	// Line is where the target starts in the file.
	Line int
	// AllowedRegions: every request to another region is denied, except
	// to the global services AWS documents as exempt.
	AllowedRegions []string
	// DeniedServices: every action of these service prefixes is denied.
	DeniedServices []string
	// ExceptRoles are role ARN patterns spared by every intent that
	// admits exceptions (the security services, protected buckets, the
	// region and IMDSv2 intents); Guardrail's own role is always added.
	ExceptRoles []string
	// ProtectSecurityServices denies stopping or deleting CloudTrail,
	// Config, GuardDuty, Security Hub, IAM Access Analyzer, Inspector
	// and Detective.
	ProtectSecurityServices bool
	// ProtectBuckets deny deleting the buckets (and their objects) or
	// weakening their policy, versioning, encryption and logging.
	ProtectBuckets                 []ProtectedBucket
	DenyLeaveOrganization          bool
	DenyRootUser                   bool
	RequireIMDSv2                  bool
	DenyDisableEBSEncryption       bool
	DenyDisableS3BlockPublicAccess bool
	// Statements are raw SCP statements, added as written.
	Statements []*policy.Statement
}

// ProtectedBucket is a bucket name pattern ("org-log-archive-*") and
// whether its objects are protected too.
type ProtectedBucket struct {
	Bucket  string
	Objects bool
}

// DefaultGuardrailRole is the member-account role Guardrail assumes when
// the intents name none (the role Organizations creates in accounts it
// creates, and Guardrail's default --role).
const DefaultGuardrailRole = "OrganizationAccountAccessRole"

var (
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$`)
	servicePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	bucketPattern  = regexp.MustCompile(`^[a-z0-9*?][a-z0-9.*?-]{0,62}$`)
	rolePattern    = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}|\*):role/.+$`)
	roleName       = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	ouIDPattern    = regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$`)
	rootIDPattern  = regexp.MustCompile(`^r-[0-9a-z]{4,32}$`)
	accountID      = regexp.MustCompile(`^\d{12}$`)
)

// Load reads an intents file (YAML). Every problem is reported with the
// file, line, column and field ("intents.yaml:7:22:
// targets[0].allowed_regions[1]: ..."), all of them at once.
func Load(name string, src []byte) (*Intents, error) {
	p := &parser{file: name}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, yamlpos.Syntax(name, src, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &yamlpos.Error{File: name, Line: extra.Line, Col: extra.Column, Msg: "more than one YAML document"}
	} else if err != io.EOF {
		return nil, yamlpos.Syntax(name, src, err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	in := &Intents{File: name, GuardrailRole: DefaultGuardrailRole}
	if root.Kind == 0 || root.Kind == yaml.DocumentNode {
		p.errorf(&yaml.Node{Line: 1, Column: 1}, "targets", "required: a list of targets and their intents")
		return nil, errors.Join(p.errs...)
	}
	seen, _ := yamlpos.Mapping(root, "", []yamlpos.Field{
		{Key: "guardrail_role", Fn: func(n *yaml.Node, path string) {
			if v, ok := yamlpos.Scalar(n, path, p.errorf); ok {
				if !roleName.MatchString(v) {
					p.errorf(n, path, "%q is not a role name (want the name only, e.g. OrganizationAccountAccessRole, not an ARN)", v)
				} else {
					in.GuardrailRole = v
				}
			}
		}},
		{Key: "targets", Fn: func(n *yaml.Node, path string) { in.Targets = p.targets(n, path) }},
	}, p.errorf)
	if seen != nil && !seen["targets"] {
		p.errorf(root, "targets", "required: a list of targets and their intents")
	}
	if p.errs != nil {
		return nil, errors.Join(p.errs...)
	}
	return in, nil
}

type parser struct {
	file string
	errs []error
}

func (p *parser) errorf(n *yaml.Node, path, format string, args ...any) {
	p.errs = append(p.errs, yamlpos.At(p.file, n, path, format, args...))
}

func (p *parser) targets(n *yaml.Node, path string) []*TargetIntents {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.errorf(n, path, "want a list of targets, each with a target: and its intents")
		return nil
	}
	var out []*TargetIntents
	first := map[string]int{}
	for i, c := range n.Content {
		c = yamlpos.Resolve(c)
		tp := fmt.Sprintf("%s[%d]", path, i)
		t, tn := p.target(c, tp)
		if t == nil {
			continue
		}
		key := CanonicalTarget(t.Target)
		if line, dup := first[key]; dup {
			p.errorf(tn, yamlpos.Join(tp, "target"), "%q is already a target on line %d: give each target once", t.Target, line)
			continue
		}
		first[key] = c.Line
		out = append(out, t)
	}
	return out
}

// CanonicalTarget is the form of a target that compares equal for the
// same target written differently ("ou:Root/Workloads" and
// "ou:Workloads").
func CanonicalTarget(t string) string {
	t = strings.TrimSpace(t)
	if rest, ok := strings.CutPrefix(t, "ou:"); ok {
		rest = strings.Trim(strings.TrimPrefix(strings.TrimPrefix(rest, "Root"), "/"), "/")
		if rest == "" {
			return "root"
		}
		return "ou:" + rest
	}
	if accountID.MatchString(t) {
		return "account:" + t
	}
	return t
}

// CheckTarget reports whether t is a target Guardrail can resolve: root,
// a root ID (r-…), an OU path (ou:Workloads/Prod) or ID (ou-…), an
// account ID or name (account:111122223333, account:prod-app).
func CheckTarget(t string) error {
	switch {
	case t == "root", rootIDPattern.MatchString(t), ouIDPattern.MatchString(t), accountID.MatchString(t):
		return nil
	case strings.HasPrefix(t, "ou:"):
		if strings.Trim(strings.TrimPrefix(t, "ou:"), "/ ") == "" {
			return fmt.Errorf("%q names no OU (want ou:Path/To/OU, or root)", t)
		}
		return nil
	case strings.HasPrefix(t, "account:"):
		if strings.TrimSpace(strings.TrimPrefix(t, "account:")) == "" {
			return fmt.Errorf("%q names no account (want account:111122223333 or account:<name>)", t)
		}
		return nil
	}
	return fmt.Errorf("%q is not a target (want root, ou:Path/To/OU, an OU ID ou-…, account:<id or name>)", t)
}

func (p *parser) target(n *yaml.Node, path string) (*TargetIntents, *yaml.Node) {
	before := len(p.errs)
	t := &TargetIntents{Line: n.Line}
	var tn *yaml.Node
	boolField := func(key string, dst *bool) yamlpos.Field {
		return yamlpos.Field{Key: key, Fn: func(n *yaml.Node, path string) { *dst = p.boolean(n, path) }}
	}
	seen, ok := yamlpos.Mapping(n, path, []yamlpos.Field{
		{Key: "target", Fn: func(n *yaml.Node, path string) {
			tn = n
			if v, ok := yamlpos.Scalar(n, path, p.errorf); ok {
				if err := CheckTarget(v); err != nil {
					p.errorf(n, path, "%v", err)
				} else {
					t.Target = v
				}
			}
		}},
		{Key: "allowed_regions", Fn: func(n *yaml.Node, path string) {
			t.AllowedRegions = p.list(n, path, func(v string) string {
				if !regionPattern.MatchString(v) {
					return fmt.Sprintf("%q is not an AWS Region code (e.g. eu-west-1)", v)
				}
				return ""
			})
		}},
		{Key: "denied_services", Fn: func(n *yaml.Node, path string) {
			t.DeniedServices = p.list(n, path, func(v string) string {
				if !servicePattern.MatchString(v) {
					return fmt.Sprintf("%q is not a service prefix (e.g. sagemaker, as in sagemaker:CreateModel)", v)
				}
				return ""
			})
		}},
		{Key: "except_roles", Fn: func(n *yaml.Node, path string) {
			t.ExceptRoles = append(t.ExceptRoles, p.roles(n, path)...)
		}},
		{Key: "protect_security_services", Fn: func(n *yaml.Node, path string) {
			if n.Kind == yaml.MappingNode {
				t.ProtectSecurityServices = true
				yamlpos.Mapping(n, path, []yamlpos.Field{
					{Key: "except_roles", Fn: func(n *yaml.Node, path string) { t.ExceptRoles = append(t.ExceptRoles, p.roles(n, path)...) }},
				}, p.errorf)
				return
			}
			t.ProtectSecurityServices = p.boolean(n, path)
		}},
		{Key: "protect_buckets", Fn: func(n *yaml.Node, path string) { t.ProtectBuckets = p.buckets(n, path) }},
		boolField("deny_leave_organization", &t.DenyLeaveOrganization),
		boolField("deny_root_user", &t.DenyRootUser),
		boolField("require_imdsv2", &t.RequireIMDSv2),
		boolField("deny_disable_ebs_encryption", &t.DenyDisableEBSEncryption),
		boolField("deny_disable_s3_block_public_access", &t.DenyDisableS3BlockPublicAccess),
		{Key: "statements", Fn: func(n *yaml.Node, path string) { t.Statements = p.statements(n, path) }},
	}, p.errorf)
	if !ok {
		return nil, nil
	}
	if !seen["target"] {
		p.errorf(n, yamlpos.Join(path, "target"), "required: root, ou:Path/To/OU, an OU ID or account:<id or name>")
	}
	if len(p.errs) == before && !t.hasIntent() {
		p.errorf(n, path, "no intent: give at least one (allowed_regions, denied_services, protect_security_services, ...; false asks for nothing)")
	}
	if len(p.errs) > before {
		return nil, tn
	}
	return t, tn
}

// hasIntent reports whether t asks for anything.
func (t *TargetIntents) hasIntent() bool {
	return len(t.AllowedRegions) > 0 || len(t.DeniedServices) > 0 || t.ProtectSecurityServices || len(t.ProtectBuckets) > 0 ||
		t.DenyLeaveOrganization || t.DenyRootUser || t.RequireIMDSv2 || t.DenyDisableEBSEncryption ||
		t.DenyDisableS3BlockPublicAccess || len(t.Statements) > 0
}

func (p *parser) boolean(n *yaml.Node, path string) bool {
	v, ok := yamlpos.Scalar(n, path, p.errorf)
	if !ok {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil || n.Tag != "!!bool" && n.Style == 0 && v != "true" && v != "false" {
		p.errorf(n, path, "%q: want true or false", v)
		return false
	}
	return b
}

// list reads a non-empty list of scalars, checking each with check
// (which returns a problem, "" for none); repeated values are reported.
func (p *parser) list(n *yaml.Node, path string, check func(string) string) []string {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.errorf(n, path, "want a non-empty list")
		return nil
	}
	var out []string
	first := map[string]int{}
	for i, c := range n.Content {
		c = yamlpos.Resolve(c)
		ip := fmt.Sprintf("%s[%d]", path, i)
		v, ok := yamlpos.Scalar(c, ip, p.errorf)
		if !ok {
			continue
		}
		if msg := check(v); msg != "" {
			p.errorf(c, ip, "%s", msg)
			continue
		}
		if line, dup := first[v]; dup {
			p.errorf(c, ip, "%q is already listed on line %d", v, line)
			continue
		}
		first[v] = c.Line
		out = append(out, v)
	}
	return out
}

func (p *parser) roles(n *yaml.Node, path string) []string {
	return p.list(n, path, func(v string) string {
		if !rolePattern.MatchString(v) {
			return fmt.Sprintf("%q is not a role ARN pattern (want arn:aws:iam::*:role/Name or arn:aws:iam::111122223333:role/Name)", v)
		}
		return ""
	})
}

func (p *parser) buckets(n *yaml.Node, path string) []ProtectedBucket {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.errorf(n, path, "want a non-empty list of {bucket: name-or-pattern, objects: true|false}")
		return nil
	}
	var out []ProtectedBucket
	for i, c := range n.Content {
		c = yamlpos.Resolve(c)
		ip := fmt.Sprintf("%s[%d]", path, i)
		var b ProtectedBucket
		seen, ok := yamlpos.Mapping(c, ip, []yamlpos.Field{
			{Key: "bucket", Fn: func(n *yaml.Node, path string) {
				if v, ok := yamlpos.Scalar(n, path, p.errorf); ok {
					if !bucketPattern.MatchString(v) {
						p.errorf(n, path, "%q is not a bucket name or pattern (lower-case letters, digits, ., -, with * and ?)", v)
					} else {
						b.Bucket = v
					}
				}
			}},
			{Key: "objects", Fn: func(n *yaml.Node, path string) { b.Objects = p.boolean(n, path) }},
		}, p.errorf)
		if !ok {
			continue
		}
		if !seen["bucket"] {
			p.errorf(c, yamlpos.Join(ip, "bucket"), "required: the bucket name or pattern")
			continue
		}
		if b.Bucket != "" {
			out = append(out, b)
		}
	}
	return out
}

// statements reads raw SCP statements written in YAML, checking each
// with the policy parser.
func (p *parser) statements(n *yaml.Node, path string) []*policy.Statement {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.errorf(n, path, "want a non-empty list of SCP statements")
		return nil
	}
	var out []*policy.Statement
	for i, c := range n.Content {
		c = yamlpos.Resolve(c)
		ip := fmt.Sprintf("%s[%d]", path, i)
		var v any
		if err := c.Decode(&v); err != nil {
			p.errorf(c, ip, "%v", err)
			continue
		}
		js, err := json.Marshal(v)
		if err != nil {
			p.errorf(c, ip, "not a statement: %v", err)
			continue
		}
		doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[` + string(js) + `]}`))
		if err != nil {
			msg := err.Error()
			var se *policy.SyntaxError
			if errors.As(err, &se) {
				msg = se.Msg
			}
			p.errorf(c, ip, "%s", msg)
			continue
		}
		st := doc.Statements[0]
		st.Line, st.Col = c.Line, c.Column
		out = append(out, st)
	}
	return out
}
