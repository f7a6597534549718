// Package ratelimit keeps Guardrail's AWS calls under the request rates
// AWS allows, with one token bucket per (account, region, service), and
// counts the calls made. It is installed as SDK middleware on each
// account's configuration, so every collector is limited without knowing
// it; each attempt (retries included) takes a token.
//
// AWS throttles per account and region for each service (IAM and
// Organizations per account, on their single global endpoint), so buckets
// are keyed the same way and buckets of different accounts never slow
// each other down.
package ratelimit

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

// Limit is a bucket: Rate requests per second, Burst at once.
type Limit struct {
	Rate  float64
	Burst int
}

// DefaultLimits are the request rates AWS documents or that are observed
// for the read calls Guardrail makes, per (account, region, service),
// keyed by the service's signing name.
//
//   - ec2: non-mutating actions, bucket 100, refill 20/s
//     https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
//   - iam: global per account; AWS does not publish it, ~20/s observed.
//   - sts: 600 requests/s per account and region
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
//   - organizations: ~10/s observed, shared by the whole organization.
//   - cloudtrail: 10/s for Describe*/Get* (CloudTrail quotas page)
//     https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html
//   - config: 12/s for Describe* (AWS Config service limits).
//   - s3: bucket-configuration reads are not published; generous.
//   - apigateway: the management API (REST and v2 alike) allows 10
//     requests per second with a burst of 40 per account, all
//     operations together ("Total operations" in the API Gateway
//     quotas) https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
//   - kinesis: DescribeStreamSummary 20/s per account, ListStreams 5/s
//     (the Kinesis API reference of each operation).
//   - route53: five requests per second per account, all operations
//     (Route 53 quotas, "Number of requests to the Route 53 API").
//   - everything else: 20/s, burst 40, the order of the documented
//     control-plane quotas.
//
// A key "service:Operation" limits one operation on its own, on top of
// its service's bucket:
//
//   - cloudtrail:LookupEvents: two per second per account and region
//     (the LookupEvents API reference: "The rate of lookup requests is
//     limited to two per second, per account, per Region")
//     https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
var DefaultLimits = map[string]Limit{
	"ec2":           {Rate: 20, Burst: 100},
	"iam":           {Rate: 20, Burst: 40},
	"sts":           {Rate: 600, Burst: 600},
	"organizations": {Rate: 10, Burst: 20},
	"s3":            {Rate: 100, Burst: 200},
	"cloudtrail":    {Rate: 10, Burst: 20},
	"config":        {Rate: 12, Burst: 24},
	"apigateway":    {Rate: 10, Burst: 40},
	"kinesis":       {Rate: 20, Burst: 20},
	"route53":       {Rate: 5, Burst: 5},

	"cloudtrail:LookupEvents": {Rate: 2, Burst: 2},
	"kinesis:ListStreams":     {Rate: 5, Burst: 5},
}

// DefaultLimit applies to services not in DefaultLimits.
var DefaultLimit = Limit{Rate: 20, Burst: 40}

// signingNames maps SDK service IDs to signing names, where they differ
// from the lower-cased ID.
var signingNames = map[string]string{
	"S3 Control":      "s3",
	"Config Service":  "config",
	"AccessAnalyzer":  "access-analyzer",
	"CloudWatch Logs": "logs",
	"CloudWatch":      "monitoring",
	"ApiGatewayV2":    "apigateway",

	"Network Firewall": "network-firewall",
}

// globalServices sign every call in the partition's global region.
var globalServices = map[string]bool{"iam": true, "organizations": true, "account": true, "cloudfront": true, "route53": true}

// serviceNames caches Service: it runs for every attempt.
var serviceNames sync.Map // service ID → signing name

// Service returns the signing name of an SDK service ID ("Config
// Service" is "config").
func Service(serviceID string) string {
	if s, ok := serviceNames.Load(serviceID); ok {
		return s.(string)
	}
	s, ok := signingNames[serviceID]
	if !ok {
		s = strings.ToLower(strings.ReplaceAll(serviceID, " ", ""))
	}
	serviceNames.Store(serviceID, s)
	return s
}

type key struct{ account, region, service string }

// Limiter holds the buckets and the call counters.
type Limiter struct {
	limits map[string]Limit
	def    Limit

	// opLimited are the services with a limit of their own for some
	// operation ("service:Operation" keys of limits).
	opLimited map[string]bool

	mu sync.Mutex
	// buckets are by account, then key: Forget drops an account's.
	buckets map[string]map[key]*rate.Limiter

	ops      atomic.Int64
	attempts atomic.Int64
	failed   atomic.Int64
}

// New returns a limiter with limits (DefaultLimits when nil) and def for
// other services (DefaultLimit when zero).
func New(limits map[string]Limit, def Limit) *Limiter {
	if limits == nil {
		limits = DefaultLimits
	}
	if def.Rate == 0 {
		def = DefaultLimit
	}
	l := &Limiter{limits: limits, def: def, buckets: map[string]map[key]*rate.Limiter{}, opLimited: map[string]bool{}}
	for k := range limits {
		if svc, _, ok := strings.Cut(k, ":"); ok {
			l.opLimited[svc] = true
		}
	}
	return l
}

