package watch

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// Accounts and regions of the tests' records.
const (
	acctA = "111111111111"
	acctB = "222222222222"
	euw1  = "eu-west-1"
	use1  = "us-east-1"
)

// t0 is when the tests' events happen.
var t0 = time.Date(2026, 6, 1, 11, 50, 0, 0, time.UTC)

// rec is a CloudTrail record for tests, encoded with the real schema's
// fields (about 1.2 KB each, as records are).
type rec struct {
	id, name, source, account, region string
	at                                time.Time
	identity                          string // IAMUser (default), Root, AssumedRole
	errorCode                         string
	readOnly                          bool
	params, response, extra           map[string]any
	drop                              string // a field to leave out
}

func (r rec) record() map[string]any {
	identity := r.identity
	if identity == "" {
		identity = "IAMUser"
	}
	arn := "arn:aws:iam::" + r.account + ":user/alice"
	if identity == "Root" {
		arn = "arn:aws:iam::" + r.account + ":root"
	}
	at := r.at
	if at.IsZero() {
		at = t0
	}
	m := map[string]any{
		"eventVersion": "1.09",
		"userIdentity": map[string]any{"type": identity, "principalId": "AIDAEXAMPLE", "arn": arn, "accountId": r.account,
			"accessKeyId": "AKIAEXAMPLE", "userName": "alice",
			"sessionContext": map[string]any{"attributes": map[string]any{"creationDate": at.Add(-time.Hour).Format(time.RFC3339), "mfaAuthenticated": "false"}}},
		"eventTime":          at.Format(time.RFC3339),
		"eventSource":        r.source,
		"eventName":          r.name,
		"awsRegion":          r.region,
		"sourceIPAddress":    "203.0.113.7",
		"userAgent":          "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.amzn.2023 prompt/off command/" + strings.ToLower(r.name),
		"requestParameters":  r.params,
		"responseElements":   r.response,
		"requestID":          "req-" + r.id,
		"eventID":            r.id,
		"readOnly":           r.readOnly,
		"eventType":          "AwsApiCall",
		"managementEvent":    true,
		"recipientAccountId": r.account,
		"eventCategory":      "Management",
		"tlsDetails":         map[string]any{"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": "api.example.amazonaws.com"},
	}
	if r.errorCode != "" {
		m["errorCode"], m["errorMessage"] = r.errorCode, "User is not authorized to perform this operation"
	}
	for k, v := range r.extra {
		m[k] = v
	}
	if r.drop != "" {
		delete(m, r.drop)
	}
	return m
}

func (r rec) json() []byte {
	b, err := json.Marshal(r.record())
	if err != nil {
		panic(err)
	}
	return b
}

