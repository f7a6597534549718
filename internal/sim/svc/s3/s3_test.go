package s3_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	s3sdk "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"go.yaml.in/yaml/v4"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/svc/s3"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

var ctx = context.Background()

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func status(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func wantErr(t *testing.T, what string, err error, code string, st int) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: want %s (%d), got success", what, code, st)
	}
	if got := apiCode(err); got != code || status(err) != st {
		t.Fatalf("%s: want %s (%d), got %s (%d): %v", what, code, st, got, status(err), err)
	}
}

func must[T any](t *testing.T, what string) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

// seeded returns a world where the member owns two old buckets (no
// encryption, no PAB) and the management account owns one.
func seeded() *world.World {
	w := simtest.NewWorld()
	old := time.Date(2019, 5, 1, 0, 0, 0, 0, time.UTC)
	w.Accounts[simtest.Member].S3.Buckets = []*world.Bucket{
		{Name: "member-logs", Region: "us-east-1", Created: old},
		{Name: "member-eu", Region: "eu-west-1", Created: old, Versioning: "Enabled"},
	}
	w.Accounts[simtest.Management].S3.Buckets = []*world.Bucket{{Name: "mgmt-private", Region: "us-east-1", Created: old}}
	world.RegisterBuckets(w)
	return w
}

// recorder remembers the hosts and paths the client sent requests to.
type recorder struct {
	next  aws.HTTPClient
	hosts []string
	paths []string
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	r.hosts = append(r.hosts, req.URL.Host)
	r.paths = append(r.paths, req.URL.Path)
	return r.next.Do(req)
}

