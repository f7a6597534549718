// Package config collects the AWS Config state of a region: the
// configuration recorders, their status and the delivery channels.
package config

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfgapi "github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/config"
)

// Collector returns the regional AWS Config collector ("config").
func Collector() collect.Collector {
	return collect.Collector{
		Name: "config",
		Actions: []string{
			"config:DescribeConfigurationRecorders",
			"config:DescribeConfigurationRecorderStatus",
			"config:DescribeDeliveryChannels",
		},
		Collect: collectConfig,
	}
}

func collectConfig(ctx context.Context, in collect.Input) error {
	client := cfgapi.NewFromConfig(in.Config)
	recs, err := client.DescribeConfigurationRecorders(ctx, &cfgapi.DescribeConfigurationRecordersInput{})
	if err != nil {
		return fmt.Errorf("describe configuration recorders: %w", err)
	}
	out := &config.Config{Recorders: []config.Recorder{}, Channels: []config.DeliveryChannel{}}
	for _, r := range recs.ConfigurationRecorders {
		out.Recorders = append(out.Recorders, recorder(r))
	}
	if len(out.Recorders) > 0 {
		st, err := client.DescribeConfigurationRecorderStatus(ctx, &cfgapi.DescribeConfigurationRecorderStatusInput{})
		if err != nil {
			setError(out, config.DetailRecorderStatus, err)
		} else {
			for _, s := range st.ConfigurationRecordersStatus {
				for i := range out.Recorders {
					if out.Recorders[i].Name == aws.ToString(s.Name) {
						out.Recorders[i].Status = status(s)
					}
				}
			}
		}
	}
	chs, err := client.DescribeDeliveryChannels(ctx, &cfgapi.DescribeDeliveryChannelsInput{})
	if err != nil {
		setError(out, config.DetailDeliveryChannels, err)
	} else {
		for _, c := range chs.DeliveryChannels {
			ch := config.DeliveryChannel{Name: aws.ToString(c.Name), S3BucketName: aws.ToString(c.S3BucketName),
				S3KeyPrefix: aws.ToString(c.S3KeyPrefix), S3KMSKeyARN: aws.ToString(c.S3KmsKeyArn), SNSTopicARN: aws.ToString(c.SnsTopicARN)}
			if p := c.ConfigSnapshotDeliveryProperties; p != nil {
				ch.DeliveryFrequency = string(p.DeliveryFrequency)
			}
			out.Channels = append(out.Channels, ch)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	in.Region.Config = out
	return nil
}

func recorder(r cfgtypes.ConfigurationRecorder) config.Recorder {
	out := config.Recorder{Name: aws.ToString(r.Name), ARN: aws.ToString(r.Arn), RoleARN: aws.ToString(r.RoleARN),
		ServicePrincipal: aws.ToString(r.ServicePrincipal), RecordingScope: string(r.RecordingScope)}
	if g := r.RecordingGroup; g != nil {
		out.AllSupported, out.IncludeGlobalResourceTypes = g.AllSupported, g.IncludeGlobalResourceTypes
		for _, t := range g.ResourceTypes {
			out.ResourceTypes = append(out.ResourceTypes, string(t))
		}
		if e := g.ExclusionByResourceTypes; e != nil {
			for _, t := range e.ResourceTypes {
				out.ExcludedResourceTypes = append(out.ExcludedResourceTypes, string(t))
			}
		}
		if s := g.RecordingStrategy; s != nil {
			out.RecordingStrategy = string(s.UseOnly)
		}
	} else {
		// A recorder without a recording group records all supported
		// types (the API's default).
		out.AllSupported = true
	}
	if m := r.RecordingMode; m != nil {
		out.RecordingFrequency = string(m.RecordingFrequency)
	}
	return out
}

func status(s cfgtypes.ConfigurationRecorderStatus) *config.RecorderStatus {
	return &config.RecorderStatus{Recording: s.Recording, LastStatus: string(s.LastStatus),
		LastErrorCode: aws.ToString(s.LastErrorCode), LastErrorMessage: aws.ToString(s.LastErrorMessage),
		LastStart: aws.ToTime(s.LastStartTime), LastStop: aws.ToTime(s.LastStopTime),
		LastStatusChange: aws.ToTime(s.LastStatusChangeTime)}
}

// setError records that detail of c could not be read. The error is kept
// as a reason, not returned: the recorders were read, and controls judge
// what they can and report ERROR for the rest.
func setError(c *config.Config, detail string, err error) {
	if c.Errors == nil {
		c.Errors = map[string]string{}
	}
	c.Errors[detail] = awsx.Brief(err)
}
