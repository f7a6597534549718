// Package terraform turns a Terraform plan in JSON (terraform show -json
// plan.out, format versions 0.1 to 1.x) into an iac.Source: the snapshot
// the collectors would produce once the plan is applied, one synthetic
// account and region.
//
// # What is read
//
// The desired state is resource_changes: each managed resource's "after"
// value, with after_unknown saying which values are known only after
// apply. Resources being only deleted are skipped (they will not exist);
// created, updated, replaced and unchanged ("no-op") resources are all
// part of the desired state and are assessed. Data sources are ignored.
// The configuration's expression references join a resource that
// configures another (aws_s3_bucket_versioning → aws_s3_bucket) when the
// value that names it is unknown until apply; references are relative to
// the module, and an instance of a count or for_each resource joins the
// instance with the same key.
//
// # The synthetic account
//
// The account is Options.Account (DefaultAccount), the region the plan's
// root aws provider configuration when it is a constant, else
// Options.Region, else iac.DefaultRegion. A name or ID unknown until
// apply becomes a placeholder unique to the resource's address, so the
// snapshot's ARN-keyed joins still hold.
//
// Each file of this package maps one AWS service: a function from a
// resource's values to the snapshot's structs. A managed aws_* resource
// of a type none maps is listed not assessed; other providers' types are
// listed once per type.
package terraform

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/guardrail-sec/guardrail/internal/iac"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// Options say where the synthetic account is.
type Options struct {
	// Account is the synthetic account ID (iac.DefaultAccount when "").
	Account string
	// Region is used when the plan's aws provider names none
	// (iac.DefaultRegion when "").
	Region string
	// Now is the snapshot's time.
	Now time.Time
	// SourceDir, when set, is the root module's directory: results get
	// the file and line of each resource block.
	SourceDir string
}

// Loader returns an iac.Loader for plans.
func Loader(o Options) iac.Loader {
	return iac.LoaderFunc(func(path string, data []byte) (*iac.Source, error) { return Load(path, data, o) })
}

// Load reads the plan in data (from path, for errors and results).
func Load(path string, data []byte, o Options) (*iac.Source, error) {
	plan, err := parse(path, data)
	if err != nil {
		return nil, err
	}
	if o.Account == "" {
		o.Account = iac.DefaultAccount
	}
	region := providerRegion(plan)
	if region == "" {
		region = o.Region
	}
	if region == "" {
		region = iac.DefaultRegion
	}
	b := newBuilder(path, plan, o.Account, region, o.Now)
	b.collect()
	b.run()
	if o.SourceDir != "" {
		if err := locate(b.src, plan, o.SourceDir); err != nil {
			return nil, &iac.InputError{File: o.SourceDir, Err: err}
		}
	}
	return b.src, nil
}

var formatVersionKey = []byte(`"format_version"`)

// parse decodes a plan; every error names the file and, where there is
// one, the line and column.
func parse(path string, data []byte) (*tfjson.Plan, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, jsonErr(path, data, err)
	}
	if _, ok := probe["format_version"]; !ok {
		return nil, &iac.InputError{File: path, Line: 1, Column: 1,
			Err: errors.New("not a Terraform plan: no format_version (want the output of 'terraform show -json plan.out')")}
	}
	if _, ok := probe["terraform_version"]; !ok {
		return nil, &iac.InputError{File: path, Line: 1, Column: 1,
			Err: errors.New("not a Terraform plan: no terraform_version (want the output of 'terraform show -json plan.out')")}
	}
	if _, ok := probe["resource_changes"]; !ok {
		if _, state := probe["values"]; state {
			return nil, &iac.InputError{File: path, Line: 1, Column: 1,
				Err: errors.New("a Terraform state, not a plan: run 'terraform show -json plan.out' on a saved plan")}
		}
	}
	var plan tfjson.Plan
	if err := json.Unmarshal(data, &plan); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		if errors.As(err, &se) || errors.As(err, &te) {
			return nil, jsonErr(path, data, err)
		}
		// Plan.Validate: the format version is missing, malformed or
		// outside the range the library reads (>= 0.1, < 2.0).
		line, col := 1, 1
		if i := bytes.Index(data, formatVersionKey); i >= 0 {
			line, col = iac.LineCol(data, int64(i))
		}
		return nil, &iac.InputError{File: path, Line: line, Column: col, Err: fmt.Errorf("format_version: %w", err)}
	}
	return &plan, nil
}

