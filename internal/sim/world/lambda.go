package world

import "time"

// Lambda is an account's Lambda functions in one region.
type Lambda struct {
	Functions []*LambdaFunction `yaml:"functions"`
}

// LambdaFunction is a Lambda function ($LATEST).
type LambdaFunction struct {
	Name          string    `yaml:"name"`
	Runtime       string    `yaml:"runtime"`
	Handler       string    `yaml:"handler"`
	Role          string    `yaml:"role"`
	Description   string    `yaml:"description"`
	CodeSize      int64     `yaml:"code_size"`
	CodeSha256    string    `yaml:"code_sha256"`
	Timeout       int       `yaml:"timeout"`
	MemorySize    int       `yaml:"memory_size"`
	PackageType   string    `yaml:"package_type"`
	Architectures []string  `yaml:"architectures"`
	LastModified  time.Time `yaml:"last_modified"`
	// Environment variables; KMSKeyARN encrypts them (empty: AWS managed key).
	Environment map[string]string `yaml:"environment"`
	KMSKeyARN   string            `yaml:"kms_key_arn"`
	TracingMode string            `yaml:"tracing_mode"`
	// VPC configuration (empty: not in a VPC).
	SubnetIDs        []string `yaml:"subnet_ids"`
	SecurityGroupIDs []string `yaml:"security_group_ids"`
	VpcID            string   `yaml:"vpc_id"`
	// Permissions are the statements of the resource-based policy.
	Permissions []*LambdaPermission `yaml:"permissions"`
	// URL is the function URL, if any.
	URL  *LambdaURL        `yaml:"url"`
	Tags map[string]string `yaml:"tags"`
	// PolicyRevision changes whenever the resource policy changes.
	PolicyRevision string `yaml:"policy_revision"`
}

// LambdaPermission is one statement of a function's resource policy.
type LambdaPermission struct {
	Sid                 string `yaml:"sid"`
	Action              string `yaml:"action"`
	Principal           string `yaml:"principal"`
	SourceARN           string `yaml:"source_arn"`
	SourceAccount       string `yaml:"source_account"`
	PrincipalOrgID      string `yaml:"principal_org_id"`
	FunctionURLAuthType string `yaml:"function_url_auth_type"`
	// EventSourceToken is the token an Alexa skill must present.
	EventSourceToken string `yaml:"event_source_token"`
	// InvokedViaFunctionURL limits the statement to calls through the
	// function URL (the lambda:InvokedViaFunctionUrl condition).
	InvokedViaFunctionURL bool `yaml:"invoked_via_function_url"`
}

// LambdaURL is a function URL.
type LambdaURL struct {
	AuthType   string    `yaml:"auth_type"` // NONE (public) or AWS_IAM
	ID         string    `yaml:"id"`        // the subdomain
	Created    time.Time `yaml:"created"`
	Modified   time.Time `yaml:"modified"`
	InvokeMode string    `yaml:"invoke_mode"`
}
