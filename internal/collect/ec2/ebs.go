package ec2

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
)

func readEBSEncryption(ctx context.Context, r *reader, e *ec2.EC2) error {
	out, err := r.c.GetEbsEncryptionByDefault(ctx, &ec2api.GetEbsEncryptionByDefaultInput{})
	if err != nil {
		return err
	}
	e.EBSEncryptionByDefault = aws.ToBool(out.EbsEncryptionByDefault)
	return nil
}

func readVolumes(ctx context.Context, r *reader, e *ec2.EC2) error {
	return awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := r.c.DescribeVolumes(ctx, &ec2api.DescribeVolumesInput{MaxResults: aws.Int32(500), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, v := range page.Volumes {
			id := aws.ToString(v.VolumeId)
			x := ec2.Volume{
				ID: id, ARN: r.arn("volume/" + id), State: string(v.State), Size: int(aws.ToInt32(v.Size)),
				Type: string(v.VolumeType), Encrypted: aws.ToBool(v.Encrypted), KMSKeyID: aws.ToString(v.KmsKeyId),
				Tags: tags(v.Tags),
			}
			for _, a := range v.Attachments {
				x.Attachments = append(x.Attachments, ec2.VolumeAttachment{
					InstanceID: aws.ToString(a.InstanceId), Device: aws.ToString(a.Device), State: string(a.State),
				})
			}
			e.Volumes = append(e.Volumes, x)
		}
		return page.NextToken, nil
	})
}

// readSnapshots lists the snapshots the account owns, then finds the
// public ones the way the Config rule behind EC2.1 does: by asking which
// are restorable by "all" (this accounts for snapshot block public
// access), one paginated call instead of one attribute call per snapshot.
// Only the public ones get the attribute call, to say who else they are
// shared with.
func readSnapshots(ctx context.Context, r *reader, e *ec2.EC2) error {
	self := []string{"self"}
	index := map[string]int{}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := r.c.DescribeSnapshots(ctx, &ec2api.DescribeSnapshotsInput{OwnerIds: self, MaxResults: aws.Int32(1000), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, s := range page.Snapshots {
			id := aws.ToString(s.SnapshotId)
			index[id] = len(e.Snapshots)
			e.Snapshots = append(e.Snapshots, ec2.Snapshot{
				ID: id, ARN: fmt.Sprintf("arn:%s:ec2:%s::snapshot/%s", r.partition, r.region, id),
				VolumeID: aws.ToString(s.VolumeId), State: string(s.State), Size: int(aws.ToInt32(s.VolumeSize)),
				Encrypted: aws.ToBool(s.Encrypted), Description: aws.ToString(s.Description),
				Started: aws.ToTime(s.StartTime), Tags: tags(s.Tags),
			})
		}
		return page.NextToken, nil
	}); err != nil {
		return err
	}
	if len(e.Snapshots) == 0 {
		return nil
	}
	var public []string
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := r.c.DescribeSnapshots(ctx, &ec2api.DescribeSnapshotsInput{
			OwnerIds: self, RestorableByUserIds: []string{"all"}, MaxResults: aws.Int32(1000), NextToken: token,
		})
		if err != nil {
			return nil, err
		}
		for _, s := range page.Snapshots {
			public = append(public, aws.ToString(s.SnapshotId))
		}
		return page.NextToken, nil
	}); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		why := "describe snapshots restorable by all: " + awsx.Brief(err)
		for i := range e.Snapshots {
			setErr(&e.Snapshots[i], ec2.DetailPublic, why)
		}
		return nil
	}
	for _, id := range public {
		i, ok := index[id]
		if !ok {
			continue // created between the two listings
		}
		s := &e.Snapshots[i]
		s.Public = true
		out, err := r.c.DescribeSnapshotAttribute(ctx, &ec2api.DescribeSnapshotAttributeInput{
			SnapshotId: aws.String(id), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission,
		})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			setErr(s, ec2.DetailPermission, awsx.Brief(err))
			continue
		}
		for _, perm := range out.CreateVolumePermissions {
			if u := aws.ToString(perm.UserId); u != "" {
				s.SharedWith = append(s.SharedWith, u)
			}
		}
	}
	return nil
}

func setErr(s *ec2.Snapshot, detail, why string) {
	if s.Errors == nil {
		s.Errors = map[string]string{}
	}
	s.Errors[detail] = why
}
