package trail

import (
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
)

// secret are answer members CloudTrail never writes.
var secret = map[string]bool{
	"secretAccessKey": true, "privateKeyMaterial": true, "keyMaterial": true, "password": true,
	"plaintext": true, "privateKey": true, "sessionToken": true,
}

// responseElements decodes a write's answer as CloudTrail writes it: the
// result's members with their first letter lowercased; EC2's answer
// whole (requestId, _return, item lists as {"items":[...]}); nil when
// the answer has no members.
func (s *source) responseElements() any {
	var v any
	switch s.protocol {
	case wire.JSON11, wire.RestJSON:
		if m := camelMap(decodeJSON(s.response)); len(m) > 0 {
			v = m
		}
	case wire.CBOR:
		b, err := wire.DecodeCBOR(s.response)
		if err == nil && len(b) > 0 {
			v = camelMap(b)
		}
	case wire.Query:
		root := parseXML(s.response)
		if root == nil {
			return nil
		}
		for _, c := range root.children {
			if c.name == s.op+"Result" && len(c.children) > 0 {
				v = c.value(true, false)
			}
		}
	case wire.EC2Query:
		root := parseXML(s.response)
		if root != nil && len(root.children) > 0 {
			v = root.value(true, true)
		}
	}
	return redact(v)
}

// redact drops the secret members of v.
func redact(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if secret[k] {
				delete(x, k)
				continue
			}
			x[k] = redact(e)
		}
	case []any:
		for i := range x {
			x[i] = redact(x[i])
		}
	}
	return v
}
