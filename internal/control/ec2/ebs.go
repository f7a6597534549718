package ec2

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
)

func ec2_1() *control.Control {
	return &control.Control{
		ID:           "EC2.1",
		Title:        "Amazon EBS snapshots should not be publicly restorable",
		Service:      "EC2",
		Severity:     control.Critical,
		ResourceType: typeSnapshot,
		Needs:        []string{collector},
		Check: func(in *control.Input) {
			e := state(in, ec2.PartSnapshots)
			if e == nil {
				return
			}
			for i := range e.Snapshots {
				s := &e.Snapshots[i]
				m := meta(typeSnapshot, s.ARN, s.ID, s.Tags)
				if why, unknown := s.Errors[ec2.DetailPublic]; unknown {
					in.Error(m, "whether it is public is unknown: %s", why)
					continue
				}
				if !s.Public {
					in.Pass(m, "not publicly restorable")
					continue
				}
				reason := "anyone can create a volume from it (createVolumePermission: all)"
				if len(s.SharedWith) > 0 {
					reason += "; also shared with " + strings.Join(s.SharedWith, ", ")
				}
				in.Fail(m, "%s", reason)
			}
		},
		Rationale: "A public snapshot lets any AWS account create a volume holding a full copy of the disk, " +
			"with whatever data, credentials and keys it contains.",
		Remediation: "Remove the public permission (share with named accounts if needed), and turn on block " +
			"public access for snapshots in every region. Console: EC2 > Snapshots > the snapshot > Actions > " +
			"Snapshot settings > Modify permissions > Private. CLI: aws ec2 modify-snapshot-attribute " +
			"--snapshot-id <snap-id> --attribute createVolumePermission --operation-type remove " +
			"--group-names all; aws ec2 enable-snapshot-block-public-access --state block-all-sharing",
		WellArchitected: []string{"SEC03", "SEC08"},
	}
}

func ec2_3() *control.Control {
	return &control.Control{
		ID:           "EC2.3",
		Title:        "Attached Amazon EBS volumes should be encrypted at-rest",
		Service:      "EC2",
		Severity:     control.Medium,
		ResourceType: typeVolume,
		Needs:        []string{collector},
		Check: func(in *control.Input) {
			e := state(in, ec2.PartVolumes)
			if e == nil {
				return
			}
			for i := range e.Volumes {
				v := &e.Volumes[i]
				m := meta(typeVolume, v.ARN, v.ID, v.Tags)
				if len(v.Attachments) == 0 {
					in.NotApplicable(m, "volume is not attached")
					continue
				}
				to := v.Attachments[0].InstanceID
				if v.Encrypted {
					in.Pass(m, "encrypted, attached to %s", to)
				} else {
					in.Fail(m, "not encrypted, attached to %s", to)
				}
			}
		},
		Rationale: "Encryption protects the data on the volume, its snapshots and the traffic between the " +
			"volume and the instance if storage media or snapshots are exposed.",
		Remediation: "An existing volume cannot be encrypted in place: snapshot it, copy the snapshot with " +
			"encryption, create a volume from the copy and swap it in (or rebuild the instance), and turn on " +
			"EBS encryption by default. Console: EC2 > Snapshots > Copy snapshot > Encrypt this snapshot. CLI: " +
			"aws ec2 create-snapshot --volume-id <vol-id>; aws ec2 copy-snapshot --source-region <region> " +
			"--source-snapshot-id <snap-id> --encrypted; aws ec2 create-volume --snapshot-id <copy-id> " +
			"--availability-zone <az>",
		WellArchitected: []string{"SEC08"},
	}
}

func ec2_7() *control.Control {
	return &control.Control{
		ID:           "EC2.7",
		Title:        "EBS default encryption should be enabled",
		Service:      "EC2",
		Severity:     control.Medium,
		ResourceType: typeAccount,
		Needs:        []string{collector},
		Check: func(in *control.Input) {
			e := state(in, ec2.PartEBSEncryption)
			if e == nil {
				return
			}
			in.Check(in.AccountMeta(), e.EBSEncryptionByDefault,
				"EBS encryption by default is enabled in "+in.RegionName(),
				"EBS encryption by default is disabled in "+in.RegionName())
		},
		Rationale: "With encryption by default, every new EBS volume and snapshot copy in the region is " +
			"encrypted, whoever creates it and however (CIS 2.2.1).",
		Remediation: "Enable EBS encryption by default in every region (optionally with a customer managed " +
			"KMS key). Console: EC2 > Settings (Account attributes) > Data protection and security > EBS " +
			"encryption > Manage > Enable. CLI: aws ec2 enable-ebs-encryption-by-default --region <region>",
		WellArchitected: []string{"SEC08"},
	}
}
