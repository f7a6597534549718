package s3_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	s3collect "github.com/guardrail-sec/guardrail/internal/collect/s3"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	s3snap "github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

// Demo accounts (internal/sim/demo/data/org.yaml) and their profiles.
const (
	logArchive = "333333333333" // hardened
	paymentsDv = "555555555501" // weak, named payments-dev
	sandbox    = "666666666601" // neglected, named sandbox-alice
	management = "111111111111"
	home       = "us-east-1"
)

func start(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

func collectS3(t *testing.T, s *simtest.Sim, account string) *s3snap.S3 {
	t.Helper()
	a, err := collecttest.Run(t, s3collect.Collector(), s.Config(t, account, home), account, home, simtest.Now)
	if err != nil {
		t.Fatalf("collect %s: %v", account, err)
	}
	if a.S3 == nil {
		t.Fatalf("collect %s: no S3 state", account)
	}
	return a.S3
}

func bucket(t *testing.T, st *s3snap.S3, name string) *s3snap.Bucket {
	t.Helper()
	b := st.Bucket(name)
	if b == nil {
		var names []string
		for _, b := range st.Buckets {
			names = append(names, b.Name)
		}
		t.Fatalf("no bucket %s; have %v", name, names)
	}
	return b
}

func TestHardened(t *testing.T) {
	s := start(t)
	st := collectS3(t, s, logArchive)

	if !st.PublicAccessBlock.All() || len(st.Errors) != 0 {
		t.Errorf("account BPA = %+v, errors %v", st.PublicAccessBlock, st.Errors)
	}
	if len(st.Buckets) != 3 {
		t.Errorf("buckets = %d, want 3", len(st.Buckets))
	}
	b := bucket(t, st, "org-log-archive-"+logArchive)
	if len(b.Errors) != 0 {
		t.Fatalf("errors: %v", b.Errors)
	}
	if b.ARN != "arn:aws:s3:::org-log-archive-"+logArchive || b.Region != home || b.Created.IsZero() {
		t.Errorf("identity = %s %s %v", b.ARN, b.Region, b.Created)
	}
	if !b.PublicAccessBlock.All() || b.Ownership != "BucketOwnerEnforced" {
		t.Errorf("BPA %+v, ownership %q", b.PublicAccessBlock, b.Ownership)
	}
	if e := b.Encryption; e == nil || e.Algorithm != "aws:kms" || !strings.HasSuffix(e.KMSKeyID, ":alias/log-archive") || !e.BucketKeyEnabled {
		t.Errorf("encryption = %+v", e)
	}
	if b.Versioning != "Enabled" || b.MFADelete != "Enabled" {
		t.Errorf("versioning %q, MFA delete %q", b.Versioning, b.MFADelete)
	}
	if l := b.Logging; l == nil || l.TargetBucket != "s3-access-logs-"+logArchive+"-us-east-1" || l.TargetPrefix != "org-log-archive/" {
		t.Errorf("logging = %+v", l)
	}
	if b.Tags["purpose"] != "log-archive" {
		t.Errorf("tags = %v", b.Tags)
	}
	if b.PolicyPublic == nil || *b.PolicyPublic {
		t.Errorf("policy public = %v", b.PolicyPublic)
	}
	p := b.Policy
	if p == nil || len(p.Statements) != 5 {
		t.Fatalf("policy = %+v", p)
	}
	deny := p.Statements[0]
	if deny.Sid != "DenyInsecureTransport" || deny.Effect != "Deny" || deny.Principals[0] != (s3snap.Principal{Type: "*", ID: "*"}) ||
		len(deny.Conditions) != 1 || !reflect.DeepEqual(deny.Conditions[0], s3snap.Condition{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"false"}}) ||
		len(deny.Resources) != 2 {
		t.Errorf("deny statement = %+v", deny)
	}
	if c := p.Statements[1].Conditions; len(c) != 1 || c[0].Key != "aws:SourceOrgID" || c[0].Values[0] != "o-gr7demo0rg" {
		t.Errorf("CloudTrail statement conditions = %+v", c)
	}
	if a := b.ACL; a == nil || len(a.Grants) != 1 || a.Grants[0].ID != a.Owner || a.Grants[0].Permission != "FULL_CONTROL" {
		t.Errorf("ACL = %+v", a)
	}
	if access := bucket(t, st, "s3-access-logs-"+logArchive+"-us-east-1"); access.MFADelete != "" || access.Encryption.Algorithm != "AES256" {
		t.Errorf("access-log bucket: MFA delete %q, encryption %+v", access.MFADelete, access.Encryption)
	}
	if l := b.Lifecycle; len(l) != 1 || l[0].ID != "archive-then-expire" || !l[0].Enabled {
		t.Errorf("lifecycle = %+v", l)
	}
	if art := bucket(t, st, "security-artifacts-"+logArchive); art.Lifecycle != nil || len(art.Errors) != 0 {
		t.Errorf("bucket without a lifecycle configuration: lifecycle %+v, errors %v", art.Lifecycle, art.Errors)
	}

	// The VPC-only access point in the home region.
	if len(st.AccessPoints) != 1 {
		t.Fatalf("access points = %+v", st.AccessPoints)
	}
	ap := st.AccessPoints[0]
	if ap.Name != "security-tooling-read" || ap.Region != home || ap.Bucket != "security-artifacts-"+logArchive ||
		ap.NetworkOrigin != "VPC" || ap.VpcID == "" || !ap.PublicAccessBlock.All() || len(ap.Errors) != 0 ||
		ap.ARN != "arn:aws:s3:us-east-1:"+logArchive+":accesspoint/security-tooling-read" {
		t.Errorf("access point = %+v", ap)
	}
	if !contains(st.AccessPointRegions, home) {
		t.Errorf("access point regions = %v", st.AccessPointRegions)
	}
}

