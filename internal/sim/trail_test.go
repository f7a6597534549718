package sim_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctapi "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	iamapi "github.com/aws/aws-sdk-go-v2/service/iam"
	lambdaapi "github.com/aws/aws-sdk-go-v2/service/lambda"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// trailWorld is simtest's world in an organization whose member hosts
// the log buckets, on a stopwatch health clock with a one-minute
// delivery delay.
func trailWorld() (*world.World, *world.Stopwatch) {
	w := simtest.NewWorld()
	w.Org = &world.Organization{ID: "o-abcdefghij", ManagementAccount: simtest.Management, RootID: "r-ab12", FeatureSet: "ALL",
		Members: map[string]*world.Member{
			simtest.Management: {Account: simtest.Management, Parent: "r-ab12"},
			simtest.Member:     {Account: simtest.Member, Parent: "r-ab12"},
		},
		ServiceAccess: map[string]time.Time{"cloudtrail.amazonaws.com": simtest.Now},
	}
	sw := &world.Stopwatch{}
	w.Health.Elapsed = sw.Elapsed
	w.Trail.Delay = time.Minute
	return w, sw
}

type clients struct {
	ec2 *ec2api.Client
	s3  *s3api.Client
	ct  *ctapi.Client
	iam *iamapi.Client
}

func clientsFor(t *testing.T, s *simtest.Sim, account, region string) clients {
	cfg := s.Config(t, account, region)
	return clients{ec2api.NewFromConfig(cfg), s3api.NewFromConfig(cfg, func(o *s3api.Options) { o.UsePathStyle = true }),
		ctapi.NewFromConfig(cfg), iamapi.NewFromConfig(cfg)}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// logFile is one delivered log file, read back through S3.
type logFile struct {
	key     string
	records []map[string]any
}

func (f logFile) names() []string {
	var out []string
	for _, r := range f.records {
		out = append(out, r["eventName"].(string))
	}
	return out
}

// logFiles lists the objects under prefix after startAfter and reads each
// (GetObject, gunzip, JSON).
func logFiles(t *testing.T, c *s3api.Client, bucket, prefix, startAfter string) []logFile {
	t.Helper()
	ctx := context.Background()
	in := &s3api.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)}
	if startAfter != "" {
		in.StartAfter = aws.String(startAfter)
	}
	l, err := c.ListObjectsV2(ctx, in)
	must(t, "list log files", err)
	var out []logFile
	for _, o := range l.Contents {
		g, err := c.GetObject(ctx, &s3api.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
		must(t, "get log file", err)
		raw, _ := io.ReadAll(g.Body)
		g.Body.Close()
		if aws.ToString(g.ContentEncoding) != "gzip" || aws.ToString(g.ContentType) != "application/json" {
			t.Errorf("%s: Content-Encoding %q, Content-Type %q", aws.ToString(o.Key), aws.ToString(g.ContentEncoding), aws.ToString(g.ContentType))
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		must(t, "gunzip "+aws.ToString(o.Key), err)
		body, err := io.ReadAll(zr)
		must(t, "gunzip "+aws.ToString(o.Key), err)
		var doc struct{ Records []map[string]any }
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("%s is not {\"Records\":[...]}: %v", aws.ToString(o.Key), err)
		}
		out = append(out, logFile{aws.ToString(o.Key), doc.Records})
	}
	return out
}

func allNames(files []logFile) string {
	var out []string
	for _, f := range files {
		out = append(out, f.names()...)
	}
	return strings.Join(out, ",")
}

