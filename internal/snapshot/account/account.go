// Package account holds the normalized account state of one account. It
// must not import the AWS SDK.
package account

// Settings is the account state.
type Settings struct{}
