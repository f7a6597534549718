// Package guardduty holds the normalized guardduty state of one account in one region. It
// must not import the AWS SDK.
package guardduty

// GuardDuty is the guardduty state.
type GuardDuty struct{}
