// Package cloudtrail collects CloudTrail trails in one region: every
// trail the region shows (its own, shadows of multi-region trails homed
// elsewhere, and the organization's trail), each with its logging status
// and event selectors.
package cloudtrail

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctapi "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
)

// Collector returns the regional "cloudtrail" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name: "cloudtrail",
		Actions: []string{
			"cloudtrail:DescribeTrails",
			"cloudtrail:GetEventSelectors",
			"cloudtrail:GetTrailStatus",
		},
		Collect: collectRegion,
	}
}

func collectRegion(ctx context.Context, in collect.Input) error {
	client := ctapi.NewFromConfig(in.Config)
	out, err := client.DescribeTrails(ctx, &ctapi.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil {
		return fmt.Errorf("describe trails: %w", err)
	}
	ct := &cloudtrail.CloudTrail{Trails: []cloudtrail.Trail{}}
	// A trail's status and selectors are asked of its home region, by
	// ARN: that is the only form CloudTrail answers for shadow trails and
	// for a member account asking about the organization's trail. A
	// multi-region trail shows in every region: its details are read once,
	// by the collector of its home region (controls merge the copies by
	// ARN), unless that region is not assessed. Asking from every region
	// would spend 2 x regions calls of the home region's CloudTrail quota
	// (10/s) per trail.
	clients := map[string]*ctapi.Client{in.Config.Region: client}
	for _, d := range out.TrailList {
		t := trail(d)
		home := t.HomeRegion
		if home == "" {
			home = in.Config.Region
		}
		if _, assessed := in.Account.Regions[home]; assessed && home != in.Config.Region {
			ct.Trails = append(ct.Trails, t)
			continue
		}
		c := clients[home]
		if c == nil {
			c = ctapi.NewFromConfig(in.Config, func(o *ctapi.Options) { o.Region = home })
			clients[home] = c
		}
		if err := details(ctx, c, &t); err != nil {
			return err
		}
		ct.Trails = append(ct.Trails, t)
	}
	in.Region.CloudTrail = ct
	return nil
}

func trail(d cttypes.Trail) cloudtrail.Trail {
	return cloudtrail.Trail{
		ARN:                        aws.ToString(d.TrailARN),
		Name:                       aws.ToString(d.Name),
		S3BucketName:               aws.ToString(d.S3BucketName),
		S3KeyPrefix:                aws.ToString(d.S3KeyPrefix),
		HomeRegion:                 aws.ToString(d.HomeRegion),
		IsMultiRegion:              aws.ToBool(d.IsMultiRegionTrail),
		IsOrganization:             aws.ToBool(d.IsOrganizationTrail),
		IncludeGlobalServiceEvents: aws.ToBool(d.IncludeGlobalServiceEvents),
		LogFileValidation:          aws.ToBool(d.LogFileValidationEnabled),
		KMSKeyID:                   aws.ToString(d.KmsKeyId),
		CloudWatchLogsLogGroupARN:  aws.ToString(d.CloudWatchLogsLogGroupArn),
		CloudWatchLogsRoleARN:      aws.ToString(d.CloudWatchLogsRoleArn),
		SNSTopicARN:                aws.ToString(d.SnsTopicARN),
	}
}

// details reads t's status and selectors. A denied or failed read is
// recorded on t; only a cancelled context stops the collector.
func details(ctx context.Context, c *ctapi.Client, t *cloudtrail.Trail) error {
	fail := func(key string, err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("trail %s: %s: %w", t.Name, key, err)
		}
		if t.Errors == nil {
			t.Errors = map[string]string{}
		}
		t.Errors[key] = awsx.Brief(err)
		return nil
	}
	st, err := c.GetTrailStatus(ctx, &ctapi.GetTrailStatusInput{Name: aws.String(t.ARN)})
	if err != nil {
		if err := fail("status", err); err != nil {
			return err
		}
	} else {
		t.Status = &cloudtrail.Status{
			IsLogging:                        aws.ToBool(st.IsLogging),
			StartLoggingTime:                 aws.ToTime(st.StartLoggingTime),
			StopLoggingTime:                  aws.ToTime(st.StopLoggingTime),
			LatestDeliveryTime:               aws.ToTime(st.LatestDeliveryTime),
			LatestDeliveryErr:                aws.ToString(st.LatestDeliveryError),
			LatestCloudWatchLogsDeliveryTime: aws.ToTime(st.LatestCloudWatchLogsDeliveryTime),
			LatestCloudWatchLogsDeliveryErr:  aws.ToString(st.LatestCloudWatchLogsDeliveryError),
		}
	}
	sel, err := c.GetEventSelectors(ctx, &ctapi.GetEventSelectorsInput{TrailName: aws.String(t.ARN)})
	if err != nil {
		return fail("event_selectors", err)
	}
	t.Selectors = selectors(sel)
	return nil
}

func selectors(out *ctapi.GetEventSelectorsOutput) *cloudtrail.Selectors {
	s := &cloudtrail.Selectors{}
	for _, e := range out.EventSelectors {
		b := cloudtrail.EventSelector{
			ReadWriteType: string(e.ReadWriteType),
			// CloudTrail's default is to include management events.
			IncludeManagementEvents:       e.IncludeManagementEvents == nil || *e.IncludeManagementEvents,
			ExcludeManagementEventSources: e.ExcludeManagementEventSources,
		}
		for _, d := range e.DataResources {
			b.DataResources = append(b.DataResources, cloudtrail.DataResource{Type: aws.ToString(d.Type), Values: d.Values})
		}
		s.Basic = append(s.Basic, b)
	}
	for _, a := range out.AdvancedEventSelectors {
		as := cloudtrail.AdvancedEventSelector{Name: aws.ToString(a.Name)}
		for _, f := range a.FieldSelectors {
			as.FieldSelectors = append(as.FieldSelectors, cloudtrail.FieldSelector{
				Field: aws.ToString(f.Field), Equals: f.Equals, NotEquals: f.NotEquals,
				StartsWith: f.StartsWith, NotStartsWith: f.NotStartsWith, EndsWith: f.EndsWith, NotEndsWith: f.NotEndsWith,
			})
		}
		s.Advanced = append(s.Advanced, as)
	}
	return s
}
