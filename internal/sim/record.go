package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/trail"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// answer records a served call in CloudTrail (when recorded) and sends
// its answer. A write's answer is encoded first, for its record's
// responseElements; either way the record is stored before the answer
// leaves, so a client that got its answer finds the record.
func (s *Server) answer(w http.ResponseWriter, c *wire.Call, e *entry, sc scope, cred *world.Credential, recorded bool, out any, err error) {
	if !recorded {
		s.write(w, c, e, out, err)
		return
	}
	if !trail.CapturesResponse(e.svc.RouteKey(), c.Op) || err != nil {
		s.record(c, e, sc, cred, err, nil)
		s.write(w, c, e, out, err)
		return
	}
	buf := &captured{h: http.Header{}}
	s.write(buf, c, e, out, err)
	s.record(c, e, sc, cred, nil, buf.body.Bytes())
	buf.replay(w)
}

func (s *Server) write(w http.ResponseWriter, c *wire.Call, e *entry, out any, err error) {
	if err != nil {
		e.enc.WriteError(w, c, err)
		return
	}
	e.enc.WriteResult(w, c, out)
}

// record stores the CloudTrail record of a call.
func (s *Server) record(c *wire.Call, e *entry, sc scope, cred *world.Credential, err error, response []byte) {
	// RouteKey, not the signing name: S3 Control signs as s3 and
	// CloudTrail names its calls apart (PutAccountPublicAccessBlock).
	trail.Record(s.world, trail.Call{
		Service: e.svc.RouteKey(), Protocol: e.svc.Protocol, Region: sc.Region, Home: s.world.HomeRegion,
		Cred: cred, Account: cred.Principal.Account, Req: c, Err: err, Response: response,
	})
}

// captured is an answer held back until its call is recorded.
type captured struct {
	h      http.Header
	status int
	body   bytes.Buffer
}

func (c *captured) Header() http.Header { return c.h }

func (c *captured) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *captured) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}

func (c *captured) replay(w http.ResponseWriter) {
	for k, v := range c.h {
		w.Header()[k] = v
	}
	if c.status == 0 {
		c.status = http.StatusOK
	}
	w.WriteHeader(c.status)
	w.Write(c.body.Bytes())
}

// Event is a CloudTrail event injected through the control API (POST
// /_sim/events): a console sign-in, or an API call by root or an IAM
// user that the simulator did not serve.
type Event struct {
	// Type is ConsoleLogin or AwsApiCall.
	Type    string `json:"type"`
	Account string `json:"account"`
	// User is an IAM user's name or "root".
	User string `json:"user"`
	// ConsoleLogin: whether MFA was used and the sign-in succeeded (a
	// missing success means it did).
	MFA     bool  `json:"mfa"`
	Success *bool `json:"success"`
	// AwsApiCall: the call (eventSource as ec2.amazonaws.com, eventName),
	// its readOnly flag and, for a failed call, its errorCode.
	EventSource string `json:"eventSource"`
	EventName   string `json:"eventName"`
	ReadOnly    bool   `json:"readOnly"`
	ErrorCode   string `json:"errorCode"`
	// RequestParameters is the call's requestParameters document.
	RequestParameters json.RawMessage `json:"requestParameters"`
	SourceIPAddress   string          `json:"sourceIPAddress"`
	UserAgent         string          `json:"userAgent"`
	// Region is where it is recorded (us-east-1 when empty).
	Region string `json:"region"`
	// Time is the event's time (RFC 3339; the world's clock when empty).
	Time string `json:"time"`
}

// InjectEvent records e as CloudTrail would have (see Event) and returns
// the record.
func (s *Server) InjectEvent(e Event) (world.TrailRecord, error) {
	var at time.Time
	if e.Time != "" {
		t, err := time.Parse(time.RFC3339, e.Time)
		if err != nil {
			return world.TrailRecord{}, fmt.Errorf("time %q: want RFC 3339", e.Time)
		}
		at = t
	}
	switch e.Type {
	case "ConsoleLogin":
		ok := e.Success == nil || *e.Success
		return s.world.InjectConsoleLogin(world.ConsoleLogin{Account: e.Account, User: e.User, MFA: e.MFA, Success: ok,
			SourceIPAddress: e.SourceIPAddress, UserAgent: e.UserAgent, Region: e.Region, Time: at})
	case "AwsApiCall":
	default:
		return world.TrailRecord{}, fmt.Errorf("event type %q: want ConsoleLogin or AwsApiCall", e.Type)
	}
	a := s.world.Account(e.Account)
	if a == nil {
		return world.TrailRecord{}, fmt.Errorf("no account %q", e.Account)
	}
	if !strings.HasSuffix(e.EventSource, ".amazonaws.com") || e.EventName == "" {
		return world.TrailRecord{}, fmt.Errorf("an AwsApiCall needs eventSource (ec2.amazonaws.com) and eventName")
	}
	if len(e.RequestParameters) > 0 && !json.Valid(e.RequestParameters) {
		return world.TrailRecord{}, fmt.Errorf("requestParameters is not JSON")
	}
	region := e.Region
	if region == "" {
		region = s.world.HomeRegion
	}
	if _, ok := s.world.Region(region); !ok {
		return world.TrailRecord{}, fmt.Errorf("no region %q", region)
	}
	id := world.TrailIdentity{Type: "Root", PrincipalID: a.ID, ARN: "arn:aws:iam::" + a.ID + ":root", AccountID: a.ID}
	switch e.User {
	case "root", "":
	default:
		id = world.TrailIdentity{Type: "IAMUser", PrincipalID: "AIDASIM" + strings.ToUpper(e.User), ARN: "arn:aws:iam::" + a.ID + ":user/" + e.User,
			AccountID: a.ID, UserName: e.User}
	}
	ip, ua := e.SourceIPAddress, e.UserAgent
	if ip == "" {
		ip = "192.0.2.10"
	}
	if ua == "" {
		ua = "aws-cli/2.17.0"
	}
	r := world.TrailRecord{EventTime: at, EventSource: e.EventSource, EventName: e.EventName, Region: region, Account: a.ID,
		Identity: id, SourceIPAddress: ip, UserAgent: ua, ReadOnly: e.ReadOnly, ErrorCode: e.ErrorCode,
		Details: world.TrailDetails{RequestParameters: e.RequestParameters}}
	if e.ErrorCode != "" {
		r.ErrorMessage = "injected " + e.ErrorCode
	}
	return s.world.AppendTrailRecord(r), nil
}

// injectEvent serves POST /_sim/events.
func (s *Server) injectEvent(w http.ResponseWriter, r *http.Request, enc *json.Encoder) {
	var e Event
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		enc.Encode(map[string]string{"error": "event document: " + err.Error()})
		return
	}
	rec, err := s.InjectEvent(e)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		enc.Encode(map[string]string{"error": err.Error()})
		return
	}
	w.Write(rec.JSON())
}
