// Package ec2 holds the normalized ec2 state of one account in one region. It
// must not import the AWS SDK.
package ec2

// EC2 is the ec2 state.
type EC2 struct{}
