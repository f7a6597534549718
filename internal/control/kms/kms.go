// Package kms holds the AWS KMS key controls. They read the "kms"
// collector's state and never call AWS. Key policies are judged by the
// public-access analysis the Lambda function policy control shares
// (internal/policy: Public, where a Deny covering every outsider takes a
// public Allow back).
//
// AWS managed keys are out of reach of their owners (AWS rotates them and
// writes their policies), so KMS.3 and KMS.4 judge customer managed keys
// only; KMS.5 judges every key.
//
// KMS.4's scope, as Security Hub's (AWS Config's
// cmk-backing-key-rotation-enabled) and CIS 3.6 ("customer created
// symmetric CMKs") read it: customer managed keys of spec
// SYMMETRIC_DEFAULT, with key material KMS generated, in state Enabled.
// Every other customer managed key is NOT_APPLICABLE, with the reason:
// asymmetric and HMAC keys, imported key material (origin EXTERNAL) and
// keys in a custom key store (AWS_CLOUDHSM, EXTERNAL_KEY_STORE) cannot
// rotate automatically; a Disabled key, one pending deletion or import,
// or an Unavailable one encrypts nothing new, so rotating it protects
// nothing (enabling it again brings it back in scope). A multi-Region
// replica key is judged like its primary: the rotation setting is a
// property the primary shares with its replicas, GetKeyRotationStatus
// answers it for either, and a failing replica says that the setting is
// changed on the primary key.
package kms

import (
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/policy"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/kms"
)

// Controls returns the KMS key controls.
func Controls() []*control.Control {
	return []*control.Control{kms3(), kms4(), kms5()}
}

func meta(in *control.Input, k *kms.Key) snapshot.Meta {
	name := k.ID
	if len(k.Aliases) > 0 {
		name = k.Aliases[0]
	}
	return snapshot.Meta{ARN: k.ARN, Type: "AwsKmsKey", Name: name, Account: in.Account.ID, Region: in.RegionName()}
}

// keyControl completes c as a control that judges every key of the region
// with judge. A key whose metadata could not be read yields ERROR unless
// the control can judge it without (policyOnly).
func keyControl(c control.Control, policyOnly bool, judge func(in *control.Input, m snapshot.Meta, k *kms.Key)) *control.Control {
	c.Service = "KMS"
	c.ResourceType = "AwsKmsKey"
	c.Needs = []string{"kms"}
	c.Check = func(in *control.Input) {
		if in.Region == nil || in.Region.KMS == nil {
			in.Error(in.AccountMeta(), "KMS state was not collected in %s", in.RegionName())
			return
		}
		for _, k := range in.Region.KMS.Keys {
			m := meta(in, k)
			if why, ok := k.Errors["describe"]; ok && !policyOnly {
				in.Error(m, "key metadata could not be read: %s", why)
				continue
			}
			judge(in, m, k)
		}
	}
	return &c
}

func kms3() *control.Control {
	return keyControl(control.Control{
		ID:       "KMS.3",
		Title:    "AWS KMS keys should not be deleted unintentionally",
		Severity: control.Critical,
		Rationale: "Once a KMS key is deleted, everything encrypted under it can never be decrypted again; a key " +
			"scheduled for deletion must be a deliberate, checked decision.",
		Remediation: "If the deletion is not intended, cancel it during the waiting period and re-enable the key.\n" +
			"Console: KMS > Customer managed keys > the key > Key actions > Cancel key deletion; then Key actions > Enable.\n" +
			"CLI: aws kms cancel-key-deletion --key-id <key-id> && aws kms enable-key --key-id <key-id>",
		WellArchitected: []string{"SEC08"},
	}, false, func(in *control.Input, m snapshot.Meta, k *kms.Key) {
		if k.Manager != "CUSTOMER" {
			return // AWS managed keys cannot be scheduled for deletion
		}
		if k.State != "PendingDeletion" {
			in.Pass(m, "not scheduled for deletion (%s)", k.State)
			return
		}
		when := ""
		if k.DeletionDate != nil {
			when = " on " + k.DeletionDate.UTC().Format("2006-01-02")
			if d := k.DeletionDate.Sub(in.Now); d > 0 {
				when += fmt.Sprintf(" (in %d days)", int(d.Hours()/24))
			}
		}
		in.Fail(m, "scheduled for deletion%s", when)
	})
}

