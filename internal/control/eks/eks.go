// Package eks holds the Amazon EKS controls over cluster control planes.
// They read the "eks" collector's state and never call AWS. The
// Kubernetes release calendar EKS.2 judges by is data, in versions.go,
// with its source.
package eks

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/eks"
)

// Controls returns the EKS controls.
func Controls() []*control.Control {
	return []*control.Control{eks1(), eks2(Versions()), eks3(), eks8()}
}

func clusterControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, cl *eks.Cluster)) *control.Control {
	c.Service = "EKS"
	c.ResourceType = "AwsEksCluster"
	c.Needs = []string{"eks"}
	c.Check = func(in *control.Input) {
		if in.Region == nil || in.Region.EKS == nil {
			in.Error(in.AccountMeta(), "EKS state was not collected in %s", in.RegionName())
			return
		}
		for _, cl := range in.Region.EKS.Clusters {
			m := snapshot.Meta{ARN: cl.ARN, Type: "AwsEksCluster", Name: cl.Name, Account: in.Account.ID, Region: in.RegionName()}
			if cl.Error != "" {
				in.Error(m, "cluster could not be described: %s", cl.Error)
				continue
			}
			judge(in, m, cl)
		}
	}
	return &c
}

func eks1() *control.Control {
	return clusterControl(control.Control{
		ID:       "EKS.1",
		Title:    "EKS cluster endpoints should not be publicly accessible",
		Severity: control.High,
		Rationale: "A public API server endpoint can be reached from the internet: any leaked kubeconfig or " +
			"credential, or a flaw in the API server, is exploitable from anywhere.",
		Remediation: "Turn on private endpoint access and turn off public access (reach the API from the VPC, a VPN " +
			"or a bastion).\n" +
			"Console: EKS > Clusters > the cluster > Networking > Manage endpoint access: Private.\n" +
			"CLI: aws eks update-cluster-config --name <cluster> --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true",
		WellArchitected: []string{"SEC05"},
	}, func(in *control.Input, m snapshot.Meta, cl *eks.Cluster) {
		if !cl.EndpointPublic {
			in.Pass(m, "the API server endpoint is private")
			return
		}
		in.Fail(m, "the API server endpoint is public (from %s)", strings.Join(orAll(cl.PublicAccessCIDRs), ", "))
	})
}

func orAll(cidrs []string) []string {
	if len(cidrs) == 0 {
		return []string{"0.0.0.0/0"}
	}
	return cidrs
}

// minor parses "1.31" into 1, 31.
func minor(v string) (int, int, bool) {
	a, b, ok := strings.Cut(v, ".")
	if !ok {
		return 0, 0, false
	}
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	return x, y, err1 == nil && err2 == nil
}

func less(a, b string) bool {
	a1, a2, _ := minor(a)
	b1, b2, _ := minor(b)
	return a1 < b1 || a1 == b1 && a2 < b2
}

func eks2(versions []Version) *control.Control {
	byVersion := map[string]Version{}
	for _, v := range versions {
		byVersion[v.Version] = v
	}
	oldest, newest := versions[0].Version, versions[len(versions)-1].Version
	return clusterControl(control.Control{
		ID:       "EKS.2",
		Title:    "EKS clusters should run on a supported Kubernetes version",
		Severity: control.High,
		Rationale: "Past its end of standard support a Kubernetes version gets patches only under paid extended " +
			"support, then none, and EKS upgrades the cluster on its own schedule. Dates: " + VersionsSource + ".",
		Remediation: "Upgrade the control plane one minor version at a time (then the node groups and add-ons), after " +
			"checking the workloads against the removed APIs.\n" +
			"Console: EKS > Clusters > the cluster > Upgrade now.\n" +
			"CLI: aws eks update-cluster-version --name <cluster> --kubernetes-version <next minor version>",
		WellArchitected: []string{"SEC06"},
	}, func(in *control.Input, m snapshot.Meta, cl *eks.Cluster) {
		if _, _, ok := minor(cl.Version); !ok {
			in.Error(m, "Kubernetes version %q could not be read", cl.Version)
			return
		}
		v, known := byVersion[cl.Version]
		switch {
		case !known && less(cl.Version, oldest):
			in.Fail(m, "Kubernetes %s is older than %s and out of support", cl.Version, oldest)
		case !known && less(newest, cl.Version):
			in.Pass(m, "Kubernetes %s is newer than the release calendar Guardrail knows (%s): in standard support", cl.Version, newest)
		case !known:
			in.Error(m, "Kubernetes %s is not in the EKS release calendar", cl.Version)
		case !in.Now.Before(v.ExtendedEnd):
			in.Fail(m, "Kubernetes %s: extended support ended %s", cl.Version, date(v.ExtendedEnd))
		case !in.Now.Before(v.StandardEnd):
			in.Fail(m, "Kubernetes %s: standard support ended %s (extended support until %s)", cl.Version, date(v.StandardEnd), date(v.ExtendedEnd))
		default:
			in.Pass(m, "Kubernetes %s is in standard support until %s", cl.Version, date(v.StandardEnd))
		}
	})
}

func date(t time.Time) string { return t.Format("2006-01-02") }

func eks3() *control.Control {
	return clusterControl(control.Control{
		ID:       "EKS.3",
		Title:    "EKS clusters should use encrypted Kubernetes secrets",
		Severity: control.Medium,
		Rationale: "Envelope encryption of Kubernetes secrets with a KMS key protects them in etcd and lets the key's " +
			"policy and CloudTrail govern and record their decryption.",
		Remediation: "Associate a KMS key with the cluster for secrets (this cannot be undone); existing secrets are " +
			"encrypted when they are next written.\n" +
			"CLI: aws eks associate-encryption-config --cluster-name <cluster> --encryption-config " +
			"'[{\"resources\":[\"secrets\"],\"provider\":{\"keyArn\":\"<kms-key-arn>\"}}]'",
		WellArchitected: []string{"SEC08"},
	}, func(in *control.Input, m snapshot.Meta, cl *eks.Cluster) {
		in.Check(m, cl.SecretsEncrypted, "Kubernetes secrets are envelope-encrypted with a KMS key",
			"Kubernetes secrets are not encrypted with a KMS key (no encryption configuration for secrets)")
	})
}

func eks8() *control.Control {
	return clusterControl(control.Control{
		ID:       "EKS.8",
		Title:    "EKS clusters should have audit logging enabled",
		Severity: control.Medium,
		Rationale: "The Kubernetes audit log records who did what through the API server; without it an intrusion " +
			"into the cluster leaves no trace in CloudWatch Logs.",
		Remediation: "Turn on the audit control plane log type (api and authenticator are worth it too).\n" +
			"Console: EKS > Clusters > the cluster > Observability > Control plane logging > Manage: Audit.\n" +
			"CLI: aws eks update-cluster-config --name <cluster> --logging '{\"clusterLogging\":[{\"types\":[\"audit\"],\"enabled\":true}]}'",
		WellArchitected: []string{"SEC04"},
	}, func(in *control.Input, m snapshot.Meta, cl *eks.Cluster) {
		if cl.Logs("audit") {
			in.Pass(m, "audit logging is enabled")
			return
		}
		enabled := "none"
		if len(cl.Logging) > 0 {
			enabled = strings.Join(cl.Logging, ", ")
		}
		in.Fail(m, "%s", fmt.Sprintf("audit logging is not enabled (enabled log types: %s)", enabled))
	})
}
