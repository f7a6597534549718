// Package kms simulates AWS KMS (awsJson1.1): keys, aliases, key policies,
// rotation and the key deletion lifecycle.
package kms

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the AWS KMS (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "kms",
		Protocol: wire.JSON11,
		Ops: map[string]svc.Handler{
			"ListKeys":             listKeys,
			"DescribeKey":          describeKey,
			"GetKeyRotationStatus": getKeyRotationStatus,
			"EnableKeyRotation":    enableKeyRotation,
			"DisableKeyRotation":   disableKeyRotation,
			"ListAliases":          listAliases,
			"CreateAlias":          createAlias,
			"DeleteAlias":          deleteAlias,
			"GetKeyPolicy":         getKeyPolicy,
			"PutKeyPolicy":         putKeyPolicy,
			"ListKeyPolicies":      listKeyPolicies,
			"CreateKey":            createKey,
			"ScheduleKeyDeletion":  scheduleKeyDeletion,
			"CancelKeyDeletion":    cancelKeyDeletion,
			"DisableKey":           disableKey,
			"EnableKey":            enableKey,
			"ListResourceTags":     listResourceTags,
			"TagResource":          tagResource,
			"UntagResource":        untagResource,
		},
	}
}

func errf(code, format string, args ...any) error { return wire.Errorf(400, code, format, args...) }

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func keyARN(c *svc.Ctx, id string) string { return c.ARN("kms", "key/"+id) }

func state(k *world.KMSKey) string {
	if k.State == "" {
		return "Enabled"
	}
	return k.State
}

func spec(k *world.KMSKey) string {
	if k.Spec == "" {
		return "SYMMETRIC_DEFAULT"
	}
	return k.Spec
}

func usage(k *world.KMSKey) string {
	if k.Usage != "" {
		return k.Usage
	}
	switch {
	case strings.HasPrefix(spec(k), "HMAC"):
		return "GENERATE_VERIFY_MAC"
	case strings.HasPrefix(spec(k), "ECC"), strings.HasPrefix(spec(k), "ML_DSA"):
		return "SIGN_VERIFY"
	}
	return "ENCRYPT_DECRYPT"
}

func manager(k *world.KMSKey) string {
	if k.Manager == "" {
		return "CUSTOMER"
	}
	return k.Manager
}

func origin(k *world.KMSKey) string {
	if k.Origin == "" {
		return "AWS_KMS"
	}
	return k.Origin
}

func rotationPeriod(k *world.KMSKey) int {
	if k.RotationPeriodDays == 0 {
		return 365
	}
	return k.RotationPeriodDays
}

// findKey resolves a key ID, key ARN, alias name or alias ARN.
func findKey(c *svc.Ctx, ref string) (*world.KMSKey, error) {
	if ref == "" {
		return nil, errf("ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null")
	}
	r := c.Regional()
	id := ref
	if strings.HasPrefix(ref, "arn:") {
		f := strings.SplitN(ref, ":", 6)
		if len(f) != 6 || f[2] != "kms" || (!strings.HasPrefix(f[5], "key/") && !strings.HasPrefix(f[5], "alias/")) {
			return nil, errf("InvalidArnException", "ARN %s is not a valid KMS ARN", ref)
		}
		if f[3] != c.Region || f[4] != c.Account.ID {
			return nil, errf("NotFoundException", "Key '%s' does not exist", ref)
		}
		id = f[5]
		id = strings.TrimPrefix(id, "key/")
	}
	if strings.HasPrefix(id, "alias/") {
		for _, a := range r.KMS.Aliases {
			if a.Name == id && a.TargetKeyID != "" {
				id = a.TargetKeyID
				goto byID
			}
		}
		return nil, errf("NotFoundException", "Alias %s is not found.", keyARNAlias(c, id))
	}
byID:
	for _, k := range r.KMS.Keys {
		if k.ID == id {
			if state(k) == "PendingDeletion" && k.DeletionDate.IsZero() {
				// Seeded without a date: the window starts now.
				if k.PendingWindowDays == 0 {
					k.PendingWindowDays = 30
				}
				k.DeletionDate = c.Now().AddDate(0, 0, k.PendingWindowDays)
			}
			return k, nil
		}
	}
	return nil, errf("NotFoundException", "Key '%s' does not exist", keyARN(c, id))
}

func keyARNAlias(c *svc.Ctx, name string) string { return c.ARN("kms", name) }

type keyRef struct {
	KeyId string
}

