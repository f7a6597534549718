package inventory

import (
	"net/netip"
	"sort"
	"strings"
	"time"

	s3control "github.com/guardrail-sec/guardrail/internal/control/s3"
	"github.com/guardrail-sec/guardrail/internal/policy"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

// Inventory is the resources of one snapshot.
type Inventory struct {
	// Taken is when the snapshot was taken.
	Taken time.Time `json:"taken"`
	// Resources are sorted by account, region, type and ARN.
	Resources []Resource `json:"resources"`
	// Collected are the (account, region, type) whose resources were all
	// read: a store replaces those and keeps the others. Region is "" for
	// types a global collector reads (IAM, S3): every region of the
	// account.
	Collected []Scope `json:"collected"`

	byARN map[string]Exposure
}

// Scope is the resources of one type in one account and region ("": all
// regions).
type Scope struct {
	Account string `json:"account"`
	Region  string `json:"region,omitempty"`
	Type    string `json:"type"`
}

// ExposureOf returns the exposure of the resource arn (0 when it is not in
// the inventory).
func (inv *Inventory) ExposureOf(arn string) Exposure {
	e, _ := inv.Lookup(arn)
	return e
}

// Lookup returns the exposure of the resource arn, and whether the
// inventory has it.
func (inv *Inventory) Lookup(arn string) (Exposure, bool) {
	if inv == nil {
		return 0, false
	}
	if inv.byARN == nil {
		inv.index()
	}
	e, ok := inv.byARN[arn]
	return e, ok
}

// index builds the lookup by ARN (for an Inventory not made by Build).
func (inv *Inventory) index() {
	inv.byARN = make(map[string]Exposure, len(inv.Resources))
	for i := range inv.Resources {
		inv.byARN[inv.Resources[i].ARN] |= inv.Resources[i].Exposure
	}
}

// Build reads the resources of snap. An account not assessed, a region
// not collected, a collector with a gap, or a part of a collector's state
// that could not be read leaves its types out of Collected.
func Build(snap *snapshot.Snapshot) *Inventory {
	inv := &Inventory{Taken: snap.Taken}
	for _, a := range snap.Accounts {
		build(inv, snap, a)
	}
	inv.finish()
	return inv
}

// BuildAccount is Build over one account of snap (its gaps are snap's):
// the inventories of snap's accounts, joined in account order, are
// Build's. It reads nothing of the other accounts, so a scan builds each
// account's as soon as it is collected and then lets it go.
func BuildAccount(snap *snapshot.Snapshot, a *snapshot.Account) *Inventory {
	inv := &Inventory{Taken: snap.Taken}
	build(inv, snap, a)
	inv.finish()
	return inv
}

// build adds a's resources and scopes to inv.
func build(inv *Inventory, snap *snapshot.Snapshot, a *snapshot.Account) {
	if a.Err != "" {
		return
	}
	b := &builder{inv: inv, snap: snap, acct: a}
	b.iam()
	b.s3()
	for _, name := range a.RegionNames() {
		r := a.Regions[name]
		b.ec2(name, r.EC2)
		b.rds(name, r)
		b.lambda(name, r)
		b.kms(name, r)
	}
}

// finish sorts inv, stamps its resources with when they were seen and
// indexes them.
func (inv *Inventory) finish() {
	sort.Slice(inv.Resources, func(i, j int) bool {
		x, y := &inv.Resources[i], &inv.Resources[j]
		if x.Account != y.Account {
			return x.Account < y.Account
		}
		if x.Region != y.Region {
			return x.Region < y.Region
		}
		if x.Type != y.Type {
			return x.Type < y.Type
		}
		return x.ARN < y.ARN
	})
	sort.Slice(inv.Collected, func(i, j int) bool {
		x, y := inv.Collected[i], inv.Collected[j]
		if x.Account != y.Account {
			return x.Account < y.Account
		}
		if x.Region != y.Region {
			return x.Region < y.Region
		}
		return x.Type < y.Type
	})
	for i := range inv.Resources {
		inv.Resources[i].Seen = inv.Taken
	}
	inv.index()
}

// builder reads one account.
type builder struct {
	inv  *Inventory
	snap *snapshot.Snapshot
	acct *snapshot.Account
}

// gap reports whether collector could not read the account (global
// collectors: region "") or the region.
func (b *builder) gap(region, collector string) bool {
	_, ok := b.snap.Gap(b.acct.ID, region, collector)
	return ok
}

func (b *builder) collected(region string, types ...string) {
	for _, t := range types {
		b.inv.Collected = append(b.inv.Collected, Scope{Account: b.acct.ID, Region: region, Type: t})
	}
}

func (b *builder) add(r Resource) {
	r.Account, r.AccountName, r.OUPath = b.acct.ID, b.acct.Name, b.acct.OUPath
	b.inv.Resources = append(b.inv.Resources, r)
}

// nameOf is the Name tag, or name.
func nameOf(tags map[string]string, name string) string {
	if n := tags["Name"]; n != "" {
		return n
	}
	return name
}

func (b *builder) home() string {
	if b.acct.HomeRegion != "" {
		return b.acct.HomeRegion
	}
	return "us-east-1"
}

// internet reports whether cidr is all of IPv4 or IPv6 (0.0.0.0/0, ::/0
// however written).
func internet(cidr string) bool {
	p, err := netip.ParsePrefix(cidr)
	return err == nil && p.Bits() == 0
}

// openRules returns the inbound rules of g from the whole internet.
func openRules(g *ec2.SecurityGroup) []Rule {
	var out []Rule
	for _, r := range g.Ingress {
		if internet(r.CIDR) || internet(r.IPv6CIDR) {
			out = append(out, rule(r))
		}
	}
	return out
}

func rule(r ec2.Rule) Rule {
	return Rule{ID: r.ID, Protocol: r.Protocol, FromPort: r.FromPort, ToPort: r.ToPort, CIDR: r.CIDR, IPv6CIDR: r.IPv6CIDR,
		PrefixList: r.PrefixListID, Group: r.GroupID, Description: r.Description}
}

func ruleList(rs []Rule) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = r.String()
	}
	return strings.Join(s, ", ")
}

