package item

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctapi "github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
)

type trailState struct {
	Exists            bool   `json:"exists"`
	Name              string `json:"name"`
	Bucket            string `json:"bucket,omitempty"`
	KeyPrefix         string `json:"key_prefix,omitempty"`
	MultiRegion       bool   `json:"multi_region"`
	Organization      bool   `json:"organization"`
	IncludeGlobal     bool   `json:"include_global_service_events"`
	LogFileValidation bool   `json:"log_file_validation"`
	KMSKey            string `json:"kms_key,omitempty"`
	Logging           bool   `json:"logging"`
}

// trail is the CloudTrail trail of the spec: an organization trail in
// the management account (mode organization), or a trail in every
// account (mode account); multi-region, logging every management event
// (a new trail's default selectors) to the central bucket, in the home
// region.
func trail() Item {
	return &def[trailState]{
		name: "cloudtrail.trail", scope: Global, phase: 1,
		applies: func(env Env) string {
			c := env.Settings.CloudTrail
			switch {
			case c == nil || !spec.On(c.Enabled):
				return NotManaged
			case spec.Str(c.Mode) != "account" && env.Org.ID == "":
				return "organization trail: " + NoOrganization
			case spec.Str(c.Mode) != "account" && env.Target.Account != env.Org.Management:
				return "organization trail: only in the management account"
			}
			return ""
		},
		read: func(ctx context.Context, env Env) (trailState, error) {
			name := spec.Str(env.Settings.CloudTrail.TrailName)
			c := env.cloudTrail()
			out, err := c.GetTrail(ctx, &ctapi.GetTrailInput{Name: aws.String(name)})
			if awsx.IsNotFound(err) {
				return trailState{Name: name}, nil
			}
			if err != nil {
				return trailState{}, err
			}
			t := out.Trail
			st := trailState{Exists: true, Name: name, Bucket: aws.ToString(t.S3BucketName), KeyPrefix: aws.ToString(t.S3KeyPrefix),
				MultiRegion: aws.ToBool(t.IsMultiRegionTrail), Organization: aws.ToBool(t.IsOrganizationTrail),
				IncludeGlobal: aws.ToBool(t.IncludeGlobalServiceEvents), LogFileValidation: aws.ToBool(t.LogFileValidationEnabled),
				KMSKey: aws.ToString(t.KmsKeyId)}
			s, err := c.GetTrailStatus(ctx, &ctapi.GetTrailStatusInput{Name: aws.String(name)})
			if err != nil {
				return trailState{}, err
			}
			st.Logging = aws.ToBool(s.IsLogging)
			return st, nil
		},
		want: func(env Env, cur trailState) trailState {
			c := env.Settings.CloudTrail
			w := cur
			w.Exists, w.MultiRegion, w.IncludeGlobal, w.Logging = true, true, true, true
			w.Organization = spec.Str(c.Mode) != "account"
			w.Bucket = spec.Str(c.Bucket)
			if c.KeyPrefix != nil {
				w.KeyPrefix = *c.KeyPrefix
			}
			if c.KMSKey != nil {
				w.KMSKey = *c.KMSKey
			}
			setBool(&w.LogFileValidation, c.LogFileValidation)
			return w
		},
		set: func(ctx context.Context, env Env, cur, w trailState) error {
			c := env.cloudTrail()
			name := aws.String(w.Name)
			if !w.Exists {
				if !cur.Exists {
					return nil
				}
				_, err := c.DeleteTrail(ctx, &ctapi.DeleteTrailInput{Name: name})
				return err
			}
			if !cur.Exists {
				if _, err := c.CreateTrail(ctx, &ctapi.CreateTrailInput{Name: name, S3BucketName: aws.String(w.Bucket),
					S3KeyPrefix: nonEmpty(w.KeyPrefix), IsMultiRegionTrail: aws.Bool(w.MultiRegion), IsOrganizationTrail: aws.Bool(w.Organization),
					IncludeGlobalServiceEvents: aws.Bool(w.IncludeGlobal), EnableLogFileValidation: aws.Bool(w.LogFileValidation),
					KmsKeyId: nonEmpty(w.KMSKey)}); err != nil {
					return err
				}
			} else if cur.Bucket != w.Bucket || cur.KeyPrefix != w.KeyPrefix || cur.MultiRegion != w.MultiRegion || cur.Organization != w.Organization ||
				cur.IncludeGlobal != w.IncludeGlobal || cur.LogFileValidation != w.LogFileValidation || cur.KMSKey != w.KMSKey {
				if _, err := c.UpdateTrail(ctx, &ctapi.UpdateTrailInput{Name: name, S3BucketName: aws.String(w.Bucket),
					S3KeyPrefix: aws.String(w.KeyPrefix), IsMultiRegionTrail: aws.Bool(w.MultiRegion), IsOrganizationTrail: aws.Bool(w.Organization),
					IncludeGlobalServiceEvents: aws.Bool(w.IncludeGlobal), EnableLogFileValidation: aws.Bool(w.LogFileValidation),
					KmsKeyId: aws.String(w.KMSKey)}); err != nil {
					return err
				}
			}
			if w.Logging && (!cur.Exists || !cur.Logging) {
				_, err := c.StartLogging(ctx, &ctapi.StartLoggingInput{Name: name})
				return err
			}
			if !w.Logging && cur.Exists && cur.Logging {
				_, err := c.StopLogging(ctx, &ctapi.StopLoggingInput{Name: name})
				return err
			}
			return nil
		},
	}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
