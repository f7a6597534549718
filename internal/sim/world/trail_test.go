package world

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

func rec(source, name string, readOnly, data bool, region string, res ...TrailResource) *TrailRecord {
	return &TrailRecord{EventSource: source, EventName: name, ReadOnly: readOnly, Data: data, Region: region,
		Details: TrailDetails{Resources: res}, EventType: "AwsApiCall"}
}

// TestTrailCovers: which records a trail logs, by region, global service
// events and event selectors.
func TestTrailCovers(t *testing.T) {
	obj := TrailResource{Type: "AWS::S3::Object", ARN: "arn:aws:s3:::data-bucket/logs/a.txt"}
	put := rec("s3.amazonaws.com", "PutObject", false, true, "us-east-1", obj)
	get := rec("s3.amazonaws.com", "GetObject", true, true, "us-east-1", obj)
	sg := rec("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", false, false, "us-east-1")
	describe := rec("ec2.amazonaws.com", "DescribeVpcs", true, false, "us-east-1")
	euSG := rec("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", false, false, "eu-west-1")
	iam := rec("iam.amazonaws.com", "CreateUser", false, false, "us-east-1")
	kms := rec("kms.amazonaws.com", "DisableKey", false, false, "us-east-1")
	sel := func(rw string, mgmt bool, excl []string, data ...DataResource) []EventSelector {
		return []EventSelector{{ReadWriteType: rw, IncludeManagementEvents: mgmt, ExcludeManagementEventSources: excl, DataResources: data}}
	}
	adv := func(fs ...FieldSelector) []AdvancedSelector { return []AdvancedSelector{{FieldSelectors: fs}} }
	for _, tc := range []struct {
		name  string
		trail Trail
		home  string
		r     *TrailRecord
		want  bool
	}{
		{"default: management write", Trail{}, "us-east-1", sg, true},
		{"default: management read", Trail{}, "us-east-1", describe, true},
		{"default: no data events", Trail{}, "us-east-1", put, false},
		{"single-region: other region", Trail{}, "us-east-1", euSG, false},
		{"multi-region: other region", Trail{IsMultiRegion: true}, "us-east-1", euSG, true},
		{"global event without global events", Trail{IsMultiRegion: true}, "us-east-1", iam, false},
		{"global event with global events", Trail{IsMultiRegion: true, IncludeGlobalServiceEvents: true}, "eu-west-1", iam, true},
		{"global event, single-region trail elsewhere", Trail{IncludeGlobalServiceEvents: true}, "eu-west-1", iam, false},
		{"write only: write", Trail{EventSelectors: sel("WriteOnly", true, nil)}, "us-east-1", sg, true},
		{"write only: read", Trail{EventSelectors: sel("WriteOnly", true, nil)}, "us-east-1", describe, false},
		{"read only: read", Trail{EventSelectors: sel("ReadOnly", true, nil)}, "us-east-1", describe, true},
		{"management excluded", Trail{EventSelectors: sel("All", false, nil)}, "us-east-1", sg, false},
		{"source excluded", Trail{EventSelectors: sel("All", true, []string{"kms.amazonaws.com"})}, "us-east-1", kms, false},
		{"other source kept", Trail{EventSelectors: sel("All", true, []string{"kms.amazonaws.com"})}, "us-east-1", sg, true},
		{"data: every object", Trail{EventSelectors: sel("All", false, nil, DataResource{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}})}, "us-east-1", put, true},
		{"data: the bucket", Trail{EventSelectors: sel("All", false, nil, DataResource{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::data-bucket/"}})}, "us-east-1", get, true},
		{"data: a prefix", Trail{EventSelectors: sel("All", false, nil, DataResource{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::data-bucket/logs/"}})}, "us-east-1", put, true},
		{"data: another prefix", Trail{EventSelectors: sel("All", false, nil, DataResource{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::data-bucket/img/"}})}, "us-east-1", put, false},
		{"data: a bucket whose name is a prefix", Trail{EventSelectors: sel("All", false, nil, DataResource{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::data"}})}, "us-east-1", put, false},
		{"data: write only, read", Trail{EventSelectors: sel("WriteOnly", false, nil, DataResource{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}})}, "us-east-1", get, false},
		{"data: other type", Trail{EventSelectors: sel("All", false, nil, DataResource{Type: "AWS::Lambda::Function", Values: []string{"arn:aws:lambda"}})}, "us-east-1", put, false},
		{"advanced: management", Trail{AdvancedEventSelectors: adv(FieldSelector{Field: "eventCategory", Equals: []string{"Management"}})}, "us-east-1", sg, true},
		{"advanced: management, not data", Trail{AdvancedEventSelectors: adv(FieldSelector{Field: "eventCategory", Equals: []string{"Management"}})}, "us-east-1", put, false},
		{"advanced: data of a type", Trail{AdvancedEventSelectors: adv(FieldSelector{Field: "eventCategory", Equals: []string{"Data"}},
			FieldSelector{Field: "resources.type", Equals: []string{"AWS::S3::Object"}})}, "us-east-1", put, true},
		{"advanced: writes", Trail{AdvancedEventSelectors: adv(FieldSelector{Field: "eventCategory", Equals: []string{"Management"}},
			FieldSelector{Field: "readOnly", Equals: []string{"false"}})}, "us-east-1", describe, false},
		{"advanced: not KMS", Trail{AdvancedEventSelectors: adv(FieldSelector{Field: "eventCategory", Equals: []string{"Management"}},
			FieldSelector{Field: "eventSource", NotEquals: []string{"kms.amazonaws.com"}})}, "us-east-1", kms, false},
		{"advanced: ARN prefix", Trail{AdvancedEventSelectors: adv(FieldSelector{Field: "eventCategory", Equals: []string{"Data"}},
			FieldSelector{Field: "resources.ARN", StartsWith: []string{"arn:aws:s3:::data-bucket/logs/"}})}, "us-east-1", put, true},
		{"advanced: not that ARN", Trail{AdvancedEventSelectors: adv(FieldSelector{Field: "eventCategory", Equals: []string{"Data"}},
			FieldSelector{Field: "resources.ARN", NotStartsWith: []string{"arn:aws:s3:::data-bucket/"}})}, "us-east-1", put, false},
		{"advanced: event name ends", Trail{AdvancedEventSelectors: adv(FieldSelector{Field: "eventCategory", Equals: []string{"Data"}},
			FieldSelector{Field: "eventName", EndsWith: []string{"Object"}}, FieldSelector{Field: "eventName", NotEndsWith: []string{"GetObject"}})}, "us-east-1", get, false},
	} {
		r := *tc.r
		r.lazy = &trailLazy{}
		if got := covers(&tc.trail, tc.home, &r); got != tc.want {
			t.Errorf("%s: covers = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestTrailRecordJSON: the record is valid JSON with CloudTrail's fields,
// and the console sign-in's identity.
func TestTrailRecordJSON(t *testing.T) {
	w := New()
	w.Now = func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 123, time.UTC) }
	w.AddAccount("111111111111", "a", "a@example.com")
	r := w.AppendTrailRecord(TrailRecord{Account: "111111111111", Region: "eu-west-1", EventSource: "ec2.amazonaws.com", EventName: "RunInstances",
		Identity: TrailIdentity{Type: "AssumedRole", PrincipalID: "AROA1:s", ARN: "arn:aws:sts::111111111111:assumed-role/R/s", AccountID: "111111111111",
			AccessKeyID: "ASIA1", IssuerPrincipalID: "AROA1", IssuerARN: "arn:aws:iam::111111111111:role/R", IssuerUserName: "R",
			SessionCreated: time.Date(2026, 6, 1, 11, 0, 0, 0, time.UTC)},
		ErrorCode: "Client.UnauthorizedOperation", ErrorMessage: "You are not authorized <to> \"do\" that\n",
		Details: TrailDetails{RequestParameters: json.RawMessage(`{"instanceType":"t3.micro"}`)}})
	var m map[string]any
	if err := json.Unmarshal(r.JSON(), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.JSON())
	}
	if m["eventTime"] != "2026-06-01T12:00:00Z" || m["errorMessage"] != "You are not authorized <to> \"do\" that\n" ||
		m["responseElements"] != nil || m["requestParameters"].(map[string]any)["instanceType"] != "t3.micro" {
		t.Errorf("record = %s", r.JSON())
	}
	if !regexp.MustCompile(`"sessionContext":\{"sessionIssuer":\{"type":"Role","principalId":"AROA1","arn":"arn:aws:iam::111111111111:role/R","accountId":"111111111111","userName":"R"\},"attributes":\{"creationDate":"2026-06-01T11:00:00Z","mfaAuthenticated":"false"\}\}`).Match(r.JSON()) {
		t.Errorf("sessionContext: %s", r.JSON())
	}
	if r.Identity.Username() != "s" {
		t.Errorf("Username = %q", r.Identity.Username())
	}
	if _, err := w.InjectConsoleLogin(ConsoleLogin{Account: "111111111111", User: "ghost", Success: false}); err != nil {
		t.Fatal(err)
	}
	l := w.TrailRecords("111111111111", "us-east-1")
	if len(l) != 1 || !strings.Contains(string(l[0].JSON()), `"userName":"HIDDEN_DUE_TO_SECURITY_REASONS"`) {
		t.Errorf("failed sign-in of an unknown user: %s", l[0].JSON())
	}
}

// TestTrailBounds: a ring keeps its newest Capacity records, the world
// its newest MaxRecords, and the bookkeeping of the order stays bounded.
func TestTrailBounds(t *testing.T) {
	w := New()
	w.Trail.Capacity, w.Trail.MaxRecords = 4, 10
	add := func(region string) {
		w.AppendTrailRecord(TrailRecord{Account: "1", Region: region, EventSource: "ec2.amazonaws.com", EventName: "X"})
	}
	seqs := func(region string) []uint64 {
		var out []uint64
		for _, r := range w.TrailRecords("1", region) {
			out = append(out, r.Seq)
		}
		return out
	}
	for i := 0; i < 6; i++ {
		add("a") // 1..6: a keeps 3..6
	}
	for i := 0; i < 4; i++ {
		add("b") // 7..10
	}
	for i := 0; i < 3; i++ {
		add("c") // 11..13: the world keeps 10, so a loses its oldest, 3
	}
	if got := seqs("a"); len(got) != 3 || got[0] != 4 {
		t.Errorf("a = %v, want [4 5 6]", got)
	}
	if got := seqs("b"); len(got) != 4 || got[0] != 7 {
		t.Errorf("b = %v", got)
	}
	if got := seqs("c"); len(got) != 3 {
		t.Errorf("c = %v", got)
	}
	for i := 0; i < 1000; i++ {
		add("a")
	}
	if n := len(w.Trail.order) - w.Trail.head; n > 2*10+1 || w.Trail.kept != 10 {
		t.Errorf("order holds %d entries, kept %d", n, w.Trail.kept)
	}
	if got := seqs("a"); len(got) != 4 || got[3] != 1013 {
		t.Errorf("a = %v", got)
	}
}
