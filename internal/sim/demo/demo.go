// Package demo builds the simulator's demo organization from embedded data:
// data/org.yaml says who is in the organization and which profile of
// resources each account carries; data/<service>.yaml holds, per profile,
// that service's state; data/apps/<app>.yaml holds an application some
// accounts run on top of their profile (see the README in data/ for the
// format). Generate replicates the same mix to any number of accounts and
// regions for benchmarks.
//
// demo builds worlds; it must not import the simulator's server.
package demo

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

//go:embed data
var data embed.FS

// Spec is data/org.yaml: the organization's shape.
type Spec struct {
	OrgID       string      `yaml:"org_id"`
	RootID      string      `yaml:"root_id"`
	HomeRegion  string      `yaml:"home_region"`
	Regions     []string    `yaml:"regions"`
	ScannerRole string      `yaml:"scanner_role"`
	Management  AccountSpec `yaml:"management"`
	OUs         []OUSpec    `yaml:"ous"`
}

// OUSpec is an organizational unit and what it contains.
type OUSpec struct {
	Name     string            `yaml:"name"`
	Tags     map[string]string `yaml:"tags"`
	Accounts []AccountSpec     `yaml:"accounts"`
	OUs      []OUSpec          `yaml:"ous"`
}

// AccountSpec is one account of the demo organization.
type AccountSpec struct {
	ID      string            `yaml:"id"`
	Name    string            `yaml:"name"`
	Email   string            `yaml:"email"`
	Profile string            `yaml:"profile"`
	Tags    map[string]string `yaml:"tags"`
	// Role marks the security-tooling ("security") and log-archive
	// ("log_archive") accounts.
	Role string `yaml:"role"`
	// DeniesScanner: the scanner role's trust policy does not trust the
	// management account, so AssumeRole is denied.
	DeniesScanner bool `yaml:"denies_scanner"`
	// ExtraRegions are opt-in regions this account has enabled.
	ExtraRegions []string `yaml:"extra_regions"`
	// Apps are the applications the account runs besides its profile's
	// resources (data/apps/<name>.yaml), each in the regions listed.
	Apps map[string][]string `yaml:"apps"`
}

// Profiles are the known profile names.
var Profiles = []string{"hardened", "managed", "partial", "weak", "neglected"}

// ReadSpec parses data/org.yaml.
func ReadSpec() (*Spec, error) {
	b, err := data.ReadFile("data/org.yaml")
	if err != nil {
		return nil, err
	}
	return ParseSpec("org.yaml", b)
}

// ParseSpec parses and validates an organization spec; errors name the
// file and, where it applies, the line.
func ParseSpec(name string, b []byte) (*Spec, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var s Spec
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &s, nil
}

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

func (s *Spec) validate() error {
	if !strings.HasPrefix(s.OrgID, "o-") || !strings.HasPrefix(s.RootID, "r-") {
		return fmt.Errorf("org_id must start with o- and root_id with r-")
	}
	if s.ScannerRole == "" {
		return fmt.Errorf("scanner_role is required")
	}
	regions := map[string]bool{}
	for _, r := range world.DefaultRegions() {
		regions[r.Name] = true
	}
	for _, r := range append([]string{s.HomeRegion}, s.Regions...) {
		if !regions[r] {
			return fmt.Errorf("regions: unknown region %q", r)
		}
	}
	seen := map[string]bool{}
	var err error
	s.walk(func(path string, a AccountSpec) {
		if err != nil {
			return
		}
		switch {
		case !accountID.MatchString(a.ID):
			err = fmt.Errorf("%s: id %q is not a 12-digit account ID", path, a.ID)
		case seen[a.ID]:
			err = fmt.Errorf("%s: account %s is listed twice", path, a.ID)
		case a.Name == "" || a.Email == "":
			err = fmt.Errorf("%s: account %s needs a name and an email", path, a.ID)
		case !known(a.Profile):
			err = fmt.Errorf("%s: account %s: profile %q is not one of %s", path, a.ID, a.Profile, strings.Join(Profiles, ", "))
		}
		for _, r := range a.ExtraRegions {
			if !regions[r] && err == nil {
				err = fmt.Errorf("%s: account %s: extra_regions: unknown region %q", path, a.ID, r)
			}
		}
		for app, rs := range a.Apps {
			for _, r := range rs {
				if !regions[r] && err == nil {
					err = fmt.Errorf("%s: account %s: apps: %s: unknown region %q", path, a.ID, app, r)
				}
			}
		}
		seen[a.ID] = true
	})
	return err
}

