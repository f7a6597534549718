// Package ecs holds the normalized Amazon ECS state of one account in one
// region. It must not import the AWS SDK.
package ecs

// ECS is the ECS state of one region.
type ECS struct {
	Clusters []*Cluster `json:"clusters"`
	// TaskDefinitions holds the latest ACTIVE revision of every task
	// definition family (what Security Hub's ECS controls evaluate).
	TaskDefinitions []*TaskDefinition `json:"task_definitions"`
}

// Cluster is an ECS cluster and its services.
type Cluster struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// ContainerInsights is the containerInsights setting: enabled,
	// enhanced or disabled.
	ContainerInsights string     `json:"container_insights"`
	Services          []*Service `json:"services"`
	// Errors records details that could not be read, keyed "services",
	// with the reason.
	Errors map[string]string `json:"errors,omitempty"`
}

// Service is an ECS service.
type Service struct {
	ARN     string `json:"arn"`
	Name    string `json:"name"`
	Cluster string `json:"cluster"`
	// LaunchType is EC2, FARGATE or EXTERNAL; "" when the service uses a
	// capacity provider strategy (CapacityProviders).
	LaunchType        string   `json:"launch_type,omitempty"`
	CapacityProviders []string `json:"capacity_providers,omitempty"`
	// PlatformVersion and PlatformFamily are Fargate's.
	PlatformVersion string `json:"platform_version,omitempty"`
	PlatformFamily  string `json:"platform_family,omitempty"`
	// AwsVPC reports an awsvpc network configuration; AssignPublicIP is
	// its ENABLED or DISABLED.
	AwsVPC         bool   `json:"awsvpc"`
	AssignPublicIP string `json:"assign_public_ip,omitempty"`
}

// Fargate reports whether the service runs on AWS Fargate: its launch
// type, or a FARGATE / FARGATE_SPOT capacity provider.
func (s *Service) Fargate() bool {
	if s.LaunchType == "FARGATE" {
		return true
	}
	for _, p := range s.CapacityProviders {
		if p == "FARGATE" || p == "FARGATE_SPOT" {
			return true
		}
	}
	return false
}

// TaskDefinition is one revision of a task definition family.
type TaskDefinition struct {
	ARN      string `json:"arn"`
	Family   string `json:"family"`
	Revision int    `json:"revision"`
	// NetworkMode is bridge, host, awsvpc or none ("" is the default,
	// bridge).
	NetworkMode string `json:"network_mode,omitempty"`
	PidMode     string `json:"pid_mode,omitempty"`
	// OSFamily is the runtime platform's operating system family (LINUX,
	// WINDOWS_SERVER_2022_CORE...); "" when the task definition sets none.
	OSFamily   string       `json:"os_family,omitempty"`
	Containers []*Container `json:"containers"`
	// Error, when set, says why the revision could not be read; the
	// other fields but ARN and Family are then empty.
	Error string `json:"error,omitempty"`
}

// Container is a container definition.
type Container struct {
	Name string `json:"name"`
	// User is "" when not set (the image's user, root by default).
	User string `json:"user,omitempty"`
	// Privileged and ReadonlyRootFilesystem are nil when not set.
	Privileged             *bool `json:"privileged,omitempty"`
	ReadonlyRootFilesystem *bool `json:"readonly_root_filesystem,omitempty"`
	// Environment are the names of the plain-text environment variables
	// (values are not kept: they may be secrets).
	Environment []string `json:"environment,omitempty"`
	// LogDriver is the logConfiguration's driver; "" when the container
	// has no logConfiguration.
	LogDriver string `json:"log_driver,omitempty"`
}
