package s3

import (
	"testing"

	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestLocation(t *testing.T) {
	for in, want := range map[string]string{"": "us-east-1", "EU": "eu-west-1", "eu-central-1": "eu-central-1"} {
		if got := location(s3types.BucketLocationConstraint(in)); got != want {
			t.Errorf("location(%q) = %q, want %q", in, got, want)
		}
	}
}
