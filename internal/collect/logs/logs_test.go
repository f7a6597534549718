package logs_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/logs"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	logsnap "github.com/guardrail-sec/guardrail/internal/snapshot/logs"
)

func collect(t *testing.T, s *simtest.Sim, account, region string) (*logsnap.Logs, error) {
	t.Helper()
	a, err := collecttest.Run(t, logs.Collector(), s.Config(t, account, region), account, region, simtest.Now)
	return a.Regions[region].Logs, err
}

func TestDemo(t *testing.T) {
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, w)

	l, err := collect(t, s, "222222222222", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	fs := l.Filters("aws-cloudtrail-logs-222222222222")
	if len(fs) != 15 || len(l.MetricFilters) != 15 {
		t.Fatalf("%d filters on the trail's group, %d in all; want the 15 CIS filters", len(fs), len(l.MetricFilters))
	}
	var root *logsnap.MetricFilter
	for i := range fs {
		if fs[i].Name == "CIS-4.3-RootAccountUsage" {
			root = &fs[i]
		}
	}
	if root == nil || root.Pattern != `{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}` ||
		len(root.Transformations) != 1 || root.Transformations[0] != (logsnap.MetricTransformation{MetricName: "RootAccountUsage", MetricNamespace: "CISBenchmark", MetricValue: "1"}) ||
		root.Created.IsZero() {
		t.Errorf("root filter = %+v", root)
	}

	l, err = collect(t, s, "555555555501", "us-east-1")
	if err != nil || l.MetricFilters == nil || len(l.MetricFilters) != 0 {
		t.Errorf("weak account: %v %+v; want no filters (known, not unknown)", err, l)
	}
}

func TestPages(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Account(simtest.Member).In("eu-west-1")
	for i := range 120 {
		name := fmt.Sprintf("group-%03d", i)
		r.Logs.Groups = append(r.Logs.Groups, &world.LogGroup{Name: name})
		r.Logs.MetricFilters = append(r.Logs.MetricFilters, &world.LogMetricFilter{Name: "f", LogGroup: name, Pattern: "{ $.a = 1 }",
			Transformations: []world.LogMetricTransformation{{MetricName: "m", MetricNamespace: "n"}}})
	}
	s := simtest.Start(t, w)
	l, err := collect(t, s, simtest.Member, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.MetricFilters) != 120 {
		t.Errorf("%d filters, want 120 over several pages", len(l.MetricFilters))
	}
}

func TestDenied(t *testing.T) {
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, w)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: "222222222222", Service: "logs", Action: "DescribeMetricFilters"}}})
	if _, err := collect(t, s, "222222222222", "us-east-1"); err == nil || !strings.Contains(err.Error(), "describe metric filters") {
		t.Errorf("denied DescribeMetricFilters: err = %v, want one naming the call", err)
	}
}
