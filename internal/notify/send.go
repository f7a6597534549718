package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	snsapi "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/guardrail-sec/guardrail/internal/clock"
)

// Message is what one Send delivers to one destination: one event, or a
// digest of several.
type Message struct {
	Events []Event
	// Digest: summarize Events (counts per severity and change, the worst
	// Config.Defaults.DigestTop items) in one message.
	Digest bool
	// Ticket is the Jira key already filed for this finding, if any: Jira
	// then comments on it (and transitions it when the finding resolves
	// or reopens) instead of filing a second issue.
	Ticket string
	// Test marks a test message (notify test): it says so.
	Test bool
}

// Receipt is what a delivery returned.
type Receipt struct {
	// Ticket is the Jira key created or updated.
	Ticket string
	// Status is the HTTP status of the (last) request, 0 for SMTP and
	// SNS.
	Status int
	// ID is the provider's message ID when it gives one (SNS MessageId,
	// the SMTP Message-ID).
	ID string `json:",omitempty"`
}

// Options configure a Sender.
type Options struct {
	// HTTP is the client for webhooks, Slack, Teams and Jira; it must
	// have a timeout. nil: a client with a 15 s timeout.
	HTTP *http.Client
	// AWS is the configuration SNS is published with (region and
	// endpoint settings, for the simulator too).
	AWS aws.Config
	// Clock stamps the webhook signature's timestamp and the messages;
	// nil: the wall clock.
	Clock func() time.Time
	// UserAgent is sent with every HTTP request; default "guardrail".
	UserAgent string
}

// DefaultTimeout bounds one HTTP request when Options.HTTP is nil.
const DefaultTimeout = 15 * time.Second

// Sender delivers messages to the destinations of one Config.
type Sender struct {
	cfg   *Config
	http  *http.Client
	aws   aws.Config
	now   func() time.Time
	agent string

	mu  sync.Mutex
	sns map[string]*snsapi.Client // by destination, made on first use
}

// NewSender returns a Sender for c.
func NewSender(c *Config, o Options) (*Sender, error) {
	if c == nil {
		return nil, errors.New("notify: no config")
	}
	s := &Sender{cfg: c, http: o.HTTP, aws: o.AWS, now: o.Clock, agent: o.UserAgent, sns: map[string]*snsapi.Client{}}
	if s.http == nil {
		s.http = &http.Client{Timeout: DefaultTimeout}
	}
	if s.http.Timeout <= 0 {
		return nil, errors.New("notify: the HTTP client has no timeout")
	}
	// A webhook that redirects is answered, not followed: following would
	// re-send the payload (and a Jira token) to wherever it points.
	hc := *s.http
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	s.http = &hc
	if s.now == nil {
		s.now = clock.Real
	}
	if s.agent == "" {
		s.agent = "guardrail"
	}
	return s, nil
}

// Config returns the sender's config.
func (s *Sender) Config() *Config { return s.cfg }

// Send delivers m to the destination named dest. An error that is a
// *RetryError (see Retryable) means: try again later (the peer is down,
// rate-limiting, or ctx ended before an answer: then errors.Is(err,
// context.Canceled)); any other is permanent (a 4xx answer other than
// 429, a bad config). Errors name the destination and its host, never its
// URL or a secret.
func (s *Sender) Send(ctx context.Context, dest string, m Message) (Receipt, error) {
	d, ok := s.cfg.Destination(dest)
	if !ok {
		return Receipt{}, fmt.Errorf("notify: destination %q is not defined in %s", dest, s.cfg.File)
	}
	if len(m.Events) == 0 {
		return Receipt{}, fmt.Errorf("notify %s: no events to send", dest)
	}
	var r Receipt
	var err error
	switch d.Type {
	case Slack:
		r, err = s.postJSON(ctx, d, d.URL, s.slack(m), nil)
	case Teams:
		r, err = s.postJSON(ctx, d, d.URL, s.teams(m), nil)
	case Webhook:
		r, err = s.webhook(ctx, d, m)
	case Email:
		r, err = s.email(ctx, d, m)
	case SNS:
		r, err = s.publish(ctx, d, m)
	case JiraT:
		r, err = s.jira(ctx, d, m)
	default:
		err = fmt.Errorf("unknown destination type %q", d.Type)
	}
	if err != nil {
		return r, wrap(d, err)
	}
	return r, nil
}

// wrap names the destination in err, keeping a RetryError retryable,
// and strips every secret of the destination from the text: a peer may
// echo a token or the URL back in its answer.
func wrap(d *Destination, err error) error {
	var re *RetryError
	if errors.As(err, &re) {
		return &RetryError{After: re.After, Err: &destError{fmt.Sprintf("notify %s (%s %s): %s", d.Name, d.Type, d.Host(), d.scrub(re.Err.Error())), re.Err}}
	}
	return &destError{fmt.Sprintf("notify %s (%s %s): %s", d.Name, d.Type, d.Host(), d.scrub(err.Error())), err}
}

