package export_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	shapi "github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/smithy-go/middleware"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/export"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
)

// The simulator's accounts, and the regions findings are exported to.
const (
	acctA = simtest.Management
	acctB = simtest.Member
)

type target struct{ account, region string }

// sizes are how many findings each target gets: enough for several
// batches, and one that is exactly one over a batch.
var sizes = map[target]int{
	{acctA, "eu-west-1"}: 250,
	{acctA, "us-east-1"}: 130,
	{acctB, "eu-west-1"}: 101,
	{acctB, "us-east-1"}: 40,
}

func batches(n int) int { return (n + export.BatchSize - 1) / export.BatchSize }

// many returns the findings of every target in sizes: failing, some
// suppressed, some notified with a note, some resolved.
func many() []finding.Finding {
	cat := testCatalog()
	var out []finding.Finding
	for _, k := range []target{{acctA, "eu-west-1"}, {acctA, "us-east-1"}, {acctB, "eu-west-1"}, {acctB, "us-east-1"}} {
		for i := range sizes[k] {
			o := observation(cat, "EC2.19", control.Failed, sg(k.account, k.region, fmt.Sprintf("sg-%08d", i), ""), "port 22 open to 0.0.0.0/0")
			f, _ := finding.Observe(nil, o, "scan-1", day(1))
			switch i % 10 {
			case 3:
				f, _ = finding.Suppress(f, "accepted", "alice", time.Time{}, day(2))
			case 5:
				f.Workflow, f.UpdatedAt = finding.Notified, day(2)
				f.Notes = []finding.Note{{Text: "ticket SEC-" + fmt.Sprint(i), By: "alice", At: day(2)}}
			case 7:
				o.Result.Status = control.Passed
				f, _ = finding.Observe(&f, o, "scan-2", day(2))
			}
			out = append(out, f)
		}
	}
	return out
}

// env is a simulator with Security Hub enabled for both accounts in
// both regions, and a record of the BatchImportFindings calls made.
type env struct {
	s *simtest.Sim

	mu       sync.Mutex
	calls    map[target][]int // findings per call
	inflight int
	peak     int
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{s: simtest.Start(t, nil), calls: map[target][]int{}}
	for k := range sizes {
		c := shapi.NewFromConfig(e.s.Config(t, k.account, k.region, 3))
		if _, err := c.EnableSecurityHub(context.Background(), &shapi.EnableSecurityHubInput{}); err != nil {
			t.Fatalf("enable Security Hub in %v: %v", k, err)
		}
	}
	return e
}

// fastRetryer is the SDK's standard retryer, as the product configures
// it, with short waits so throttling tests run in a second.
func fastRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 5 * time.Millisecond, nil })
		o.RateLimiter = ratelimit.None
	})
}

