package export

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	shapi "github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/report"
)

// BatchSize is the most findings BatchImportFindings takes in one call.
const BatchSize = 100

// Defaults of Options.
const (
	DefaultConcurrency = 8
	DefaultMaxRetries  = 5
	DefaultBackoff     = time.Second
	DefaultMaxBackoff  = 20 * time.Second
)

// Codes of findings rejected before Security Hub saw them.
const (
	// CodeInvalidFinding: the finding has no account or region, so it has
	// nowhere to go, or could not be written as ASFF.
	CodeInvalidFinding = "InvalidFinding"
	// CodeNoConfig: Options.ConfigFor gave no configuration for the target.
	CodeNoConfig = "NoConfiguration"
	// CodeCanceled: the export was canceled before the finding was sent.
	CodeCanceled = "Canceled"
	// CodeClientError: the call failed without an AWS error code.
	CodeClientError = "ClientError"
)

// Result is what SecurityHub did. Every finding it was given is either
// imported or in Rejected.
type Result struct {
	Imported int `json:"imported"`
	Failed   int `json:"failed"`
	// Targets are the (account, region) pairs, sorted.
	Targets []Target `json:"targets"`
	// Rejected are the findings not imported, with why, sorted by
	// account and region, then in the order given.
	Rejected []Rejection `json:"rejected,omitempty"`
}

// Target is the import into one (account, region).
type Target struct {
	Account  string `json:"account"`
	Region   string `json:"region"`
	Findings int    `json:"findings"`
	Imported int    `json:"imported"`
	Failed   int    `json:"failed"`
	// Calls counts BatchImportFindings calls (the SDK's own retries of a
	// call are not counted); Retries the calls that sent a batch again
	// because it was still throttled after the SDK's retries.
	Calls   int `json:"calls"`
	Retries int `json:"retries"`
	// Error says why some batches of the target failed as a whole
	// (access denied, Security Hub not enabled, throttled to death): the
	// first such error.
	Error string `json:"error,omitempty"`
}

// Rejection is a finding that was not imported.
type Rejection struct {
	FindingID   string `json:"finding_id"`
	Account     string `json:"account"`
	Region      string `json:"region"`
	Control     string `json:"control"`
	ResourceARN string `json:"resource_arn"`
	// Code is Security Hub's error code for the finding
	// (FailedFindings: "InvalidInput"), the code of the call that failed
	// ("AccessDeniedException", "LimitExceededException"), or one of the
	// Code* constants.
	Code    string `json:"code"`
	Message string `json:"message"`
}

// item is one finding on its way: where it came from and its ASFF.
type item struct {
	index int
	f     *finding.Finding
	asff  shtypes.AwsSecurityFinding
}

type targetKey struct{ account, region string }

// SecurityHub imports findings into AWS Security Hub with
// BatchImportFindings, each in its own account and region (Security Hub
// takes a finding of its default product only from the account the
// finding belongs to, in its region), at most BatchSize per call, as
// ASFF writes them.
//
// cfg is the base configuration; opts.ConfigFor, when set, gives the one
// for each (account, region), e.g. by assuming a role in the account.
// Targets are imported opts.Concurrency at a time, the batches of one
// target one after another. A throttled call is retried by the SDK's
// retryer (cfg's); a batch still throttled after that is sent again up to
// opts.MaxRetries times, with exponential backoff and jitter. A target
// that denies access (or has no Security Hub) stops at its first batch,
// and the other targets go on.
//
// Every finding ends up imported or in Result.Rejected, with Security
// Hub's error code and message for a finding it refused, or the error of
// the call that failed. The error is nil only when every finding was
// imported; otherwise it joins one error per failed target and the count
// of findings Security Hub refused, and wraps ctx's error if ctx ended.
func SecurityHub(ctx context.Context, cfg aws.Config, findings []finding.Finding, opts Options) (Result, error) {
	r, err := newResolver(opts)
	if err != nil {
		return Result{}, err
	}
	x := &importer{opts: opts, cfg: cfg}
	x.defaults()

	byTarget := map[targetKey]*targetRun{}
	var local []Rejection
	for i := range findings {
		f := &findings[i]
		if f.Account == "" || f.Region == "" {
			local = append(local, reject(f, CodeInvalidFinding, "the finding has no account or region to import it into"))
			continue
		}
		it, err := asffItem(r, i, f)
		if err != nil {
			local = append(local, reject(f, CodeInvalidFinding, err.Error()))
			continue
		}
		k := targetKey{f.Account, f.Region}
		t := byTarget[k]
		if t == nil {
			t = &targetRun{Target: Target{Account: k.account, Region: k.region}}
			byTarget[k] = t
		}
		t.items = append(t.items, it)
		t.Findings++
	}
	runs := make([]*targetRun, 0, len(byTarget))
	for _, t := range byTarget {
		runs = append(runs, t)
	}
	slices.SortFunc(runs, func(a, b *targetRun) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})

	var g errgroup.Group
	g.SetLimit(x.opts.Concurrency)
	for _, t := range runs {
		g.Go(func() error {
			x.run(ctx, t)
			return nil
		})
	}
	g.Wait()

	var res Result
	var errs []error
	refused := 0
	res.Rejected = append(res.Rejected, local...)
	for _, t := range runs {
		res.Targets = append(res.Targets, t.Target)
		res.Imported += t.Imported
		res.Rejected = append(res.Rejected, t.rejected...)
		if t.err != nil {
			errs = append(errs, fmt.Errorf("export securityhub %s/%s: %w", t.Account, t.Region, t.err))
		}
		refused += t.refused
	}
	res.Failed = len(res.Rejected)
	slices.SortStableFunc(res.Rejected, func(a, b Rejection) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	if len(local) > 0 {
		errs = append(errs, fmt.Errorf("export securityhub: %d findings could not be written as ASFF (first: %s: %s)", len(local), local[0].FindingID, local[0].Message))
	}
	if refused > 0 {
		errs = append(errs, fmt.Errorf("export securityhub: Security Hub refused %d findings", refused))
	}
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	return res, errors.Join(errs...)
}

