// Package sns holds the normalized sns state of one account in one region. It
// must not import the AWS SDK.
package sns

// SNS is the sns state.
type SNS struct{}