// config returns the configuration of account in region, recording each
// BatchImportFindings call (not the SDK's retries of it).
func (e *env) config(t *testing.T, account, region string) aws.Config {
	cfg := e.s.Config(t, account, region, 3)
	cfg.Retryer = fastRetryer
	k := target{account, region}
	cfg.APIOptions = append(cfg.APIOptions, func(st *middleware.Stack) error {
		return st.Initialize.Add(middleware.InitializeMiddlewareFunc("countBatches",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				p, ok := in.Parameters.(*shapi.BatchImportFindingsInput)
				if !ok {
					return next.HandleInitialize(ctx, in)
				}
				e.mu.Lock()
				e.calls[k] = append(e.calls[k], len(p.Findings))
				e.inflight++
				e.peak = max(e.peak, e.inflight)
				e.mu.Unlock()
				defer func() {
					e.mu.Lock()
					e.inflight--
					e.mu.Unlock()
				}()
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	})
	return cfg
}

// options import each target as its own account.
func (e *env) options(t *testing.T) export.Options {
	o := opts
	o.ConfigFor = func(account, region string) (aws.Config, error) { return e.config(t, account, region), nil }
	o.Backoff, o.MaxBackoff = 20*time.Millisecond, 200*time.Millisecond
	return o
}

// readBack returns the findings Security Hub holds for a target, by Id.
func (e *env) readBack(t *testing.T, k target) map[string]map[string]string {
	t.Helper()
	c := shapi.NewFromConfig(e.s.Config(t, k.account, k.region, 3))
	got := map[string]map[string]string{}
	p := shapi.NewGetFindingsPaginator(c, &shapi.GetFindingsInput{MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("read back %v: %v", k, err)
		}
		for _, f := range out.Findings {
			note := ""
			if f.Note != nil {
				note = aws.ToString(f.Note.Text)
			}
			got[aws.ToString(f.Id)] = map[string]string{"account": aws.ToString(f.AwsAccountId), "region": aws.ToString(f.Region),
				"workflow": string(f.Workflow.Status), "record": string(f.RecordState), "compliance": string(f.Compliance.Status), "note": note}
		}
	}
	return got
}

// accounted checks that every finding was imported or rejected, once.
func accounted(t *testing.T, fs []finding.Finding, res export.Result) {
	t.Helper()
	if res.Imported+len(res.Rejected) != len(fs) || res.Failed != len(res.Rejected) {
		t.Errorf("%d imported + %d rejected (Failed %d) for %d findings", res.Imported, len(res.Rejected), res.Failed, len(fs))
	}
	imported := 0
	for _, tr := range res.Targets {
		if tr.Imported+tr.Failed != tr.Findings {
			t.Errorf("target %s/%s: %d imported + %d failed of %d", tr.Account, tr.Region, tr.Imported, tr.Failed, tr.Findings)
		}
		imported += tr.Imported
	}
	if imported != res.Imported {
		t.Errorf("targets imported %d, result %d", imported, res.Imported)
	}
	seen := map[string]bool{}
	for _, r := range res.Rejected {
		if seen[r.FindingID] || r.Code == "" || r.Message == "" {
			t.Errorf("rejection %+v (twice: %v)", r, seen[r.FindingID])
		}
		seen[r.FindingID] = true
	}
}

func targetOf(res export.Result, k target) export.Target {
	for _, tr := range res.Targets {
		if tr.Account == k.account && tr.Region == k.region {
			return tr
		}
	}
	return export.Target{}
}

// TestSecurityHub exports a few hundred findings across two accounts and
// two regions, and reads them back: every finding is in its own account
// and region, with its workflow, record state and note, and no call
// carried more than 100.
func TestSecurityHub(t *testing.T) {
	e := newEnv(t)
	fs := many()
	o := e.options(t)
	o.Concurrency = 2
	res, err := export.SecurityHub(context.Background(), aws.Config{}, fs, o)
	if err != nil {
		t.Fatal(err)
	}
	accounted(t, fs, res)
	if res.Imported != len(fs) || res.Failed != 0 || len(res.Targets) != len(sizes) {
		t.Fatalf("imported %d of %d, %d failed, %d targets: %+v", res.Imported, len(fs), res.Failed, len(res.Targets), res.Rejected)
	}
	for k, n := range sizes {
		calls := e.calls[k]
		total := 0
		for _, c := range calls {
			if c < 1 || c > 100 {
				t.Errorf("%v: a call with %d findings", k, c)
			}
			total += c
		}
		if len(calls) != batches(n) || total != n || targetOf(res, k).Calls != len(calls) {
			t.Errorf("%v: %d findings in calls %v (result says %d calls), want %d in %d calls", k, total, calls, targetOf(res, k).Calls, n, batches(n))
		}
	}
	if e.peak > o.Concurrency {
		t.Errorf("%d calls at once, concurrency %d", e.peak, o.Concurrency)
	}

	want := map[target]map[string]finding.Finding{}
	for _, f := range fs {
		k := target{f.Account, f.Region}
		if want[k] == nil {
			want[k] = map[string]finding.Finding{}
		}
		want[k]["guardrail/"+f.Control+"/"+f.ID] = f
	}
	check := func() {
		t.Helper()
		for k := range sizes {
			got := e.readBack(t, k)
			if len(got) != len(want[k]) {
				t.Errorf("%v: %d findings read back, %d exported", k, len(got), len(want[k]))
			}
			for id, f := range want[k] {
				g := got[id]
				record, note := "ACTIVE", ""
				if f.Workflow == finding.Resolved {
					record = "ARCHIVED"
				}
				if len(f.Notes) > 0 {
					note = f.Notes[0].Text
				}
				if g == nil || g["account"] != k.account || g["region"] != k.region || g["workflow"] != string(f.Workflow) ||
					g["record"] != record || g["compliance"] != string(f.Compliance) || g["note"] != note {
					t.Errorf("%v: %s read back as %v, exported %s %s %s", k, id, g, f.Workflow, f.Compliance, note)
				}
			}
		}
	}
	check()

	// The next export updates the same findings.
	res, err = export.SecurityHub(context.Background(), aws.Config{}, fs, o)
	if err != nil || res.Imported != len(fs) {
		t.Fatalf("again: %d imported, %v", res.Imported, err)
	}
	check()
}

// TestSecurityHubThrottlingStorm throttles Security Hub to a few calls a
// second per account and region: batches still throttled after the SDK's
// retries are sent again, and everything is imported.
func TestSecurityHubThrottlingStorm(t *testing.T) {
	e := newEnv(t)
	e.s.SetFaults(sim.Faults{Throttle: true, Limits: map[string]sim.Limit{"securityhub": {Rate: 2, Burst: 1}}})
	fs := many()
	o := e.options(t)
	o.MaxRetries = 50
	res, err := export.SecurityHub(context.Background(), aws.Config{}, fs, o)
	if err != nil {
		t.Fatal(err)
	}
	accounted(t, fs, res)
	st := e.s.Stats()
	retries := 0
	for _, tr := range res.Targets {
		retries += tr.Retries
	}
	t.Logf("%d findings, %d simulator calls, %d throttled, %d batches sent again", res.Imported, st.Calls, st.Throttled, retries)
	if res.Imported != len(fs) {
		t.Errorf("imported %d of %d: %+v", res.Imported, len(fs), res.Rejected)
	}
	if st.Throttled == 0 || retries == 0 {
		t.Errorf("no storm: %d throttled calls, %d batches sent again", st.Throttled, retries)
	}
	e.s.SetFaults(sim.Faults{})
	for k, n := range sizes {
		if got := e.readBack(t, k); len(got) != n {
			t.Errorf("%v: %d findings read back, %d exported", k, len(got), n)
		}
	}
}

// TestSecurityHubThrottledToDeath gives up on a batch after MaxRetries,
// and reports its findings with the throttling error.
func TestSecurityHubThrottledToDeath(t *testing.T) {
	e := newEnv(t)
	e.s.SetFaults(sim.Faults{Throttle: true, Limits: map[string]sim.Limit{"securityhub": {Rate: 1e-9, Burst: 0}}})
	var fs []finding.Finding
	for _, f := range many() {
		if f.Account == acctA && f.Region == "us-east-1" {
			fs = append(fs, f)
		}
	}
	o := e.options(t)
	o.MaxRetries = 2
	res, err := export.SecurityHub(context.Background(), aws.Config{}, fs, o)
	accounted(t, fs, res)
	k := target{acctA, "us-east-1"}
	tr := targetOf(res, k)
	n := batches(sizes[k])
	if res.Imported != 0 || tr.Calls != 3*n || tr.Retries != 2*n || !strings.Contains(tr.Error, "LimitExceededException") {
		t.Errorf("imported %d; target %+v; want %d calls, %d retries", res.Imported, tr, 3*n, 2*n)
	}
	for _, r := range res.Rejected {
		if r.Code != "LimitExceededException" {
			t.Errorf("rejected %+v", r)
		}
	}
	if err == nil || !strings.Contains(err.Error(), acctA+"/us-east-1") {
		t.Errorf("error %v", err)
	}
}

// TestSecurityHubRejectsFinding: a finding Security Hub refuses lands in
// Rejected with its reason; the rest of its batch is imported.
func TestSecurityHubRejectsFinding(t *testing.T) {
	e := newEnv(t)
	fs := many()
	bad := &fs[17]
	bad.ResourceARN = "" // Resources[0].Id is required
	res, err := export.SecurityHub(context.Background(), aws.Config{}, fs, e.options(t))
	accounted(t, fs, res)
	if res.Imported != len(fs)-1 || len(res.Rejected) != 1 {
		t.Fatalf("imported %d of %d, rejected %+v", res.Imported, len(fs), res.Rejected)
	}
	r := res.Rejected[0]
	if r.FindingID != bad.ID || r.Account != bad.Account || r.Region != bad.Region || r.Code != "InvalidInput" || !strings.Contains(r.Message, "Resources[0]") {
		t.Errorf("rejected %+v", r)
	}
	if tr := targetOf(res, target{bad.Account, bad.Region}); tr.Failed != 1 || tr.Error != "" {
		t.Errorf("target %+v", tr)
	}
	if err == nil || !strings.Contains(err.Error(), "refused 1 findings") {
		t.Errorf("error %v", err)
	}
}

// TestSecurityHubAccessDenied: an account that cannot import is reported,
// each of its findings rejected after one call per target, and the other
// account is imported.
func TestSecurityHubAccessDenied(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, e *env, o *export.Options)
		code  string
	}{
		{"denied by policy", func(t *testing.T, e *env, o *export.Options) {
			e.s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: acctB, Service: "securityhub", Action: "BatchImportFindings"}}})
		}, "AccessDeniedException"},
		{"credentials of another account", func(t *testing.T, e *env, o *export.Options) {
			o.ConfigFor = func(account, region string) (aws.Config, error) { return e.config(t, acctA, region), nil }
		}, "AccessDeniedException"},
		{"Security Hub not enabled", func(t *testing.T, e *env, o *export.Options) {
			for _, region := range []string{"eu-west-1", "us-east-1"} {
				c := shapi.NewFromConfig(e.s.Config(t, acctB, region, 3))
				if _, err := c.DisableSecurityHub(context.Background(), &shapi.DisableSecurityHubInput{}); err != nil {
					t.Fatal(err)
				}
			}
		}, "InvalidAccessException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			o := e.options(t)
			tc.setup(t, e, &o)
			fs := many()
			res, err := export.SecurityHub(context.Background(), aws.Config{}, fs, o)
			accounted(t, fs, res)
			for k, n := range sizes {
				tr := targetOf(res, k)
				if k.account == acctA {
					if tr.Imported != n || tr.Error != "" {
						t.Errorf("%v: %+v", k, tr)
					}
					continue
				}
				if tr.Imported != 0 || tr.Failed != n || tr.Calls != 1 || !strings.Contains(tr.Error, tc.code) {
					t.Errorf("%v: %+v, want %d failed after one call with %s", k, tr, n, tc.code)
				}
				if err == nil || !strings.Contains(err.Error(), k.account+"/"+k.region) {
					t.Errorf("error %v does not name %v", err, k)
				}
			}
			for _, r := range res.Rejected {
				if r.Account != acctB || r.Code != tc.code {
					t.Errorf("rejected %+v", r)
				}
			}
			if err != nil && strings.Contains(err.Error(), "securityhub "+acctA+"/") {
				t.Errorf("error names the account that imported: %v", err)
			}
		})
	}
}

