package item

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
)

type ebsState struct {
	Enabled bool `json:"enabled"`
}

// ebsEncryption is EBS encryption by default, a per-region account
// setting.
func ebsEncryption() Item {
	return &def[ebsState]{
		name: "ec2.ebs-encryption-by-default", scope: Regional, phase: 1,
		applies: func(env Env) string {
			if t := env.Settings.EBSEncryption; t == nil || !spec.On(t.Enabled) {
				return NotManaged
			}
			return ""
		},
		read: func(ctx context.Context, env Env) (ebsState, error) {
			out, err := env.ec2().GetEbsEncryptionByDefault(ctx, &ec2api.GetEbsEncryptionByDefaultInput{})
			if err != nil {
				return ebsState{}, err
			}
			return ebsState{Enabled: aws.ToBool(out.EbsEncryptionByDefault)}, nil
		},
		want: func(Env, ebsState) ebsState { return ebsState{Enabled: true} },
		set: func(ctx context.Context, env Env, _, w ebsState) error {
			c := env.ec2()
			var err error
			if w.Enabled {
				_, err = c.EnableEbsEncryptionByDefault(ctx, &ec2api.EnableEbsEncryptionByDefaultInput{})
			} else {
				_, err = c.DisableEbsEncryptionByDefault(ctx, &ec2api.DisableEbsEncryptionByDefaultInput{})
			}
			return err
		},
	}
}