// clients returns path-style and virtual-hosted S3 clients for account in
// region. The virtual-hosted one reaches the simulator as localhost: the
// SDK addresses buckets path-style whenever the endpoint is an IP address.
func clients(t *testing.T, s *simtest.Sim, account, region string) map[string]*s3sdk.Client {
	path := s3sdk.NewFromConfig(s.Config(t, account, region), func(o *s3sdk.Options) { o.UsePathStyle = true })
	cfg, err := awsx.Load(ctx, awsx.Options{
		Region:          region,
		EndpointURL:     strings.Replace(s.URL, "127.0.0.1", "localhost", 1),
		AccessKeyID:     world.RootKey(account),
		SecretAccessKey: world.RootSecret(account),
		MaxAttempts:     1,
		RetryMode:       "standard",
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{next: cfg.HTTPClient}
	cfg.HTTPClient = rec
	virtual := s3sdk.NewFromConfig(cfg)
	t.Cleanup(func() {
		for _, h := range rec.hosts {
			if !strings.Contains(h, ".localhost:") && h != strings.TrimPrefix(strings.Replace(s.URL, "127.0.0.1", "localhost", 1), "http://") {
				t.Errorf("virtual-hosted client sent a request to host %q", h)
			}
		}
		virtualSeen := false
		for _, h := range rec.hosts {
			virtualSeen = virtualSeen || strings.Contains(h, ".localhost:")
		}
		if len(rec.hosts) > 0 && !virtualSeen {
			t.Errorf("virtual-hosted client never addressed a bucket by host: %v", rec.hosts)
		}
	})
	return map[string]*s3sdk.Client{"path": path, "virtual": virtual}
}

func TestBucketLifecycleBothStyles(t *testing.T) {
	s := simtest.Start(t, seeded())
	for style, c := range clients(t, s, simtest.Member, "eu-west-1") {
		t.Run(style, func(t *testing.T) {
			name := "new-" + style + "-bucket"
			out := must[*s3sdk.CreateBucketOutput](t, "create")(c.CreateBucket(ctx, &s3sdk.CreateBucketInput{
				Bucket:                    aws.String(name),
				CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1},
			}))
			if aws.ToString(out.Location) == "" {
				t.Errorf("CreateBucket Location empty")
			}
			hb := must[*s3sdk.HeadBucketOutput](t, "head")(c.HeadBucket(ctx, &s3sdk.HeadBucketInput{Bucket: aws.String(name)}))
			if aws.ToString(hb.BucketRegion) != "eu-west-1" {
				t.Errorf("HeadBucket region = %q", aws.ToString(hb.BucketRegion))
			}
			loc := must[*s3sdk.GetBucketLocationOutput](t, "location")(c.GetBucketLocation(ctx, &s3sdk.GetBucketLocationInput{Bucket: aws.String(name)}))
			if loc.LocationConstraint != types.BucketLocationConstraintEuWest1 {
				t.Errorf("location = %q", loc.LocationConstraint)
			}
			// New buckets: SSE-S3, all of Block Public Access, BucketOwnerEnforced.
			enc := must[*s3sdk.GetBucketEncryptionOutput](t, "encryption")(c.GetBucketEncryption(ctx, &s3sdk.GetBucketEncryptionInput{Bucket: aws.String(name)}))
			if r := enc.ServerSideEncryptionConfiguration.Rules; len(r) != 1 || r[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != types.ServerSideEncryptionAes256 {
				t.Errorf("default encryption = %+v", r)
			}
			pab := must[*s3sdk.GetPublicAccessBlockOutput](t, "pab")(c.GetPublicAccessBlock(ctx, &s3sdk.GetPublicAccessBlockInput{Bucket: aws.String(name)}))
			if p := pab.PublicAccessBlockConfiguration; !aws.ToBool(p.BlockPublicAcls) || !aws.ToBool(p.RestrictPublicBuckets) {
				t.Errorf("default PAB = %+v", p)
			}
			oc := must[*s3sdk.GetBucketOwnershipControlsOutput](t, "ownership")(c.GetBucketOwnershipControls(ctx, &s3sdk.GetBucketOwnershipControlsInput{Bucket: aws.String(name)}))
			if oc.OwnershipControls.Rules[0].ObjectOwnership != types.ObjectOwnershipBucketOwnerEnforced {
				t.Errorf("ownership = %+v", oc.OwnershipControls.Rules)
			}

			// Objects.
			for _, k := range []string{"AWSLogs/1/a.json", "AWSLogs/1/b.json", "AWSLogs/2/c.json", "top.txt"} {
				po := must[*s3sdk.PutObjectOutput](t, "put")(c.PutObject(ctx, &s3sdk.PutObjectInput{Bucket: aws.String(name), Key: aws.String(k), Body: strings.NewReader("body of " + k)}))
				if aws.ToString(po.ETag) == "" || po.ServerSideEncryption != types.ServerSideEncryptionAes256 {
					t.Errorf("PutObject = etag %q sse %q", aws.ToString(po.ETag), po.ServerSideEncryption)
				}
			}
			g := must[*s3sdk.GetObjectOutput](t, "get")(c.GetObject(ctx, &s3sdk.GetObjectInput{Bucket: aws.String(name), Key: aws.String("AWSLogs/2/c.json")}))
			body, _ := io.ReadAll(g.Body)
			g.Body.Close()
			if string(body) != "body of AWSLogs/2/c.json" {
				t.Errorf("GetObject body = %q", body)
			}
			_, err := c.GetObject(ctx, &s3sdk.GetObjectInput{Bucket: aws.String(name), Key: aws.String("missing")})
			var nsk *types.NoSuchKey
			if !errors.As(err, &nsk) {
				t.Errorf("GetObject missing: %v", err)
			}
			_, err = c.HeadObject(ctx, &s3sdk.HeadObjectInput{Bucket: aws.String(name), Key: aws.String("missing")})
			wantErr(t, "HeadObject missing", err, "NotFound", 404)
			ho := must[*s3sdk.HeadObjectOutput](t, "head object")(c.HeadObject(ctx, &s3sdk.HeadObjectInput{Bucket: aws.String(name), Key: aws.String("top.txt")}))
			if aws.ToInt64(ho.ContentLength) != int64(len("body of top.txt")) {
				t.Errorf("HeadObject length = %d", aws.ToInt64(ho.ContentLength))
			}

			// Paginate one key at a time with a delimiter.
			var keys []string
			p := s3sdk.NewListObjectsV2Paginator(c, &s3sdk.ListObjectsV2Input{Bucket: aws.String(name), Prefix: aws.String("AWSLogs/"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(1)})
			pages := 0
			for p.HasMorePages() {
				pg := must[*s3sdk.ListObjectsV2Output](t, "list")(p.NextPage(ctx))
				pages++
				for _, cp := range pg.CommonPrefixes {
					keys = append(keys, aws.ToString(cp.Prefix))
				}
				for _, o := range pg.Contents {
					keys = append(keys, aws.ToString(o.Key))
				}
			}
			if strings.Join(keys, ",") != "AWSLogs/1/,AWSLogs/2/" || pages != 2 {
				t.Errorf("prefixes = %v in %d pages", keys, pages)
			}
			all := must[*s3sdk.ListObjectsV2Output](t, "list all")(c.ListObjectsV2(ctx, &s3sdk.ListObjectsV2Input{Bucket: aws.String(name)}))
			if aws.ToInt32(all.KeyCount) != 4 || aws.ToBool(all.IsTruncated) {
				t.Errorf("list all = %d keys truncated %v", aws.ToInt32(all.KeyCount), aws.ToBool(all.IsTruncated))
			}
			_, err = c.ListObjectsV2(ctx, &s3sdk.ListObjectsV2Input{Bucket: aws.String(name), ContinuationToken: aws.String("bogus")})
			wantErr(t, "bad continuation token", err, "InvalidArgument", 400)
			v1 := must[*s3sdk.ListObjectsOutput](t, "list v1")(c.ListObjects(ctx, &s3sdk.ListObjectsInput{Bucket: aws.String(name), Delimiter: aws.String("/")}))
			if len(v1.Contents) != 1 || len(v1.CommonPrefixes) != 1 {
				t.Errorf("ListObjects = %d contents %d prefixes", len(v1.Contents), len(v1.CommonPrefixes))
			}

			_, err = c.DeleteBucket(ctx, &s3sdk.DeleteBucketInput{Bucket: aws.String(name)})
			wantErr(t, "delete non-empty", err, "BucketNotEmpty", 409)
			for _, k := range []string{"AWSLogs/1/a.json", "AWSLogs/1/b.json", "AWSLogs/2/c.json", "top.txt", "never-existed"} {
				must[*s3sdk.DeleteObjectOutput](t, "delete object")(c.DeleteObject(ctx, &s3sdk.DeleteObjectInput{Bucket: aws.String(name), Key: aws.String(k)}))
			}
			must[*s3sdk.DeleteBucketOutput](t, "delete")(c.DeleteBucket(ctx, &s3sdk.DeleteBucketInput{Bucket: aws.String(name)}))
			_, err = c.HeadBucket(ctx, &s3sdk.HeadBucketInput{Bucket: aws.String(name)})
			wantErr(t, "head deleted", err, "NotFound", 404)
			_, err = c.GetBucketVersioning(ctx, &s3sdk.GetBucketVersioningInput{Bucket: aws.String(name)})
			wantErr(t, "deleted bucket", err, "NoSuchBucket", 404)
			_, err = c.ListObjectsV2(ctx, &s3sdk.ListObjectsV2Input{Bucket: aws.String(name)})
			var nsb *types.NoSuchBucket
			if !errors.As(err, &nsb) {
				t.Errorf("ListObjectsV2 on deleted bucket: %v", err)
			}
		})
	}
	if _, ok := s.World().Buckets["new-path-bucket"]; ok {
		t.Errorf("deleted bucket still in the namespace")
	}
}

func TestCreateBucketErrors(t *testing.T) {
	s := simtest.Start(t, seeded())
	eu := s3sdk.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"), func(o *s3sdk.Options) { o.UsePathStyle = true })
	us := s3sdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"), func(o *s3sdk.Options) { o.UsePathStyle = true })
	euCfg := &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}
	cases := []struct {
		name   string
		client *s3sdk.Client
		in     *s3sdk.CreateBucketInput
		code   string
		status int
	}{
		{"owned elsewhere", eu, &s3sdk.CreateBucketInput{Bucket: aws.String("mgmt-private"), CreateBucketConfiguration: euCfg}, "BucketAlreadyExists", 409},
		{"owned by you", eu, &s3sdk.CreateBucketInput{Bucket: aws.String("member-eu"), CreateBucketConfiguration: euCfg}, "BucketAlreadyOwnedByYou", 409},
		{"bad name", eu, &s3sdk.CreateBucketInput{Bucket: aws.String("Bad_Name"), CreateBucketConfiguration: euCfg}, "InvalidBucketName", 400},
		{"no constraint outside us-east-1", eu, &s3sdk.CreateBucketInput{Bucket: aws.String("some-new-bucket")}, "IllegalLocationConstraintException", 400},
		{"constraint for another region", us, &s3sdk.CreateBucketInput{Bucket: aws.String("some-new-bucket"), CreateBucketConfiguration: euCfg}, "IllegalLocationConstraintException", 400},
		{"us-east-1 constraint", us, &s3sdk.CreateBucketInput{Bucket: aws.String("some-new-bucket"), CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: "us-east-1"}}, "InvalidLocationConstraint", 400},
		{"public ACL with enforced ownership", us, &s3sdk.CreateBucketInput{Bucket: aws.String("some-new-bucket"), ACL: types.BucketCannedACLPublicRead}, "InvalidBucketAclWithObjectOwnership", 400},
	}
	for _, tc := range cases {
		_, err := tc.client.CreateBucket(ctx, tc.in)
		wantErr(t, tc.name, err, tc.code, tc.status)
	}
	// us-east-1 answers 200 for a bucket you already own there.
	must[*s3sdk.CreateBucketOutput](t, "recreate in us-east-1")(us.CreateBucket(ctx, &s3sdk.CreateBucketInput{Bucket: aws.String("member-logs")}))
	// Object Lock at creation enables versioning.
	must[*s3sdk.CreateBucketOutput](t, "create with lock")(us.CreateBucket(ctx, &s3sdk.CreateBucketInput{Bucket: aws.String("locked-bucket"), ObjectLockEnabledForBucket: aws.Bool(true)}))
	v := must[*s3sdk.GetBucketVersioningOutput](t, "versioning")(us.GetBucketVersioning(ctx, &s3sdk.GetBucketVersioningInput{Bucket: aws.String("locked-bucket")}))
	ol := must[*s3sdk.GetObjectLockConfigurationOutput](t, "lock")(us.GetObjectLockConfiguration(ctx, &s3sdk.GetObjectLockConfigurationInput{Bucket: aws.String("locked-bucket")}))
	if v.Status != types.BucketVersioningStatusEnabled || ol.ObjectLockConfiguration.ObjectLockEnabled != types.ObjectLockEnabledEnabled {
		t.Errorf("object lock bucket: versioning %q lock %q", v.Status, ol.ObjectLockConfiguration.ObjectLockEnabled)
	}
	_, err := us.PutBucketVersioning(ctx, &s3sdk.PutBucketVersioningInput{Bucket: aws.String("locked-bucket"), VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
	wantErr(t, "suspend versioning with object lock", err, "InvalidBucketState", 409)
}

func TestListBucketsPagination(t *testing.T) {
	w := seeded()
	for _, n := range []string{"b-03", "b-01", "b-05", "b-02", "b-04"} {
		w.Accounts[simtest.Member].S3.Buckets = append(w.Accounts[simtest.Member].S3.Buckets, &world.Bucket{Name: n, Region: "us-west-2", Created: simtest.Now})
	}
	world.RegisterBuckets(w)
	s := simtest.Start(t, w)
	c := s3sdk.NewFromConfig(s.Config(t, simtest.Member, "eu-central-1"))

	all := must[*s3sdk.ListBucketsOutput](t, "list")(c.ListBuckets(ctx, &s3sdk.ListBucketsInput{}))
	if len(all.Buckets) != 7 || all.ContinuationToken != nil || all.Owner == nil || len(aws.ToString(all.Owner.ID)) != 64 {
		t.Fatalf("ListBuckets = %d buckets, token %v, owner %+v", len(all.Buckets), all.ContinuationToken, all.Owner)
	}
	if aws.ToString(all.Buckets[0].Name) != "b-01" || aws.ToString(all.Buckets[0].BucketRegion) != "us-west-2" || all.Buckets[0].CreationDate == nil {
		t.Errorf("first bucket = %+v", all.Buckets[0])
	}
	var names []string
	pages := 0
	p := s3sdk.NewListBucketsPaginator(c, &s3sdk.ListBucketsInput{MaxBuckets: aws.Int32(2), Prefix: aws.String("b-")})
	for p.HasMorePages() {
		pg := must[*s3sdk.ListBucketsOutput](t, "page")(p.NextPage(ctx))
		pages++
		if aws.ToString(pg.Prefix) != "b-" {
			t.Errorf("page prefix = %q", aws.ToString(pg.Prefix))
		}
		for _, b := range pg.Buckets {
			names = append(names, aws.ToString(b.Name))
		}
	}
	if strings.Join(names, ",") != "b-01,b-02,b-03,b-04,b-05" || pages != 3 {
		t.Errorf("paginated = %v in %d pages", names, pages)
	}
	eu := must[*s3sdk.ListBucketsOutput](t, "by region")(c.ListBuckets(ctx, &s3sdk.ListBucketsInput{BucketRegion: aws.String("eu-west-1")}))
	if len(eu.Buckets) != 1 || aws.ToString(eu.Buckets[0].Name) != "member-eu" {
		t.Errorf("eu-west-1 buckets = %+v", eu.Buckets)
	}
	_, err := c.ListBuckets(ctx, &s3sdk.ListBucketsInput{ContinuationToken: aws.String("nope")})
	wantErr(t, "bad token", err, "InvalidArgument", 400)
	_, err = c.ListBuckets(ctx, &s3sdk.ListBucketsInput{MaxBuckets: aws.Int32(10001)})
	wantErr(t, "max-buckets", err, "InvalidArgument", 400)

	// Account isolation.
	m := s3sdk.NewFromConfig(s.Config(t, simtest.Management, "us-east-1"))
	mo := must[*s3sdk.ListBucketsOutput](t, "mgmt list")(m.ListBuckets(ctx, &s3sdk.ListBucketsInput{}))
	if len(mo.Buckets) != 1 || aws.ToString(mo.Buckets[0].Name) != "mgmt-private" || aws.ToString(mo.Owner.ID) == aws.ToString(all.Owner.ID) {
		t.Errorf("management buckets = %+v", mo.Buckets)
	}
}

func TestAccountAndRegionChecks(t *testing.T) {
	s := simtest.Start(t, seeded())
	us := s3sdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"), func(o *s3sdk.Options) { o.UsePathStyle = true })

	_, err := us.GetBucketVersioning(ctx, &s3sdk.GetBucketVersioningInput{Bucket: aws.String("mgmt-private")})
	wantErr(t, "other account's bucket", err, "AccessDenied", 403)
	_, err = us.HeadBucket(ctx, &s3sdk.HeadBucketInput{Bucket: aws.String("mgmt-private")})
	wantErr(t, "head other account's bucket", err, "Forbidden", 403)
	_, err = us.GetBucketPolicy(ctx, &s3sdk.GetBucketPolicyInput{Bucket: aws.String("nobody-has-this")})
	wantErr(t, "unknown bucket", err, "NoSuchBucket", 404)

	// member-eu lives in eu-west-1: a request signed for us-east-1 is redirected.
	_, err = us.GetBucketVersioning(ctx, &s3sdk.GetBucketVersioningInput{Bucket: aws.String("member-eu")})
	wantErr(t, "wrong region", err, "PermanentRedirect", 301)
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response.Header.Get("X-Amz-Bucket-Region") != "eu-west-1" {
		t.Errorf("redirect region header = %q", re.Response.Header.Get("X-Amz-Bucket-Region"))
	}
	_, err = us.HeadBucket(ctx, &s3sdk.HeadBucketInput{Bucket: aws.String("member-eu")})
	if status(err) != 301 || !errors.As(err, &re) || re.Response.Header.Get("X-Amz-Bucket-Region") != "eu-west-1" {
		t.Errorf("HeadBucket in wrong region: %v", err)
	}
	// GetBucketLocation answers from any region; us-east-1 is the empty constraint.
	loc := must[*s3sdk.GetBucketLocationOutput](t, "location")(us.GetBucketLocation(ctx, &s3sdk.GetBucketLocationInput{Bucket: aws.String("member-eu")}))
	if loc.LocationConstraint != "eu-west-1" {
		t.Errorf("location = %q", loc.LocationConstraint)
	}
	loc = must[*s3sdk.GetBucketLocationOutput](t, "location us")(us.GetBucketLocation(ctx, &s3sdk.GetBucketLocationInput{Bucket: aws.String("member-logs")}))
	if loc.LocationConstraint != "" {
		t.Errorf("us-east-1 location = %q", loc.LocationConstraint)
	}
}

func TestBucketConfigurationRoundTrips(t *testing.T) {
	s := simtest.Start(t, seeded())
	c := s3sdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"), func(o *s3sdk.Options) { o.UsePathStyle = true })
	b := aws.String("member-logs")

	// Old bucket: nothing configured.
	notFound := []struct {
		name string
		call func() error
		code string
	}{
		{"pab", func() error {
			_, err := c.GetPublicAccessBlock(ctx, &s3sdk.GetPublicAccessBlockInput{Bucket: b})
			return err
		}, "NoSuchPublicAccessBlockConfiguration"},
		{"policy", func() error { _, err := c.GetBucketPolicy(ctx, &s3sdk.GetBucketPolicyInput{Bucket: b}); return err }, "NoSuchBucketPolicy"},
		{"policy status", func() error {
			_, err := c.GetBucketPolicyStatus(ctx, &s3sdk.GetBucketPolicyStatusInput{Bucket: b})
			return err
		}, "NoSuchBucketPolicy"},
		{"encryption", func() error {
			_, err := c.GetBucketEncryption(ctx, &s3sdk.GetBucketEncryptionInput{Bucket: b})
			return err
		}, "ServerSideEncryptionConfigurationNotFoundError"},
		{"object lock", func() error {
			_, err := c.GetObjectLockConfiguration(ctx, &s3sdk.GetObjectLockConfigurationInput{Bucket: b})
			return err
		}, "ObjectLockConfigurationNotFoundError"},
		{"ownership", func() error {
			_, err := c.GetBucketOwnershipControls(ctx, &s3sdk.GetBucketOwnershipControlsInput{Bucket: b})
			return err
		}, "OwnershipControlsNotFoundError"},
		{"tagging", func() error { _, err := c.GetBucketTagging(ctx, &s3sdk.GetBucketTaggingInput{Bucket: b}); return err }, "NoSuchTagSet"},
		{"lifecycle", func() error {
			_, err := c.GetBucketLifecycleConfiguration(ctx, &s3sdk.GetBucketLifecycleConfigurationInput{Bucket: b})
			return err
		}, "NoSuchLifecycleConfiguration"},
		{"replication", func() error {
			_, err := c.GetBucketReplication(ctx, &s3sdk.GetBucketReplicationInput{Bucket: b})
			return err
		}, "ReplicationConfigurationNotFoundError"},
	}
	for _, tc := range notFound {
		wantErr(t, tc.name, tc.call(), tc.code, 404)
	}
	v := must[*s3sdk.GetBucketVersioningOutput](t, "versioning")(c.GetBucketVersioning(ctx, &s3sdk.GetBucketVersioningInput{Bucket: b}))
	lg := must[*s3sdk.GetBucketLoggingOutput](t, "logging")(c.GetBucketLogging(ctx, &s3sdk.GetBucketLoggingInput{Bucket: b}))
	nc := must[*s3sdk.GetBucketNotificationConfigurationOutput](t, "notification")(c.GetBucketNotificationConfiguration(ctx, &s3sdk.GetBucketNotificationConfigurationInput{Bucket: b}))
	if v.Status != "" || lg.LoggingEnabled != nil || len(nc.TopicConfigurations) != 0 || nc.EventBridgeConfiguration != nil {
		t.Errorf("old bucket: versioning %q logging %+v notification %+v", v.Status, lg.LoggingEnabled, nc)
	}
	acl := must[*s3sdk.GetBucketAclOutput](t, "acl")(c.GetBucketAcl(ctx, &s3sdk.GetBucketAclInput{Bucket: b}))
	if len(acl.Grants) != 1 || acl.Grants[0].Permission != types.PermissionFullControl || aws.ToString(acl.Grants[0].Grantee.ID) != s3.CanonicalID(simtest.Member) {
		t.Errorf("private ACL = %+v", acl.Grants)
	}

	// Write every configuration, then read it back.
	must[*s3sdk.PutPublicAccessBlockOutput](t, "put pab")(c.PutPublicAccessBlock(ctx, &s3sdk.PutPublicAccessBlockInput{Bucket: b,
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true)}}))
	pab := must[*s3sdk.GetPublicAccessBlockOutput](t, "get pab")(c.GetPublicAccessBlock(ctx, &s3sdk.GetPublicAccessBlockInput{Bucket: b}))
	if p := pab.PublicAccessBlockConfiguration; !aws.ToBool(p.BlockPublicAcls) || aws.ToBool(p.IgnorePublicAcls) || !aws.ToBool(p.BlockPublicPolicy) {
		t.Errorf("pab = %+v", p)
	}
	// Block Public Access stops public policies and ACLs.
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::member-logs/*"}]}`
	_, err := c.PutBucketPolicy(ctx, &s3sdk.PutBucketPolicyInput{Bucket: b, Policy: aws.String(public)})
	wantErr(t, "public policy under BPA", err, "AccessDenied", 403)
	_, err = c.PutBucketAcl(ctx, &s3sdk.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLPublicRead})
	wantErr(t, "public ACL under BPA", err, "AccessDenied", 403)
	must[*s3sdk.DeletePublicAccessBlockOutput](t, "delete pab")(c.DeletePublicAccessBlock(ctx, &s3sdk.DeletePublicAccessBlockInput{Bucket: b}))
	wantErr(t, "pab deleted", notFound[0].call(), "NoSuchPublicAccessBlockConfiguration", 404)

	must[*s3sdk.PutBucketPolicyOutput](t, "put policy")(c.PutBucketPolicy(ctx, &s3sdk.PutBucketPolicyInput{Bucket: b, Policy: aws.String(public)}))
	pol := must[*s3sdk.GetBucketPolicyOutput](t, "get policy")(c.GetBucketPolicy(ctx, &s3sdk.GetBucketPolicyInput{Bucket: b}))
	if aws.ToString(pol.Policy) != public {
		t.Errorf("policy = %q", aws.ToString(pol.Policy))
	}
	ps := must[*s3sdk.GetBucketPolicyStatusOutput](t, "status")(c.GetBucketPolicyStatus(ctx, &s3sdk.GetBucketPolicyStatusInput{Bucket: b}))
	if !aws.ToBool(ps.PolicyStatus.IsPublic) {
		t.Errorf("public policy not public")
	}
	_, err = c.PutBucketPolicy(ctx, &s3sdk.PutBucketPolicyInput{Bucket: b, Policy: aws.String("not json")})
	wantErr(t, "malformed policy", err, "MalformedPolicy", 400)
	must[*s3sdk.DeleteBucketPolicyOutput](t, "delete policy")(c.DeleteBucketPolicy(ctx, &s3sdk.DeleteBucketPolicyInput{Bucket: b}))
	wantErr(t, "policy deleted", notFound[1].call(), "NoSuchBucketPolicy", 404)

	must[*s3sdk.PutBucketAclOutput](t, "put acl")(c.PutBucketAcl(ctx, &s3sdk.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLPublicRead}))
	acl = must[*s3sdk.GetBucketAclOutput](t, "acl")(c.GetBucketAcl(ctx, &s3sdk.GetBucketAclInput{Bucket: b}))
	if len(acl.Grants) != 2 || aws.ToString(acl.Grants[1].Grantee.URI) != "http://acs.amazonaws.com/groups/global/AllUsers" || acl.Grants[1].Permission != types.PermissionRead {
		t.Errorf("public-read ACL = %+v", acl.Grants)
	}
	// Write the ACL document back, with a log delivery grant instead.
	must[*s3sdk.PutBucketAclOutput](t, "put acl body")(c.PutBucketAcl(ctx, &s3sdk.PutBucketAclInput{Bucket: b, AccessControlPolicy: &types.AccessControlPolicy{
		Owner: acl.Owner,
		Grants: []types.Grant{
			acl.Grants[0],
			{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/s3/LogDelivery")}, Permission: types.PermissionWrite},
		},
	}}))
	acl = must[*s3sdk.GetBucketAclOutput](t, "acl")(c.GetBucketAcl(ctx, &s3sdk.GetBucketAclInput{Bucket: b}))
	if len(acl.Grants) != 2 || aws.ToString(acl.Grants[1].Grantee.URI) != "http://acs.amazonaws.com/groups/s3/LogDelivery" {
		t.Errorf("ACL from document = %+v", acl.Grants)
	}

	must[*s3sdk.PutBucketEncryptionOutput](t, "put sse")(c.PutBucketEncryption(ctx, &s3sdk.PutBucketEncryptionInput{Bucket: b,
		ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("arn:aws:kms:us-east-1:222222222222:key/k1")},
			BucketKeyEnabled:                   aws.Bool(true)}}}}))
	enc := must[*s3sdk.GetBucketEncryptionOutput](t, "get sse")(c.GetBucketEncryption(ctx, &s3sdk.GetBucketEncryptionInput{Bucket: b}))
	if r := enc.ServerSideEncryptionConfiguration.Rules[0]; r.ApplyServerSideEncryptionByDefault.SSEAlgorithm != types.ServerSideEncryptionAwsKms ||
		aws.ToString(r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID) == "" || !aws.ToBool(r.BucketKeyEnabled) {
		t.Errorf("sse = %+v", r)
	}
	must[*s3sdk.DeleteBucketEncryptionOutput](t, "delete sse")(c.DeleteBucketEncryption(ctx, &s3sdk.DeleteBucketEncryptionInput{Bucket: b}))
	enc = must[*s3sdk.GetBucketEncryptionOutput](t, "get sse")(c.GetBucketEncryption(ctx, &s3sdk.GetBucketEncryptionInput{Bucket: b}))
	if enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != types.ServerSideEncryptionAes256 {
		t.Errorf("encryption after delete is not SSE-S3")
	}

	must[*s3sdk.PutBucketVersioningOutput](t, "put versioning")(c.PutBucketVersioning(ctx, &s3sdk.PutBucketVersioningInput{Bucket: b,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}))
	v = must[*s3sdk.GetBucketVersioningOutput](t, "versioning")(c.GetBucketVersioning(ctx, &s3sdk.GetBucketVersioningInput{Bucket: b}))
	if v.Status != types.BucketVersioningStatusEnabled || v.MFADelete != "" {
		t.Errorf("versioning = %q mfa %q", v.Status, v.MFADelete)
	}

	_, err = c.PutBucketLogging(ctx, &s3sdk.PutBucketLoggingInput{Bucket: b, BucketLoggingStatus: &types.BucketLoggingStatus{LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("no-such-target"), TargetPrefix: aws.String("x/")}}})
	wantErr(t, "logging to nowhere", err, "InvalidTargetBucketForLogging", 400)
	must[*s3sdk.PutBucketLoggingOutput](t, "put logging")(c.PutBucketLogging(ctx, &s3sdk.PutBucketLoggingInput{Bucket: b,
		BucketLoggingStatus: &types.BucketLoggingStatus{LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("mgmt-private"), TargetPrefix: aws.String("s3/member-logs/")}}}))
	lg = must[*s3sdk.GetBucketLoggingOutput](t, "logging")(c.GetBucketLogging(ctx, &s3sdk.GetBucketLoggingInput{Bucket: b}))
	if lg.LoggingEnabled == nil || aws.ToString(lg.LoggingEnabled.TargetBucket) != "mgmt-private" || aws.ToString(lg.LoggingEnabled.TargetPrefix) != "s3/member-logs/" {
		t.Errorf("logging = %+v", lg.LoggingEnabled)
	}

	must[*s3sdk.PutObjectLockConfigurationOutput](t, "put lock")(c.PutObjectLockConfiguration(ctx, &s3sdk.PutObjectLockConfigurationInput{Bucket: b,
		ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
			Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeCompliance, Days: aws.Int32(365)}}}}))
	ol := must[*s3sdk.GetObjectLockConfigurationOutput](t, "lock")(c.GetObjectLockConfiguration(ctx, &s3sdk.GetObjectLockConfigurationInput{Bucket: b}))
	if r := ol.ObjectLockConfiguration.Rule; r == nil || r.DefaultRetention.Mode != types.ObjectLockRetentionModeCompliance || aws.ToInt32(r.DefaultRetention.Days) != 365 {
		t.Errorf("lock = %+v", ol.ObjectLockConfiguration)
	}

	_, err = c.PutBucketOwnershipControls(ctx, &s3sdk.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred}}}})
	if err != nil {
		t.Fatal(err)
	}
	oc := must[*s3sdk.GetBucketOwnershipControlsOutput](t, "ownership")(c.GetBucketOwnershipControls(ctx, &s3sdk.GetBucketOwnershipControlsInput{Bucket: b}))
	if oc.OwnershipControls.Rules[0].ObjectOwnership != types.ObjectOwnershipBucketOwnerPreferred {
		t.Errorf("ownership = %+v", oc.OwnershipControls.Rules)
	}
	must[*s3sdk.DeleteBucketOwnershipControlsOutput](t, "delete ownership")(c.DeleteBucketOwnershipControls(ctx, &s3sdk.DeleteBucketOwnershipControlsInput{Bucket: b}))
	wantErr(t, "ownership deleted", notFound[5].call(), "OwnershipControlsNotFoundError", 404)

	must[*s3sdk.PutBucketTaggingOutput](t, "tag")(c.PutBucketTagging(ctx, &s3sdk.PutBucketTaggingInput{Bucket: b, Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("owner"), Value: aws.String("secops")}, {Key: aws.String("env"), Value: aws.String("prod")}}}}))
	tg := must[*s3sdk.GetBucketTaggingOutput](t, "tags")(c.GetBucketTagging(ctx, &s3sdk.GetBucketTaggingInput{Bucket: b}))
	if len(tg.TagSet) != 2 || aws.ToString(tg.TagSet[0].Key) != "env" {
		t.Errorf("tags = %+v", tg.TagSet)
	}
	_, err = c.PutBucketTagging(ctx, &s3sdk.PutBucketTaggingInput{Bucket: b, Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("a"), Value: aws.String("2")}}}})
	wantErr(t, "duplicate tag", err, "InvalidTag", 400)
	must[*s3sdk.DeleteBucketTaggingOutput](t, "untag")(c.DeleteBucketTagging(ctx, &s3sdk.DeleteBucketTaggingInput{Bucket: b}))
	wantErr(t, "tags deleted", notFound[6].call(), "NoSuchTagSet", 404)

	must[*s3sdk.PutBucketLifecycleConfigurationOutput](t, "lifecycle")(c.PutBucketLifecycleConfiguration(ctx, &s3sdk.PutBucketLifecycleConfigurationInput{Bucket: b,
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{ID: aws.String("expire-logs"), Status: types.ExpirationStatusEnabled,
			Filter: &types.LifecycleRuleFilter{Prefix: aws.String("logs/")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(400)},
			Transitions: []types.Transition{{Days: aws.Int32(90), StorageClass: types.TransitionStorageClassGlacier}}}}}}))
	lc := must[*s3sdk.GetBucketLifecycleConfigurationOutput](t, "lifecycle")(c.GetBucketLifecycleConfiguration(ctx, &s3sdk.GetBucketLifecycleConfigurationInput{Bucket: b}))
	if len(lc.Rules) != 1 || aws.ToString(lc.Rules[0].ID) != "expire-logs" || aws.ToInt32(lc.Rules[0].Expiration.Days) != 400 ||
		aws.ToString(lc.Rules[0].Filter.Prefix) != "logs/" || len(lc.Rules[0].Transitions) != 1 || lc.Rules[0].Transitions[0].StorageClass != types.TransitionStorageClassGlacier {
		t.Errorf("lifecycle = %+v", lc.Rules)
	}
	must[*s3sdk.DeleteBucketLifecycleOutput](t, "delete lifecycle")(c.DeleteBucketLifecycle(ctx, &s3sdk.DeleteBucketLifecycleInput{Bucket: b}))
	wantErr(t, "lifecycle deleted", notFound[7].call(), "NoSuchLifecycleConfiguration", 404)

	must[*s3sdk.PutBucketReplicationOutput](t, "replication")(c.PutBucketReplication(ctx, &s3sdk.PutBucketReplicationInput{Bucket: b,
		ReplicationConfiguration: &types.ReplicationConfiguration{Role: aws.String("arn:aws:iam::222222222222:role/replication"), Rules: []types.ReplicationRule{{
			ID: aws.String("to-eu"), Priority: aws.Int32(1), Status: types.ReplicationRuleStatusEnabled, Filter: &types.ReplicationRuleFilter{Prefix: aws.String("")},
			Destination:             &types.Destination{Bucket: aws.String("arn:aws:s3:::member-eu")},
			DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusDisabled}}}}}))
	rp := must[*s3sdk.GetBucketReplicationOutput](t, "replication")(c.GetBucketReplication(ctx, &s3sdk.GetBucketReplicationInput{Bucket: b}))
	if r := rp.ReplicationConfiguration; aws.ToString(r.Role) == "" || len(r.Rules) != 1 || aws.ToString(r.Rules[0].Destination.Bucket) != "arn:aws:s3:::member-eu" {
		t.Errorf("replication = %+v", r)
	}

	must[*s3sdk.PutBucketNotificationConfigurationOutput](t, "notification")(c.PutBucketNotificationConfiguration(ctx, &s3sdk.PutBucketNotificationConfigurationInput{Bucket: b,
		NotificationConfiguration: &types.NotificationConfiguration{
			TopicConfigurations: []types.TopicConfiguration{{Id: aws.String("t1"), TopicArn: aws.String("arn:aws:sns:us-east-1:222222222222:alerts"),
				Events: []types.Event{"s3:ObjectRemoved:*", "s3:ObjectCreated:*"},
				Filter: &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: []types.FilterRule{{Name: types.FilterRuleNamePrefix, Value: aws.String("logs/")}}}}}},
			EventBridgeConfiguration: &types.EventBridgeConfiguration{}}}))
	nc = must[*s3sdk.GetBucketNotificationConfigurationOutput](t, "notification")(c.GetBucketNotificationConfiguration(ctx, &s3sdk.GetBucketNotificationConfigurationInput{Bucket: b}))
	if len(nc.TopicConfigurations) != 1 || len(nc.TopicConfigurations[0].Events) != 2 || nc.EventBridgeConfiguration == nil ||
		aws.ToString(nc.TopicConfigurations[0].Filter.Key.FilterRules[0].Value) != "logs/" {
		t.Errorf("notification = %+v", nc)
	}
}

func TestReplicationNeedsVersioningAndACLsNeedOwnership(t *testing.T) {
	s := simtest.Start(t, seeded())
	c := s3sdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"), func(o *s3sdk.Options) { o.UsePathStyle = true })
	_, err := c.PutBucketReplication(ctx, &s3sdk.PutBucketReplicationInput{Bucket: aws.String("member-logs"),
		ReplicationConfiguration: &types.ReplicationConfiguration{Role: aws.String("arn:aws:iam::222222222222:role/r"), Rules: []types.ReplicationRule{{
			Status: types.ReplicationRuleStatusEnabled, Destination: &types.Destination{Bucket: aws.String("arn:aws:s3:::member-eu")}}}}})
	wantErr(t, "replication without versioning", err, "InvalidRequest", 400)
	_, err = c.PutObjectLockConfiguration(ctx, &s3sdk.PutObjectLockConfigurationInput{Bucket: aws.String("member-logs"),
		ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}})
	wantErr(t, "object lock without versioning", err, "InvalidBucketState", 409)

	must[*s3sdk.CreateBucketOutput](t, "create")(c.CreateBucket(ctx, &s3sdk.CreateBucketInput{Bucket: aws.String("enforced-bucket")}))
	must[*s3sdk.DeletePublicAccessBlockOutput](t, "delete pab")(c.DeletePublicAccessBlock(ctx, &s3sdk.DeletePublicAccessBlockInput{Bucket: aws.String("enforced-bucket")}))
	_, err = c.PutBucketAcl(ctx, &s3sdk.PutBucketAclInput{Bucket: aws.String("enforced-bucket"), ACL: types.BucketCannedACLPublicReadWrite})
	wantErr(t, "ACL on enforced bucket", err, "AccessControlListNotSupported", 400)
	must[*s3sdk.PutBucketAclOutput](t, "private ACL")(c.PutBucketAcl(ctx, &s3sdk.PutBucketAclInput{Bucket: aws.String("enforced-bucket"), ACL: types.BucketCannedACLPrivate}))
}

func TestPolicyStatus(t *testing.T) {
	w := seeded()
	s := simtest.Start(t, w)
	c := s3sdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"), func(o *s3sdk.Options) { o.UsePathStyle = true })
	stmt := func(principal, condition string) string {
		s := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::member-logs/*"`
		if condition != "" {
			s += `,"Condition":` + condition
		}
		return s + `}]}`
	}
	cases := []struct {
		name, policy string
		public       bool
	}{
		{"star", stmt(`"*"`, ""), true},
		{"aws star", stmt(`{"AWS":"*"}`, ""), true},
		{"aws star list", stmt(`{"AWS":["arn:aws:iam::111111111111:root","*"]}`, ""), true},
		{"star with TLS only", stmt(`"*"`, `{"Bool":{"aws:SecureTransport":"true"}}`), true},
		{"star within org", stmt(`"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}`), false},
		{"star from vpce", stmt(`"*"`, `{"StringEquals":{"aws:SourceVpce":"vpce-1"}}`), false},
		{"account principal", stmt(`{"AWS":"arn:aws:iam::111111111111:root"}`, ""), false},
		{"service principal", stmt(`{"Service":"logging.s3.amazonaws.com"}`, ""), false},
		{"deny star", `{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}`, false},
	}
	for _, tc := range cases {
		must[*s3sdk.PutBucketPolicyOutput](t, tc.name)(c.PutBucketPolicy(ctx, &s3sdk.PutBucketPolicyInput{Bucket: aws.String("member-logs"), Policy: aws.String(tc.policy)}))
		ps := must[*s3sdk.GetBucketPolicyStatusOutput](t, tc.name)(c.GetBucketPolicyStatus(ctx, &s3sdk.GetBucketPolicyStatusInput{Bucket: aws.String("member-logs")}))
		if aws.ToBool(ps.PolicyStatus.IsPublic) != tc.public {
			t.Errorf("%s: IsPublic = %v", tc.name, aws.ToBool(ps.PolicyStatus.IsPublic))
		}
	}
	// The account-level setting blocks public policies too.
	w.Accounts[simtest.Member].S3.PublicAccessBlock = &world.PublicAccessBlock{BlockPublicPolicy: true}
	_, err := c.PutBucketPolicy(ctx, &s3sdk.PutBucketPolicyInput{Bucket: aws.String("member-logs"), Policy: aws.String(cases[0].policy)})
	wantErr(t, "public policy under account BPA", err, "AccessDenied", 403)
}

// TestDemoData decodes every profile of the demo's s3.yaml through the
// demo loader, then serves each profile from its own world (the sample
// substitutions give every profile the same account, so bucket names would
// clash in one world) and reads the misconfigurations back.
func TestDemoData(t *testing.T) {
	profiles, err := demo.Global[world.S3]("s3")
	if err != nil {
		t.Fatal(err)
	}
	account, name := demo.SampleSubs["${account}"], demo.SampleSubs["${account_name}"]
	clients := map[string]*s3sdk.Client{}
	for _, p := range []string{"hardened", "managed", "partial", "weak", "neglected"} {
		st, ok := profiles[p]
		if !ok {
			t.Fatalf("profile %s missing", p)
		}
		checkDemoProfile(t, p, st)
		w := world.New()
		w.AddAccount(account, p, p+"@example.com").S3 = st
		world.RegisterBuckets(w)
		s := simtest.Start(t, w)
		clients[p] = s3sdk.NewFromConfig(s.Config(t, account, "us-east-1"), func(o *s3sdk.Options) { o.UsePathStyle = true })
	}
	// hardened: the log archive is locked and versioned, policies deny plain HTTP.
	h := clients["hardened"]
	arch := aws.String("org-log-archive-" + account)
	ol := must[*s3sdk.GetObjectLockConfigurationOutput](t, "lock")(h.GetObjectLockConfiguration(ctx, &s3sdk.GetObjectLockConfigurationInput{Bucket: arch}))
	if ol.ObjectLockConfiguration.Rule.DefaultRetention.Mode != types.ObjectLockRetentionModeCompliance {
		t.Errorf("log archive lock = %+v", ol.ObjectLockConfiguration)
	}
	ps := must[*s3sdk.GetBucketPolicyStatusOutput](t, "status")(h.GetBucketPolicyStatus(ctx, &s3sdk.GetBucketPolicyStatusInput{Bucket: arch}))
	if aws.ToBool(ps.PolicyStatus.IsPublic) {
		t.Errorf("log archive policy is public")
	}
	objs := must[*s3sdk.ListObjectsV2Output](t, "objects")(h.ListObjectsV2(ctx, &s3sdk.ListObjectsV2Input{Bucket: arch, Prefix: aws.String("AWSLogs/")}))
	if len(objs.Contents) == 0 {
		t.Errorf("log archive holds no logs")
	}
	// weak: a public-read ACL, an unencrypted bucket, no BPA.
	wk := clients["weak"]
	acl := must[*s3sdk.GetBucketAclOutput](t, "acl")(wk.GetBucketAcl(ctx, &s3sdk.GetBucketAclInput{Bucket: aws.String(name + "-static-site-" + account)}))
	if len(acl.Grants) != 2 {
		t.Errorf("static site grants = %+v", acl.Grants)
	}
	_, err = wk.GetBucketEncryption(ctx, &s3sdk.GetBucketEncryptionInput{Bucket: aws.String(name + "-scratch-" + account)})
	wantErr(t, "weak scratch encryption", err, "ServerSideEncryptionConfigurationNotFoundError", 404)
	_, err = wk.GetBucketVersioning(ctx, &s3sdk.GetBucketVersioningInput{Bucket: aws.String(name + "-ci-artifacts-" + account)})
	wantErr(t, "bucket in us-west-2", err, "PermanentRedirect", 301)
	// neglected: a policy open to everyone.
	ng := clients["neglected"]
	ps = must[*s3sdk.GetBucketPolicyStatusOutput](t, "status")(ng.GetBucketPolicyStatus(ctx, &s3sdk.GetBucketPolicyStatusInput{Bucket: aws.String(name + "-public-share-" + account)}))
	if !aws.ToBool(ps.PolicyStatus.IsPublic) {
		t.Errorf("neglected public share is not public")
	}
}

// checkDemoProfile asserts a decoded profile has no token left and only
// buckets with a known region, a unique name and a creation date.
func checkDemoProfile(t *testing.T, p string, s world.S3) {
	t.Helper()
	out, err := yaml.Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "${") {
		t.Errorf("profile %s: unknown substitution left in the decoded state", p)
	}
	if len(s.Buckets) == 0 {
		t.Errorf("profile %s has no buckets", p)
	}
	seen := map[string]bool{}
	for _, b := range s.Buckets {
		if _, ok := world.New().Region(b.Region); !ok || seen[b.Name] || b.Created.IsZero() {
			t.Errorf("profile %s: bucket %+v (bad region, duplicate name or no creation date)", p, b)
		}
		seen[b.Name] = true
	}
}

// TestOwnerEnforcedNeedsAPrivateACL: S3 applies BucketOwnerEnforced only
// to a bucket whose ACL gives full control to the owner alone; a grant to
// another account or to any group, LogDelivery included, fails with
// InvalidBucketAclWithObjectOwnership ("Bucket cannot have ACLs set with
// ObjectOwnership's BucketOwnerEnforced setting"), and the ACL and the
// ownership setting stay as they were.
func TestOwnerEnforcedNeedsAPrivateACL(t *testing.T) {
	s := simtest.Start(t, seeded())
	c := s3sdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"), func(o *s3sdk.Options) { o.UsePathStyle = true })
	b := aws.String("member-logs")
	owner := &types.Owner{ID: aws.String(s3.CanonicalID(simtest.Member))}
	ownerFull := types.Grant{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: owner.ID}, Permission: types.PermissionFullControl}
	enforce := func() error {
		_, err := c.PutBucketOwnershipControls(ctx, &s3sdk.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &types.OwnershipControls{
			Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced}}}})
		return err
	}
	must[*s3sdk.PutBucketOwnershipControlsOutput](t, "object writer")(c.PutBucketOwnershipControls(ctx, &s3sdk.PutBucketOwnershipControlsInput{Bucket: b,
		OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipObjectWriter}}}}))
	for _, g := range []types.Grant{
		{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/s3/LogDelivery")}, Permission: types.PermissionWrite},
		{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/global/AuthenticatedUsers")}, Permission: types.PermissionRead},
		{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(s3.CanonicalID(simtest.Management))}, Permission: types.PermissionRead},
	} {
		must[*s3sdk.PutBucketAclOutput](t, "grant")(c.PutBucketAcl(ctx, &s3sdk.PutBucketAclInput{Bucket: b,
			AccessControlPolicy: &types.AccessControlPolicy{Owner: owner, Grants: []types.Grant{ownerFull, g}}}))
		wantErr(t, "enforce with a grant to "+aws.ToString(g.Grantee.URI)+aws.ToString(g.Grantee.ID), enforce(), "InvalidBucketAclWithObjectOwnership", 400)
		oc := must[*s3sdk.GetBucketOwnershipControlsOutput](t, "ownership")(c.GetBucketOwnershipControls(ctx, &s3sdk.GetBucketOwnershipControlsInput{Bucket: b}))
		acl := must[*s3sdk.GetBucketAclOutput](t, "acl")(c.GetBucketAcl(ctx, &s3sdk.GetBucketAclInput{Bucket: b}))
		if oc.OwnershipControls.Rules[0].ObjectOwnership != types.ObjectOwnershipObjectWriter || len(acl.Grants) != 2 {
			t.Fatalf("after the refusal: ownership %s, grants %+v", oc.OwnershipControls.Rules[0].ObjectOwnership, acl.Grants)
		}
	}
	// Reset to private, and the owner may disable ACLs.
	must[*s3sdk.PutBucketAclOutput](t, "private")(c.PutBucketAcl(ctx, &s3sdk.PutBucketAclInput{Bucket: b,
		AccessControlPolicy: &types.AccessControlPolicy{Owner: owner, Grants: []types.Grant{ownerFull}}}))
	if err := enforce(); err != nil {
		t.Fatalf("enforce on a private ACL: %v", err)
	}
}
