package spec

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/guardrail-sec/guardrail/internal/target"
	"github.com/guardrail-sec/guardrail/internal/yamlpos"
)

// Error is one problem in the file, with its file, line, column and field.
type Error = yamlpos.Error

// Load reads and parses the spec file at path.
func Load(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read baseline spec: %w", err)
	}
	return Parse(path, b)
}

// Parse decodes and checks the spec b, named name in errors. Any problem
// rejects the whole file; the error joins one *Error per problem, in file
// order.
func Parse(name string, b []byte) (*Spec, error) {
	d := &decoder{file: name, src: b, nodes: map[string]*yaml.Node{}}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, d.syntax(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{File: name, Line: extra.Line, Col: extra.Column, Msg: "more than one YAML document"}
	} else if err != io.EOF {
		return nil, d.syntax(err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	s := &Spec{Name: name, Text: slices.Clone(b)}
	if root.Kind == 0 || root.Kind == yaml.DocumentNode {
		return nil, &Error{File: name, Line: 1, Col: 1, Path: "version", Msg: "required (the file is empty)"}
	}
	d.decode(root, reflect.ValueOf(s).Elem(), "")
	if d.errs == nil {
		d.check(s, root)
	}
	if d.errs != nil {
		slices.SortStableFunc(d.errs, func(a, b *Error) int { return cmp.Or(a.Line-b.Line, a.Col-b.Col) })
		errs := make([]error, len(d.errs))
		for i, e := range d.errs {
			errs[i] = e
		}
		return nil, errors.Join(errs...)
	}
	return s, nil
}

type decoder struct {
	file string
	src  []byte
	errs []*Error
	// nodes maps a field path to its node, for checks after decoding.
	nodes map[string]*yaml.Node
}

func (d *decoder) syntax(err error) error { return yamlpos.Syntax(d.file, d.src, err) }

// errorf reports an error at n (nil: no position).
func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	d.errs = append(d.errs, yamlpos.At(d.file, n, path, format, args...))
}

// at reports an error on the field at path (at its node, if decoded).
func (d *decoder) at(path, format string, args ...any) {
	d.errorf(d.nodes[path], path, format, args...)
}

// given reports whether the field at path was in the file.
func (d *decoder) given(path string) bool {
	_, ok := d.nodes[path]
	return ok
}

// decode fills v from n strictly: unknown and repeated keys, and values
// of the wrong kind, are errors naming the line and the field path.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	n = yamlpos.Resolve(n)
	d.nodes[path] = n
	switch v.Kind() {
	case reflect.Pointer:
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			d.errorf(n, path, "empty (leave the field out to not manage it)")
			return
		}
		p := reflect.New(v.Type().Elem())
		d.decode(n, p.Elem(), path)
		v.Set(p)
	case reflect.Struct:
		d.mapping(n, v, path)
	case reflect.Slice:
		if n.Kind == yaml.ScalarNode && v.Type().Elem().Kind() == reflect.String && n.Tag != "!!null" {
			n = &yaml.Node{Kind: yaml.SequenceNode, Line: n.Line, Column: n.Column, Content: []*yaml.Node{n}} // one value for a list of one
		}
		if n.Kind != yaml.SequenceNode {
			d.errorf(n, path, "want a list")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			d.decode(c, s.Index(i), p)
			if o, ok := s.Index(i).Addr().Interface().(*Override); ok {
				o.Line = yamlpos.Resolve(c).Line
			}
		}
		v.Set(s)
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || strings.TrimSpace(n.Value) == "" {
			d.errorf(n, path, "want a non-empty value")
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.errorf(n, path, "%q is not true or false", n.Value)
			return
		}
		v.SetBool(strings.EqualFold(n.Value, "true"))
	case reflect.Int:
		i, err := strconv.Atoi(n.Value)
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil {
			d.errorf(n, path, "%q is not a whole number", n.Value)
			return
		}
		v.SetInt(int64(i))
	default:
		panic("spec: cannot decode into " + v.Type().String())
	}
}

// mapping decodes the mapping n into the struct v by yaml tags.
func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path string) {
	t := v.Type()
	var names []string
	index := map[string]int{}
	for i := range t.NumField() {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		names = append(names, tag)
		index[tag] = i
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "want a mapping of %s", strings.Join(names, ", "))
		return
	}
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		fi, ok := index[k.Value]
		switch {
		case k.Kind != yaml.ScalarNode || !ok:
			d.errorf(k, path, "unknown field %q (want %s)", k.Value, strings.Join(names, ", "))
		case first[k.Value] > 0:
			d.errorf(k, yamlpos.Join(path, k.Value), "given twice (first on line %d)", first[k.Value])
		default:
			first[k.Value] = k.Line
			d.decode(val, v.Field(fi), yamlpos.Join(path, k.Value))
		}
	}
}

