package cloudformation

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/guardrail-sec/guardrail/internal/yamlpos"
)

// noValue is what Ref AWS::NoValue resolves to: the property (or list
// element) that holds it is removed.
var noValue = &Value{Kind: Null, Reason: "AWS::NoValue"}

// shortForms are the YAML tags of the intrinsic functions, by the name
// of their long form.
var shortForms = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition", "!GetAtt": "Fn::GetAtt", "!Sub": "Fn::Sub", "!If": "Fn::If",
	"!Join": "Fn::Join", "!Select": "Fn::Select", "!Split": "Fn::Split", "!Equals": "Fn::Equals",
	"!And": "Fn::And", "!Or": "Fn::Or", "!Not": "Fn::Not", "!FindInMap": "Fn::FindInMap",
	"!Base64": "Fn::Base64", "!GetAZs": "Fn::GetAZs", "!ImportValue": "Fn::ImportValue", "!Cidr": "Fn::Cidr",
	"!Length": "Fn::Length", "!ToJsonString": "Fn::ToJsonString", "!Transform": "Fn::Transform",
}

// functions are the long forms evaluate knows.
var functions = map[string]bool{}

func init() {
	types = typeTable()
	for _, long := range shortForms {
		functions[long] = true
	}
}

// intrinsic reports whether n is an intrinsic function call, and returns
// its long name and its argument.
func (e *evaluator) intrinsic(n *yaml.Node, path string) (name string, arg *yaml.Node, ok bool) {
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		long, known := shortForms[n.Tag]
		if !known {
			e.errorf(n, path, "unknown intrinsic function %s", n.Tag)
			return "", nil, true
		}
		a := *n
		a.Tag, a.Style = "", a.Style&^yaml.TaggedStyle
		switch a.Kind {
		case yaml.ScalarNode:
			a.Tag = "!!str"
		case yaml.SequenceNode:
			a.Tag = "!!seq"
		case yaml.MappingNode:
			a.Tag = "!!map"
		}
		return long, &a, true
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k := n.Content[0].Value
		if k == "Ref" || strings.HasPrefix(k, "Fn::") {
			if k != "Ref" && !functions[k] {
				e.errorf(n.Content[0], path, "unknown intrinsic function %s", k)
				return "", nil, true
			}
			return k, yamlpos.Resolve(n.Content[1]), true
		}
	}
	return "", nil, false
}

// eval resolves the node n at path. A fault is recorded and yields Null.
func (e *evaluator) eval(n *yaml.Node, path string) *Value {
	n = yamlpos.Resolve(n)
	if n == nil {
		return &Value{Kind: Null}
	}
	if name, arg, ok := e.intrinsic(n, path); ok {
		if name == "" {
			return &Value{Kind: Null}
		}
		v := e.call(name, n, arg, path)
		if v != noValue && v.Line == 0 {
			c := *v
			c.Line, c.Col = n.Line, n.Column
			v = &c
		}
		return v
	}
	at := func(v *Value) *Value { v.Line, v.Col = n.Line, n.Column; return v }
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return at(&Value{Kind: Null})
		case "!!bool":
			return at(&Value{Kind: Bool, Str: strings.ToLower(n.Value)})
		case "!!int", "!!float":
			return at(&Value{Kind: Number, Str: n.Value})
		}
		if strings.Contains(n.Value, "{{resolve:") {
			return at(unknown(fmt.Sprintf("dynamic reference %s is resolved at deploy", dynRef(n.Value))))
		}
		return at(str(n.Value))
	case yaml.SequenceNode:
		out := at(&Value{Kind: List})
		for i, c := range n.Content {
			v := e.eval(c, path+"["+strconv.Itoa(i)+"]")
			if v != noValue {
				out.List = append(out.List, v)
			}
		}
		return out
	case yaml.MappingNode:
		out := at(&Value{Kind: Map, Fields: map[string]*Value{}})
		e.eachKey(n, path, func(k, v *yaml.Node) {
			val := e.eval(v, joinPath(path, k.Value))
			if val != noValue {
				out.Keys = append(out.Keys, k.Value)
				out.Fields[k.Value] = val
			}
		})
		return out
	}
	e.errorf(n, path, "unexpected YAML node")
	return &Value{Kind: Null}
}

