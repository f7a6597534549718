package watch

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// objects reads CloudTrail log files from S3, with a client per region.
type objects struct {
	cfg aws.Config
	// timeout bounds one object, the call and the reading of its body
	// (which the SDK's attempt timeout does not cover).
	timeout time.Duration

	mu      sync.Mutex
	clients map[string]*s3api.Client
	regions map[string]string // bucket → region
}

func newObjects(cfg aws.Config, timeout time.Duration) *objects {
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	return &objects{cfg: cfg, timeout: timeout, clients: map[string]*s3api.Client{}, regions: map[string]string{}}
}

func (o *objects) client(region string) *s3api.Client {
	o.mu.Lock()
	defer o.mu.Unlock()
	c := o.clients[region]
	if c == nil {
		cfg := o.cfg.Copy()
		cfg.Region = region
		c = s3api.NewFromConfig(cfg)
		o.clients[region] = c
	}
	return c
}

// bucketRegion returns the region of bucket (GetBucketLocation, asked in
// the partition's first region, answers for any bucket).
func (o *objects) bucketRegion(ctx context.Context, bucket string) (string, error) {
	o.mu.Lock()
	r, ok := o.regions[bucket]
	o.mu.Unlock()
	if ok {
		return r, nil
	}
	global := "us-east-1"
	switch target.PartitionOf(o.cfg.Region) {
	case "aws-cn":
		global = "cn-north-1"
	case "aws-us-gov":
		global = "us-gov-west-1"
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	out, err := o.client(global).GetBucketLocation(ctx, &s3api.GetBucketLocationInput{Bucket: aws.String(bucket)})
	if err != nil {
		return "", fmt.Errorf("bucket %s: get location: %w", bucket, err)
	}
	// An empty constraint is us-east-1; "EU" is the old name of
	// eu-west-1.
	switch r = string(out.LocationConstraint); r {
	case "":
		r = global
	case "EU":
		r = "eu-west-1"
	}
	o.mu.Lock()
	o.regions[bucket] = r
	o.mu.Unlock()
	return r, nil
}

// read reads one log file. An error is a failure to get it (retry
// later); what is malformed in it is in the WatchErrors.
func (o *objects) read(ctx context.Context, region, bucket, key string) ([]Record, []store.WatchError, error) {
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	out, err := o.client(region).GetObject(ctx, &s3api.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, nil, fmt.Errorf("get s3://%s/%s: %w", bucket, key, err)
	}
	defer out.Body.Close()
	body := &counter{r: out.Body}
	recs, errs := logFile("s3://"+bucket+"/"+key, body)
	// A transfer cut short is not a malformed file: read it again.
	if ctx.Err() != nil {
		return nil, nil, fmt.Errorf("read s3://%s/%s: %w", bucket, key, ctx.Err())
	}
	if n := aws.ToInt64(out.ContentLength); n > 0 && body.n < n {
		return nil, nil, fmt.Errorf("read s3://%s/%s: %d of %d bytes received", bucket, key, body.n, n)
	}
	return recs, errs, nil
}

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// isLogFile reports whether key is a CloudTrail log file (not a digest,
// an Insights file, or anything else in the bucket).
func isLogFile(key string) bool {
	return strings.Contains(key, "/CloudTrail/") && (strings.HasSuffix(key, ".json.gz") || strings.HasSuffix(key, ".json"))
}
