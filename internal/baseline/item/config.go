package item

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfgapi "github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
)

type recorder struct {
	Name              string   `json:"name"`
	RoleARN           string   `json:"role_arn"`
	AllSupported      bool     `json:"all_supported"`
	IncludeGlobal     bool     `json:"include_global_resource_types"`
	ResourceTypes     []string `json:"resource_types,omitempty"`
	Exclusions        []string `json:"exclusions,omitempty"`
	RecordingStrategy string   `json:"recording_strategy,omitempty"`
}

type channel struct {
	Name      string `json:"name"`
	Bucket    string `json:"bucket"`
	KeyPrefix string `json:"key_prefix,omitempty"`
	KMSKey    string `json:"kms_key,omitempty"`
	SNSTopic  string `json:"sns_topic,omitempty"`
}

type configState struct {
	Recorder  *recorder `json:"recorder"`
	Channel   *channel  `json:"channel"`
	Recording bool      `json:"recording"`
}

// configRecorder is AWS Config in a region: a recorder of every
// supported resource type (global types in the home region only), a
// delivery channel to the central bucket, and the recorder started.
func configRecorder() Item {
	return &def[configState]{
		name: "config.recorder", scope: Regional, phase: 1,
		applies: func(env Env) string {
			if c := env.Settings.Config; c == nil || !spec.On(c.Enabled) {
				return NotManaged
			}
			return ""
		},
		read: func(ctx context.Context, env Env) (configState, error) {
			c := env.configService()
			var st configState
			recs, err := c.DescribeConfigurationRecorders(ctx, &cfgapi.DescribeConfigurationRecordersInput{})
			if err != nil {
				return st, err
			}
			for _, r := range recs.ConfigurationRecorders {
				if r.RecordingScope == cfgtypes.RecordingScopeInternal { // service-linked recorders are not ours
					continue
				}
				rec := &recorder{Name: aws.ToString(r.Name), RoleARN: aws.ToString(r.RoleARN)}
				if g := r.RecordingGroup; g != nil {
					rec.AllSupported, rec.IncludeGlobal = g.AllSupported, g.IncludeGlobalResourceTypes
					for _, t := range g.ResourceTypes {
						rec.ResourceTypes = append(rec.ResourceTypes, string(t))
					}
					if g.ExclusionByResourceTypes != nil {
						for _, t := range g.ExclusionByResourceTypes.ResourceTypes {
							rec.Exclusions = append(rec.Exclusions, string(t))
						}
					}
					if g.RecordingStrategy != nil {
						rec.RecordingStrategy = string(g.RecordingStrategy.UseOnly)
					}
				}
				st.Recorder = rec
				status, err := c.DescribeConfigurationRecorderStatus(ctx, &cfgapi.DescribeConfigurationRecorderStatusInput{ConfigurationRecorderNames: []string{rec.Name}})
				if err != nil {
					return st, err
				}
				for _, s := range status.ConfigurationRecordersStatus {
					st.Recording = st.Recording || s.Recording
				}
				break
			}
			chs, err := c.DescribeDeliveryChannels(ctx, &cfgapi.DescribeDeliveryChannelsInput{})
			if err != nil {
				return st, err
			}
			if len(chs.DeliveryChannels) > 0 {
				d := chs.DeliveryChannels[0]
				st.Channel = &channel{Name: aws.ToString(d.Name), Bucket: aws.ToString(d.S3BucketName), KeyPrefix: aws.ToString(d.S3KeyPrefix),
					KMSKey: aws.ToString(d.S3KmsKeyArn), SNSTopic: aws.ToString(d.SnsTopicARN)}
			}
			return st, nil
		},
		want: func(env Env, cur configState) configState {
			s := env.Settings.Config
			w := configState{Recording: true}
			r := recorder{Name: "default", RoleARN: "arn:aws:iam::" + env.Target.Account + ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"}
			// An existing recorder keeps its name but moves to the
			// service-linked role: Security Hub's Config.1 fails a
			// recorder under any other role unless the spec names one.
			if cur.Recorder != nil {
				r.Name = cur.Recorder.Name
			}
			if s.Role != nil {
				r.RoleARN = *s.Role
			}
			r.AllSupported, r.IncludeGlobal = true, inHome(env)
			if cur.Recorder != nil && cur.Recorder.RecordingStrategy != "" {
				r.RecordingStrategy = "ALL_SUPPORTED_RESOURCE_TYPES"
			}
			w.Recorder = &r
			ch := channel{Name: "default"}
			if cur.Channel != nil {
				ch = *cur.Channel
			}
			ch.Bucket = spec.Str(s.Bucket)
			if s.KeyPrefix != nil {
				ch.KeyPrefix = *s.KeyPrefix
			}
			w.Channel = &ch
			return w
		},
		set: func(ctx context.Context, env Env, cur, w configState) error {
			c := env.configService()
			if cur.Recording && !w.Recording && cur.Recorder != nil {
				if _, err := c.StopConfigurationRecorder(ctx, &cfgapi.StopConfigurationRecorderInput{ConfigurationRecorderName: aws.String(cur.Recorder.Name)}); err != nil {
					return err
				}
			}
			if w.Recorder != nil && !sameRecorder(cur.Recorder, w.Recorder) {
				r := w.Recorder
				g := &cfgtypes.RecordingGroup{AllSupported: r.AllSupported, IncludeGlobalResourceTypes: r.IncludeGlobal}
				for _, t := range r.ResourceTypes {
					g.ResourceTypes = append(g.ResourceTypes, cfgtypes.ResourceType(t))
				}
				if len(r.Exclusions) > 0 {
					g.ExclusionByResourceTypes = &cfgtypes.ExclusionByResourceTypes{}
					for _, t := range r.Exclusions {
						g.ExclusionByResourceTypes.ResourceTypes = append(g.ExclusionByResourceTypes.ResourceTypes, cfgtypes.ResourceType(t))
					}
				}
				if r.RecordingStrategy != "" {
					g.RecordingStrategy = &cfgtypes.RecordingStrategy{UseOnly: cfgtypes.RecordingStrategyType(r.RecordingStrategy)}
				}
				if _, err := c.PutConfigurationRecorder(ctx, &cfgapi.PutConfigurationRecorderInput{ConfigurationRecorder: &cfgtypes.ConfigurationRecorder{
					Name: aws.String(r.Name), RoleARN: aws.String(r.RoleARN), RecordingGroup: g}}); err != nil {
					return err
				}
			}
			if w.Channel != nil && (cur.Channel == nil || *cur.Channel != *w.Channel) {
				ch := w.Channel
				if _, err := c.PutDeliveryChannel(ctx, &cfgapi.PutDeliveryChannelInput{DeliveryChannel: &cfgtypes.DeliveryChannel{
					Name: aws.String(ch.Name), S3BucketName: aws.String(ch.Bucket), S3KeyPrefix: nonEmpty(ch.KeyPrefix),
					S3KmsKeyArn: nonEmpty(ch.KMSKey), SnsTopicARN: nonEmpty(ch.SNSTopic)}}); err != nil {
					return err
				}
			}
			if w.Channel == nil && cur.Channel != nil {
				if _, err := c.DeleteDeliveryChannel(ctx, &cfgapi.DeleteDeliveryChannelInput{DeliveryChannelName: aws.String(cur.Channel.Name)}); err != nil && !awsx.IsNotFound(err) {
					return err
				}
			}
			if w.Recorder == nil && cur.Recorder != nil {
				if _, err := c.DeleteConfigurationRecorder(ctx, &cfgapi.DeleteConfigurationRecorderInput{ConfigurationRecorderName: aws.String(cur.Recorder.Name)}); err != nil && !awsx.IsNotFound(err) {
					return err
				}
			}
			if w.Recording && !cur.Recording && w.Recorder != nil {
				if _, err := c.StartConfigurationRecorder(ctx, &cfgapi.StartConfigurationRecorderInput{ConfigurationRecorderName: aws.String(w.Recorder.Name)}); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func sameRecorder(a, b *recorder) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Name == b.Name && a.RoleARN == b.RoleARN && a.AllSupported == b.AllSupported && a.IncludeGlobal == b.IncludeGlobal &&
		slices.Equal(a.ResourceTypes, b.ResourceTypes) && slices.Equal(a.Exclusions, b.Exclusions) && a.RecordingStrategy == b.RecordingStrategy
}

type aggregatorState struct {
	Exists     bool     `json:"exists"`
	Name       string   `json:"name"`
	RoleARN    string   `json:"role_arn,omitempty"`
	AllRegions bool     `json:"all_regions"`
	Regions    []string `json:"regions,omitempty"`
	Accounts   []string `json:"accounts,omitempty"`
}

// configAggregator is an organization-wide Config aggregator of every
// region in the security account's home region. Its role must carry the
// AWSConfigRoleForOrganizations policy.
func configAggregator() Item {
	return &def[aggregatorState]{
		name: "config.aggregator", scope: Global, phase: 1,
		applies: func(env Env) string {
			c := env.Settings.Config
			switch {
			case c == nil || !spec.On(c.Enabled) || !spec.Bool(c.Aggregator):
				return NotManaged
			case env.Org.ID == "":
				return NoOrganization
			case env.Target.Account != env.Org.Security:
				return "only in the security account"
			}
			return ""
		},
		read: func(ctx context.Context, env Env) (aggregatorState, error) {
			name := aggregatorName(env)
			out, err := env.configService().DescribeConfigurationAggregators(ctx, &cfgapi.DescribeConfigurationAggregatorsInput{ConfigurationAggregatorNames: []string{name}})
			if awsx.IsNotFound(err) {
				return aggregatorState{Name: name}, nil
			}
			if err != nil {
				return aggregatorState{}, err
			}
			for _, a := range out.ConfigurationAggregators {
				st := aggregatorState{Exists: true, Name: aws.ToString(a.ConfigurationAggregatorName)}
				if o := a.OrganizationAggregationSource; o != nil {
					st.RoleARN, st.AllRegions, st.Regions = aws.ToString(o.RoleArn), o.AllAwsRegions, o.AwsRegions
				}
				for _, s := range a.AccountAggregationSources {
					st.Accounts = append(st.Accounts, s.AccountIds...)
				}
				return st, nil
			}
			return aggregatorState{Name: name}, nil
		},
		want: func(env Env, cur aggregatorState) aggregatorState {
			return aggregatorState{Exists: true, Name: cur.Name, AllRegions: true,
				RoleARN: "arn:aws:iam::" + env.Target.Account + ":role/service-role/AWSConfigRoleForOrganizations"}
		},
		set: func(ctx context.Context, env Env, cur, w aggregatorState) error {
			c := env.configService()
			if !w.Exists {
				_, err := c.DeleteConfigurationAggregator(ctx, &cfgapi.DeleteConfigurationAggregatorInput{ConfigurationAggregatorName: aws.String(cur.Name)})
				if awsx.IsNotFound(err) {
					return nil
				}
				return err
			}
			in := &cfgapi.PutConfigurationAggregatorInput{ConfigurationAggregatorName: aws.String(w.Name)}
			if w.RoleARN != "" {
				in.OrganizationAggregationSource = &cfgtypes.OrganizationAggregationSource{RoleArn: aws.String(w.RoleARN), AllAwsRegions: w.AllRegions, AwsRegions: w.Regions}
			} else {
				in.AccountAggregationSources = []cfgtypes.AccountAggregationSource{{AccountIds: w.Accounts, AllAwsRegions: w.AllRegions, AwsRegions: w.Regions}}
			}
			_, err := c.PutConfigurationAggregator(ctx, in)
			return err
		},
	}
}

func aggregatorName(env Env) string {
	if n := spec.Str(env.Settings.Config.AggregatorName); n != "" {
		return n
	}
	return "guardrail-organization"
}