// TestTrailDelivery: a multi-region trail's log files reach its bucket
// after the delay and not before, one per region, under CloudTrail's key
// layout, readable with ListObjectsV2 (StartAfter) and GetObject, with
// the records the trail selects; a subscriber sees each file created.
func TestTrailDelivery(t *testing.T) {
	ctx := context.Background()
	w, sw := trailWorld()
	var mu sync.Mutex
	var created []string
	w.OnObjectCreated(func(account, bucket, key string) {
		mu.Lock()
		defer mu.Unlock()
		created = append(created, account+" "+bucket+" "+key)
	})
	s := simtest.Start(t, w)
	us := clientsFor(t, s, simtest.Member, "us-east-1")
	eu := clientsFor(t, s, simtest.Member, "eu-west-1")
	_, err := us.s3.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String("audit-logs")})
	must(t, "create bucket", err)
	_, err = us.ct.CreateTrail(ctx, &ctapi.CreateTrailInput{Name: aws.String("audit"), S3BucketName: aws.String("audit-logs"),
		S3KeyPrefix: aws.String("ct"), IsMultiRegionTrail: aws.Bool(true)})
	must(t, "create trail", err)
	_, err = us.ct.StartLogging(ctx, &ctapi.StartLoggingInput{Name: aws.String("audit")})
	must(t, "start logging", err)
	_, err = eu.ec2.CreateVpc(ctx, &ec2api.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})
	must(t, "create vpc", err)
	_, err = eu.ec2.DescribeVpcs(ctx, &ec2api.DescribeVpcsInput{})
	must(t, "describe vpcs", err)
	_, err = eu.iam.CreateUser(ctx, &iamapi.CreateUserInput{UserName: aws.String("carol")}) // global: us-east-1
	must(t, "create user", err)

	if f := logFiles(t, us.s3, "audit-logs", "", ""); len(f) != 0 {
		t.Fatalf("delivered at once: %v", f)
	}
	sw.Advance(59 * time.Second)
	if f := logFiles(t, us.s3, "audit-logs", "", ""); len(f) != 0 {
		t.Fatalf("delivered before the delay: %v", f)
	}
	sw.Advance(time.Second)
	keyRE := regexp.MustCompile(`^ct/AWSLogs/222222222222/CloudTrail/(us-east-1|eu-west-1)/2026/06/01/222222222222_CloudTrail_(us-east-1|eu-west-1)_20260601T1201Z_[A-Za-z0-9]{16}\.json\.gz$`)
	files := logFiles(t, us.s3, "audit-logs", "ct/AWSLogs/", "")
	if len(files) != 2 {
		t.Fatalf("files = %d, want one per region: %+v", len(files), files)
	}
	byRegion := map[string]logFile{}
	for _, f := range files {
		m := keyRE.FindStringSubmatch(f.key)
		if m == nil || m[1] != m[2] {
			t.Errorf("key %s is not CloudTrail's layout", f.key)
			continue
		}
		byRegion[m[1]] = f
	}
	if got := strings.Join(byRegion["us-east-1"].names(), ","); got != "StartLogging,CreateUser" {
		t.Errorf("us-east-1 file: %s", got)
	}
	if got := strings.Join(byRegion["eu-west-1"].names(), ","); got != "CreateVpc,DescribeVpcs" {
		t.Errorf("eu-west-1 file: %s", got)
	}
	for _, f := range files {
		for _, r := range f.records {
			for _, k := range []string{"eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress",
				"userAgent", "requestParameters", "responseElements", "requestID", "eventID", "readOnly", "eventType", "managementEvent",
				"recipientAccountId", "eventCategory"} {
				if _, ok := r[k]; !ok {
					t.Errorf("%s: record %v has no %s", f.key, r["eventName"], k)
				}
			}
		}
	}
	mu.Lock()
	sort.Strings(created)
	want := []string{"222222222222 audit-logs " + byRegion["eu-west-1"].key, "222222222222 audit-logs " + byRegion["us-east-1"].key}
	sort.Strings(want)
	if strings.Join(created, "\n") != strings.Join(want, "\n") {
		t.Errorf("objects created = %v, want %v", created, want)
	}
	mu.Unlock()

	// Only writes from now on; a reader resumes after the last key.
	_, err = us.ct.PutEventSelectors(ctx, &ctapi.PutEventSelectorsInput{TrailName: aws.String("audit"),
		EventSelectors: []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeWriteOnly, IncludeManagementEvents: aws.Bool(true)}}})
	must(t, "put event selectors", err)
	_, err = eu.ec2.DescribeVpcs(ctx, &ec2api.DescribeVpcsInput{})
	must(t, "describe vpcs", err)
	_, err = eu.ec2.CreateVpc(ctx, &ec2api.CreateVpcInput{CidrBlock: aws.String("10.2.0.0/16")})
	must(t, "create vpc", err)
	_, err = us.ct.StopLogging(ctx, &ctapi.StopLoggingInput{Name: aws.String("audit")})
	must(t, "stop logging", err)
	_, err = eu.ec2.CreateVpc(ctx, &ec2api.CreateVpcInput{CidrBlock: aws.String("10.3.0.0/16")}) // not logged any more
	must(t, "create vpc", err)
	sw.Advance(time.Minute)
	euPrefix := "ct/AWSLogs/222222222222/CloudTrail/eu-west-1/"
	next := logFiles(t, us.s3, "audit-logs", euPrefix, byRegion["eu-west-1"].key)
	if len(next) != 1 || allNames(next) != "CreateVpc" || !strings.Contains(next[0].key, "_20260601T1202Z_") {
		t.Errorf("eu-west-1 after %s: %+v", byRegion["eu-west-1"].key, next)
	}
	if got := allNames(logFiles(t, us.s3, "audit-logs", "ct/AWSLogs/222222222222/CloudTrail/us-east-1/", byRegion["us-east-1"].key)); got != "PutEventSelectors,StopLogging" {
		t.Errorf("us-east-1 second file: %s (the trail logs the call that stops it)", got)
	}
	st := w.TrailStats()
	if st.Files != 4 || st.Pending != 0 || st.Dropped != 0 {
		t.Errorf("stats = %+v", st)
	}
}