func decode(c *svc.Ctx, v any) error { return c.DecodeJSON(v) }

type keyMetadata struct {
	AWSAccountId                string
	KeyId                       string
	Arn                         string
	CreationDate                float64
	Enabled                     bool
	Description                 string
	KeyUsage                    string
	KeyState                    string
	DeletionDate                *float64 `json:",omitempty"`
	PendingDeletionWindowInDays *int     `json:",omitempty"`
	Origin                      string
	KeyManager                  string
	CustomerMasterKeySpec       string
	KeySpec                     string
	EncryptionAlgorithms        []string `json:",omitempty"`
	SigningAlgorithms           []string `json:",omitempty"`
	MacAlgorithms               []string `json:",omitempty"`
	MultiRegion                 bool
}

func metadata(c *svc.Ctx, k *world.KMSKey) keyMetadata {
	m := keyMetadata{
		AWSAccountId:          c.Account.ID,
		KeyId:                 k.ID,
		Arn:                   keyARN(c, k.ID),
		CreationDate:          epoch(k.Created),
		Enabled:               state(k) == "Enabled",
		Description:           k.Description,
		KeyUsage:              usage(k),
		KeyState:              state(k),
		Origin:                origin(k),
		KeyManager:            manager(k),
		CustomerMasterKeySpec: spec(k),
		KeySpec:               spec(k),
		MultiRegion:           k.MultiRegion,
	}
	// A key pending deletion shows only its deletion date: KMS gives
	// PendingDeletionWindowInDays for a multi-Region primary key waiting
	// for its replicas to go (PendingReplicaDeletion), which the
	// simulator does not model.
	if state(k) == "PendingDeletion" {
		d := epoch(k.DeletionDate)
		m.DeletionDate = &d
	}
	sp := spec(k)
	switch {
	case sp == "SYMMETRIC_DEFAULT":
		m.EncryptionAlgorithms = []string{"SYMMETRIC_DEFAULT"}
	case strings.HasPrefix(sp, "HMAC"):
		m.MacAlgorithms = []string{"HMAC_SHA_" + strings.TrimPrefix(sp, "HMAC_")}
	case strings.HasPrefix(sp, "RSA") && usage(k) == "ENCRYPT_DECRYPT":
		m.EncryptionAlgorithms = []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}
	case strings.HasPrefix(sp, "RSA"):
		m.SigningAlgorithms = []string{"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"}
	case strings.HasPrefix(sp, "ECC"):
		m.SigningAlgorithms = []string{"ECDSA_SHA_256"}
	}
	return m
}

func parseLimit(lim *int, max int) (int, error) {
	if lim == nil {
		return 0, nil
	}
	if *lim < 1 || *lim > max {
		return 0, errf("ValidationException", "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and %d", *lim, max)
	}
	return *lim, nil
}

type listIn struct {
	Limit  *int
	Marker string
	KeyId  string
}

