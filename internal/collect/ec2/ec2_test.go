package ec2_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	ec2collect "github.com/guardrail-sec/guardrail/internal/collect/ec2"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
)

// Demo accounts by profile (internal/sim/demo/data/org.yaml).
const (
	hardened  = "222222222222"
	partial   = "444444444401"
	weak      = "555555555501"
	neglected = "666666666601"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func startDemo(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

// config signs as account in region. Calls get three attempts, as the
// SDK's retryer would: with a server this fast, the SDK now and then
// fails reading a response with "use of closed network connection"
// (aws/aws-sdk-go-v2#2737), which it retries.
func config(t *testing.T, s *simtest.Sim, account, region string) aws.Config {
	t.Helper()
	return s.Config(t, account, region, 3)
}

// collect runs the collector for account/region and returns its state,
// failing the test if the collector failed.
func collect(t *testing.T, s *simtest.Sim, account, region string) *ec2.EC2 {
	t.Helper()
	a, err := collecttest.Run(t, ec2collect.Collector(), config(t, s, account, region), account, region, now)
	if err != nil {
		t.Fatalf("collect %s/%s: %v", account, region, err)
	}
	e := a.Regions[region].EC2
	if e == nil {
		t.Fatalf("collect %s/%s: no ec2 state", account, region)
	}
	return e
}

func find[T any](t *testing.T, items []T, id string, idOf func(T) string) T {
	t.Helper()
	for _, it := range items {
		if idOf(it) == id {
			return it
		}
	}
	t.Fatalf("%s not collected", id)
	var zero T
	return zero
}

func instance(t *testing.T, e *ec2.EC2, id string) ec2.Instance {
	t.Helper()
	return find(t, e.Instances, id, func(i ec2.Instance) string { return i.ID })
}

func group(t *testing.T, e *ec2.EC2, id string) ec2.SecurityGroup {
	t.Helper()
	return find(t, e.SecurityGroups, id, func(g ec2.SecurityGroup) string { return g.ID })
}

func snap(t *testing.T, e *ec2.EC2, id string) ec2.Snapshot {
	t.Helper()
	return find(t, e.Snapshots, id, func(s ec2.Snapshot) string { return s.ID })
}

func TestHardened(t *testing.T) {
	s := startDemo(t)
	e := collect(t, s, hardened, "us-east-1")
	if len(e.Errors) != 0 {
		t.Fatalf("errors: %v", e.Errors)
	}
	if !e.EBSEncryptionByDefault {
		t.Error("EBS encryption by default: want true")
	}
	if e.MetadataDefaults.HTTPTokens != "required" || e.MetadataDefaults.HTTPPutResponseHopLimit != 2 {
		t.Errorf("metadata defaults = %+v", e.MetadataDefaults)
	}

	i := instance(t, e, "i-0a11ce5ec0001c0d1")
	want := ec2.Instance{
		ID: "i-0a11ce5ec0001c0d1", ARN: "arn:aws:ec2:us-east-1:222222222222:instance/i-0a11ce5ec0001c0d1",
		State: "running", VPCID: "vpc-0a11ce5ec0001beef", SubnetID: "subnet-0a11ce5ec00010a01", PrivateIP: "10.20.1.25",
		InstanceProfileARN: "arn:aws:iam::222222222222:instance-profile/security-tooling",
	}
	if i.ARN != want.ARN || i.State != want.State || i.VPCID != want.VPCID || i.SubnetID != want.SubnetID ||
		i.PrivateIP != want.PrivateIP || i.PublicIP != "" || i.InstanceProfileARN != want.InstanceProfileARN {
		t.Errorf("instance = %+v", i)
	}
	if i.Metadata.HTTPTokens != "required" || i.Metadata.HTTPEndpoint != "enabled" || i.Metadata.HTTPPutResponseHopLimit != 2 {
		t.Errorf("metadata = %+v", i.Metadata)
	}
	if !slices.Equal(i.SecurityGroups, []string{"sg-0a11ce5ec0005e002"}) || !slices.Equal(i.Volumes, []string{"vol-0a11ce5ec0001f001"}) {
		t.Errorf("groups %v volumes %v", i.SecurityGroups, i.Volumes)
	}
	if i.Tags["Name"] != "siem-forwarder" {
		t.Errorf("tags = %v", i.Tags)
	}

	def := group(t, e, "sg-0def7a8b9c0d1e2f3")
	if !def.IsDefault() || len(def.Ingress)+len(def.Egress) != 0 || def.VPCID != "vpc-0def1a2b3c4d5e6f7" {
		t.Errorf("default SG = %+v", def)
	}
	tool := group(t, e, "sg-0a11ce5ec0005e002")
	if len(tool.Ingress) != 1 || len(tool.Egress) != 1 {
		t.Fatalf("tooling SG rules = %+v / %+v", tool.Ingress, tool.Egress)
	}
	in := tool.Ingress[0]
	if in.Protocol != "tcp" || in.FromPort != 443 || in.ToPort != 443 || in.CIDR != "10.20.0.0/16" ||
		in.Description != "tooling VPC" || !strings.HasPrefix(in.ID, "sgr-") {
		t.Errorf("tooling ingress = %+v", in)
	}
	if tool.ARN != "arn:aws:ec2:us-east-1:222222222222:security-group/sg-0a11ce5ec0005e002" {
		t.Errorf("SG ARN = %s", tool.ARN)
	}
	if !slices.Equal(tool.NetworkInterfaces, []string{"eni-0a11ce5ec0001c0d1"}) {
		t.Errorf("tooling SG attached to %v", tool.NetworkInterfaces)
	}
	if len(def.NetworkInterfaces) != 0 {
		t.Errorf("default SG attached to %v", def.NetworkInterfaces)
	}

	if len(e.VPCs) != 2 || len(e.FlowLogs) != 2 {
		t.Errorf("%d VPCs, %d flow logs", len(e.VPCs), len(e.FlowLogs))
	}
	fl := find(t, e.FlowLogs, "fl-0a11ce5ec0000f102", func(f ec2.FlowLog) string { return f.ID })
	if fl.ResourceID != "vpc-0a11ce5ec0001beef" || fl.TrafficType != "ALL" || fl.Status != "ACTIVE" || fl.DestinationType != "s3" {
		t.Errorf("flow log = %+v", fl)
	}
	acl := find(t, e.NetworkACLs, "acl-0def6f7a8b9c0d1e2", func(a ec2.NetworkACL) string { return a.ID })
	if !acl.Default || len(acl.Subnets) != 3 {
		t.Errorf("acl = %+v", acl)
	}
	first := acl.Entries[0]
	if first.RuleNumber != 50 || first.Action != "deny" || first.Protocol != "6" || first.CIDR != "0.0.0.0/0" ||
		first.Ports == nil || *first.Ports != (ec2.PortRange{From: 22, To: 22}) {
		t.Errorf("first ACL entry = %+v", first)
	}
	all := acl.Entries[4]
	if all.RuleNumber != 100 || all.Ports != nil || all.Protocol != "-1" || all.Action != "allow" {
		t.Errorf("allow-all entry = %+v", all)
	}
	sub := find(t, e.Subnets, "subnet-0a11ce5ec00010a01", func(s ec2.Subnet) string { return s.ID })
	if sub.MapPublicIPOnLaunch || sub.VPCID != "vpc-0a11ce5ec0001beef" || sub.ARN != "arn:aws:ec2:us-east-1:222222222222:subnet/subnet-0a11ce5ec00010a01" {
		t.Errorf("subnet = %+v", sub)
	}
	ep := find(t, e.VPCEndpoints, "vpce-0a11ce5ec0000e001", func(v ec2.VPCEndpoint) string { return v.ID })
	if ep.ServiceName != "com.amazonaws.us-east-1.s3" || ep.Type != "Gateway" || ep.State != "available" {
		t.Errorf("endpoint = %+v", ep)
	}
	vol := find(t, e.Volumes, "vol-0a11ce5ec0001f001", func(v ec2.Volume) string { return v.ID })
	if !vol.Encrypted || vol.State != "in-use" || len(vol.Attachments) != 1 || vol.Attachments[0].InstanceID != "i-0a11ce5ec0001c0d1" {
		t.Errorf("volume = %+v", vol)
	}
	sn := snap(t, e, "snap-0a11ce5ec0001a001")
	if sn.Public || !sn.Encrypted || sn.Size != 30 || len(sn.Errors) != 0 ||
		sn.ARN != "arn:aws:ec2:us-east-1::snapshot/snap-0a11ce5ec0001a001" {
		t.Errorf("snapshot = %+v", sn)
	}
}

func TestNeglected(t *testing.T) {
	s := startDemo(t)
	e := collect(t, s, neglected, "eu-west-1")
	if len(e.Errors) != 0 {
		t.Fatalf("errors: %v", e.Errors)
	}
	if e.EBSEncryptionByDefault {
		t.Error("EBS encryption by default: want false")
	}
	pub := snap(t, e, "snap-0de700000001a002")
	if !pub.Public || pub.Encrypted || len(pub.Errors) != 0 {
		t.Errorf("public snapshot = %+v", pub)
	}
	// Shared with one account, not public: not public, and only public
	// snapshots have their permission read.
	shared := snap(t, e, "snap-0de700000001a003")
	if shared.Public || len(shared.SharedWith) != 0 {
		t.Errorf("shared snapshot = %+v", shared)
	}
	lw := group(t, e, "sg-0de700000005e0004")
	if len(lw.Ingress) != 2 {
		t.Fatalf("launch-wizard ingress = %+v", lw.Ingress)
	}
	for _, r := range lw.Ingress {
		if r.Protocol != "-1" || r.FromPort != -1 || r.ToPort != -1 || (r.CIDR != "0.0.0.0/0" && r.IPv6CIDR != "::/0") {
			t.Errorf("launch-wizard rule = %+v", r)
		}
	}
	if !slices.Equal(lw.NetworkInterfaces, []string{"eni-0de700000001c0d04"}) {
		t.Errorf("launch-wizard attached to %v", lw.NetworkInterfaces)
	}
	i := instance(t, e, "i-0de700000001c0d04")
	if i.PublicIP != "52.31.0.99" || i.Metadata.HTTPTokens != "optional" || i.Metadata.HTTPPutResponseHopLimit != 5 {
		t.Errorf("instance = %+v", i)
	}
	if stopped := instance(t, e, "i-0de700000001c0d03"); stopped.State != "stopped" || stopped.InstanceProfileARN != "" ||
		!strings.HasPrefix(stopped.StateReason, "User initiated (") || stopped.Virtualization != "paravirtual" {
		t.Errorf("stopped instance = %+v", stopped)
	}
	if i.Virtualization != "hvm" || i.StateReason != "" {
		t.Errorf("running instance: virtualization %q, state reason %q", i.Virtualization, i.StateReason)
	}
	data := find(t, e.Volumes, "vol-0de700000001f0005", func(v ec2.Volume) string { return v.ID })
	if data.Encrypted || len(data.Attachments) != 0 || data.State != "available" || data.Type != "gp2" || data.Size != 500 {
		t.Errorf("data volume = %+v", data)
	}
	dev := group(t, e, "sg-0de700000005e0001")
	var v6 bool
	for _, r := range dev.Ingress {
		v6 = v6 || (r.IPv6CIDR == "::/0" && r.FromPort == 22)
	}
	if !v6 {
		t.Errorf("dev-ssh: no ::/0 rule on 22 in %+v", dev.Ingress)
	}
}

func TestPartialRegionOverride(t *testing.T) {
	s := startDemo(t)
	if e := collect(t, s, partial, "eu-central-1"); e.EBSEncryptionByDefault {
		t.Error("partial eu-central-1: EBS encryption by default should be off")
	}
	e := collect(t, s, partial, "eu-west-1")
	if !e.EBSEncryptionByDefault {
		t.Error("partial eu-west-1: EBS encryption by default should be on")
	}
	alb := group(t, e, "sg-0b0d0c7100005e001")
	app := group(t, e, "sg-0b0d0c7100005e002")
	// From the ALB (a group peer), and from the payment partner's range.
	if len(app.Ingress) != 2 || app.Ingress[0].GroupID != alb.ID || app.Ingress[0].GroupOwner != partial ||
		app.Ingress[1].CIDR != "203.0.113.0/24" || app.Ingress[1].FromPort != 443 {
		t.Errorf("prod-app ingress = %+v", app.Ingress)
	}
}

func TestTemplatesAndGateways(t *testing.T) {
	s := startDemo(t)
	e := collect(t, s, partial, "eu-west-1")
	if len(e.LaunchTemplates) != 2 || len(e.TransitGateways) != 1 {
		t.Fatalf("%d templates, %d gateways", len(e.LaunchTemplates), len(e.TransitGateways))
	}
	app := find(t, e.LaunchTemplates, "lt-0b0d0c7100001a7e1", func(l ec2.LaunchTemplate) string { return l.ID })
	// Default and latest are both version 2: one version, IMDSv2.
	if app.Name != "prod-app" || app.DefaultVersion != 2 || app.LatestVersion != 2 || len(app.Versions) != 1 ||
		app.Versions[0].Number != 2 || !app.Versions[0].Default || app.Versions[0].Metadata == nil ||
		app.Versions[0].Metadata.HTTPTokens != "required" || app.ARN != "arn:aws:ec2:eu-west-1:444444444401:launch-template/lt-0b0d0c7100001a7e1" {
		t.Errorf("prod-app = %+v", app)
	}
	bastion := find(t, e.LaunchTemplates, "lt-0b0d0c7100001a7e2", func(l ec2.LaunchTemplate) string { return l.ID })
	v := bastion.Versions[0]
	if len(v.NetworkInterfaces) != 1 || v.NetworkInterfaces[0].AssociatePublicIP == nil || !*v.NetworkInterfaces[0].AssociatePublicIP ||
		v.Metadata == nil || v.Metadata.HTTPTokens != "optional" {
		t.Errorf("prod-bastion version = %+v", v)
	}
	g := e.TransitGateways[0]
	if g.ID != "tgw-0b0d0c7100001a0b1" || !g.AutoAcceptSharedAttachments || g.State != "available" ||
		g.ARN != "arn:aws:ec2:eu-west-1:444444444401:transit-gateway/tgw-0b0d0c7100001a0b1" {
		t.Errorf("gateway = %+v", g)
	}
	weakTemplates := collect(t, s, weak, "us-east-1").LaunchTemplates
	if len(weakTemplates) != 1 || weakTemplates[0].Versions[0].Metadata != nil {
		t.Errorf("weak templates = %+v", weakTemplates)
	}

	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: partial, Service: "ec2", Action: "DescribeLaunchTemplateVersions"}}})
	denied := collect(t, s, partial, "eu-west-1")
	if !strings.Contains(denied.Errors[ec2.PartLaunchTemplates], "UnauthorizedOperation") || len(denied.LaunchTemplates) != 0 {
		t.Errorf("versions denied: errors %v, templates %+v", denied.Errors, denied.LaunchTemplates)
	}
}