func jsonErr(path string, data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// Offset counts the bytes read, the bad one included; at the
		// end of the input it is the end.
		off := se.Offset
		if off > 0 && off < int64(len(data)) {
			off--
		}
		line, col := iac.LineCol(data, off)
		return &iac.InputError{File: path, Line: line, Column: col, Err: fmt.Errorf("not valid JSON: %v", se)}
	case errors.As(err, &te):
		line, col := iac.LineCol(data, max(te.Offset-1, 0))
		field := te.Field
		if field == "" {
			field = "the document"
		}
		return &iac.InputError{File: path, Line: line, Column: col, Err: fmt.Errorf("not a Terraform plan: %s is a JSON %s, want %s", field, te.Value, te.Type)}
	}
	return &iac.InputError{File: path, Err: err}
}

// providerRegion is the root aws provider's region when it is a
// constant.
func providerRegion(p *tfjson.Plan) string {
	if p.Config == nil {
		return ""
	}
	for key, pc := range p.Config.ProviderConfigs {
		if pc.Name != "aws" || pc.Alias != "" || pc.ModuleAddress != "" || (key != "aws" && !strings.HasSuffix(key, ":aws")) {
			continue
		}
		if e := pc.Expressions["region"]; e != nil && e.ExpressionData != nil {
			if s, ok := e.ConstantValue.(string); ok {
				return s
			}
		}
	}
	return ""
}

// instance is one resource instance of the plan's desired state.
type instance struct {
	addr    string // module.app.aws_s3_bucket.logs["a"]
	module  string // module.app
	typ     string
	name    string
	index   any
	action  string
	after   obj
	cfg     *tfjson.ConfigResource
	res     *iac.Resource
	handled bool
}

// configAddr is the instance's resource address in its module's
// configuration, with the module's own path: module.app.aws_s3_bucket.logs.
func (in *instance) configAddr() string {
	if in.module == "" {
		return in.typ + "." + in.name
	}
	return stripIndexes(in.module) + "." + in.typ + "." + in.name
}

var indexPart = regexp.MustCompile(`\[[^\]]*\]`)

func stripIndexes(s string) string { return indexPart.ReplaceAllString(s, "") }

type builder struct {
	src      *iac.Source
	plan     *tfjson.Plan
	acct     *snapshot.Account
	reg      *snapshot.Region
	account  string
	region   string
	part     string
	insts    []*instance
	byConfig map[string][]*instance // config address → instances
	// per-service state being built (see the service files).
	s3  *s3State
	ec2 *ec2State
	iam *iamState
}

func newBuilder(path string, plan *tfjson.Plan, account, region string, now time.Time) *builder {
	snap := iac.NewSnapshot(account, region, now)
	a := snap.Accounts[0]
	b := &builder{
		src:  &iac.Source{Path: path, Format: iac.FormatTerraformPlan, Snapshot: snap},
		plan: plan, acct: a, reg: iac.Region(a), account: account, region: region, part: a.Partition,
		byConfig: map[string][]*instance{},
	}
	return b
}

// collect lists the instances of the desired state.
func (b *builder) collect() {
	configs := map[string]*tfjson.ConfigResource{}
	if b.plan.Config != nil && b.plan.Config.RootModule != nil {
		walkConfig(b.plan.Config.RootModule, "", configs)
	}
	otherTypes := map[string]bool{}
	for _, rc := range b.plan.ResourceChanges {
		if rc == nil || rc.Mode != tfjson.ManagedResourceMode || rc.Change == nil || rc.DeposedKey != "" {
			continue
		}
		a := rc.Change.Actions
		if a.Delete() || a.Forget() || len(a) == 0 {
			continue // only deleted: it will not exist
		}
		action := "create"
		switch {
		case a.NoOp():
			action = "no-op"
		case a.Update():
			action = "update"
		case a.Replace():
			action = "replace"
		case a.Read():
			action = "read"
		}
		after, _ := rc.Change.After.(map[string]any)
		in := &instance{addr: rc.Address, module: rc.ModuleAddress, typ: rc.Type, name: rc.Name, index: rc.Index, action: action,
			after: obj{v: after, u: rc.Change.AfterUnknown}}
		in.cfg = configs[in.configAddr()]
		in.res = &iac.Resource{Address: rc.Address, Type: rc.Type}
		if t, ok := in.after.v["tags_all"].(map[string]any); ok {
			in.res.Tags = strMap(t)
		} else if t, ok := in.after.v["tags"].(map[string]any); ok {
			in.res.Tags = strMap(t)
		}
		if !strings.HasPrefix(rc.Type, "aws_") {
			if !otherTypes[rc.Type] {
				otherTypes[rc.Type] = true
				b.src.NotAssessed = append(b.src.NotAssessed, &iac.Resource{Address: rc.Address, Type: rc.Type,
					Reason: fmt.Sprintf("provider %s is not AWS: its resources (%s, listed once) are not assessed", rc.ProviderName, rc.Type)})
			}
			continue
		}
		b.insts = append(b.insts, in)
		b.byConfig[in.configAddr()] = append(b.byConfig[in.configAddr()], in)
	}
}

