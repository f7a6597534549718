// Package svc defines what a simulated AWS service is: its protocol, its
// operations and the handlers that read and write the world. Each service
// lives in its own package under svc/ and is listed explicitly by the
// simulator's server (package sim); there is no init-time registry.
package svc

import (
	"net/http"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service is one simulated AWS service.
type Service struct {
	// Name is the SigV4 signing name the SDK uses (iam, ec2, s3, config,
	// logs, monitoring, access-analyzer, ...). S3 Control signs as "s3"
	// and is told apart by its /v20180820/ path.
	Name string
	// Key tells apart two services that share a signing name: S3 Control
	// signs as "s3" and is keyed "s3control". Empty means Name.
	Key      string
	Protocol wire.Protocol
	// Namespace is the XML namespace of awsQuery / ec2Query responses.
	Namespace string
	// UnwrappedErrors: restXml errors as a bare <Error> (S3).
	UnwrappedErrors bool
	// QueryCompatible: an awsJson service that also sends each error's
	// awsQuery code in X-Amzn-Query-Error (SQS).
	QueryCompatible bool
	// Global services keep one state per account whatever region signs
	// the request (IAM, Organizations, STS, S3 Control, Account).
	Global bool
	// Unlocked services are called without the account lock and take the
	// locks they need themselves (STS reads other accounts' roles).
	Unlocked bool
	// Routes map REST requests to operations (restJson / restXml only).
	Routes []wire.Route
	// Ops maps an operation name to its handler.
	Ops map[string]Handler
	// Init, when set, runs once when a server starts serving a world, to
	// derive state the service keeps besides the seeded data (CloudTrail
	// copies organization trails where members can see them).
	Init func(w *world.World)
	// Codes overrides the protocol's default error codes where the service
	// differs (nil: wire.DefaultCodes).
	Codes *wire.Codes
}

// Handler serves one operation. It returns the result to encode (see
// wire.Encoder.WriteResult) or an error; a *wire.Error is sent as is.
type Handler func(c *Ctx) (any, error)

// Ctx is one call as a handler sees it: the decoded request, who made it,
// and the world. The server holds Account.Mu while the handler runs.
type Ctx struct {
	*wire.Call
	World     *world.World
	Account   *world.Account
	Region    string
	Principal world.Principal
}

// Regional returns the calling account's state in the request's region.
func (c *Ctx) Regional() *world.Region { return c.Account.In(c.Region) }

// Now returns the simulator's clock.
func (c *Ctx) Now() time.Time { return c.World.Now().UTC() }

// ARN builds an ARN of the calling account in the request's region.
func (c *Ctx) ARN(service, resource string) string {
	return world.ARN(service, c.Region, c.Account.ID, resource)
}

// GlobalARN builds an ARN of the calling account with no region (IAM, S3).
func (c *Ctx) GlobalARN(service, resource string) string {
	return world.ARN(service, "", c.Account.ID, resource)
}

// RouteKey is the name the simulator routes requests to s by.
func (s *Service) RouteKey() string {
	if s.Key != "" {
		return s.Key
	}
	return s.Name
}

// ErrorCodes returns the error codes of s.
func (s *Service) ErrorCodes() wire.Codes {
	if s.Codes != nil {
		return *s.Codes
	}
	return wire.DefaultCodes(s.Protocol)
}

// Encoder returns the response encoder of s.
func (s *Service) Encoder() wire.Encoder {
	return wire.Encoder{Protocol: s.Protocol, Namespace: s.Namespace, UnwrappedErrors: s.UnwrappedErrors, QueryCompatible: s.QueryCompatible}
}

// Router returns the REST router of s (nil for RPC protocols).
func (s *Service) Router() *wire.Router {
	if len(s.Routes) == 0 {
		return nil
	}
	return wire.NewRouter(s.Routes)
}

// RecordsPage slices items as RDS, ElastiCache and Redshift page their
// Describe calls: MaxRecords from 20 to 100 (default 100) and Marker,
// with InvalidParameterValue for anything else.
func RecordsPage[T any](c *Ctx, items []T) ([]T, string, error) {
	max, err := c.Int("MaxRecords", 100)
	if err != nil {
		return nil, "", err
	}
	if max < 20 || max > 100 {
		return nil, "", wire.Errorf(400, "InvalidParameterValue", "Invalid value %d for MaxRecords. Must be between 20 and 100", max)
	}
	return Page(items, c.Form.Get("Marker"), max, 100, "InvalidParameterValue")
}

// Page slices items for MaxResults/NextToken pagination. The token is the
// decimal offset of the next page; an invalid token is an error with code
// (InvalidNextToken, InvalidPaginationToken, ... as the service names it).
func Page[T any](items []T, token string, max, defMax int, code string) (page []T, next string, err error) {
	if max <= 0 {
		max = defMax
	}
	start := 0
	if token != "" {
		n, ok := parseToken(token)
		if !ok || n > len(items) {
			return nil, "", wire.Errorf(400, code, "the pagination token %q is not valid", token)
		}
		start = n
	}
	end := start + max
	if end >= len(items) {
		return items[start:], "", nil
	}
	return items[start:end], formatToken(end), nil
}

const tokenPrefix = "sim-page-"

func formatToken(n int) string { return tokenPrefix + itoa(n) }

func parseToken(t string) (int, bool) {
	if !strings.HasPrefix(t, tokenPrefix) {
		return 0, false
	}
	n := 0
	for _, c := range t[len(tokenPrefix):] {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// NotFound is a convenience for the common 4xx not-found answer.
func NotFound(code, format string, args ...any) error {
	return wire.Errorf(http.StatusNotFound, code, format, args...)
}

// Invalid is a convenience for a 400 answer.
func Invalid(code, format string, args ...any) error {
	return wire.Errorf(http.StatusBadRequest, code, format, args...)
}
