// Package target names what Guardrail assesses: one account in one region.
// Global services (IAM, the S3 bucket list, account settings) are assessed
// once per account, in its home region; a Target with Global set stands
// for them.
package target

import (
	"fmt"
	"regexp"
)

// The forms of an account ID and a region name, for checking what users
// type (flags, rule files, baseline specs) before anything is asked of
// AWS.
var (
	// AccountID is 12 digits.
	AccountID = regexp.MustCompile(`^[0-9]{12}$`)
	// Region is a region name: eu-west-1, us-gov-west-1, cn-north-1.
	Region = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

// Target is an account in a region.
type Target struct {
	Partition string `json:"partition,omitempty"`
	Account   string `json:"account"`
	Region    string `json:"region"`
	// Global marks the account-wide work done once per account (Region is
	// then the home region the global endpoints are called in).
	Global bool `json:"global,omitempty"`
}

// String is "111122223333/eu-west-1", or "111122223333/global".
func (t Target) String() string {
	if t.Global {
		return t.Account + "/global"
	}
	return fmt.Sprintf("%s/%s", t.Account, t.Region)
}

// PartitionOf returns the partition of region: aws, aws-cn or aws-us-gov.
func PartitionOf(region string) string {
	switch {
	case len(region) >= 3 && region[:3] == "cn-":
		return "aws-cn"
	case len(region) >= 7 && region[:7] == "us-gov-":
		return "aws-us-gov"
	}
	return "aws"
}
