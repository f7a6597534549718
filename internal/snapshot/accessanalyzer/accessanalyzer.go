// Package accessanalyzer holds the normalized accessanalyzer state of one account in one region. It
// must not import the AWS SDK.
package accessanalyzer

// AccessAnalyzer is the accessanalyzer state.
type AccessAnalyzer struct{}
