package s3

import (
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	s3snap "github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

const cliBPA = "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"

func accountBlockPublicAccess() *control.Control {
	return &control.Control{
		ID:           "S3.1",
		Title:        "S3 general purpose buckets should have block public access settings enabled",
		Service:      "S3",
		Severity:     control.Medium,
		ResourceType: "AwsAccount",
		Global:       true,
		Needs:        []string{"s3"},
		Rationale: "The account-level Block Public Access settings override every bucket policy, ACL and access point " +
			"of the account, so no bucket can become public by mistake, including buckets created later.",
		Remediation: "Console: S3 > Block Public Access settings for this account > Edit, select all four settings, save.\n" +
			"CLI: aws s3control put-public-access-block --account-id <account-id> --public-access-block-configuration " + cliBPA,
		WellArchitected: []string{"SEC03", "SEC08"},
		Check: func(in *control.Input) {
			m := in.AccountMeta()
			st := in.Account.S3
			if st == nil {
				in.Error(m, "S3 state was not collected")
				return
			}
			if e, ok := st.Err(s3snap.DetailPublicAccessBlock); ok {
				in.Error(m, "account Block Public Access could not be read: %s", e)
				return
			}
			switch p := st.PublicAccessBlock; {
			case p == nil:
				in.Fail(m, "account-level Block Public Access is not configured")
			case p.All():
				in.Pass(m, "all four account-level Block Public Access settings are on")
			default:
				in.Fail(m, "account-level Block Public Access settings off: %s", strings.Join(p.Off(), ", "))
			}
		},
	}
}

func publicRead() *control.Control {
	return &control.Control{
		ID:           "S3.2",
		Title:        "S3 general purpose buckets should block public read access",
		Service:      "S3",
		Severity:     control.Critical,
		ResourceType: typeBucket,
		Global:       true,
		Needs:        []string{"s3"},
		Rationale: "A bucket that anyone can read or list exposes its data to the Internet; most S3 data leaks are " +
			"buckets opened by a policy or ACL that Block Public Access did not neutralize.",
		Remediation: "Console: S3 > bucket > Permissions: edit the bucket policy to remove statements allowing Principal \"*\", " +
			"set the ACL to private (or Object Ownership to Bucket owner enforced), and turn on Block Public Access.\n" +
			"CLI: aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration " + cliBPA,
		WellArchitected: []string{"SEC03", "SEC08"},
		Check:           func(in *control.Input) { checkExposure(in, famRead) },
	}
}

func publicWrite() *control.Control {
	return &control.Control{
		ID:           "S3.3",
		Title:        "S3 general purpose buckets should block public write access",
		Service:      "S3",
		Severity:     control.Critical,
		ResourceType: typeBucket,
		Global:       true,
		Needs:        []string{"s3"},
		Rationale: "A bucket anyone can write to can be filled with malware or illegal content at the owner's cost, " +
			"and its objects can be overwritten or deleted.",
		Remediation: "Console: S3 > bucket > Permissions: remove WRITE grants to Everyone and Authenticated users from the ACL, " +
			"remove policy statements allowing Principal \"*\" to put or delete, and turn on Block Public Access.\n" +
			"CLI: aws s3api put-bucket-acl --bucket <bucket> --acl private && aws s3api put-public-access-block --bucket <bucket> " +
			"--public-access-block-configuration " + cliBPA,
		WellArchitected: []string{"SEC03", "SEC08"},
		Check:           func(in *control.Input) { checkExposure(in, famWrite) },
	}
}

// checkExposure judges every bucket of the account for public access of f.
func checkExposure(in *control.Input, f family) {
	eachBucket(in, func(m snapshot.Meta, b *s3snap.Bucket) {
		x := exposed(b, in.Account.S3, f)
		switch {
		case x.public:
			in.Fail(m, "publicly %s: %s", verb(f), strings.Join(x.why, "; "))
		case x.unknown:
			in.Error(m, "public %s access could not be assessed: %s", f, strings.Join(x.why, "; "))
		case len(x.blocked) > 0:
			in.Pass(m, "not publicly %s: %s", verb(f), strings.Join(x.blocked, "; "))
		default:
			in.Pass(m, "no policy statement or ACL grant allows public %s", f)
		}
	})
}

func verb(f family) string {
	switch f {
	case famRead:
		return "readable"
	case famWrite:
		return "writable"
	}
	return "accessible"
}

func bucketBlockPublicAccess() *control.Control {
	return &control.Control{
		ID:           "S3.8",
		Title:        "S3 general purpose buckets should block public access",
		Service:      "S3",
		Severity:     control.High,
		ResourceType: typeBucket,
		Global:       true,
		Needs:        []string{"s3"},
		Rationale: "Bucket-level Block Public Access keeps a bucket private even if the account-level setting is " +
			"changed, and stops a public policy or ACL from being applied to it.",
		Remediation: "Console: S3 > bucket > Permissions > Block public access (bucket settings) > Edit, select Block all public access, save.\n" +
			"CLI: aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration " + cliBPA,
		WellArchitected: []string{"SEC03", "SEC08"},
		Check: func(in *control.Input) {
			eachBucket(in, func(m snapshot.Meta, b *s3snap.Bucket) {
				if unread(in, m, b, s3snap.DetailPublicAccessBlock) {
					return
				}
				switch p := b.PublicAccessBlock; {
				case p == nil:
					in.Fail(m, "no bucket-level Block Public Access configuration")
				case p.All():
					in.Pass(m, "all four bucket-level Block Public Access settings are on")
				default:
					in.Fail(m, "bucket-level Block Public Access settings off: %s", strings.Join(p.Off(), ", "))
				}
			})
		},
	}
}

func accessPointBlockPublicAccess() *control.Control {
	return &control.Control{
		ID:           "S3.19",
		Title:        "S3 access points should have block public access settings enabled",
		Service:      "S3",
		Severity:     control.Critical,
		ResourceType: typeAccessPoint,
		Global:       true,
		Needs:        []string{"s3"},
		Rationale: "An access point whose Block Public Access settings are off can be given a public access point " +
			"policy, opening the bucket's data through it. The settings can only be chosen when the access point is created.",
		Remediation: "Access point Block Public Access cannot be changed after creation: create a replacement with all four " +
			"settings on, move clients to it and delete the old one.\n" +
			"Console: S3 > Access Points > Create access point (keep Block all public access selected), then delete the old access point.\n" +
			"CLI: aws s3control create-access-point --account-id <account-id> --name <new-name> --bucket <bucket> " +
			"--public-access-block-configuration " + cliBPA + " && aws s3control delete-access-point --account-id <account-id> --name <old-name>",
		WellArchitected: []string{"SEC03", "SEC08"},
		Check: func(in *control.Input) {
			st := in.Account.S3
			if st == nil {
				return
			}
			var failed []string
			for k := range st.Errors {
				if strings.HasPrefix(k, s3snap.DetailAccessPoints) {
					failed = append(failed, k)
				}
			}
			sort.Strings(failed)
			for _, k := range failed {
				region := strings.TrimPrefix(k, s3snap.DetailAccessPoints)
				in.Error(in.Account.Meta(region), "access points of %s could not be listed: %s", region, st.Errors[k])
			}
			for i := range st.AccessPoints {
				ap := &st.AccessPoints[i]
				m := snapshot.Meta{ARN: ap.ARN, Type: typeAccessPoint, Name: ap.Name, Account: in.Account.ID, Region: ap.Region}
				if e, ok := ap.Err(s3snap.DetailPublicAccessBlock); ok {
					in.Error(m, "access point Block Public Access could not be read: %s", e)
					continue
				}
				if ap.PublicAccessBlock.All() {
					in.Pass(m, "all four Block Public Access settings are on (bucket %s)", ap.Bucket)
				} else {
					in.Fail(m, "Block Public Access settings off: %s (bucket %s)", strings.Join(ap.PublicAccessBlock.Off(), ", "), ap.Bucket)
				}
			}
		},
	}
}
