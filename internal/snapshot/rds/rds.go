// Package rds holds the normalized rds state of one account in one region. It
// must not import the AWS SDK.
package rds

// RDS is the rds state.
type RDS struct{}