// destError is an error of a destination: its text names the destination
// and holds no secret; it unwraps to the cause, for errors.Is (the
// cause's own text may quote what a peer echoed: print the error, not
// its cause).
type destError struct {
	msg string
	err error
}

func (e *destError) Error() string { return e.msg }
func (e *destError) Unwrap() error { return e.err }

// secrets are the destination's secret strings.
func (d *Destination) secrets() []string {
	out := []string{d.URL, d.Secret}
	if u, err := url.Parse(d.URL); err == nil && d.URL != "" {
		out = append(out, u.Path, u.RawQuery, strings.TrimPrefix(u.Path, "/"))
		out = append(out, strings.Split(strings.Trim(u.Path, "/"), "/")...)
	}
	if d.SMTP != nil {
		out = append(out, d.SMTP.Password)
	}
	if d.Jira != nil {
		out = append(out, d.Jira.Token, d.Jira.WebhookSecret)
	}
	return out
}

// scrub replaces the destination's secrets in s. Secrets shorter than 6
// characters (a path segment like "hooks") are not secret enough to be
// worth blanking out of a message.
func (d *Destination) scrub(s string) string {
	sec := d.secrets()
	slices.SortFunc(sec, func(a, b string) int { return len(b) - len(a) })
	for _, x := range sec {
		if len(x) >= 6 {
			s = strings.ReplaceAll(s, x, "<secret>")
		}
	}
	return s
}

// RetryError is a delivery that failed for now: the peer is down,
// overloaded or rate-limiting. After is how long it asked to be left
// alone (Retry-After), 0 when it did not say.
type RetryError struct {
	After time.Duration
	Err   error
}

func (e *RetryError) Error() string {
	if e.After > 0 {
		return e.Err.Error() + " (retry after " + e.After.String() + ")"
	}
	return e.Err.Error()
}

func (e *RetryError) Unwrap() error { return e.Err }

// Retryable reports whether err is worth retrying, and after how long the
// peer asked to wait (0: it did not say; use your backoff).
func Retryable(err error) (after time.Duration, ok bool) {
	var re *RetryError
	if errors.As(err, &re) {
		return re.After, true
	}
	return 0, false
}

// maxRetryAfter caps a Retry-After: a peer asking for a day is retried
// after an hour (the outbox's backoff takes it from there).
const maxRetryAfter = time.Hour

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110 §10.2.3), relative to now.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.Atoi(h); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

// post sends body to u and classifies the answer.
func (s *Sender) post(ctx context.Context, d *Destination, method, u string, body []byte, h http.Header) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, s.http.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return 0, nil, errors.New("cannot build the request (check the URL)")
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	if req.Header.Get("Content-Type") == "" && body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", s.agent)
	resp, err := s.http.Do(req)
	if err != nil {
		if cause := context.Cause(ctx); ctx.Err() != nil && !errors.Is(cause, context.DeadlineExceeded) {
			// The caller gave up (shutdown): not delivered, or not known
			// to be; try again later. errors.Is(err, context.Canceled).
			return 0, nil, &RetryError{Err: fmt.Errorf("interrupted: %w", cause)}
		}
		// Connection refused, reset, timeout: the peer may come back.
		return 0, nil, &RetryError{Err: scrub(err, u)}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err := classify(resp, b, u, s.now()); err != nil {
		return resp.StatusCode, b, err
	}
	return resp.StatusCode, b, nil
}

// classify turns an HTTP answer into nil (2xx), a RetryError (429, 5xx)
// or a permanent error (other 4xx, and 1xx/3xx, which a webhook should
// never answer), quoting the start of the body without the URL.
func classify(resp *http.Response, body []byte, u string, now time.Time) error {
	c := resp.StatusCode
	if c >= 200 && c < 300 {
		return nil
	}
	snip := strings.TrimSpace(string(body))
	if len(snip) > 200 {
		snip = snip[:200] + "..."
	}
	snip = scrubString(snip, u)
	msg := "HTTP " + strconv.Itoa(c)
	if snip != "" {
		msg += ": " + snip
	}
	err := errors.New(msg)
	if c == http.StatusTooManyRequests || c >= 500 {
		return &RetryError{After: retryAfter(resp.Header.Get("Retry-After"), now), Err: err}
	}
	return err
}

// scrub removes the URL (which may hold a secret token) from an error
// from net/http, which quotes it: `Post "https://hooks.slack.com/...": ...`.
func scrub(err error, u string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return errors.New(scrubString(err.Error(), u))
}

func scrubString(s, u string) string {
	if u == "" {
		return s
	}
	s = strings.ReplaceAll(s, u, "<url>")
	if pu, err := url.Parse(u); err == nil && pu.Path != "" && pu.Path != "/" {
		s = strings.ReplaceAll(s, pu.Path, "<path>")
		if pu.RawQuery != "" {
			s = strings.ReplaceAll(s, pu.RawQuery, "<query>")
		}
	}
	return s
}
