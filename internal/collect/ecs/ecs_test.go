package ecs_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/ecs"
	"github.com/guardrail-sec/guardrail/internal/control"
	ecscontrol "github.com/guardrail-sec/guardrail/internal/control/ecs"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapecs "github.com/guardrail-sec/guardrail/internal/snapshot/ecs"
)

const region = "us-east-1"

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func start(t *testing.T) *simtest.Sim {
	t.Helper()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	return simtest.Start(t, w)
}

func collect(t *testing.T, s *simtest.Sim, account, region string) (*snapecs.ECS, error) {
	t.Helper()
	a, err := collecttest.Run(t, ecs.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].ECS, err
}

func TestProduction(t *testing.T) {
	e, err := collect(t, start(t), "444444444401", region)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Clusters) != 2 || len(e.TaskDefinitions) != 4 {
		t.Fatalf("ecs = %+v", e)
	}
	byName := map[string]*snapecs.TaskDefinition{}
	for _, td := range e.TaskDefinitions {
		byName[td.Family] = td
	}
	// The latest ACTIVE revision only: checkout-api:11 is INACTIVE.
	co := byName["checkout-api"]
	if co.Revision != 12 || co.ARN != "arn:aws:ecs:us-east-1:444444444401:task-definition/checkout-api:12" ||
		fmt.Sprint(co.Containers[0].Environment) != "[PAYMENTS_ENV]" || co.Containers[0].LogDriver != "awslogs" ||
		co.Containers[0].ReadonlyRootFilesystem == nil || !*co.Containers[0].ReadonlyRootFilesystem || co.Containers[0].Privileged != nil {
		t.Errorf("checkout-api = %+v %+v", co, co.Containers[0])
	}
	if win := byName["invoice-renderer"]; win.OSFamily != "WINDOWS_SERVER_2022_CORE" || byName["log-shipper"].OSFamily != "" {
		t.Errorf("OS families: invoice-renderer %q, log-shipper %q", win.OSFamily, byName["log-shipper"].OSFamily)
	}
	ls := byName["log-shipper"]
	if ls.NetworkMode != "host" || ls.PidMode != "host" || ls.Containers[0].User != "root" || !*ls.Containers[0].Privileged {
		t.Errorf("log-shipper = %+v %+v", ls, ls.Containers[0])
	}
	for _, cl := range e.Clusters {
		switch cl.Name {
		case "payments-prod":
			if cl.ContainerInsights != "enabled" || len(cl.Services) != 2 || cl.Errors != nil {
				t.Errorf("payments-prod = %+v", cl)
			}
			for _, s := range cl.Services {
				if !s.AwsVPC || s.AssignPublicIP != "DISABLED" || !s.Fargate() || s.Cluster != "payments-prod" {
					t.Errorf("service = %+v", s)
				}
			}
		case "legacy-ec2":
			if cl.ContainerInsights != "disabled" || len(cl.Services) != 1 || cl.Services[0].AwsVPC || cl.Services[0].LaunchType != "EC2" {
				t.Errorf("legacy-ec2 = %+v %+v", cl, cl.Services)
			}
		}
	}
}

// TestManyServices: services are listed across pages and described ten at
// a time.
func TestManyServices(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	cl := &world.ECSCluster{Name: "big"}
	for i := range 123 {
		cl.Services = append(cl.Services, &world.ECSService{Name: fmt.Sprintf("s%03d", i), LaunchType: "FARGATE", Subnets: []string{"subnet-1"}})
	}
	r.ECS.Clusters = []*world.ECSCluster{cl}
	for i := range 150 {
		r.ECS.TaskDefinitions = append(r.ECS.TaskDefinitions, &world.ECSTaskDefinition{Family: fmt.Sprintf("f%03d", i), Revision: 1,
			Containers: []*world.ECSContainer{{Name: "c"}}})
	}
	a, err := collecttest.Run(t, ecs.Collector(), simtest.Start(t, w).Config(t, simtest.Member, region), simtest.Member, region, now)
	if err != nil {
		t.Fatal(err)
	}
	e := a.Regions[region].ECS
	if len(e.Clusters) != 1 || len(e.Clusters[0].Services) != 123 || len(e.TaskDefinitions) != 150 {
		t.Errorf("%d clusters, %d services, %d task definitions", len(e.Clusters), len(e.Clusters[0].Services), len(e.TaskDefinitions))
	}
}

func TestListDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: "555555555501", Service: "ecs", Action: "ListClusters"}}})
	if _, err := collect(t, s, "555555555501", region); err == nil || !strings.Contains(err.Error(), "list clusters") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("err = %v, want list clusters: AccessDenied", err)
	}
}

// TestDetailDenied: a task definition or a cluster's services that cannot
// be read are recorded on them, and the controls report ERROR there.
func TestDetailDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{
		{Account: "444444444401", Service: "ecs", Action: "DescribeTaskDefinition"},
		{Account: "444444444401", Service: "ecs", Action: "ListServices"},
	}})
	e, err := collect(t, s, "444444444401", region)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.TaskDefinitions) != 4 {
		t.Fatalf("task definitions = %+v", e.TaskDefinitions)
	}
	for _, td := range e.TaskDefinitions {
		if !strings.HasPrefix(td.Error, "AccessDenied") || td.ARN != "" {
			t.Errorf("%s = %+v", td.Family, td)
		}
	}
	for _, cl := range e.Clusters {
		if !strings.HasPrefix(cl.Errors["services"], "AccessDenied") || cl.Services != nil {
			t.Errorf("%s = %+v", cl.Name, cl)
		}
	}
	a := &snapshot.Account{ID: "444444444401", Partition: "aws", HomeRegion: region, Regions: map[string]*snapshot.Region{region: {Name: region, ECS: e}}}
	snap := &snapshot.Snapshot{}
	snap.Add(a)
	for _, r := range control.EvaluateAccount(ecscontrol.Controls(), snap, a, func(string) bool { return false }, now) {
		if r.Status != control.Error && r.Control != "ECS.12" {
			t.Errorf("%s %s: %s %s", r.Control, r.Resource.ARN, r.Status, r.Reason)
		}
	}
}

// TestDemoMix runs the collector and the ECS controls over one account of
// each demo profile: the hardened account passes everything, nothing is
// in ERROR, and every control both passes and fails somewhere.
func TestDemoMix(t *testing.T) {
	s := start(t)
	profiles := map[string]string{"111111111111": "managed", "222222222222": "hardened", "444444444401": "partial",
		"555555555501": "weak", "666666666601": "neglected"}
	seen := map[string]map[control.Status]int{}
	for acct, profile := range profiles {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			a, err := collecttest.Run(t, ecs.Collector(), s.Config(t, acct, region), acct, region, now)
			if err != nil {
				t.Fatalf("%s %s: %v", acct, region, err)
			}
			snap := &snapshot.Snapshot{}
			snap.Add(a)
			for _, r := range control.EvaluateAccount(ecscontrol.Controls(), snap, a, func(string) bool { return false }, now) {
				if r.Status == control.Error || profile == "hardened" && r.Status == control.Failed {
					t.Errorf("%s (%s) %s: %s %s: %s", acct, profile, region, r.Control, r.Status, r.Reason)
				}
				if seen[r.Control] == nil {
					seen[r.Control] = map[control.Status]int{}
				}
				seen[r.Control][r.Status]++
			}
		}
	}
	for _, c := range ecscontrol.Controls() {
		if seen[c.ID][control.Passed] == 0 || seen[c.ID][control.Failed] == 0 {
			t.Errorf("%s: demo results %v, want both PASSED and FAILED", c.ID, seen[c.ID])
		}
	}
}