func asffItem(r *resolver, i int, f *finding.Finding) (item, error) {
	b, err := report.ASFFEntry(r.entry(f), r.reportOptions())
	if err != nil {
		return item{}, err
	}
	it := item{index: i, f: f}
	if err := json.Unmarshal(b, &it.asff); err != nil {
		return item{}, fmt.Errorf("asff: %w", err)
	}
	return it, nil
}

func reject(f *finding.Finding, code, msg string) Rejection {
	return Rejection{FindingID: f.ID, Account: f.Account, Region: f.Region, Control: f.Control, ResourceARN: f.ResourceARN,
		Code: code, Message: msg}
}

// importer holds what every target's import shares.
type importer struct {
	opts Options
	cfg  aws.Config
}

func (x *importer) defaults() {
	o := &x.opts
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.MaxRetries < 0 {
		o.MaxRetries = 0
	} else if o.MaxRetries == 0 {
		o.MaxRetries = DefaultMaxRetries
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
}

// targetRun is one target's import in progress.
type targetRun struct {
	Target
	items    []item
	rejected []Rejection
	// refused counts findings Security Hub refused one by one.
	refused int
	err     error
}

// fail rejects items with err, and records err as the target's.
func (t *targetRun) fail(items []item, code string, err error) {
	for _, it := range items {
		t.rejected = append(t.rejected, reject(it.f, code, awsx.Brief(err)))
	}
	t.Failed += len(items)
	if t.err == nil {
		t.err = err
		t.Error = awsx.Describe(err)
	}
}

func (x *importer) config(account, region string) (aws.Config, error) {
	if x.opts.ConfigFor != nil {
		return x.opts.ConfigFor(account, region)
	}
	c := x.cfg.Copy()
	c.Region = region
	return c, nil
}

// run imports one target's findings, batch after batch.
func (x *importer) run(ctx context.Context, t *targetRun) {
	if err := ctx.Err(); err != nil {
		t.fail(t.items, CodeCanceled, err)
		return
	}
	cfg, err := x.config(t.Account, t.Region)
	if err != nil {
		t.fail(t.items, CodeNoConfig, fmt.Errorf("configuration: %w", err))
		return
	}
	client := shapi.NewFromConfig(cfg)
	for start := 0; start < len(t.items); start += BatchSize {
		batch := t.items[start:min(start+BatchSize, len(t.items))]
		out, err := x.send(ctx, client, batch, t)
		if err != nil {
			if ctx.Err() != nil {
				t.fail(t.items[start:], CodeCanceled, err)
				return
			}
			code := awsx.Code(err)
			if code == "" {
				code = CodeClientError
			}
			switch awsx.Classify(err) {
			case awsx.AccessDenied, awsx.RegionDisabled:
				// The next batches would be refused the same way.
				t.fail(t.items[start:], code, err)
				return
			}
			t.fail(batch, code, err)
			continue
		}
		t.collect(batch, out)
	}
}

// collect counts what a call imported and rejects what it refused.
func (t *targetRun) collect(batch []item, out *shapi.BatchImportFindingsOutput) {
	byID := make(map[string]*item, len(batch))
	for i := range batch {
		byID[aws.ToString(batch[i].asff.Id)] = &batch[i]
	}
	failed := 0
	for _, ff := range out.FailedFindings {
		it := byID[aws.ToString(ff.Id)]
		if it == nil {
			continue // not one of ours: nothing to attribute it to
		}
		delete(byID, aws.ToString(ff.Id))
		t.rejected = append(t.rejected, reject(it.f, aws.ToString(ff.ErrorCode), aws.ToString(ff.ErrorMessage)))
		failed++
	}
	t.Failed += failed
	t.refused += failed
	t.Imported += len(batch) - failed
}

// send makes one BatchImportFindings call for batch, sending it again
// while it is throttled after the SDK's own retries, up to MaxRetries
// times.
func (x *importer) send(ctx context.Context, client *shapi.Client, batch []item, t *targetRun) (*shapi.BatchImportFindingsOutput, error) {
	in := &shapi.BatchImportFindingsInput{Findings: make([]shtypes.AwsSecurityFinding, len(batch))}
	for i := range batch {
		in.Findings[i] = batch[i].asff
	}
	for attempt := 0; ; attempt++ {
		t.Calls++
		out, err := client.BatchImportFindings(ctx, in)
		if err == nil {
			return out, nil
		}
		if !throttled(err) || attempt >= x.opts.MaxRetries {
			return nil, err
		}
		t.Retries++
		if err := sleep(ctx, x.backoff(attempt)); err != nil {
			return nil, err
		}
	}
}

// throttled reports whether err is a throttling answer, as the SDK's
// retryer judges it (Security Hub says LimitExceededException) or as
// awsx classifies it.
func throttled(err error) bool {
	return retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err).Bool() || awsx.Classify(err) == awsx.Throttled
}

// backoff is the wait before sending a batch again for the attempt-th
// time (0 first): Backoff doubled per attempt, at most MaxBackoff, of
// which a random half.
func (x *importer) backoff(attempt int) time.Duration {
	d := x.opts.Backoff
	for i := 0; i < attempt && d < x.opts.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, x.opts.MaxBackoff)
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