func dynRef(s string) string {
	i := strings.Index(s, "{{resolve:")
	j := strings.Index(s[i:], "}}")
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j+2]
}

// args returns the elements of a function's list argument, requiring
// between min and max of them (max < 0: no bound).
func (e *evaluator) args(name string, arg *yaml.Node, path string, min, max int) ([]*yaml.Node, bool) {
	if arg.Kind != yaml.SequenceNode {
		e.errorf(arg, path, "%s takes a list of %s", name, count(min, max))
		return nil, false
	}
	n := len(arg.Content)
	if n < min || max >= 0 && n > max {
		e.errorf(arg, path, "%s takes a list of %s, not %d", name, count(min, max), n)
		return nil, false
	}
	out := make([]*yaml.Node, n)
	for i, c := range arg.Content {
		out[i] = yamlpos.Resolve(c)
	}
	return out, true
}

func count(min, max int) string {
	switch {
	case min == max:
		return strconv.Itoa(min) + " elements"
	case max < 0:
		return "at least " + strconv.Itoa(min) + " elements"
	}
	return strconv.Itoa(min) + " to " + strconv.Itoa(max) + " elements"
}

// call evaluates the function name applied to arg; n is the call.
func (e *evaluator) call(name string, n, arg *yaml.Node, path string) *Value {
	path = joinPath(path, name)
	null := &Value{Kind: Null}
	switch name {
	case "Ref":
		if arg.Kind != yaml.ScalarNode || arg.Value == "" {
			e.errorf(arg, path, "Ref takes the name of a parameter, resource or pseudo parameter")
			return null
		}
		return e.ref(arg.Value, arg, path)

	case "Condition":
		if arg.Kind != yaml.ScalarNode {
			e.errorf(arg, path, "Condition takes the name of a condition")
			return null
		}
		return e.condition(arg.Value, arg, path)

	case "Fn::GetAtt":
		var res, attr string
		switch arg.Kind {
		case yaml.ScalarNode:
			var ok bool
			res, attr, ok = strings.Cut(arg.Value, ".")
			if !ok || res == "" || attr == "" {
				e.errorf(arg, path, "GetAtt takes \"LogicalID.Attribute\" or [LogicalID, Attribute], not %q", arg.Value)
				return null
			}
		default:
			as, ok := e.args(name, arg, path, 2, 2)
			if !ok {
				return null
			}
			if as[0].Kind != yaml.ScalarNode {
				e.errorf(as[0], path+"[0]", "want a logical ID")
				return null
			}
			res = as[0].Value
			a := e.eval(as[1], path+"[1]")
			if a.Kind == Unknown {
				return a
			}
			s, ok := a.Scalar()
			if !ok {
				e.errorf(as[1], path+"[1]", "want an attribute name")
				return null
			}
			attr = s
		}
		return e.getAtt(res, attr, arg, path)

	case "Fn::Sub":
		var tmpl *yaml.Node
		vars := map[string]*Value{}
		switch arg.Kind {
		case yaml.ScalarNode:
			tmpl = arg
		default:
			as, ok := e.args(name, arg, path, 2, 2)
			if !ok {
				return null
			}
			tmpl = as[0]
			if as[1].Kind != yaml.MappingNode {
				e.errorf(as[1], path+"[1]", "want a mapping of variables")
				return null
			}
			e.eachKey(as[1], path+"[1]", func(k, v *yaml.Node) { vars[k.Value] = e.eval(v, path+"[1]."+k.Value) })
		}
		if tmpl.Kind != yaml.ScalarNode {
			e.errorf(tmpl, path, "Sub takes a string")
			return null
		}
		return e.sub(tmpl, vars, path)

	case "Fn::Join":
		as, ok := e.args(name, arg, path, 2, 2)
		if !ok {
			return null
		}
		if as[0].Kind != yaml.ScalarNode {
			e.errorf(as[0], path+"[0]", "want a delimiter string")
			return null
		}
		l := e.eval(as[1], path+"[1]")
		if l.Kind == Unknown {
			return l
		}
		if l.Kind != List {
			e.errorf(as[1], path+"[1]", "want a list of values to join, not %s", l.Kind)
			return null
		}
		parts := make([]string, 0, len(l.List))
		for i, v := range l.List {
			if v.Kind == Unknown {
				return unknown(v.Reason)
			}
			s, ok := v.text()
			if !ok {
				e.errorf(as[1], fmt.Sprintf("%s[1][%d]", path, i), "cannot join %s", v.Kind)
				return null
			}
			parts = append(parts, s)
		}
		return str(strings.Join(parts, as[0].Value))

	case "Fn::Select":
		as, ok := e.args(name, arg, path, 2, 2)
		if !ok {
			return null
		}
		iv := e.eval(as[0], path+"[0]")
		l := e.eval(as[1], path+"[1]")
		if iv.Kind == Unknown {
			return iv
		}
		s, _ := iv.Scalar()
		i, err := strconv.Atoi(s)
		if err != nil || i < 0 {
			e.errorf(as[0], path+"[0]", "want an index (0, 1, ...), not %q", s)
			return null
		}
		if l.Kind == Unknown {
			return l
		}
		if l.Kind != List {
			e.errorf(as[1], path+"[1]", "want a list, not %s", l.Kind)
			return null
		}
		if i >= len(l.List) {
			e.errorf(as[0], path+"[0]", "index %d is out of the list's %d elements", i, len(l.List))
			return null
		}
		return l.List[i]

	case "Fn::Split":
		as, ok := e.args(name, arg, path, 2, 2)
		if !ok {
			return null
		}
		if as[0].Kind != yaml.ScalarNode || as[0].Value == "" {
			e.errorf(as[0], path+"[0]", "want a delimiter string")
			return null
		}
		src := e.eval(as[1], path+"[1]")
		if src.Kind == Unknown {
			return src
		}
		s, ok := src.text()
		if !ok {
			e.errorf(as[1], path+"[1]", "want a string to split, not %s", src.Kind)
			return null
		}
		out := list()
		for _, p := range strings.Split(s, as[0].Value) {
			out.List = append(out.List, str(p))
		}
		return out

	case "Fn::Equals":
		as, ok := e.args(name, arg, path, 2, 2)
		if !ok {
			return null
		}
		a, b := e.eval(as[0], path+"[0]"), e.eval(as[1], path+"[1]")
		for _, v := range []*Value{a, b} {
			if v.Kind == Unknown {
				return unknown(v.Reason)
			}
		}
		return boolean(equal(a, b))

	case "Fn::And", "Fn::Or":
		as, ok := e.args(name, arg, path, 2, 10)
		if !ok {
			return null
		}
		decisive := name == "Fn::Or" // Or: one true decides; And: one false
		var why string
		for i, c := range as {
			v := e.condArg(c, fmt.Sprintf("%s[%d]", path, i))
			if v.Kind == Unknown {
				why = v.Reason
				continue
			}
			b, ok := truthy(v)
			if !ok {
				e.errorf(c, fmt.Sprintf("%s[%d]", path, i), "want a condition, not %s", v.Kind)
				return null
			}
			if b == decisive {
				return boolean(decisive)
			}
		}
		if why != "" {
			return unknown(why)
		}
		return boolean(!decisive)

	case "Fn::Not":
		as, ok := e.args(name, arg, path, 1, 1)
		if !ok {
			return null
		}
		v := e.condArg(as[0], path+"[0]")
		if v.Kind == Unknown {
			return v
		}
		b, ok := truthy(v)
		if !ok {
			e.errorf(as[0], path+"[0]", "want a condition, not %s", v.Kind)
			return null
		}
		return boolean(!b)

	case "Fn::If":
		as, ok := e.args(name, arg, path, 3, 3)
		if !ok {
			return null
		}
		if as[0].Kind != yaml.ScalarNode {
			e.errorf(as[0], path+"[0]", "want the name of a condition")
			return null
		}
		c := e.condition(as[0].Value, as[0], path+"[0]")
		yes, no := e.eval(as[1], path+"[1]"), e.eval(as[2], path+"[2]")
		if c.Kind == Unknown {
			if equal(yes, no) {
				return yes
			}
			return unknown("condition " + as[0].Value + ": " + c.Reason)
		}
		if b, _ := truthy(c); b {
			return yes
		}
		return no

	case "Fn::FindInMap":
		as, ok := e.args(name, arg, path, 3, 4)
		if !ok {
			return null
		}
		keys := make([]string, 3)
		for i := range 3 {
			v := e.eval(as[i], fmt.Sprintf("%s[%d]", path, i))
			if v.Kind == Unknown {
				return v
			}
			s, ok := v.text()
			if !ok {
				e.errorf(as[i], fmt.Sprintf("%s[%d]", path, i), "want a key, not %s", v.Kind)
				return null
			}
			keys[i] = s
		}
		var def *yaml.Node
		if len(as) == 4 {
			if def = field(as[3], "DefaultValue"); def == nil {
				e.errorf(as[3], path+"[3]", "want {DefaultValue: ...}")
				return null
			}
		}
		n := e.mappings
		for i, k := range keys {
			if n = field(n, k); n == nil {
				if def != nil {
					return e.eval(def, path+"[3].DefaultValue")
				}
				what := [...]string{"Mappings has no map", "the map has no key", "the key has no second-level key"}[i]
				e.errorf(as[i], fmt.Sprintf("%s[%d]", path, i), "%s %q", what, k)
				return null
			}
		}
		return e.eval(n, "Mappings."+strings.Join(keys, "."))

	case "Fn::Base64":
		v := e.eval(arg, path)
		if v.Kind == Unknown {
			return v
		}
		s, ok := v.text()
		if !ok {
			e.errorf(arg, path, "Base64 takes a string, not %s", v.Kind)
			return null
		}
		return str(base64.StdEncoding.EncodeToString([]byte(s)))

	case "Fn::GetAZs":
		v := e.eval(arg, path)
		if v.Kind == Unknown {
			return v
		}
		region, _ := v.text()
		if region == "" {
			region = e.t.opts.Region
		}
		return unknown(fmt.Sprintf("the Availability Zones of %s in the account are known at deploy", region))

	case "Fn::ImportValue":
		v := e.eval(arg, path)
		if v.Kind == Unknown {
			return v
		}
		s, _ := v.text()
		return unknown(fmt.Sprintf("!ImportValue %s: exported by another stack, known at deploy", s))

	case "Fn::Cidr":
		as, ok := e.args(name, arg, path, 3, 3)
		if !ok {
			return null
		}
		vals := make([]string, 3)
		for i := range 3 {
			v := e.eval(as[i], fmt.Sprintf("%s[%d]", path, i))
			if v.Kind == Unknown {
				return v
			}
			vals[i], _ = v.text()
		}
		out, err := cidrs(vals[0], vals[1], vals[2])
		if err != nil {
			e.errorf(arg, path, "%v", err)
			return null
		}
		return out

	case "Fn::Length":
		v := e.eval(arg, path)
		if v.Kind == Unknown {
			return v
		}
		if v.Kind != List {
			e.errorf(arg, path, "Length takes a list, not %s", v.Kind)
			return null
		}
		return &Value{Kind: Number, Str: strconv.Itoa(len(v.List))}

	case "Fn::ToJsonString":
		v := e.eval(arg, path)
		if v.IsUnknown() {
			u := v.Unknowns("")
			return unknown(u[0].Reason)
		}
		b, err := json.Marshal(v.Plain())
		if err != nil {
			e.errorf(arg, path, "%v", err)
			return null
		}
		return str(string(b))

	case "Fn::Transform":
		mn := field(arg, "Name")
		macro := "?"
		if mn != nil {
			macro = mn.Value
		}
		return unknown(fmt.Sprintf("the output of the macro %s is known at deploy", macro))
	}
	e.errorf(n, path, "unknown intrinsic function %s", name)
	return null
}