func known(p string) bool {
	for _, k := range Profiles {
		if k == p {
			return true
		}
	}
	return false
}

// walk calls f for every account with its OU path ("Workloads/Production").
func (s *Spec) walk(f func(ouPath string, a AccountSpec)) {
	f("management", s.Management)
	var rec func(prefix string, ous []OUSpec)
	rec = func(prefix string, ous []OUSpec) {
		for _, ou := range ous {
			p := strings.TrimPrefix(prefix+"/"+ou.Name, "/")
			for _, a := range ou.Accounts {
				f(p, a)
			}
			rec(p, ou.OUs)
		}
	}
	rec("", s.OUs)
}

// accountWithRole returns the ID of the account marked with role.
func (s *Spec) accountWithRole(role string) string {
	id := s.Management.ID
	s.walk(func(_ string, a AccountSpec) {
		if a.Role == role {
			id = a.ID
		}
	})
	return id
}

// Load builds the demo organization on the clock now (see Build).
func Load(now func() time.Time) (*world.World, error) {
	spec, err := ReadSpec()
	if err != nil {
		return nil, err
	}
	return Build(spec, now)
}

// Build makes a world from spec and the embedded profiles on the clock
// now: resource ages (${days_ago:N}, when accounts joined) are relative
// to its reading when the world is built, and the world keeps it as its
// clock (world.World.Now), so the ages the simulator reports, its
// credential expiries and key deletion dates all follow the same clock.
// The caller gives the same clock to the scan (scan.Options.Now); with
// a fixed clock the demo's results are the same on any date.
func Build(spec *Spec, now func() time.Time) (*world.World, error) {
	if now == nil {
		return nil, fmt.Errorf("demo: no clock")
	}
	built := now()
	ps, err := loadProfiles(built)
	if err != nil {
		return nil, err
	}
	w := world.New()
	w.Now = now
	w.HomeRegion = spec.HomeRegion
	o := &world.Organization{
		ID:                 spec.OrgID,
		ManagementAccount:  spec.Management.ID,
		ManagementEmail:    spec.Management.Email,
		FeatureSet:         "ALL",
		RootID:             spec.RootID,
		EnabledPolicyTypes: []string{"SERVICE_CONTROL_POLICY"},
		OUs:                map[string]*world.OU{},
		Members:            map[string]*world.Member{},
		DelegatedAdmins:    map[string][]world.DelegatedAdmin{},
		ServiceAccess:      map[string]time.Time{},
		Policies: map[string]*world.Policy{"p-FullAWSAccess": {
			ID: "p-FullAWSAccess", Name: "FullAWSAccess", Type: "SERVICE_CONTROL_POLICY", AWSManaged: true,
			Description: "Allows access to every operation",
			Content:     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
			Targets:     []string{spec.RootID},
		}},
	}
	w.Org = o
	security, logArchive := spec.accountWithRole("security"), spec.accountWithRole("log_archive")
	since := built.AddDate(-3, 0, 0).UTC().Truncate(time.Second)
	for _, svc := range []string{"cloudtrail.amazonaws.com", "config.amazonaws.com", "guardduty.amazonaws.com",
		"securityhub.amazonaws.com", "access-analyzer.amazonaws.com", "sso.amazonaws.com"} {
		o.ServiceAccess[svc] = since
	}
	for _, svc := range []string{"guardduty.amazonaws.com", "securityhub.amazonaws.com", "config.amazonaws.com"} {
		o.DelegatedAdmins[svc] = []world.DelegatedAdmin{{Account: security, Since: since}}
	}
	subs := map[string]string{
		"${org_id}": spec.OrgID, "${home_region}": spec.HomeRegion, "${management}": spec.Management.ID,
		"${security}": security, "${log_archive}": logArchive,
	}
	ouSeq := 0
	var addOUs func(parent string, ous []OUSpec) error
	addAccount := func(parent string, a AccountSpec) error {
		acct := w.AddAccount(a.ID, a.Name, a.Email)
		for r := range acct.RegionStatus {
			acct.RegionStatus[r] = "DISABLED"
		}
		for _, r := range spec.Regions {
			acct.RegionStatus[r] = "ENABLED_BY_DEFAULT"
		}
		for _, r := range a.ExtraRegions {
			acct.RegionStatus[r] = "ENABLED"
		}
		joined := built.AddDate(-2, 0, 0).UTC().Truncate(time.Second)
		method := "CREATED"
		if a.ID == spec.Management.ID {
			method = "INVITED"
		}
		o.Members[a.ID] = &world.Member{Account: a.ID, Parent: parent, Status: "ACTIVE", JoinedMethod: method, Joined: joined, Tags: a.Tags}
		acctSubs := map[string]string{"${account}": a.ID, "${account_name}": a.Name}
		for k, v := range subs {
			acctSubs[k] = v
		}
		if err := ps.apply(acct, a.Profile, acctSubs); err != nil {
			return fmt.Errorf("account %s (%s): %w", a.ID, a.Name, err)
		}
		if err := ps.addApps(acct, a.Apps, acctSubs); err != nil {
			return fmt.Errorf("account %s (%s): %w", a.ID, a.Name, err)
		}
		if a.ID != spec.Management.ID {
			trusted := "arn:aws:iam::" + spec.Management.ID + ":root"
			if a.DeniesScanner {
				trusted = "arn:aws:iam::999900000000:root" // a break-glass account outside the organization
			}
			acct.IAM.Roles = append(acct.IAM.Roles, &world.Role{
				Name: spec.ScannerRole, Path: "/", ID: w.HexID("AROASIM", 13), Created: joined,
				AssumeRolePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + trusted + `"},"Action":"sts:AssumeRole"}]}`,
			})
		}
		return nil
	}
	addOUs = func(parent string, ous []OUSpec) error {
		for _, ou := range ous {
			ouSeq++
			id := fmt.Sprintf("ou-%s-%08x", strings.TrimPrefix(spec.RootID, "r-"), 0x5eed0000+ouSeq)
			o.OUs[id] = &world.OU{ID: id, Name: ou.Name, Parent: parent, Tags: ou.Tags}
			for _, a := range ou.Accounts {
				if err := addAccount(id, a); err != nil {
					return err
				}
			}
			if err := addOUs(id, ou.OUs); err != nil {
				return err
			}
		}
		return nil
	}
	if err := addAccount(spec.RootID, spec.Management); err != nil {
		return nil, err
	}
	if err := addOUs(spec.RootID, spec.OUs); err != nil {
		return nil, err
	}
	addSCPs(o)
	world.RegisterBuckets(w)
	world.RegisterQueues(w)
	world.RegisterBuses(w)
	return w, nil
}