func (b *builder) ec2(region string, e *ec2.EC2) {
	if e == nil || b.gap(region, "ec2") {
		return
	}
	_, sgErr := e.Errors[ec2.PartSecurityGroups]
	eniErr, eniUnknown := e.Errors[ec2.PartNetworkInterfaces]
	publicENI := map[string]bool{}
	for _, n := range e.NetworkInterfaces {
		if n.PublicIP != "" {
			publicENI[n.ID] = true
		}
	}
	groups := map[string]*ec2.SecurityGroup{}
	if !sgErr {
		b.collected(region, TypeSecurityGroup)
		for i := range e.SecurityGroups {
			g := &e.SecurityGroups[i]
			groups[g.ID] = g
			a := &SecurityGroupAttrs{VPC: g.VPCID, Interfaces: g.NetworkInterfaces}
			for _, r := range g.Ingress {
				a.Ingress = append(a.Ingress, rule(r))
			}
			for _, n := range g.NetworkInterfaces {
				if publicENI[n] {
					a.PublicInterfaces = append(a.PublicInterfaces, n)
				}
			}
			res := Resource{Region: region, Type: TypeSecurityGroup, ARN: g.ARN, ID: g.ID, Name: nameOf(g.Tags, g.Name), Tags: g.Tags,
				Attrs: Attrs{SecurityGroup: a}}
			open := openRules(g)
			switch {
			case eniUnknown:
				a.InterfacesUnknown = eniErr
				if len(open) > 0 {
					res.Attrs.Why = append(res.Attrs.Why, "internet: unknown: "+ruleList(open)+", and its network interfaces were not read: "+eniErr)
				}
			case len(open) > 0 && len(a.PublicInterfaces) > 0:
				res.Exposure |= Internet
				res.Attrs.Why = append(res.Attrs.Why, "internet: "+ruleList(open)+", attached to "+strings.Join(a.PublicInterfaces, ", ")+" with a public IP")
			}
			b.add(res)
		}
	}
	if _, bad := e.Errors[ec2.PartInstances]; !bad {
		b.collected(region, TypeInstance)
		for i := range e.Instances {
			in := &e.Instances[i]
			if in.State == "terminated" {
				continue
			}
			a := &InstanceAttrs{State: in.State, Type: in.Type, VPC: in.VPCID, Subnet: in.SubnetID, PublicIP: in.PublicIP, PrivateIP: in.PrivateIP,
				HTTPTokens: in.Metadata.HTTPTokens, HTTPEndpoint: in.Metadata.HTTPEndpoint, SecurityGroups: in.SecurityGroups}
			res := Resource{Region: region, Type: TypeInstance, ARN: in.ARN, ID: in.ID, Name: nameOf(in.Tags, in.ID), Tags: in.Tags,
				Attrs: Attrs{Instance: a}}
			public := in.PublicIP != ""
			for _, n := range in.NetworkInterfaces {
				public = public || publicENI[n]
			}
			if public && in.Live() {
				var open []Rule
				for _, id := range in.SecurityGroups {
					if g := groups[id]; g != nil {
						open = append(open, openRules(g)...)
					}
				}
				switch {
				case sgErr:
					res.Attrs.Why = append(res.Attrs.Why, "internet: unknown: it has a public IP, and its security groups were not read: "+e.Errors[ec2.PartSecurityGroups])
				case len(open) > 0:
					res.Exposure |= Internet
					res.Attrs.Why = append(res.Attrs.Why, "internet: public IP, security groups allow "+ruleList(open))
				}
			}
			b.add(res)
		}
	}
	if _, bad := e.Errors[ec2.PartSnapshots]; !bad {
		b.collected(region, TypeEBSSnapshot)
		for i := range e.Snapshots {
			s := &e.Snapshots[i]
			res := Resource{Region: region, Type: TypeEBSSnapshot, ARN: s.ARN, ID: s.ID, Name: nameOf(s.Tags, s.ID), Tags: s.Tags,
				Attrs: Attrs{Snapshot: &SnapshotAttrs{Public: s.Public, Encrypted: s.Encrypted, Shared: s.SharedWith}}}
			if s.Public {
				res.Exposure |= Public
				res.Attrs.Why = append(res.Attrs.Why, "public: anyone may create volumes from it")
			} else if why, ok := s.Errors[ec2.DetailPublic]; ok {
				res.Attrs.Why = append(res.Attrs.Why, "public: unknown: "+why)
			}
			b.add(res)
		}
	}
}

