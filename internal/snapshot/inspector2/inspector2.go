// Package inspector2 holds the normalized inspector2 state of one account in one region. It
// must not import the AWS SDK.
package inspector2

// Inspector2 is the inspector2 state.
type Inspector2 struct{}
