// Package sim is a wire-level AWS API simulator. The unmodified AWS SDK for
// Go v2 (or the AWS CLI), given only an endpoint URL and credentials, talks
// HTTP to it and cannot tell it from AWS: each service speaks its real
// protocol and answers AWS's error codes.
//
// It holds many accounts and regions (package world): the account of a
// request comes from the access key of its SigV4 signature, the region and
// service from the signature's credential scope. It injects the costs and
// failures of the real thing (latency, token-bucket throttling per account,
// region and service, AccessDenied, 5xx) and counts every call, so a
// benchmark can compare a client's wall time with what a perfect client
// would need.
//
// The simulator is a test double for Guardrail's demo, integration tests
// and benchmarks. The product never imports it outside those.
package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/guardrail-sec/guardrail/internal/httpstop"
	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Server is the simulator: an http.Handler over a World.
type Server struct {
	world    *world.World
	services map[string]*entry // by signing name; "s3control" for S3 Control
	faults   atomic.Pointer[faultState]
	stats    stats
	scps     scpCache
	reqSeq   atomic.Uint64
	// hosts are the host names the simulator is reached at, so a
	// virtual-hosted S3 request ("bucket.127.0.0.1") can be told apart.
	hosts []string
}

type entry struct {
	svc    *svc.Service
	router *wire.Router
	enc    wire.Encoder
	codes  wire.Codes
}

// New returns a simulator serving w with the given services (see
// Services for the full list).
func New(w *world.World, services []*svc.Service) *Server {
	s := &Server{world: w, services: map[string]*entry{}, hosts: []string{"127.0.0.1", "localhost"}}
	for _, sv := range services {
		s.services[sv.RouteKey()] = &entry{svc: sv, router: sv.Router(), enc: sv.Encoder(), codes: sv.ErrorCodes()}
		if sv.Init != nil {
			sv.Init(w)
		}
	}
	s.faults.Store(newFaultState(Faults{}))
	return s
}

// World returns the simulated world.
func (s *Server) World() *world.World { return s.world }

// SetFaults replaces the injected faults and resets the throttling buckets.
func (s *Server) SetFaults(f Faults) { s.faults.Store(newFaultState(f)) }

// Faults returns the injected faults.
func (s *Server) Faults() Faults { return s.faults.Load().f }

// Stats reports the calls received since the start or the last ResetStats.
func (s *Server) Stats() Stats { return s.stats.report() }

// ResetStats zeroes the call counters.
func (s *Server) ResetStats() {
	s.stats.mu.Lock()
	s.stats.m = nil
	s.stats.mu.Unlock()
}

// AddHost declares another host name the simulator is reached at.
func (s *Server) AddHost(h string) { s.hosts = append(s.hosts, h) }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_sim/") {
		s.admin(w, r)
		return
	}
	s.world.DeliverTrails() // the trail log files that fell due
	reqID := fmt.Sprintf("%08x-sim0-4000-8000-%012x", uint32(time.Now().Unix()), s.reqSeq.Add(1))
	body, err := io.ReadAll(r.Body)
	call := &wire.Call{Ctx: r.Context(), Req: r, Body: body, RequestID: reqID}
	sc, ok := parseAuth(r)
	if !ok {
		// Unsigned or malformed: answer in the JSON flavour most clients parse.
		wire.Encoder{Protocol: wire.JSON11}.WriteError(w, call, wire.Errorf(403, "MissingAuthenticationTokenException", "Missing Authentication Token"))
		return
	}
	name := sc.Service
	if name == "s3" && strings.HasPrefix(r.URL.Path, "/v20180820/") {
		name = "s3control"
	}
	e := s.services[name]
	if e == nil {
		wire.Encoder{Protocol: wire.JSON11}.WriteError(w, call, wire.Errorf(400, "UnknownServiceException", "the simulator does not implement service %q", sc.Service))
		return
	}
	call.Protocol = e.svc.Protocol
	if err != nil {
		e.enc.WriteError(w, call, wire.Errorf(400, "IncompleteBody", "could not read request body: %v", err))
		return
	}
	if name == "s3" {
		if b := virtualBucket(r.Host, s.hosts); b != "" {
			r.URL.Path = "/" + b + r.URL.Path
			r.URL.RawPath = ""
		}
	}
	switch {
	case e.router != nil:
		call.Op, call.Path, err = e.router.Match(r)
	case e.svc.Protocol == wire.RestJSON || e.svc.Protocol == wire.RestXML:
		err = wire.Errorf(400, "UnknownOperationException", "the simulator does not implement %s %s on %s", r.Method, r.URL.Path, e.svc.Name)
	default:
		call.Op, call.Form, err = wire.ResolveOp(e.svc.Protocol, r, body)
	}
	if err != nil {
		e.enc.WriteError(w, call, err)
		return
	}
	cred, acct, werr := s.serve(call, e, sc)
	if ow, ok := werr.(*answered); ok {
		ow.write(w)
		return
	}
	// cred is set for the calls CloudTrail records: the service answered
	// them (denied and throttled included). The record is stored before
	// the answer is sent, so the caller's next call sees it.
	recorded := cred != nil && !s.world.Trail.Off
	if werr != nil {
		if recorded {
			s.record(call, e, sc, cred, werr, nil)
		}
		e.enc.WriteError(w, call, werr)
		return
	}
	out, herr := s.handle(call, e, cred, acct, sc.Region)
	s.answer(w, call, e, sc, cred, recorded, out, herr)
	s.world.FlushTrail()
}

