// Package redshift holds the Amazon Redshift controls (Redshift.1-4, 6-8,
// 10) on provisioned clusters. They read the "redshift" collector's state
// and never call AWS.
package redshift

import (
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/redshift"
)

// Controls returns the Redshift controls.
func Controls() []*control.Control {
	return []*control.Control{rs1(), rs2(), rs3(), rs4(), rs6(), rs7(), rs8(), rs10()}
}

const resourceType = "AwsRedshiftCluster"

// clusterControl completes c as a control that judges every cluster of
// the region with judge. A detail the judgement needs (need: "logging" or
// "parameters") that could not be read makes that cluster ERROR.
func clusterControl(c control.Control, need string, judge func(in *control.Input, m snapshot.Meta, cl *redshift.Cluster)) *control.Control {
	c.Service = "Redshift"
	c.ResourceType = resourceType
	c.Needs = []string{"redshift"}
	c.Check = func(in *control.Input) {
		if in.Region == nil || in.Region.Redshift == nil {
			in.Error(in.AccountMeta(), "Redshift state was not collected in %s", in.RegionName())
			return
		}
		for _, cl := range in.Region.Redshift.Clusters {
			m := snapshot.Meta{ARN: cl.ARN, Type: resourceType, Name: cl.ID, Account: in.Account.ID, Region: in.RegionName(), Tags: cl.Tags}
			if why, ok := cl.Errors[need]; need != "" && ok {
				in.Error(m, "could not read the cluster's %s: %s", need, why)
				continue
			}
			judge(in, m, cl)
		}
	}
	return &c
}

func rs1() *control.Control {
	return clusterControl(control.Control{
		ID:       "Redshift.1",
		Title:    "Amazon Redshift clusters should prohibit public access",
		Severity: control.Critical,
		Rationale: "A publicly accessible cluster has a public IP address and a DNS name that resolves to it, so " +
			"only its security groups stand between the warehouse and the internet.",
		Remediation: "Console: Amazon Redshift > Clusters > the cluster > Actions > Modify publicly accessible setting > " +
			"Turn off Publicly accessible > Save changes.\n" +
			"CLI: aws redshift modify-cluster --cluster-identifier <id> --no-publicly-accessible",
		WellArchitected: []string{"SEC05"},
	}, "", func(in *control.Input, m snapshot.Meta, cl *redshift.Cluster) {
		in.Check(m, !cl.PubliclyAccessible, "not publicly accessible", "publicly accessible")
	})
}

func rs2() *control.Control {
	return clusterControl(control.Control{
		ID:       "Redshift.2",
		Title:    "Connections to Amazon Redshift clusters should be encrypted in transit",
		Severity: control.Medium,
		Rationale: "Unless the parameter group sets require_ssl, clients may connect without TLS and send " +
			"credentials and query results in clear text.",
		Remediation: "Use a custom parameter group with require_ssl set to true (default groups cannot be changed), then reboot.\n" +
			"CLI: aws redshift create-cluster-parameter-group --parameter-group-name tls-only --parameter-group-family redshift-1.0 " +
			"--description \"require TLS\" && aws redshift modify-cluster-parameter-group --parameter-group-name tls-only " +
			"--parameters ParameterName=require_ssl,ParameterValue=true && aws redshift modify-cluster --cluster-identifier <id> " +
			"--cluster-parameter-group-name tls-only && aws redshift reboot-cluster --cluster-identifier <id>",
		WellArchitected: []string{"SEC09"},
	}, "parameters", func(in *control.Input, m snapshot.Meta, cl *redshift.Cluster) {
		if cl.ParameterGroup == "" {
			in.Error(m, "the cluster reports no parameter group")
			return
		}
		in.Check(m, cl.RequireSSL, "parameter group "+cl.ParameterGroup+" sets require_ssl",
			"parameter group "+cl.ParameterGroup+" does not set require_ssl")
	})
}

// minSnapshotDays is Security Hub's MinRetentionPeriod default for
// Redshift.3.
const minSnapshotDays = 7

func rs3() *control.Control {
	return clusterControl(control.Control{
		ID:       "Redshift.3",
		Title:    "Amazon Redshift clusters should have automatic snapshots enabled",
		Severity: control.Medium,
		Rationale: fmt.Sprintf("Automated snapshots kept at least %d days let the warehouse be restored after "+
			"data loss or a destructive change, including one found days later.", minSnapshotDays),
		Remediation: "Console: Amazon Redshift > Clusters > the cluster > Actions > Modify > Backup > Automated snapshot retention period: 7 days or more.\n" +
			"CLI: aws redshift modify-cluster --cluster-identifier <id> --automated-snapshot-retention-period 7",
	}, "", func(in *control.Input, m snapshot.Meta, cl *redshift.Cluster) {
		switch {
		case cl.SnapshotRetention == 0:
			in.Fail(m, "automated snapshots disabled")
		case cl.SnapshotRetention < minSnapshotDays:
			in.Fail(m, "automated snapshots kept %d day(s), fewer than %d", cl.SnapshotRetention, minSnapshotDays)
		default:
			in.Pass(m, "automated snapshots kept %d days", cl.SnapshotRetention)
		}
	})
}

