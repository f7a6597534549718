package playbook

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ec2Playbooks returns the playbooks of EC2's controls.
func ec2Playbooks() []Playbook {
	return []Playbook{instanceIMDSv2()}
}

type imdsState struct {
	// HttpTokens is "required" (IMDSv2 only) or "optional".
	HttpTokens string `json:"http_tokens"`
}

// instanceIMDSv2 requires IMDSv2 on an instance (EC2.8).
func instanceIMDSv2() Playbook {
	return &def[imdsState]{
		info: Info{
			Control: "EC2.8", Name: "ec2.instance-imdsv2",
			Summary: "Require IMDSv2 (HttpTokens required) on the instance's metadata service",
			Risk:    "software on the instance that still calls IMDSv1 (old SDKs, agents, scripts) loses access to instance metadata and role credentials",
			Actions: []string{"ec2:DescribeInstances", "ec2:ModifyInstanceMetadataOptions"},
		},
		read: func(ctx context.Context, env Env) (imdsState, error) {
			id := env.Resource.ID()
			out, err := ec2api.NewFromConfig(env.Config).DescribeInstances(ctx, &ec2api.DescribeInstancesInput{InstanceIds: []string{id}})
			if err != nil {
				return imdsState{}, err
			}
			for _, r := range out.Reservations {
				for _, i := range r.Instances {
					if aws.ToString(i.InstanceId) == id && i.MetadataOptions != nil {
						return imdsState{HttpTokens: string(i.MetadataOptions.HttpTokens)}, nil
					}
				}
			}
			return imdsState{}, Skip("instance %s no longer exists", id)
		},
		fix: func(_ Env, cur imdsState) (imdsState, error) {
			return imdsState{HttpTokens: string(ec2types.HttpTokensStateRequired)}, nil
		},
		set: func(ctx context.Context, env Env, _, w imdsState) error {
			_, err := ec2api.NewFromConfig(env.Config).ModifyInstanceMetadataOptions(ctx, &ec2api.ModifyInstanceMetadataOptionsInput{
				InstanceId: aws.String(env.Resource.ID()), HttpTokens: ec2types.HttpTokensState(w.HttpTokens),
			})
			return err
		},
	}
}
