package cloudtrail

import (
	"fmt"
	"strings"
)

// Need is what a trail must log for a control to count on it.
type Need int

// What controls need of a trail.
const (
	// ManagementEvents: every management event, read and write, from
	// every event source (CloudTrail.1, CIS 3.1, the CIS 4.x monitoring
	// chain).
	ManagementEvents Need = iota
	// S3ObjectWrites: S3 object-level write data events for every bucket
	// (S3.22, CIS 3.8).
	S3ObjectWrites
	// S3ObjectReads: S3 object-level read data events for every bucket
	// (S3.23, CIS 3.9).
	S3ObjectReads
)

// Verdict says whether one trail qualifies for a Need.
type Verdict struct {
	// Qualifies is true when the trail is multi-region, logging, and
	// its selectors log what was needed.
	Qualifies bool
	// Unknown says which detail that decides it could not be read, and
	// why ("status of trail main not read: AccessDenied: ..."): the trail
	// neither qualifies nor is disqualified.
	Unknown string
	// Why says why the trail does not qualify, as a predicate of it
	// ("is single-region", "leaves out management events from
	// kms.amazonaws.com"); "" when it qualifies or is unknown.
	Why string
}

// Qualify says whether t logs what need asks for in every region of its
// account, now: it is a multi-region trail, it is logging, and its
// selectors log those events. For ManagementEvents that is every
// management event, read and write, with no event source left out (see
// the reading of selectors in selectors.go). This is the one place that
// decides whether a trail counts; the controls only say which trail.
//
// The checks go in that order, and the first that fails decides: a
// single-region trail is disqualified even when its status could not be
// read.
func (t *Trail) Qualify(need Need) Verdict {
	if !t.IsMultiRegion {
		return Verdict{Why: "is single-region"}
	}
	if t.Status == nil {
		return Verdict{Unknown: fmt.Sprintf("status of trail %s not read: %s", t.Name, t.detailErr("status"))}
	}
	if !t.Status.IsLogging {
		why := "is not logging"
		if !t.Status.StopLoggingTime.IsZero() {
			why += " since " + t.Status.StopLoggingTime.UTC().Format("2006-01-02")
		}
		return Verdict{Why: why}
	}
	if t.Selectors == nil {
		return Verdict{Unknown: fmt.Sprintf("event selectors of trail %s not read: %s", t.Name, t.detailErr("event_selectors"))}
	}
	var why string
	switch need {
	case ManagementEvents:
		why = t.Selectors.managementGap()
	case S3ObjectWrites, S3ObjectReads:
		why = s3ObjectGap(t.Selectors.S3Objects(), need == S3ObjectWrites)
	default:
		panic(fmt.Sprintf("cloudtrail: unknown Need %d", need))
	}
	return Verdict{Qualifies: why == "", Why: why}
}

// managementGap says what management events the selectors miss; "" when
// they log all of them.
func (s *Selectors) managementGap() string {
	m := s.Management()
	switch {
	case !m.Read && !m.Write:
		if n := s.narrowedManagement(); n != "" {
			return "logs only some management events (" + n + ")"
		}
		return "logs no management events"
	case !m.Write:
		return "logs only read management events"
	case !m.Read:
		return "logs only write management events"
	case len(m.Excluded) > 0:
		return "leaves out management events from " + strings.Join(m.Excluded, ", ")
	}
	return ""
}

// s3ObjectGap says what S3 object-level events c misses of the writes
// (or reads) asked for; "" when it logs them.
func s3ObjectGap(c Coverage, writes bool) string {
	has, other, otherName := c.Read, c.Write, "write"
	if writes {
		has, other, otherName = c.Write, c.Read, "read"
	}
	switch {
	case has:
		return ""
	case other:
		return "logs S3 object-level " + otherName + " events only"
	}
	return "logs no S3 object-level events for every bucket"
}

func (t *Trail) detailErr(key string) string {
	if e := t.Errors[key]; e != "" {
		return e
	}
	return "no data"
}
