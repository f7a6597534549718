package eventbridge_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	eventsapi "github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/eventbridge"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	ebsnap "github.com/guardrail-sec/guardrail/internal/snapshot/eventbridge"
)

const region = "eu-west-1"

func collect(t *testing.T, s *simtest.Sim, account, reg string) (*ebsnap.EventBridge, error) {
	t.Helper()
	a, err := collecttest.Run(t, eventbridge.Collector(), s.Config(t, account, reg), account, reg, simtest.Now)
	return a.Regions[reg].EventBridge, err
}

func TestCollect(t *testing.T) {
	w := simtest.NewWorld()
	for i := range 120 {
		w.Accounts[simtest.Member].In(region).EventBridge.Buses = append(w.Accounts[simtest.Member].In(region).EventBridge.Buses,
			&world.EventBusSeed{Name: fmt.Sprintf("bus-%03d", i)})
	}
	world.RegisterBuses(w)
	s := simtest.Start(t, w)
	c := eventsapi.NewFromConfig(s.Config(t, simtest.Member, region))
	if _, err := c.PutPermission(context.Background(), &eventsapi.PutPermissionInput{EventBusName: aws.String("bus-007"),
		StatementId: aws.String("partner"), Action: aws.String("events:PutEvents"), Principal: aws.String("444455556666")}); err != nil {
		t.Fatal(err)
	}
	out, err := collect(t, s, simtest.Member, region)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Buses) != 121 {
		t.Fatalf("%d buses, want 120 custom and the default over two pages", len(out.Buses))
	}
	byName := map[string]ebsnap.Bus{}
	for _, b := range out.Buses {
		byName[b.Name] = b
	}
	if b := byName["bus-007"]; !strings.Contains(b.Policy, "444455556666") || b.ARN != "arn:aws:events:eu-west-1:222222222222:event-bus/bus-007" {
		t.Errorf("bus-007 = %+v, want its policy", b)
	}
	if b, ok := byName["default"]; !ok || !b.Default() || b.Policy != "" {
		t.Errorf("default bus = %+v", b)
	}
	other, err := collect(t, s, simtest.Management, region)
	if err != nil || len(other.Buses) != 1 || other.Buses[0].Name != "default" {
		t.Errorf("another account: %+v %v, want its default bus only", other, err)
	}
}

func TestDenied(t *testing.T) {
	s := simtest.Start(t, simtest.NewWorld())
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "events", Action: "ListEventBuses"}}})
	if _, err := collect(t, s, simtest.Member, region); err == nil || !strings.Contains(err.Error(), "list event buses") {
		t.Errorf("denied ListEventBuses: err = %v, want one naming the call", err)
	}
}