// TestOrgTrailDelivery: an organization trail of the management account
// logs every account of the organization into the log-archive bucket,
// under AWSLogs/<org id>/<account>/.
func TestOrgTrailDelivery(t *testing.T) {
	ctx := context.Background()
	w, sw := trailWorld()
	s := simtest.Start(t, w)
	mgmt := clientsFor(t, s, simtest.Management, "us-east-1")
	member := clientsFor(t, s, simtest.Member, "us-east-1")
	_, err := member.s3.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String("org-trail-bucket")})
	must(t, "create bucket", err)
	_, err = mgmt.ct.CreateTrail(ctx, &ctapi.CreateTrailInput{Name: aws.String("org"), S3BucketName: aws.String("org-trail-bucket"),
		S3KeyPrefix: aws.String("org"), IsMultiRegionTrail: aws.Bool(true), IsOrganizationTrail: aws.Bool(true)})
	must(t, "create org trail", err)
	_, err = mgmt.ct.StartLogging(ctx, &ctapi.StartLoggingInput{Name: aws.String("org")})
	must(t, "start logging", err)
	_, err = clientsFor(t, s, simtest.Member, "ap-south-1").ec2.DescribeVpcs(ctx, &ec2api.DescribeVpcsInput{})
	must(t, "member call", err)
	_, err = mgmt.ec2.DescribeVpcs(ctx, &ec2api.DescribeVpcsInput{})
	must(t, "management call", err)
	sw.Advance(time.Minute)
	files := logFiles(t, member.s3, "org-trail-bucket", "org/AWSLogs/o-abcdefghij/", "")
	got := map[string]string{}
	for _, f := range files {
		parts := strings.Split(f.key, "/")
		if len(parts) != 10 || parts[4] != "CloudTrail" || !strings.HasPrefix(parts[9], parts[3]+"_CloudTrail_"+parts[5]+"_") {
			t.Errorf("key %s", f.key)
			continue
		}
		got[parts[3]+" "+parts[5]] = strings.Join(f.names(), ",")
	}
	want := map[string]string{
		simtest.Management + " us-east-1": "StartLogging,DescribeVpcs",
		simtest.Member + " ap-south-1":    "DescribeVpcs",
	}
	if len(got) != len(want) || got[simtest.Management+" us-east-1"] != want[simtest.Management+" us-east-1"] || got[simtest.Member+" ap-south-1"] != want[simtest.Member+" ap-south-1"] {
		t.Errorf("org trail files = %v, want %v", got, want)
	}
}