func walkConfig(m *tfjson.ConfigModule, prefix string, out map[string]*tfjson.ConfigResource) {
	for _, r := range m.Resources {
		a := r.Address
		if prefix != "" {
			a = prefix + "." + r.Address
		}
		out[a] = r
	}
	for name, call := range m.ModuleCalls {
		if call.Module != nil {
			p := "module." + name
			if prefix != "" {
				p = prefix + "." + p
			}
			walkConfig(call.Module, p, out)
		}
	}
}

// mapper maps one resource type. Phase 0 makes the resources others join
// (buckets, groups, roles); phase 1 the ones that configure them.
type mapper struct {
	phase int
	fn    func(b *builder, in *instance)
}

func (b *builder) run() {
	b.s3 = newS3State()
	b.ec2 = newEC2State()
	b.iam = newIAMState()
	for phase := 0; phase < 2; phase++ {
		for _, in := range b.insts {
			m, ok := mappers[in.typ]
			if !ok || m.phase != phase {
				continue
			}
			in.handled = true
			m.fn(b, in)
		}
	}
	for _, in := range b.insts {
		if _, ok := mappers[in.typ]; ok {
			if in.res.Reason != "" {
				b.src.NotAssessed = append(b.src.NotAssessed, in.res)
			} else {
				b.src.Resources = append(b.src.Resources, in.res)
			}
			continue
		}
		in.res.Reason = fmt.Sprintf("resource type %s is not mapped to the snapshot: no control judges it from code", in.typ)
		b.src.NotAssessed = append(b.src.NotAssessed, in.res)
	}
	b.s3.finish(b)
	b.ec2.finish(b)
	b.iam.finish(b)
	iac.SortResources(b.src.Resources)
	iac.SortResources(b.src.NotAssessed)
}

// mappers lists every mapped type; the service files add theirs.
var mappers = map[string]mapper{}

func register(phase int, fn func(b *builder, in *instance), types ...string) bool {
	for _, t := range types {
		mappers[t] = mapper{phase: phase, fn: fn}
	}
	return true
}