// TestSecurityHubLocalFailures: findings that never reach Security Hub
// are rejected with why, without a call.
func TestSecurityHubLocalFailures(t *testing.T) {
	e := newEnv(t)
	fs := many()
	fs[0].Region = ""
	o := e.options(t)
	o.ConfigFor = func(account, region string) (aws.Config, error) {
		if account == acctB {
			return aws.Config{}, errors.New("assume role arn:aws:iam::222222222222:role/GuardrailExport: AccessDenied")
		}
		return e.config(t, account, region), nil
	}
	res, err := export.SecurityHub(context.Background(), aws.Config{}, fs, o)
	accounted(t, fs, res)
	codes := map[string]int{}
	for _, r := range res.Rejected {
		codes[r.Code]++
	}
	nB := sizes[target{acctB, "eu-west-1"}] + sizes[target{acctB, "us-east-1"}]
	if codes[export.CodeInvalidFinding] != 1 || codes[export.CodeNoConfig] != nB || res.Imported != len(fs)-1-nB {
		t.Errorf("rejections %v, imported %d", codes, res.Imported)
	}
	if err == nil || !strings.Contains(err.Error(), "GuardrailExport") || !strings.Contains(err.Error(), fs[0].ID) {
		t.Errorf("error %v", err)
	}
	if n := len(e.calls[target{acctB, "eu-west-1"}]); n != 0 {
		t.Errorf("%d calls without a configuration", n)
	}

	// Canceled: nothing is sent, everything is reported.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err = export.SecurityHub(ctx, aws.Config{}, many(), e.options(t))
	accounted(t, many(), res)
	if !errors.Is(err, context.Canceled) || res.Imported != 0 || res.Rejected[0].Code != export.CodeCanceled {
		t.Errorf("canceled: %v, %d imported, %+v", err, res.Imported, res.Rejected[0])
	}
}

// TestSecurityHubBaseConfig: without ConfigFor, cfg imports in every
// region of the findings (here, one account's).
func TestSecurityHubBaseConfig(t *testing.T) {
	e := newEnv(t)
	var fs []finding.Finding
	for _, f := range many() {
		if f.Account == acctB {
			fs = append(fs, f)
		}
	}
	res, err := export.SecurityHub(context.Background(), e.config(t, acctB, "ap-southeast-2"), fs, opts)
	accounted(t, fs, res)
	if err != nil || res.Imported != len(fs) {
		t.Fatalf("imported %d of %d: %v", res.Imported, len(fs), err)
	}
	for _, region := range []string{"eu-west-1", "us-east-1"} {
		k := target{acctB, region}
		if got := e.readBack(t, k); len(got) != sizes[k] {
			t.Errorf("%v: %d findings read back, %d exported", k, len(got), sizes[k])
		}
	}
}
