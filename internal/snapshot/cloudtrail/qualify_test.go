package cloudtrail

import (
	"testing"
	"time"
)

func TestQualify(t *testing.T) {
	all := EventSelector{ReadWriteType: "All", IncludeManagementEvents: true}
	objects := EventSelector{ReadWriteType: "All", DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}}}
	good := func(change func(*Trail)) Trail {
		t := Trail{Name: "main", IsMultiRegion: true, Status: &Status{IsLogging: true},
			Selectors: &Selectors{Basic: []EventSelector{all, objects}}}
		if change != nil {
			change(&t)
		}
		return t
	}
	basic := func(s ...EventSelector) func(*Trail) {
		return func(t *Trail) { t.Selectors = &Selectors{Basic: s} }
	}
	advanced := func(a ...AdvancedEventSelector) func(*Trail) {
		return func(t *Trail) { t.Selectors = &Selectors{Advanced: a} }
	}
	mgmtCat := FieldSelector{Field: "eventCategory", Equals: []string{"Management"}}
	for _, tc := range []struct {
		name  string
		trail Trail
		need  Need
		want  Verdict
	}{
		{"qualifies", good(nil), ManagementEvents, Verdict{Qualifies: true}},
		{"single-region", good(func(t *Trail) { t.IsMultiRegion, t.Status = false, nil }), ManagementEvents, Verdict{Why: "is single-region"}},
		{"status unknown", good(func(t *Trail) { t.Status, t.Errors = nil, map[string]string{"status": "AccessDenied: no"} }), ManagementEvents,
			Verdict{Unknown: "status of trail main not read: AccessDenied: no"}},
		{"status missing", good(func(t *Trail) { t.Status = nil }), ManagementEvents, Verdict{Unknown: "status of trail main not read: no data"}},
		{"stopped", good(func(t *Trail) {
			t.Status = &Status{StopLoggingTime: time.Date(2026, 4, 17, 8, 0, 0, 0, time.UTC)}
		}), ManagementEvents, Verdict{Why: "is not logging since 2026-04-17"}},
		{"stopped, time unknown", good(func(t *Trail) { t.Status = &Status{} }), S3ObjectReads, Verdict{Why: "is not logging"}},
		{"selectors unknown", good(func(t *Trail) { t.Selectors, t.Errors = nil, map[string]string{"event_selectors": "AccessDenied: no"} }), S3ObjectWrites,
			Verdict{Unknown: "event selectors of trail main not read: AccessDenied: no"}},
		{"write only", good(basic(EventSelector{ReadWriteType: "WriteOnly", IncludeManagementEvents: true})), ManagementEvents,
			Verdict{Why: "logs only write management events"}},
		{"read only", good(basic(EventSelector{ReadWriteType: "ReadOnly", IncludeManagementEvents: true})), ManagementEvents,
			Verdict{Why: "logs only read management events"}},
		{"data events only", good(basic(objects)), ManagementEvents, Verdict{Why: "logs no management events"}},
		// Issue #12: a trail that leaves out a service's management events
		// does not log "all management events".
		{"excluded source", good(basic(EventSelector{ReadWriteType: "All", IncludeManagementEvents: true,
			ExcludeManagementEventSources: []string{"kms.amazonaws.com", "rdsdata.amazonaws.com"}})), ManagementEvents,
			Verdict{Why: "leaves out management events from kms.amazonaws.com, rdsdata.amazonaws.com"}},
		{"excluded source logged by another selector", good(basic(EventSelector{ReadWriteType: "All", IncludeManagementEvents: true,
			ExcludeManagementEventSources: []string{"kms.amazonaws.com"}}, all)), ManagementEvents, Verdict{Qualifies: true}},
		{"advanced exclusion", good(advanced(AdvancedEventSelector{FieldSelectors: []FieldSelector{mgmtCat,
			{Field: "eventSource", NotEquals: []string{"rdsdata.amazonaws.com"}}}})), ManagementEvents,
			Verdict{Why: "leaves out management events from rdsdata.amazonaws.com"}},
		{"advanced all", good(advanced(AdvancedEventSelector{FieldSelectors: []FieldSelector{mgmtCat}})), ManagementEvents, Verdict{Qualifies: true}},
		{"advanced narrowed", good(advanced(AdvancedEventSelector{Name: "Sign-ins", FieldSelectors: []FieldSelector{mgmtCat,
			{Field: "eventName", Equals: []string{"ConsoleLogin"}}}})), ManagementEvents,
			Verdict{Why: `logs only some management events (advanced selector "Sign-ins" narrows them on eventName)`}},
		{"advanced narrowed by source", good(advanced(AdvancedEventSelector{FieldSelectors: []FieldSelector{mgmtCat,
			{Field: "eventSource", Equals: []string{"iam.amazonaws.com"}}}})), ManagementEvents,
			Verdict{Why: "logs only some management events (an advanced selector narrows them on eventSource)"}},
		{"object writes", good(nil), S3ObjectWrites, Verdict{Qualifies: true}},
		{"object writes, reads only", good(basic(all, EventSelector{ReadWriteType: "ReadOnly", DataResources: objects.DataResources})), S3ObjectWrites,
			Verdict{Why: "logs S3 object-level read events only"}},
		{"object reads, writes only", good(basic(all, EventSelector{ReadWriteType: "WriteOnly", DataResources: objects.DataResources})), S3ObjectReads,
			Verdict{Why: "logs S3 object-level write events only"}},
		{"object reads, none", good(basic(all)), S3ObjectReads, Verdict{Why: "logs no S3 object-level events for every bucket"}},
		// Object logging does not ask for management events.
		{"object reads without management events", good(basic(objects)), S3ObjectReads, Verdict{Qualifies: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.trail.Qualify(tc.need); got != tc.want {
				t.Errorf("Qualify = %+v\nwant       %+v", got, tc.want)
			}
		})
	}
}
