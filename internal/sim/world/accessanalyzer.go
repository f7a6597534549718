package world

import "time"

// AccessAnalyzer is an account's IAM Access Analyzer analyzers in one region.
type AccessAnalyzer struct {
	Analyzers []*Analyzer `yaml:"analyzers,omitempty"`
}

// Analyzer is one IAM Access Analyzer analyzer.
type Analyzer struct {
	Name string `yaml:"name"`
	// Type is ACCOUNT, ORGANIZATION, ACCOUNT_UNUSED_ACCESS,
	// ORGANIZATION_UNUSED_ACCESS, ACCOUNT_INTERNAL_ACCESS or
	// ORGANIZATION_INTERNAL_ACCESS.
	Type string `yaml:"type"`
	// Status is ACTIVE (default), CREATING, DISABLED or FAILED.
	Status    string    `yaml:"status,omitempty"`
	CreatedAt time.Time `yaml:"created_at,omitempty"`
	// UnusedAccessAge is the unused-access tracking period in days
	// (unused-access analyzers).
	UnusedAccessAge int                `yaml:"unused_access_age,omitempty"`
	Tags            map[string]string  `yaml:"tags,omitempty"`
	Findings        []*AnalyzerFinding `yaml:"findings,omitempty"`
}

// AnalyzerFinding is one external-access finding of an analyzer.
type AnalyzerFinding struct {
	ID           string            `yaml:"id"`
	Resource     string            `yaml:"resource"`      // ARN
	ResourceType string            `yaml:"resource_type"` // AWS::S3::Bucket, AWS::IAM::Role, ...
	Principal    map[string]string `yaml:"principal,omitempty"`
	Action       []string          `yaml:"action,omitempty"`
	IsPublic     bool              `yaml:"is_public"`
	Status       string            `yaml:"status"` // ACTIVE, ARCHIVED, RESOLVED
	CreatedAt    time.Time         `yaml:"created_at,omitempty"`
	UpdatedAt    time.Time         `yaml:"updated_at,omitempty"`
}
