package inventory

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Exposure says how far a resource is open: bit flags, so one resource can
// be public and privileged at once.
type Exposure uint8

// The exposures. Their values are their weights: Rank is the value, so a
// public resource outranks any that is not public, an internet-reachable
// one any that is neither public nor internet-reachable, and among equals
// in the higher flags, the lower flags decide.
const (
	// Privileged: an IAM principal with full administrative access
	// (AdministratorAccess, or an Allow of "*" on "*", directly or through
	// a group), and the root user.
	Privileged Exposure = 1 << iota
	// Internet: reachable from the internet: an instance with a public IP
	// whose security groups let in 0.0.0.0/0 or ::/0, a security group
	// with such a rule attached to an interface with a public IP.
	Internet
	// Public: anyone on the internet can read or use it: a bucket public
	// by policy or ACL and not blocked by Block Public Access, a public
	// EBS or RDS snapshot, a publicly accessible RDS instance, a Lambda
	// function or KMS key whose resource policy allows anyone.
	Public
)

// exposureNames are the names of the flags, highest first.
var exposureNames = []struct {
	e    Exposure
	name string
}{{Public, "public"}, {Internet, "internet"}, {Privileged, "privileged"}}

// Rank orders exposures for priority sorting: higher is worse. It is the
// weighted sum public 4, internet 2, privileged 1 (the flags' values), so
// public > internet > privileged, and public+privileged > public.
func (e Exposure) Rank() int { return int(e & (Public | Internet | Privileged)) }

// Has reports whether e has every flag of f.
func (e Exposure) Has(f Exposure) bool { return e&f == f }

// Names returns the names of e's flags, highest first ("public",
// "internet", "privileged"); nil for none.
func (e Exposure) Names() []string {
	var out []string
	for _, n := range exposureNames {
		if e&n.e != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// String is the names joined by commas ("public,internet"); "" for none.
func (e Exposure) String() string { return strings.Join(e.Names(), ",") }

// MarshalJSON writes the names as a list: ["public","internet"].
func (e Exposure) MarshalJSON() ([]byte, error) {
	n := e.Names()
	if n == nil {
		n = []string{}
	}
	return json.Marshal(n)
}

// UnmarshalJSON reads a list of names (or a number, the bits).
func (e *Exposure) UnmarshalJSON(b []byte) error {
	var bits uint8
	if json.Unmarshal(b, &bits) == nil {
		*e = Exposure(bits)
		return nil
	}
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return fmt.Errorf("exposure: want a list of public, internet, privileged: %w", err)
	}
	v, err := ParseExposure(strings.Join(names, ","))
	*e = v
	return err
}

// ParseExposure reads names separated by commas ("public,internet"), in
// any case; "" is none.
func ParseExposure(s string) (Exposure, error) {
	var e Exposure
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		found := false
		for _, n := range exposureNames {
			if strings.EqualFold(part, n.name) {
				e |= n.e
				found = true
			}
		}
		if !found {
			return e, fmt.Errorf("exposure %q: want public, internet or privileged", part)
		}
	}
	return e, nil
}
