// Package codebuild holds the normalized AWS CodeBuild state of one
// account in one region. It must not import the AWS SDK. Secrets seen on
// the way (environment variable values, passwords in source URLs) are not
// kept: only the facts the controls judge.
package codebuild

// CodeBuild is the CodeBuild state of one region.
type CodeBuild struct {
	Projects []*Project `json:"projects"`
}

// Project is a build project.
type Project struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// Sources are the primary source then the secondary ones.
	Sources    []Source `json:"sources"`
	Privileged bool     `json:"privileged"`
	// Environment are the build's environment variables, without values.
	Environment []EnvVar `json:"environment,omitempty"`
	// CloudWatchLogs and S3Logs report the log destinations enabled;
	// S3EncryptionDisabled the S3 logs' encryptionDisabled flag.
	CloudWatchLogs       bool `json:"cloudwatch_logs"`
	S3Logs               bool `json:"s3_logs"`
	S3EncryptionDisabled bool `json:"s3_encryption_disabled,omitempty"`
}

// Source is a project source.
type Source struct {
	Type string `json:"type"`
	// Location is the source URL with any password replaced by "xxxxx".
	Location string `json:"location,omitempty"`
	// URLPassword reports a password or token in the URL's user
	// information (https://user:token@host/...).
	URLPassword bool `json:"url_password,omitempty"`
}

// EnvVar is a build environment variable: PLAINTEXT, PARAMETER_STORE or
// SECRETS_MANAGER.
type EnvVar struct {
	Name string `json:"name"`
	Type string `json:"type"`
}
