package cloudtrail

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// What a trail's selectors log, in the two shapes controls ask about:
// management events (CIS 3.1, the CIS 4.x monitoring chain) and S3 object
// data events for every bucket (CIS 3.8, 3.9).
//
// Basic selectors are an OR of selectors; each applies its ReadWriteType
// to the management events (when IncludeManagementEvents) and to the data
// resources it lists. Advanced selectors are an OR of selectors, each an
// AND of field conditions. The reading here is conservative: an advanced
// selector that narrows on a field this code does not model (eventName,
// userIdentity.arn, ...) does not count as logging "all" events, so a
// trail is never said to log what it may not.
//
// Excluded event sources. A basic selector's ExcludeManagementEventSources
// ("kms.amazonaws.com", "rdsdata.amazonaws.com") and an advanced
// management selector's eventSource NotEquals leave those services' calls
// out of the trail. Such a trail logs management events, but not "the
// read and write management events" CloudTrail.1 and CIS 3.1 ask for
// (AWS Config's multi-region-cloudtrail-enabled is NON_COMPLIANT when
// ExcludeManagementEventSources is not empty), and it cannot feed a CIS
// 4.x metric filter with events it never records (CIS 4.7 watches KMS).
// Management reports the sources that every selector leaves out: a source
// one selector excludes and another logs is logged. A trail qualifies
// only with none left out (Trail.Qualify, the one judgement every control
// that needs "a qualifying trail" uses).

// Coverage says which events of a kind a trail logs.
type Coverage struct {
	Read  bool `json:"read"`
	Write bool `json:"write"`
	// Excluded are event sources left out ("kms.amazonaws.com"); only
	// management events can exclude sources.
	Excluded []string `json:"excluded,omitempty"`
}

// All reports whether both read and write events are logged.
func (c Coverage) All() bool { return c.Read && c.Write }

// Excludes reports whether events from source are left out.
func (c Coverage) Excludes(source string) bool { return slices.Contains(c.Excluded, source) }

// Management returns which management events the selectors log.
func (s *Selectors) Management() Coverage {
	var read, write [][]string
	for _, b := range s.Basic {
		if !b.IncludeManagementEvents {
			continue
		}
		r, w := direction(b.ReadWriteType)
		ex := b.ExcludeManagementEventSources
		if r {
			read = append(read, ex)
		}
		if w {
			write = append(write, ex)
		}
	}
	for _, a := range s.Advanced {
		m, ok := a.management()
		if !ok {
			continue
		}
		if m.Read {
			read = append(read, m.Excluded)
		}
		if m.Write {
			write = append(write, m.Excluded)
		}
	}
	c := Coverage{Read: len(read) > 0, Write: len(write) > 0}
	c.Excluded = union(intersect(read), intersect(write))
	return c
}

// S3Objects returns which S3 object-level data events the selectors log
// for every bucket of the account (and, for an organization trail, of
// every account of the organization).
func (s *Selectors) S3Objects() Coverage {
	var c Coverage
	for _, b := range s.Basic {
		r, w := direction(b.ReadWriteType)
		for _, d := range b.DataResources {
			if d.Type == "AWS::S3::Object" && slices.ContainsFunc(d.Values, allBuckets) {
				c.Read, c.Write = c.Read || r, c.Write || w
			}
		}
	}
	for _, a := range s.Advanced {
		if r, w, ok := a.s3Objects(); ok {
			c.Read, c.Write = c.Read || r, c.Write || w
		}
	}
	return c
}

// direction reads a ReadWriteType ("" means All, CloudTrail's default).
func direction(rw string) (read, write bool) {
	switch rw {
	case "ReadOnly":
		return true, false
	case "WriteOnly":
		return false, true
	default:
		return true, true
	}
}

var allBucketsARN = regexp.MustCompile(`^arn:[a-z-]+:s3(:::)?$`)

// allBuckets reports whether an ARN prefix selects every bucket
// ("arn:aws:s3", "arn:aws:s3:::").
func allBuckets(v string) bool { return allBucketsARN.MatchString(v) }

// only reports whether f has Equals and nothing else.
func (f FieldSelector) only() bool {
	return len(f.Equals) > 0 && len(f.NotEquals)+len(f.StartsWith)+len(f.NotStartsWith)+len(f.EndsWith)+len(f.NotEndsWith) == 0
}

