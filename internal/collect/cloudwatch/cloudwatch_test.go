package cloudwatch_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/cloudwatch"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	cwsnap "github.com/guardrail-sec/guardrail/internal/snapshot/cloudwatch"
)

func collect(t *testing.T, s *simtest.Sim, account, region string) (*cwsnap.CloudWatch, error) {
	t.Helper()
	a, err := collecttest.Run(t, cloudwatch.Collector(), s.Config(t, account, region), account, region, simtest.Now)
	return a.Regions[region].CloudWatch, err
}

func TestDemo(t *testing.T) {
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, w)

	cw, err := collect(t, s, "111111111111", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(cw.Alarms) != 10 {
		t.Errorf("management has %d alarms, want 10 (no network-change alarms)", len(cw.Alarms))
	}
	root := cw.OnMetric("CISBenchmark", "RootAccountUsage")
	if len(root) != 1 {
		t.Fatalf("alarms on RootAccountUsage: %+v", root)
	}
	a := root[0]
	if a.Name != "CIS-4.3-RootAccountUsage" || a.ARN != "arn:aws:cloudwatch:us-east-1:111111111111:alarm:CIS-4.3-RootAccountUsage" ||
		!a.ActionsEnabled || len(a.AlarmActions) != 1 || a.AlarmActions[0] != "arn:aws:sns:us-east-1:111111111111:cis-security-alarms" ||
		a.Statistic != "Sum" || a.Threshold != 1 || a.Period != 300 || a.ComparisonOperator != "GreaterThanOrEqualToThreshold" || a.State != "OK" {
		t.Errorf("root alarm = %+v", a)
	}
	if len(cw.OnMetric("CISBenchmark", "SecurityGroupChanges")) != 0 {
		t.Errorf("management has a security-group alarm; the demo dropped it")
	}

	cw, err = collect(t, s, "555555555501", "us-east-1")
	if err != nil || cw.Alarms == nil || len(cw.Alarms) != 0 {
		t.Errorf("weak account: %v %+v; want no alarms", err, cw)
	}
}

func TestPages(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Account(simtest.Member).In("eu-west-1")
	for i := range 130 {
		r.CloudWatch.Alarms = append(r.CloudWatch.Alarms, &world.MetricAlarm{Name: fmt.Sprintf("a-%03d", i), MetricName: "m", Namespace: "n",
			Dimensions: []world.CWDimension{{Name: "InstanceId", Value: "i-1"}}, ActionsDisabled: i == 0})
	}
	s := simtest.Start(t, w)
	cw, err := collect(t, s, simtest.Member, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(cw.Alarms) != 130 || cw.Alarms[0].ActionsEnabled || !cw.Alarms[1].ActionsEnabled || cw.Alarms[5].Dimensions["InstanceId"] != "i-1" {
		t.Errorf("%d alarms, first %+v", len(cw.Alarms), cw.Alarms[0])
	}
}

func TestDenied(t *testing.T) {
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, w)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: "111111111111", Service: "monitoring", Action: "DescribeAlarms"}}})
	if _, err := collect(t, s, "111111111111", "us-east-1"); err == nil || !strings.Contains(err.Error(), "describe alarms") {
		t.Errorf("denied DescribeAlarms: err = %v, want one naming the call", err)
	}
}
