package elb

import (
	"cmp"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

func v2Ops() map[string]svc.Handler {
	return map[string]svc.Handler{
		"DescribeLoadBalancers":          describeLoadBalancers,
		"DescribeLoadBalancerAttributes": describeLoadBalancerAttributes,
		"ModifyLoadBalancerAttributes":   modifyLoadBalancerAttributes,
		"DescribeListeners":              describeListeners,
		"DescribeRules":                  describeRules,
		"CreateLoadBalancer":             createLoadBalancer,
		"CreateListener":                 createListener,
	}
}

// defaultAttributes are a new load balancer's attributes, per type, as the
// Elastic Load Balancing user guides list them.
func defaultAttributes(typ string) map[string]string {
	switch typ {
	case "network":
		return map[string]string{"access_logs.s3.enabled": "false", "access_logs.s3.bucket": "", "access_logs.s3.prefix": "",
			"deletion_protection.enabled": "false", "load_balancing.cross_zone.enabled": "false"}
	case "gateway":
		return map[string]string{"deletion_protection.enabled": "false", "load_balancing.cross_zone.enabled": "false"}
	}
	return map[string]string{"access_logs.s3.enabled": "false", "access_logs.s3.bucket": "", "access_logs.s3.prefix": "",
		"deletion_protection.enabled": "false", "idle_timeout.timeout_seconds": "60", "routing.http2.enabled": "true",
		"routing.http.desync_mitigation_mode": "defensive", "routing.http.drop_invalid_header_fields.enabled": "false",
		"routing.http.xff_header_processing.mode": "append", "waf.fail_open.enabled": "false",
		"load_balancing.cross_zone.enabled": "true"}
}

func lbType(l *world.LoadBalancer) string { return cmp.Or(l.Type, "application") }

func typeSegment(typ string) string {
	switch typ {
	case "network":
		return "net"
	case "gateway":
		return "gwy"
	}
	return "app"
}

// LoadBalancerARN is the ARN the simulator gives l in the calling
// account and region (WAFv2 resolves its associations with it).
func LoadBalancerARN(c *svc.Ctx, l *world.LoadBalancer) string { return lbARN(c, l) }

func lbID(l *world.LoadBalancer) string { return cmp.Or(l.ID, hashID("lb", l.Name)) }

func lbARN(c *svc.Ctx, l *world.LoadBalancer) string {
	return c.ARN("elasticloadbalancing", "loadbalancer/"+typeSegment(lbType(l))+"/"+l.Name+"/"+lbID(l))
}

func listenerID(l *world.Listener) string {
	return cmp.Or(l.ID, hashID("listener", strconv.Itoa(l.Port)))
}

func listenerARN(c *svc.Ctx, lb *world.LoadBalancer, l *world.Listener) string {
	return c.ARN("elasticloadbalancing", "listener/"+typeSegment(lbType(lb))+"/"+lb.Name+"/"+lbID(lb)+"/"+listenerID(l))
}

type zone struct{ ZoneName, SubnetId string }

type lbView struct {
	LoadBalancerArn       string
	DNSName               string
	CanonicalHostedZoneId string
	CreatedTime           time.Time
	LoadBalancerName      string
	Scheme                string
	VpcId                 string
	State                 struct{ Code string }
	Type                  string
	AvailabilityZones     []zone   `xml:"AvailabilityZones>member"`
	SecurityGroups        []string `xml:"SecurityGroups>member,omitempty"`
	IpAddressType         string
}

func view(c *svc.Ctx, l *world.LoadBalancer) lbView {
	v := lbView{LoadBalancerArn: lbARN(c, l), CreatedTime: l.Created, LoadBalancerName: l.Name,
		Scheme: cmp.Or(l.Scheme, "internet-facing"), VpcId: l.VpcID, Type: lbType(l), SecurityGroups: l.SecurityGroups,
		IpAddressType: "ipv4", CanonicalHostedZoneId: "Z35SXDOTRQ7X7K"}
	v.State.Code = "active"
	v.DNSName = l.Name + "-" + lbID(l)[:8] + ".elb." + c.Region + ".amazonaws.com"
	for i, z := range l.Zones {
		sub := "subnet-" + hashID("subnet", l.Name, z)
		if i < len(l.Subnets) {
			sub = l.Subnets[i]
		}
		v.AvailabilityZones = append(v.AvailabilityZones, zone{z, sub})
	}
	return v
}

func notFoundLB() error {
	return wire.Errorf(http.StatusBadRequest, "LoadBalancerNotFound", "One or more load balancers not found")
}

// findByARN returns the load balancer with arn in the caller's region.
func findByARN(c *svc.Ctx, arn string) (*world.LoadBalancer, error) {
	for _, l := range c.Regional().ELB.LoadBalancers {
		if lbARN(c, l) == arn {
			return l, nil
		}
	}
	if !strings.HasPrefix(arn, "arn:") {
		return nil, validation("'%s' is not a valid load balancer ARN", arn)
	}
	return nil, notFoundLB()
}

func describeLoadBalancers(c *svc.Ctx) (any, error) {
	arns, names := c.List("LoadBalancerArns"), c.List("Names")
	if len(arns) > 0 && len(names) > 0 {
		return nil, validation("Load balancer names and load balancer ARNs cannot be specified at the same time")
	}
	var all []lbView
	switch {
	case len(arns) > 0:
		for _, a := range arns {
			l, err := findByARN(c, a)
			if err != nil {
				return nil, err
			}
			all = append(all, view(c, l))
		}
	case len(names) > 0:
		for _, n := range names {
			var found *world.LoadBalancer
			for _, l := range c.Regional().ELB.LoadBalancers {
				if l.Name == n {
					found = l
				}
			}
			if found == nil {
				return nil, wire.Errorf(http.StatusBadRequest, "LoadBalancerNotFound", "Load balancers '[%s]' not found", n)
			}
			all = append(all, view(c, found))
		}
	default:
		for _, l := range c.Regional().ELB.LoadBalancers {
			all = append(all, view(c, l))
		}
	}
	p, next, err := page(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		LoadBalancers []lbView `xml:"LoadBalancers>member"`
		NextMarker    string   `xml:",omitempty"`
	}{p, next}, nil
}

type attribute struct{ Key, Value string }

func attributes(l *world.LoadBalancer) []attribute {
	m := defaultAttributes(lbType(l))
	for k, v := range l.Attributes {
		m[k] = v
	}
	out := make([]attribute, 0, len(m))
	for k, v := range m {
		out = append(out, attribute{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

type attributesResult struct {
	Attributes []attribute `xml:"Attributes>member"`
}

func required(c *svc.Ctx, name string) (string, error) {
	v := c.Form.Get(name)
	if v == "" {
		return "", validation("1 validation error detected: Value null at '%s%s' failed to satisfy constraint: Member must not be null",
			strings.ToLower(name[:1]), name[1:])
	}
	return v, nil
}

func describeLoadBalancerAttributes(c *svc.Ctx) (any, error) {
	arn, err := required(c, "LoadBalancerArn")
	if err != nil {
		return nil, err
	}
	l, err := findByARN(c, arn)
	if err != nil {
		return nil, err
	}
	return attributesResult{attributes(l)}, nil
}

func modifyLoadBalancerAttributes(c *svc.Ctx) (any, error) {
	arn, err := required(c, "LoadBalancerArn")
	if err != nil {
		return nil, err
	}
	l, err := findByARN(c, arn)
	if err != nil {
		return nil, err
	}
	valid := defaultAttributes(lbType(l))
	changes := map[string]string{}
	for i := 1; ; i++ {
		p := "Attributes.member." + strconv.Itoa(i) + "."
		k, ok := c.Form[p+"Key"]
		if !ok {
			break
		}
		if _, known := valid[k[0]]; !known {
			return nil, wire.Errorf(http.StatusBadRequest, "InvalidConfigurationRequest", "Key %s not valid", k[0])
		}
		v := c.Form.Get(p + "Value")
		if strings.HasSuffix(k[0], ".enabled") && v != "true" && v != "false" {
			return nil, wire.Errorf(http.StatusBadRequest, "InvalidConfigurationRequest", "%s must be one of [true, false]", k[0])
		}
		if k[0] == "routing.http.desync_mitigation_mode" && v != "monitor" && v != "defensive" && v != "strictest" {
			return nil, wire.Errorf(http.StatusBadRequest, "InvalidConfigurationRequest", "%s must be one of [monitor, defensive, strictest]", k[0])
		}
		changes[k[0]] = v
	}
	if len(changes) == 0 {
		return nil, validation("1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null")
	}
	if changes["access_logs.s3.enabled"] == "true" {
		b := changes["access_logs.s3.bucket"]
		if b == "" && l.Attributes != nil {
			b = l.Attributes["access_logs.s3.bucket"]
		}
		if b == "" {
			return nil, wire.Errorf(http.StatusBadRequest, "InvalidConfigurationRequest", "The value of 'access_logs.s3.bucket' cannot be empty")
		}
	}
	if l.Attributes == nil {
		l.Attributes = map[string]string{}
	}
	for k, v := range changes {
		l.Attributes[k] = v
	}
	return attributesResult{attributes(l)}, nil
}

type redirectConfig struct {
	Protocol, Port, Host, Path, Query, StatusCode string
}

type actionView struct {
	Type           string
	TargetGroupArn string `xml:",omitempty"`
	Order          int
	RedirectConfig *redirectConfig `xml:",omitempty"`
	// FixedResponseConfig is left out: nothing here reads it.
}

func actionOf(c *svc.Ctx, a world.ListenerAction) actionView {
	v := actionView{Type: cmp.Or(a.Type, "forward"), Order: 1}
	switch v.Type {
	case "forward":
		v.TargetGroupArn = c.ARN("elasticloadbalancing", "targetgroup/"+cmp.Or(a.TargetGroup, "default")+"/"+hashID("tg", a.TargetGroup))
	case "redirect":
		v.RedirectConfig = &redirectConfig{Protocol: cmp.Or(a.RedirectProtocol, "#{protocol}"), Port: cmp.Or(a.RedirectPort, "#{port}"),
			Host: "#{host}", Path: "/#{path}", Query: "#{query}", StatusCode: cmp.Or(a.StatusCode, "HTTP_301")}
	}
	return v
}

type certificate struct{ CertificateArn string }

type listenerView struct {
	ListenerArn     string
	LoadBalancerArn string
	Port            int
	Protocol        string
	Certificates    []certificate `xml:"Certificates>member,omitempty"`
	SslPolicy       string        `xml:",omitempty"`
	DefaultActions  []actionView  `xml:"DefaultActions>member"`
}

func listenerOf(c *svc.Ctx, lb *world.LoadBalancer, l *world.Listener) listenerView {
	v := listenerView{ListenerArn: listenerARN(c, lb, l), LoadBalancerArn: lbARN(c, lb), Port: l.Port, Protocol: l.Protocol,
		SslPolicy: l.SSLPolicy, DefaultActions: []actionView{actionOf(c, l.Default)}}
	for _, cert := range l.Certificates {
		v.Certificates = append(v.Certificates, certificate{cert})
	}
	return v
}

func describeListeners(c *svc.Ctx) (any, error) {
	arn, larns := c.Form.Get("LoadBalancerArn"), c.List("ListenerArns")
	if arn == "" && len(larns) == 0 {
		return nil, validation("You must specify either listener ARNs or a load balancer ARN")
	}
	var all []listenerView
	if arn != "" {
		lb, err := findByARN(c, arn)
		if err != nil {
			return nil, err
		}
		for _, l := range lb.Listeners {
			all = append(all, listenerOf(c, lb, l))
		}
	}
	for _, la := range larns {
		lb, l, err := findListener(c, la)
		if err != nil {
			return nil, err
		}
		all = append(all, listenerOf(c, lb, l))
	}
	p, next, err := page(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		Listeners  []listenerView `xml:"Listeners>member"`
		NextMarker string         `xml:",omitempty"`
	}{p, next}, nil
}

func findListener(c *svc.Ctx, arn string) (*world.LoadBalancer, *world.Listener, error) {
	for _, lb := range c.Regional().ELB.LoadBalancers {
		for _, l := range lb.Listeners {
			if listenerARN(c, lb, l) == arn {
				return lb, l, nil
			}
		}
	}
	return nil, nil, wire.Errorf(http.StatusBadRequest, "ListenerNotFound", "One or more listeners not found")
}

type condition struct {
	Field  string
	Values []string `xml:"Values>member"`
}

type ruleView struct {
	RuleArn    string
	Priority   string
	Conditions []condition  `xml:"Conditions>member"`
	Actions    []actionView `xml:"Actions>member"`
	IsDefault  bool
}

func describeRules(c *svc.Ctx) (any, error) {
	arn := c.Form.Get("ListenerArn")
	if arn == "" {
		return nil, validation("You must specify either listener ARN or rule ARNs")
	}
	lb, l, err := findListener(c, arn)
	if err != nil {
		return nil, err
	}
	if lbType(lb) != "application" {
		return nil, wire.Errorf(http.StatusBadRequest, "UnsupportedProtocol", "Listener rules are not supported for load balancers of type '%s'", lbType(lb))
	}
	base := strings.Replace(listenerARN(c, lb, l), ":listener/", ":listener-rule/", 1)
	var all []ruleView
	rules := append([]*world.ListenerRule(nil), l.Rules...)
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].Priority < rules[j].Priority })
	for _, r := range rules {
		all = append(all, ruleView{RuleArn: base + "/" + hashID("rule", strconv.Itoa(r.Priority)), Priority: strconv.Itoa(r.Priority),
			Conditions: []condition{{"path-pattern", r.PathPatterns}}, Actions: []actionView{actionOf(c, r.Action)}})
	}
	all = append(all, ruleView{RuleArn: base + "/" + hashID("rule", "default"), Priority: "default", Conditions: []condition{},
		Actions: []actionView{actionOf(c, l.Default)}, IsDefault: true})
	p, next, err := page(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		Rules      []ruleView `xml:"Rules>member"`
		NextMarker string     `xml:",omitempty"`
	}{p, next}, nil
}

func createLoadBalancer(c *svc.Ctx) (any, error) {
	name, err := required(c, "Name")
	if err != nil {
		return nil, err
	}
	typ := cmp.Or(c.Form.Get("Type"), "application")
	if typ != "application" && typ != "network" && typ != "gateway" {
		return nil, validation("Load balancer type '%s' is not valid", typ)
	}
	for _, l := range c.Regional().ELB.LoadBalancers {
		if l.Name == name {
			return nil, wire.Errorf(http.StatusBadRequest, "DuplicateLoadBalancerName", "A load balancer with the same name '%s' exists, but with different settings", name)
		}
	}
	lb := &world.LoadBalancer{Name: name, Type: typ, Scheme: cmp.Or(c.Form.Get("Scheme"), "internet-facing"),
		SecurityGroups: c.List("SecurityGroups"), Created: c.Now()}
	zones := map[string]bool{}
	for _, id := range c.List("Subnets") {
		var sub *world.Subnet
		for _, s := range c.Regional().EC2.Subnets {
			if s.ID == id {
				sub = s
			}
		}
		if sub == nil {
			return nil, wire.Errorf(http.StatusBadRequest, "SubnetNotFound", "The subnet ID '%s' is not valid", id)
		}
		if zones[sub.AZ] {
			return nil, wire.Errorf(http.StatusBadRequest, "InvalidConfigurationRequest", "A load balancer cannot be attached to multiple subnets in the same Availability Zone")
		}
		zones[sub.AZ] = true
		lb.Zones, lb.Subnets, lb.VpcID = append(lb.Zones, sub.AZ), append(lb.Subnets, sub.ID), sub.VPCID
	}
	if len(lb.Zones) == 0 || typ == "application" && len(lb.Zones) < 2 {
		return nil, wire.Errorf(http.StatusBadRequest, "InvalidConfigurationRequest", "At least two subnets in two different Availability Zones must be specified")
	}
	r := c.Regional()
	r.ELB.LoadBalancers = append(r.ELB.LoadBalancers, lb)
	return struct {
		LoadBalancers []lbView `xml:"LoadBalancers>member"`
	}{[]lbView{view(c, lb)}}, nil
}

func createListener(c *svc.Ctx) (any, error) {
	arn, err := required(c, "LoadBalancerArn")
	if err != nil {
		return nil, err
	}
	lb, err := findByARN(c, arn)
	if err != nil {
		return nil, err
	}
	port, err := c.Int("Port", 0)
	if err != nil || port < 1 || port > 65535 {
		return nil, validation("1 validation error detected: Value '%s' at 'port' failed to satisfy constraint: Member must have value between 1 and 65535", c.Form.Get("Port"))
	}
	proto := c.Form.Get("Protocol")
	okProto := map[string][]string{"application": {"HTTP", "HTTPS"}, "network": {"TCP", "TLS", "UDP", "TCP_UDP"}, "gateway": {"GENEVE"}}[lbType(lb)]
	if !contains(okProto, proto) {
		return nil, wire.Errorf(http.StatusBadRequest, "UnsupportedProtocol", "Protocol '%s' is not supported with load balancers of type '%s'", proto, lbType(lb))
	}
	for _, l := range lb.Listeners {
		if l.Port == port {
			return nil, wire.Errorf(http.StatusBadRequest, "DuplicateListener", "A listener already exists on this port for this load balancer")
		}
	}
	l := &world.Listener{Port: port, Protocol: proto, SSLPolicy: c.Form.Get("SslPolicy")}
	for i := 1; ; i++ {
		v, ok := c.Form["Certificates.member."+strconv.Itoa(i)+".CertificateArn"]
		if !ok {
			break
		}
		l.Certificates = append(l.Certificates, v[0])
	}
	if proto == "HTTPS" || proto == "TLS" {
		if len(l.Certificates) == 0 {
			return nil, wire.Errorf(http.StatusBadRequest, "CertificateNotFound", "A certificate must be specified for %s listeners", proto)
		}
		if l.SSLPolicy == "" {
			l.SSLPolicy = "ELBSecurityPolicy-2016-08"
		}
	}
	p := "DefaultActions.member.1."
	l.Default = world.ListenerAction{Type: c.Form.Get(p + "Type")}
	switch l.Default.Type {
	case "forward":
		tg := c.Form.Get(p + "TargetGroupArn")
		if i := strings.Index(tg, ":targetgroup/"); i >= 0 {
			tg = strings.SplitN(tg[i+len(":targetgroup/"):], "/", 2)[0]
		}
		l.Default.TargetGroup = tg
	case "redirect":
		l.Default.RedirectProtocol = c.Form.Get(p + "RedirectConfig.Protocol")
		l.Default.RedirectPort = c.Form.Get(p + "RedirectConfig.Port")
		l.Default.StatusCode = c.Form.Get(p + "RedirectConfig.StatusCode")
		if l.Default.StatusCode == "" {
			return nil, validation("1 validation error detected: Value null at 'defaultActions.1.member.redirectConfig.statusCode' failed to satisfy constraint: Member must not be null")
		}
	case "fixed-response", "authenticate-oidc", "authenticate-cognito":
	default:
		return nil, validation("1 validation error detected: Value '%s' at 'defaultActions.1.member.type' failed to satisfy enum value set", l.Default.Type)
	}
	lb.Listeners = append(lb.Listeners, l)
	return struct {
		Listeners []listenerView `xml:"Listeners>member"`
	}{[]listenerView{listenerOf(c, lb, l)}}, nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
