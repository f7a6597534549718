package s3

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
	s3snap "github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

// The CloudTrail bucket controls judge each trail once, in the account
// that owns it: a multi-region trail shows in every region's
// DescribeTrails, and an organization trail in every member account, all
// with the same ARN. The bucket a trail delivers to is looked up by name
// in every account of the snapshot (an organization trail delivers to the
// log archive account); a bucket in no collected account cannot be judged,
// which is an ERROR, never a pass.

func trailBucketNotPublic() *control.Control {
	return &control.Control{
		ID:           "CloudTrail.6",
		Title:        "Ensure the S3 bucket used to store CloudTrail logs is not publicly accessible",
		Service:      "CloudTrail",
		Severity:     control.Critical,
		ResourceType: typeTrail,
		Global:       true,
		Needs:        []string{"cloudtrail", "s3"},
		Rationale: "CloudTrail logs describe every API call in the account; a public log bucket shows an attacker " +
			"how the account is used and where it is weak, and may let them tamper with the evidence.",
		Remediation: "In the account owning the trail's bucket: Console: S3 > bucket > Permissions: remove policy statements " +
			"allowing Principal \"*\" and ACL grants to Everyone or Authenticated users, and turn on Block Public Access.\n" +
			"CLI: aws s3api put-public-access-block --bucket <trail-bucket> --public-access-block-configuration " + cliBPA,
		WellArchitected: []string{"SEC04", "SEC03"},
		Check: func(in *control.Input) {
			eachTrail(in, func(m snapshot.Meta, owner *snapshot.Account, b *s3snap.Bucket) {
				x := exposed(b, owner.S3, famAny)
				switch {
				case x.public:
					in.Fail(m, "the trail's bucket %s (account %s) is publicly accessible: %s", b.Name, owner.ID, strings.Join(x.why, "; "))
				case x.unknown:
					in.Error(m, "whether the trail's bucket %s (account %s) is public could not be assessed: %s", b.Name, owner.ID, strings.Join(x.why, "; "))
				default:
					in.Pass(m, "the trail's bucket %s (account %s) is not publicly accessible", b.Name, owner.ID)
				}
			})
		},
	}
}

func trailBucketLogging() *control.Control {
	return &control.Control{
		ID:           "CloudTrail.7",
		Title:        "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket",
		Service:      "CloudTrail",
		Severity:     control.Low,
		ResourceType: typeTrail,
		Global:       true,
		Needs:        []string{"cloudtrail", "s3"},
		Rationale: "Access logs of the CloudTrail bucket show who read, changed or deleted the audit logs, " +
			"which an investigation needs when the logs themselves may have been tampered with.",
		Remediation: "In the account owning the trail's bucket: Console: S3 > bucket > Properties > Server access logging > Edit, " +
			"enable it with a target bucket in the same region.\n" +
			"CLI: aws s3api put-bucket-logging --bucket <trail-bucket> --bucket-logging-status " +
			"'{\"LoggingEnabled\":{\"TargetBucket\":\"<log-bucket>\",\"TargetPrefix\":\"<trail-bucket>/\"}}'",
		WellArchitected: []string{"SEC04"},
		Check: func(in *control.Input) {
			eachTrail(in, func(m snapshot.Meta, owner *snapshot.Account, b *s3snap.Bucket) {
				if e, ok := b.Err(s3snap.DetailLogging); ok {
					in.Error(m, "access logging of the trail's bucket %s (account %s) could not be read: %s", b.Name, owner.ID, e)
				} else if b.Logging == nil {
					in.Fail(m, "server access logging is disabled on the trail's bucket %s (account %s)", b.Name, owner.ID)
				} else {
					in.Pass(m, "the trail's bucket %s (account %s) logs access to %s", b.Name, owner.ID, logTarget(b.Logging))
				}
			})
		},
	}
}

// eachTrail calls f once for every trail the account owns, with the bucket
// it delivers to and the account owning that bucket. Regions whose trails
// were not collected, and trails whose bucket cannot be examined, are
// reported as ERROR.
func eachTrail(in *control.Input, f func(m snapshot.Meta, owner *snapshot.Account, b *s3snap.Bucket)) {
	seen := map[string]bool{}
	for _, region := range in.Account.RegionNames() {
		if g, ok := in.Gap("cloudtrail", region); ok {
			in.Error(in.Account.Meta(region), "cloudtrail not collected in %s: %s", region, g.Reason)
			continue
		}
		r := in.Account.Regions[region]
		if r == nil || r.CloudTrail == nil {
			continue
		}
		for _, tr := range r.CloudTrail.Trails {
			m := trailMeta(tr, in.Account.ID, region)
			if m.Account != in.Account.ID || seen[m.ARN] {
				continue // judged in its own account, or already judged
			}
			seen[m.ARN] = true
			if tr.S3BucketName == "" {
				in.NotApplicable(m, "the trail delivers to no S3 bucket")
				continue
			}
			owner, b := findBucket(in.Snapshot, tr.S3BucketName)
			if b == nil {
				in.Error(m, "the trail's bucket %s could not be examined: it is in no account whose S3 state was collected", tr.S3BucketName)
			} else if e, ok := b.Err(s3snap.DetailLocation); ok {
				in.Error(m, "the trail's bucket %s (account %s) could not be read: %s", b.Name, owner.ID, e)
			} else {
				f(m, owner, b)
			}
		}
	}
}

// trailMeta is a trail as a resource: its ARN names its home region and
// owner (arn:aws:cloudtrail:us-east-1:111122223333:trail/name).
func trailMeta(tr cloudtrail.Trail, account, region string) snapshot.Meta {
	m := snapshot.Meta{ARN: tr.ARN, Type: typeTrail, Name: tr.Name, Account: account, Region: region}
	if f := strings.SplitN(tr.ARN, ":", 6); len(f) == 6 && f[0] == "arn" {
		if f[3] != "" {
			m.Region = f[3]
		}
		if f[4] != "" {
			m.Account = f[4]
		}
	}
	if m.ARN == "" {
		m.ARN = "arn:aws:cloudtrail:" + region + ":" + account + ":trail/" + tr.Name
	}
	return m
}

// findBucket returns the bucket called name and its account, searching
// every account of s whose S3 state was collected.
func findBucket(s *snapshot.Snapshot, name string) (*snapshot.Account, *s3snap.Bucket) {
	for _, a := range s.Accounts {
		if a.S3 == nil {
			continue
		}
		if b := a.S3.Bucket(name); b != nil {
			return a, b
		}
	}
	return nil, nil
}