// addSCPs attaches FullAWSAccess to every OU and account, as AWS does
// when SCPs are enabled and whenever an OU or account is added, and adds
// the one SCP the demo's platform team wrote by hand: the sandbox
// accounts may not buy reserved capacity or savings plans (a packing of
// new SCPs must count it against the sandbox OU's 5).
func addSCPs(o *world.Organization) {
	full := o.Policies["p-FullAWSAccess"]
	ids := make([]string, 0, len(o.OUs)+len(o.Members))
	for id := range o.OUs {
		ids = append(ids, id)
	}
	for id := range o.Members {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	full.Targets = append(full.Targets, ids...)
	for id, ou := range o.OUs {
		if ou.Name == "Sandbox" {
			o.Policies[sandboxSCP] = &world.Policy{ID: sandboxSCP, Name: "sandbox-no-commitments", Type: world.SCPType,
				Description: "Sandbox accounts may not buy reserved capacity or savings plans",
				Content: `{"Version":"2012-10-17","Statement":[{"Sid":"NoCommitments","Effect":"Deny","Action":["ec2:PurchaseReservedInstancesOffering",` +
					`"ec2:PurchaseHostReservation","rds:PurchaseReservedDBInstancesOffering","savingsplans:CreateSavingsPlan"],"Resource":"*"}]}`,
				Targets: []string{id}}
		}
	}
}

// sandboxSCP is the ID of the demo's hand-written SCP.
const sandboxSCP = "p-5eed5bx01"

// Generate builds an organization of n accounts (at least 4) in m regions
// (1 to 29) with the demo's mix: the demo's management, security and
// log-archive accounts, then workload accounts that take the demo's
// workload accounts' profiles, OUs, tags and applications in turn (so
// about one in ten denies the scanner, as in the demo, and about one in
// five runs the legacy web application, in those of its regions that
// are among the m), on the clock now (see Build).
func Generate(n, m int, now func() time.Time) (*world.World, error) {
	spec, err := ReadSpec()
	if err != nil {
		return nil, err
	}
	all := world.DefaultRegions()
	if n < 4 || m < 1 || m > len(all) {
		return nil, fmt.Errorf("generate: want at least 4 accounts and 1 to %d regions, got %d x %d", len(all), n, m)
	}
	type slot struct {
		ou *OUSpec
		a  AccountSpec
	}
	var core, workloads []slot
	var collect func(ous []OUSpec)
	collect = func(ous []OUSpec) {
		for i := range ous {
			ou := &ous[i]
			for _, a := range ou.Accounts {
				if a.Role != "" {
					core = append(core, slot{ou, a})
				} else {
					workloads = append(workloads, slot{ou, a})
				}
			}
			ou.Accounts = nil
			collect(ou.OUs)
		}
	}
	collect(spec.OUs)
	for _, c := range core {
		c.ou.Accounts = append(c.ou.Accounts, c.a)
	}
	for i := 0; i < n-1-len(core); i++ {
		t := workloads[i%len(workloads)]
		a := t.a
		a.ID = fmt.Sprintf("7%011d", i+1)
		a.Name = fmt.Sprintf("%s-%04d", a.Name, i+1)
		a.Email = fmt.Sprintf("aws-%s@example.com", a.Name)
		a.ExtraRegions = nil
		t.ou.Accounts = append(t.ou.Accounts, a)
	}
	spec.Regions = nil
	in := map[string]bool{}
	for _, r := range all[:m] {
		spec.Regions = append(spec.Regions, r.Name)
		in[r.Name] = true
	}
	var prune func(ous []OUSpec)
	prune = func(ous []OUSpec) {
		for i := range ous {
			for j := range ous[i].Accounts {
				a := &ous[i].Accounts[j]
				apps := map[string][]string{}
				for app, rs := range a.Apps {
					for _, r := range rs {
						if in[r] {
							apps[app] = append(apps[app], r)
						}
					}
				}
				a.Apps = apps
			}
			prune(ous[i].OUs)
		}
	}
	prune(spec.OUs)
	return Build(spec, now)
}

// profiles are the per-service state templates of every profile, and of
// every application.
type profiles struct {
	// global[field][profile] and regional[field][profile][region|"default"]
	// are decoded templates whose strings still hold ${...} tokens.
	global   map[string]map[string]reflect.Value
	regional map[string]map[string]map[string]reflect.Value
	// apps[app][region|"default"] is a world.Region of what app adds.
	apps map[string]map[string]reflect.Value
}

var (
	accountFields = fieldsByTag(reflect.TypeOf(world.Account{}))
	regionFields  = fieldsByTag(reflect.TypeOf(world.Region{}))
	daysAgo       = regexp.MustCompile(`\$\{days_(ago|ahead):([0-9]+)\}`)
)

func fieldsByTag(t reflect.Type) map[string]int {
	m := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag != "" && tag != "-" {
			m[tag] = i
		}
	}
	return m
}

