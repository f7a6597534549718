package cloudformation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/guardrail-sec/guardrail/internal/iac"
	"github.com/guardrail-sec/guardrail/internal/yamlpos"
)

// Options are what the template cannot say about itself: the identity it
// is deployed with (the synthetic account, region and stack name used to
// resolve the pseudo parameters and to name resources) and the values of
// its parameters.
type Options struct {
	// AccountID, Region and Partition are the pseudo parameters
	// AWS::AccountId, AWS::Region and AWS::Partition. Zero values get
	// iac.DefaultAccount, iac.DefaultRegion and the region's partition.
	AccountID string
	Region    string
	Partition string
	// StackName is AWS::StackName; "" uses the file's base name
	// (cdk.out: the stack's own name).
	StackName string
	// Parameters override the templates' parameters (--parameter K=V);
	// a value for a List parameter is comma separated.
	Parameters map[string]string
}

func (o Options) withDefaults() Options {
	if o.AccountID == "" {
		o.AccountID = iac.DefaultAccount
	}
	if o.Region == "" {
		o.Region = iac.DefaultRegion
	}
	if o.Partition == "" {
		o.Partition = partitionOf(o.Region)
	}
	return o
}

func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	}
	return "aws"
}

func urlSuffix(partition string) string {
	if partition == "aws-cn" {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

// Template is a parsed CloudFormation template with its intrinsic
// functions resolved.
type Template struct {
	File      string
	StackName string
	// Resources are the resources the stack creates, in template order;
	// a resource whose Condition is false is in Skipped instead.
	Resources []*Resource
	Skipped   []*Resource
	// Transforms are the template's Transform (macros such as
	// AWS::Serverless-2016-10-31): what they generate is not in the
	// template.
	Transforms []string
	// Parameters are the names of the template's parameters.
	Parameters []string

	opts Options
}

// Resource is one resource of a template, its properties resolved.
type Resource struct {
	LogicalID string
	Type      string
	// Line and Col are those of the logical ID's key in the template.
	Line, Col int
	// Condition is the resource's Condition, if it has one.
	Condition string
	// Properties are the resolved properties (a Map; nil when none).
	Properties *Value
	// Unknown are the properties the template alone does not decide.
	Unknown []UnknownValue
	// CDKPath is the construct path of a CDK resource
	// (Metadata."aws:cdk:path"), "" otherwise.
	CDKPath string

	node *yaml.Node // the resource's definition
	key  *yaml.Node
	// physical is the synthetic physical ID (what Ref returns), set on
	// first use; resolving marks it being computed.
	physical  *Value
	resolving bool
	// created is false for a skipped resource; createdWhy says why it
	// may not be created (an unknown condition).
	created    bool
	createdWhy string
}

// Prop returns the property at path ("BucketEncryption.ServerSideEncryptionConfiguration"),
// or nil.
func (r *Resource) Prop(path ...string) *Value {
	v := r.Properties
	for _, p := range path {
		v = v.Get(p)
	}
	return v
}

var templateKeys = []string{"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules",
	"Mappings", "Conditions", "Transform", "Resources", "Outputs", "Hooks"}

var resourceKeys = []string{"Type", "Properties", "DependsOn", "Metadata", "Condition", "DeletionPolicy",
	"UpdateReplacePolicy", "CreationPolicy", "UpdatePolicy", "Description", "Version"}

// logicalID is what CloudFormation accepts as a logical ID.
var logicalID = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// Parse reads the template text in data (JSON or YAML; file names it in
// errors) and resolves it with o. A malformed template fails with the
// file, line and column of the fault.
func Parse(file string, data []byte, o Options) (*Template, error) {
	t, _, err := parse(file, data, o)
	return t, err
}

func parse(file string, data []byte, o Options) (*Template, *evaluator, error) {
	root, err := parseNode(file, data)
	if err != nil {
		return nil, nil, err
	}
	o = o.withDefaults()
	if o.StackName == "" {
		o.StackName = stackNameOf(file)
	}
	t := &Template{File: file, StackName: o.StackName, opts: o}
	e := &evaluator{t: t, file: file, params: map[string]*param{}, conds: map[string]*cond{}, res: map[string]*Resource{}}
	if err := e.load(root); err != nil {
		return nil, nil, err
	}
	return t, e, nil
}

// parseNode decodes data into its document node. JSON is read by the
// YAML decoder too (JSON is YAML), which keeps line and column of every
// node.
func parseNode(file string, data []byte) (*yaml.Node, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &yamlpos.Error{File: file, Line: 1, Col: 1, Msg: "empty template"}
	}
	// A JSON template must be JSON: the YAML decoder alone would take
	// what CloudFormation refuses (a trailing comma, a comment).
	if trim := bytes.TrimSpace(data); trim[0] == '{' {
		var v any
		if err := json.Unmarshal(trim, &v); err != nil {
			off := int64(-1)
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = se.Offset + int64(bytes.Index(data, trim[:1]))
			}
			if off > 0 {
				line, col := lineCol(data, off-1)
				return nil, &yamlpos.Error{File: file, Line: line, Col: col, Msg: "not valid JSON: " + err.Error()}
			}
			return nil, &yamlpos.Error{File: file, Msg: "not valid JSON: " + err.Error()}
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		se := yamlpos.Syntax(file, data, err)
		se.Msg = strings.Replace(se.Msg, "not valid YAML", "not a valid JSON or YAML template", 1)
		return nil, se
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, &yamlpos.Error{File: file, Line: 1, Col: 1, Msg: "empty template"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, yamlpos.At(file, root, "", "not a template: want a mapping with Resources")
	}
	return root, nil
}

func stackNameOf(file string) string {
	base := file
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	for _, ext := range []string{".template.json", ".template.yaml", ".template.yml", ".json", ".yaml", ".yml", ".template"} {
		if strings.HasSuffix(strings.ToLower(base), ext) {
			base = base[:len(base)-len(ext)]
			break
		}
	}
	var b strings.Builder
	for _, r := range base {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		s = "stack-" + s
	}
	return s
}

// param is one template parameter.
type param struct {
	name  string
	node  *yaml.Node
	value *Value
}

// cond is one named condition, evaluated on first use.
type cond struct {
	node     *yaml.Node
	value    *Value
	visiting bool
}

// evaluator resolves one template. Errors are collected (the first few
// are returned) so that one run names several faults.
type evaluator struct {
	t        *Template
	file     string
	params   map[string]*param
	conds    map[string]*cond
	mappings *yaml.Node
	res      map[string]*Resource
	errs     []error
}

const maxErrors = 20

func (e *evaluator) errorf(n *yaml.Node, path, format string, args ...any) {
	if len(e.errs) < maxErrors {
		e.errs = append(e.errs, yamlpos.At(e.file, n, path, format, args...))
	}
}

func (e *evaluator) err() error {
	if len(e.errs) == 0 {
		return nil
	}
	return errors.Join(e.errs...)
}

// load walks the template's sections: parameters, mappings and conditions
// first (resources refer to them), then every resource.
func (e *evaluator) load(root *yaml.Node) error {
	sections := map[string]*yaml.Node{}
	fields := make([]yamlpos.Field, len(templateKeys))
	for i, k := range templateKeys {
		fields[i] = yamlpos.Field{Key: k, Fn: func(n *yaml.Node, _ string) { sections[k] = n }}
	}
	var keyNode *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "Resources" {
			keyNode = root.Content[i]
		}
	}
	yamlpos.Mapping(root, "", fields, e.errorf)
	if err := e.err(); err != nil {
		return err
	}
	if sections["Resources"] == nil {
		return yamlpos.At(e.file, root, "", "not a template: no Resources section")
	}
	if tr := sections["Transform"]; tr != nil {
		switch tr.Kind {
		case yaml.ScalarNode:
			e.t.Transforms = []string{tr.Value}
		case yaml.SequenceNode:
			for _, c := range tr.Content {
				e.t.Transforms = append(e.t.Transforms, c.Value)
			}
		}
	}
	e.loadParameters(sections["Parameters"])
	if m := sections["Mappings"]; m != nil {
		if m.Kind != yaml.MappingNode {
			e.errorf(m, "Mappings", "want a mapping of maps")
		}
		e.mappings = m
	}
	if c := sections["Conditions"]; c != nil {
		e.eachKey(c, "Conditions", func(k, v *yaml.Node) { e.conds[k.Value] = &cond{node: v} })
	}
	rs := sections["Resources"]
	if rs.Kind != yaml.MappingNode || len(rs.Content) == 0 {
		return yamlpos.At(e.file, orNode(rs, keyNode), "Resources", "want a mapping of at least one resource")
	}
	var order []*Resource
	e.eachKey(rs, "Resources", func(k, v *yaml.Node) {
		path := "Resources." + k.Value
		if !logicalID.MatchString(k.Value) {
			e.errorf(k, path, "logical ID %q: want letters and digits only", k.Value)
		}
		r := &Resource{LogicalID: k.Value, Line: k.Line, Col: k.Column, node: v, key: k, created: true}
		var typ *yaml.Node
		fs := make([]yamlpos.Field, len(resourceKeys))
		for i, rk := range resourceKeys {
			fs[i] = yamlpos.Field{Key: rk, Fn: func(n *yaml.Node, p string) {
				switch rk {
				case "Type":
					typ = n
				case "Condition":
					if n.Kind != yaml.ScalarNode {
						e.errorf(n, p, "want the name of a condition")
						return
					}
					r.Condition = n.Value
				case "Metadata":
					if n.Kind == yaml.MappingNode {
						for j := 0; j+1 < len(n.Content); j += 2 {
							if n.Content[j].Value == "aws:cdk:path" {
								r.CDKPath = n.Content[j+1].Value
							}
						}
					}
				}
			}}
		}
		if _, ok := yamlpos.Mapping(v, path, fs, e.errorf); !ok {
			return
		}
		switch {
		case typ == nil:
			e.errorf(k, path, "resource has no Type")
			return
		case typ.Kind != yaml.ScalarNode || typ.Value == "":
			e.errorf(typ, path+".Type", "want a resource type (AWS::S3::Bucket)")
			return
		}
		r.Type = typ.Value
		e.res[r.LogicalID] = r
		order = append(order, r)
	})
	if err := e.err(); err != nil {
		return err
	}
	for _, r := range order {
		if r.Condition == "" {
			continue
		}
		v := e.condition(r.Condition, condNode(r.node), "Resources."+r.LogicalID+".Condition")
		if b, ok := truthy(v); ok {
			r.created = b
		} else if v.Kind == Unknown {
			r.createdWhy = v.Reason
		}
	}
	for _, r := range order {
		path := "Resources." + r.LogicalID + ".Properties"
		if pn := field(r.node, "Properties"); pn != nil {
			v := e.eval(pn, path)
			if v == noValue {
				v = nil
			}
			if v != nil && v.Kind != Map && v.Kind != Unknown {
				e.errorf(pn, path, "want a mapping of properties, not %s", v.Kind)
			}
			r.Properties = v
			for _, u := range v.Unknowns("") {
				r.Unknown = append(r.Unknown, u)
			}
		}
		if r.createdWhy != "" {
			r.Unknown = append([]UnknownValue{{Path: "Condition", Reason: "whether it is created: " + r.createdWhy, Line: r.Line}}, r.Unknown...)
		}
		if r.created {
			e.t.Resources = append(e.t.Resources, r)
		} else {
			e.t.Skipped = append(e.t.Skipped, r)
		}
	}
	for name := range e.params {
		e.t.Parameters = append(e.t.Parameters, name)
	}
	sort.Strings(e.t.Parameters)
	return e.err()
}

func orNode(a, b *yaml.Node) *yaml.Node {
	if a != nil && a.Line > 0 {
		return a
	}
	return b
}

func condNode(n *yaml.Node) *yaml.Node {
	if c := field(n, "Condition"); c != nil {
		return c
	}
	return n
}

// field returns the value of key in the mapping n, or nil.
func field(n *yaml.Node, key string) *yaml.Node {
	n = yamlpos.Resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return yamlpos.Resolve(n.Content[i+1])
		}
	}
	return nil
}

