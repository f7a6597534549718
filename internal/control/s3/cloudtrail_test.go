package s3_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
	s3snap "github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

const (
	mgmt       = "111111111111"
	logArchive = "333333333333"
	member     = "555555555501"
	orgTrail   = "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"
	localTrail = "arn:aws:cloudtrail:us-east-1:555555555501:trail/dev-trail"
)

var regions = []string{"us-east-1", "eu-west-1"}

// org builds a management account with an organization trail (shown in
// every region, and in the member), a member with its own trail to its
// own bucket, and a log archive holding the organization trail's bucket.
type org struct {
	mgmt, archive, member *snapshot.Account
	archiveBucket         *s3snap.Bucket
	memberBucket          *s3snap.Bucket
}

func newOrg() *org {
	acct := func(id string) *snapshot.Account {
		a := controltest.Account(regions...)
		a.ID, a.Name = id, id
		return a
	}
	o := &org{mgmt: acct(mgmt), archive: acct(logArchive), member: acct(member)}
	trail := cloudtrail.Trail{ARN: orgTrail, Name: "org-trail", S3BucketName: "org-log-archive"}
	for _, r := range regions {
		o.mgmt.Regions[r].CloudTrail = &cloudtrail.CloudTrail{Trails: []cloudtrail.Trail{trail}}
		o.member.Regions[r].CloudTrail = &cloudtrail.CloudTrail{Trails: []cloudtrail.Trail{trail}}
	}
	o.member.Regions["us-east-1"].CloudTrail.Trails = append(o.member.Regions["us-east-1"].CloudTrail.Trails,
		cloudtrail.Trail{ARN: localTrail, Name: "dev-trail", S3BucketName: "dev-trail-bucket"})

	o.mgmt.S3 = &s3snap.S3{PublicAccessBlock: allBPA}
	o.archive.S3 = &s3snap.S3{PublicAccessBlock: allBPA, Buckets: []s3snap.Bucket{
		{Name: "access-logs", ARN: "arn:aws:s3:::access-logs", Region: "us-east-1", ACL: ownerACL},
		{Name: "org-log-archive", ARN: "arn:aws:s3:::org-log-archive", Region: "us-east-1", ACL: ownerACL,
			PublicAccessBlock: allBPA, Logging: &s3snap.Logging{TargetBucket: "access-logs"}},
	}}
	o.member.S3 = &s3snap.S3{Buckets: []s3snap.Bucket{
		{Name: "dev-trail-bucket", ARN: "arn:aws:s3:::dev-trail-bucket", Region: "us-east-1", ACL: ownerACL},
	}}
	o.archiveBucket = &o.archive.S3.Buckets[1]
	o.memberBucket = &o.member.S3.Buckets[0]
	return o
}

func (o *org) eval(t *testing.T, id string, accounts ...*snapshot.Account) (map[string]control.Status, []control.Result) {
	t.Helper()
	if len(accounts) == 0 {
		accounts = []*snapshot.Account{o.mgmt, o.archive, o.member}
	}
	rs := controltest.Eval(get(t, id), controltest.Snapshot(accounts...))
	return controltest.Statuses(t, rs), rs
}

func reasonOf(rs []control.Result, arn string) string {
	for _, r := range rs {
		if r.Resource.ARN == arn {
			return r.Reason
		}
	}
	return ""
}