func loadProfiles(now time.Time) (*profiles, error) {
	w0 := world.New() // for the region list
	ps := &profiles{global: map[string]map[string]reflect.Value{}, regional: map[string]map[string]map[string]reflect.Value{},
		apps: map[string]map[string]reflect.Value{}}
	resolve := func(b []byte) []byte {
		return daysAgo.ReplaceAllFunc(b, func(m []byte) []byte {
			sub := daysAgo.FindSubmatch(m)
			n, _ := strconv.Atoi(string(sub[2]))
			if string(sub[1]) == "ago" {
				n = -n
			}
			return []byte(now.AddDate(0, 0, n).UTC().Truncate(time.Second).Format(time.RFC3339))
		})
	}
	apps, err := fs.Glob(data, "data/apps/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, f := range apps {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "data/apps/"), ".yaml")
		b, err := data.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var byRegion map[string]yaml.Node
		if err := yaml.Unmarshal(resolve(b), &byRegion); err != nil {
			return nil, fmt.Errorf("demo data %s: want {default: ..., <region>: ...}: %w", f, err)
		}
		ps.apps[name] = map[string]reflect.Value{}
		for region, rn := range byRegion {
			if _, ok := w0.Region(region); !ok && region != "default" {
				return nil, fmt.Errorf("demo data %s:%d: %q is neither default nor a region", f, rn.Line, region)
			}
			v, err := decodeNode(f, region, &rn, reflect.TypeOf(world.Region{}))
			if err != nil {
				return nil, err
			}
			ps.apps[name][region] = v
		}
	}
	files, err := fs.Glob(data, "data/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		field := strings.TrimSuffix(strings.TrimPrefix(f, "data/"), ".yaml")
		if field == "org" {
			continue
		}
		b, err := data.ReadFile(f)
		if err != nil {
			return nil, err
		}
		b = resolve(b)
		var doc map[string]yaml.Node
		if err := yaml.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("demo data %s: %w", f, err)
		}
		if gi, ok := accountFields[field]; ok {
			t := reflect.TypeOf(world.Account{}).Field(gi).Type
			ps.global[field] = map[string]reflect.Value{}
			for prof, node := range doc {
				if !known(prof) {
					return nil, fmt.Errorf("demo data %s:%d: profile %q is not one of %s", f, node.Line, prof, strings.Join(Profiles, ", "))
				}
				v, err := decodeNode(f, prof, &node, t)
				if err != nil {
					return nil, err
				}
				ps.global[field][prof] = v
			}
			continue
		}
		ri, ok := regionFields[field]
		if !ok {
			return nil, fmt.Errorf("demo data %s: no service %q in world.Account or world.Region", f, field)
		}
		t := reflect.TypeOf(world.Region{}).Field(ri).Type
		ps.regional[field] = map[string]map[string]reflect.Value{}
		for prof, node := range doc {
			if !known(prof) {
				return nil, fmt.Errorf("demo data %s:%d: profile %q is not one of %s", f, node.Line, prof, strings.Join(Profiles, ", "))
			}
			var byRegion map[string]yaml.Node
			if err := node.Decode(&byRegion); err != nil {
				return nil, fmt.Errorf("demo data %s:%d: profile %s: want {default: ..., <region>: ...}: %w", f, node.Line, prof, err)
			}
			ps.regional[field][prof] = map[string]reflect.Value{}
			for region, rn := range byRegion {
				if _, ok := w0.Region(region); !ok && region != "default" {
					return nil, fmt.Errorf("demo data %s:%d: profile %s: %q is neither default nor a region", f, rn.Line, prof, region)
				}
				v, err := decodeNode(f, prof+"."+region, &rn, t)
				if err != nil {
					return nil, err
				}
				ps.regional[field][prof][region] = v
			}
		}
	}
	return ps, nil
}