func listKeys(c *svc.Ctx) (any, error) {
	var in listIn
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	lim, err := parseLimit(in.Limit, 1000)
	if err != nil {
		return nil, err
	}
	type entry struct{ KeyId, KeyArn string }
	var all []entry
	for _, k := range c.Regional().KMS.Keys {
		all = append(all, entry{k.ID, keyARN(c, k.ID)})
	}
	page, next, err := svc.Page(all, in.Marker, lim, 100, "InvalidMarkerException")
	if err != nil {
		return nil, err
	}
	return struct {
		Keys       []entry
		NextMarker string `json:",omitempty"`
		Truncated  bool
	}{nonNil(page), next, next != ""}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func describeKey(c *svc.Ctx) (any, error) {
	var in keyRef
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	k, err := findKey(c, in.KeyId)
	if err != nil {
		return nil, err
	}
	return struct{ KeyMetadata keyMetadata }{metadata(c, k)}, nil
}

func pendingDeletion(c *svc.Ctx, k *world.KMSKey) error {
	if state(k) == "PendingDeletion" {
		return errf("KMSInvalidStateException", "%s is pending deletion.", keyARN(c, k.ID))
	}
	return nil
}

func rotatable(c *svc.Ctx, k *world.KMSKey) error {
	if spec(k) != "SYMMETRIC_DEFAULT" || origin(k) != "AWS_KMS" {
		return errf("UnsupportedOperationException", "%s origin is %s and key spec is %s which is not valid for this operation.", keyARN(c, k.ID), origin(k), spec(k))
	}
	return nil
}

func customerOnly(c *svc.Ctx, k *world.KMSKey, action string) error {
	if manager(k) == "AWS" {
		return errf("AccessDeniedException", "User: %s is not authorized to perform: kms:%s on resource: %s because no resource-based policy allows the kms:%s action", c.Principal.ARN, action, keyARN(c, k.ID), action)
	}
	return nil
}

func getKeyRotationStatus(c *svc.Ctx) (any, error) {
	var in keyRef
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	k, err := findKey(c, in.KeyId)
	if err != nil {
		return nil, err
	}
	if err := rotatable(c, k); err != nil {
		return nil, err
	}
	if err := pendingDeletion(c, k); err != nil {
		return nil, err
	}
	out := struct {
		KeyId                string
		KeyRotationEnabled   bool
		RotationPeriodInDays *int     `json:",omitempty"`
		NextRotationDate     *float64 `json:",omitempty"`
	}{KeyId: keyARN(c, k.ID), KeyRotationEnabled: k.Rotation || manager(k) == "AWS"}
	if out.KeyRotationEnabled {
		p := rotationPeriod(k)
		out.RotationPeriodInDays = &p
		next := k.Created
		for !next.After(c.Now()) {
			next = next.AddDate(0, 0, p)
		}
		n := epoch(next)
		out.NextRotationDate = &n
	}
	return out, nil
}

func enableKeyRotation(c *svc.Ctx) (any, error) {
	var in struct {
		KeyId                string
		RotationPeriodInDays *int
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	k, err := findKey(c, in.KeyId)
	if err != nil {
		return nil, err
	}
	if err := customerOnly(c, k, "EnableKeyRotation"); err != nil {
		return nil, err
	}
	if err := rotatable(c, k); err != nil {
		return nil, err
	}
	if state(k) != "Enabled" {
		return nil, errf("KMSInvalidStateException", "%s is %s.", keyARN(c, k.ID), strings.ToLower(state(k)))
	}
	if in.RotationPeriodInDays != nil {
		if p := *in.RotationPeriodInDays; p < 90 || p > 2560 {
			return nil, errf("ValidationException", "1 validation error detected: Value '%d' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value between 90 and 2560", p)
		}
		k.RotationPeriodDays = *in.RotationPeriodInDays
	}
	k.Rotation = true
	return nil, nil
}

func disableKeyRotation(c *svc.Ctx) (any, error) {
	var in keyRef
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	k, err := findKey(c, in.KeyId)
	if err != nil {
		return nil, err
	}
	if err := customerOnly(c, k, "DisableKeyRotation"); err != nil {
		return nil, err
	}
	if err := rotatable(c, k); err != nil {
		return nil, err
	}
	if state(k) != "Enabled" {
		return nil, errf("KMSInvalidStateException", "%s is %s.", keyARN(c, k.ID), strings.ToLower(state(k)))
	}
	k.Rotation = false
	return nil, nil
}

type aliasEntry struct {
	AliasName       string
	AliasArn        string
	TargetKeyId     string   `json:",omitempty"`
	CreationDate    *float64 `json:",omitempty"`
	LastUpdatedDate *float64 `json:",omitempty"`
}

func listAliases(c *svc.Ctx) (any, error) {
	var in listIn
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	lim, err := parseLimit(in.Limit, 100)
	if err != nil {
		return nil, err
	}
	target := ""
	if in.KeyId != "" {
		k, err := findKey(c, in.KeyId)
		if err != nil {
			return nil, err
		}
		target = k.ID
	}
	aliases := append([]*world.KMSAlias(nil), c.Regional().KMS.Aliases...)
	sort.SliceStable(aliases, func(i, j int) bool { return aliases[i].Name < aliases[j].Name })
	var all []aliasEntry
	for _, a := range aliases {
		if target != "" && a.TargetKeyID != target {
			continue
		}
		e := aliasEntry{AliasName: a.Name, AliasArn: keyARNAlias(c, a.Name), TargetKeyId: a.TargetKeyID}
		if !a.Created.IsZero() {
			t := epoch(a.Created)
			e.CreationDate, e.LastUpdatedDate = &t, &t
		}
		all = append(all, e)
	}
	page, next, err := svc.Page(all, in.Marker, lim, 50, "InvalidMarkerException")
	if err != nil {
		return nil, err
	}
	return struct {
		Aliases    []aliasEntry
		NextMarker string `json:",omitempty"`
		Truncated  bool
	}{nonNil(page), next, next != ""}, nil
}

func validAliasName(name string) error {
	if !strings.HasPrefix(name, "alias/") || len(name) <= len("alias/") || len(name) > 256 {
		return errf("ValidationException", "1 validation error detected: Value '%s' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$", name)
	}
	for _, r := range name[len("alias/"):] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '/' || r == '_' || r == '-') {
			return errf("ValidationException", "1 validation error detected: Value '%s' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$", name)
		}
	}
	if strings.HasPrefix(name, "alias/aws/") {
		return errf("NotAuthorizedException", "Aliases starting with 'alias/aws/' are reserved for AWS managed keys.")
	}
	return nil
}

