// Package lambda holds the normalized lambda state of one account in one region. It
// must not import the AWS SDK.
package lambda

// Lambda is the lambda state.
type Lambda struct{}
