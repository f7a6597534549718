package config_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	collector "github.com/guardrail-sec/guardrail/internal/collect/config"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/snapshot/config"
)

// Demo accounts by profile (internal/sim/demo/data/org.yaml).
const (
	hardened   = "222222222222"
	logArchive = "333333333333"
	weak       = "555555555501"
	neglected  = "666666666601"
)

func start(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

func run(t *testing.T, s *simtest.Sim, account, region string) (*config.Config, error) {
	t.Helper()
	a, err := collecttest.Run(t, collector.Collector(), s.Config(t, account, region), account, region, simtest.Now)
	return a.Regions[region].Config, err
}

func TestDemoAccounts(t *testing.T) {
	s := start(t)

	c, err := run(t, s, hardened, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Recorders) != 1 || len(c.Channels) != 1 || len(c.Errors) != 0 {
		t.Fatalf("hardened us-east-1: %+v", c)
	}
	r := c.Recorders[0]
	if r.Name != "default" || !r.AllSupported || !r.IncludeGlobalResourceTypes || r.ServicePrincipal != "" ||
		!strings.HasSuffix(r.RoleARN, ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig") ||
		r.RecordingStrategy != config.AllSupportedResourceTypes || r.RecordingFrequency != "CONTINUOUS" {
		t.Errorf("hardened us-east-1 recorder: %+v", r)
	}
	if r.Status == nil || !r.Status.Recording || r.Status.LastStatus != "Success" || r.Status.LastStart.IsZero() {
		t.Errorf("hardened us-east-1 status: %+v", r.Status)
	}
	if ch := c.Channels[0]; ch.Name != "default" || ch.S3BucketName != "org-log-archive-"+logArchive || ch.DeliveryFrequency != "TwentyFour_Hours" {
		t.Errorf("hardened channel: %+v", ch)
	}

	// Outside the home region the hardened profile leaves global types out.
	c, err = run(t, s, hardened, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Recorders) != 1 || c.Recorders[0].IncludeGlobalResourceTypes || !c.Recorders[0].AllSupported {
		t.Errorf("hardened eu-west-1: %+v", c.Recorders)
	}

	c, err = run(t, s, weak, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Recorders) != 1 {
		t.Fatalf("weak us-east-1: %+v", c)
	}
	r = c.Recorders[0]
	if r.AllSupported || len(r.ResourceTypes) != 3 || r.ResourceTypes[0] != "AWS::EC2::Instance" ||
		r.RecordingStrategy != config.InclusionByResourceTypes || r.Status == nil || r.Status.Recording || r.Status.LastStop.IsZero() {
		t.Errorf("weak recorder: %+v status %+v", r, r.Status)
	}
	if len(c.Channels) != 1 || c.Channels[0].S3BucketName != "config-bucket-"+weak {
		t.Errorf("weak channels: %+v", c.Channels)
	}

	c, err = run(t, s, neglected, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if c == nil || len(c.Recorders) != 0 || len(c.Channels) != 0 || len(c.Errors) != 0 {
		t.Errorf("neglected: want an empty, error-free state, got %+v", c)
	}
}

func TestAccessDenied(t *testing.T) {
	s := start(t)
	deny := func(action string) {
		s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: hardened, Service: "config", Action: action}}})
	}

	deny("DescribeConfigurationRecorders")
	c, err := run(t, s, hardened, "us-east-1")
	if err == nil || !strings.Contains(err.Error(), "describe configuration recorders") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("denied list: err = %v", err)
	}
	if c != nil {
		t.Errorf("denied list: state set anyway: %+v", c)
	}

	deny("DescribeConfigurationRecorderStatus")
	c, err = run(t, s, hardened, "us-east-1")
	if err != nil {
		t.Fatalf("denied status must not fail the collector: %v", err)
	}
	if len(c.Recorders) != 1 || c.Recorders[0].Status != nil || !strings.Contains(c.Errors[config.DetailRecorderStatus], "AccessDenied") {
		t.Errorf("denied status: %+v", c)
	}
	if len(c.Channels) != 1 {
		t.Errorf("denied status: channels still read, got %+v", c.Channels)
	}

	deny("DescribeDeliveryChannels")
	c, err = run(t, s, hardened, "us-east-1")
	if err != nil {
		t.Fatalf("denied channels must not fail the collector: %v", err)
	}
	if c.Recorders[0].Status == nil || len(c.Channels) != 0 || !strings.Contains(c.Errors[config.DetailDeliveryChannels], "AccessDenied") {
		t.Errorf("denied channels: %+v", c)
	}
}
