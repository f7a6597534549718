package elb_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbapi "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"
	elbv2api "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

var created = time.Date(2024, 2, 3, 4, 5, 6, 0, time.UTC)

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func seed() *world.World {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	r.EC2.Subnets = []*world.Subnet{{ID: "subnet-a", VPCID: "vpc-1", AZ: "eu-west-1a"}, {ID: "subnet-b", VPCID: "vpc-1", AZ: "eu-west-1b"},
		{ID: "subnet-a2", VPCID: "vpc-1", AZ: "eu-west-1a"}}
	r.ELB = world.ELB{
		LoadBalancers: []*world.LoadBalancer{
			{Name: "web", VpcID: "vpc-1", Zones: []string{"eu-west-1a", "eu-west-1b"}, Created: created,
				Attributes: map[string]string{"deletion_protection.enabled": "true"},
				Listeners: []*world.Listener{
					{Port: 80, Protocol: "HTTP", Default: world.ListenerAction{Type: "redirect", RedirectProtocol: "HTTPS", RedirectPort: "443", StatusCode: "HTTP_301"},
						Rules: []*world.ListenerRule{{Priority: 10, PathPatterns: []string{"/health"}, Action: world.ListenerAction{TargetGroup: "web"}}}},
					{Port: 443, Protocol: "HTTPS", SSLPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", Certificates: []string{"arn:aws:acm:eu-west-1:222222222222:certificate/c"},
						Default: world.ListenerAction{TargetGroup: "web"}},
				}},
			{Name: "tcp", Type: "network", Scheme: "internal", Zones: []string{"eu-west-1a"}, Created: created},
		},
		Classic: []*world.ClassicLoadBalancer{
			{Name: "legacy", Zones: []string{"eu-west-1a"}, Created: created, CrossZone: true, DesyncMode: "monitor",
				Listeners: []world.ClassicListener{{Protocol: "HTTPS", Port: 443, InstanceProtocol: "HTTP", InstancePort: 80,
					Certificate: "arn:aws:iam::222222222222:server-certificate/old", Policies: []string{"ssl"}}},
				Policies: []world.ClassicPolicy{{Name: "ssl", Type: "SSLNegotiationPolicyType", Attributes: map[string]string{"Reference-Security-Policy": "ELBSecurityPolicy-2016-08"}}}},
		},
	}
	return w
}

