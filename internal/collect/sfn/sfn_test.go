package sfn_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/sfn"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
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

func TestProduction(t *testing.T) {
	a, err := collecttest.Run(t, sfn.Collector(), start(t).Config(t, "444444444401", region), "444444444401", region, now)
	if err != nil {
		t.Fatal(err)
	}
	ms := a.Regions[region].StepFunctions.StateMachines
	if len(ms) != 2 || ms[0].LogLevel != "ERROR" || ms[1].LogLevel != "OFF" || ms[1].Type != "EXPRESS" ||
		ms[0].ARN != "arn:aws:states:us-east-1:444444444401:stateMachine:order-fulfilment" {
		t.Errorf("state machines = %+v %+v", ms[0], ms[1])
	}
}

func TestManyAndDenied(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	for i := range 1050 {
		r.StepFunctions.StateMachines = append(r.StepFunctions.StateMachines, &world.StateMachine{Name: fmt.Sprintf("m%04d", i)})
	}
	s := simtest.Start(t, w)
	a, err := collecttest.Run(t, sfn.Collector(), s.Config(t, simtest.Member, region), simtest.Member, region, now)
	if err != nil {
		t.Fatal(err)
	}
	if ms := a.Regions[region].StepFunctions.StateMachines; len(ms) != 1050 || ms[1049].LogLevel != "OFF" {
		t.Errorf("%d state machines", len(ms))
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "states", Action: "DescribeStateMachine"}}})
	a, err = collecttest.Run(t, sfn.Collector(), s.Config(t, simtest.Member, region), simtest.Member, region, now)
	if err != nil {
		t.Fatal(err)
	}
	if m := a.Regions[region].StepFunctions.StateMachines[0]; !strings.HasPrefix(m.Error, "AccessDenied") || m.LogLevel != "" {
		t.Errorf("denied describe: %+v", m)
	}
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "states", Action: "ListStateMachines"}}})
	if _, err := collecttest.Run(t, sfn.Collector(), s.Config(t, simtest.Member, region), simtest.Member, region, now); err == nil ||
		!strings.Contains(err.Error(), "list state machines") {
		t.Errorf("denied list: %v", err)
	}
}
