package kms_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/controltest"
	"github.com/guardrail-sec/guardrail/internal/control/kms"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	snapkms "github.com/guardrail-sec/guardrail/internal/snapshot/kms"
)

const region = "us-east-1"

func byID(t *testing.T, id string) *control.Control {
	return controltest.ByID(t, kms.Controls(), id)
}

func TestCatalog(t *testing.T) {
	want := map[string]control.Severity{"KMS.3": control.Critical, "KMS.4": control.Medium, "KMS.5": control.Critical}
	cs := kms.Controls()
	if len(cs) != len(want) {
		t.Errorf("%d controls, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		if sev, ok := want[c.ID]; !ok || c.Severity != sev || c.Global || len(c.Needs) != 1 || c.Needs[0] != "kms" || c.ResourceType != "AwsKmsKey" {
			t.Errorf("%s: severity %v global %v needs %v", c.ID, c.Severity, c.Global, c.Needs)
		}
	}
	if _, err := control.NewCatalog(cs, nil); err != nil {
		t.Fatal(err)
	}
}

func arn(id string) string { return "arn:aws:kms:us-east-1:111122223333:key/" + id }

const defaultPolicy = `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow",
	"Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`

// key is a customer managed symmetric key with rotation on and the
// default key policy.
func key(id string, change func(k *snapkms.Key)) *snapkms.Key {
	k := &snapkms.Key{ARN: arn(id), ID: id, Manager: "CUSTOMER", State: "Enabled", Spec: "SYMMETRIC_DEFAULT", Origin: "AWS_KMS",
		RotationEnabled: new(true), Policy: defaultPolicy}
	if change != nil {
		change(k)
	}
	return k
}

func awsManaged(id string) *snapkms.Key {
	return key(id, func(k *snapkms.Key) {
		k.Manager, k.RotationEnabled = "AWS", nil
		k.Policy = `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*",
			"Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"ec2.us-east-1.amazonaws.com"}}}]}`
	})
}

func eval(t *testing.T, c *control.Control, keys ...*snapkms.Key) map[string]control.Status {
	t.Helper()
	a := controltest.Account(region)
	a.Regions[region].KMS = &snapkms.KMS{Keys: keys}
	return controltest.Statuses(t, controltest.Eval(c, controltest.Snapshot(a)))
}

func check(t *testing.T, got, want map[string]control.Status) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s is %s, want %s", k, got[k], w)
		}
	}
}

var undescribed = &snapkms.Key{ARN: arn("secret"), ID: "secret", Policy: defaultPolicy,
	Errors: map[string]string{"describe": "AccessDeniedException: no"}}

func TestKMS3(t *testing.T) {
	when := controltest.Now.Add(10 * 24 * time.Hour)
	got := eval(t, byID(t, "KMS.3"), key("ok", nil), key("disabled", func(k *snapkms.Key) { k.State = "Disabled" }),
		key("doomed", func(k *snapkms.Key) { k.State, k.DeletionDate = "PendingDeletion", &when }),
		awsManaged("aws"), undescribed)
	check(t, got, map[string]control.Status{arn("ok"): control.Passed, arn("disabled"): control.Passed, arn("doomed"): control.Failed,
		arn("secret"): control.Error})
	a := controltest.Account(region)
	a.Regions[region].KMS = &snapkms.KMS{Keys: []*snapkms.Key{key("doomed", func(k *snapkms.Key) { k.State, k.DeletionDate = "PendingDeletion", &when })}}
	if rs := controltest.Eval(byID(t, "KMS.3"), controltest.Snapshot(a)); len(rs) != 1 || rs[0].Reason != "scheduled for deletion on 2026-06-11 (in 10 days)" {
		t.Errorf("results = %+v", rs)
	}
}

func TestKMS4(t *testing.T) {
	P, F, N, E := control.Passed, control.Failed, control.NotApplicable, control.Error
	got := eval(t, byID(t, "KMS.4"),
		key("ok", nil),
		key("static", func(k *snapkms.Key) { k.RotationEnabled = new(false) }),
		key("disabled-static", func(k *snapkms.Key) { k.State, k.RotationEnabled = "Disabled", new(false) }),
		key("rsa", func(k *snapkms.Key) { k.Spec, k.RotationEnabled = "RSA_2048", nil }),
		key("imported", func(k *snapkms.Key) { k.Origin, k.RotationEnabled = "EXTERNAL", nil }),
		key("doomed", func(k *snapkms.Key) { k.State, k.RotationEnabled = "PendingDeletion", nil }),
		key("denied", func(k *snapkms.Key) {
			k.RotationEnabled, k.Errors = nil, map[string]string{"rotation": "AccessDeniedException: no"}
		}),
		key("unread", func(k *snapkms.Key) { k.RotationEnabled = nil }),
		awsManaged("aws"), undescribed,
	)
	check(t, got, map[string]control.Status{arn("ok"): P, arn("static"): F, arn("disabled-static"): N, arn("rsa"): N, arn("imported"): N,
		arn("doomed"): N, arn("denied"): E, arn("unread"): E, arn("secret"): E})
}

