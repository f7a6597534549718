// Package guardduty collects the Amazon GuardDuty state of a region: the
// detector and the status of its protection features.
package guardduty

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	gdapi "github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/guardduty"
)

// Collector returns the regional GuardDuty collector ("guardduty").
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "guardduty",
		Actions: []string{"guardduty:ListDetectors", "guardduty:GetDetector"},
		Collect: collectGuardDuty,
	}
}

func collectGuardDuty(ctx context.Context, in collect.Input) error {
	client := gdapi.NewFromConfig(in.Config)
	out := &guardduty.GuardDuty{Detectors: []guardduty.Detector{}}
	// A failed GetDetector is recorded on its detector; a cancelled context
	// ends the listing and is returned as it is, unwrapped.
	var canceled error
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := client.ListDetectors(ctx, &gdapi.ListDetectorsInput{NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, id := range page.DetectorIds {
			d := guardduty.Detector{ID: id,
				ARN: fmt.Sprintf("arn:%s:guardduty:%s:%s:detector/%s", in.Target.Partition, in.Target.Region, in.Target.Account, id)}
			det, err := client.GetDetector(ctx, &gdapi.GetDetectorInput{DetectorId: aws.String(id)})
			if err != nil {
				if ctx.Err() != nil {
					canceled = ctx.Err()
					return nil, nil
				}
				d.Errors = map[string]string{guardduty.DetailDetector: awsx.Brief(err)}
			} else {
				fill(&d, det)
			}
			out.Detectors = append(out.Detectors, d)
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("list detectors: %w", err)
	}
	if canceled != nil {
		return canceled
	}
	in.Region.GuardDuty = out
	return nil
}

func fill(d *guardduty.Detector, o *gdapi.GetDetectorOutput) {
	d.Status = string(o.Status)
	d.FindingPublishingFrequency = string(o.FindingPublishingFrequency)
	if t, err := time.Parse(time.RFC3339Nano, aws.ToString(o.CreatedAt)); err == nil {
		d.CreatedAt = t
	}
	if len(o.Tags) > 0 {
		d.Tags = o.Tags
	}
	d.Features = map[string]guardduty.Feature{}
	for _, f := range o.Features {
		ft := guardduty.Feature{Status: string(f.Status)}
		for _, a := range f.AdditionalConfiguration {
			if ft.Additional == nil {
				ft.Additional = map[string]string{}
			}
			ft.Additional[string(a.Name)] = string(a.Status)
		}
		d.Features[string(f.Name)] = ft
	}
	if len(o.Features) == 0 {
		fromDataSources(d.Features, o.DataSources)
	}
}

// fromDataSources reads the legacy data sources, which GuardDuty still
// reports, for a detector that reports no features.
func fromDataSources(fs map[string]guardduty.Feature, ds *gdtypes.DataSourceConfigurationsResult) {
	if ds == nil {
		return
	}
	if ds.S3Logs != nil {
		fs[guardduty.FeatureS3DataEvents] = guardduty.Feature{Status: string(ds.S3Logs.Status)}
	}
	if k := ds.Kubernetes; k != nil && k.AuditLogs != nil {
		fs[guardduty.FeatureEKSAuditLogs] = guardduty.Feature{Status: string(k.AuditLogs.Status)}
	}
	if m := ds.MalwareProtection; m != nil && m.ScanEc2InstanceWithFindings != nil && m.ScanEc2InstanceWithFindings.EbsVolumes != nil {
		fs[guardduty.FeatureEBSMalwareProtection] = guardduty.Feature{Status: string(m.ScanEc2InstanceWithFindings.EbsVolumes.Status)}
	}
}
