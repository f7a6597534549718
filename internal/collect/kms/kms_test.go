package kms_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/collect/kms"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	snapkms "github.com/guardrail-sec/guardrail/internal/snapshot/kms"
)

// Demo accounts (internal/sim/demo/data/org.yaml) and their profiles.
const (
	hardened  = "222222222222" // security-tooling
	weak      = "555555555501" // payments-dev
	neglected = "666666666601" // sandbox-alice
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

func collect(t *testing.T, s *simtest.Sim, account string) (*snapkms.KMS, error) {
	t.Helper()
	a, err := collecttest.Run(t, kms.Collector(), s.Config(t, account, region), account, region, now)
	return a.Regions[region].KMS, err
}

func key(t *testing.T, k *snapkms.KMS, id string) *snapkms.Key {
	t.Helper()
	for _, x := range k.Keys {
		if x.ID == id {
			return x
		}
	}
	t.Fatalf("no key %s", id)
	return nil
}

func TestHardened(t *testing.T) {
	k, err := collect(t, start(t), hardened)
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Keys) != 4 {
		t.Errorf("keys = %d, want 4", len(k.Keys))
	}
	c := key(t, k, "c0ffee00-5ec0-4bbb-9000-000000000010")
	if c.ARN != "arn:aws:kms:us-east-1:222222222222:key/c0ffee00-5ec0-4bbb-9000-000000000010" || c.Manager != "CUSTOMER" ||
		c.State != "Enabled" || c.Spec != "SYMMETRIC_DEFAULT" || c.Origin != "AWS_KMS" || c.RotationEnabled == nil || !*c.RotationEnabled ||
		fmt.Sprint(c.Aliases) != "[alias/security-data]" || c.Errors != nil || !strings.Contains(c.Policy, "Enable IAM User Permissions") {
		t.Errorf("customer key = %+v", c)
	}
	a := key(t, k, "0a11ed00-eb50-4aaa-8000-000000000001")
	if a.Manager != "AWS" || a.RotationEnabled != nil || a.Errors != nil || !strings.Contains(a.Policy, "kms:CallerAccount") ||
		fmt.Sprint(a.Aliases) != "[alias/aws/ebs]" {
		t.Errorf("AWS managed key = %+v", a)
	}
}

func TestWeakAndNeglected(t *testing.T) {
	s := start(t)
	k, err := collect(t, s, weak)
	if err != nil {
		t.Fatal(err)
	}
	if d := key(t, k, "c0ffee00-de50-4bbb-9000-000000000030"); d.RotationEnabled == nil || *d.RotationEnabled {
		t.Errorf("unrotated key = %+v", d)
	}
	p := key(t, k, "c0ffee00-de52-4bbb-9000-000000000032")
	if p.State != "PendingDeletion" || p.DeletionDate == nil || p.RotationEnabled != nil || p.Errors != nil {
		t.Errorf("pending deletion key = %+v", p)
	}
	if r := key(t, k, "c0ffee00-de53-4bbb-9000-000000000033"); r.Spec != "RSA_2048" || r.Usage != "SIGN_VERIFY" || r.RotationEnabled != nil || r.Errors != nil {
		t.Errorf("asymmetric key = %+v", r)
	}
	k, err = collect(t, s, neglected)
	if err != nil {
		t.Fatal(err)
	}
	if o := key(t, k, "c0ffee00-5a4f-4bbb-9000-000000000042"); !strings.Contains(o.Policy, `"Sid":"OpenToAll"`) || o.State != "PendingDeletion" {
		t.Errorf("open key = %+v", o)
	}
	if d := key(t, k, "c0ffee00-5a4e-4bbb-9000-000000000041"); d.State != "Disabled" || d.RotationEnabled == nil || *d.RotationEnabled {
		t.Errorf("disabled key = %+v", d)
	}
}

func TestListDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: weak, Service: "kms", Action: "ListKeys"}}})
	if _, err := collect(t, s, weak); err == nil || !strings.Contains(err.Error(), "list keys") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("err = %v, want list keys: AccessDenied", err)
	}
}

// TestDetailDenied: a denied detail is recorded on the key, and what can
// still be read is.
func TestDetailDenied(t *testing.T) {
	s := start(t)
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{
		{Account: weak, Service: "kms", Action: "GetKeyRotationStatus"},
		{Account: neglected, Service: "kms", Action: "DescribeKey"},
		{Account: neglected, Service: "kms", Action: "ListAliases"},
	}})
	k, err := collect(t, s, weak)
	if err != nil {
		t.Fatal(err)
	}
	if d := key(t, k, "c0ffee00-de50-4bbb-9000-000000000030"); !strings.HasPrefix(d.Errors["rotation"], "AccessDeniedException") || d.RotationEnabled != nil || d.Policy == "" {
		t.Errorf("rotation denied = %+v", d)
	}
	if r := key(t, k, "c0ffee00-de53-4bbb-9000-000000000033"); r.Errors != nil {
		t.Errorf("asymmetric key needs no rotation call: %v", r.Errors)
	}
	k, err = collect(t, s, neglected)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(k.Errors["aliases"], "AccessDeniedException") {
		t.Errorf("alias list denied: errors %v", k.Errors)
	}
	for _, x := range k.Keys {
		if !strings.HasPrefix(x.Errors["describe"], "AccessDeniedException") || x.Manager != "" || x.Policy == "" || x.Aliases != nil || x.ARN == "" {
			t.Errorf("describe denied = %+v", x)
		}
	}
}
