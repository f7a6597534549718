// Package target names what Guardrail assesses: one account in one region.
// Global services (IAM, the S3 bucket list, account settings) are assessed
// once per account, in its home region; a Target with Global set stands
// for them.
package target

import "fmt"

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