func rs4() *control.Control {
	return clusterControl(control.Control{
		ID:       "Redshift.4",
		Title:    "Amazon Redshift clusters should have audit logging enabled",
		Severity: control.Medium,
		Rationale: "Audit logs record connections and user changes (and, with user activity logging, each query), " +
			"the trail an investigation needs to see who read or changed which data.",
		Remediation: "Console: Amazon Redshift > Clusters > the cluster > Properties > Database configurations > Edit audit logging > Turn on, " +
			"choose CloudWatch or an S3 bucket.\n" +
			"CLI: aws redshift enable-logging --cluster-identifier <id> --log-destination-type cloudwatch " +
			"--log-exports connectionlog userlog useractivitylog",
		WellArchitected: []string{"SEC04"},
	}, "logging", func(in *control.Input, m snapshot.Meta, cl *redshift.Cluster) {
		if cl.Logging {
			in.Pass(m, "audit logging to %s", orNone(cl.LogDestination))
			return
		}
		in.Fail(m, "audit logging disabled")
	})
}

func rs6() *control.Control {
	return clusterControl(control.Control{
		ID:       "Redshift.6",
		Title:    "Amazon Redshift should have automatic upgrades to major versions enabled",
		Severity: control.Medium,
		Rationale: "With version upgrades allowed, Redshift applies new engine versions, with their security fixes, " +
			"in the maintenance window.",
		Remediation: "Console: Amazon Redshift > Clusters > the cluster > Maintenance > Edit > Allow version upgrade: Yes.\n" +
			"CLI: aws redshift modify-cluster --cluster-identifier <id> --allow-version-upgrade",
		WellArchitected: []string{"SEC06"},
	}, "", func(in *control.Input, m snapshot.Meta, cl *redshift.Cluster) {
		in.Check(m, cl.AllowVersionUpgrade, "version upgrades allowed", "version upgrades not allowed")
	})
}

func rs7() *control.Control {
	return clusterControl(control.Control{
		ID:       "Redshift.7",
		Title:    "Redshift clusters should use enhanced VPC routing",
		Severity: control.High,
		Rationale: "Enhanced VPC routing sends COPY and UNLOAD traffic through the VPC, where security groups, " +
			"endpoint policies, flow logs and DNS apply, instead of over the internet.",
		Remediation: "Console: Amazon Redshift > Clusters > the cluster > Properties > Network and security settings > Edit > Enhanced VPC routing: Turn on.\n" +
			"CLI: aws redshift modify-cluster --cluster-identifier <id> --enhanced-vpc-routing",
		WellArchitected: []string{"SEC05"},
	}, "", func(in *control.Input, m snapshot.Meta, cl *redshift.Cluster) {
		in.Check(m, cl.EnhancedVpcRouting, "enhanced VPC routing enabled", "enhanced VPC routing disabled")
	})
}

// defaultAdmin is the administrator name the Redshift console proposes.
const defaultAdmin = "awsuser"

func rs8() *control.Control {
	return clusterControl(control.Control{
		ID:       "Redshift.8",
		Title:    "Amazon Redshift clusters should not use the default Admin username",
		Severity: control.Medium,
		Rationale: "awsuser is the administrator name every Redshift guide shows; a custom name leaves an attacker " +
			"to guess both halves of the credential.",
		Remediation: "The administrator name cannot be changed: create a new cluster from a snapshot with a custom " +
			"administrator name and move clients to it.\n" +
			"CLI: aws redshift restore-from-cluster-snapshot --cluster-identifier <new-id> --snapshot-identifier <snap> " +
			"(then create-cluster with --master-username <custom> for new clusters)",
		WellArchitected: []string{"SEC03"},
	}, "", func(in *control.Input, m snapshot.Meta, cl *redshift.Cluster) {
		if strings.EqualFold(cl.MasterUsername, defaultAdmin) {
			in.Fail(m, "administrator user name is the default %q", cl.MasterUsername)
			return
		}
		in.Pass(m, "custom administrator user name")
	})
}

func rs10() *control.Control {
	return clusterControl(control.Control{
		ID:       "Redshift.10",
		Title:    "Redshift clusters should be encrypted at rest",
		Severity: control.Medium,
		Rationale: "Encryption with a KMS key protects the cluster's blocks, snapshots and backups, and puts their " +
			"decryption under the key's policy and CloudTrail.",
		Remediation: "Console: Amazon Redshift > Clusters > the cluster > Actions > Modify > Database configurations > " +
			"Encryption: Use AWS KMS, choose a key > Modify cluster.\n" +
			"CLI: aws redshift modify-cluster --cluster-identifier <id> --encrypted --kms-key-id <key>",
		WellArchitected: []string{"SEC08"},
	}, "", func(in *control.Input, m snapshot.Meta, cl *redshift.Cluster) {
		switch {
		case !cl.Encrypted:
			in.Fail(m, "not encrypted")
		case cl.KMSKeyID == "":
			in.Fail(m, "encrypted without a KMS key (HSM or none reported)")
		default:
			in.Pass(m, "encrypted with KMS key %s", cl.KMSKeyID)
		}
	})
}

func orNone(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}
