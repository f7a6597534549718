// Package elb simulates Elastic Load Balancing (awsQuery). One signing
// name, "elasticloadbalancing", serves two APIs that AWS tells apart by
// the Version parameter: 2015-12-01 for Application, Network and Gateway
// Load Balancers (v2.go) and 2012-06-01 for Classic Load Balancers
// (classic.go). Both name some operations alike (DescribeLoadBalancers,
// DescribeLoadBalancerAttributes, CreateLoadBalancer), so each operation
// is dispatched on Version.
package elb

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// The API versions.
const (
	V2      = "2015-12-01"
	Classic = "2012-06-01"
)

// Service returns the Elastic Load Balancing (awsQuery) simulator.
func Service() *svc.Service {
	type pair struct{ v2, classic svc.Handler }
	both := map[string]*pair{}
	for op, h := range v2Ops() {
		both[op] = &pair{v2: h}
	}
	for op, h := range classicOps() {
		if both[op] == nil {
			both[op] = &pair{}
		}
		both[op].classic = h
	}
	ops := map[string]svc.Handler{}
	for op, p := range both {
		ops[op] = dispatch(op, p.v2, p.classic)
	}
	return &svc.Service{
		Name:     "elasticloadbalancing",
		Protocol: wire.Query,
		// The SDK does not read the namespace; the v2 one is sent for both.
		Namespace: "http://elasticloadbalancing.amazonaws.com/doc/" + V2 + "/",
		Ops:       ops,
	}
}

// dispatch returns a handler that serves op with v2 or classic as the
// request's Version says; an operation the version lacks is InvalidAction.
func dispatch(op string, v2, classic svc.Handler) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		h := v2
		if c.Form.Get("Version") == Classic {
			h = classic
		} else if c.Form.Get("Version") != V2 {
			h = nil
		}
		if h == nil {
			return nil, wire.Errorf(http.StatusBadRequest, "InvalidAction", "Could not find operation %s for version %s", op, c.Form.Get("Version"))
		}
		return h(c)
	}
}

// validation is the 400 ValidationError both APIs answer for bad input.
func validation(format string, args ...any) error {
	return wire.Errorf(http.StatusBadRequest, "ValidationError", format, args...)
}

// page slices items for PageSize (1-400, default 400) / Marker, as both
// APIs page (the next page's marker is NextMarker).
func page[T any](c *svc.Ctx, items []T) ([]T, string, error) {
	size, err := c.Int("PageSize", 400)
	if err != nil {
		return nil, "", validation("1 validation error detected: Value '%s' at 'pageSize' failed to satisfy constraint: Member must be a number", c.Form.Get("PageSize"))
	}
	if size < 1 || size > 400 {
		return nil, "", validation("1 validation error detected: Value '%d' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and 400", size)
	}
	return svc.Page(items, c.Form.Get("Marker"), size, 400, "ValidationError")
}

// hashID derives a stable 16-hex-digit resource ID from parts.
func hashID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