// TestDataEventDelivery: S3 object calls are data events, delivered only
// to trails whose selectors name their bucket and read/write type.
func TestDataEventDelivery(t *testing.T) {
	ctx := context.Background()
	w, sw := trailWorld()
	s := simtest.Start(t, w)
	c := clientsFor(t, s, simtest.Member, "us-east-1")
	for _, b := range []string{"logs-bucket", "data-bucket", "other-bucket"} {
		_, err := c.s3.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String(b)})
		must(t, "create bucket", err)
	}
	_, err := c.ct.CreateTrail(ctx, &ctapi.CreateTrailInput{Name: aws.String("data"), S3BucketName: aws.String("logs-bucket")})
	must(t, "create trail", err)
	_, err = c.ct.PutEventSelectors(ctx, &ctapi.PutEventSelectorsInput{TrailName: aws.String("data"),
		EventSelectors: []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeWriteOnly, IncludeManagementEvents: aws.Bool(false),
			DataResources: []cttypes.DataResource{{Type: aws.String("AWS::S3::Object"), Values: []string{"arn:aws:s3:::data-bucket/"}}}}}})
	must(t, "put event selectors", err)
	_, err = c.ct.StartLogging(ctx, &ctapi.StartLoggingInput{Name: aws.String("data")})
	must(t, "start logging", err)
	for _, b := range []string{"data-bucket", "other-bucket"} {
		_, err = c.s3.PutObject(ctx, &s3api.PutObjectInput{Bucket: aws.String(b), Key: aws.String("k.txt"), Body: strings.NewReader("x")})
		must(t, "put object", err)
		_, err = c.s3.GetObject(ctx, &s3api.GetObjectInput{Bucket: aws.String(b), Key: aws.String("k.txt")})
		must(t, "get object", err)
	}
	sw.Advance(time.Minute)
	files := logFiles(t, c.s3, "logs-bucket", "AWSLogs/", "")
	if len(files) != 1 || len(files[0].records) != 1 {
		t.Fatalf("files = %+v", files)
	}
	r := files[0].records[0]
	res, _ := r["resources"].([]any)
	if r["eventName"] != "PutObject" || r["managementEvent"] != false || r["eventCategory"] != "Data" || r["readOnly"] != false ||
		len(res) != 2 || res[0].(map[string]any)["ARN"] != "arn:aws:s3:::data-bucket/k.txt" || res[1].(map[string]any)["type"] != "AWS::S3::Bucket" {
		t.Errorf("data event = %v", r)
	}
	if p, _ := r["requestParameters"].(map[string]any); p["bucketName"] != "data-bucket" || p["key"] != "k.txt" {
		t.Errorf("requestParameters = %v", r["requestParameters"])
	}
}