func (b *builder) s3() {
	s := b.acct.S3
	if s == nil || b.gap("", "s3") {
		return
	}
	b.collected("", TypeBucket)
	for i := range s.Buckets {
		bk := &s.Buckets[i]
		region := bk.Region
		if region == "" {
			region = b.home()
		}
		public, unknown, why := s3control.Exposure(bk, s)
		res := Resource{Region: region, Type: TypeBucket, ARN: bk.ARN, ID: bk.Name, Name: bk.Name, Tags: bk.Tags,
			Attrs: Attrs{Bucket: &BucketAttrs{Public: public, Unknown: unknown}}}
		switch {
		case public:
			res.Exposure |= Public
			for _, w := range why {
				res.Attrs.Why = append(res.Attrs.Why, "public: "+w)
			}
		case unknown:
			res.Attrs.Why = append(res.Attrs.Why, "public: unknown: "+strings.Join(why, "; "))
		}
		b.add(res)
	}
}

// adminPolicy is the AWS managed policy of full administrative access.
const adminPolicy = "AdministratorAccess"

// admin says how attached and inline policies grant full administrative
// access: AdministratorAccess, or a policy that allows "*" on "*".
func admin(i *iam.IAM, managed map[string]*iam.Policy, attached []iam.AttachedPolicy, inline []*iam.InlinePolicy) []string {
	var out []string
	for _, p := range attached {
		if strings.HasSuffix(p.ARN, ":iam::aws:policy/"+adminPolicy) {
			out = append(out, "managed policy "+adminPolicy)
			continue
		}
		if m := managed[p.ARN]; m != nil && m.Error == "" && m.Document.AllowsFullAdmin() {
			out = append(out, "managed policy "+p.Name+" allows * on *")
		}
	}
	for _, p := range inline {
		if p.Error == "" && p.Document.AllowsFullAdmin() {
			out = append(out, "inline policy "+p.Name+" allows * on *")
		}
	}
	return out
}

