// Package elb holds the normalized Elastic Load Balancing state of one
// account in one region: Application, Network and Gateway Load Balancers
// (v2) with their attributes and listeners, and Classic Load Balancers
// with their attributes and policies. It must not import the AWS SDK.
//
// A detail that could not be read is nil and says why in Errors, so a
// control reports ERROR for it instead of judging an empty value.
package elb

// ELB is the Elastic Load Balancing state of a region.
type ELB struct {
	LoadBalancers []*LoadBalancer        `json:"load_balancers"`
	Classic       []*ClassicLoadBalancer `json:"classic"`
}

// LoadBalancer is an Application, Network or Gateway Load Balancer.
type LoadBalancer struct {
	ARN    string `json:"arn"`
	Name   string `json:"name"`
	Type   string `json:"type"`   // application, network, gateway
	Scheme string `json:"scheme"` // internet-facing, internal
	VpcID  string `json:"vpc_id,omitempty"`
	// Zones are the Availability Zones the load balancer is enabled in.
	Zones []string `json:"zones"`
	// Attributes as AWS keys them ("deletion_protection.enabled"); nil
	// when they could not be read (Errors["attributes"]).
	Attributes map[string]string `json:"attributes"`
	// Listeners; nil when they could not be read (Errors["listeners"]).
	Listeners []*Listener `json:"listeners"`
	// Errors holds why a detail could not be read, keyed "attributes"
	// or "listeners".
	Errors map[string]string `json:"errors,omitempty"`
}

// Application reports whether l is an Application Load Balancer.
func (l *LoadBalancer) Application() bool { return l.Type == "application" }

// Listener is a listener of a v2 load balancer.
type Listener struct {
	ARN            string   `json:"arn"`
	Port           int      `json:"port"`
	Protocol       string   `json:"protocol"` // HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE
	SSLPolicy      string   `json:"ssl_policy,omitempty"`
	Certificates   []string `json:"certificates,omitempty"`
	DefaultActions []Action `json:"default_actions"`
	// Rules are the listener's rules, the default one included. They are
	// read for the HTTP listeners of Application Load Balancers only (the
	// only ones a control judges by their rules); nil otherwise, or when
	// they could not be read (Errors["rules"]).
	Rules  []Rule            `json:"rules,omitempty"`
	Errors map[string]string `json:"errors,omitempty"`
}

// Action is what a listener or rule does with a request.
type Action struct {
	Type string `json:"type"` // forward, redirect, fixed-response, authenticate-oidc, authenticate-cognito
	// RedirectProtocol is a redirect's protocol: HTTPS, HTTP or
	// "#{protocol}" (keep the request's).
	RedirectProtocol string `json:"redirect_protocol,omitempty"`
}

// RedirectsToHTTPS reports whether a is a redirect to HTTPS.
func (a Action) RedirectsToHTTPS() bool { return a.Type == "redirect" && a.RedirectProtocol == "HTTPS" }

// Rule is a listener rule.
type Rule struct {
	ARN       string   `json:"arn"`
	Priority  string   `json:"priority"` // a number, or "default"
	IsDefault bool     `json:"is_default"`
	Actions   []Action `json:"actions"`
}

// ClassicLoadBalancer is a Classic Load Balancer.
type ClassicLoadBalancer struct {
	// ARN is the load balancer's ARN as AWS Config and Security Hub name
	// it (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/<name>).
	ARN       string            `json:"arn"`
	Name      string            `json:"name"`
	Scheme    string            `json:"scheme"`
	VpcID     string            `json:"vpc_id,omitempty"`
	Zones     []string          `json:"zones"`
	Listeners []ClassicListener `json:"listeners"`
	// Attributes; nil when they could not be read (Errors["attributes"]).
	Attributes *ClassicAttributes `json:"attributes"`
	// Policies; nil when they could not be read (Errors["policies"]).
	Policies []ClassicPolicy   `json:"policies"`
	Errors   map[string]string `json:"errors,omitempty"`
}

// ClassicListener is a listener of a Classic Load Balancer.
type ClassicListener struct {
	Protocol         string   `json:"protocol"` // HTTP, HTTPS, TCP, SSL
	Port             int      `json:"port"`
	InstanceProtocol string   `json:"instance_protocol"`
	InstancePort     int      `json:"instance_port"`
	Certificate      string   `json:"certificate,omitempty"`
	Policies         []string `json:"policies,omitempty"`
}

// Secure reports whether the front-end connection is encrypted.
func (l ClassicListener) Secure() bool { return l.Protocol == "HTTPS" || l.Protocol == "SSL" }

// ClassicAttributes are a Classic Load Balancer's attributes.
type ClassicAttributes struct {
	CrossZone          bool   `json:"cross_zone"`
	AccessLog          bool   `json:"access_log"`
	ConnectionDraining bool   `json:"connection_draining"`
	DesyncMode         string `json:"desync_mode"` // monitor, defensive, strictest
}

// ClassicPolicy is a Classic Load Balancer policy.
type ClassicPolicy struct {
	Name       string            `json:"name"`
	Type       string            `json:"type"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// Policy returns the policy named name, or nil.
func (l *ClassicLoadBalancer) Policy(name string) *ClassicPolicy {
	for i := range l.Policies {
		if l.Policies[i].Name == name {
			return &l.Policies[i]
		}
	}
	return nil
}
