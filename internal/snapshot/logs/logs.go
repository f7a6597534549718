// Package logs holds the normalized logs state of one account in one region. It
// must not import the AWS SDK.
package logs

// Logs is the logs state.
type Logs struct{}