// TestConsoleLoginInjection: POST /_sim/events records console sign-ins
// as CloudTrail does; bad documents are refused with the reason.
func TestConsoleLoginInjection(t *testing.T) {
	ctx := context.Background()
	w, _ := trailWorld()
	w.Account(simtest.Member).IAM.Users = append(w.Account(simtest.Member).IAM.Users, &world.User{Name: "alice", Path: "/", ID: "AIDASIMALICE0000001"})
	s := simtest.Start(t, w)
	post := func(doc string) (int, string) {
		resp, err := http.Post(s.URL+"/_sim/events", "application/json", strings.NewReader(doc))
		must(t, "post event", err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := post(`{"type":"ConsoleLogin","account":"222222222222","user":"root","mfa":false,"success":true,"sourceIPAddress":"198.51.100.7"}`)
	if code != 200 || !json.Valid([]byte(body)) {
		t.Fatalf("root sign-in: %d %s", code, body)
	}
	code, _ = post(`{"type":"ConsoleLogin","account":"222222222222","user":"alice","mfa":true,"success":false}`)
	if code != 200 {
		t.Fatalf("alice's failed sign-in: %d", code)
	}
	for _, tc := range []struct{ name, doc, err string }{
		{"unknown type", `{"type":"Logout","account":"222222222222","user":"root"}`, "event type"},
		{"unknown account", `{"type":"ConsoleLogin","account":"999999999999","user":"root"}`, "no account"},
		{"unknown field", `{"type":"ConsoleLogin","account":"222222222222","user":"root","mfaa":true}`, "unknown field"},
		{"no user", `{"type":"ConsoleLogin","account":"222222222222"}`, "user is required"},
		{"success of a user that does not exist", `{"type":"ConsoleLogin","account":"222222222222","user":"mallory"}`, "no IAM user"},
		{"bad time", `{"type":"ConsoleLogin","account":"222222222222","user":"root","time":"yesterday"}`, "RFC 3339"},
		{"bad region", `{"type":"ConsoleLogin","account":"222222222222","user":"root","region":"mars-1"}`, "no region"},
		{"api call without source", `{"type":"AwsApiCall","account":"222222222222","user":"root","eventName":"ListBuckets"}`, "eventSource"},
		{"not JSON", `{"type":`, "event document"},
	} {
		code, body := post(tc.doc)
		if code != 400 || !strings.Contains(body, tc.err) {
			t.Errorf("%s: %d %s, want 400 with %q", tc.name, code, body, tc.err)
		}
	}
	code, body = post(`{"type":"AwsApiCall","account":"222222222222","user":"root","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","readOnly":true,"region":"eu-west-1"}`)
	if code != 200 || !strings.Contains(body, `"eventName":"ListBuckets"`) {
		t.Errorf("root API call: %d %s", code, body)
	}

	ct := ctapi.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	out, err := ct.LookupEvents(ctx, &ctapi.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("ConsoleLogin")}}})
	must(t, "lookup", err)
	if len(out.Events) != 2 {
		t.Fatalf("ConsoleLogin events = %d", len(out.Events))
	}
	var alice, root map[string]any
	json.Unmarshal([]byte(aws.ToString(out.Events[0].CloudTrailEvent)), &alice)
	json.Unmarshal([]byte(aws.ToString(out.Events[1].CloudTrailEvent)), &root)
	for _, tc := range []struct {
		r    map[string]any
		path string
		want any
	}{
		{root, "eventSource", "signin.amazonaws.com"},
		{root, "eventType", "AwsConsoleSignIn"},
		{root, "awsRegion", "us-east-1"},
		{root, "sourceIPAddress", "198.51.100.7"},
		{root, "userIdentity.type", "Root"},
		{root, "userIdentity.arn", "arn:aws:iam::222222222222:root"},
		{root, "responseElements.ConsoleLogin", "Success"},
		{root, "additionalEventData.MFAUsed", "No"},
		{root, "additionalEventData.MobileVersion", "No"},
		{root, "readOnly", false},
		{root, "managementEvent", true},
		{root, "requestParameters", nil},
		{alice, "userIdentity.type", "IAMUser"},
		{alice, "userIdentity.userName", "alice"},
		{alice, "userIdentity.principalId", "AIDASIMALICE0000001"},
		{alice, "responseElements.ConsoleLogin", "Failure"},
		{alice, "errorMessage", "Failed authentication"},
		{alice, "additionalEventData.MFAUsed", "Yes"},
	} {
		var got any = tc.r
		for _, p := range strings.Split(tc.path, ".") {
			m, _ := got.(map[string]any)
			got = m[p]
		}
		if got != tc.want {
			t.Errorf("%s = %#v, want %#v", tc.path, got, tc.want)
		}
	}
	if _, ok := alice["errorCode"]; ok {
		t.Errorf("a failed sign-in has no errorCode: %v", alice["errorCode"])
	}
	if aws.ToString(out.Events[1].Username) != "root" || aws.ToString(out.Events[0].Username) != "alice" {
		t.Errorf("usernames %q %q", aws.ToString(out.Events[1].Username), aws.ToString(out.Events[0].Username))
	}
}

