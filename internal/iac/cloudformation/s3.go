package cloudformation

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/iac"
	s3snap "github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

// cannedACLs are AWS::S3::Bucket AccessControl values as S3's canned ACL
// names.
var cannedACLs = map[string]string{
	"Private": "private", "PublicRead": "public-read", "PublicReadWrite": "public-read-write",
	"AuthenticatedRead": "authenticated-read", "LogDeliveryWrite": "log-delivery-write",
	"BucketOwnerRead": "bucket-owner-read", "BucketOwnerFullControl": "bucket-owner-full-control",
	"AwsExecRead": "aws-exec-read",
}

// CannedACL returns the grants S3 makes for a canned ACL on a bucket
// owned by owner (the owner always keeps FULL_CONTROL); false for a name
// S3 does not know.
func CannedACL(acl, owner string) ([]s3snap.Grant, bool) {
	g := []s3snap.Grant{{Type: s3snap.GranteeCanonicalUser, ID: owner, Permission: "FULL_CONTROL"}}
	group := func(uri, perm string) s3snap.Grant {
		return s3snap.Grant{Type: s3snap.GranteeGroup, URI: uri, Permission: perm}
	}
	switch acl {
	case "", "private", "bucket-owner-read", "bucket-owner-full-control":
	case "public-read":
		g = append(g, group(s3snap.AllUsers, "READ"))
	case "public-read-write":
		g = append(g, group(s3snap.AllUsers, "READ"), group(s3snap.AllUsers, "WRITE"))
	case "authenticated-read":
		g = append(g, group(s3snap.AuthenticatedUsers, "READ"))
	case "log-delivery-write":
		g = append(g, group(s3snap.LogDelivery, "WRITE"), group(s3snap.LogDelivery, "READ_ACP"))
	case "aws-exec-read":
		// EC2 gets READ on the bundle: an AWS-owned canonical user,
		// not the public.
		g = append(g, s3snap.Grant{Type: s3snap.GranteeCanonicalUser, ID: "aws-exec-read", Permission: "READ"})
	default:
		return nil, false
	}
	return g, true
}

// The S3 controls each bucket property decides.
var (
	s3PublicControls = []string{"S3.2", "S3.3", "S3.8", "S3.19"}
)

