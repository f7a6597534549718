package playbook

// The S3 playbooks: Block Public Access for the account (S3.1) and a
// bucket (S3.8), a bucket policy statement that denies requests without
// TLS (S3.5), the public grants of a bucket ACL (S3.2 read, S3.3 write)
// and disabling ACLs (S3.12).
//
// Where they act. S3 is global in the collector, but a bucket's finding
// is reported in the bucket's own region, so env.Config is already
// signed for the bucket's region (S3 answers a request signed for
// another region with a redirect). The account setting (S3 Control) is
// global; its finding is in the home region.
//
// The judgements, and why:
//
//   - A bucket can be public through its ACL or through its policy. The
//     ACL playbooks (S3.2, S3.3) remove the ACL's public grants and
//     nothing else. When the bucket would stay public through its policy,
//     they skip it with the control's own reason instead of deleting the
//     owner's statement: a statement open to "*" is written on purpose
//     (a website, a public download) far more often than a public ACL
//     grant, and deleting it is a replacement, not a merge. The bucket's
//     Block Public Access (S3.8) neutralizes such a policy; it is what
//     AWS's own runbook for these controls (AWS-DisableS3BucketPublicReadWrite)
//     turns on, and it is a separate, separately planned change here.
//   - Whether the bucket stays public, and whether S3.5 already passes,
//     is decided by running the control itself (package control/s3) over
//     the bucket as read, so that a playbook never disagrees with the
//     finding it fixes; there is no second policy evaluator here.
//   - The policy (S3.5) is merged, not rewritten: the statement is
//     appended and every other member of the document is kept as the
//     owner wrote it, byte for byte. Rollback puts back the exact prior
//     document, or deletes the policy if there was none.
//   - Disabling ACLs (S3.12) needs the bucket ACL reset to the owner's
//     full control first (S3 refuses BucketOwnerEnforced otherwise). That
//     is well defined only when what it takes away is public access; a
//     grant to another account or to the log delivery group must first
//     move to the bucket policy, which only the owner can decide, so such
//     a bucket is skipped.
//
// Block Public Access and rollback. S3 refuses to store a public ACL
// (BlockPublicAcls) or a public policy (BlockPublicPolicy) while the
// setting is on for the bucket or the account. Rolling back S3.2, S3.3
// or S3.12 puts a public ACL back, and rolling back S3.5 on a bucket with
// a public policy puts that policy back: both fail while S3.1 or S3.8
// is applied, so Block Public Access must be rolled back first and
// applied last, and the account's (S3.1, whose finding is in the home
// region) before the changes to buckets of every region. S3.5 skips a
// public policy that Block Public Access would refuse to store even with
// the statement added.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	s3controlapi "github.com/aws/aws-sdk-go-v2/service/s3control"
	s3controltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/control"
	controls3 "github.com/guardrail-sec/guardrail/internal/control/s3"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	s3snap "github.com/guardrail-sec/guardrail/internal/snapshot/s3"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// s3Playbooks returns the playbooks of S3's controls.
func s3Playbooks() []Playbook {
	return []Playbook{
		accountBlockPublicAccess(),
		bucketPublicACL("S3.2", aclRead),
		bucketPublicACL("S3.3", aclWrite),
		bucketTLSOnly(),
		bucketBlockPublicAccess(),
		bucketACLsDisabled(),
	}
}

// The S3 error codes that mean "not configured", "gone" or "elsewhere".
const (
	codeNoSuchBucket   = "NoSuchBucket"
	codeNoBucketPolicy = "NoSuchBucketPolicy"
	codeNoPAB          = "NoSuchPublicAccessBlockConfiguration"
	codeNoOwnership    = "OwnershipControlsNotFoundError"
	codeRedirect       = "PermanentRedirect"
)

// bucketOf returns the bucket env acts on, and an S3 client.
func bucketOf(env Env) (string, *s3api.Client) {
	return env.Resource.ID(), s3api.NewFromConfig(env.Config)
}

// bucketARN is the ARN of the bucket env acts on.
func bucketARN(env Env) string {
	if strings.HasPrefix(env.Resource.ARN, "arn:") {
		return env.Resource.ARN
	}
	return "arn:" + target.PartitionOf(env.Region) + ":s3:::" + env.Resource.ID()
}

// bucketGone turns S3's NoSuchBucket into a skip; other errors are wrapped
// with what was being done. A redirect means the bucket is not in the
// region env.Config is signed for: the finding's region, which is the
// bucket's, unless the bucket was deleted and created again elsewhere.
func bucketGone(bucket, what string, err error) error {
	switch awsx.Code(err) {
	case codeNoSuchBucket:
		return Skip("bucket %s no longer exists", bucket)
	case codeRedirect:
		return fmt.Errorf("bucket %s: %s: the bucket is not in the finding's region (S3 redirected the request): %w", bucket, what, err)
	}
	return fmt.Errorf("bucket %s: %s: %w", bucket, what, err)
}

