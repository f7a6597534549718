package world

import "time"

// ELB is an account's Elastic Load Balancing resources in one region:
// Application, Network and Gateway Load Balancers (the 2015-12-01 API,
// "v2") and Classic Load Balancers (the 2012-06-01 API).
type ELB struct {
	LoadBalancers []*LoadBalancer        `yaml:"load_balancers"`
	Classic       []*ClassicLoadBalancer `yaml:"classic"`
}

// LoadBalancer is an Application, Network or Gateway Load Balancer.
type LoadBalancer struct {
	Name string `yaml:"name"`
	// Type is application (default), network or gateway.
	Type string `yaml:"type"`
	// Scheme is internet-facing (default) or internal.
	Scheme         string   `yaml:"scheme"`
	VpcID          string   `yaml:"vpc_id"`
	Zones          []string `yaml:"zones"`   // Availability Zone names
	Subnets        []string `yaml:"subnets"` // one per zone, same order (derived when empty)
	SecurityGroups []string `yaml:"security_groups"`
	// ID is the last part of the ARN; derived from the name when empty.
	ID      string    `yaml:"id"`
	Created time.Time `yaml:"created"`
	// Attributes override the type's defaults, keyed as AWS names them
	// ("deletion_protection.enabled": "true").
	Attributes map[string]string `yaml:"attributes"`
	Listeners  []*Listener       `yaml:"listeners"`
}

// Listener is a listener of a v2 load balancer.
type Listener struct {
	Port         int      `yaml:"port"`
	Protocol     string   `yaml:"protocol"` // HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE
	SSLPolicy    string   `yaml:"ssl_policy"`
	Certificates []string `yaml:"certificates"`
	// ID is the last part of the ARN; derived from the port when empty.
	ID      string          `yaml:"id"`
	Default ListenerAction  `yaml:"default"`
	Rules   []*ListenerRule `yaml:"rules"`
}

// ListenerAction is what a listener or rule does with a request.
type ListenerAction struct {
	// Type is forward (default), redirect, fixed-response,
	// authenticate-oidc or authenticate-cognito.
	Type        string `yaml:"type"`
	TargetGroup string `yaml:"target_group"`
	// Redirect: protocol ("HTTPS" or "#{protocol}"), port, status code.
	RedirectProtocol string `yaml:"redirect_protocol"`
	RedirectPort     string `yaml:"redirect_port"`
	StatusCode       string `yaml:"status_code"`
}

// ListenerRule is a non-default rule of a listener.
type ListenerRule struct {
	Priority     int            `yaml:"priority"`
	PathPatterns []string       `yaml:"path_patterns"`
	Action       ListenerAction `yaml:"action"`
}

// ClassicLoadBalancer is a Classic Load Balancer.
type ClassicLoadBalancer struct {
	Name           string            `yaml:"name"`
	Scheme         string            `yaml:"scheme"` // internet-facing (default) or internal
	VpcID          string            `yaml:"vpc_id"`
	Zones          []string          `yaml:"zones"`
	Subnets        []string          `yaml:"subnets"`
	SecurityGroups []string          `yaml:"security_groups"`
	Created        time.Time         `yaml:"created"`
	Listeners      []ClassicListener `yaml:"listeners"`
	// Policies are the load balancer's policies (SSL negotiation ones
	// name a predefined policy in Reference-Security-Policy).
	Policies           []ClassicPolicy `yaml:"policies"`
	CrossZone          bool            `yaml:"cross_zone"`
	AccessLog          bool            `yaml:"access_log"`
	AccessLogBucket    string          `yaml:"access_log_bucket"`
	ConnectionDraining bool            `yaml:"connection_draining"`
	DrainingTimeout    int             `yaml:"draining_timeout"`
	// DesyncMode is monitor, defensive (default) or strictest.
	DesyncMode string `yaml:"desync_mode"`
}

// ClassicListener is a listener of a Classic Load Balancer.
type ClassicListener struct {
	Protocol         string   `yaml:"protocol"` // HTTP, HTTPS, TCP, SSL
	Port             int      `yaml:"port"`
	InstanceProtocol string   `yaml:"instance_protocol"`
	InstancePort     int      `yaml:"instance_port"`
	Certificate      string   `yaml:"certificate"` // ACM or IAM server certificate ARN
	Policies         []string `yaml:"policies"`
}

// ClassicPolicy is a Classic Load Balancer policy.
type ClassicPolicy struct {
	Name       string            `yaml:"name"`
	Type       string            `yaml:"type"` // SSLNegotiationPolicyType, ...
	Attributes map[string]string `yaml:"attributes"`
}