func TestTrailBucketNotPublic(t *testing.T) {
	o := newOrg()
	got, rs := o.eval(t, "CloudTrail.6")
	// Each trail once, in its owner's account: the organization trail is
	// not judged again in the member, nor in every region.
	if len(rs) != 2 || got[orgTrail] != control.Passed || got[localTrail] != control.Passed {
		t.Fatalf("results = %+v", rs)
	}
	for _, r := range rs {
		want := map[string]string{orgTrail: mgmt, localTrail: member}[r.Resource.ARN]
		if r.Resource.Account != want || r.Resource.Region != "us-east-1" || r.Resource.Type != "AwsCloudTrailTrail" {
			t.Errorf("resource = %+v", r.Resource)
		}
	}
	if r := reasonOf(rs, orgTrail); !strings.Contains(r, "org-log-archive (account 333333333333)") {
		t.Errorf("reason = %q", r)
	}

	// The member's bucket readable by any AWS user, no BPA anywhere.
	o.memberBucket.ACL = aclWith(group(s3snap.AuthenticatedUsers, "READ"))
	o.memberBucket.Ownership = "ObjectWriter"
	got, rs = o.eval(t, "CloudTrail.6")
	if got[localTrail] != control.Failed || !strings.Contains(reasonOf(rs, localTrail), "AuthenticatedUsers") {
		t.Errorf("public member bucket: %v %q", got, reasonOf(rs, localTrail))
	}
	// A public policy on the log archive bucket, neutralized by its BPA.
	o.archiveBucket.Policy = policy(t, allow(`"*"`, `"s3:GetObject"`, ""))
	if got, _ = o.eval(t, "CloudTrail.6"); got[orgTrail] != control.Passed {
		t.Errorf("neutralized public policy: %v", got)
	}
	o.archiveBucket.PublicAccessBlock = nil
	o.archive.S3.PublicAccessBlock = nil
	if got, _ = o.eval(t, "CloudTrail.6"); got[orgTrail] != control.Failed {
		t.Errorf("public log archive: %v", got)
	}
	// The owner account's BPA could not be read: it cannot be decided.
	o.archive.S3.Errors = errs(s3snap.DetailPublicAccessBlock)
	if got, _ = o.eval(t, "CloudTrail.6"); got[orgTrail] != control.Error {
		t.Errorf("unknown account BPA: %v", got)
	}
}

func TestTrailBucketLogging(t *testing.T) {
	o := newOrg()
	got, rs := o.eval(t, "CloudTrail.7")
	if len(rs) != 2 || got[orgTrail] != control.Passed || got[localTrail] != control.Failed {
		t.Fatalf("results = %+v", rs)
	}
	if r := reasonOf(rs, localTrail); !strings.Contains(r, "disabled on the trail's bucket dev-trail-bucket") {
		t.Errorf("reason = %q", r)
	}
	o.archiveBucket.Errors = errs(s3snap.DetailLogging)
	if got, _ = o.eval(t, "CloudTrail.7"); got[orgTrail] != control.Error {
		t.Errorf("unread logging: %v", got)
	}
}

// A bucket that is in no collected account is ERROR, never a pass.
func TestTrailBucketNotExamined(t *testing.T) {
	for _, id := range []string{"CloudTrail.6", "CloudTrail.7"} {
		o := newOrg()
		// The log archive is outside the scan.
		got, rs := o.eval(t, id, o.mgmt, o.member)
		if got[orgTrail] != control.Error || !strings.Contains(reasonOf(rs, orgTrail), "org-log-archive could not be examined") {
			t.Errorf("%s, log archive not scanned: %v %q", id, got, reasonOf(rs, orgTrail))
		}
		// The log archive's S3 state has a gap (its collector failed).
		o.archive.S3 = nil
		s := controltest.Snapshot(o.mgmt, o.archive, o.member)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: logArchive, Collector: "s3"}, Class: "access denied", Reason: "denied"})
		got = controltest.Statuses(t, controltest.Eval(get(t, id), s))
		if got[orgTrail] != control.Error {
			t.Errorf("%s, log archive S3 gap: %v", id, got)
		}
		// The bucket's region could not be read.
		o = newOrg()
		o.archiveBucket.Errors = errs(s3snap.DetailLocation)
		if got, _ = o.eval(t, id); got[orgTrail] != control.Error {
			t.Errorf("%s, bucket region unread: %v", id, got)
		}
	}
}

func TestTrailGapsAndEdges(t *testing.T) {
	o := newOrg()
	// The management account's eu-west-1 trails were not collected: ERROR
	// there; the trail is still judged from us-east-1.
	s := controltest.Snapshot(o.mgmt, o.archive, o.member)
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: mgmt, Region: "eu-west-1", Collector: "cloudtrail"}, Class: "throttled", Reason: "describe trails: Throttling"})
	rs := controltest.Eval(get(t, "CloudTrail.6"), s)
	got := controltest.Statuses(t, rs)
	if got["AWS::::Account:"+mgmt+"@eu-west-1"] != control.Error || got[orgTrail] != control.Passed {
		t.Errorf("regional gap: %v", got)
	}
	// A trail without a bucket is not applicable; an account with no
	// trail (CloudTrail not collected there) yields nothing.
	o = newOrg()
	o.member.Regions["us-east-1"].CloudTrail.Trails[1].S3BucketName = ""
	o.mgmt.Regions["eu-west-1"].CloudTrail = nil
	got, rs = o.eval(t, "CloudTrail.7")
	if got[localTrail] != control.NotApplicable || len(rs) != 2 {
		t.Errorf("trail without bucket: %+v", rs)
	}
}
