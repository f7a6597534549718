package playbook_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// defaultVPC gives the member account a default VPC and subnet in region,
// as every account has, so that RunInstances needs no subnet.
func defaultVPC(region string) func(*world.World) {
	return func(w *world.World) {
		e := &w.Account(simtest.Member).In(region).EC2
		e.VPCs = append(e.VPCs, &world.VPC{ID: "vpc-0default00000001", CIDR: "172.31.0.0/16", IsDefault: true, State: "available"})
		e.Subnets = append(e.Subnets, &world.Subnet{ID: "subnet-0default0000001", VPCID: "vpc-0default00000001", CIDR: "172.31.0.0/20", AZ: region + "a", DefaultForAZ: true})
	}
}

func ec2Cases() []roundTrip {
	return []roundTrip{
		{control: "EC2.8", region: "eu-west-1", world: defaultVPC("eu-west-1"), setup: func(t *testing.T, cfg aws.Config) playbook.Resource {
			out, err := ec2api.NewFromConfig(cfg).RunInstances(context.Background(), &ec2api.RunInstancesInput{
				ImageId: aws.String("ami-12345678"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
				MetadataOptions: &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateOptional},
			})
			if err != nil {
				t.Fatal(err)
			}
			id := aws.ToString(out.Instances[0].InstanceId)
			return playbook.Resource{ARN: "arn:aws:ec2:eu-west-1:" + simtest.Member + ":instance/" + id}
		}},
	}
}