func (b *builder) iam() {
	i := b.acct.IAM
	if i == nil || b.gap("", "iam") {
		return
	}
	home := b.home()
	b.collected("", TypeUser, TypeRole, TypeGroup)
	authErr := i.Errors[iam.DetailAuthorization]
	managed := map[string]*iam.Policy{}
	for _, p := range i.Policies {
		managed[p.ARN] = p
	}
	groupAdmin := map[string][]string{}
	for _, g := range i.Groups {
		a := &PrincipalAttrs{PoliciesUnknown: authErr}
		res := Resource{Region: home, Type: TypeGroup, ARN: g.ARN, ID: g.Name, Name: g.Name, Attrs: Attrs{Principal: a}}
		if authErr == "" {
			a.Admin = admin(i, managed, g.AttachedPolicies, g.InlinePolicies)
			groupAdmin[g.Name] = a.Admin
		}
		b.privileged(&res, a.Admin, authErr)
		b.add(res)
	}
	for _, r := range i.Roles {
		a := &PrincipalAttrs{PoliciesUnknown: authErr}
		res := Resource{Region: home, Type: TypeRole, ARN: r.ARN, ID: r.Name, Name: r.Name, Tags: r.Tags, Attrs: Attrs{Principal: a}}
		if authErr == "" {
			a.Admin = admin(i, managed, r.AttachedPolicies, r.InlinePolicies)
		}
		b.privileged(&res, a.Admin, authErr)
		b.add(res)
	}
	b.root(i, home)
	for _, u := range i.Users {
		a := &UserAttrs{PasswordLastUsed: u.PasswordLastUsed}
		res := Resource{Region: home, Type: TypeUser, ARN: u.ARN, ID: u.Name, Name: u.Name, Tags: u.Tags, Attrs: Attrs{User: a}}
		var unknown []string
		if c := u.Credentials; c != nil {
			a.ConsolePassword = c.PasswordEnabled
			if a.PasswordLastUsed.IsZero() {
				a.PasswordLastUsed = c.PasswordLastUsed
			}
		} else {
			unknown = append(unknown, "console password unknown: "+i.NoReport(u))
		}
		switch {
		case u.Errors[iam.DetailMFADevices] == "":
			a.MFA = len(u.MFADevices) > 0
		case u.Credentials != nil:
			a.MFA = u.Credentials.MFAActive
		default:
			unknown = append(unknown, "MFA unknown: "+u.Errors[iam.DetailMFADevices])
		}
		a.CredentialsUnknown = strings.Join(unknown, "; ")
		a.AccessKeys, a.KeysUnknown = accessKeys(i, u)
		polErr := authErr
		if polErr == "" {
			polErr = u.Errors[iam.DetailPolicies]
		}
		if polErr == "" {
			a.Admin = admin(i, managed, u.AttachedPolicies, u.InlinePolicies)
			for _, g := range u.Groups {
				for _, via := range groupAdmin[g] {
					a.Admin = append(a.Admin, "group "+g+": "+via)
				}
			}
		}
		b.privileged(&res, a.Admin, polErr)
		b.add(res)
	}
}

func (b *builder) privileged(res *Resource, admin []string, unknown string) {
	switch {
	case len(admin) > 0:
		res.Exposure |= Privileged
		res.Attrs.Why = append(res.Attrs.Why, "privileged: "+strings.Join(admin, "; "))
	case unknown != "":
		res.Attrs.Why = append(res.Attrs.Why, "privileged: unknown: policies not read: "+unknown)
	}
}

// root adds the root user: privileged always.
func (b *builder) root(i *iam.IAM, home string) {
	arn := i.Root.ARN
	if arn == "" {
		arn = "arn:" + partition(b.acct.Partition) + ":iam::" + b.acct.ID + ":root"
	}
	a := &UserAttrs{Root: true, ConsolePassword: true}
	switch v, ok := i.Summary["AccountMFAEnabled"]; {
	case ok:
		a.MFA = v > 0
	case i.Root.Credentials != nil:
		a.MFA = i.Root.Credentials.MFAActive
	default:
		a.CredentialsUnknown = "MFA unknown: " + i.SummaryUnknown("AccountMFAEnabled") + "; " + i.RootNoReport()
	}
	if c := i.Root.Credentials; c != nil {
		a.PasswordLastUsed = c.PasswordLastUsed
		for n, k := range c.AccessKeys {
			if k.Exists() {
				a.AccessKeys = append(a.AccessKeys, AccessKey{ID: "#" + string(rune('1'+n)), Active: k.Active, Created: k.LastRotated, LastUsed: k.LastUsed})
			}
		}
	} else {
		a.KeysUnknown = i.RootNoReport()
	}
	b.add(Resource{Region: home, Type: TypeUser, ARN: arn, ID: "<root_account>", Name: "root", Exposure: Privileged,
		Attrs: Attrs{User: a, Why: []string{"privileged: the account's root user"}}})
}