func TestEverythingDenied(t *testing.T) {
	s := startDemo(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "ec2"}}})
	a, err := collecttest.Run(t, ec2collect.Collector(), config(t, s, weak, "us-east-1"), weak, "us-east-1", now)
	if err == nil {
		t.Fatal("want an error when every call is denied")
	}
	if !strings.Contains(err.Error(), "describe vpcs") || !awsx.IsAccessDenied(err) {
		t.Errorf("error = %v; want it to name describe vpcs and be access denied", err)
	}
	if a.Regions["us-east-1"].EC2 != nil {
		t.Error("state set despite the error")
	}
}

func TestPartDenied(t *testing.T) {
	s := startDemo(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{
		{Account: weak, Service: "ec2", Action: "DescribeInstances"},
		{Account: weak, Service: "ec2", Action: "DescribeNetworkInterfaces"},
		{Account: weak, Service: "ec2", Action: "DescribeSecurityGroupRules"},
	}})
	e := collect(t, s, weak, "us-east-1")
	for _, p := range []string{ec2.PartInstances, ec2.PartNetworkInterfaces, ec2.PartSecurityGroupRules} {
		if !strings.Contains(e.Errors[p], "UnauthorizedOperation") {
			t.Errorf("Errors[%s] = %q; want UnauthorizedOperation", p, e.Errors[p])
		}
	}
	if len(e.Errors) != 3 {
		t.Errorf("errors = %v", e.Errors)
	}
	if len(e.Instances) != 0 {
		t.Errorf("instances read despite the denial: %d", len(e.Instances))
	}
	// Groups and their rules are still read, without rule IDs.
	ssh := group(t, e, "sg-0de700000005e0001")
	if len(ssh.Ingress) != 2 || ssh.Ingress[0].ID != "" || ssh.Ingress[0].FromPort != 22 {
		t.Errorf("dev-ssh ingress = %+v", ssh.Ingress)
	}
	if len(e.Volumes) != 3 || len(e.VPCs) != 2 {
		t.Errorf("%d volumes, %d VPCs", len(e.Volumes), len(e.VPCs))
	}
}

