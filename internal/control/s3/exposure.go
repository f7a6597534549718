package s3

import (
	"fmt"
	"strings"

	s3snap "github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

// exposure is whether a bucket is open to the public for a family of
// access, after Block Public Access: S3.2 (read), S3.3 (write) and
// CloudTrail.6 (any) share it.
type exposure struct {
	// public: the bucket is open; why says how.
	public bool
	// unknown: it could not be decided; why says what is missing.
	unknown bool
	why     []string
	// blocked notes public grants that Block Public Access neutralizes.
	blocked []string
}

// tri is a yes/no answer that may be unknown.
type tri int

const (
	no tri = iota
	yes
	unknown
)

// blockSetting tells whether a Block Public Access setting (get) is on for
// the bucket, at the bucket or at its account (acct, nil when the owner's
// state is unknown), and where, or why it is unknown.
func blockSetting(b *s3snap.Bucket, acct *s3snap.S3, get func(*s3snap.PublicAccessBlock) bool) (tri, string) {
	var why []string
	if e, ok := b.Err(s3snap.DetailPublicAccessBlock); ok {
		why = append(why, "bucket Block Public Access not read: "+e)
	} else if b.PublicAccessBlock != nil && get(b.PublicAccessBlock) {
		return yes, "on the bucket"
	}
	if acct == nil {
		why = append(why, "the owner account's Block Public Access is unknown")
	} else if e, ok := acct.Err(s3snap.DetailPublicAccessBlock); ok {
		why = append(why, "account Block Public Access not read: "+e)
	} else if acct.PublicAccessBlock != nil && get(acct.PublicAccessBlock) {
		return yes, "on the account"
	}
	if len(why) > 0 {
		return unknown, strings.Join(why, "; ")
	}
	return no, ""
}

// exposed judges bucket b (owned by the account whose S3 state is acct)
// for family f. Policies count unless RestrictPublicBuckets is on; ACLs
// unless IgnorePublicAcls is on or ACLs are disabled (BucketOwnerEnforced).
// Where S3 gave its own verdict on the policy (PolicyPublic), it wins:
// the grants of a policy S3 says is not public do not count, and a policy
// S3 says is public counts as a public read even when no statement of it
// reads as public here, unless every grant to everyone it has is taken
// back by a Deny (S3's documented reading weighs the grants only).
func exposed(b *s3snap.Bucket, acct *s3snap.S3, f family) exposure {
	var x exposure
	// channel adds what one channel (policy, ACL) found, given whether the
	// setting that neutralizes it is on.
	channel := func(found []string, readErr string, block tri, blockWhy, setting string) {
		switch {
		case len(found) > 0 && block == yes:
			x.blocked = append(x.blocked, fmt.Sprintf("%s (neutralized by %s %s)", strings.Join(found, "; "), setting, blockWhy))
		case len(found) > 0 && block == unknown:
			x.unknown = true
			x.why = append(x.why, fmt.Sprintf("%s, and whether %s neutralizes it is unknown (%s)", strings.Join(found, "; "), setting, blockWhy))
		case len(found) > 0:
			x.public = true
			x.why = append(x.why, found...)
		case readErr != "" && block != yes:
			x.unknown = true
			x.why = append(x.why, readErr)
		}
	}

	restrict, restrictWhy := blockSetting(b, acct, func(p *s3snap.PublicAccessBlock) bool { return p.RestrictPublicBuckets })
	var policyFound []string
	// The owner's account ID is not at hand here; without it a Deny with
	// a NotPrincipal never counts as covering every outsider, which can
	// only keep a public grant, never drop one.
	owner := ""
	policyErr := ""
	if e, ok := b.Err(s3snap.DetailPolicy); ok {
		policyErr = "bucket policy not read: " + e
	} else if b.Policy != nil {
		grants, _ := publicGrants(b.Policy, owner, f)
		for _, g := range grants {
			policyFound = append(policyFound, g.String())
		}
		if b.PolicyPublic != nil {
			anyGrant, takenBack := publicGrants(b.Policy, owner, famAny)
			switch {
			case !*b.PolicyPublic:
				policyFound = nil
			case len(policyFound) == 0 && f&famRead != 0 && len(anyGrant) == 0 && takenBack == 0:
				// S3 sees something public that no statement here
				// reads as public: its verdict wins. Where a Deny
				// took every public grant back, S3's reading (which
				// weighs only the grants) does not.
				policyFound = []string{"S3 reports the bucket policy as public"}
			}
		}
	}
	channel(policyFound, policyErr, restrict, restrictWhy, "RestrictPublicBuckets")

	var aclFound []string
	aclErr := ""
	if e, ok := b.Err(s3snap.DetailACL); ok {
		aclErr = "bucket ACL not read: " + e
	} else {
		aclFound = publicACL(b.ACL, f)
	}
	// ACLs are disabled under BucketOwnerEnforced. An ACL granting more
	// than the owner proves they are not, even if the setting was not read.
	if b.Ownership == "BucketOwnerEnforced" {
		channel(aclFound, aclErr, yes, "(ACLs are disabled: BucketOwnerEnforced)", "Object Ownership")
	} else {
		ignore, ignoreWhy := blockSetting(b, acct, func(p *s3snap.PublicAccessBlock) bool { return p.IgnorePublicACLs })
		channel(aclFound, aclErr, ignore, ignoreWhy, "IgnorePublicAcls")
	}
	if x.public {
		x.unknown = false
	}
	return x
}

// publicACL returns the grants of a to everyone (AllUsers) or any AWS
// user (AuthenticatedUsers) that give access of family f.
func publicACL(a *s3snap.ACL, f family) []string {
	if a == nil {
		return nil
	}
	var out []string
	for _, g := range a.Grants {
		var who string
		switch g.URI {
		case s3snap.AllUsers:
			who = "everyone (AllUsers)"
		case s3snap.AuthenticatedUsers:
			who = "any AWS user (AuthenticatedUsers)"
		default:
			continue
		}
		var fam family
		switch g.Permission {
		case "READ", "READ_ACP":
			fam = famRead
		case "WRITE", "WRITE_ACP":
			fam = famWrite
		case "FULL_CONTROL":
			fam = famAny
		}
		if fam&f != 0 {
			out = append(out, fmt.Sprintf("ACL grants %s to %s", g.Permission, who))
		}
	}
	return out
}

// Exposure judges whether anyone on the internet can read or write
// bucket b (owned by the account whose S3 state is acct), after Block
// Public Access at the bucket and the account, as S3.2 and S3.3 judge it.
// why says how it is public, or, when unknown, what could not be read.
// It is the one evaluator of public buckets: the inventory (package
// inventory) uses it to rank findings and answer searches.
func Exposure(b *s3snap.Bucket, acct *s3snap.S3) (public, unknown bool, why []string) {
	x := exposed(b, acct, famAny)
	return x.public, x.unknown, x.why
}