// serve checks the caller and injects faults. It returns who is calling,
// or the error to answer.
func (s *Server) serve(c *wire.Call, e *entry, sc scope) (*world.Credential, *world.Account, error) {
	cred := s.world.Credential(sc.AccessKey)
	codes := e.codes
	if cred == nil {
		return nil, nil, wire.Errorf(codes.TokenStatus, codes.InvalidToken, "The security token included in the request is invalid.")
	}
	if cred.SessionToken != "" {
		tok := c.Req.Header.Get("X-Amz-Security-Token")
		if tok == "" {
			tok = c.Req.URL.Query().Get("X-Amz-Security-Token")
		}
		if tok != cred.SessionToken {
			return nil, nil, wire.Errorf(codes.TokenStatus, codes.InvalidToken, "The security token included in the request is invalid.")
		}
		if !cred.Expires.IsZero() && s.world.Now().After(cred.Expires) {
			return nil, nil, wire.Errorf(400, "ExpiredToken", "The security token included in the request is expired")
		}
	}
	acct := s.world.Account(cred.Principal.Account)
	if acct == nil {
		return nil, nil, wire.Errorf(codes.TokenStatus, codes.InvalidToken, "The security token included in the request is invalid.")
	}
	k := key{Account: acct.ID, Region: sc.Region, Service: e.svc.Name}
	if e.svc.Global {
		k.Region = s.world.HomeRegion
	}
	ctr := s.stats.get(k)
	ctr.calls.Add(1)
	fs := s.faults.Load()
	lat, fail := fs.decide()
	if lat > 0 {
		t := time.NewTimer(lat)
		select {
		case <-t.C:
		case <-c.Ctx.Done():
			t.Stop()
			return nil, nil, wire.Errorf(499, "RequestCanceled", "client closed the request")
		}
	}
	if !e.svc.Global {
		if _, known := s.world.Region(sc.Region); !known {
			return nil, nil, wire.Errorf(codes.TokenStatus, codes.InvalidToken, "The security token included in the request is invalid: unknown region %q.", sc.Region)
		}
		acct.Mu.Lock()
		enabled := acct.RegionEnabled(sc.Region)
		acct.Mu.Unlock()
		if !enabled {
			return nil, nil, wire.Errorf(codes.TokenStatus, codes.InvalidToken, "The security token included in the request is invalid: region %s is not enabled for account %s (OptInRequired).", sc.Region, acct.ID)
		}
	}
	if !fs.allow(k, c.Op, time.Now()) {
		ctr.throttled.Add(1)
		if e.svc.Protocol == wire.RestXML {
			return cred, acct, wire.Errorf(codes.ThrottleStatus, codes.Throttle, "Please reduce your request rate.")
		}
		return cred, acct, wire.Errorf(codes.ThrottleStatus, codes.Throttle, "Rate exceeded")
	}
	if fs.denied(acct.ID, k.Region, e.svc.Name, c.Op) {
		ctr.faults.Add(1)
		return cred, acct, wire.Errorf(codes.DeniedStatus, codes.AccessDenied, "User: %s is not authorized to perform: %s:%s because no identity-based policy allows the %s:%s action",
			cred.Principal.ARN, e.svc.Name, c.Op, e.svc.Name, c.Op)
	}
	if a := fs.answer(acct.ID, k.Region, e.svc.Name, c.Op); a != nil {
		if a.Delay > 0 {
			t := time.NewTimer(time.Duration(a.Delay))
			select {
			case <-t.C:
			case <-c.Ctx.Done():
				t.Stop()
				return nil, nil, wire.Errorf(499, "RequestCanceled", "client closed the request")
			}
		}
		if a.replaces() {
			ctr.faults.Add(1)
			return nil, nil, &answered{a}
		}
	}
	if fail {
		ctr.faults.Add(1)
		return cred, acct, wire.Errorf(500, codes.Internal, "We encountered an internal error. Please try again.")
	}
	if err := s.scpDenied(c, e, cred, acct, sc.Region); err != nil {
		return cred, acct, err
	}
	return cred, acct, nil
}