// KMS.4's scope is customer managed, symmetric, KMS-generated, Enabled
// keys (issue #12: it used to fail Disabled keys); everything else says
// why it is out of scope.
func TestKMS4Scope(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(k *snapkms.Key)
		status control.Status
		reason string
	}{
		{"enabled, rotating", nil, control.Passed, "automatic rotation enabled"},
		{"enabled, static", func(k *snapkms.Key) { k.RotationEnabled = new(false) }, control.Failed, "automatic rotation disabled"},
		{"multi-Region replica, static", func(k *snapkms.Key) { k.MultiRegion, k.RotationEnabled = true, new(false) }, control.Failed,
			"automatic rotation disabled (multi-Region key: enable it on the primary key, its replicas share the setting)"},
		{"disabled", func(k *snapkms.Key) { k.State, k.RotationEnabled = "Disabled", new(false) }, control.NotApplicable,
			"key is Disabled: KMS.4 judges enabled keys only"},
		{"pending deletion", func(k *snapkms.Key) { k.State, k.RotationEnabled = "PendingDeletion", nil }, control.NotApplicable, "key is PendingDeletion"},
		{"unavailable", func(k *snapkms.Key) { k.State = "Unavailable" }, control.NotApplicable, "key is Unavailable"},
		{"HMAC", func(k *snapkms.Key) { k.Spec, k.RotationEnabled = "HMAC_256", nil }, control.NotApplicable,
			"HMAC_256 key: automatic rotation applies to symmetric encryption keys only"},
		{"imported", func(k *snapkms.Key) { k.Origin, k.State, k.RotationEnabled = "EXTERNAL", "PendingImport", nil }, control.NotApplicable,
			"imported key material (origin EXTERNAL)"},
		{"CloudHSM", func(k *snapkms.Key) { k.Origin, k.RotationEnabled = "AWS_CLOUDHSM", nil }, control.NotApplicable,
			"key in a custom key store (origin AWS_CLOUDHSM)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := controltest.Account(region)
			a.Regions[region].KMS = &snapkms.KMS{Keys: []*snapkms.Key{key("k", tc.change)}}
			rs := controltest.Eval(byID(t, "KMS.4"), controltest.Snapshot(a))
			if len(rs) != 1 || rs[0].Status != tc.status || !strings.Contains(rs[0].Reason, tc.reason) {
				t.Errorf("results = %+v, want one %s saying %q", rs, tc.status, tc.reason)
			}
		})
	}
}

func TestKMS5(t *testing.T) {
	P, F, E := control.Passed, control.Failed, control.Error
	got := eval(t, byID(t, "KMS.5"),
		key("ok", nil),
		awsManaged("aws"),
		key("open", func(k *snapkms.Key) {
			k.Policy = `{"Statement":[{"Sid":"OpenToAll","Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*"}]}`
		}),
		key("org", func(k *snapkms.Key) {
			k.Policy = `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}`
		}),
		key("denied", func(k *snapkms.Key) {
			k.Policy, k.Errors = "", map[string]string{"policy": "AccessDeniedException: no"}
		}),
		key("garbled", func(k *snapkms.Key) { k.Policy = "[" }),
		key("missing", func(k *snapkms.Key) { k.Policy = "" }),
		undescribed, // judged on its policy alone
	)
	check(t, got, map[string]control.Status{arn("ok"): P, arn("aws"): P, arn("open"): F, arn("org"): P, arn("denied"): E,
		arn("garbled"): E, arn("missing"): E, arn("secret"): P})
}

func TestMeta(t *testing.T) {
	a := controltest.Account(region)
	a.Regions[region].KMS = &snapkms.KMS{Keys: []*snapkms.Key{key("k", func(k *snapkms.Key) { k.Aliases = []string{"alias/app"} })}}
	rs := controltest.Eval(byID(t, "KMS.5"), controltest.Snapshot(a))
	if len(rs) != 1 || !reflect.DeepEqual(rs[0].Resource, snapshot.Meta{ARN: arn("k"), Type: "AwsKmsKey", Name: "alias/app", Account: "111122223333", Region: region}) {
		t.Errorf("results = %+v", rs)
	}
}

func TestNotCollected(t *testing.T) {
	for _, c := range kms.Controls() {
		a := controltest.Account(region)
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s without state: %+v", c.ID, rs)
		}
		a.Regions[region].KMS = &snapkms.KMS{Keys: []*snapkms.Key{key("k", nil)}}
		s := controltest.Snapshot(a)
		s.AddGap(snapshot.Gap{GapKey: snapshot.GapKey{Account: a.ID, Region: region, Collector: "kms"}, Class: "access denied", Reason: "AccessDenied"})
		if rs := controltest.Eval(c, s); len(rs) != 1 || rs[0].Status != control.Error {
			t.Errorf("%s with a gap: %+v", c.ID, rs)
		}
		a.Regions[region].KMS = &snapkms.KMS{}
		if rs := controltest.Eval(c, controltest.Snapshot(a)); len(rs) != 0 {
			t.Errorf("%s with no keys: %+v", c.ID, rs)
		}
	}
}