func TestSnapshotDetailDenied(t *testing.T) {
	s := startDemo(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: neglected, Service: "ec2", Action: "DescribeSnapshotAttribute"}}})
	e := collect(t, s, neglected, "eu-west-1")
	if len(e.Errors) != 0 {
		t.Errorf("region errors = %v; want none (a detail is per snapshot)", e.Errors)
	}
	pub := snap(t, e, "snap-0de700000001a002")
	if !pub.Public || !strings.Contains(pub.Errors[ec2.DetailPermission], "UnauthorizedOperation") {
		t.Errorf("public snapshot = %+v; want public with the permission error recorded", pub)
	}
	if other := snap(t, e, "snap-0de700000001a001"); len(other.Errors) != 0 {
		t.Errorf("private snapshot errors = %v", other.Errors)
	}
}

// TestPublicListingFails: when the restorable-by-all listing fails,
// whether a snapshot is public is unknown, and each snapshot says so. The
// simulator cannot deny one form of a call, so the test fails that form
// in the SDK stack.
func TestPublicListingFails(t *testing.T) {
	s := startDemo(t)
	cfg := failing(config(t, s, neglected, "eu-west-1"), func(in any) bool {
		x, ok := in.(*ec2api.DescribeSnapshotsInput)
		return ok && len(x.RestorableByUserIds) > 0
	})
	a, err := collecttest.Run(t, ec2collect.Collector(), cfg, neglected, "eu-west-1", now)
	if err != nil {
		t.Fatal(err)
	}
	e := a.Regions["eu-west-1"].EC2
	if len(e.Errors) != 0 || len(e.Snapshots) != 3 {
		t.Fatalf("errors %v, %d snapshots", e.Errors, len(e.Snapshots))
	}
	for _, sn := range e.Snapshots {
		if sn.Public || !strings.Contains(sn.Errors[ec2.DetailPublic], "UnauthorizedOperation") {
			t.Errorf("snapshot %s: public %t, errors %v", sn.ID, sn.Public, sn.Errors)
		}
	}
}