var (
	bucketPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	namePattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
	kmsPattern    = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/\S+$`)
	rolePattern   = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/\S+$`)
	prefixPattern = regexp.MustCompile(`^[A-Za-z0-9!_.*'()/-]{1,200}$`)
)

// Enumerations the settings take.
var (
	TrailModes    = []string{"organization", "account"}
	AutoEnables   = []string{"ALL", "NEW", "NONE"}
	InspectorScan = []string{"ec2", "ecr", "lambda", "lambda_code"}
	// GuardDutyFeatures are the protection plans a detector can enable.
	GuardDutyFeatures = []string{"S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS",
		"EKS_RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"}
)

// Standards maps a standard's short name to its Security Hub path
// ("arn:aws:securityhub:<region>::" + path, or "arn:aws:securityhub:::"
// for the CIS 1.2 ruleset).
var Standards = map[string]string{
	"fsbp":        "standards/aws-foundational-security-best-practices/v/1.0.0",
	"cis-1.2":     "ruleset/cis-aws-foundations-benchmark/v/1.2.0",
	"cis-1.4":     "standards/cis-aws-foundations-benchmark/v/1.4.0",
	"cis-3.0":     "standards/cis-aws-foundations-benchmark/v/3.0.0",
	"nist-800-53": "standards/nist-800-53/v/5.0.0",
	"pci-dss":     "standards/pci-dss/v/3.2.1",
}

// check validates the decoded spec: values, enumerations, and what must
// be given together.
func (d *decoder) check(s *Spec, root *yaml.Node) {
	if !d.given("version") {
		d.errorf(root, "version", "required (version: 1)")
	} else if s.Version != 1 {
		d.at("version", "%d is not a version this guardrail knows (want 1)", s.Version)
	}
	o := s.Organization
	d.pattern("organization.security_account", o.SecurityAccount, target.AccountID, "an account ID (12 digits)")
	d.pattern("organization.log_archive_account", o.LogArchiveAccount, target.AccountID, "an account ID (12 digits)")
	d.pattern("organization.home_region", o.HomeRegion, target.Region, "a region (like us-east-1)")
	if !d.given("defaults") {
		d.errorf(root, "defaults", "required (the settings of the organization)")
	}
	d.settings(&s.Defaults, "defaults", s, true)
	names := map[string]string{}
	for i := range s.Overrides {
		ov := &s.Overrides[i]
		p := fmt.Sprintf("overrides[%d]", i)
		if ov.Name != "" {
			d.pattern(p+".name", ov.Name, namePattern, "a name (letters, digits, ., _ and -)")
			if prev, dup := names[ov.Name]; dup {
				d.at(p+".name", "%q is also the name of %s", ov.Name, prev)
			}
			names[ov.Name] = p
		}
		m := ov.Match
		if !d.given(p + ".match") {
			d.errorf(d.nodes[p], p+".match", "required (ou, account or region)")
		} else if len(m.OUs)+len(m.Accounts)+len(m.Regions) == 0 {
			d.at(p+".match", "empty: give ou, account or region (put settings for everything under defaults)")
		}
		for j, a := range m.Accounts {
			d.pattern(fmt.Sprintf("%s.match.account[%d]", p, j), a, target.AccountID, "an account ID (12 digits)")
		}
		for j, r := range m.Regions {
			d.pattern(fmt.Sprintf("%s.match.region[%d]", p, j), r, target.Region, "a region (like us-east-1)")
		}
		for j, ou := range m.OUs {
			if strings.HasPrefix(ou, "/") || strings.HasSuffix(ou, "/") || strings.Contains(ou, "//") {
				d.at(fmt.Sprintf("%s.match.ou[%d]", p, j), "%q is not an OU path, ID or name (want names separated by /, like Workloads/Production)", ou)
			}
		}
		if !d.given(p + ".settings") {
			d.errorf(d.nodes[p], p+".settings", "required")
		}
		d.settings(&ov.Settings, p+".settings", s, false)
	}
}

func (d *decoder) pattern(path, v string, re *regexp.Regexp, want string) {
	if d.given(path) && !re.MatchString(v) {
		d.at(path, "%q is not %s", v, want)
	}
}

func (d *decoder) oneOf(path, v string, allowed []string) {
	if d.given(path) && !slices.Contains(allowed, v) {
		d.at(path, "%q is not one of %s", v, strings.Join(allowed, ", "))
	}
}

