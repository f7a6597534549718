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

func mapBucket(r *resource) {
	name, arn := r.identity()
	b := s3snap.Bucket{Name: name, ARN: arn, Region: r.m.t.opts.Region, Created: r.m.now, Tags: r.ir.Tags}
	p := r.Properties
	account := r.m.t.opts.AccountID
	iac.NewBucketDefaults(&b, account)

	// Block Public Access: a configuration given sets each of the four
	// (absent: off).
	if get(p, "PublicAccessBlockConfiguration") != nil {
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
	var known bool
	if b.ACL, known = iac.CannedACL(acl, account); !known {
		b.SetErr(s3snap.DetailACL, "AccessControl "+acl+" is not a canned ACL S3 knows")
	}

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
