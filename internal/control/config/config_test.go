package config_test

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/control"
	ctl "github.com/guardrail-sec/guardrail/internal/control/config"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/config"
)

const home, other = "us-east-1", "eu-west-1"

func recording(name string, global bool) config.Recorder {
	return config.Recorder{Name: name, AllSupported: true, IncludeGlobalResourceTypes: global,
		RoleARN: "arn:aws:iam::111111111111:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
		Status:  &config.RecorderStatus{Recording: true, LastStatus: "Success"}}
}

func channel() []config.DeliveryChannel {
	return []config.DeliveryChannel{{Name: "default", S3BucketName: "org-config"}}
}

func TestConfig1(t *testing.T) {
	c := ctl.Controls()[0]
	if c.ID != "Config.1" || c.Severity != control.Critical || c.Global || c.ResourceType != "AwsAccount" {
		t.Fatalf("control = %+v", c)
	}
	stopped := recording("default", true)
	stopped.Status = &config.RecorderStatus{Recording: false, LastStatus: "Success"}
	failing := recording("default", true)
	failing.Status = &config.RecorderStatus{Recording: true, LastStatus: "Failure", LastErrorCode: "AccessDenied", LastErrorMessage: "bucket policy"}
	some := recording("default", true)
	some.AllSupported, some.IncludeGlobalResourceTypes, some.ResourceTypes = false, false, []string{"AWS::EC2::Instance"}
	excl := recording("default", false)
	excl.AllSupported, excl.ExcludedResourceTypes = false, []string{"AWS::EC2::NetworkInterface"}
	customRole := recording("default", false)
	customRole.RoleARN = "arn:aws:iam::111111111111:role/config-recorder"
	noRole := recording("default", false)
	noRole.RoleARN = ""
	noStatus := recording("default", true)
	noStatus.Status = nil
	linked := config.Recorder{Name: "AWSConfigurationRecorderForSecurityHub", ServicePrincipal: "securityhub.amazonaws.com",
		AllSupported: true, Status: &config.RecorderStatus{Recording: true}}

	for _, tc := range []struct {
		name   string
		region string
		cfg    *config.Config
		want   control.Status
		reason string
	}{
		{"home region, global types", home, &config.Config{Recorders: []config.Recorder{recording("default", true)}, Channels: channel()}, control.Passed, "including global types"},
		{"other region, no global types", other, &config.Config{Recorders: []config.Recorder{recording("default", false)}, Channels: channel()}, control.Passed, "s3://org-config"},
		{"home region without global types", home, &config.Config{Recorders: []config.Recorder{recording("default", false)}, Channels: channel()}, control.Failed, "CIS 3.3"},
		{"no recorder", other, &config.Config{}, control.Failed, "not enabled"},
		{"only a service-linked recorder", other, &config.Config{Recorders: []config.Recorder{linked}}, control.Failed, "service-linked"},
		{"stopped", other, &config.Config{Recorders: []config.Recorder{stopped}, Channels: channel()}, control.Failed, "stopped"},
		{"failing", other, &config.Config{Recorders: []config.Recorder{failing}, Channels: channel()}, control.Failed, "AccessDenied: bucket policy"},
		{"selected types only", other, &config.Config{Recorders: []config.Recorder{some}, Channels: channel()}, control.Failed, "only 1 selected"},
		{"exclusions", other, &config.Config{Recorders: []config.Recorder{excl}, Channels: channel()}, control.Failed, "excludes 1"},
		{"customer-managed role", other, &config.Config{Recorders: []config.Recorder{customRole}, Channels: channel()}, control.Failed, "not the service-linked role AWSServiceRoleForConfig"},
		{"role not reported", other, &config.Config{Recorders: []config.Recorder{noRole}, Channels: channel()}, control.Error, "IAM role of recorder default"},
		{"no delivery channel", other, &config.Config{Recorders: []config.Recorder{recording("default", false)}}, control.Failed, "no delivery channel"},
		{"customer recorder beside a linked one", other, &config.Config{Recorders: []config.Recorder{linked, recording("default", false)}, Channels: channel()}, control.Passed, ""},
		{"status unknown", other, &config.Config{Recorders: []config.Recorder{noStatus}, Channels: channel(),
			Errors: map[string]string{config.DetailRecorderStatus: "AccessDenied: no"}}, control.Error, "recorder status: AccessDenied"},
		{"channels unknown", other, &config.Config{Recorders: []config.Recorder{recording("default", false)},
			Errors: map[string]string{config.DetailDeliveryChannels: "AccessDenied: no"}}, control.Error, "delivery channels"},
		// What is known to be wrong wins over what is unknown.
		{"stopped, channels unknown", other, &config.Config{Recorders: []config.Recorder{stopped},
			Errors: map[string]string{config.DetailDeliveryChannels: "AccessDenied: no"}}, control.Failed, "stopped"},
		{"not collected", other, nil, control.Error, "not collected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := controltest.Account(home, other)
			a.Regions[tc.region].Config = tc.cfg
			rs := controltest.Eval(c, controltest.Snapshot(a))
			var got []control.Result
			for _, r := range rs {
				if r.Resource.Region == tc.region {
					got = append(got, r)
				}
			}
			if len(got) != 1 {
				t.Fatalf("want one result in %s, got %+v", tc.region, rs)
			}
			r := got[0]
			if r.Status != tc.want || !strings.Contains(r.Reason, tc.reason) || r.Resource.ARN != "AWS::::Account:111122223333" {
				t.Errorf("got %s %q on %s, want %s containing %q", r.Status, r.Reason, r.Resource.ARN, tc.want, tc.reason)
			}
		})
	}
}

func TestConfig1Gap(t *testing.T) {
	a := controltest.Account(home)
	s := controltest.Snapshot(a)
	s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: home, Collector: "config"}, Class: "access denied", Reason: "AccessDenied: no"})
	st := controltest.Statuses(t, controltest.Eval(ctl.Controls()[0], s))
	if st["AWS::::Account:111122223333@"+home] != control.Error {
		t.Errorf("a gap in the config collector must be ERROR: %v", st)
	}
}