// MappedTypes returns the resource types the package maps, sorted.
func MappedTypes() []string {
	out := make([]string, 0, len(mappers))
	for t := range mappers {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// syntheticID is a stable placeholder for an ID unknown until apply:
// prefix plus a hash of the address, unique per address.
func syntheticID(prefix, addr string) string {
	h := sha256.Sum256([]byte(addr))
	return prefix + hex.EncodeToString(h[:])[:17]
}

// placeholderName is a stable, readable name for a name unknown until
// apply.
func placeholderName(addr string) string {
	h := sha256.Sum256([]byte(addr))
	return "unknown-" + hex.EncodeToString(h[:])[:12]
}

// arn builds an ARN in the synthetic account and region.
func (b *builder) arn(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", b.part, service, b.region, b.account, resource)
}

// globalARN builds an ARN of a global service (no region).
func (b *builder) globalARN(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s::%s:%s", b.part, service, b.account, resource)
}

// ref finds the instance that attribute attr of in refers to, among
// types: by the value when it is known (an ID or a name compared with
// key(candidate)), else by the configuration's references, relative to
// in's module; a for_each or count instance joins the instance of the
// same key.
func (b *builder) ref(in *instance, attr string, key func(*instance) string, types ...string) *instance {
	if v, ok := in.after.str(attr); ok && v != "" {
		for _, c := range b.insts {
			if contains(types, c.typ) && key(c) == v {
				return c
			}
		}
		return nil
	}
	if in.cfg == nil {
		return nil
	}
	e := in.cfg.Expressions[attr]
	if e == nil || e.ExpressionData == nil {
		return nil
	}
	prefix := ""
	if in.module != "" {
		prefix = stripIndexes(in.module) + "."
	}
	for _, r := range e.References {
		parts := strings.Split(stripIndexes(r), ".")
		if len(parts) < 2 || !contains(types, parts[0]) {
			continue
		}
		cands := b.byConfig[prefix+parts[0]+"."+parts[1]]
		// The same module instance first (module.app["x"]).
		var same []*instance
		for _, c := range cands {
			if c.module == in.module {
				same = append(same, c)
			}
		}
		if len(same) > 0 {
			cands = same
		}
		if len(cands) == 1 {
			return cands[0]
		}
		for _, c := range cands {
			if in.index != nil && fmt.Sprint(c.index) == fmt.Sprint(in.index) {
				return c
			}
		}
	}
	return nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// unjoined marks a resource that configures another that cannot be
// found: listed not assessed with why, never applied to a wrong one.
func unjoined(in *instance, attr, what string) {
	v, known := in.after.str(attr)
	switch {
	case known && v != "":
		in.res.Reason = fmt.Sprintf("%s %q is not defined in the plan: the setting applies to a resource the plan does not hold", what, v)
	default:
		in.res.Reason = fmt.Sprintf("%s is %s and no configuration reference names a %s of the plan", attr, iac.KnownAfterApply, what)
	}
}

// obj is a value of the plan (after) with its after_unknown mirror.
type obj struct {
	v map[string]any
	u any
}

// unknown reports whether attribute k is known only after apply.
func (o obj) unknown(k string) bool {
	switch u := o.u.(type) {
	case bool:
		return u
	case map[string]any:
		return isTrue(u[k])
	}
	return false
}

// partlyUnknown reports whether k or anything inside it is unknown.
func (o obj) partlyUnknown(k string) bool {
	if o.unknown(k) {
		return true
	}
	if m, ok := o.u.(map[string]any); ok {
		return anyTrue(m[k])
	}
	return false
}

func isTrue(v any) bool { b, ok := v.(bool); return ok && b }

func anyTrue(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case map[string]any:
		for _, x := range t {
			if anyTrue(x) {
				return true
			}
		}
	case []any:
		for _, x := range t {
			if anyTrue(x) {
				return true
			}
		}
	}
	return false
}

// str returns a string attribute; ok is false when unknown or not a
// string (unset).
func (o obj) str(k string) (string, bool) {
	if o.unknown(k) {
		return "", false
	}
	s, ok := o.v[k].(string)
	return s, ok
}

// boolean returns a bool attribute and whether it is set and known.
func (o obj) boolean(k string) (bool, bool) {
	if o.unknown(k) {
		return false, false
	}
	switch v := o.v[k].(type) {
	case bool:
		return v, true
	case string: // a plan may carry "true"/"false"
		p, err := strconv.ParseBool(v)
		return p, err == nil
	}
	return false, false
}

// num returns a number attribute and whether it is set and known.
func (o obj) num(k string) (int, bool) {
	if o.unknown(k) {
		return 0, false
	}
	switch v := o.v[k].(type) {
	case float64:
		return int(v), true
	case json.Number:
		n, err := v.Int64()
		return int(n), err == nil
	case string:
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	return 0, false
}

// blocks returns a nested block list (or a single nested object).
func (o obj) blocks(k string) []obj {
	var us []any
	var um any
	if m, ok := o.u.(map[string]any); ok {
		um = m[k]
		us, _ = um.([]any)
	}
	var out []obj
	switch v := o.v[k].(type) {
	case []any:
		for i, x := range v {
			m, ok := x.(map[string]any)
			if !ok {
				continue
			}
			var u any
			if i < len(us) {
				u = us[i]
			} else if isTrue(um) {
				u = true
			}
			out = append(out, obj{v: m, u: u})
		}
	case map[string]any:
		out = append(out, obj{v: v, u: um})
	}
	return out
}

// block returns the first nested block of k.
func (o obj) block(k string) (obj, bool) {
	bs := o.blocks(k)
	if len(bs) == 0 {
		return obj{}, false
	}
	return bs[0], true
}

// strs returns a list or set of strings.
func (o obj) strs(k string) []string {
	var out []string
	if l, ok := o.v[k].([]any); ok {
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func strMap(m map[string]any) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// unknownAttr records that the mapping read attr of in, unknown until
// apply, on res (in's own Resource unless another's).
func unknownAttr(res *iac.Resource, in *instance, attr string) {
	p := attr
	if res != in.res {
		p = in.addr + "." + attr
	}
	res.AddUnknown(p)
}

// knownAfter is the reason of a detail unknown until apply.
func knownAfter(in *instance, attr string) string {
	return fmt.Sprintf("%s: %s.%s", iac.KnownAfterApply, in.addr, attr)
}
