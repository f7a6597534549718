package ec2

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
)

func readInstances(ctx context.Context, r *reader, e *ec2.EC2) error {
	return awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := r.c.DescribeInstances(ctx, &ec2api.DescribeInstancesInput{MaxResults: aws.Int32(1000), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, res := range page.Reservations {
			for _, i := range res.Instances {
				id := aws.ToString(i.InstanceId)
				x := ec2.Instance{
					ID: id, ARN: r.arn("instance/" + id), Type: string(i.InstanceType), ImageID: aws.ToString(i.ImageId),
					Platform: string(i.Platform), KeyName: aws.ToString(i.KeyName), VPCID: aws.ToString(i.VpcId),
					SubnetID: aws.ToString(i.SubnetId), PrivateIP: aws.ToString(i.PrivateIpAddress),
					PublicIP: aws.ToString(i.PublicIpAddress), LaunchTime: aws.ToTime(i.LaunchTime), Tags: tags(i.Tags),
					StateReason: aws.ToString(i.StateTransitionReason), Virtualization: string(i.VirtualizationType),
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
		return page.NextToken, nil
	})
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

// readLaunchTemplates lists the templates, then the default and latest
// version of all of them in one listing.
func readLaunchTemplates(ctx context.Context, r *reader, e *ec2.EC2) error {
	index := map[string]int{}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := r.c.DescribeLaunchTemplates(ctx, &ec2api.DescribeLaunchTemplatesInput{MaxResults: aws.Int32(200), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, t := range page.LaunchTemplates {
			id := aws.ToString(t.LaunchTemplateId)
			index[id] = len(e.LaunchTemplates)
			e.LaunchTemplates = append(e.LaunchTemplates, ec2.LaunchTemplate{
				ID: id, ARN: r.arn("launch-template/" + id), Name: aws.ToString(t.LaunchTemplateName),
				DefaultVersion: int(aws.ToInt64(t.DefaultVersionNumber)), LatestVersion: int(aws.ToInt64(t.LatestVersionNumber)),
				Tags: tags(t.Tags),
			})
		}
		return page.NextToken, nil
	}); err != nil {
		return err
	}
	if len(e.LaunchTemplates) == 0 {
		return nil
	}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := r.c.DescribeLaunchTemplateVersions(ctx, &ec2api.DescribeLaunchTemplateVersionsInput{
			Versions: []string{"$Default", "$Latest"}, MaxResults: aws.Int32(200),
			NextToken: token,
		})
		if err != nil {
			return nil, err
		}
		for _, v := range page.LaunchTemplateVersions {
			i, ok := index[aws.ToString(v.LaunchTemplateId)]
			if !ok {
				continue // created between the two listings
			}
			t := &e.LaunchTemplates[i]
			x := ec2.LaunchTemplateVersion{Number: int(aws.ToInt64(v.VersionNumber)), Default: aws.ToBool(v.DefaultVersion)}
			if slices.ContainsFunc(t.Versions, func(o ec2.LaunchTemplateVersion) bool { return o.Number == x.Number }) {
				continue
			}
			if d := v.LaunchTemplateData; d != nil {
				for _, n := range d.NetworkInterfaces {
					x.NetworkInterfaces = append(x.NetworkInterfaces, ec2.LaunchTemplateInterface{
						DeviceIndex: int(aws.ToInt32(n.DeviceIndex)), AssociatePublicIP: n.AssociatePublicIpAddress,
					})
				}
				if m := d.MetadataOptions; m != nil {
					x.Metadata = &ec2.MetadataOptions{
						HTTPTokens: string(m.HttpTokens), HTTPEndpoint: string(m.HttpEndpoint),
						HTTPPutResponseHopLimit: int(aws.ToInt32(m.HttpPutResponseHopLimit)),
						InstanceMetadataTags:    string(m.InstanceMetadataTags),
					}
				}
			}
			t.Versions = append(t.Versions, x)
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("describe launch template versions: %w", err)
	}
	return nil
}
