package terraform

import (
	"fmt"
	"sort"

	"github.com/guardrail-sec/guardrail/internal/iac"
	"github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

// S3: aws_s3_bucket in both styles of the provider (the inline acl,
// grant, versioning, server_side_encryption_configuration, logging and
// policy of v3, and the split resources of v4 on), and the account's
// Block Public Access.
//
// A bucket being created gets what S3 gives every new bucket since April
// 2023 unless the code says otherwise: all four Block Public Access
// settings on, Object Ownership BucketOwnerEnforced (ACLs disabled) and
// SSE-S3 default encryption. A bucket that already exists keeps settings
// the code may not hold: its Block Public Access and Object Ownership,
// when no resource of the plan sets them, are reported not known (its
// live state decides: guardrail scan).

var _ = register(0, mapBucket, "aws_s3_bucket")
var _ = register(1, mapBucketPart,
	"aws_s3_bucket_public_access_block", "aws_s3_bucket_acl", "aws_s3_bucket_policy",
	"aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning",
	"aws_s3_bucket_logging", "aws_s3_bucket_ownership_controls", "aws_s3_bucket_lifecycle_configuration",
	"aws_s3_bucket_object_lock_configuration")
var _ = register(0, mapAccountPAB, "aws_s3_account_public_access_block")

type s3State struct {
	buckets map[*instance]*s3.Bucket
	order   []*instance
	// set records which details a resource of the plan set, per bucket.
	set map[*s3.Bucket]map[string]bool
	// external are the stand-ins of buckets outside the plan that the
	// plan configures, by name; outside marks them.
	external map[string]*instance
	outside  map[*s3.Bucket]bool
}

func newS3State() *s3State {
	return &s3State{buckets: map[*instance]*s3.Bucket{}, set: map[*s3.Bucket]map[string]bool{},
		external: map[string]*instance{}, outside: map[*s3.Bucket]bool{}}
}

func bucketName(in *instance) string {
	if n, ok := in.after.str("bucket"); ok && n != "" {
		return n
	}
	return placeholderName(in.addr)
}

func mapBucket(b *builder, in *instance) {
	name := bucketName(in)
	bk := &s3.Bucket{Name: name, ARN: fmt.Sprintf("arn:%s:s3:::%s", b.part, name), Region: b.region, Tags: in.res.Tags}
	if r, ok := in.after.str("region"); ok && r != "" {
		bk.Region = r
	}
	in.res.ARN = bk.ARN
	b.s3.buckets[in] = bk
	b.s3.order = append(b.s3.order, in)
	b.s3.set[bk] = map[string]bool{}
	set := b.s3.set[bk]
	if in.action == "create" || in.action == "replace" {
		iac.NewBucketDefaults(bk, b.account)
	}
	// v3 inline arguments. In v4+ they are computed: a value the
	// configuration does not set is unknown in the plan and means "not
	// set here", so only configured (known) values count.
	if in.cfg == nil || in.cfg.Expressions["acl"] != nil {
		if acl, ok := in.after.str("acl"); ok && acl != "" {
			bk.ACL, set[s3.DetailACL] = cannedACL(acl, b.account), true
		} else if in.after.unknown("acl") {
			bk.SetErr(s3.DetailACL, knownAfter(in, "acl"))
		}
	}
	if gs := in.after.blocks("grant"); len(gs) > 0 && (in.cfg == nil || in.cfg.Expressions["grant"] != nil) {
		bk.ACL, set[s3.DetailACL] = grantACL(gs, b.account), true
	}
	if in.cfg == nil || in.cfg.Expressions["versioning"] != nil {
		if v, ok := in.after.block("versioning"); ok {
			if on, known := v.boolean("enabled"); known {
				bk.Versioning = map[bool]string{true: "Enabled", false: ""}[on]
				set[s3.DetailVersioning] = true
			} else if v.unknown("enabled") {
				bk.SetErr(s3.DetailVersioning, knownAfter(in, "versioning.enabled"))
			}
			if mfa, known := v.boolean("mfa_delete"); known && mfa {
				bk.MFADelete = "Enabled"
			}
		}
	}
	if in.cfg == nil || in.cfg.Expressions["server_side_encryption_configuration"] != nil {
		if c, ok := in.after.block("server_side_encryption_configuration"); ok {
			encryption(in, bk, c, "server_side_encryption_configuration")
		}
	}
	if in.cfg == nil || in.cfg.Expressions["logging"] != nil {
		if l, ok := in.after.block("logging"); ok {
			logging(in, bk, l, "logging")
		}
	}
	if in.cfg == nil || in.cfg.Expressions["policy"] != nil {
		policy(in, bk, in.after, "policy")
	}
}

func mapAccountPAB(b *builder, in *instance) {
	in.res.ARN = b.acct.ARN()
	in.res.Facts = []string{iac.FactS3AccountPublicAccess}
	if id, ok := in.after.str("account_id"); ok && id != "" && id != b.account {
		in.res.Reason = fmt.Sprintf("sets the Block Public Access of account %s, not of the assessed account %s (--account)", id, b.account)
		return
	}
	p, unknown := pab(in.after)
	for _, u := range unknown {
		unknownAttr(in.res, in, u)
	}
	if len(unknown) > 0 {
		b.acct.S3.Errors = map[string]string{s3.DetailPublicAccessBlock: knownAfter(in, unknown[0])}
		return
	}
	b.acct.S3.PublicAccessBlock = p
}

// pab reads the four settings (unset is false, as in the API).
func pab(o obj) (*s3.PublicAccessBlock, []string) {
	var unknown []string
	get := func(k string) bool {
		v, known := o.boolean(k)
		if !known && o.unknown(k) {
			unknown = append(unknown, k)
		}
		return v
	}
	return &s3.PublicAccessBlock{BlockPublicACLs: get("block_public_acls"), IgnorePublicACLs: get("ignore_public_acls"),
		BlockPublicPolicy: get("block_public_policy"), RestrictPublicBuckets: get("restrict_public_buckets")}, unknown
}

func (b *builder) bucketOf(in *instance) *instance {
	return b.ref(in, "bucket", func(c *instance) string {
		if c.typ != "aws_s3_bucket" {
			return ""
		}
		// A split resource may name the bucket or its ID (the same).
		return bucketName(c)
	}, "aws_s3_bucket")
}

func mapBucketPart(b *builder, in *instance) {
	target := b.bucketOf(in)
	if target == nil {
		name, known := in.after.str("bucket")
		if !known || name == "" {
			unjoined(in, "bucket", "bucket")
			return
		}
		// A bucket the plan does not create: what this resource sets is
		// judged; the rest is its live state, unknown here.
		target = b.s3.externalBucket(b, in, name)
	}
	bk := b.s3.buckets[target]
	set := b.s3.set[bk]
	if target != in {
		in.res.ARN, in.res.Joins = bk.ARN, target.addr
	}
	o := in.after
	switch in.typ {
	case "aws_s3_bucket_public_access_block":
		p, unknown := pab(o)
		if len(unknown) > 0 {
			bk.SetErr(s3.DetailPublicAccessBlock, knownAfter(in, unknown[0]))
			return
		}
		bk.PublicAccessBlock, set[s3.DetailPublicAccessBlock] = p, true
	case "aws_s3_bucket_acl":
		if acl, ok := o.str("acl"); ok && acl != "" {
			bk.ACL = cannedACL(acl, b.account)
		} else if o.unknown("acl") {
			bk.SetErr(s3.DetailACL, knownAfter(in, "acl"))
			return
		}
		if pol, ok := o.block("access_control_policy"); ok {
			bk.ACL = grantACL(pol.blocks("grant"), b.account)
		}
		set[s3.DetailACL] = true
	case "aws_s3_bucket_policy":
		policy(in, bk, o, "policy")
		set[s3.DetailPolicy] = true
	case "aws_s3_bucket_server_side_encryption_configuration":
		encryption(in, bk, o, "rule")
		set[s3.DetailEncryption] = true
	case "aws_s3_bucket_versioning":
		v, ok := o.block("versioning_configuration")
		if !ok {
			return
		}
		st, known := v.str("status")
		if !known {
			bk.SetErr(s3.DetailVersioning, knownAfter(in, "versioning_configuration.status"))
			return
		}
		switch st {
		case "Enabled", "Suspended":
			bk.Versioning = st
		default: // Disabled: only valid for a bucket never versioned
			bk.Versioning = ""
		}
		if m, _ := v.str("mfa_delete"); m != "" {
			bk.MFADelete = m
		}
		set[s3.DetailVersioning] = true
	case "aws_s3_bucket_logging":
		logging(in, bk, o, "")
		set[s3.DetailLogging] = true
	case "aws_s3_bucket_ownership_controls":
		r, ok := o.block("rule")
		if !ok {
			return
		}
		if v, known := r.str("object_ownership"); known {
			bk.Ownership, set[s3.DetailOwnership] = v, true
		} else {
			bk.SetErr(s3.DetailOwnership, knownAfter(in, "rule.object_ownership"))
		}
	}
	// Lifecycle and object lock: part of the bucket, read by no control.
}

// encryption reads a server_side_encryption_configuration (inline: its
// block; split: the resource, whose rules are at "rule").
func encryption(in *instance, bk *s3.Bucket, c obj, where string) {
	rules := c.blocks("rule")
	if len(rules) == 0 {
		return
	}
	r := rules[0]
	d, ok := r.block("apply_server_side_encryption_by_default")
	if !ok {
		return
	}
	alg, known := d.str("sse_algorithm")
	if !known {
		bk.SetErr(s3.DetailEncryption, knownAfter(in, where+".apply_server_side_encryption_by_default.sse_algorithm"))
		return
	}
	e := &s3.Encryption{Algorithm: alg}
	e.KMSKeyID, _ = d.str("kms_master_key_id")
	e.BucketKeyEnabled, _ = r.boolean("bucket_key_enabled")
	bk.Encryption = e
}

func logging(in *instance, bk *s3.Bucket, l obj, prefix string) {
	attr := "target_bucket"
	if prefix != "" {
		attr = prefix + "." + attr
	}
	t, known := l.str("target_bucket")
	if !known && l.unknown("target_bucket") {
		// Logging is on; only the target is unknown. Controls ask
		// whether logging is on.
		t = "(" + iac.KnownAfterApply + ": " + in.addr + "." + attr + ")"
	}
	if t == "" {
		return
	}
	p, _ := l.str("target_prefix")
	bk.Logging = &s3.Logging{TargetBucket: t, TargetPrefix: p}
}

func policy(in *instance, bk *s3.Bucket, o obj, attr string) {
	if o.unknown(attr) {
		bk.SetErr(s3.DetailPolicy, knownAfter(in, attr))
		return
	}
	doc, ok := o.str(attr)
	if !ok || doc == "" {
		return
	}
	p, err := s3.ParsePolicy(doc)
	if err != nil {
		bk.SetErr(s3.DetailPolicy, fmt.Sprintf("%s.%s: %v", in.addr, attr, err))
		return
	}
	bk.Policy = p
}

// canonicalOwner is the synthetic canonical user ID of the account.
func canonicalOwner(account string) string { return iac.CanonicalOwner(account) }

// cannedACL expands a canned ACL as S3 does for a bucket.
func cannedACL(acl, account string) *s3.ACL {
	a, _ := iac.CannedACL(acl, account)
	return a
}

// grantACL reads grant blocks (inline grant { type, uri, id,
// permissions } or access_control_policy.grant { grantee { type, uri,
// id, email_address }, permission }).
func grantACL(gs []obj, account string) *s3.ACL {
	owner := canonicalOwner(account)
	a := &s3.ACL{Owner: owner}
	for _, g := range gs {
		who := g
		if ge, ok := g.block("grantee"); ok {
			who = ge
		}
		typ, _ := who.str("type")
		uri, _ := who.str("uri")
		id, _ := who.str("id")
		email, _ := who.str("email_address")
		perms := g.strs("permissions")
		if p, ok := g.str("permission"); ok {
			perms = append(perms, p)
		}
		sort.Strings(perms)
		for _, p := range perms {
			a.Grants = append(a.Grants, s3.Grant{Type: typ, ID: id, URI: uri, Email: email, Permission: p})
		}
	}
	return a
}

// externalBucket returns the stand-in for a bucket outside the plan that
// in configures, making in its owner the first time: every detail no
// resource of the plan sets is its live state, unknown.
func (st *s3State) externalBucket(b *builder, in *instance, name string) *instance {
	if owner, ok := st.external[name]; ok {
		return owner
	}
	bk := &s3.Bucket{Name: name, ARN: fmt.Sprintf("arn:%s:s3:::%s", b.part, name), Region: b.region}
	st.buckets[in] = bk
	st.order = append(st.order, in)
	st.set[bk] = map[string]bool{}
	st.external[name] = in
	st.outside[bk] = true
	in.res.ARN = bk.ARN
	return in
}

func (st *s3State) finish(b *builder) {
	for _, in := range st.order {
		bk := st.buckets[in]
		if st.outside[bk] {
			// A bucket the plan only configures: every detail it does
			// not set is its live state.
			why := "not set by the plan, and the bucket is not in the plan: its live setting decides (assess it with guardrail scan)"
			for _, d := range []string{s3.DetailPublicAccessBlock, s3.DetailOwnership, s3.DetailACL, s3.DetailPolicy, s3.DetailLogging, s3.DetailVersioning, s3.DetailEncryption} {
				if _, bad := bk.Err(d); !bad && !st.set[bk][d] {
					bk.SetErr(d, why)
				}
			}
		} else if in.action != "create" && in.action != "replace" {
			// An existing bucket: what the plan does not set is its live
			// state, which a plan does not hold.
			why := "not set by the plan and the bucket already exists: its live setting decides (assess it with guardrail scan)"
			for _, d := range []string{s3.DetailPublicAccessBlock, s3.DetailOwnership} {
				if _, bad := bk.Err(d); !bad && !st.set[bk][d] {
					bk.SetErr(d, why)
				}
			}
		}
		b.acct.S3.Buckets = append(b.acct.S3.Buckets, *bk)
	}
	sort.Slice(b.acct.S3.Buckets, func(i, j int) bool { return b.acct.S3.Buckets[i].Name < b.acct.S3.Buckets[j].Name })
}
