package world

import "time"

// AutoScaling is an account's Amazon EC2 Auto Scaling groups and launch
// configurations in one region.
type AutoScaling struct {
	Groups               []*AutoScalingGroup    `yaml:"groups"`
	LaunchConfigurations []*LaunchConfiguration `yaml:"launch_configurations"`
}

// AutoScalingGroup is an Auto Scaling group. It launches from a launch
// configuration, a launch template, or a mixed instances policy (a launch
// template with instance type overrides, MixedInstanceTypes).
type AutoScalingGroup struct {
	Name                  string    `yaml:"name"`
	LaunchConfiguration   string    `yaml:"launch_configuration"`
	LaunchTemplate        string    `yaml:"launch_template"` // name
	LaunchTemplateVersion string    `yaml:"launch_template_version"`
	MixedInstanceTypes    []string  `yaml:"mixed_instance_types"`
	Min                   int       `yaml:"min"`
	Max                   int       `yaml:"max"`
	Desired               int       `yaml:"desired"`
	AvailabilityZones     []string  `yaml:"availability_zones"`
	Subnets               []string  `yaml:"subnets"`
	LoadBalancers         []string  `yaml:"load_balancers"` // Classic Load Balancer names
	TargetGroups          []string  `yaml:"target_groups"`  // target group ARNs
	HealthCheckType       string    `yaml:"health_check_type"`
	Created               time.Time `yaml:"created"`
}

// LaunchConfiguration is a (legacy) launch configuration.
type LaunchConfiguration struct {
	Name              string `yaml:"name"`
	ImageID           string `yaml:"image_id"`
	InstanceType      string `yaml:"instance_type"`
	AssociatePublicIP *bool  `yaml:"associate_public_ip"`
	// HttpTokens is optional or required; HttpEndpoint enabled or
	// disabled ("" leaves MetadataOptions out, as for an old launch
	// configuration: IMDSv1 allowed).
	HttpTokens     string    `yaml:"http_tokens"`
	HttpEndpoint   string    `yaml:"http_endpoint"`
	SecurityGroups []string  `yaml:"security_groups"`
	Created        time.Time `yaml:"created"`
}
