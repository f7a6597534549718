package watch

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// The trail bucket source.
//
// CloudTrail delivers a trail's log files under
//
//	<prefix>/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz
//
// and an organization trail's under AWSLogs/<org ID>/<account>/...; so the
// keys of one (account, region) sort in delivery order, by day then by
// the time in the name. The source lists each (account, region) prefix
// from a checkpoint, the greatest key it has read there, with
// ListObjectsV2's StartAfter, and reads each new file once.
//
// Two files delivered in the same minute can appear in the bucket out of
// order (the unique part of the name is random), and a listing is not a
// snapshot. So the listing starts Lookback before the checkpoint (the
// time in its name moved back), and the files read are remembered in the
// store's seen window (a file is marked seen in the same transaction as
// its alerts): a file listed again is skipped, a file that appeared late
// behind the checkpoint is read.
//
// The prefixes are found by listing the bucket with a delimiter (org IDs,
// accounts, regions), again every Rediscover, so accounts and regions
// that start logging are picked up. A first run starts Since before now.

// BucketSource reads a trail's bucket.
type BucketSource struct {
	Config aws.Config
	Store  store.Store
	// Bucket and Prefix are the trail's S3 bucket and key prefix ("" for
	// none).
	Bucket, Prefix string
	// Scope, when set, skips the prefixes of accounts and regions out of
	// it.
	Scope *Scope
	// Interval is the time between listings (30 s when 0), Lookback how
	// far before a checkpoint a listing starts (15 min when 0), Since how
	// far back a first run starts (15 min when 0), Rediscover how often
	// the prefixes are listed again (10 min when 0).
	Interval, Lookback, Since, Rediscover time.Duration
	// CallTimeout bounds each listing call (30 s when 0).
	CallTimeout time.Duration
	Now         func() time.Time

	objects    *objects
	region     string
	prefixes   []string
	discovered time.Time
	lastPoll   time.Time
	queue      []pendingFile
	positions  map[string]string
	// failures counts the failed reads of the file at the head of the
	// queue: after maxFileFailures it is reported and skipped, so one
	// file that cannot be read (a key that denies, an object deleted)
	// does not stop the watch.
	failures int
}

// maxFileFailures is how many times the bucket source tries to read a
// log file before it reports it unreadable and goes on.
const maxFileFailures = 5

type pendingFile struct {
	prefix, key string
}

// Name is SourceBucket.
func (s *BucketSource) Name() string { return SourceBucket }

// checkpointSource is the name the bucket's checkpoints are stored under.
func (s *BucketSource) checkpointSource() string { return "bucket:" + s.Bucket + "/" + s.Prefix }

func (s *BucketSource) init(ctx context.Context) error {
	if s.objects != nil {
		return nil
	}
	for _, d := range []*time.Duration{&s.Interval} {
		if *d <= 0 {
			*d = 30 * time.Second
		}
	}
	for _, d := range []*time.Duration{&s.Lookback, &s.Since} {
		if *d <= 0 {
			*d = 15 * time.Minute
		}
	}
	if s.Rediscover <= 0 {
		s.Rediscover = 10 * time.Minute
	}
	if s.CallTimeout <= 0 {
		s.CallTimeout = 30 * time.Second
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	s.Prefix = strings.Trim(s.Prefix, "/")
	objs := newObjects(s.Config, 0)
	region, err := objs.bucketRegion(ctx, s.Bucket)
	if err != nil {
		return err
	}
	cp, err := s.Store.Checkpoints(ctx, s.checkpointSource())
	if err != nil {
		return err
	}
	s.objects, s.region, s.positions = objs, region, cp
	return nil
}

// root is where AWSLogs/ starts.
func (s *BucketSource) root() string {
	if s.Prefix == "" {
		return "AWSLogs/"
	}
	return s.Prefix + "/AWSLogs/"
}

var (
	orgIDRE   = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
)

// list returns the common prefixes under prefix (with a "/" delimiter).
func (s *BucketSource) list(ctx context.Context, prefix string) ([]string, error) {
	c := s.objects.client(s.region)
	var out []string
	err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		cctx, cancel := context.WithTimeout(ctx, s.CallTimeout)
		defer cancel()
		page, err := c.ListObjectsV2(cctx, &s3api.ListObjectsV2Input{Bucket: aws.String(s.Bucket), Prefix: aws.String(prefix),
			Delimiter: aws.String("/"), ContinuationToken: token})
		if err != nil {
			return nil, fmt.Errorf("list s3://%s/%s: %w", s.Bucket, prefix, err)
		}
		for _, p := range page.CommonPrefixes {
			out = append(out, aws.ToString(p.Prefix))
		}
		return page.NextContinuationToken, nil
	})
	return out, err
}

