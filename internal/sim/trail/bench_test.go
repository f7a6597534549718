package trail

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// benchCall is an EC2 write as the server hands it over, in a world
// where a logging multi-region trail logs it.
func benchCall(b *testing.B) (*world.World, Call) {
	w := world.New()
	w.Now = func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }
	a := w.AddAccount("111111111111", "a", "a@example.com")
	a.S3.Buckets = append(a.S3.Buckets, &world.Bucket{Name: "logs"})
	world.RegisterBuckets(w)
	a.In("us-east-1").CloudTrail.Trails = []*world.Trail{{Name: "t", S3BucketName: "logs", IsMultiRegion: true, IncludeGlobalServiceEvents: true, Logging: true}}
	body := "Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupId=sg-1&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=22&IpPermissions.1.ToPort=22&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0"
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("User-Agent", "aws-sdk-go-v2/1.47.7 os/linux lang/go#1.26 api/ec2#1.344.1")
	form, _ := url.ParseQuery(body)
	c := Call{Service: "ec2", Protocol: wire.EC2Query, Region: "eu-west-1", Home: "us-east-1", Cred: w.Credential(world.RootKey("111111111111")),
		Account: "111111111111", Req: &wire.Call{Req: r, Body: []byte(body), Form: form, Op: "AuthorizeSecurityGroupIngress", RequestID: "req-1"},
		Response: []byte(`<AuthorizeSecurityGroupIngressResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-1</requestId><return>true</return></AuthorizeSecurityGroupIngressResponse>`)}
	return w, c
}

// BenchmarkRecord is what every served call pays: the record built,
// routed to the trail that logs it, stored and queued for delivery.
func BenchmarkRecord(b *testing.B) {
	w, c := benchCall(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Record(w, c)
	}
}

// BenchmarkRecordJSON is what reading a record costs once (a lookup, a
// delivery, a subscriber): requestParameters, responseElements and the
// JSON.
func BenchmarkRecordJSON(b *testing.B) {
	_, c := benchCall(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		r := New(c)
		r.Details = r.Build()
		r.Build = nil
		_ = r.JSON()
	}
}