func TestV2ReadAndPaginate(t *testing.T) {
	s := simtest.Start(t, seed())
	c := elbv2api.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	var lbs []elbv2types.LoadBalancer
	var marker *string
	pages := 0
	for {
		out, err := c.DescribeLoadBalancers(ctx, &elbv2api.DescribeLoadBalancersInput{PageSize: aws.Int32(1), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		lbs = append(lbs, out.LoadBalancers...)
		if marker = out.NextMarker; marker == nil {
			break
		}
	}
	if pages != 2 || len(lbs) != 2 {
		t.Fatalf("%d pages, %d load balancers", pages, len(lbs))
	}
	web := lbs[0]
	if aws.ToString(web.LoadBalancerName) != "web" || web.Type != elbv2types.LoadBalancerTypeEnumApplication || web.Scheme != elbv2types.LoadBalancerSchemeEnumInternetFacing ||
		len(web.AvailabilityZones) != 2 || aws.ToString(web.AvailabilityZones[1].ZoneName) != "eu-west-1b" || !aws.ToTime(web.CreatedTime).Equal(created) ||
		aws.ToString(web.LoadBalancerArn) != "arn:aws:elasticloadbalancing:eu-west-1:222222222222:loadbalancer/app/web/"+aws.ToString(web.LoadBalancerArn)[len("arn:aws:elasticloadbalancing:eu-west-1:222222222222:loadbalancer/app/web/"):] {
		t.Errorf("web = %+v", web)
	}
	if lbs[1].Type != elbv2types.LoadBalancerTypeEnumNetwork || lbs[1].Scheme != elbv2types.LoadBalancerSchemeEnumInternal {
		t.Errorf("tcp = %+v", lbs[1])
	}
	attrs, err := c.DescribeLoadBalancerAttributes(ctx, &elbv2api.DescribeLoadBalancerAttributesInput{LoadBalancerArn: web.LoadBalancerArn})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range attrs.Attributes {
		got[aws.ToString(a.Key)] = aws.ToString(a.Value)
	}
	if got["deletion_protection.enabled"] != "true" || got["routing.http.desync_mitigation_mode"] != "defensive" ||
		got["routing.http.drop_invalid_header_fields.enabled"] != "false" || got["access_logs.s3.enabled"] != "false" {
		t.Errorf("attributes = %v", got)
	}
	ls, err := c.DescribeListeners(ctx, &elbv2api.DescribeListenersInput{LoadBalancerArn: web.LoadBalancerArn})
	if err != nil || len(ls.Listeners) != 2 {
		t.Fatalf("%+v %v", ls, err)
	}
	http, https := ls.Listeners[0], ls.Listeners[1]
	if http.Protocol != elbv2types.ProtocolEnumHttp || len(http.DefaultActions) != 1 || http.DefaultActions[0].Type != elbv2types.ActionTypeEnumRedirect ||
		aws.ToString(http.DefaultActions[0].RedirectConfig.Protocol) != "HTTPS" || http.DefaultActions[0].RedirectConfig.StatusCode != elbv2types.RedirectActionStatusCodeEnumHttp301 {
		t.Errorf("http listener = %+v", http)
	}
	if https.Protocol != elbv2types.ProtocolEnumHttps || aws.ToString(https.SslPolicy) != "ELBSecurityPolicy-TLS13-1-2-Res-2021-06" || len(https.Certificates) != 1 ||
		https.DefaultActions[0].Type != elbv2types.ActionTypeEnumForward || aws.ToString(https.DefaultActions[0].TargetGroupArn) == "" {
		t.Errorf("https listener = %+v", https)
	}
	rules, err := c.DescribeRules(ctx, &elbv2api.DescribeRulesInput{ListenerArn: http.ListenerArn})
	if err != nil || len(rules.Rules) != 2 {
		t.Fatalf("%+v %v", rules, err)
	}
	if aws.ToString(rules.Rules[0].Priority) != "10" || aws.ToBool(rules.Rules[0].IsDefault) || rules.Rules[0].Actions[0].Type != elbv2types.ActionTypeEnumForward ||
		fmt.Sprint(rules.Rules[0].Conditions[0].Values) != "[/health]" || !aws.ToBool(rules.Rules[1].IsDefault) || aws.ToString(rules.Rules[1].Priority) != "default" {
		t.Errorf("rules = %+v", rules.Rules)
	}
}

func TestV2Errors(t *testing.T) {
	s := simtest.Start(t, seed())
	c := elbv2api.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	missing := aws.String("arn:aws:elasticloadbalancing:eu-west-1:222222222222:loadbalancer/app/nope/0123456789abcdef")
	_, err := c.DescribeLoadBalancerAttributes(ctx, &elbv2api.DescribeLoadBalancerAttributesInput{LoadBalancerArn: missing})
	var nf *elbv2types.LoadBalancerNotFoundException
	if !errors.As(err, &nf) || code(err) != "LoadBalancerNotFound" {
		t.Errorf("attributes of a missing load balancer: %v", err)
	}
	if _, err := c.DescribeLoadBalancers(ctx, &elbv2api.DescribeLoadBalancersInput{Names: []string{"nope"}}); code(err) != "LoadBalancerNotFound" {
		t.Errorf("missing name: %v", err)
	}
	if _, err := c.DescribeListeners(ctx, &elbv2api.DescribeListenersInput{LoadBalancerArn: missing}); code(err) != "LoadBalancerNotFound" {
		t.Errorf("listeners of a missing load balancer: %v", err)
	}
	var lnf *elbv2types.ListenerNotFoundException
	if _, err := c.DescribeRules(ctx, &elbv2api.DescribeRulesInput{ListenerArn: aws.String("arn:aws:elasticloadbalancing:eu-west-1:222222222222:listener/app/web/x/y")}); !errors.As(err, &lnf) {
		t.Errorf("rules of a missing listener: %v", err)
	}
	if _, err := c.DescribeLoadBalancers(ctx, &elbv2api.DescribeLoadBalancersInput{PageSize: aws.Int32(401)}); code(err) != "ValidationError" {
		t.Errorf("PageSize 401: %v", err)
	}
	if _, err := c.DescribeLoadBalancers(ctx, &elbv2api.DescribeLoadBalancersInput{Marker: aws.String("garbage")}); code(err) != "ValidationError" {
		t.Errorf("bad marker: %v", err)
	}
	if _, err := c.DescribeListeners(ctx, &elbv2api.DescribeListenersInput{}); code(err) != "ValidationError" {
		t.Errorf("listeners of nothing: %v", err)
	}
}

func TestV2WriteThenRead(t *testing.T) {
	s := simtest.Start(t, seed())
	c := elbv2api.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	if _, err := c.CreateLoadBalancer(ctx, &elbv2api.CreateLoadBalancerInput{Name: aws.String("one-az"), Subnets: []string{"subnet-a"}}); code(err) != "InvalidConfigurationRequest" {
		t.Errorf("ALB in one zone: %v", err)
	}
	if _, err := c.CreateLoadBalancer(ctx, &elbv2api.CreateLoadBalancerInput{Name: aws.String("x"), Subnets: []string{"subnet-a", "subnet-nope"}}); code(err) != "SubnetNotFound" {
		t.Errorf("unknown subnet: %v", err)
	}
	out, err := c.CreateLoadBalancer(ctx, &elbv2api.CreateLoadBalancerInput{Name: aws.String("api"), Subnets: []string{"subnet-a", "subnet-b"}})
	if err != nil || len(out.LoadBalancers) != 1 || aws.ToString(out.LoadBalancers[0].VpcId) != "vpc-1" {
		t.Fatalf("%+v %v", out, err)
	}
	arn := out.LoadBalancers[0].LoadBalancerArn
	if _, err := c.CreateLoadBalancer(ctx, &elbv2api.CreateLoadBalancerInput{Name: aws.String("api"), Subnets: []string{"subnet-a", "subnet-b"}}); code(err) != "DuplicateLoadBalancerName" {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := c.ModifyLoadBalancerAttributes(ctx, &elbv2api.ModifyLoadBalancerAttributesInput{LoadBalancerArn: arn, Attributes: []elbv2types.LoadBalancerAttribute{
		{Key: aws.String("access_logs.s3.enabled"), Value: aws.String("true")}}}); code(err) != "InvalidConfigurationRequest" {
		t.Errorf("access logs with no bucket: %v", err)
	}
	if _, err := c.ModifyLoadBalancerAttributes(ctx, &elbv2api.ModifyLoadBalancerAttributesInput{LoadBalancerArn: arn, Attributes: []elbv2types.LoadBalancerAttribute{
		{Key: aws.String("no.such.key"), Value: aws.String("1")}}}); code(err) != "InvalidConfigurationRequest" {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := c.ModifyLoadBalancerAttributes(ctx, &elbv2api.ModifyLoadBalancerAttributesInput{LoadBalancerArn: arn, Attributes: []elbv2types.LoadBalancerAttribute{
		{Key: aws.String("routing.http.desync_mitigation_mode"), Value: aws.String("strictest")},
		{Key: aws.String("access_logs.s3.enabled"), Value: aws.String("true")}, {Key: aws.String("access_logs.s3.bucket"), Value: aws.String("logs")}}}); err != nil {
		t.Fatal(err)
	}
	attrs, _ := c.DescribeLoadBalancerAttributes(ctx, &elbv2api.DescribeLoadBalancerAttributesInput{LoadBalancerArn: arn})
	got := map[string]string{}
	for _, a := range attrs.Attributes {
		got[aws.ToString(a.Key)] = aws.ToString(a.Value)
	}
	if got["routing.http.desync_mitigation_mode"] != "strictest" || got["access_logs.s3.enabled"] != "true" || got["access_logs.s3.bucket"] != "logs" {
		t.Errorf("after modify: %v", got)
	}
	if _, err := c.CreateListener(ctx, &elbv2api.CreateListenerInput{LoadBalancerArn: arn, Port: aws.Int32(443), Protocol: elbv2types.ProtocolEnumHttps,
		DefaultActions: []elbv2types.Action{{Type: elbv2types.ActionTypeEnumFixedResponse}}}); code(err) != "CertificateNotFound" {
		t.Errorf("HTTPS without a certificate: %v", err)
	}
	if _, err := c.CreateListener(ctx, &elbv2api.CreateListenerInput{LoadBalancerArn: arn, Port: aws.Int32(22), Protocol: elbv2types.ProtocolEnumTcp,
		DefaultActions: []elbv2types.Action{{Type: elbv2types.ActionTypeEnumFixedResponse}}}); code(err) != "UnsupportedProtocol" {
		t.Errorf("TCP on an ALB: %v", err)
	}
	if _, err := c.CreateListener(ctx, &elbv2api.CreateListenerInput{LoadBalancerArn: arn, Port: aws.Int32(80), Protocol: elbv2types.ProtocolEnumHttp,
		DefaultActions: []elbv2types.Action{{Type: elbv2types.ActionTypeEnumRedirect, RedirectConfig: &elbv2types.RedirectActionConfig{
			Protocol: aws.String("HTTPS"), Port: aws.String("443"), StatusCode: elbv2types.RedirectActionStatusCodeEnumHttp302}}}}); err != nil {
		t.Fatal(err)
	}
	ls, err := c.DescribeListeners(ctx, &elbv2api.DescribeListenersInput{LoadBalancerArn: arn})
	if err != nil || len(ls.Listeners) != 1 || aws.ToString(ls.Listeners[0].DefaultActions[0].RedirectConfig.Protocol) != "HTTPS" ||
		ls.Listeners[0].DefaultActions[0].RedirectConfig.StatusCode != elbv2types.RedirectActionStatusCodeEnumHttp302 {
		t.Errorf("listeners after create: %+v %v", ls, err)
	}
}

func TestClassic(t *testing.T) {
	s := simtest.Start(t, seed())
	c := elbapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	out, err := c.DescribeLoadBalancers(ctx, &elbapi.DescribeLoadBalancersInput{})
	if err != nil || len(out.LoadBalancerDescriptions) != 1 {
		t.Fatalf("%+v %v", out, err)
	}
	d := out.LoadBalancerDescriptions[0]
	if aws.ToString(d.LoadBalancerName) != "legacy" || len(d.ListenerDescriptions) != 1 || aws.ToString(d.ListenerDescriptions[0].Listener.Protocol) != "HTTPS" ||
		d.ListenerDescriptions[0].Listener.LoadBalancerPort != 443 || aws.ToString(d.ListenerDescriptions[0].Listener.SSLCertificateId) == "" ||
		fmt.Sprint(d.ListenerDescriptions[0].PolicyNames) != "[ssl]" || fmt.Sprint(d.AvailabilityZones) != "[eu-west-1a]" || !aws.ToTime(d.CreatedTime).Equal(created) {
		t.Errorf("classic = %+v", d)
	}
	a, err := c.DescribeLoadBalancerAttributes(ctx, &elbapi.DescribeLoadBalancerAttributesInput{LoadBalancerName: aws.String("legacy")})
	if err != nil {
		t.Fatal(err)
	}
	at := a.LoadBalancerAttributes
	if !at.CrossZoneLoadBalancing.Enabled || at.AccessLog.Enabled || at.ConnectionDraining.Enabled || len(at.AdditionalAttributes) != 1 ||
		aws.ToString(at.AdditionalAttributes[0].Key) != "elb.http.desyncmitigationmode" || aws.ToString(at.AdditionalAttributes[0].Value) != "monitor" {
		t.Errorf("attributes = %+v", at)
	}
	p, err := c.DescribeLoadBalancerPolicies(ctx, &elbapi.DescribeLoadBalancerPoliciesInput{LoadBalancerName: aws.String("legacy")})
	if err != nil || len(p.PolicyDescriptions) != 1 || aws.ToString(p.PolicyDescriptions[0].PolicyTypeName) != "SSLNegotiationPolicyType" ||
		aws.ToString(p.PolicyDescriptions[0].PolicyAttributeDescriptions[0].AttributeValue) != "ELBSecurityPolicy-2016-08" {
		t.Errorf("policies = %+v %v", p, err)
	}
	var nf *elbtypes.AccessPointNotFoundException
	if _, err := c.DescribeLoadBalancerAttributes(ctx, &elbapi.DescribeLoadBalancerAttributesInput{LoadBalancerName: aws.String("nope")}); !errors.As(err, &nf) || code(err) != "LoadBalancerNotFound" {
		t.Errorf("missing: %v", err)
	}
	if _, err := c.DescribeLoadBalancers(ctx, &elbapi.DescribeLoadBalancersInput{PageSize: aws.Int32(0)}); code(err) != "ValidationError" {
		t.Errorf("PageSize 0: %v", err)
	}
	// Write then read, with pagination over two.
	if _, err := c.CreateLoadBalancer(ctx, &elbapi.CreateLoadBalancerInput{LoadBalancerName: aws.String("new"), Subnets: []string{"subnet-a", "subnet-b"},
		Listeners: []elbtypes.Listener{{Protocol: aws.String("HTTP"), LoadBalancerPort: 80, InstancePort: aws.Int32(8080)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLoadBalancer(ctx, &elbapi.CreateLoadBalancerInput{LoadBalancerName: aws.String("new"), AvailabilityZones: []string{"eu-west-1a"},
		Listeners: []elbtypes.Listener{{Protocol: aws.String("HTTP"), LoadBalancerPort: 80, InstancePort: aws.Int32(80)}}}); code(err) != "DuplicateLoadBalancerName" {
		t.Errorf("duplicate: %v", err)
	}
	first, err := c.DescribeLoadBalancers(ctx, &elbapi.DescribeLoadBalancersInput{PageSize: aws.Int32(1)})
	if err != nil || len(first.LoadBalancerDescriptions) != 1 || first.NextMarker == nil {
		t.Fatalf("%+v %v", first, err)
	}
	second, err := c.DescribeLoadBalancers(ctx, &elbapi.DescribeLoadBalancersInput{PageSize: aws.Int32(1), Marker: first.NextMarker})
	if err != nil || len(second.LoadBalancerDescriptions) != 1 || second.NextMarker != nil || aws.ToString(second.LoadBalancerDescriptions[0].VPCId) != "vpc-1" ||
		fmt.Sprint(second.LoadBalancerDescriptions[0].AvailabilityZones) != "[eu-west-1a eu-west-1b]" {
		t.Errorf("second page %+v %v", second, err)
	}
}

func TestIsolation(t *testing.T) {
	s := simtest.Start(t, seed())
	ctx := context.Background()
	for _, tc := range []struct{ account, region string }{{simtest.Management, region}, {simtest.Member, "us-east-1"}} {
		cfg := s.Config(t, tc.account, tc.region)
		v2, err := elbv2api.NewFromConfig(cfg).DescribeLoadBalancers(ctx, &elbv2api.DescribeLoadBalancersInput{})
		if err != nil || len(v2.LoadBalancers) != 0 {
			t.Errorf("%s/%s v2: %+v %v", tc.account, tc.region, v2, err)
		}
		v1, err := elbapi.NewFromConfig(cfg).DescribeLoadBalancers(ctx, &elbapi.DescribeLoadBalancersInput{})
		if err != nil || len(v1.LoadBalancerDescriptions) != 0 {
			t.Errorf("%s/%s classic: %+v %v", tc.account, tc.region, v1, err)
		}
	}
}
