// Package kms collects the AWS KMS state of one region: every key's
// metadata, aliases, rotation status and key policy.
package kms

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	kmsapi "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/kms"
)

// detailLimit bounds the keys whose details are read at once.
const detailLimit = 8

// Collector returns the regional "kms" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name: "kms",
		Actions: []string{
			"kms:ListKeys",
			"kms:ListAliases",
			"kms:DescribeKey",
			"kms:GetKeyRotationStatus",
			"kms:GetKeyPolicy",
		},
		Collect: collectKMS,
	}
}

func collectKMS(ctx context.Context, in collect.Input) error {
	c := kmsapi.NewFromConfig(in.Config)
	out := &kms.KMS{Keys: []*kms.Key{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListKeys(ctx, &kmsapi.ListKeysInput{Marker: token})
		if err != nil {
			return nil, err
		}
		for _, k := range page.Keys {
			out.Keys = append(out.Keys, &kms.Key{ARN: aws.ToString(k.KeyArn), ID: aws.ToString(k.KeyId)})
		}
		return page.NextMarker, nil
	}); err != nil {
		return fmt.Errorf("list keys: %w", err)
	}
	// Aliases only name keys: without them the keys are still judged.
	aliases, err := aliasesByKey(ctx, c)
	switch {
	case err == nil:
		for _, k := range out.Keys {
			k.Aliases = aliases[k.ID]
		}
	case ctx.Err() != nil:
		return err
	default:
		out.Errors = map[string]string{"aliases": awsx.Brief(err)}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailLimit)
	for _, k := range out.Keys {
		g.Go(func() error {
			details(gctx, c, k)
			return ctx.Err()
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("describe keys: %w", err)
	}
	in.Region.KMS = out
	return nil
}

func aliasesByKey(ctx context.Context, c *kmsapi.Client) (map[string][]string, error) {
	out := map[string][]string{}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ListAliases(ctx, &kmsapi.ListAliasesInput{Marker: token})
		if err != nil {
			return nil, err
		}
		for _, a := range page.Aliases {
			if id := aws.ToString(a.TargetKeyId); id != "" {
				out[id] = append(out[id], aws.ToString(a.AliasName))
			}
		}
		return page.NextMarker, nil
	}); err != nil {
		return nil, fmt.Errorf("list aliases: %w", err)
	}
	return out, nil
}

// details fills k from DescribeKey, GetKeyRotationStatus (for keys that
// can rotate) and GetKeyPolicy; what cannot be read goes to k.Errors.
func details(ctx context.Context, c *kmsapi.Client, k *kms.Key) {
	fail := func(detail string, err error) {
		if k.Errors == nil {
			k.Errors = map[string]string{}
		}
		k.Errors[detail] = awsx.Brief(err)
	}
	d, err := c.DescribeKey(ctx, &kmsapi.DescribeKeyInput{KeyId: aws.String(k.ID)})
	if err != nil {
		fail("describe", err)
	} else if m := d.KeyMetadata; m != nil {
		k.Description = aws.ToString(m.Description)
		k.Manager = string(m.KeyManager)
		k.State = string(m.KeyState)
		k.Spec = string(m.KeySpec)
		k.Usage = string(m.KeyUsage)
		k.Origin = string(m.Origin)
		k.MultiRegion = aws.ToBool(m.MultiRegion)
		k.DeletionDate = m.DeletionDate
		if m.Arn != nil {
			k.ARN = aws.ToString(m.Arn)
		}
	}
	if err == nil && k.Rotatable() && k.State != string(kmstypes.KeyStatePendingDeletion) && k.State != string(kmstypes.KeyStatePendingImport) {
		r, err := c.GetKeyRotationStatus(ctx, &kmsapi.GetKeyRotationStatusInput{KeyId: aws.String(k.ID)})
		if err != nil {
			fail("rotation", err)
		} else {
			k.RotationEnabled = aws.Bool(r.KeyRotationEnabled)
		}
	}
	pol, err := c.GetKeyPolicy(ctx, &kmsapi.GetKeyPolicyInput{KeyId: aws.String(k.ID), PolicyName: aws.String("default")})
	if err != nil {
		fail("policy", err)
	} else {
		k.Policy = aws.ToString(pol.Policy)
	}
}
