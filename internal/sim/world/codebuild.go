package world

import "time"

// CodeBuild is an account's AWS CodeBuild projects in one region.
type CodeBuild struct {
	Projects []*CodeBuildProject `yaml:"projects"`
}

// CodeBuildProject is a build project.
type CodeBuildProject struct {
	Name    string    `yaml:"name"`
	Created time.Time `yaml:"created"`
	// Source is the primary source; SecondarySources the others.
	Source           CodeBuildSource   `yaml:"source"`
	SecondarySources []CodeBuildSource `yaml:"secondary_sources"`
	Image            string            `yaml:"image"`
	ComputeType      string            `yaml:"compute_type"`
	Privileged       bool              `yaml:"privileged"`
	Environment      []CodeBuildEnvVar `yaml:"environment"`
	ServiceRole      string            `yaml:"service_role"`
	// CloudWatchLogs is ENABLED (the default, "") or DISABLED; S3Logs is
	// ENABLED or DISABLED (the default, "").
	CloudWatchLogs       string `yaml:"cloudwatch_logs"`
	S3Logs               string `yaml:"s3_logs"`
	S3LogsLocation       string `yaml:"s3_logs_location"`
	S3EncryptionDisabled bool   `yaml:"s3_encryption_disabled"`
}

// CodeBuildSource is a project source: its type (GITHUB, BITBUCKET,
// CODECOMMIT, S3, NO_SOURCE...) and location (a repository URL).
type CodeBuildSource struct {
	Type       string `yaml:"type"`
	Location   string `yaml:"location"`
	Identifier string `yaml:"identifier"`
}

// CodeBuildEnvVar is an environment variable of the build: its type is
// PLAINTEXT (the default, ""), PARAMETER_STORE or SECRETS_MANAGER.
type CodeBuildEnvVar struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
	Type  string `yaml:"type"`
}
