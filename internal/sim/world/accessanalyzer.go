package world

// AccessAnalyzer is an account's IAM Access Analyzer analyzers in one region.
type AccessAnalyzer struct{}