// eachKey calls fn for every key of the mapping n, reporting repeated
// keys (CloudFormation rejects them).
func (e *evaluator) eachKey(n *yaml.Node, path string, fn func(k, v *yaml.Node)) {
	n = yamlpos.Resolve(n)
	if n.Kind != yaml.MappingNode {
		e.errorf(n, path, "want a mapping")
		return
	}
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], yamlpos.Resolve(n.Content[i+1])
		if l, dup := first[k.Value]; dup {
			e.errorf(k, joinPath(path, k.Value), "given twice (first on line %d)", l)
			continue
		}
		first[k.Value] = k.Line
		fn(k, v)
	}
}

var paramKeys = []string{"Type", "Default", "AllowedValues", "AllowedPattern", "ConstraintDescription",
	"Description", "MaxLength", "MaxValue", "MinLength", "MinValue", "NoEcho"}

func (e *evaluator) loadParameters(n *yaml.Node) {
	if n == nil {
		return
	}
	e.eachKey(n, "Parameters", func(k, v *yaml.Node) {
		path := "Parameters." + k.Value
		var typ, def, allowed *yaml.Node
		fs := make([]yamlpos.Field, len(paramKeys))
		for i, pk := range paramKeys {
			fs[i] = yamlpos.Field{Key: pk, Fn: func(n *yaml.Node, _ string) {
				switch pk {
				case "Type":
					typ = n
				case "Default":
					def = n
				case "AllowedValues":
					allowed = n
				}
			}}
		}
		if _, ok := yamlpos.Mapping(v, path, fs, e.errorf); !ok {
			return
		}
		if typ == nil || typ.Kind != yaml.ScalarNode || typ.Value == "" {
			e.errorf(orNode(typ, k), path+".Type", "parameter has no Type")
			return
		}
		p := &param{name: k.Value, node: k}
		e.params[k.Value] = p
		isList := typ.Value == "CommaDelimitedList" || strings.HasPrefix(typ.Value, "List<")
		var text string
		over, given := e.t.opts.Parameters[k.Value]
		switch {
		case strings.HasPrefix(typ.Value, "AWS::SSM::Parameter::Value<"):
			name := over
			if !given && def != nil {
				name = def.Value
			}
			p.value = unknown(fmt.Sprintf("parameter %s is read from the SSM parameter %q at deploy", k.Value, name))
			return
		case given:
			text = over
		case def != nil && def.Kind == yaml.ScalarNode:
			text = def.Value
		case def != nil && def.Kind == yaml.SequenceNode && isList:
			parts := make([]string, len(def.Content))
			for i, c := range def.Content {
				parts[i] = c.Value
			}
			text = strings.Join(parts, ",")
		case def != nil:
			e.errorf(def, path+".Default", "want a single value")
			return
		default:
			p.value = unknown(fmt.Sprintf("parameter %s has no Default and no value was given (--parameter %s=...)", k.Value, k.Value))
			return
		}
		if allowed != nil && allowed.Kind == yaml.SequenceNode && !isList {
			ok := false
			var vals []string
			for _, a := range allowed.Content {
				vals = append(vals, a.Value)
				ok = ok || a.Value == text
			}
			if !ok {
				at := def
				if given {
					at = k
				}
				e.errorf(at, path, "value %q is not one of its AllowedValues (%s)", text, strings.Join(vals, ", "))
				return
			}
		}
		if isList {
			var items []*Value
			if text != "" {
				for _, s := range strings.Split(text, ",") {
					items = append(items, str(strings.TrimSpace(s)))
				}
			}
			p.value = list(items...)
			return
		}
		p.value = str(text)
	})
}

// lineCol turns a byte offset of data into a 1-based line and column.
func lineCol(data []byte, off int64) (line, col int) { return iac.LineCol(data, off) }