// readOnly reads a readOnly field selector.
func (f FieldSelector) readOnly() (read, write, ok bool) {
	if !f.only() {
		return false, false, false
	}
	for _, v := range f.Equals {
		switch v {
		case "true":
			read = true
		case "false":
			write = true
		default:
			return false, false, false
		}
	}
	return read, write, true
}

// management reads an advanced selector of management events.
func (a AdvancedEventSelector) management() (Coverage, bool) {
	c := Coverage{Read: true, Write: true}
	category := false
	for _, f := range a.FieldSelectors {
		switch f.Field {
		case "eventCategory":
			if !f.only() || !slices.Contains(f.Equals, "Management") {
				return Coverage{}, false
			}
			category = true
		case "readOnly":
			r, w, ok := f.readOnly()
			if !ok {
				return Coverage{}, false
			}
			c.Read, c.Write = r, w
		case "eventSource":
			// Only exclusions keep the rest of the management events.
			if len(f.NotEquals) == 0 || len(f.Equals)+len(f.StartsWith)+len(f.NotStartsWith)+len(f.EndsWith)+len(f.NotEndsWith) > 0 {
				return Coverage{}, false
			}
			c.Excluded = append(c.Excluded, f.NotEquals...)
		default:
			return Coverage{}, false
		}
	}
	return c, category
}

// narrowedManagement names the advanced selectors of management events
// that Management does not count because they narrow the events on some
// other field ("advanced selector \"Mgmt\" narrows them on eventName");
// "" when there are none.
func (s *Selectors) narrowedManagement() string {
	var out []string
	for _, a := range s.Advanced {
		if _, ok := a.management(); ok {
			continue
		}
		management := false
		var fields []string
		for _, f := range a.FieldSelectors {
			switch {
			case f.Field == "eventCategory":
				management = slices.Contains(f.Equals, "Management")
			case f.Field == "readOnly" || f.Field == "eventSource" && len(f.Equals)+len(f.StartsWith)+len(f.NotStartsWith)+len(f.EndsWith)+len(f.NotEndsWith) == 0:
			default:
				fields = append(fields, f.Field)
			}
		}
		if !management {
			continue
		}
		name := "an advanced selector"
		if a.Name != "" {
			name = fmt.Sprintf("advanced selector %q", a.Name)
		}
		if len(fields) == 0 {
			out = append(out, name+" narrows them")
			continue
		}
		out = append(out, name+" narrows them on "+strings.Join(fields, ", "))
	}
	return strings.Join(out, "; ")
}

// s3Objects reads an advanced selector of S3 object data events for every
// bucket.
func (a AdvancedEventSelector) s3Objects() (read, write, ok bool) {
	read, write = true, true
	category, object := false, false
	for _, f := range a.FieldSelectors {
		switch f.Field {
		case "eventCategory":
			if !f.only() || !slices.Contains(f.Equals, "Data") {
				return false, false, false
			}
			category = true
		case "resources.type":
			if !f.only() || !slices.Contains(f.Equals, "AWS::S3::Object") {
				return false, false, false
			}
			object = true
		case "readOnly":
			r, w, good := f.readOnly()
			if !good {
				return false, false, false
			}
			read, write = r, w
		case "resources.ARN":
			// Only a prefix that every bucket has keeps all of them.
			if len(f.StartsWith) == 0 || !slices.ContainsFunc(f.StartsWith, allBuckets) ||
				len(f.Equals)+len(f.NotEquals)+len(f.NotStartsWith)+len(f.EndsWith)+len(f.NotEndsWith) > 0 {
				return false, false, false
			}
		default:
			return false, false, false
		}
	}
	return read, write, category && object
}

// intersect returns the sources every selector excludes; nil if none or
// there are no selectors.
func intersect(sets [][]string) []string {
	if len(sets) == 0 {
		return nil
	}
	out := append([]string(nil), sets[0]...)
	for _, s := range sets[1:] {
		out = slices.DeleteFunc(out, func(x string) bool { return !slices.Contains(s, x) })
	}
	return out
}

func union(a, b []string) []string {
	out := append(append([]string(nil), a...), b...)
	sort.Strings(out)
	return slices.Compact(out)
}