// condArg evaluates an argument of And, Or, Not: a condition function or
// {Condition: name}.
func (e *evaluator) condArg(n *yaml.Node, path string) *Value {
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Condition" {
		c := yamlpos.Resolve(n.Content[1])
		return e.condition(c.Value, c, path+".Condition")
	}
	return e.eval(n, path)
}

// condition evaluates the named condition.
func (e *evaluator) condition(name string, at *yaml.Node, path string) *Value {
	c := e.conds[name]
	if c == nil {
		e.errorf(at, path, "no condition named %q in Conditions", name)
		return unknown("condition " + name + " does not exist")
	}
	if c.value != nil {
		return c.value
	}
	if c.visiting {
		e.errorf(at, path, "condition %q refers to itself", name)
		return unknown("condition " + name + " refers to itself")
	}
	c.visiting = true
	v := e.condArg(c.node, "Conditions."+name)
	c.visiting = false
	if _, ok := truthy(v); !ok && v.Kind != Unknown {
		e.errorf(c.node, "Conditions."+name, "want a condition function (Fn::Equals, Fn::And, ...), not %s", v.Kind)
		v = unknown("condition " + name + " is malformed")
	}
	c.value = v
	return v
}

// ref resolves Ref name.
func (e *evaluator) ref(name string, at *yaml.Node, path string) *Value {
	o := e.t.opts
	switch name {
	case "AWS::Region":
		return str(o.Region)
	case "AWS::AccountId":
		return str(o.AccountID)
	case "AWS::Partition":
		return str(o.Partition)
	case "AWS::StackName":
		return str(e.t.StackName)
	case "AWS::StackId":
		return str(fmt.Sprintf("arn:%s:cloudformation:%s:%s:stack/%s/%s", o.Partition, o.Region, o.AccountID, e.t.StackName, uuidOf("stack", e.t.StackName)))
	case "AWS::URLSuffix":
		return str(urlSuffix(o.Partition))
	case "AWS::NoValue":
		return noValue
	case "AWS::NotificationARNs":
		return unknown("AWS::NotificationARNs are given at deploy")
	}
	if p := e.params[name]; p != nil {
		if p.value == nil {
			return &Value{Kind: Null}
		}
		return p.value
	}
	if r := e.res[name]; r != nil {
		if !r.created {
			return unknown(fmt.Sprintf("resource %s is not created (condition %s is false)", name, r.Condition))
		}
		v := *e.physicalID(r)
		v.From = name
		return &v
	}
	if strings.HasPrefix(name, "AWS::") {
		e.errorf(at, path, "unknown pseudo parameter %s", name)
	} else {
		e.errorf(at, path, "Ref to nothing: no parameter or resource named %q", name)
	}
	return &Value{Kind: Null}
}

