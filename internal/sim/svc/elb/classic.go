package elb

import (
	"cmp"
	"net/http"
	"strconv"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

func classicOps() map[string]svc.Handler {
	return map[string]svc.Handler{
		"DescribeLoadBalancers":          describeClassic,
		"DescribeLoadBalancerAttributes": describeClassicAttributes,
		"DescribeLoadBalancerPolicies":   describeClassicPolicies,
		"CreateLoadBalancer":             createClassic,
	}
}

type classicListener struct {
	Protocol         string
	LoadBalancerPort int
	InstanceProtocol string
	InstancePort     int
	SSLCertificateId string `xml:",omitempty"`
}

type listenerDescription struct {
	Listener    classicListener
	PolicyNames []string `xml:"PolicyNames>member"`
}

type classicView struct {
	LoadBalancerName          string
	DNSName                   string
	CanonicalHostedZoneName   string
	CanonicalHostedZoneNameID string
	ListenerDescriptions      []listenerDescription `xml:"ListenerDescriptions>member"`
	Policies                  struct {
		OtherPolicies []string `xml:"OtherPolicies>member"`
	}
	AvailabilityZones []string `xml:"AvailabilityZones>member"`
	Subnets           []string `xml:"Subnets>member"`
	VPCId             string   `xml:",omitempty"`
	SecurityGroups    []string `xml:"SecurityGroups>member"`
	CreatedTime       time.Time
	Scheme            string
}

func classicOf(c *svc.Ctx, l *world.ClassicLoadBalancer) classicView {
	dns := l.Name + "-" + hashID("clb", l.Name)[:10] + "." + c.Region + ".elb.amazonaws.com"
	v := classicView{LoadBalancerName: l.Name, DNSName: dns, CanonicalHostedZoneName: dns, CanonicalHostedZoneNameID: "Z35SXDOTRQ7X7K",
		AvailabilityZones: l.Zones, Subnets: l.Subnets, VPCId: l.VpcID, SecurityGroups: l.SecurityGroups, CreatedTime: l.Created,
		Scheme: cmp.Or(l.Scheme, "internet-facing")}
	for _, li := range l.Listeners {
		v.ListenerDescriptions = append(v.ListenerDescriptions, listenerDescription{classicListener{li.Protocol, li.Port,
			cmp.Or(li.InstanceProtocol, li.Protocol), li.InstancePort, li.Certificate}, li.Policies})
	}
	for _, p := range l.Policies {
		v.Policies.OtherPolicies = append(v.Policies.OtherPolicies, p.Name)
	}
	return v
}

func findClassic(c *svc.Ctx, name string) (*world.ClassicLoadBalancer, error) {
	for _, l := range c.Regional().ELB.Classic {
		if l.Name == name {
			return l, nil
		}
	}
	return nil, wire.Errorf(http.StatusBadRequest, "LoadBalancerNotFound", "There is no ACTIVE Load Balancer named '%s'", name)
}

func describeClassic(c *svc.Ctx) (any, error) {
	var all []classicView
	if names := c.List("LoadBalancerNames"); len(names) > 0 {
		for _, n := range names {
			l, err := findClassic(c, n)
			if err != nil {
				return nil, err
			}
			all = append(all, classicOf(c, l))
		}
	} else {
		for _, l := range c.Regional().ELB.Classic {
			all = append(all, classicOf(c, l))
		}
	}
	p, next, err := page(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		LoadBalancerDescriptions []classicView `xml:"LoadBalancerDescriptions>member"`
		NextMarker               string        `xml:",omitempty"`
	}{p, next}, nil
}

func describeClassicAttributes(c *svc.Ctx) (any, error) {
	name, err := required(c, "LoadBalancerName")
	if err != nil {
		return nil, err
	}
	l, err := findClassic(c, name)
	if err != nil {
		return nil, err
	}
	type enabled struct{ Enabled bool }
	var out struct {
		LoadBalancerAttributes struct {
			CrossZoneLoadBalancing enabled
			AccessLog              struct {
				Enabled        bool
				S3BucketName   string `xml:",omitempty"`
				EmitInterval   int    `xml:",omitempty"`
				S3BucketPrefix string `xml:",omitempty"`
			}
			ConnectionDraining struct {
				Enabled bool
				Timeout int
			}
			ConnectionSettings   struct{ IdleTimeout int }
			AdditionalAttributes []attribute `xml:"AdditionalAttributes>member"`
		}
	}
	a := &out.LoadBalancerAttributes
	a.CrossZoneLoadBalancing.Enabled = l.CrossZone
	a.AccessLog.Enabled, a.AccessLog.S3BucketName = l.AccessLog, l.AccessLogBucket
	if l.AccessLog {
		a.AccessLog.EmitInterval = 60
	}
	a.ConnectionDraining.Enabled, a.ConnectionDraining.Timeout = l.ConnectionDraining, l.DrainingTimeout
	if a.ConnectionDraining.Timeout == 0 {
		a.ConnectionDraining.Timeout = 300
	}
	a.ConnectionSettings.IdleTimeout = 60
	a.AdditionalAttributes = []attribute{{"elb.http.desyncmitigationmode", cmp.Or(l.DesyncMode, "defensive")}}
	return out, nil
}

type policyAttribute struct{ AttributeName, AttributeValue string }

type policyDescription struct {
	PolicyName                  string
	PolicyTypeName              string
	PolicyAttributeDescriptions []policyAttribute `xml:"PolicyAttributeDescriptions>member"`
}

func describeClassicPolicies(c *svc.Ctx) (any, error) {
	name := c.Form.Get("LoadBalancerName")
	if name == "" {
		// Without a name AWS lists the sample policies; nothing here needs them.
		return struct {
			PolicyDescriptions []policyDescription `xml:"PolicyDescriptions>member"`
		}{}, nil
	}
	l, err := findClassic(c, name)
	if err != nil {
		return nil, err
	}
	want := c.List("PolicyNames")
	var out []policyDescription
	for _, p := range l.Policies {
		if len(want) > 0 && !contains(want, p.Name) {
			continue
		}
		d := policyDescription{PolicyName: p.Name, PolicyTypeName: p.Type}
		for _, k := range sortedKeys(p.Attributes) {
			d.PolicyAttributeDescriptions = append(d.PolicyAttributeDescriptions, policyAttribute{k, p.Attributes[k]})
		}
		out = append(out, d)
	}
	for _, n := range want {
		found := false
		for _, d := range out {
			found = found || d.PolicyName == n
		}
		if !found {
			return nil, wire.Errorf(http.StatusBadRequest, "PolicyNotFound", "There is no policy with name %s for load balancer %s", n, name)
		}
	}
	return struct {
		PolicyDescriptions []policyDescription `xml:"PolicyDescriptions>member"`
	}{out}, nil
}

func createClassic(c *svc.Ctx) (any, error) {
	name, err := required(c, "LoadBalancerName")
	if err != nil {
		return nil, err
	}
	if _, err := findClassic(c, name); err == nil {
		return nil, wire.Errorf(http.StatusBadRequest, "DuplicateLoadBalancerName", "Load balancer name '%s' already exists for this account", name)
	}
	l := &world.ClassicLoadBalancer{Name: name, Scheme: cmp.Or(c.Form.Get("Scheme"), "internet-facing"), Zones: c.List("AvailabilityZones"),
		Subnets: c.List("Subnets"), SecurityGroups: c.List("SecurityGroups"), Created: c.Now()}
	for _, id := range l.Subnets {
		found := false
		for _, s := range c.Regional().EC2.Subnets {
			if s.ID == id {
				found, l.VpcID = true, s.VPCID
				l.Zones = append(l.Zones, s.AZ)
			}
		}
		if !found {
			return nil, wire.Errorf(http.StatusBadRequest, "InvalidSubnet", "The subnet ID '%s' is not valid", id)
		}
	}
	if len(l.Zones) == 0 {
		return nil, validation("Either AvailabilityZones or SubnetIds must be specified")
	}
	for i := 1; ; i++ {
		p := "Listeners.member." + strconv.Itoa(i) + "."
		proto, ok := c.Form[p+"Protocol"]
		if !ok {
			break
		}
		port, _ := strconv.Atoi(c.Form.Get(p + "LoadBalancerPort"))
		iport, _ := strconv.Atoi(c.Form.Get(p + "InstancePort"))
		li := world.ClassicListener{Protocol: proto[0], Port: port, InstanceProtocol: c.Form.Get(p + "InstanceProtocol"), InstancePort: iport,
			Certificate: c.Form.Get(p + "SSLCertificateId")}
		if (li.Protocol == "HTTPS" || li.Protocol == "SSL") && li.Certificate == "" {
			return nil, validation("A certificate is required for listener protocol %s", li.Protocol)
		}
		l.Listeners = append(l.Listeners, li)
	}
	if len(l.Listeners) == 0 {
		return nil, validation("1 validation error detected: Value null at 'listeners' failed to satisfy constraint: Member must not be null")
	}
	r := c.Regional()
	r.ELB.Classic = append(r.ELB.Classic, l)
	return struct{ DNSName string }{classicOf(c, l).DNSName}, nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