func partition(p string) string {
	if p == "" {
		return "aws"
	}
	return p
}

// noReport says why u has no credential report row.
// accessKeys returns u's access keys as the inventory keeps them; why is
// set when they could not be read.
func accessKeys(i *iam.IAM, u *iam.User) (out []AccessKey, why string) {
	ks, why := i.Keys(u)
	if why != "" {
		return nil, "access keys not read: " + why
	}
	for _, k := range ks {
		ak := AccessKey{ID: k.Label, Active: k.Active, Created: k.Created}
		if k.Usage != nil {
			ak.LastUsed = k.Usage.LastUsed
		}
		out = append(out, ak)
	}
	return out, ""
}

func (b *builder) rds(region string, r *snapshot.Region) {
	d := r.RDS
	if d == nil || b.gap(region, "rds") {
		return
	}
	b.collected(region, TypeDBInstance)
	for _, in := range d.Instances {
		res := Resource{Region: region, Type: TypeDBInstance, ARN: in.ARN, ID: in.ID, Name: in.ID, Tags: in.Tags,
			Attrs: Attrs{DBInstance: &DBInstanceAttrs{Engine: in.Engine, PubliclyAccessible: in.PubliclyAccessible, Port: in.Port}}}
		if in.PubliclyAccessible {
			res.Exposure |= Public
			res.Attrs.Why = append(res.Attrs.Why, "public: publicly accessible")
		}
		b.add(res)
	}
	_, snapsErr := d.Errors["snapshots"]
	_, clusterErr := d.Errors["cluster_snapshots"]
	if !snapsErr {
		b.collected(region, TypeDBSnapshot)
	}
	if !clusterErr {
		b.collected(region, TypeDBClusterSnapshot)
	}
	for _, s := range d.Snapshots {
		typ := TypeDBSnapshot
		if s.Cluster {
			typ = TypeDBClusterSnapshot
		}
		res := Resource{Region: region, Type: typ, ARN: s.ARN, ID: s.ID, Name: s.ID, Tags: s.Tags,
			Attrs: Attrs{Snapshot: &SnapshotAttrs{Public: s.Public(), Encrypted: s.Encrypted, Shared: s.RestorableBy}}}
		if s.Public() {
			res.Exposure |= Public
			res.Attrs.Why = append(res.Attrs.Why, "public: anyone may restore it")
		} else if why, ok := s.Errors["attributes"]; ok {
			res.Attrs.Why = append(res.Attrs.Why, "public: unknown: "+why)
		}
		b.add(res)
	}
}

// policyExposure judges a resource policy document: public when a
// statement allows anyone.
func policyExposure(res *Resource, doc, readErr string) {
	if readErr != "" {
		res.Attrs.Why = append(res.Attrs.Why, "public: unknown: policy not read: "+readErr)
		return
	}
	if doc == "" {
		return
	}
	d, err := policy.ParseString(doc)
	if err != nil {
		res.Attrs.Why = append(res.Attrs.Why, "public: unknown: "+err.Error())
		return
	}
	owner := ""
	if f := strings.SplitN(res.ARN, ":", 6); len(f) == 6 {
		owner = f[4]
	}
	for _, g := range policy.Public(d, owner) {
		res.Exposure |= Public
		res.Attrs.Why = append(res.Attrs.Why, "public: "+g.String())
	}
}

func (b *builder) lambda(region string, r *snapshot.Region) {
	l := r.Lambda
	if l == nil || b.gap(region, "lambda") {
		return
	}
	b.collected(region, TypeFunction)
	for _, f := range l.Functions {
		res := Resource{Region: region, Type: TypeFunction, ARN: f.ARN, ID: f.Name, Name: f.Name}
		policyExposure(&res, f.Policy, f.Errors["policy"])
		b.add(res)
	}
}

func (b *builder) kms(region string, r *snapshot.Region) {
	k := r.KMS
	if k == nil || b.gap(region, "kms") {
		return
	}
	b.collected(region, TypeKey)
	for _, key := range k.Keys {
		name := key.ID
		if len(key.Aliases) > 0 {
			name = key.Aliases[0]
		}
		res := Resource{Region: region, Type: TypeKey, ARN: key.ARN, ID: key.ID, Name: name}
		policyExposure(&res, key.Policy, key.Errors["policy"])
		b.add(res)
	}
}