func (d *decoder) each(path string, vs []string, f func(path, v string)) {
	seen := map[string]bool{}
	for i, v := range vs {
		p := fmt.Sprintf("%s[%d]", path, i)
		if seen[v] {
			d.at(p, "%q is listed twice", v)
		}
		seen[v] = true
		f(p, v)
	}
}

func (d *decoder) intRange(path string, v *int, lo, hi int) {
	if v != nil && (*v < lo || *v > hi) {
		d.at(path, "%d is out of range (want %d to %d)", *v, lo, hi)
	}
}

// settings checks one block of settings. In the defaults, a service that
// is on must say where its data goes (an override inherits it).
func (d *decoder) settings(st *Settings, path string, s *Spec, defaults bool) {
	need := func(p string, given bool, why string) {
		if defaults && !given {
			d.errorf(d.nodes[p], yamlpos.Join(p, why), "required when %s is enabled", p)
		}
	}
	if c := st.CloudTrail; c != nil {
		p := yamlpos.Join(path, "cloudtrail")
		d.oneOf(p+".mode", Str(c.Mode), TrailModes)
		d.pattern(p+".trail_name", Str(c.TrailName), namePattern, "a trail name (letters, digits, ., _ and -)")
		d.pattern(p+".bucket", Str(c.Bucket), bucketPattern, "an S3 bucket name")
		d.pattern(p+".key_prefix", Str(c.KeyPrefix), prefixPattern, "an S3 key prefix")
		d.pattern(p+".kms_key", Str(c.KMSKey), kmsPattern, "a KMS key or alias ARN")
		if On(c.Enabled) {
			need(p, c.Bucket != nil, "bucket")
			need(p, c.TrailName != nil, "trail_name")
		}
	}
	if l := st.LogArchive; l != nil {
		p := yamlpos.Join(path, "log_archive")
		d.pattern(p+".bucket", Str(l.Bucket), bucketPattern, "an S3 bucket name")
		if On(l.Enabled) {
			need(p, l.Bucket != nil, "bucket")
			if defaults && s.Organization.LogArchiveAccount == "" {
				d.errorf(d.nodes[p], "organization.log_archive_account", "required when %s is enabled", p)
			}
		}
	}
	if c := st.Config; c != nil {
		p := yamlpos.Join(path, "config")
		d.pattern(p+".bucket", Str(c.Bucket), bucketPattern, "an S3 bucket name")
		d.pattern(p+".key_prefix", Str(c.KeyPrefix), prefixPattern, "an S3 key prefix")
		d.pattern(p+".role", Str(c.Role), rolePattern, "an IAM role ARN")
		d.pattern(p+".aggregator_name", Str(c.AggregatorName), namePattern, "an aggregator name")
		if On(c.Enabled) {
			need(p, c.Bucket != nil, "bucket")
		}
	}
	if g := st.GuardDuty; g != nil {
		p := yamlpos.Join(path, "guardduty")
		d.each(p+".features", g.Features, func(fp, v string) {
			if !slices.Contains(GuardDutyFeatures, v) {
				d.at(fp, "%q is not a GuardDuty feature (want %s)", v, strings.Join(GuardDutyFeatures, ", "))
			}
		})
		d.oneOf(p+".auto_enable", Str(g.AutoEnable), AutoEnables)
	}
	if h := st.SecurityHub; h != nil {
		p := yamlpos.Join(path, "securityhub")
		var known []string
		for k := range Standards {
			known = append(known, k)
		}
		slices.Sort(known)
		d.each(p+".standards", h.Standards, func(sp, v string) {
			if _, ok := Standards[v]; !ok {
				d.at(sp, "%q is not a standard (want %s)", v, strings.Join(known, ", "))
			}
		})
	}
	if a := st.AccessAnalyzer; a != nil {
		d.pattern(yamlpos.Join(path, "access_analyzer.name"), Str(a.Name), namePattern, "an analyzer name")
	}
	if i := st.Inspector2; i != nil {
		p := yamlpos.Join(path, "inspector2")
		d.each(p+".resources", i.Resources, func(rp, v string) {
			if !slices.Contains(InspectorScan, v) {
				d.at(rp, "%q is not an Inspector scan type (want %s)", v, strings.Join(InspectorScan, ", "))
			}
		})
		if On(i.Enabled) && i.Resources != nil && len(i.Resources) == 0 {
			d.at(p+".resources", "empty: list at least one scan type, or set enabled: false")
		}
	}
	if pp := st.PasswordPolicy; pp != nil {
		p := yamlpos.Join(path, "iam_password_policy")
		d.intRange(p+".min_length", pp.MinLength, 6, 128)
		d.intRange(p+".max_age", pp.MaxAge, 1, 1095)
		d.intRange(p+".reuse_prevention", pp.ReusePrevention, 1, 24)
	}
}