// answered is a call an Answer fault answers instead of the service.
type answered struct{ a *Answer }

func (e *answered) Error() string { return "answered by a fault" }

// write answers as the fault says: the status and body as they are, or
// no answer at all.
func (e *answered) write(w http.ResponseWriter) {
	if e.a.Drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // the server closes the connection
	}
	if e.a.ContentType != "" {
		w.Header().Set("Content-Type", e.a.ContentType)
	}
	w.WriteHeader(e.a.Status)
	io.WriteString(w, e.a.Body)
}

func (s *Server) handle(c *wire.Call, e *entry, cred *world.Credential, acct *world.Account, region string) (out any, err error) {
	h := e.svc.Ops[c.Op]
	if h == nil {
		return nil, wire.Errorf(400, "InvalidAction", "the simulator does not implement %s:%s", e.svc.Name, c.Op)
	}
	if !e.svc.Unlocked {
		acct.Mu.Lock()
		defer acct.Mu.Unlock()
	}
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, wire.Errorf(500, e.codes.Internal, "simulator panic in %s:%s: %v", e.svc.Name, c.Op, p)
		}
	}()
	return h(&svc.Ctx{Call: c, World: s.world, Account: acct, Region: region, Principal: cred.Principal})
}

// admin serves the simulator's own endpoints under /_sim/.
func (s *Server) admin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	switch {
	case r.URL.Path == "/_sim/health":
		enc.Encode(map[string]string{"status": "ok"})
	case r.URL.Path == "/_sim/stats" && r.Method == http.MethodGet:
		enc.Encode(s.Stats())
	case r.URL.Path == "/_sim/stats" && r.Method == http.MethodDelete:
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/_sim/faults" && r.Method == http.MethodGet:
		enc.Encode(s.Faults())
	case r.URL.Path == "/_sim/faults" && (r.Method == http.MethodPut || r.Method == http.MethodPost):
		var f Faults
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			enc.Encode(map[string]string{"error": "faults document: " + err.Error()})
			return
		}
		s.SetFaults(f)
		enc.Encode(f)
	case r.URL.Path == "/_sim/region" && r.Method == http.MethodPost:
		var q struct{ Account, Region, Status string }
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			enc.Encode(map[string]string{"error": "region document: " + err.Error()})
			return
		}
		if err := s.SetRegionStatus(q.Account, q.Region, q.Status); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			enc.Encode(map[string]string{"error": err.Error()})
			return
		}
		enc.Encode(q)
	case r.URL.Path == "/_sim/events" && r.Method == http.MethodPost:
		s.injectEvent(w, r, enc)
	default:
		w.WriteHeader(http.StatusNotFound)
		enc.Encode(map[string]string{"error": "no such simulator endpoint " + r.Method + " " + r.URL.Path})
	}
}

// SetRegionStatus sets an account's opt-in status of a region
// (ENABLED, ENABLED_BY_DEFAULT, DISABLED), e.g. to disable it mid-scan.
func (s *Server) SetRegionStatus(account, region, status string) error {
	a := s.world.Account(account)
	if a == nil {
		return fmt.Errorf("no account %q", account)
	}
	if _, ok := s.world.Region(region); !ok {
		return fmt.Errorf("no region %q", region)
	}
	switch status {
	case "ENABLED", "ENABLED_BY_DEFAULT", "DISABLED":
	default:
		return fmt.Errorf("status %q: want ENABLED, ENABLED_BY_DEFAULT or DISABLED", status)
	}
	a.Mu.Lock()
	defer a.Mu.Unlock()
	a.RegionStatus[region] = status
	return nil
}

// Listen serves the simulator on addr until ctx is done. ready, if not
// nil, receives the listening address once the socket is open.
func (s *Server) Listen(ctx context.Context, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("simulator: listen on %s: %w", addr, err)
	}
	if ready != nil {
		ready(ln.Addr())
	}
	return s.Serve(ctx, ln)
}

// Serve serves the simulator on ln until ctx is done; it closes ln. It
// lets a caller bind the address (and fail on it) before other work.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if h, _, err := net.SplitHostPort(ln.Addr().String()); err == nil {
		s.AddHost(h)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	// Shutdown closes the connections a client dialed and left unused
	// at once, instead of waiting 5 seconds for them.
	httpstop.Track(srv)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
		return nil
	case err := <-errc:
		return err
	}
}