// decodeNode decodes node strictly (unknown fields are errors) into a new t.
func decodeNode(file, where string, node *yaml.Node, t reflect.Type) (reflect.Value, error) {
	text, err := yaml.Marshal(node)
	if err != nil {
		return reflect.Value{}, err
	}
	v := reflect.New(t)
	dec := yaml.NewDecoder(bytes.NewReader(text))
	dec.KnownFields(true)
	if err := dec.Decode(v.Interface()); err != nil {
		return reflect.Value{}, fmt.Errorf("demo data %s:%d: %s: %w", file, node.Line, where, err)
	}
	return v.Elem(), nil
}

// apply gives acct the state of profile, with ${...} tokens replaced.
func (ps *profiles) apply(acct *world.Account, profile string, subs map[string]string) error {
	base := make([]string, 0, 2*len(subs))
	keys := make([]string, 0, len(subs))
	for k := range subs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		base = append(base, k, subs[k])
	}
	rep := strings.NewReplacer(base...)
	av := reflect.ValueOf(acct).Elem()
	for field, byProfile := range ps.global {
		if tmpl, ok := byProfile[profile]; ok {
			copyReplace(av.Field(accountFields[field]), tmpl, rep)
		}
	}
	for region, status := range acct.RegionStatus {
		if status == "DISABLED" {
			continue
		}
		rrep := strings.NewReplacer(append(base, "${region}", region)...)
		rv := reflect.ValueOf(acct.In(region)).Elem()
		for field, byProfile := range ps.regional {
			byRegion, ok := byProfile[profile]
			if !ok {
				continue
			}
			tmpl, ok := byRegion[region]
			if !ok {
				tmpl, ok = byRegion["default"]
			}
			if ok {
				copyReplace(rv.Field(regionFields[field]), tmpl, rrep)
			}
		}
	}
	return nil
}