func createAlias(c *svc.Ctx) (any, error) {
	var in struct{ AliasName, TargetKeyId string }
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if err := validAliasName(in.AliasName); err != nil {
		return nil, err
	}
	k, err := findKey(c, in.TargetKeyId)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(in.TargetKeyId, "alias/") || strings.Contains(in.TargetKeyId, ":alias/") {
		return nil, errf("ValidationException", "TargetKeyId must be a key ID or key ARN, not an alias.")
	}
	if manager(k) == "AWS" {
		return nil, errf("NotAuthorizedException", "Cannot create an alias for an AWS managed key.")
	}
	if err := pendingDeletion(c, k); err != nil {
		return nil, err
	}
	r := c.Regional()
	for _, a := range r.KMS.Aliases {
		if a.Name == in.AliasName {
			return nil, errf("AlreadyExistsException", "An alias with the name %s already exists", keyARNAlias(c, in.AliasName))
		}
	}
	r.KMS.Aliases = append(r.KMS.Aliases, &world.KMSAlias{Name: in.AliasName, TargetKeyID: k.ID, Created: c.Now()})
	return nil, nil
}

func deleteAlias(c *svc.Ctx) (any, error) {
	var in struct{ AliasName string }
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	r := c.Regional()
	for i, a := range r.KMS.Aliases {
		if a.Name == in.AliasName {
			if strings.HasPrefix(a.Name, "alias/aws/") {
				return nil, errf("NotAuthorizedException", "Cannot delete an AWS managed alias.")
			}
			r.KMS.Aliases = append(r.KMS.Aliases[:i], r.KMS.Aliases[i+1:]...)
			return nil, nil
		}
	}
	return nil, errf("NotFoundException", "Alias %s is not found.", keyARNAlias(c, in.AliasName))
}

// DefaultPolicy is the default key policy KMS gives a key created without one.
func DefaultPolicy(account string) string {
	return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + account + `:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`
}