// discover finds the (account, region) prefixes.
func (s *BucketSource) discover(ctx context.Context) error {
	tops, err := s.list(ctx, s.root())
	if err != nil {
		return err
	}
	var accounts []string
	for _, p := range tops {
		name := strings.TrimSuffix(strings.TrimPrefix(p, s.root()), "/")
		switch {
		case orgIDRE.MatchString(name):
			sub, err := s.list(ctx, p)
			if err != nil {
				return err
			}
			accounts = append(accounts, sub...)
		case accountRE.MatchString(name):
			accounts = append(accounts, p)
		}
	}
	var prefixes []string
	for _, a := range accounts {
		acct := lastSegment(a)
		if !accountRE.MatchString(acct) {
			continue
		}
		regions, err := s.list(ctx, a+"CloudTrail/")
		if err != nil {
			return err
		}
		for _, r := range regions {
			if s.Scope.In(acct, lastSegment(r)) {
				prefixes = append(prefixes, r)
			}
		}
	}
	sort.Strings(prefixes)
	s.prefixes, s.discovered = prefixes, time.Now()
	return nil
}

func lastSegment(p string) string {
	p = strings.TrimSuffix(p, "/")
	return p[strings.LastIndex(p, "/")+1:]
}

// startAfter returns where the listing of prefix starts: Lookback before
// its checkpoint, or Since before now on a first run.
func (s *BucketSource) startAfter(prefix string) string {
	t := s.Now().Add(-s.Since)
	if cp, ok := s.positions[prefix]; ok {
		ct, ok := keyTime(cp)
		if !ok {
			return cp // not a name CloudTrail writes: from the key itself
		}
		t = ct.Add(-s.Lookback)
	}
	// <prefix>YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ
	parts := strings.Split(strings.TrimSuffix(prefix, "/"), "/")
	region, acct := parts[len(parts)-1], parts[len(parts)-3]
	t = t.UTC()
	return prefix + t.Format("2006/01/02/") + acct + "_CloudTrail_" + region + "_" + t.Format("20060102T1504Z")
}

// keyTime reads the delivery time in a log file's name.
func keyTime(key string) (time.Time, bool) {
	name := key[strings.LastIndex(key, "/")+1:]
	parts := strings.Split(name, "_")
	if len(parts) < 5 {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102T1504Z", parts[3])
	return t, err == nil
}

// poll lists every prefix and queues the files not read yet.
func (s *BucketSource) poll(ctx context.Context) error {
	if s.prefixes == nil || time.Since(s.discovered) > s.Rediscover {
		if err := s.discover(ctx); err != nil {
			return err
		}
	}
	c := s.objects.client(s.region)
	for _, prefix := range s.prefixes {
		var keys []string
		err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
			cctx, cancel := context.WithTimeout(ctx, s.CallTimeout)
			defer cancel()
			in := &s3api.ListObjectsV2Input{Bucket: aws.String(s.Bucket), Prefix: aws.String(prefix), ContinuationToken: token}
			if token == nil {
				in.StartAfter = aws.String(s.startAfter(prefix))
			}
			page, err := c.ListObjectsV2(cctx, in)
			if err != nil {
				return nil, fmt.Errorf("list s3://%s/%s: %w", s.Bucket, prefix, err)
			}
			for _, o := range page.Contents {
				if k := aws.ToString(o.Key); isLogFile(k) {
					keys = append(keys, k)
				}
			}
			return page.NextContinuationToken, nil
		})
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			continue
		}
		seenKeys := make([]string, len(keys))
		for i, k := range keys {
			seenKeys[i] = s.fileKey(k)
		}
		seen, err := s.Store.Seen(ctx, seenKeys)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if !seen[s.fileKey(k)] {
				s.queue = append(s.queue, pendingFile{prefix: prefix, key: k})
			}
		}
	}
	return nil
}

func (s *BucketSource) fileKey(key string) string { return "file:s3://" + s.Bucket + "/" + key }

// Next returns the next new log file's records as one batch, listing the
// bucket again every Interval.
func (s *BucketSource) Next(ctx context.Context) (*Batch, error) {
	if err := s.init(ctx); err != nil {
		return nil, err
	}
	for len(s.queue) == 0 {
		if wait := s.Interval - time.Since(s.lastPoll); !s.lastPoll.IsZero() && wait > 0 {
			if !sleep(ctx, wait) {
				return nil, ctx.Err()
			}
		}
		s.lastPoll = time.Now()
		if err := s.poll(ctx); err != nil {
			return nil, err
		}
		if len(s.queue) == 0 {
			return nil, nil // answered: nothing new
		}
	}
	f := s.queue[0]
	recs, errs, err := s.objects.read(ctx, s.region, s.Bucket, f.key)
	if err != nil {
		if s.failures++; s.failures < maxFileFailures || ctx.Err() != nil {
			return nil, err // the file stays queued: read again
		}
		errs = []store.WatchError{{Origin: "s3://" + s.Bucket + "/" + f.key, Offset: -1, Kind: ErrKindRead,
			Message: fmt.Sprintf("skipped after %d attempts: %v", s.failures, err)}}
	}
	s.failures = 0
	s.queue = s.queue[1:]
	pos := f.key
	if cur := s.positions[f.prefix]; cur > pos {
		pos = cur
	}
	b := &Batch{Records: recs, Errors: errs, Seen: []string{s.fileKey(f.key)},
		Checkpoints: []store.Checkpoint{{Source: s.checkpointSource(), Key: f.prefix, Position: pos}}}
	b.Done = func(_ context.Context, committed bool) error {
		if committed {
			s.positions[f.prefix] = pos
		}
		return nil
	}
	return b, nil
}