func TestWeak(t *testing.T) {
	s := start(t)
	st := collectS3(t, s, paymentsDv)

	if st.PublicAccessBlock != nil || len(st.Errors) != 0 {
		t.Errorf("account BPA = %+v (want none), errors %v", st.PublicAccessBlock, st.Errors)
	}
	for _, b := range st.Buckets {
		if len(b.Errors) != 0 {
			t.Errorf("%s: errors %v", b.Name, b.Errors)
		}
		if b.PublicAccessBlock != nil {
			t.Errorf("%s: bucket BPA %+v, want none", b.Name, b.PublicAccessBlock)
		}
	}
	site := bucket(t, st, "payments-dev-static-site-"+paymentsDv)
	if site.Ownership != "ObjectWriter" || site.Policy != nil || site.PolicyPublic != nil {
		t.Errorf("static site: ownership %q, policy %+v", site.Ownership, site.Policy)
	}
	if !hasGrant(site.ACL, s3snap.AllUsers, "READ") {
		t.Errorf("static site ACL = %+v, want AllUsers READ", site.ACL)
	}
	if trail := bucket(t, st, "cloudtrail-"+paymentsDv); !hasGrant(trail.ACL, s3snap.AuthenticatedUsers, "READ") || trail.Versioning != "Suspended" {
		t.Errorf("trail bucket ACL %+v, versioning %q", trail.ACL, trail.Versioning)
	}
	scratch := bucket(t, st, "payments-dev-scratch-"+paymentsDv)
	if scratch.Encryption != nil || scratch.Versioning != "" || scratch.Logging != nil || scratch.Ownership != "" || scratch.Tags != nil {
		t.Errorf("scratch = %+v, want nothing configured", scratch)
	}
	// A bucket in another region is read there (S3 redirects otherwise).
	ci := bucket(t, st, "payments-dev-ci-artifacts-"+paymentsDv)
	if ci.Region != "us-west-2" || ci.Versioning != "Suspended" || ci.Policy == nil {
		t.Fatalf("ci artifacts = %+v", ci)
	}
	if pr := ci.Policy.Statements[1].Principals; len(pr) != 1 || pr[0] != (s3snap.Principal{Type: "AWS", ID: "arn:aws:iam::" + management + ":root"}) {
		t.Errorf("ci artifacts principals = %+v", pr)
	}
	if a := ci.Policy.Statements[1].Actions; len(a) != 2 || a[1] != "s3:PutObjectAcl" {
		t.Errorf("ci artifacts actions = %v", a)
	}
	// The access point next to the bucket, in us-west-2.
	if len(st.AccessPoints) != 1 {
		t.Fatalf("access points = %+v", st.AccessPoints)
	}
	ap := st.AccessPoints[0]
	if ap.Name != "ci-downloads" || ap.Region != "us-west-2" || ap.NetworkOrigin != "Internet" || ap.PublicAccessBlock == nil ||
		ap.PublicAccessBlock.BlockPublicPolicy || !ap.PublicAccessBlock.BlockPublicACLs {
		t.Errorf("access point = %+v (BPA %+v)", ap, ap.PublicAccessBlock)
	}
}