// bucket returns k's bucket, made on first use; nil for an operation
// without a limit of its own.
func (l *Limiter) bucket(k key) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	byKey := l.buckets[k.account]
	if byKey == nil {
		byKey = map[key]*rate.Limiter{}
		l.buckets[k.account] = byKey
	}
	b := byKey[k]
	if b == nil {
		lim, ok := l.limits[k.service]
		if !ok {
			if strings.Contains(k.service, ":") {
				return nil
			}
			lim = l.def
		}
		b = rate.NewLimiter(rate.Limit(lim.Rate), lim.Burst)
		byKey[k] = b
	}
	return b
}

// Forget drops the buckets of account, which makes no more calls (a
// scan forgets each account once its tasks are done, so that the buckets
// do not grow with the organization). A later call starts it afresh.
func (l *Limiter) Forget(account string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, account)
}

// Wait takes a token of (account, region, service), waiting for one.
func (l *Limiter) Wait(ctx context.Context, account, region, service string) error {
	return l.WaitOp(ctx, account, region, service, "")
}

// WaitOp takes a token of (account, region, service) and, when the
// operation has a limit of its own ("service:operation"), one of its
// bucket too, waiting for them.
func (l *Limiter) WaitOp(ctx context.Context, account, region, service, operation string) error {
	if globalServices[service] {
		region = "global"
	}
	if operation != "" && l.opLimited[service] {
		if b := l.bucket(key{account, region, service + ":" + operation}); b != nil {
			if err := b.Wait(ctx); err != nil {
				return err
			}
		}
	}
	return l.bucket(key{account, region, service}).Wait(ctx)
}

// Counts are the calls made through a limiter.
type Counts struct {
	// Operations are API operations started (what the code asked for).
	Operations int64 `json:"operations"`
	// Attempts are requests sent, retries included.
	Attempts int64 `json:"attempts"`
	// Failed are operations that returned an error after retries.
	Failed int64 `json:"failed"`
}

// Counts returns the calls counted so far.
func (l *Limiter) Counts() Counts {
	return Counts{Operations: l.ops.Load(), Attempts: l.attempts.Load(), Failed: l.failed.Load()}
}

const (
	countID = "guardrail.count"
	limitID = "guardrail.ratelimit"
)

// Instrument returns a copy of cfg whose calls count against account's
// buckets. It replaces an earlier instrumentation (a member account's
// configuration is derived from the management account's).
//
// The middleware is made here, once per account, not per call: the SDK
// runs the configuration's APIOptions for every operation, and they only
// add it to the operation's stack.
func (l *Limiter) Instrument(cfg aws.Config, account string) aws.Config {
	count := middleware.InitializeMiddlewareFunc(countID,
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			l.ops.Add(1)
			c, _ := ctx.Value(chainKey{}).(*Chain)
			depth := c.start()
			out, md, err := next.HandleInitialize(ctx, in)
			c.end(depth)
			if err != nil {
				l.failed.Add(1)
			}
			return out, md, err
		})
	// After the retry middleware: every attempt waits for a token.
	limit := middleware.FinalizeMiddlewareFunc(limitID,
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			svc := Service(awsmiddleware.GetServiceID(ctx))
			if err := l.WaitOp(ctx, account, awsmiddleware.GetRegion(ctx), svc, awsmiddleware.GetOperationName(ctx)); err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			l.attempts.Add(1)
			return next.HandleFinalize(ctx, in)
		})
	out := cfg.Copy()
	out.APIOptions = append(append([]func(*middleware.Stack) error{}, cfg.APIOptions...), func(s *middleware.Stack) error {
		s.Initialize.Remove(countID)
		s.Finalize.Remove(limitID)
		if err := s.Initialize.Add(count, middleware.Before); err != nil {
			return err
		}
		return s.Finalize.Add(limit, middleware.After)
	})
	return out
}

// Chain measures the longest chain of calls that followed one another
// in a unit of work (one task: a service in one target): a call that
// starts after another has returned is one link further than it. Calls
// that overlap are not a chain. Times the least latency of a call, the
// longest chain of a run bounds its wall time from below, whatever the
// concurrency. Operations count, not their retries.
type Chain struct{ ended atomic.Int64 }

type chainKey struct{}

// WithChain returns ctx whose calls through an instrumented
// configuration are measured by c.
func WithChain(ctx context.Context, c *Chain) context.Context {
	return context.WithValue(ctx, chainKey{}, c)
}

// Len is the longest chain of calls measured so far.
func (c *Chain) Len() int { return int(c.ended.Load()) }

// start returns the link of a call starting now (0 for a nil chain).
func (c *Chain) start() int64 {
	if c == nil {
		return 0
	}
	return c.ended.Load() + 1
}

// end records that the call of link depth has returned.
func (c *Chain) end(depth int64) {
	if c == nil {
		return
	}
	for {
		cur := c.ended.Load()
		if depth <= cur || c.ended.CompareAndSwap(cur, depth) {
			return
		}
	}
}
