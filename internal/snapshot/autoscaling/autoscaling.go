// Package autoscaling holds the normalized Amazon EC2 Auto Scaling state
// of one account in one region. It must not import the AWS SDK.
package autoscaling

// AutoScaling is the Auto Scaling state of one region.
type AutoScaling struct {
	Groups               []*Group               `json:"groups"`
	LaunchConfigurations []*LaunchConfiguration `json:"launch_configurations"`
}

// Group is an Auto Scaling group.
type Group struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// LaunchConfiguration is the launch configuration's name ("" when
	// the group launches from a launch template).
	LaunchConfiguration string `json:"launch_configuration,omitempty"`
	LaunchTemplate      string `json:"launch_template,omitempty"`
	// InstanceTypes are the distinct instance types of a mixed instances
	// policy's overrides (empty without one: the launch configuration's or
	// template's single type).
	InstanceTypes     []string `json:"instance_types,omitempty"`
	AvailabilityZones []string `json:"availability_zones"`
	// LoadBalancers are the Classic Load Balancer names and target group
	// ARNs the group registers its instances with.
	LoadBalancers []string `json:"load_balancers,omitempty"`
	// HealthCheckType is EC2, ELB, or a comma-separated list (EC2,ELB,EBS).
	HealthCheckType string `json:"health_check_type"`
}

// LaunchConfiguration is a launch configuration.
type LaunchConfiguration struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// AssociatePublicIP is nil when not set (the subnet decides).
	AssociatePublicIP *bool `json:"associate_public_ip,omitempty"`
	// HttpTokens is required or optional ("" when the launch
	// configuration has no metadata options: IMDSv1 allowed);
	// HttpEndpoint is enabled or disabled.
	HttpTokens   string `json:"http_tokens,omitempty"`
	HttpEndpoint string `json:"http_endpoint,omitempty"`
}