// ---- Block Public Access (S3.1, S3.8) ----

// pabState is a Block Public Access configuration; Exists false is none
// (restored by deleting the configuration).
type pabState struct {
	Exists                bool `json:"exists"`
	BlockPublicAcls       bool `json:"block_public_acls"`
	IgnorePublicAcls      bool `json:"ignore_public_acls"`
	BlockPublicPolicy     bool `json:"block_public_policy"`
	RestrictPublicBuckets bool `json:"restrict_public_buckets"`
}

var pabAllOn = pabState{Exists: true, BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}

// fixPAB turns every setting on; a configuration with all four on is
// left as it is.
func fixPAB(_ Env, cur pabState) (pabState, error) {
	if cur == pabAllOn {
		return cur, nil
	}
	return pabAllOn, nil
}

// snap returns p as the snapshot has it (nil for none).
func (p pabState) snap() *s3snap.PublicAccessBlock {
	if !p.Exists {
		return nil
	}
	return &s3snap.PublicAccessBlock{BlockPublicACLs: p.BlockPublicAcls, IgnorePublicACLs: p.IgnorePublicAcls,
		BlockPublicPolicy: p.BlockPublicPolicy, RestrictPublicBuckets: p.RestrictPublicBuckets}
}

func readAccountPAB(ctx context.Context, env Env) (pabState, error) {
	out, err := s3controlapi.NewFromConfig(env.Config).GetPublicAccessBlock(ctx, &s3controlapi.GetPublicAccessBlockInput{AccountId: aws.String(env.Account)})
	switch {
	case awsx.Code(err) == codeNoPAB:
		return pabState{}, nil
	case err != nil:
		return pabState{}, fmt.Errorf("account %s: get Block Public Access: %w", env.Account, err)
	}
	c := out.PublicAccessBlockConfiguration
	if c == nil {
		c = &s3controltypes.PublicAccessBlockConfiguration{}
	}
	return pabState{Exists: true, BlockPublicAcls: aws.ToBool(c.BlockPublicAcls), IgnorePublicAcls: aws.ToBool(c.IgnorePublicAcls),
		BlockPublicPolicy: aws.ToBool(c.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets)}, nil
}

