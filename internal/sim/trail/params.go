package trail

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// params decodes the request into requestParameters: a map, or nil for
// none.
func (s *source) params() map[string]any {
	var m map[string]any
	switch s.protocol {
	case wire.JSON11:
		m = camelMap(decodeJSON(s.body))
	case wire.RestJSON:
		m = camelMap(decodeJSON(s.body))
		for k, v := range s.path {
			m = put(m, lowerFirst(k), v)
		}
		q, _ := url.ParseQuery(s.query)
		for k, v := range q {
			m = put(m, lowerFirst(k), v[0])
		}
	case wire.CBOR:
		b, _ := wire.DecodeCBOR(s.body)
		m = camelMap(b)
	case wire.Query:
		m = formTree(s.form, false)
	case wire.EC2Query:
		m = formTree(s.form, true)
	case wire.RestXML:
		m = s.s3Params()
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

func put(m map[string]any, k string, v any) map[string]any {
	if m == nil {
		m = map[string]any{}
	}
	m[k] = v
	return m
}

func decodeJSON(b []byte) map[string]any {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if d.Decode(&m) != nil {
		return nil
	}
	return m
}

func marshal(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	if m, ok := v.(map[string]any); ok && len(m) == 0 {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

// lowerFirst is CloudTrail's name for a member: its first letter
// lowercased (UserName → userName, SAMLProviderArn → sAMLProviderArn).
func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// camel lowercases the first letter of every member name in v.
func camel(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return camelMap(x)
	case []any:
		for i := range x {
			x[i] = camel(x[i])
		}
		return x
	}
	return v
}

func camelMap(m map[string]any) map[string]any {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[lowerFirst(k)] = camel(v)
	}
	return out
}

// ---- awsQuery and ec2Query forms ----

// node is a form parameter tree: Name.1.Sub=v, Name.member.2=v, ...
type node struct {
	value    *string
	children map[string]*node
}

// formTree turns a query form into requestParameters. awsQuery lists
// (Name.member.N) become arrays; ec2Query lists (Name.N) become
// {"items":[...]}, a list of scalars being named <name>Set with items
// {"<name>": value}, as EC2 writes them (InstanceId.N → instancesSet).
func formTree(form url.Values, ec2 bool) map[string]any {
	root := &node{}
	for k, v := range form {
		if k == "Action" || k == "Version" || len(v) == 0 {
			continue
		}
		n := root
		for _, seg := range strings.Split(k, ".") {
			if seg == "member" && !ec2 {
				continue
			}
			if n.children == nil {
				n.children = map[string]*node{}
			}
			c := n.children[seg]
			if c == nil {
				c = &node{}
				n.children[seg] = c
			}
			n = c
		}
		val := v[0]
		n.value = &val
	}
	out, _ := root.convert("", ec2).(map[string]any)
	return out
}

func (n *node) isList() bool {
	if len(n.children) == 0 {
		return false
	}
	for k := range n.children {
		if _, err := strconv.Atoi(k); err != nil {
			return false
		}
	}
	return true
}

// ordered returns a list node's children by index.
func (n *node) ordered() []*node {
	idx := make([]int, 0, len(n.children))
	for k := range n.children {
		i, _ := strconv.Atoi(k)
		idx = append(idx, i)
	}
	sort.Ints(idx)
	out := make([]*node, len(idx))
	for i, k := range idx {
		out[i] = n.children[strconv.Itoa(k)]
	}
	return out
}

func (n *node) convert(name string, ec2 bool) any {
	if len(n.children) == 0 {
		if n.value == nil {
			return nil
		}
		return scalar(name, *n.value)
	}
	if n.isList() {
		var items []any
		for _, c := range n.ordered() {
			items = append(items, c.convert(name, ec2))
		}
		if ec2 {
			return map[string]any{"items": items}
		}
		return items
	}
	m := make(map[string]any, len(n.children))
	for k, c := range n.children {
		key := lowerFirst(k)
		if ec2 && c.isList() && len(c.ordered()[0].children) == 0 {
			// A list of scalars: InstanceId.1 → instancesSet.items[{instanceId}].
			var items []any
			for _, e := range c.ordered() {
				if e.value != nil {
					items = append(items, map[string]any{key: scalar(key, *e.value)})
				}
			}
			m[ec2SetName(key)] = map[string]any{"items": items}
			continue
		}
		if ec2 && key == "filter" {
			key = "filterSet"
		}
		m[key] = c.convert(key, ec2)
	}
	return m
}

func ec2SetName(key string) string {
	switch key {
	case "instanceId":
		return "instancesSet"
	case "groupId":
		return "groupIdSet"
	case "groupName":
		return "groupSet"
	}
	return key + "Set"
}

// numeric are the members CloudTrail writes as numbers.
var numeric = map[string]bool{
	"fromPort": true, "toPort": true, "maxResults": true, "maxItems": true, "minCount": true, "maxCount": true,
	"size": true, "volumeSize": true, "iops": true, "throughput": true, "httpPutResponseHopLimit": true,
	"ruleNumber": true, "durationSeconds": true, "maxSessionDuration": true, "allocatedStorage": true,
	"backupRetentionPeriod": true, "port": true, "days": true, "pendingWindowInDays": true, "maxPasswordAge": true,
	"minimumPasswordLength": true, "passwordReusePrevention": true, "period": true, "evaluationPeriods": true,
	"datapointsToAlarm": true, "threshold": true, "retentionInDays": true, "timeout": true, "memorySize": true,
	"code": true, // EC2 instance states; a string code (an error) stays a string
}

// scalar is a form value as CloudTrail writes it: booleans as booleans,
// known numeric members as numbers, the rest as strings.
func scalar(name, v string) any {
	switch v {
	case "true":
		return true
	case "false":
		return false
	}
	if numeric[name] {
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			return json.Number(strconv.FormatFloat(n, 'f', -1, 64))
		}
	}
	return v
}

// ---- S3 (restXml) ----

// s3Params are S3's requestParameters: bucketName, key, Host, the query
// (sub-resources with empty values), and a configuration body under its
// XML element's name (a bucket policy as bucketPolicy).
func (s *source) s3Params() map[string]any {
	m := map[string]any{}
	if b := s.path["Bucket"]; b != "" {
		m["bucketName"] = b
	}
	if k := s.path["Key"]; k != "" {
		m["key"] = k
	}
	for k, v := range s.path {
		if k != "Bucket" && k != "Key" {
			m[lowerFirst(k)] = v
		}
	}
	if s.host != "" {
		m["Host"] = s.host
	}
	q, _ := url.ParseQuery(s.query)
	for k, v := range q {
		m[k] = v[0]
	}
	if len(s.body) == 0 || s.op == "PutObject" || s.op == "UploadPart" {
		return m
	}
	if s.op == "PutBucketPolicy" {
		var doc any
		if json.Unmarshal(s.body, &doc) == nil {
			m["bucketPolicy"] = doc
		}
		return m
	}
	if name, v := xmlDoc(s.body, false); name != "" {
		m[name] = v
	}
	return m
}

// ---- XML ----

// xmlNode is an element of a parsed XML document.
type xmlNode struct {
	name     string
	attrs    []xml.Attr
	text     string
	children []*xmlNode
}

func parseXML(b []byte) *xmlNode {
	d := xml.NewDecoder(bytes.NewReader(b))
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := d.Token()
		if err != nil {
			return root
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: t.Name.Local, attrs: t.Attr}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
}

// xmlDoc converts an XML document to its root element's name and value.
// Names are kept (S3 writes PublicAccessBlockConfiguration.BlockPublicAcls)
// unless camel; an xmlns attribute is kept as "xmlns".
func xmlDoc(b []byte, camelNames bool) (string, any) {
	root := parseXML(b)
	if root == nil {
		return "", nil
	}
	return name(root.name, camelNames), root.value(camelNames, false)
}

func name(s string, camelNames bool) string {
	if camelNames {
		return lowerFirst(s)
	}
	return s
}

// value converts an element: text for a leaf, an object of its children
// otherwise (repeated children become an array; in EC2 answers, <item>
// children become {"items":[...]}; in awsQuery answers, <member> children
// an array).
func (n *xmlNode) value(camelNames, ec2 bool) any {
	if len(n.children) == 0 {
		t := strings.TrimSpace(n.text)
		if t == "" && len(n.attrs) == 0 {
			if ec2 {
				return nil
			}
			return ""
		}
		return scalar(name(n.name, true), t)
	}
	if ec2 && n.children[0].name == "item" {
		items := make([]any, 0, len(n.children))
		for _, c := range n.children {
			items = append(items, c.value(camelNames, ec2))
		}
		return map[string]any{"items": items}
	}
	if n.children[0].name == "member" {
		items := make([]any, 0, len(n.children))
		for _, c := range n.children {
			items = append(items, c.value(camelNames, ec2))
		}
		return items
	}
	m := map[string]any{}
	for _, a := range n.attrs {
		if a.Name.Local == "xmlns" && !camelNames {
			m["xmlns"] = a.Value // S3 writes its configurations' namespace
		}
	}
	count := map[string]int{}
	for _, c := range n.children {
		count[c.name]++
	}
	for _, c := range n.children {
		k := name(c.name, camelNames)
		if ec2 && k == "return" {
			k = "_return"
		}
		v := c.value(camelNames, ec2)
		if v == nil {
			continue
		}
		if count[c.name] > 1 {
			l, _ := m[k].([]any)
			m[k] = append(l, v)
			continue
		}
		m[k] = v
	}
	return m
}