// logJSON is a log file of recs: {"Records": [...]}.
func logJSON(recs ...rec) []byte {
	var all []map[string]any
	for _, r := range recs {
		all = append(all, r.record())
	}
	b, err := json.Marshal(map[string]any{"Records": all})
	if err != nil {
		panic(err)
	}
	return b
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// The incident the tests replay: SSH opened to the world in account A,
// a trail stopped in account B, the root user signing in to A's console,
// a bucket policy made public in B; and, around them, reads and an event
// of another kind, which must not alert, and a denied call.
var (
	evSSH = rec{id: "ev-ssh", name: "AuthorizeSecurityGroupIngress", source: "ec2.amazonaws.com", account: acctA, region: euw1,
		params: map[string]any{"groupId": "sg-0123456789abcdef0", "ipPermissions": map[string]any{"items": []any{map[string]any{
			"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": map[string]any{"items": []any{map[string]any{"cidrIp": "0.0.0.0/0"}}}}}}},
		response: map[string]any{"_return": true}}
	evStop = rec{id: "ev-stop", name: "StopLogging", source: "cloudtrail.amazonaws.com", account: acctB, region: use1, at: t0.Add(time.Minute),
		params: map[string]any{"name": "arn:aws:cloudtrail:us-east-1:" + acctB + ":trail/org-trail"}}
	evRoot = rec{id: "ev-root", name: "ConsoleLogin", source: "signin.amazonaws.com", account: acctA, region: use1, identity: "Root", at: t0.Add(2 * time.Minute),
		response: map[string]any{"ConsoleLogin": "Success"},
		extra:    map[string]any{"additionalEventData": map[string]any{"LoginTo": "https://console.aws.amazon.com/", "MobileVersion": "No", "MFAUsed": "No"}}}
	evPolicy = rec{id: "ev-policy", name: "PutBucketPolicy", source: "s3.amazonaws.com", account: acctB, region: euw1, at: t0.Add(3 * time.Minute),
		params: map[string]any{"bucketName": "public-reports", "bucketPolicy": map[string]any{"Version": "2012-10-17",
			"Statement": []any{map[string]any{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public-reports/*"}}}}}
	evRead   = rec{id: "ev-read", name: "DescribeInstances", source: "ec2.amazonaws.com", account: acctA, region: euw1, readOnly: true}
	evDenied = rec{id: "ev-denied", name: "StopLogging", source: "cloudtrail.amazonaws.com", account: acctA, region: use1, errorCode: "AccessDenied",
		params: map[string]any{"name": "org-trail"}}
	evTag = rec{id: "ev-tag", name: "CreateTags", source: "ec2.amazonaws.com", account: acctA, region: euw1,
		params: map[string]any{"resourcesSet": map[string]any{"items": []any{map[string]any{"resourceId": "i-1"}}}}}
)

// rulesOf are the built-in rules each event of the incident matches,
// and resourceOf the resource its alerts name.
var (
	rulesOf = map[string][]string{
		"ev-ssh":    {"CIS.4.10", "GR.SecurityGroupOpenToInternet"},
		"ev-stop":   {"CIS.4.5", "GR.CloudTrailStopped"},
		"ev-root":   {"CIS.4.2", "CIS.4.3", "GR.ConsoleLogin", "GR.RootConsoleLogin"},
		"ev-policy": {"CIS.4.8"},
		// An unauthorized call is CIS 4.1's, and CIS 4.5's pattern does
		// not look at the outcome.
		"ev-denied": {"CIS.4.1", "CIS.4.5"},
	}
	resourceOfEvent = map[string]string{
		"ev-ssh":    "arn:aws:ec2:eu-west-1:" + acctA + ":security-group/sg-0123456789abcdef0",
		"ev-stop":   "arn:aws:cloudtrail:us-east-1:" + acctB + ":trail/org-trail",
		"ev-root":   "AWS::::Account:" + acctA,
		"ev-policy": "arn:aws:s3:::public-reports",
		"ev-denied": "arn:aws:cloudtrail:us-east-1:" + acctA + ":trail/org-trail",
	}
)

// expect returns the alerts events make, as alertsOf lists them.
func expect(events ...string) []string {
	var out []string
	for _, ev := range events {
		for _, r := range rulesOf[ev] {
			out = append(out, ev+" "+r+" "+resourceOfEvent[ev])
		}
	}
	sort.Strings(out)
	return out
}

// incidentAlerts are the alerts of the incident's events.
var incidentAlerts = expect("ev-ssh", "ev-stop", "ev-root", "ev-policy")

// alertsOf lists the stored alerts as "event rule resource", sorted.
func alertsOf(t testing.TB, st store.Store) []string {
	t.Helper()
	as, _, err := st.Alerts(context.Background(), store.AlertFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range as {
		out = append(out, a.EventID+" "+a.Rule+" "+a.Resource)
	}
	sort.Strings(out)
	return out
}

// openStore opens a new SQLite store in the test's directory.
func openStore(t testing.TB) (store.Store, string) {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "guardrail.db")
	st, err := store.OpenWith(context.Background(), dsn, store.Options{Now: func() time.Time { return t0.Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, dsn
}

func mustRules(t testing.TB) *RuleSet {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Rules("", cat)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func fmtErrs(errs []store.WatchError) string {
	var out []string
	for _, e := range errs {
		out = append(out, fmt.Sprintf("%s@%d %s", e.Origin, e.Offset, e.Kind))
	}
	return strings.Join(out, "; ")
}