// failing returns a copy of cfg whose calls fail with UnauthorizedOperation
// when fail says so of their input.
func failing(cfg aws.Config, fail func(in any) bool) aws.Config {
	cfg = cfg.Copy()
	cfg.APIOptions = append(cfg.APIOptions, func(st *middleware.Stack) error {
		return st.Initialize.Add(middleware.InitializeMiddlewareFunc("fail",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if fail(in.Parameters) {
					return middleware.InitializeOutput{}, middleware.Metadata{}, &smithy.GenericAPIError{Code: "UnauthorizedOperation", Message: "denied"}
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	})
	return cfg
}

// TestSecondPageFails: a listing that fails after its first page keeps
// nothing of it.
func TestSecondPageFails(t *testing.T) {
	s := startDemo(t)
	cfg := failing(config(t, s, neglected, "eu-west-1"), func(in any) bool {
		x, ok := in.(*ec2api.DescribeSecurityGroupsInput)
		return ok && x.NextToken != nil
	})
	// One group per page, so there is a second page.
	cfg.APIOptions = append(cfg.APIOptions, func(st *middleware.Stack) error {
		return st.Initialize.Add(middleware.InitializeMiddlewareFunc("small pages",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if x, ok := in.Parameters.(*ec2api.DescribeSecurityGroupsInput); ok {
					x.MaxResults = aws.Int32(5)
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	})
	a, err := collecttest.Run(t, ec2collect.Collector(), cfg, neglected, "eu-west-1", now)
	if err != nil {
		t.Fatal(err)
	}
	e := a.Regions["eu-west-1"].EC2
	if !strings.Contains(e.Errors[ec2.PartSecurityGroups], "UnauthorizedOperation") || len(e.SecurityGroups) != 0 {
		t.Errorf("errors %v, %d groups kept", e.Errors, len(e.SecurityGroups))
	}
	if _, ok := e.Errors[ec2.PartSecurityGroupRules]; ok {
		t.Errorf("rules part reported an error of its own: %v", e.Errors)
	}
}

func TestPagination(t *testing.T) {
	w := simtest.NewWorld()
	e := &w.Accounts[simtest.Member].In("eu-west-1").EC2
	e.VPCs = []*world.VPC{{ID: "vpc-1", CIDR: "10.0.0.0/16"}}
	for n := range 1005 {
		e.SecurityGroups = append(e.SecurityGroups, &world.SecurityGroup{
			ID: fmt.Sprintf("sg-%017x", n), Name: fmt.Sprintf("g%d", n), Description: "x", VPCID: "vpc-1",
			Rules: []*world.SGRule{{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDR: "10.0.0.0/8"}},
		})
	}
	for n := range 505 {
		e.Volumes = append(e.Volumes, &world.Volume{ID: fmt.Sprintf("vol-%017x", n), Size: 1, AZ: "eu-west-1a", Created: now})
	}
	for n := range 1003 {
		e.Snapshots = append(e.Snapshots, &world.Snapshot{ID: fmt.Sprintf("snap-%017x", n), VolumeSize: 1, Started: now, Public: n%400 == 7})
	}
	s := simtest.Start(t, w)
	got := collect(t, s, simtest.Member, "eu-west-1")
	if len(got.SecurityGroups) != 1005 || len(got.Volumes) != 505 || len(got.Snapshots) != 1003 {
		t.Errorf("errors %v: %d groups, %d volumes, %d snapshots", got.Errors, len(got.SecurityGroups), len(got.Volumes), len(got.Snapshots))
	}
	ids := 0
	for _, g := range got.SecurityGroups {
		for _, r := range g.Ingress {
			if r.ID != "" {
				ids++
			}
		}
	}
	if ids != 1005 {
		t.Errorf("%d of 1005 rules got their IDs", ids)
	}
	var public []string
	for _, sn := range got.Snapshots {
		if sn.Public {
			public = append(public, sn.ID)
		}
	}
	if len(public) != 3 {
		t.Errorf("public snapshots = %v; want 3", public)
	}
}
