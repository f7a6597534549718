package cloudtrail

import (
	"reflect"
	"testing"
)

func TestManagement(t *testing.T) {
	mgmt := func(rw string, ex ...string) EventSelector {
		return EventSelector{ReadWriteType: rw, IncludeManagementEvents: true, ExcludeManagementEventSources: ex}
	}
	cat := FieldSelector{Field: "eventCategory", Equals: []string{"Management"}}
	for _, tc := range []struct {
		name string
		s    Selectors
		want Coverage
	}{
		{"none", Selectors{}, Coverage{}},
		{"default all", Selectors{Basic: []EventSelector{mgmt("")}}, Coverage{Read: true, Write: true}},
		{"all", Selectors{Basic: []EventSelector{mgmt("All")}}, Coverage{Read: true, Write: true}},
		{"write only", Selectors{Basic: []EventSelector{mgmt("WriteOnly")}}, Coverage{Write: true}},
		{"read and write selectors", Selectors{Basic: []EventSelector{mgmt("ReadOnly"), mgmt("WriteOnly")}}, Coverage{Read: true, Write: true}},
		{"data only", Selectors{Basic: []EventSelector{{ReadWriteType: "All", DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}}}}}, Coverage{}},
		{"exclusion", Selectors{Basic: []EventSelector{mgmt("All", "kms.amazonaws.com")}}, Coverage{Read: true, Write: true, Excluded: []string{"kms.amazonaws.com"}}},
		{"exclusion undone by another selector", Selectors{Basic: []EventSelector{mgmt("All", "kms.amazonaws.com"), mgmt("All")}}, Coverage{Read: true, Write: true}},
		{"advanced all", Selectors{Advanced: []AdvancedEventSelector{{FieldSelectors: []FieldSelector{cat}}}}, Coverage{Read: true, Write: true}},
		{"advanced write", Selectors{Advanced: []AdvancedEventSelector{{FieldSelectors: []FieldSelector{cat, {Field: "readOnly", Equals: []string{"false"}}}}}}, Coverage{Write: true}},
		{"advanced exclusion", Selectors{Advanced: []AdvancedEventSelector{{FieldSelectors: []FieldSelector{cat, {Field: "eventSource", NotEquals: []string{"kms.amazonaws.com"}}}}}},
			Coverage{Read: true, Write: true, Excluded: []string{"kms.amazonaws.com"}}},
		{"advanced narrowed by event name", Selectors{Advanced: []AdvancedEventSelector{{FieldSelectors: []FieldSelector{cat, {Field: "eventName", Equals: []string{"ConsoleLogin"}}}}}}, Coverage{}},
		{"advanced data", Selectors{Advanced: []AdvancedEventSelector{{FieldSelectors: []FieldSelector{{Field: "eventCategory", Equals: []string{"Data"}}}}}}, Coverage{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.Management(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Management() = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestS3Objects(t *testing.T) {
	data := func(rw string, typ string, vals ...string) EventSelector {
		return EventSelector{ReadWriteType: rw, IncludeManagementEvents: true, DataResources: []DataResource{{Type: typ, Values: vals}}}
	}
	adv := func(fs ...FieldSelector) Selectors {
		base := []FieldSelector{{Field: "eventCategory", Equals: []string{"Data"}}, {Field: "resources.type", Equals: []string{"AWS::S3::Object"}}}
		return Selectors{Advanced: []AdvancedEventSelector{{FieldSelectors: append(base, fs...)}}}
	}
	for _, tc := range []struct {
		name string
		s    Selectors
		want Coverage
	}{
		{"none", Selectors{Basic: []EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}}, Coverage{}},
		{"all buckets", Selectors{Basic: []EventSelector{data("All", "AWS::S3::Object", "arn:aws:s3")}}, Coverage{Read: true, Write: true}},
		{"all buckets colons", Selectors{Basic: []EventSelector{data("WriteOnly", "AWS::S3::Object", "arn:aws:s3:::")}}, Coverage{Write: true}},
		{"one bucket", Selectors{Basic: []EventSelector{data("All", "AWS::S3::Object", "arn:aws:s3:::logs/")}}, Coverage{}},
		{"lambda", Selectors{Basic: []EventSelector{data("All", "AWS::Lambda::Function", "arn:aws:lambda")}}, Coverage{}},
		{"read and write selectors", Selectors{Basic: []EventSelector{data("ReadOnly", "AWS::S3::Object", "arn:aws:s3"), data("WriteOnly", "AWS::S3::Object", "arn:aws:s3")}}, Coverage{Read: true, Write: true}},
		{"advanced all", adv(), Coverage{Read: true, Write: true}},
		{"advanced read", adv(FieldSelector{Field: "readOnly", Equals: []string{"true"}}), Coverage{Read: true}},
		{"advanced all-bucket prefix", adv(FieldSelector{Field: "resources.ARN", StartsWith: []string{"arn:aws:s3:::"}}), Coverage{Read: true, Write: true}},
		{"advanced one bucket", adv(FieldSelector{Field: "resources.ARN", StartsWith: []string{"arn:aws:s3:::logs/"}}), Coverage{}},
		{"advanced excluding a bucket", adv(FieldSelector{Field: "resources.ARN", NotStartsWith: []string{"arn:aws:s3:::noisy/"}}), Coverage{}},
		{"advanced some events", adv(FieldSelector{Field: "eventName", Equals: []string{"PutObject"}}), Coverage{}},
		{"advanced no type", Selectors{Advanced: []AdvancedEventSelector{{FieldSelectors: []FieldSelector{{Field: "eventCategory", Equals: []string{"Data"}}}}}}, Coverage{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.S3Objects(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("S3Objects() = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestOwner(t *testing.T) {
	tr := Trail{ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"}
	if got := tr.Owner(); got != "111111111111" {
		t.Errorf("Owner() = %q", got)
	}
	if got := (&Trail{ARN: "junk"}).Owner(); got != "" {
		t.Errorf("Owner() of a bad ARN = %q", got)
	}
}