func awsManagedPolicy(account, service, region string) string {
	return `{
  "Version" : "2012-10-17",
  "Id" : "auto-` + service + `-1",
  "Statement" : [ {
    "Sid" : "Allow access through ` + service + ` for all principals in the account that are authorized to use ` + service + `",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "` + account + `",
        "kms:ViaService" : "` + service + `.` + region + `.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + account + `:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  } ]
}`
}

func policyOf(c *svc.Ctx, k *world.KMSKey) string {
	if k.Policy != "" {
		return k.Policy
	}
	if manager(k) == "AWS" {
		service := "kms"
		for _, a := range c.Regional().KMS.Aliases {
			if a.TargetKeyID == k.ID && strings.HasPrefix(a.Name, "alias/aws/") {
				service = strings.TrimPrefix(a.Name, "alias/aws/")
			}
		}
		return awsManagedPolicy(c.Account.ID, service, c.Region)
	}
	return DefaultPolicy(c.Account.ID)
}

func getKeyPolicy(c *svc.Ctx) (any, error) {
	var in struct{ KeyId, PolicyName string }
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	k, err := findKey(c, in.KeyId)
	if err != nil {
		return nil, err
	}
	if in.PolicyName != "" && in.PolicyName != "default" {
		return nil, errf("NotFoundException", "No such policy exists")
	}
	return struct{ Policy, PolicyName string }{policyOf(c, k), "default"}, nil
}

func listKeyPolicies(c *svc.Ctx) (any, error) {
	var in listIn
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if _, err := findKey(c, in.KeyId); err != nil {
		return nil, err
	}
	return struct {
		PolicyNames []string
		Truncated   bool
	}{[]string{"default"}, false}, nil
}

func putKeyPolicy(c *svc.Ctx) (any, error) {
	var in struct{ KeyId, PolicyName, Policy string }
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	k, err := findKey(c, in.KeyId)
	if err != nil {
		return nil, err
	}
	if err := customerOnly(c, k, "PutKeyPolicy"); err != nil {
		return nil, err
	}
	if in.PolicyName != "" && in.PolicyName != "default" {
		return nil, errf("ValidationException", "1 validation error detected: Value '%s' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: default", in.PolicyName)
	}
	if err := checkPolicy(in.Policy); err != nil {
		return nil, err
	}
	if err := pendingDeletion(c, k); err != nil {
		return nil, err
	}
	k.Policy = in.Policy
	return nil, nil
}

func checkPolicy(p string) error {
	var doc map[string]any
	if p == "" || json.Unmarshal([]byte(p), &doc) != nil {
		return errf("MalformedPolicyDocumentException", "The new key policy will not allow you to update the key policy in the future.")
	}
	if _, ok := doc["Statement"]; !ok {
		return errf("MalformedPolicyDocumentException", "Policy contains a statement with no Statement element")
	}
	return nil
}

type tag struct{ TagKey, TagValue string }

func createKey(c *svc.Ctx) (any, error) {
	var in struct {
		Description, KeyUsage, KeySpec, CustomerMasterKeySpec, Origin, Policy string
		MultiRegion                                                           bool
		Tags                                                                  []tag
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	sp := in.KeySpec
	if sp == "" {
		sp = in.CustomerMasterKeySpec
	}
	if sp == "" {
		sp = "SYMMETRIC_DEFAULT"
	}
	valid := map[string][]string{
		"SYMMETRIC_DEFAULT": {"ENCRYPT_DECRYPT"},
		"RSA_2048":          {"ENCRYPT_DECRYPT", "SIGN_VERIFY"},
		"RSA_3072":          {"ENCRYPT_DECRYPT", "SIGN_VERIFY"},
		"RSA_4096":          {"ENCRYPT_DECRYPT", "SIGN_VERIFY"},
		"ECC_NIST_P256":     {"SIGN_VERIFY"},
		"ECC_NIST_P384":     {"SIGN_VERIFY"},
		"ECC_NIST_P521":     {"SIGN_VERIFY"},
		"ECC_SECG_P256K1":   {"SIGN_VERIFY"},
		"HMAC_224":          {"GENERATE_VERIFY_MAC"},
		"HMAC_256":          {"GENERATE_VERIFY_MAC"},
		"HMAC_384":          {"GENERATE_VERIFY_MAC"},
		"HMAC_512":          {"GENERATE_VERIFY_MAC"},
	}
	usages, ok := valid[sp]
	if !ok {
		return nil, errf("ValidationException", "1 validation error detected: Value '%s' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set", sp)
	}
	u := in.KeyUsage
	if u == "" {
		u = usages[0]
	}
	okUsage := false
	for _, x := range usages {
		okUsage = okUsage || x == u
	}
	if !okUsage {
		return nil, errf("ValidationException", "KeyUsage %s is not compatible with KeySpec %s", u, sp)
	}
	if in.Origin == "" {
		in.Origin = "AWS_KMS"
	}
	if in.Origin != "AWS_KMS" && in.Origin != "EXTERNAL" {
		return nil, errf("UnsupportedOperationException", "Origin %s is not supported by this simulator", in.Origin)
	}
	if in.Policy != "" {
		if err := checkPolicy(in.Policy); err != nil {
			return nil, err
		}
	}
	for _, t := range in.Tags {
		if t.TagKey == "" {
			return nil, errf("TagException", "Tag keys must not be empty")
		}
	}
	id := c.World.HexID("", 8) + "-" + c.World.HexID("", 4) + "-" + c.World.HexID("", 4) + "-" + c.World.HexID("", 4) + "-" + c.World.HexID("", 12)
	if in.MultiRegion {
		id = "mrk-" + c.World.HexID("", 32)
	}
	k := &world.KMSKey{ID: id, Description: in.Description, Manager: "CUSTOMER", State: "Enabled", Spec: sp, Usage: u,
		Origin: in.Origin, MultiRegion: in.MultiRegion, Created: c.Now(), Policy: in.Policy}
	if in.Origin == "EXTERNAL" {
		k.State = "PendingImport"
	}
	for _, t := range in.Tags {
		k.Tags = append(k.Tags, world.KMSTag{Key: t.TagKey, Value: t.TagValue})
	}
	r := c.Regional()
	r.KMS.Keys = append(r.KMS.Keys, k)
	return struct{ KeyMetadata keyMetadata }{metadata(c, k)}, nil
}

func scheduleKeyDeletion(c *svc.Ctx) (any, error) {
	var in struct {
		KeyId               string
		PendingWindowInDays *int
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	days := 30
	if in.PendingWindowInDays != nil {
		days = *in.PendingWindowInDays
		if days < 7 || days > 30 {
			return nil, errf("ValidationException", "1 validation error detected: Value '%d' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value less than or equal to 30 and greater than or equal to 7", days)
		}
	}
	k, err := findKey(c, in.KeyId)
	if err != nil {
		return nil, err
	}
	if err := customerOnly(c, k, "ScheduleKeyDeletion"); err != nil {
		return nil, err
	}
	if err := pendingDeletion(c, k); err != nil {
		return nil, err
	}
	k.State = "PendingDeletion"
	k.PendingWindowDays = days
	k.DeletionDate = c.Now().AddDate(0, 0, days)
	return struct {
		KeyId               string
		DeletionDate        float64
		KeyState            string
		PendingWindowInDays int
	}{keyARN(c, k.ID), epoch(k.DeletionDate), k.State, days}, nil
}

func cancelKeyDeletion(c *svc.Ctx) (any, error) {
	var in keyRef
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	k, err := findKey(c, in.KeyId)
	if err != nil {
		return nil, err
	}
	if state(k) != "PendingDeletion" {
		return nil, errf("KMSInvalidStateException", "%s is not pending deletion.", keyARN(c, k.ID))
	}
	k.State = "Disabled"
	k.DeletionDate = time.Time{}
	k.PendingWindowDays = 0
	return struct{ KeyId string }{keyARN(c, k.ID)}, nil
}

func setEnabled(c *svc.Ctx, enabled bool) (any, error) {
	var in keyRef
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	k, err := findKey(c, in.KeyId)
	if err != nil {
		return nil, err
	}
	action := "DisableKey"
	if enabled {
		action = "EnableKey"
	}
	if err := customerOnly(c, k, action); err != nil {
		return nil, err
	}
	switch state(k) {
	case "Enabled", "Disabled":
	default:
		return nil, errf("KMSInvalidStateException", "%s is %s.", keyARN(c, k.ID), state(k))
	}
	if enabled {
		k.State = "Enabled"
	} else {
		k.State = "Disabled"
	}
	return nil, nil
}

func disableKey(c *svc.Ctx) (any, error) { return setEnabled(c, false) }
func enableKey(c *svc.Ctx) (any, error)  { return setEnabled(c, true) }

func listResourceTags(c *svc.Ctx) (any, error) {
	var in listIn
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	lim, err := parseLimit(in.Limit, 50)
	if err != nil {
		return nil, err
	}
	k, err := findKey(c, in.KeyId)
	if err != nil {
		return nil, err
	}
	var all []tag
	for _, t := range k.Tags {
		all = append(all, tag{t.Key, t.Value})
	}
	page, next, err := svc.Page(all, in.Marker, lim, 50, "InvalidMarkerException")
	if err != nil {
		return nil, err
	}
	return struct {
		Tags       []tag
		NextMarker string `json:",omitempty"`
		Truncated  bool
	}{nonNil(page), next, next != ""}, nil
}

func tagResource(c *svc.Ctx) (any, error) {
	var in struct {
		KeyId string
		Tags  []tag
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	k, err := findKey(c, in.KeyId)
	if err != nil {
		return nil, err
	}
	if err := customerOnly(c, k, "TagResource"); err != nil {
		return nil, err
	}
	for _, t := range in.Tags {
		if t.TagKey == "" {
			return nil, errf("TagException", "Tag keys must not be empty")
		}
		found := false
		for i := range k.Tags {
			if k.Tags[i].Key == t.TagKey {
				k.Tags[i].Value, found = t.TagValue, true
			}
		}
		if !found {
			k.Tags = append(k.Tags, world.KMSTag{Key: t.TagKey, Value: t.TagValue})
		}
	}
	return nil, nil
}

func untagResource(c *svc.Ctx) (any, error) {
	var in struct {
		KeyId   string
		TagKeys []string
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	k, err := findKey(c, in.KeyId)
	if err != nil {
		return nil, err
	}
	drop := map[string]bool{}
	for _, t := range in.TagKeys {
		drop[t] = true
	}
	var keep []world.KMSTag
	for _, t := range k.Tags {
		if !drop[t.Key] {
			keep = append(keep, t)
		}
	}
	k.Tags = keep
	return nil, nil
}