func TestNeglected(t *testing.T) {
	s := start(t)
	st := collectS3(t, s, sandbox)
	share := bucket(t, st, "sandbox-alice-public-share-"+sandbox)
	if share.PolicyPublic == nil || !*share.PolicyPublic {
		t.Errorf("public share policy status = %v", share.PolicyPublic)
	}
	if share.Encryption != nil || share.Tags["owner"] != "unknown" {
		t.Errorf("public share = %+v", share)
	}
	up := bucket(t, st, "sandbox-alice-uploads-"+sandbox)
	if up.Region != "eu-central-1" || !hasGrant(up.ACL, s3snap.AllUsers, "WRITE") {
		t.Errorf("uploads: region %s, ACL %+v", up.Region, up.ACL)
	}
	if len(st.AccessPoints) != 0 {
		t.Errorf("access points = %+v", st.AccessPoints)
	}
}

func TestListDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: logArchive, Service: "s3", Action: "ListBuckets"}}})
	a, err := collecttest.Run(t, s3collect.Collector(), s.Config(t, logArchive, home), logArchive, home, simtest.Now)
	if err == nil || !strings.Contains(err.Error(), "list buckets") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("err = %v, want a list buckets AccessDenied", err)
	}
	if a.S3 != nil {
		t.Errorf("S3 state set despite the failure: %+v", a.S3)
	}
}

// A detail denied for some buckets is recorded on them; the rest goes on.
func TestDetailDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{
		{Account: paymentsDv, Region: "us-west-2", Service: "s3", Action: "GetBucketPolicy"},
		{Account: paymentsDv, Service: "s3", Action: "GetBucketEncryption"},
		{Account: paymentsDv, Service: "s3", Action: "GetBucketLifecycleConfiguration"},
	}})
	st := collectS3(t, s, paymentsDv)
	ci := bucket(t, st, "payments-dev-ci-artifacts-"+paymentsDv)
	if e, ok := ci.Err(s3snap.DetailPolicy); !ok || !strings.HasPrefix(e, "AccessDenied") || ci.Policy != nil {
		t.Errorf("ci artifacts policy error %q, policy %+v", e, ci.Policy)
	}
	if ci.Versioning != "Suspended" {
		t.Errorf("ci artifacts versioning = %q: other details must still be read", ci.Versioning)
	}
	trail := bucket(t, st, "cloudtrail-"+paymentsDv)
	if _, ok := trail.Err(s3snap.DetailPolicy); ok || trail.Policy == nil {
		t.Errorf("trail bucket policy: errors %v (only us-west-2 is denied)", trail.Errors)
	}
	for _, b := range st.Buckets {
		if _, ok := b.Err(s3snap.DetailEncryption); !ok || b.Encryption != nil {
			t.Errorf("%s: encryption error missing (%v), encryption %+v", b.Name, b.Errors, b.Encryption)
		}
		if e, ok := b.Err(s3snap.DetailLifecycle); !ok || !strings.HasPrefix(e, "AccessDenied") || b.Lifecycle != nil {
			t.Errorf("%s: lifecycle error missing (%v), lifecycle %+v", b.Name, b.Errors, b.Lifecycle)
		}
	}
}

// The account setting and the access point list failing are recorded on
// the S3 state, not as a failure of the collector.
func TestAccountDetailsDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{
		{Account: paymentsDv, Service: "s3", Action: "GetPublicAccessBlock"},
		// S3 Control is global in the simulator: the rule cannot name a region.
		{Account: paymentsDv, Service: "s3", Action: "ListAccessPoints"},
	}})
	st := collectS3(t, s, paymentsDv)
	if e, ok := st.Err(s3snap.DetailPublicAccessBlock); !ok || !strings.HasPrefix(e, "AccessDenied") || st.PublicAccessBlock != nil {
		t.Errorf("account BPA error %q, BPA %+v", e, st.PublicAccessBlock)
	}
	for _, r := range []string{home, "us-west-2"} {
		if _, ok := st.Err(s3snap.DetailAccessPoints + r); !ok {
			t.Errorf("errors = %v, want the %s access point list", st.Errors, r)
		}
	}
	if len(st.AccessPointRegions) != 0 || len(st.AccessPoints) != 0 {
		t.Errorf("access point regions %v, access points %+v", st.AccessPointRegions, st.AccessPoints)
	}
	// Bucket-level BPA uses the same operation name: recorded per bucket.
	if _, ok := bucket(t, st, "cloudtrail-"+paymentsDv).Err(s3snap.DetailPublicAccessBlock); !ok {
		t.Errorf("bucket BPA error not recorded")
	}
}

func TestActionsAreDeclaredOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range s3collect.Collector().Actions {
		if seen[a] || !strings.HasPrefix(a, "s3:") {
			t.Errorf("action %q duplicated or not an s3 action", a)
		}
		seen[a] = true
	}
}

func hasGrant(a *s3snap.ACL, uri, perm string) bool {
	if a == nil {
		return false
	}
	for _, g := range a.Grants {
		if g.URI == uri && g.Permission == perm && g.Type == s3snap.GranteeGroup {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
