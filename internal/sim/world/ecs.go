package world

import "time"

// ECS is an account's Amazon ECS state in one region: clusters with their
// services, and task definitions (every revision of every family).
type ECS struct {
	Clusters        []*ECSCluster        `yaml:"clusters"`
	TaskDefinitions []*ECSTaskDefinition `yaml:"task_definitions"`
}

// ECSCluster is an ECS cluster.
type ECSCluster struct {
	Name string `yaml:"name"`
	// ContainerInsights is the cluster's containerInsights setting:
	// enabled, enhanced or disabled ("" reads as disabled, the default
	// when the account setting is not turned on).
	ContainerInsights string            `yaml:"container_insights"`
	Services          []*ECSService     `yaml:"services"`
	Tags              map[string]string `yaml:"tags"`
}

// ECSService is a service of a cluster.
type ECSService struct {
	Name string `yaml:"name"`
	// TaskDefinition is family:revision.
	TaskDefinition string `yaml:"task_definition"`
	// LaunchType is EC2, FARGATE or EXTERNAL; empty when the service
	// uses a capacity provider strategy (CapacityProviders).
	LaunchType        string   `yaml:"launch_type"`
	CapacityProviders []string `yaml:"capacity_providers"`
	// PlatformVersion (Fargate only): LATEST or a version such as 1.4.0.
	PlatformVersion string `yaml:"platform_version"`
	// PlatformFamily (Fargate only): Linux or WINDOWS_SERVER_2019_FULL...
	PlatformFamily string `yaml:"platform_family"`
	DesiredCount   int    `yaml:"desired_count"`
	// Subnets, SecurityGroups and AssignPublicIP are the awsvpc network
	// configuration; no subnets means none.
	Subnets        []string  `yaml:"subnets"`
	SecurityGroups []string  `yaml:"security_groups"`
	AssignPublicIP string    `yaml:"assign_public_ip"` // ENABLED or DISABLED
	Created        time.Time `yaml:"created"`
}

// ECSTaskDefinition is one revision of a task definition family.
type ECSTaskDefinition struct {
	Family   string `yaml:"family"`
	Revision int    `yaml:"revision"`
	// Status is ACTIVE or INACTIVE ("" reads as ACTIVE).
	Status                  string   `yaml:"status"`
	NetworkMode             string   `yaml:"network_mode"` // "" is bridge on EC2
	PidMode                 string   `yaml:"pid_mode"`     // host, task or ""
	RequiresCompatibilities []string `yaml:"requires_compatibilities"`
	// OSFamily is runtimePlatform.operatingSystemFamily: LINUX,
	// WINDOWS_SERVER_2022_CORE...; "" when not set.
	OSFamily   string          `yaml:"os_family,omitempty"`
	Containers []*ECSContainer `yaml:"containers"`
	Registered time.Time       `yaml:"registered"`
}

// ECSContainer is a container definition.
type ECSContainer struct {
	Name  string `yaml:"name"`
	Image string `yaml:"image"`
	// User is the user the container runs as ("" is the image's, root by
	// default).
	User                   string `yaml:"user"`
	Privileged             *bool  `yaml:"privileged"`
	ReadonlyRootFilesystem *bool  `yaml:"readonly_root_filesystem"`
	// Environment holds the plain-text environment variables, in order.
	Environment []ECSKeyValue `yaml:"environment"`
	// Secrets are variables read from Secrets Manager or SSM at start.
	Secrets []ECSSecret `yaml:"secrets"`
	// LogDriver is the logConfiguration's driver ("" means no
	// logConfiguration).
	LogDriver  string            `yaml:"log_driver"`
	LogOptions map[string]string `yaml:"log_options"`
}

// ECSKeyValue is an environment variable.
type ECSKeyValue struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
}

// ECSSecret is a secret reference of a container.
type ECSSecret struct {
	Name      string `yaml:"name"`
	ValueFrom string `yaml:"value_from"`
}
