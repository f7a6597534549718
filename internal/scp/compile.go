package scp

import (
	"slices"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/policy"
)

// How intents become statements.
//
// Each intent compiles to the statement AWS documents for it (the
// Organizations User Guide's SCP examples), Deny statements only: an SCP
// allows nothing by itself, and FullAWSAccess (which Guardrail keeps
// attached) is the Allow every level needs.
//
// Every statement that can spare someone spares Guardrail's own role
// (arn:aws:iam::*:role/<guardrail_role>) and the target's except_roles,
// through ArnNotLike on aws:PrincipalArn, as AWS's region example spares
// its administrator roles. Guardrail's role must be spared: the baseline
// rolls back by stopping and deleting what it created (StopLogging,
// DeleteDetector, DisableSecurityHub…), remediation changes bucket
// policies and instance metadata options, and a scan reads every region.
// Only two intents spare no one: deny_root_user (Guardrail is never
// root) and deny_leave_organization (Guardrail never leaves). Raw
// statements are taken as written; validation proves they do not deny
// Guardrail's actions.

// Compiled is one target's statements, before merging and packing.
type Compiled struct {
	Target     string
	Intents    *TargetIntents
	Statements []*policy.Statement
}

// Compile turns each target's intents into SCP statements.
func Compile(in *Intents) []*Compiled {
	var out []*Compiled
	for _, t := range in.Targets {
		out = append(out, &Compiled{Target: t.Target, Intents: t, Statements: compileTarget(in, t)})
	}
	return out
}

// Exempt returns the role ARN patterns the target's exemptible
// statements spare: Guardrail's role first, then the except_roles.
func Exempt(in *Intents, t *TargetIntents) []string {
	role := in.GuardrailRole
	if role == "" {
		role = DefaultGuardrailRole
	}
	out := []string{"arn:aws:iam::*:role/" + role}
	for _, r := range t.ExceptRoles {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

func compileTarget(in *Intents, t *TargetIntents) []*policy.Statement {
	exempt := Exempt(in, t)
	spare := policy.Condition{Operator: "ArnNotLike", Key: "aws:PrincipalArn", Values: exempt}
	var out []*policy.Statement
	add := func(s *policy.Statement) {
		s.Effect = "Deny"
		if s.Resource == nil && s.NotResource == nil {
			s.Resource = []string{"*"}
		}
		sortConditions(s.Condition)
		s.Index = len(out)
		out = append(out, s)
	}
	if len(t.AllowedRegions) > 0 {
		add(&policy.Statement{Sid: "DenyOutsideAllowedRegions", NotAction: slices.Clone(GlobalServiceActions),
			Condition: []policy.Condition{{Operator: "StringNotEquals", Key: "aws:RequestedRegion", Values: slices.Clone(t.AllowedRegions)}, spare}})
	}
	if len(t.DeniedServices) > 0 {
		var acts []string
		for _, s := range t.DeniedServices {
			acts = append(acts, s+":*")
		}
		add(&policy.Statement{Sid: "DenyServices", Action: acts, Condition: []policy.Condition{spare}})
	}
	if t.ProtectSecurityServices {
		add(&policy.Statement{Sid: "ProtectSecurityServices", Action: slices.Clone(SecurityServiceActions), Condition: []policy.Condition{spare}})
	}
	if len(t.ProtectBuckets) > 0 {
		var buckets, objects []string
		for _, b := range t.ProtectBuckets {
			buckets = append(buckets, "arn:aws:s3:::"+b.Bucket)
			if b.Objects {
				objects = append(objects, "arn:aws:s3:::"+b.Bucket+"/*")
			}
		}
		add(&policy.Statement{Sid: "ProtectBuckets", Action: slices.Clone(BucketActions), Resource: buckets, Condition: []policy.Condition{spare}})
		if len(objects) > 0 {
			add(&policy.Statement{Sid: "ProtectBucketObjects", Action: slices.Clone(ObjectActions), Resource: objects, Condition: []policy.Condition{spare}})
		}
	}
	if t.DenyLeaveOrganization {
		add(&policy.Statement{Sid: "DenyLeaveOrganization", Action: []string{"organizations:LeaveOrganization"}})
	}
	if t.DenyRootUser {
		add(&policy.Statement{Sid: "DenyRootUser", Action: []string{"*"},
			Condition: []policy.Condition{{Operator: "ArnLike", Key: "aws:PrincipalArn", Values: []string{"arn:aws:iam::*:root"}}}})
	}
	if t.RequireIMDSv2 {
		add(&policy.Statement{Sid: "RequireImdsV2", Action: []string{"ec2:RunInstances"}, Resource: []string{"arn:aws:ec2:*:*:instance/*"},
			Condition: []policy.Condition{{Operator: "StringNotEquals", Key: "ec2:MetadataHttpTokens", Values: []string{"required"}}}})
		add(&policy.Statement{Sid: "DenyImdsChanges", Action: []string{"ec2:ModifyInstanceMetadataOptions"}, Condition: []policy.Condition{spare}})
	}
	if t.DenyDisableEBSEncryption {
		add(&policy.Statement{Sid: "DenyDisableEbsEncryption", Action: []string{"ec2:DisableEbsEncryptionByDefault"}, Condition: []policy.Condition{spare}})
	}
	if t.DenyDisableS3BlockPublicAccess {
		add(&policy.Statement{Sid: "DenyDisableS3BlockPublicAccess", Action: []string{"s3:PutAccountPublicAccessBlock"}, Condition: []policy.Condition{spare}})
	}
	for i, s := range t.Statements {
		c := *s
		if c.Sid == "" {
			c.Sid = "Statement" + strconv.Itoa(i+1)
		}
		c.Index = len(out)
		out = append(out, &c)
	}
	return out
}

func sortConditions(cs []policy.Condition) {
	slices.SortStableFunc(cs, func(a, b policy.Condition) int {
		if c := strings.Compare(a.Operator, b.Operator); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
}
