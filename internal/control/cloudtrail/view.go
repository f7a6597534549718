package cloudtrail

import (
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
)

// View is the trails one account sees across its assessed regions: one
// per ARN, with the status and selectors of whichever copy has them (a
// copy in any region of the account, or the owner account's own copy).
type View struct {
	// Trails are the account's own first, then other accounts' (the
	// organization's), each sorted by ARN. A trail's Errors hold only
	// what no copy could read.
	Trails []cloudtrail.Trail
	// Missing are the regions whose trails are not known, and why.
	Missing []Missing
}

// Missing is a region whose trails were not collected.
type Missing struct {
	Region string
	Reason string
}

// Unknown says what is not known: the regions not collected, joined; ""
// when every region was.
func (v View) Unknown() string {
	parts := make([]string, len(v.Missing))
	for i, m := range v.Missing {
		parts[i] = fmt.Sprintf("cloudtrail not collected in %s: %s", m.Region, m.Reason)
	}
	return strings.Join(parts, "; ")
}

// See returns the trails in.Account sees.
func See(in *control.Input) View {
	var v View
	byARN := map[string]*cloudtrail.Trail{}
	var order []string
	for _, r := range in.Account.RegionNames() {
		reg := in.Account.Regions[r]
		if g, ok := in.Gap("cloudtrail", r); ok {
			v.Missing = append(v.Missing, Missing{r, g.Reason})
			continue
		}
		if reg == nil || reg.CloudTrail == nil {
			v.Missing = append(v.Missing, Missing{r, "no data"})
			continue
		}
		for _, t := range reg.CloudTrail.Trails {
			if cur := byARN[t.ARN]; cur != nil {
				fill(cur, t)
				continue
			}
			c := t
			c.Errors = maps.Clone(t.Errors)
			byARN[t.ARN] = &c
			order = append(order, t.ARN)
		}
	}
	sort.SliceStable(order, func(i, j int) bool {
		oi, oj := byARN[order[i]].Owner() == in.Account.ID, byARN[order[j]].Owner() == in.Account.ID
		if oi != oj {
			return oi
		}
		return order[i] < order[j]
	})
	for _, arn := range order {
		t := byARN[arn]
		if (t.Status == nil || t.Selectors == nil) && t.Owner() != in.Account.ID {
			for _, o := range copies(in.Snapshot, t.Owner(), arn) {
				fill(t, o)
			}
		}
		v.Trails = append(v.Trails, *t)
	}
	return v
}

// fill takes from o the details t lacks.
func fill(t *cloudtrail.Trail, o cloudtrail.Trail) {
	if t.Status == nil && o.Status != nil {
		t.Status = o.Status
		delete(t.Errors, "status")
	}
	if t.Selectors == nil && o.Selectors != nil {
		t.Selectors = o.Selectors
		delete(t.Errors, "event_selectors")
	}
	if len(t.Errors) == 0 {
		t.Errors = nil
	}
}

// copies returns the copies of trail arn in account id's assessed
// regions, home region first.
func copies(s *snapshot.Snapshot, id, arn string) []cloudtrail.Trail {
	a := s.Account(id)
	if a == nil || a.Err != "" {
		return nil
	}
	var out []cloudtrail.Trail
	for _, r := range a.RegionNames() {
		reg := a.Regions[r]
		if reg == nil || reg.CloudTrail == nil {
			continue
		}
		for _, t := range reg.CloudTrail.Trails {
			if t.ARN != arn {
				continue
			}
			if t.HomeRegion == r {
				out = append([]cloudtrail.Trail{t}, out...)
			} else {
				out = append(out, t)
			}
		}
	}
	return out
}

// judgedHere reports whether a trail-level control judges t in
// in.Account: it is the owner, or the owner is not in the snapshot with
// the trail.
func judgedHere(in *control.Input, t cloudtrail.Trail) bool {
	owner := t.Owner()
	return owner == "" || owner == in.Account.ID || len(copies(in.Snapshot, owner, t.ARN)) == 0
}

// Label names t for a reason: its name, and its owner when that is
// another account ("org-trail of 111111111111").
func Label(in *control.Input, t cloudtrail.Trail) string {
	if o := t.Owner(); o != "" && o != in.Account.ID {
		return t.Name + " of " + o
	}
	return t.Name
}

// Meta is t as a resource.
func Meta(t cloudtrail.Trail) snapshot.Meta {
	return snapshot.Meta{ARN: t.ARN, Type: "AwsCloudTrailTrail", Name: t.Name, Region: t.HomeRegion}
}

// Qualifying sorts the trails of v by Trail.Qualify for need: the trails
// that qualify, in View order; why each other trail does not, named by
// Label ("dev-trail is single-region"); and what could not be read to
// decide (the regions not collected included). Every control that counts
// on "a qualifying trail" asks here, so the judgement is made once.
func (v View) Qualifying(in *control.Input, need cloudtrail.Need) (ok []cloudtrail.Trail, why, unknown []string) {
	for _, t := range v.Trails {
		q := t.Qualify(need)
		switch {
		case q.Qualifies:
			ok = append(ok, t)
		case q.Unknown != "":
			unknown = append(unknown, q.Unknown)
		default:
			why = append(why, Label(in, t)+" "+q.Why)
		}
	}
	if u := v.Unknown(); u != "" {
		unknown = append(unknown, u)
	}
	return ok, why, unknown
}