// getAtt resolves GetAtt res.attr.
func (e *evaluator) getAtt(res, attr string, at *yaml.Node, path string) *Value {
	r := e.res[res]
	if r == nil {
		e.errorf(at, path, "GetAtt of nothing: no resource named %q", res)
		return &Value{Kind: Null}
	}
	if !r.created {
		return unknown(fmt.Sprintf("resource %s is not created (condition %s is false)", res, r.Condition))
	}
	v := *e.attribute(r, attr)
	v.From = res
	return &v
}

// sub resolves Fn::Sub's string with vars.
func (e *evaluator) sub(tmpl *yaml.Node, vars map[string]*Value, path string) *Value {
	s := tmpl.Value
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.Index(s[i:], "}")
		if j < 0 {
			e.errorf(tmpl, path, "unclosed ${ in %q", tmpl.Value)
			return &Value{Kind: Null}
		}
		name := s[i+2 : i+j]
		s = s[i+j+1:]
		if strings.HasPrefix(name, "!") {
			b.WriteString("${" + name[1:] + "}")
			continue
		}
		name = strings.TrimSpace(name)
		var v *Value
		if vv, ok := vars[name]; ok {
			v = vv
		} else if res, attr, dotted := strings.Cut(name, "."); dotted && e.res[res] != nil {
			v = e.getAtt(res, attr, tmpl, path)
		} else {
			v = e.ref(name, tmpl, path)
		}
		if v.Kind == Unknown {
			return unknown(v.Reason)
		}
		t, ok := v.text()
		if !ok {
			if v.Kind != Null {
				e.errorf(tmpl, path, "${%s} is %s, not a string", name, v.Kind)
			}
			return &Value{Kind: Null}
		}
		b.WriteString(t)
	}
	out := b.String()
	if strings.Contains(out, "{{resolve:") {
		return unknown(fmt.Sprintf("dynamic reference %s is resolved at deploy", dynRef(out)))
	}
	return str(out)
}

