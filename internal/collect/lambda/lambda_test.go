package lambda_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/lambda"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	snaplambda "github.com/guardrail-sec/guardrail/internal/snapshot/lambda"
)

// Demo accounts (internal/sim/demo/data/org.yaml) and their profiles.
const (
	hardened = "222222222222" // security-tooling
	managed  = "111111111111" // management
	weak     = "555555555501" // payments-dev
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

func collect(t *testing.T, s *simtest.Sim, account string) (*snaplambda.Lambda, error) {
	t.Helper()
	a, err := collecttest.Run(t, lambda.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].Lambda, err
}

func function(t *testing.T, l *snaplambda.Lambda, name string) *snaplambda.Function {
	t.Helper()
	for _, f := range l.Functions {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no function %s", name)
	return nil
}

func TestHardened(t *testing.T) {
	l, err := collect(t, start(t), hardened)
	if err != nil {
		t.Fatal(err)
	}
	f := function(t, l, "guardrail-findings-forwarder")
	if f.ARN != "arn:aws:lambda:us-east-1:222222222222:function:guardrail-findings-forwarder" || f.Runtime != "python3.12" ||
		f.PackageType != "Zip" || f.VpcID != "vpc-0a11ce5ec0001beef" || !f.InVPC() || f.Errors != nil ||
		fmt.Sprint(f.SubnetZones) != "map[subnet-0a11ce5ec00010a01:us-east-1a subnet-0a11ce5ec00010b02:us-east-1b]" {
		t.Errorf("forwarder = %+v", f)
	}
	if !strings.Contains(f.Policy, `"Sid":"events-invoke"`) || !strings.Contains(f.Policy, "events.amazonaws.com") {
		t.Errorf("policy = %s", f.Policy)
	}
	if g := function(t, l, "guardrail-log-retention-enforcer"); g.Policy != "" || g.Errors != nil {
		t.Errorf("function without a policy = %+v", g)
	}
}

func TestManagedAndWeak(t *testing.T) {
	s := start(t)
	l, err := collect(t, s, managed)
	if err != nil {
		t.Fatal(err)
	}
	if f := function(t, l, "org-account-vending"); fmt.Sprint(f.SubnetZones) != "map[subnet-0ae0a7e0c0010a01:us-east-1a]" {
		t.Errorf("vending zones = %v (errors %v)", f.SubnetZones, f.Errors)
	}
	if f := function(t, l, "cost-report-mailer"); f.InVPC() || f.SubnetZones != nil || f.Runtime != "nodejs20.x" {
		t.Errorf("mailer = %+v", f)
	}
	l, err = collect(t, s, weak)
	if err != nil {
		t.Fatal(err)
	}
	f := function(t, l, "dev-image-resizer")
	if f.Runtime != "python3.7" || f.InVPC() || !strings.Contains(f.Policy, `"Sid":"public-invoke"`) || !strings.Contains(f.Policy, `"Principal":"*"`) {
		t.Errorf("resizer = %+v", f)
	}
	if f := function(t, l, "dev-webhook"); !strings.Contains(f.Policy, "lambda:FunctionUrlAuthType") {
		t.Errorf("webhook policy = %s", f.Policy)
	}
}

func TestListDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "lambda", Action: "ListFunctions"}}})
	if _, err := collect(t, s, weak); err == nil || !strings.Contains(err.Error(), "list functions") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("err = %v, want list functions: AccessDenied", err)
	}
}

// TestDetailDenied: a policy or subnet lookup that is denied is recorded
// on the functions concerned; the others are untouched.
func TestDetailDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{
		{Account: hardened, Service: "lambda", Action: "GetPolicy"},
		{Account: managed, Service: "ec2", Action: "DescribeSubnets"},
	}})
	l, err := collect(t, s, hardened)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range l.Functions {
		if !strings.HasPrefix(f.Errors["policy"], "AccessDenied") || f.Policy != "" || len(f.SubnetZones) != 2 {
			t.Errorf("%s = %+v", f.Name, f)
		}
	}
	l, err = collect(t, s, managed)
	if err != nil {
		t.Fatal(err)
	}
	if f := function(t, l, "org-account-vending"); !strings.HasPrefix(f.Errors["subnets"], "UnauthorizedOperation") || f.SubnetZones != nil {
		t.Errorf("vending = %+v", f)
	}
	if f := function(t, l, "cost-report-mailer"); f.Errors != nil {
		t.Errorf("mailer errors = %v", f.Errors)
	}
}

func TestMissingSubnet(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	r.EC2.Subnets = append(r.EC2.Subnets, &world.Subnet{ID: "subnet-1", VPCID: "vpc-1", CIDR: "10.0.0.0/24", AZ: "us-east-1c"})
	r.Lambda.Functions = []*world.LambdaFunction{{Name: "f", Runtime: "python3.13", SubnetIDs: []string{"subnet-1", "subnet-gone"}, VpcID: "vpc-1"}}
	a, err := collecttest.Run(t, lambda.Collector(), simtest.Start(t, w).Config(t, simtest.Member, region), simtest.Member, region, now)
	if err != nil {
		t.Fatal(err)
	}
	f := a.Regions[region].Lambda.Functions[0]
	if fmt.Sprint(f.SubnetZones) != "map[subnet-1:us-east-1c]" || f.Errors["subnets"] != "subnets not found: [subnet-gone]" {
		t.Errorf("function = %+v", f)
	}
}
