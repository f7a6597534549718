// Package cloudtrail holds the normalized CloudTrail state of one account
// in one region: the trails the region's DescribeTrails shows (its own,
// multi-region trails homed elsewhere, and the organization's trail). It
// must not import the AWS SDK.
//
// A multi-region trail appears in every region of the account, and an
// organization trail in every member account: the same trail (same ARN)
// is in many places of a snapshot. Its status and selectors are read in
// its home region, so every copy carries them, or says in Errors why not.
package cloudtrail