// TestTrailSubscribers: OnTrailEvent sees every record once, in the order
// stored, one at a time, before the call that made it returns.
func TestTrailSubscribers(t *testing.T) {
	ctx := context.Background()
	w, _ := trailWorld()
	var mu sync.Mutex
	var seqs []uint64
	var names []string
	var inside, overlap atomic.Int32
	w.OnTrailEvent(func(r world.TrailRecord) {
		if inside.Add(1) > 1 {
			overlap.Add(1)
		}
		defer inside.Add(-1)
		if !json.Valid(r.JSON()) {
			t.Errorf("record %d is not JSON", r.Seq)
		}
		mu.Lock()
		seqs = append(seqs, r.Seq)
		names = append(names, r.EventName)
		mu.Unlock()
	})
	s := simtest.Start(t, w)
	c := clientsFor(t, s, simtest.Member, "us-east-1")
	for _, name := range []string{"DescribeVpcs", "DescribeSecurityGroups"} {
		var err error
		if name == "DescribeVpcs" {
			_, err = c.ec2.DescribeVpcs(ctx, &ec2api.DescribeVpcsInput{})
		} else {
			_, err = c.ec2.DescribeSecurityGroups(ctx, &ec2api.DescribeSecurityGroupsInput{})
		}
		must(t, name, err)
		mu.Lock()
		last := names[len(names)-1]
		mu.Unlock()
		if last != name {
			t.Errorf("after %s returned, the subscriber's last record is %s", name, last)
		}
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				if _, err := c.ec2.DescribeVpcs(ctx, &ec2api.DescribeVpcsInput{}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(seqs) != 82 {
		t.Errorf("subscriber saw %d records, want 82", len(seqs))
	}
	for i := 1; i < len(seqs); i++ {
		if seqs[i] != seqs[i-1]+1 {
			t.Errorf("records out of order or missing at %d: %d after %d", i, seqs[i], seqs[i-1])
			break
		}
	}
	if overlap.Load() != 0 {
		t.Errorf("the subscriber ran %d times while running", overlap.Load())
	}
}

// TestEventIDs: unique, and the same on the same clock and calls.
func TestEventIDs(t *testing.T) {
	ctx := context.Background()
	run := func() []string {
		w, _ := trailWorld()
		s := simtest.Start(t, w)
		c := clientsFor(t, s, simtest.Member, "us-east-1")
		for i := 0; i < 5; i++ {
			_, err := c.ec2.DescribeVpcs(ctx, &ec2api.DescribeVpcsInput{})
			must(t, "describe vpcs", err)
		}
		var ids []string
		for _, r := range w.TrailRecords(simtest.Member, "us-east-1") {
			ids = append(ids, r.EventID)
		}
		return ids
	}
	a, b := run(), run()
	seen := map[string]bool{}
	for _, id := range a {
		if seen[id] {
			t.Errorf("event ID %s twice", id)
		}
		seen[id] = true
	}
	if len(a) != 5 || strings.Join(a, ",") != strings.Join(b, ",") {
		t.Errorf("event IDs differ between identical runs:\n%v\n%v", a, b)
	}
}

// TestTrailCapacity: the ring keeps the newest Capacity records of an
// account and region.
func TestTrailCapacity(t *testing.T) {
	ctx := context.Background()
	w, _ := trailWorld()
	w.Trail.Capacity = 10
	s := simtest.Start(t, w)
	c := clientsFor(t, s, simtest.Member, "us-east-1")
	for i := 0; i < 25; i++ {
		_, err := c.ec2.DescribeVpcs(ctx, &ec2api.DescribeVpcsInput{})
		must(t, "describe vpcs", err)
	}
	recs := w.TrailRecords(simtest.Member, "us-east-1")
	if len(recs) != 10 || recs[0].Seq != 16 || recs[9].Seq != 25 {
		t.Errorf("kept %d records, %d..%d", len(recs), recs[0].Seq, recs[len(recs)-1].Seq)
	}
	if st := w.TrailStats(); st.Records != 25 {
		t.Errorf("stats = %+v", st)
	}
}

// TestTrailEventNames: calls made with the SDK are recorded under the
// eventName CloudTrail gives them, where it is not the operation's name
// (S3's bucket and account Block Public Access, the lifecycle; Lambda's
// versioned names), and LookupEvents finds them by it.
func TestTrailEventNames(t *testing.T) {
	ctx := context.Background()
	w, _ := trailWorld()
	w.Account(simtest.Member).In("us-east-1").Lambda.Functions = []*world.LambdaFunction{
		{Name: "api", Runtime: "python3.12", Handler: "app.handler", Role: "arn:aws:iam::222222222222:role/api", LastModified: simtest.Now}}
	s := simtest.Start(t, w)
	cfg := s.Config(t, simtest.Member, "us-east-1")
	c := clientsFor(t, s, simtest.Member, "us-east-1")
	bucket := aws.String("names-bucket")
	_, err := c.s3.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: bucket})
	must(t, "create bucket", err)
	off := &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(true)}
	_, err = c.s3.PutPublicAccessBlock(ctx, &s3api.PutPublicAccessBlockInput{Bucket: bucket, PublicAccessBlockConfiguration: off})
	must(t, "put bucket PAB", err)
	_, err = c.s3.DeletePublicAccessBlock(ctx, &s3api.DeletePublicAccessBlockInput{Bucket: bucket})
	must(t, "delete bucket PAB", err)
	_, err = c.s3.PutBucketLifecycleConfiguration(ctx, &s3api.PutBucketLifecycleConfigurationInput{Bucket: bucket,
		LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: []s3types.LifecycleRule{{ID: aws.String("x"),
			Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
			Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(30)}}}}})
	must(t, "put lifecycle", err)
	_, err = s3control.NewFromConfig(cfg).PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: aws.String(simtest.Member),
		PublicAccessBlockConfiguration: &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)}})
	must(t, "put account PAB", err)
	_, err = lambdaapi.NewFromConfig(cfg).AddPermission(ctx, &lambdaapi.AddPermissionInput{FunctionName: aws.String("api"),
		StatementId: aws.String("public"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("*")})
	must(t, "add permission", err)

	for _, tc := range []struct{ name, source, param string }{
		{"PutBucketPublicAccessBlock", "s3.amazonaws.com", "PublicAccessBlockConfiguration"},
		{"DeleteBucketPublicAccessBlock", "s3.amazonaws.com", "bucketName"},
		{"PutBucketLifecycle", "s3.amazonaws.com", "bucketName"},
		{"PutAccountPublicAccessBlock", "s3.amazonaws.com", "PublicAccessBlockConfiguration"},
		{"AddPermission20150331v2", "lambda.amazonaws.com", "functionName"},
	} {
		out, err := c.ct.LookupEvents(ctx, &ctapi.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{
			{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String(tc.name)}}})
		must(t, "lookup "+tc.name, err)
		if len(out.Events) != 1 {
			t.Errorf("%s: %d events, want 1", tc.name, len(out.Events))
			continue
		}
		var r map[string]any
		must(t, "decode "+tc.name, json.Unmarshal([]byte(aws.ToString(out.Events[0].CloudTrailEvent)), &r))
		p, _ := r["requestParameters"].(map[string]any)
		if r["eventName"] != tc.name || r["eventSource"] != tc.source || r["readOnly"] != false || p[tc.param] == nil {
			t.Errorf("%s: eventName %v, eventSource %v, readOnly %v, requestParameters %v", tc.name, r["eventName"], r["eventSource"], r["readOnly"], p)
		}
	}
	// The operations' own names are not recorded.
	for _, op := range []string{"PutPublicAccessBlock", "DeletePublicAccessBlock", "PutBucketLifecycleConfiguration", "AddPermission"} {
		out, err := c.ct.LookupEvents(ctx, &ctapi.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{
			{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String(op)}}})
		must(t, "lookup "+op, err)
		if len(out.Events) != 0 {
			t.Errorf("%s: %d events recorded under the operation's name", op, len(out.Events))
		}
	}
}