func kms4() *control.Control {
	return keyControl(control.Control{
		ID:       "KMS.4",
		Title:    "AWS KMS key rotation should be enabled",
		Severity: control.Medium,
		Rationale: "Automatic rotation replaces a key's cryptographic material on a schedule, which limits how much " +
			"data depends on any one version of it.",
		Remediation: "Console: KMS > Customer managed keys > the key > Key rotation > Automatically rotate this KMS key > Save " +
			"(for a multi-Region key, on its primary key, in the primary key's region).\n" +
			"CLI: aws kms enable-key-rotation --key-id <key-id>",
		WellArchitected: []string{"SEC08"},
	}, false, func(in *control.Input, m snapshot.Meta, k *kms.Key) {
		if k.Manager != "CUSTOMER" {
			return // AWS rotates AWS managed keys itself
		}
		switch {
		case k.Spec != "SYMMETRIC_DEFAULT":
			in.NotApplicable(m, "%s key: automatic rotation applies to symmetric encryption keys only", k.Spec)
		case k.Origin == "EXTERNAL":
			in.NotApplicable(m, "imported key material (origin EXTERNAL): KMS cannot rotate it automatically")
		case k.Origin != "AWS_KMS":
			in.NotApplicable(m, "key in a custom key store (origin %s): KMS cannot rotate it automatically", k.Origin)
		case k.State != "Enabled":
			in.NotApplicable(m, "key is %s: KMS.4 judges enabled keys only", k.State)
		default:
			if why, ok := k.Errors["rotation"]; ok {
				in.Error(m, "rotation status could not be read: %s", why)
				return
			}
			if k.RotationEnabled == nil {
				in.Error(m, "rotation status was not collected")
				return
			}
			fail := "automatic rotation disabled"
			if k.MultiRegion {
				fail += " (multi-Region key: enable it on the primary key, its replicas share the setting)"
			}
			in.Check(m, *k.RotationEnabled, "automatic rotation enabled", fail)
		}
	})
}

func kms5() *control.Control {
	return keyControl(control.Control{
		ID:       "KMS.5",
		Title:    "KMS keys should not be publicly accessible",
		Severity: control.Critical,
		Rationale: "A key policy that allows any principal lets anyone use (or manage) the key, and so read what it " +
			"protects, unless a condition pins the callers to known accounts or an organization.",
		Remediation: "Console: KMS > Customer managed keys > the key > Key policy > Edit: remove the wildcard " +
			"principal, or add a condition such as kms:CallerAccount or aws:PrincipalOrgID > Save.\n" +
			"CLI: aws kms get-key-policy --key-id <key-id> --policy-name default --output text > policy.json; edit it; " +
			"aws kms put-key-policy --key-id <key-id> --policy-name default --policy file://policy.json",
		WellArchitected: []string{"SEC03", "SEC08"},
	}, true, func(in *control.Input, m snapshot.Meta, k *kms.Key) {
		if why, ok := k.Errors["policy"]; ok {
			in.Error(m, "key policy could not be read: %s", why)
			return
		}
		if k.Policy == "" {
			in.Error(m, "key policy was not collected")
			return
		}
		doc, err := policy.ParseString(k.Policy)
		if err != nil {
			in.Error(m, "key policy could not be read: %v", err)
			return
		}
		var public []string
		for _, g := range policy.Public(doc, in.Account.ID) {
			public = append(public, g.String())
		}
		if len(public) > 0 {
			in.Fail(m, "public key policy: %s", strings.Join(public, "; "))
			return
		}
		in.Pass(m, "key policy grants no public access")
	})
}