func mapBucket(r *resource) {
	name, arn := r.identity()
	b := s3snap.Bucket{Name: name, ARN: arn, Region: r.m.t.opts.Region, Created: r.m.now, Tags: r.ir.Tags}
	p := r.Properties

	// Block Public Access: on by default for new buckets since April
	// 2023; a configuration given sets each of the four (absent: off).
	if get(p, "PublicAccessBlockConfiguration") == nil {
		b.PublicAccessBlock = &s3snap.PublicAccessBlock{BlockPublicACLs: true, IgnorePublicACLs: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
	} else {
		pab := &s3snap.PublicAccessBlock{}
		for _, f := range []struct {
			key string
			to  *bool
		}{{"BlockPublicAcls", &pab.BlockPublicACLs}, {"IgnorePublicAcls", &pab.IgnorePublicACLs},
			{"BlockPublicPolicy", &pab.BlockPublicPolicy}, {"RestrictPublicBuckets", &pab.RestrictPublicBuckets}} {
			v, ok, why := r.prop("PublicAccessBlockConfiguration." + f.key)
			if why != "" {
				b.SetErr(s3snap.DetailPublicAccessBlock, why)
			}
			*f.to = ok && strings.EqualFold(v, "true")
		}
		b.PublicAccessBlock = pab
	}

	// Object Ownership: BucketOwnerEnforced (ACLs disabled) by default.
	b.Ownership = "BucketOwnerEnforced"
	if o, ok, why := r.prop("OwnershipControls.Rules[0].ObjectOwnership"); why != "" {
		b.SetErr(s3snap.DetailOwnership, why)
		b.SetErr(s3snap.DetailACL, why)
	} else if ok {
		b.Ownership = o
	}
	acl := "private"
	if a, ok, why := r.prop("AccessControl"); why != "" {
		b.SetErr(s3snap.DetailACL, why)
	} else if ok {
		acl = cannedACLs[a]
		if acl == "" {
			acl = a
		}
	}
	if grants, ok := CannedACL(acl, r.m.owner); ok {
		b.ACL = &s3snap.ACL{Owner: r.m.owner, Grants: grants}
	} else {
		b.SetErr(s3snap.DetailACL, "AccessControl "+acl+" is not a canned ACL S3 knows")
	}

	// Default encryption: SSE-S3 unless configured.
	b.Encryption = &s3snap.Encryption{Algorithm: "AES256"}
	rule := "BucketEncryption.ServerSideEncryptionConfiguration[0]"
	if alg, ok, why := r.prop(rule + ".ServerSideEncryptionByDefault.SSEAlgorithm"); why != "" {
		b.SetErr(s3snap.DetailEncryption, why)
	} else if ok {
		b.Encryption.Algorithm = alg
		key, _, why := r.prop(rule + ".ServerSideEncryptionByDefault.KMSMasterKeyID")
		if why != "" {
			b.SetErr(s3snap.DetailEncryption, why)
		}
		b.Encryption.KMSKeyID = key
		bk, _ := r.boolProp(rule+".BucketKeyEnabled", false)
		b.Encryption.BucketKeyEnabled = bk
	}

	if st, ok, why := r.prop("VersioningConfiguration.Status"); why != "" {
		b.SetErr(s3snap.DetailVersioning, why)
	} else if ok {
		b.Versioning = st
	}
	// Object Lock needs versioning: S3 turns it on with the lock.
	if lock, _ := r.boolProp("ObjectLockEnabled", false); lock {
		b.Versioning = "Enabled"
	}

	if lc := get(p, "LoggingConfiguration"); lc != nil {
		// Without a destination, logs go to the bucket itself.
		target, ok, why := r.str(lc, "DestinationBucketName")
		switch {
		case why != "":
			b.SetErr(s3snap.DetailLogging, why)
		default:
			if !ok {
				target = name
			}
			prefix, _, _ := r.str(lc, "LogFilePrefix")
			b.Logging = &s3snap.Logging{TargetBucket: target, TargetPrefix: prefix}
		}
	}
	r.m.acct.S3.Buckets = append(r.m.acct.S3.Buckets, b)
}

// mapBucketPolicy puts the policy on its bucket: the template's bucket it
// refers to (by Ref, or by name); a bucket the template does not define
// is not assessed.
func mapBucketPolicy(r *resource) {
	bv := get(r.Properties, "Bucket")
	target := r.m.refTarget(bv, "AWS::S3::Bucket")
	if target == nil {
		name, _ := bv.Scalar()
		r.m.dropJoin(r, "the bucket "+orUnknown(name, bv)+" is not defined in this template: its other settings are not known here")
		return
	}
	owner := r.m.ir[target.LogicalID]
	r.ir.Joins, r.ir.ARN = owner.Address, owner.ARN
	var b *s3snap.Bucket
	for i := range r.m.acct.S3.Buckets {
		if r.m.acct.S3.Buckets[i].ARN == owner.ARN {
			b = &r.m.acct.S3.Buckets[i]
		}
	}
	if b == nil {
		return
	}
	doc, why := r.policyJSON(get(r.Properties, "PolicyDocument"), "PolicyDocument")
	if why != "" {
		b.SetErr(s3snap.DetailPolicy, why)
		return
	}
	pol, err := s3snap.ParsePolicy(doc)
	if err != nil {
		b.SetErr(s3snap.DetailPolicy, err.Error())
		return
	}
	b.Policy = pol
}

// dropJoin lists a resource that configures something outside the
// template as not assessed.
func (m *mapper) dropJoin(r *resource, why string) {
	for i, x := range m.src.Resources {
		if x == r.ir {
			m.src.Resources = append(m.src.Resources[:i], m.src.Resources[i+1:]...)
			break
		}
	}
	delete(m.ir, r.LogicalID)
	m.src.NotAssessed = append(m.src.NotAssessed, &iac.Resource{Address: r.ir.Address, Type: r.Type, File: r.ir.File, Line: r.ir.Line, Reason: why})
}

func orUnknown(name string, v *Value) string {
	if name != "" {
		return name
	}
	if v != nil && v.Kind == Unknown {
		return "(" + v.Reason + ")"
	}
	return "(none given)"
}