// addApps adds to acct the resources of each application it runs, in the
// regions it runs it, with ${...} tokens replaced: an application's
// lists are appended to the profile's, its maps merged; it sets nothing
// else (an application adds resources, it does not change settings).
func (ps *profiles) addApps(acct *world.Account, apps map[string][]string, subs map[string]string) error {
	names := make([]string, 0, len(apps))
	for n := range apps {
		names = append(names, n)
	}
	sort.Strings(names)
	var base []string
	for _, k := range sortedKeys(subs) {
		base = append(base, k, subs[k])
	}
	for _, name := range names {
		byRegion, ok := ps.apps[name]
		if !ok {
			return fmt.Errorf("apps: no application %q (data/apps/%s.yaml)", name, name)
		}
		for _, region := range apps[name] {
			if !acct.RegionEnabled(region) {
				return fmt.Errorf("apps: %s: region %s is not enabled in the account", name, region)
			}
			tmpl, ok := byRegion[region]
			if !ok {
				tmpl, ok = byRegion["default"]
			}
			if !ok {
				continue
			}
			rep := strings.NewReplacer(append(base, "${region}", region)...)
			if err := appendInto(reflect.ValueOf(acct.In(region)).Elem(), tmpl, rep, name); err != nil {
				return fmt.Errorf("apps: %s: %s: %w", name, region, err)
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// appendInto adds src's lists and map entries to dst's, copied with
// tokens replaced; any other value set in src is an error.
func appendInto(dst, src reflect.Value, rep *strings.Replacer, path string) error {
	switch kind := src.Kind(); {
	case kind == reflect.Struct && allExported(src.Type()):
		t := src.Type()
		for i := 0; i < t.NumField(); i++ {
			tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
			if err := appendInto(dst.Field(i), src.Field(i), rep, path+"."+tag); err != nil {
				return err
			}
		}
	case kind == reflect.Slice:
		if src.Len() == 0 {
			return nil
		}
		add := reflect.New(src.Type()).Elem()
		copyReplace(add, src, rep)
		dst.Set(reflect.AppendSlice(dst, add))
	case kind == reflect.Map:
		if src.Len() == 0 {
			return nil
		}
		add := reflect.New(src.Type()).Elem()
		copyReplace(add, src, rep)
		if dst.IsNil() {
			dst.Set(reflect.MakeMapWithSize(src.Type(), add.Len()))
		}
		it := add.MapRange()
		for it.Next() {
			dst.SetMapIndex(it.Key(), it.Value())
		}
	default:
		if !src.IsZero() {
			return fmt.Errorf("%s: an application adds resources (lists, maps) and sets nothing else", path)
		}
	}
	return nil
}

func allExported(t reflect.Type) bool {
	for i := 0; i < t.NumField(); i++ {
		if !t.Field(i).IsExported() {
			return false
		}
	}
	return true
}

// copyReplace deep-copies src into dst, replacing tokens in every string.
// Structs with unexported fields (time.Time) are copied as values.
func copyReplace(dst, src reflect.Value, rep *strings.Replacer) {
	switch src.Kind() {
	case reflect.String:
		dst.SetString(rep.Replace(src.String()))
	case reflect.Pointer:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		p := reflect.New(src.Type().Elem())
		copyReplace(p.Elem(), src.Elem(), rep)
		dst.Set(p)
	case reflect.Struct:
		t := src.Type()
		for i := 0; i < t.NumField(); i++ {
			if !t.Field(i).IsExported() {
				dst.Set(src)
				return
			}
		}
		for i := 0; i < t.NumField(); i++ {
			copyReplace(dst.Field(i), src.Field(i), rep)
		}
	case reflect.Slice:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := 0; i < src.Len(); i++ {
			copyReplace(s.Index(i), src.Index(i), rep)
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		it := src.MapRange()
		for it.Next() {
			k := reflect.New(src.Type().Key()).Elem()
			copyReplace(k, it.Key(), rep)
			v := reflect.New(src.Type().Elem()).Elem()
			copyReplace(v, it.Value(), rep)
			m.SetMapIndex(k, v)
		}
		dst.Set(m)
	case reflect.Interface:
		dst.Set(src) // plain data only; interfaces are copied as they are
	default:
		dst.Set(src)
	}
}