// equal compares two resolved values as CloudFormation does: scalars by
// their text.
func equal(a, b *Value) bool {
	if sa, ok := a.Scalar(); ok {
		sb, ok := b.Scalar()
		return ok && sa == sb
	}
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case Null:
		return true
	case List:
		if len(a.List) != len(b.List) {
			return false
		}
		for i := range a.List {
			if !equal(a.List[i], b.List[i]) {
				return false
			}
		}
		return true
	case Map:
		if len(a.Fields) != len(b.Fields) {
			return false
		}
		for k, v := range a.Fields {
			w, ok := b.Fields[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	}
	return false
}

// cidrs is Fn::Cidr: count blocks of cidrBits host bits carved from
// ipBlock, in order.
func cidrs(block, countS, bitsS string) (*Value, error) {
	p, err := netip.ParsePrefix(block)
	if err != nil {
		return nil, fmt.Errorf("Cidr: ipBlock %q: %v", block, err)
	}
	n, err1 := strconv.Atoi(countS)
	hostBits, err2 := strconv.Atoi(bitsS)
	total := p.Addr().BitLen()
	newLen := total - hostBits
	switch {
	case err1 != nil || n < 1 || n > 256:
		return nil, fmt.Errorf("Cidr: count %q: want 1 to 256", countS)
	case err2 != nil || hostBits < 1 || newLen < p.Bits():
		return nil, fmt.Errorf("Cidr: cidrBits %q does not fit in %s", bitsS, block)
	}
	if avail := newLen - p.Bits(); avail < 31 && n > 1<<avail {
		return nil, fmt.Errorf("Cidr: %s holds only %d blocks of /%d, not %d", block, 1<<avail, newLen, n)
	}
	out := list()
	addr := p.Masked().Addr()
	for range n {
		out.List = append(out.List, str(netip.PrefixFrom(addr, newLen).String()))
		addr = addBlock(addr, hostBits)
	}
	return out, nil
}

// addBlock returns a + 2^hostBits.
func addBlock(a netip.Addr, hostBits int) netip.Addr {
	b := a.AsSlice()
	carry := 1 << (hostBits % 8)
	for i := len(b) - 1 - hostBits/8; i >= 0 && carry > 0; i-- {
		s := int(b[i]) + carry
		b[i], carry = byte(s), s>>8
	}
	out, _ := netip.AddrFromSlice(b)
	return out
}
