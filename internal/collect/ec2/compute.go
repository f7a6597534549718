package ec2

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
)

func readInstances(ctx context.Context, r *reader, e *ec2.EC2) error {
	p := ec2api.NewDescribeInstancesPaginator(r.c, &ec2api.DescribeInstancesInput{MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, res := range page.Reservations {
			for _, i := range res.Instances {
				id := aws.ToString(i.InstanceId)
				x := ec2.Instance{
					ID: id, ARN: r.arn("instance/" + id), Type: string(i.InstanceType), ImageID: aws.ToString(i.ImageId),
					Platform: string(i.Platform), KeyName: aws.ToString(i.KeyName), VPCID: aws.ToString(i.VpcId),
					SubnetID: aws.ToString(i.SubnetId), PrivateIP: aws.ToString(i.PrivateIpAddress),
					PublicIP: aws.ToString(i.PublicIpAddress), LaunchTime: aws.ToTime(i.LaunchTime), Tags: tags(i.Tags),
				}
				if s := i.State; s != nil {
					x.State = string(s.Name)
				}
				if p := i.IamInstanceProfile; p != nil {
					x.InstanceProfileARN = aws.ToString(p.Arn)
				}
				if m := i.MetadataOptions; m != nil {
					x.Metadata = ec2.MetadataOptions{
						HTTPTokens: string(m.HttpTokens), HTTPEndpoint: string(m.HttpEndpoint),
						HTTPPutResponseHopLimit: int(aws.ToInt32(m.HttpPutResponseHopLimit)),
						InstanceMetadataTags:    string(m.InstanceMetadataTags),
					}
				}
				seen := map[string]bool{}
				addGroup := func(g string) {
					if g != "" && !seen[g] {
						seen[g] = true
						x.SecurityGroups = append(x.SecurityGroups, g)
					}
				}
				for _, g := range i.SecurityGroups {
					addGroup(aws.ToString(g.GroupId))
				}
				for _, n := range i.NetworkInterfaces {
					x.NetworkInterfaces = append(x.NetworkInterfaces, aws.ToString(n.NetworkInterfaceId))
					for _, g := range n.Groups {
						addGroup(aws.ToString(g.GroupId))
					}
				}
				for _, b := range i.BlockDeviceMappings {
					if b.Ebs != nil {
						x.Volumes = append(x.Volumes, aws.ToString(b.Ebs.VolumeId))
					}
				}
				e.Instances = append(e.Instances, x)
			}
		}
	}
	return nil
}

func readMetadataDefaults(ctx context.Context, r *reader, e *ec2.EC2) error {
	out, err := r.c.GetInstanceMetadataDefaults(ctx, &ec2api.GetInstanceMetadataDefaultsInput{})
	if err != nil {
		return err
	}
	if d := out.AccountLevel; d != nil {
		e.MetadataDefaults = ec2.MetadataOptions{
			HTTPTokens: string(d.HttpTokens), HTTPEndpoint: string(d.HttpEndpoint),
			HTTPPutResponseHopLimit: int(aws.ToInt32(d.HttpPutResponseHopLimit)),
			InstanceMetadataTags:    string(d.InstanceMetadataTags),
		}
	}
	return nil
}