func readBucketPAB(ctx context.Context, c *s3api.Client, bucket string) (pabState, error) {
	out, err := c.GetPublicAccessBlock(ctx, &s3api.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	switch {
	case awsx.Code(err) == codeNoPAB:
		return pabState{}, nil
	case err != nil:
		return pabState{}, bucketGone(bucket, "get Block Public Access", err)
	}
	p := out.PublicAccessBlockConfiguration
	if p == nil {
		p = &s3types.PublicAccessBlockConfiguration{}
	}
	return pabState{Exists: true, BlockPublicAcls: aws.ToBool(p.BlockPublicAcls), IgnorePublicAcls: aws.ToBool(p.IgnorePublicAcls),
		BlockPublicPolicy: aws.ToBool(p.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(p.RestrictPublicBuckets)}, nil
}

// accountBlockPublicAccess turns on the account's Block Public Access
// (S3.1).
func accountBlockPublicAccess() Playbook {
	return &def[pabState]{
		info: Info{
			Control: "S3.1", Name: "s3.account-block-public-access", Phase: 1,
			Summary: "Turn on all four account-level S3 Block Public Access settings (BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets)",
			Risk: "applies to every bucket and access point of the account, now and later: public bucket policies and public ACLs stop " +
				"granting access (static websites served from S3, public downloads, anonymous uploads, other accounts let in by a policy S3 " +
				"judges public), and any request that sets a public ACL or policy fails with AccessDenied, including the rollback of " +
				"S3.2, S3.3, S3.5 or S3.12 changes that put one back (roll this back first)",
			Actions: []string{"s3:GetAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock"},
		},
		read: readAccountPAB,
		fix:  fixPAB,
		set: func(ctx context.Context, env Env, _, w pabState) error {
			c := s3controlapi.NewFromConfig(env.Config)
			if !w.Exists {
				if _, err := c.DeletePublicAccessBlock(ctx, &s3controlapi.DeletePublicAccessBlockInput{AccountId: aws.String(env.Account)}); err != nil {
					return fmt.Errorf("account %s: delete Block Public Access: %w", env.Account, err)
				}
				return nil
			}
			_, err := c.PutPublicAccessBlock(ctx, &s3controlapi.PutPublicAccessBlockInput{AccountId: aws.String(env.Account),
				PublicAccessBlockConfiguration: &s3controltypes.PublicAccessBlockConfiguration{
					BlockPublicAcls: aws.Bool(w.BlockPublicAcls), IgnorePublicAcls: aws.Bool(w.IgnorePublicAcls),
					BlockPublicPolicy: aws.Bool(w.BlockPublicPolicy), RestrictPublicBuckets: aws.Bool(w.RestrictPublicBuckets)}})
			if err != nil {
				return fmt.Errorf("account %s: put Block Public Access: %w", env.Account, err)
			}
			return nil
		},
	}
}

// bucketBlockPublicAccess turns on a bucket's Block Public Access (S3.8).
func bucketBlockPublicAccess() Playbook {
	return &def[pabState]{
		info: Info{
			Control: "S3.8", Name: "s3.bucket-block-public-access", Phase: 1,
			Summary: "Turn on all four Block Public Access settings of the bucket (BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets)",
			Risk: "the bucket's public policy statements and public ACL grants stop granting access (a static website or public " +
				"download served from it, anonymous uploads, other accounts let in by a statement S3 judges public); requests that set " +
				"a public ACL or policy on it fail with AccessDenied, including the rollback of S3.2, S3.3, S3.5 or S3.12 changes that " +
				"put one back (roll this back first)",
			Actions: []string{"s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
		},
		read: func(ctx context.Context, env Env) (pabState, error) {
			bucket, c := bucketOf(env)
			return readBucketPAB(ctx, c, bucket)
		},
		fix: fixPAB,
		set: func(ctx context.Context, env Env, _, w pabState) error {
			bucket, c := bucketOf(env)
			if !w.Exists {
				if _, err := c.DeletePublicAccessBlock(ctx, &s3api.DeletePublicAccessBlockInput{Bucket: aws.String(bucket)}); err != nil {
					return bucketGone(bucket, "delete Block Public Access", err)
				}
				return nil
			}
			_, err := c.PutPublicAccessBlock(ctx, &s3api.PutPublicAccessBlockInput{Bucket: aws.String(bucket),
				PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
					BlockPublicAcls: aws.Bool(w.BlockPublicAcls), IgnorePublicAcls: aws.Bool(w.IgnorePublicAcls),
					BlockPublicPolicy: aws.Bool(w.BlockPublicPolicy), RestrictPublicBuckets: aws.Bool(w.RestrictPublicBuckets)}})
			if err != nil {
				return bucketGone(bucket, "put Block Public Access", err)
			}
			return nil
		},
	}
}

// ---- Judging a bucket as the control does ----

// judgeBucket runs the S3 control id over bucket b alone (owned by an account
// whose Block Public Access is acct), as a scan would, and returns its
// result for b.
func judgeBucket(env Env, id string, b s3snap.Bucket, acct pabState) (control.Result, error) {
	var c *control.Control
	for _, x := range controls3.Controls() {
		if x.ID == id {
			c = x
		}
	}
	if c == nil {
		return control.Result{}, fmt.Errorf("no control %s", id)
	}
	b.Name, b.ARN, b.Region = env.Resource.ID(), bucketARN(env), env.Region
	a := &snapshot.Account{ID: env.Account, Partition: target.PartitionOf(env.Region), HomeRegion: env.Region,
		S3: &s3snap.S3{PublicAccessBlock: acct.snap(), Buckets: []s3snap.Bucket{b}}}
	for _, r := range control.EvaluateAccount([]*control.Control{c}, &snapshot.Snapshot{}, a, func(string) bool { return true }, env.Now) {
		if r.Resource.ARN == b.ARN {
			return r, nil
		}
	}
	return control.Result{}, fmt.Errorf("control %s gave no result for %s", id, b.ARN)
}

// withBucketPolicy sets the bucket policy doc ("" for none) on b as the
// collector would: parsed, with S3's verdict on whether it is public.
func withBucketPolicy(b *s3snap.Bucket, doc string, public bool) {
	if doc == "" {
		return
	}
	p, err := s3snap.ParsePolicy(doc)
	if err != nil {
		b.SetErr(s3snap.DetailPolicy, err.Error())
		return
	}
	b.Policy, b.PolicyPublic = p, aws.Bool(public)
}

// readBucketPolicy returns the bucket policy ("" for none) and S3's verdict on
// whether it is public.
func readBucketPolicy(ctx context.Context, c *s3api.Client, bucket string) (string, bool, error) {
	out, err := c.GetBucketPolicy(ctx, &s3api.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	switch {
	case awsx.Code(err) == codeNoBucketPolicy:
		return "", false, nil
	case err != nil:
		return "", false, bucketGone(bucket, "get bucket policy", err)
	}
	doc := aws.ToString(out.Policy)
	st, err := c.GetBucketPolicyStatus(ctx, &s3api.GetBucketPolicyStatusInput{Bucket: aws.String(bucket)})
	if err != nil {
		return "", false, bucketGone(bucket, "get bucket policy status", err)
	}
	return doc, st.PolicyStatus != nil && aws.ToBool(st.PolicyStatus.IsPublic), nil
}

// ---- Bucket ACLs (S3.2, S3.3, S3.12) ----

// bucketGrant is one ACL grant, as GetBucketAcl answers it.
type bucketGrant struct {
	// Type is CanonicalUser, Group or AmazonCustomerByEmail.
	Type       string `json:"type"`
	ID         string `json:"id,omitempty"`
	URI        string `json:"uri,omitempty"`
	Email      string `json:"email,omitempty"`
	Permission string `json:"permission"`
}

// bucketACL is a bucket ACL: its owner (canonical user ID) and grants, in
// S3's order.
type bucketACL struct {
	Owner  string        `json:"owner"`
	Grants []bucketGrant `json:"grants"`
}

// The groups of ACL grants that make a bucket public.
const (
	groupAllUsers  = "http://acs.amazonaws.com/groups/global/AllUsers"
	groupAuthUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

func (g bucketGrant) public() bool { return g.URI == groupAllUsers || g.URI == groupAuthUsers }

func (g bucketGrant) owner(owner string) bool {
	return g.Type == string(s3types.TypeCanonicalUser) && g.ID == owner
}

func (g bucketGrant) String() string {
	who := g.ID
	switch {
	case g.URI != "":
		who = g.URI[strings.LastIndex(g.URI, "/")+1:]
	case g.Email != "":
		who = g.Email
	case len(who) > 12:
		who = "canonical user " + who[:12] + "…"
	default:
		who = "canonical user " + who
	}
	return g.Permission + " to " + who
}

// aclFamily is the access a grant gives: reading or writing (the families
// of S3.2 and S3.3, as the control reads a grant).
type aclFamily int

const (
	aclRead aclFamily = 1 << iota
	aclWrite
)

func (f aclFamily) String() string {
	if f == aclRead {
		return "read"
	}
	return "write"
}

func (g bucketGrant) family() aclFamily {
	switch g.Permission {
	case "READ", "READ_ACP":
		return aclRead
	case "WRITE", "WRITE_ACP":
		return aclWrite
	case "FULL_CONTROL":
		return aclRead | aclWrite
	}
	return 0
}

func readBucketACL(ctx context.Context, c *s3api.Client, bucket string) (bucketACL, error) {
	out, err := c.GetBucketAcl(ctx, &s3api.GetBucketAclInput{Bucket: aws.String(bucket)})
	if err != nil {
		return bucketACL{}, bucketGone(bucket, "get bucket ACL", err)
	}
	a := bucketACL{Grants: []bucketGrant{}}
	if out.Owner != nil {
		a.Owner = aws.ToString(out.Owner.ID)
	}
	for _, g := range out.Grants {
		gr := bucketGrant{Permission: string(g.Permission)}
		if ge := g.Grantee; ge != nil {
			gr.Type, gr.ID, gr.URI, gr.Email = string(ge.Type), aws.ToString(ge.ID), aws.ToString(ge.URI), aws.ToString(ge.EmailAddress)
		}
		a.Grants = append(a.Grants, gr)
	}
	return a, nil
}

func putBucketACL(ctx context.Context, c *s3api.Client, bucket string, a bucketACL) error {
	p := &s3types.AccessControlPolicy{Owner: &s3types.Owner{ID: aws.String(a.Owner)}, Grants: []s3types.Grant{}}
	public := false
	for _, g := range a.Grants {
		ge := &s3types.Grantee{Type: s3types.Type(g.Type)}
		if g.ID != "" {
			ge.ID = aws.String(g.ID)
		}
		if g.URI != "" {
			ge.URI = aws.String(g.URI)
		}
		if g.Email != "" {
			ge.EmailAddress = aws.String(g.Email)
		}
		p.Grants = append(p.Grants, s3types.Grant{Grantee: ge, Permission: s3types.Permission(g.Permission)})
		public = public || g.public()
	}
	_, err := c.PutBucketAcl(ctx, &s3api.PutBucketAclInput{Bucket: aws.String(bucket), AccessControlPolicy: p})
	if err != nil && public && awsx.Classify(err) == awsx.AccessDenied {
		return fmt.Errorf("bucket %s: put bucket ACL: %w (the ACL grants public access, which S3 refuses while BlockPublicAcls is on for the bucket or the account: roll back S3.1 or S3.8 first)", bucket, err)
	}
	if err != nil {
		return bucketGone(bucket, "put bucket ACL", err)
	}
	return nil
}

// publicACLState is a bucket's ACL, with what decides whether removing
// its public grants fixes the control. Only the ACL is changed.
type publicACLState struct {
	bucketACL
	// ACLIgnored says why S3 ignores the ACL's public grants
	// (IgnorePublicAcls on the bucket or the account), "" when it does not.
	ACLIgnored string `json:"acl_ignored,omitempty"`
	// PublicOtherwise is the control's reason when it still fails the
	// bucket with no ACL grant but the owner's (the bucket is public
	// through its policy), "" when it passes it.
	PublicOtherwise string `json:"public_otherwise,omitempty"`
}

// bucketPublicACL removes the ACL's public grants of family f: S3.2
// (read), S3.3 (write).
func bucketPublicACL(id string, f aclFamily) Playbook {
	perms := "READ, READ_ACP and FULL_CONTROL"
	lost := "listing the bucket, or reading its ACL, anonymously or as any AWS user; a public share or static website that relied on the bucket ACL"
	if f == aclWrite {
		perms = "WRITE, WRITE_ACP and FULL_CONTROL"
		lost = "writing, overwriting and deleting objects, or changing the bucket ACL, anonymously or as any AWS user; an upload drop that relied on the bucket ACL"
	}
	return &def[publicACLState]{
		info: Info{
			Control: id, Name: "s3.bucket-public-" + f.String() + "-acl",
			Summary: "Remove the bucket ACL's " + perms + " grants to everyone (AllUsers) and to any AWS user (AuthenticatedUsers), " +
				"keeping the owner and every other grant; a bucket that would stay publicly " + aclVerb(f) + " through its bucket policy is skipped",
			Risk: "those grantees lose " + lost + ". A FULL_CONTROL grant to them is removed whole, with the access of the other family. " +
				"Object ACLs are not changed. A bucket public through its bucket policy is skipped, not fixed: the statement is the " +
				"owner's and may be meant (a website); bucket Block Public Access (S3.8) neutralizes it",
			Actions: []string{"s3:GetBucketAcl", "s3:GetBucketPolicy", "s3:GetBucketPolicyStatus", "s3:GetBucketPublicAccessBlock",
				"s3:GetAccountPublicAccessBlock", "s3:PutBucketAcl"},
		},
		read: func(ctx context.Context, env Env) (publicACLState, error) {
			bucket, c := bucketOf(env)
			a, err := readBucketACL(ctx, c, bucket)
			if err != nil {
				return publicACLState{}, err
			}
			st := publicACLState{bucketACL: a}
			bpab, err := readBucketPAB(ctx, c, bucket)
			if err != nil {
				return st, err
			}
			apab, err := readAccountPAB(ctx, env)
			if err != nil {
				return st, err
			}
			switch {
			case bpab.IgnorePublicAcls:
				st.ACLIgnored = "IgnorePublicAcls is on for the bucket"
			case apab.IgnorePublicAcls:
				st.ACLIgnored = "IgnorePublicAcls is on for the account"
			}
			doc, public, err := readBucketPolicy(ctx, c, bucket)
			if err != nil {
				return st, err
			}
			b := s3snap.Bucket{PublicAccessBlock: bpab.snap(), ACL: &s3snap.ACL{Owner: a.Owner,
				Grants: []s3snap.Grant{{Type: s3snap.GranteeCanonicalUser, ID: a.Owner, Permission: "FULL_CONTROL"}}}}
			withBucketPolicy(&b, doc, public)
			r, err := judgeBucket(env, id, b, apab)
			if err != nil {
				return st, err
			}
			if r.Status == control.Failed || r.Status == control.Error {
				st.PublicOtherwise = r.Reason
			}
			return st, nil
		},
		fix: func(_ Env, cur publicACLState) (publicACLState, error) {
			if cur.PublicOtherwise != "" {
				return cur, Skip("the bucket would fail %s without the ACL's public grants too (%s): remove or narrow that "+
					"policy statement, or turn on the bucket's Block Public Access (S3.8)", id, cur.PublicOtherwise)
			}
			if cur.ACLIgnored != "" {
				return cur, nil
			}
			w := cur
			w.Grants = slices.DeleteFunc(slices.Clone(cur.Grants), func(g bucketGrant) bool { return g.public() && g.family()&f != 0 })
			return w, nil
		},
		set: func(ctx context.Context, env Env, cur, w publicACLState) error {
			if slices.Equal(cur.Grants, w.Grants) && cur.Owner == w.Owner {
				return nil
			}
			bucket, c := bucketOf(env)
			return putBucketACL(ctx, c, bucket, w.bucketACL)
		},
	}
}

func aclVerb(f aclFamily) string {
	if f == aclRead {
		return "readable"
	}
	return "writable"
}

// ownerEnforced is the Object Ownership setting that disables ACLs.
const ownerEnforced = string(s3types.ObjectOwnershipBucketOwnerEnforced)

// aclsState is a bucket's Object Ownership setting and ACL.
type aclsState struct {
	// Ownership is BucketOwnerEnforced, BucketOwnerPreferred or
	// ObjectWriter; "" when none is configured (restored by deleting the
	// ownership controls).
	Ownership string `json:"ownership"`
	bucketACL
}

// bucketACLsDisabled disables ACLs on a bucket (S3.12).
func bucketACLsDisabled() Playbook {
	return &def[aclsState]{
		info: Info{
			Control: "S3.12", Name: "s3.bucket-acls-disabled",
			Summary: "Reset the bucket ACL to the owner's full control and disable ACLs (Object Ownership BucketOwnerEnforced); " +
				"only when the grants it removes are to everyone (AllUsers) or any AWS user (AuthenticatedUsers): a bucket whose ACL " +
				"grants another account or the log delivery group is skipped",
			Risk: "the public grants of the bucket ACL go, and object ACLs stop counting: objects made public or shared by their own " +
				"ACL (a static site uploaded with public-read) are no longer readable that way, objects other accounts uploaded become " +
				"the bucket owner's, and uploads that set any ACL but bucket-owner-full-control fail with AccessControlListNotSupported. " +
				"Rollback re-enables ACLs with the prior setting and bucket ACL, and S3 restores the object ACLs, but objects written " +
				"while ACLs were disabled stay the bucket owner's",
			Actions: []string{"s3:GetBucketOwnershipControls", "s3:GetBucketAcl", "s3:PutBucketAcl", "s3:PutBucketOwnershipControls"},
		},
		read: func(ctx context.Context, env Env) (aclsState, error) {
			bucket, c := bucketOf(env)
			var st aclsState
			out, err := c.GetBucketOwnershipControls(ctx, &s3api.GetBucketOwnershipControlsInput{Bucket: aws.String(bucket)})
			switch {
			case awsx.Code(err) == codeNoOwnership:
			case err != nil:
				return st, bucketGone(bucket, "get ownership controls", err)
			case out.OwnershipControls != nil && len(out.OwnershipControls.Rules) > 0:
				st.Ownership = string(out.OwnershipControls.Rules[0].ObjectOwnership)
			}
			st.bucketACL, err = readBucketACL(ctx, c, bucket)
			return st, err
		},
		fix: func(_ Env, cur aclsState) (aclsState, error) {
			if cur.Ownership == ownerEnforced {
				return cur, nil
			}
			var others, kept []string
			for _, g := range cur.Grants {
				switch {
				case g.owner(cur.Owner):
				case g.public():
					others = append(others, g.String())
				default:
					kept = append(kept, g.String())
				}
			}
			if len(kept) > 0 {
				return cur, Skip("the bucket ACL grants %s: disabling ACLs would take that access away; grant it in the bucket policy, "+
					"then reset the ACL to private, before disabling ACLs", strings.Join(kept, ", "))
			}
			if len(others) == 0 {
				return cur, nil // the ACL grants the owner alone: S3.12 passes
			}
			return aclsState{Ownership: ownerEnforced, bucketACL: bucketACL{Owner: cur.Owner,
				Grants: []bucketGrant{{Type: string(s3types.TypeCanonicalUser), ID: cur.Owner, Permission: "FULL_CONTROL"}}}}, nil
		},
		set: func(ctx context.Context, env Env, cur, w aclsState) error {
			bucket, c := bucketOf(env)
			aclChanged := cur.Owner != w.Owner || !slices.Equal(cur.Grants, w.Grants)
			if cur.Ownership == ownerEnforced && w.Ownership != ownerEnforced {
				// Enable ACLs first: S3 refuses to set an ACL while they are disabled.
				if err := setBucketOwnership(ctx, c, bucket, w.Ownership); err != nil {
					return err
				}
				if aclChanged {
					return putBucketACL(ctx, c, bucket, w.bucketACL)
				}
				return nil
			}
			// Reset the ACL first: S3 disables ACLs only on a private ACL.
			if aclChanged && cur.Ownership != ownerEnforced {
				if err := putBucketACL(ctx, c, bucket, w.bucketACL); err != nil {
					return err
				}
			}
			if w.Ownership != cur.Ownership {
				return setBucketOwnership(ctx, c, bucket, w.Ownership)
			}
			return nil
		},
	}
}

// setBucketOwnership sets the Object Ownership setting, or deletes the
// ownership controls for "".
func setBucketOwnership(ctx context.Context, c *s3api.Client, bucket, o string) error {
	if o == "" {
		if _, err := c.DeleteBucketOwnershipControls(ctx, &s3api.DeleteBucketOwnershipControlsInput{Bucket: aws.String(bucket)}); err != nil {
			return bucketGone(bucket, "delete ownership controls", err)
		}
		return nil
	}
	_, err := c.PutBucketOwnershipControls(ctx, &s3api.PutBucketOwnershipControlsInput{Bucket: aws.String(bucket),
		OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnership(o)}}}})
	if err != nil {
		return bucketGone(bucket, "put ownership controls", err)
	}
	return nil
}

// ---- TLS-only bucket policy (S3.5) ----

// tlsSid names the statement S3.5's playbook adds.
const tlsSid = "GuardrailDenyInsecureTransport"

// tlsState is a bucket policy, with what decides whether S3 would store
// it again with the statement added. Only the policy is changed.
type tlsState struct {
	// Policy is the bucket policy document as S3 returns it, "" when the
	// bucket has none (restored by deleting the policy).
	Policy string `json:"policy"`
	// Public is S3's verdict on the policy (GetBucketPolicyStatus). A
	// Deny statement does not change it.
	Public bool `json:"public,omitempty"`
	// PublicBlocked says where BlockPublicPolicy is on ("the bucket",
	// "the account"), read for a public policy only: S3 then refuses to
	// store it, with the statement or without.
	PublicBlocked string `json:"public_blocked,omitempty"`
}

// bucketTLSOnly adds a statement denying requests without TLS to a
// bucket's policy (S3.5).
func bucketTLSOnly() Playbook {
	return &def[tlsState]{
		info: Info{
			Control: "S3.5", Name: "s3.bucket-tls-only",
			Summary: "Add to the bucket policy (creating it if there is none) a statement " + tlsSid + " that denies every S3 action " +
				"to everyone on the bucket and its objects when aws:SecureTransport is false; every other statement is kept as written",
			Risk: "requests to the bucket over plain HTTP are denied: the S3 static website endpoint (HTTP only), clients and tools " +
				"configured with http:// endpoints, CloudFront origins that reach the bucket's REST endpoint over HTTP. The policy " +
				"grows by one statement (S3 allows 20 KB). A public policy that Block Public Access would refuse to store again is skipped",
			Actions: []string{"s3:GetBucketPolicy", "s3:GetBucketPolicyStatus", "s3:GetBucketPublicAccessBlock",
				"s3:GetAccountPublicAccessBlock", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"},
		},
		read: func(ctx context.Context, env Env) (tlsState, error) {
			bucket, c := bucketOf(env)
			doc, public, err := readBucketPolicy(ctx, c, bucket)
			if err != nil {
				return tlsState{}, err
			}
			st := tlsState{Policy: doc, Public: public}
			if !public {
				return st, nil
			}
			bpab, err := readBucketPAB(ctx, c, bucket)
			if err != nil {
				return st, err
			}
			apab, err := readAccountPAB(ctx, env)
			if err != nil {
				return st, err
			}
			switch {
			case bpab.BlockPublicPolicy:
				st.PublicBlocked = "the bucket"
			case apab.BlockPublicPolicy:
				st.PublicBlocked = "the account"
			}
			return st, nil
		},
		fix: fixTLSOnly,
		set: func(ctx context.Context, env Env, cur, w tlsState) error {
			if cur.Policy == w.Policy {
				return nil
			}
			bucket, c := bucketOf(env)
			if w.Policy == "" {
				if _, err := c.DeleteBucketPolicy(ctx, &s3api.DeleteBucketPolicyInput{Bucket: aws.String(bucket)}); err != nil {
					return bucketGone(bucket, "delete bucket policy", err)
				}
				return nil
			}
			_, err := c.PutBucketPolicy(ctx, &s3api.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(w.Policy)})
			if err != nil && w.Public && awsx.Classify(err) == awsx.AccessDenied {
				return fmt.Errorf("bucket %s: put bucket policy: %w (the policy is public, which S3 refuses while BlockPublicPolicy is on for the bucket or the account: roll back S3.1 or S3.8 first)", bucket, err)
			}
			if err != nil {
				return bucketGone(bucket, "put bucket policy", err)
			}
			return nil
		},
	}
}

// fixTLSOnly returns cur with the TLS statement added to its policy,
// unless S3.5 already passes it.
func fixTLSOnly(env Env, cur tlsState) (tlsState, error) {
	judgeDoc := func(doc string) (control.Result, error) {
		var b s3snap.Bucket
		withBucketPolicy(&b, doc, cur.Public)
		return judgeBucket(env, "S3.5", b, pabState{})
	}
	r, err := judgeDoc(cur.Policy)
	switch {
	case err != nil:
		return cur, err
	case r.Status == control.Passed:
		return cur, nil
	case r.Status != control.Failed:
		return cur, Skip("S3.5 cannot judge the bucket policy: %s", r.Reason)
	}
	if cur.Policy != "" {
		p, _ := s3snap.ParsePolicy(cur.Policy) // judged above: it parses
		for _, st := range p.Statements {
			if st.Sid == tlsSid {
				return cur, Skip("the bucket policy already has a statement %s, but S3.5 still fails it (%s): correct that statement by hand", tlsSid, r.Reason)
			}
		}
	}
	if cur.Public && cur.PublicBlocked != "" {
		return cur, Skip("the bucket policy is public and BlockPublicPolicy is on for %s: S3 refuses to store a public policy, "+
			"even with the statement added; make the policy non-public (or lift BlockPublicPolicy) first", cur.PublicBlocked)
	}
	doc, err := withTLSStatement(cur.Policy, bucketARN(env))
	if err != nil {
		return cur, Skip("the bucket policy cannot be merged: %v", err)
	}
	w := cur
	w.Policy = doc
	// The statement alone satisfies S3.5: a failure here is a bug.
	if r, err = judgeDoc(doc); err != nil {
		return cur, err
	}
	if r.Status != control.Passed {
		return cur, fmt.Errorf("s3.bucket-tls-only: S3.5 judges the merged policy %s: %s", r.Status, r.Reason)
	}
	return w, nil
}

// tlsStatement is the statement S3.5's playbook adds, in the order its
// members are written.
type tlsStatement struct {
	Sid       string                       `json:"Sid"`
	Effect    string                       `json:"Effect"`
	Principal string                       `json:"Principal"`
	Action    string                       `json:"Action"`
	Resource  []string                     `json:"Resource"`
	Condition map[string]map[string]string `json:"Condition"`
}

// withTLSStatement returns the policy document doc ("" for none) with the
// TLS statement for the bucket arn appended to its Statement. The
// document's other members and statements are copied as they are, byte
// for byte, in their order; a single Statement object becomes the first
// element of a list.
func withTLSStatement(doc, arn string) (string, error) {
	add, err := json.Marshal(tlsStatement{Sid: tlsSid, Effect: "Deny", Principal: "*", Action: "s3:*",
		Resource: []string{arn, arn + "/*"}, Condition: map[string]map[string]string{"Bool": {"aws:SecureTransport": "false"}}})
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(doc) == "" {
		return `{"Version":"2012-10-17","Statement":[` + string(add) + `]}`, nil
	}
	members, err := docMembers(doc)
	if err != nil {
		return "", err
	}
	at := -1
	for i, m := range members {
		if m.key == "Statement" {
			at = i // the last one, as a JSON reader keeps it
		}
	}
	if at < 0 {
		return "", errors.New("the policy has no Statement")
	}
	var stmts []json.RawMessage
	switch raw := bytes.TrimSpace(members[at].value); {
	case len(raw) > 0 && raw[0] == '[':
		if err := json.Unmarshal(raw, &stmts); err != nil {
			return "", fmt.Errorf("Statement: %w", err)
		}
	case len(raw) > 0 && raw[0] == '{':
		stmts = []json.RawMessage{raw}
	default:
		return "", errors.New("Statement is neither a statement nor a list of them")
	}
	var list bytes.Buffer
	list.WriteByte('[')
	for _, s := range stmts {
		list.Write(s)
		list.WriteByte(',')
	}
	list.Write(add)
	list.WriteByte(']')
	members[at].value = list.Bytes()

	var out bytes.Buffer
	out.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			out.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		out.Write(k)
		out.WriteByte(':')
		out.Write(m.value)
	}
	out.WriteByte('}')
	return out.String(), nil
}

type docMember struct {
	key   string
	value json.RawMessage
}

// docMembers returns the members of the JSON object doc in their
// order, each value as it is written.
func docMembers(doc string) ([]docMember, error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("the policy is not a JSON object")
	}
	var out []docMember
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		out = append(out, docMember{key, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("the policy has data after its object")
	}
	return out, nil
}
