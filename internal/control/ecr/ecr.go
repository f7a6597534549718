// Package ecr holds the Amazon ECR controls over private repositories.
// They read the "ecr" collector's state and never call AWS.
package ecr

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ecr"
)

// Controls returns the ECR controls.
func Controls() []*control.Control { return []*control.Control{ecr1(), ecr2(), ecr3()} }

// repositoryControl completes c as a control that judges every private
// repository of the region with judge; detail names the collector's
// detail judge reads, whose error makes the result ERROR.
func repositoryControl(c control.Control, detail string, judge func(in *control.Input, m snapshot.Meta, r *ecr.Repository)) *control.Control {
	c.Service = "ECR"
	c.ResourceType = "AwsEcrRepository"
	c.Needs = []string{"ecr"}
	c.Check = func(in *control.Input) {
		if in.Region == nil || in.Region.ECR == nil {
			in.Error(in.AccountMeta(), "ECR state was not collected in %s", in.RegionName())
			return
		}
		for _, r := range in.Region.ECR.Repositories {
			m := snapshot.Meta{ARN: r.ARN, Type: "AwsEcrRepository", Name: r.Name, Account: in.Account.ID, Region: in.RegionName()}
			if why, ok := r.Errors[detail]; ok && detail != "" {
				in.Error(m, "%s could not be read: %s", detail, why)
				continue
			}
			judge(in, m, r)
		}
	}
	return &c
}

func ecr1() *control.Control {
	return repositoryControl(control.Control{
		ID:       "ECR.1",
		Title:    "ECR private repositories should have image scanning configured",
		Severity: control.High,
		Rationale: "Scanning finds the known vulnerabilities of the operating system and language packages in an " +
			"image; an image never scanned can ship a critical CVE to production unseen.",
		Remediation: "Scan the repository on push or continuously: preferably with a registry scanning rule that " +
			"covers it (enhanced scanning with Amazon Inspector scans continuously).\n" +
			"Console: ECR > Private registry > Scanning > Edit: add a rule whose filter matches the repository.\n" +
			"CLI: aws ecr put-registry-scanning-configuration --scan-type ENHANCED --rules " +
			"'[{\"scanFrequency\":\"CONTINUOUS_SCAN\",\"repositoryFilters\":[{\"filter\":\"*\",\"filterType\":\"WILDCARD\"}]}]'",
		WellArchitected: []string{"SEC06"},
	}, "scanning", func(in *control.Input, m snapshot.Meta, r *ecr.Repository) {
		switch r.ScanFrequency {
		case "SCAN_ON_PUSH", "CONTINUOUS_SCAN":
			in.Pass(m, "images are scanned (%s)", r.ScanFrequency)
		default:
			in.Fail(m, "images are scanned only on demand (%s): no scan on push or continuous scanning", r.ScanFrequency)
		}
	})
}

func ecr2() *control.Control {
	return repositoryControl(control.Control{
		ID:       "ECR.2",
		Title:    "ECR private repositories should have tag immutability configured",
		Severity: control.Medium,
		Rationale: "With mutable tags, anyone who may push can replace the image behind a tag already deployed " +
			"(\"prod\", \"1.2.3\"): the next task that pulls it runs different code.",
		Remediation: "Make the repository's tags immutable and deploy by version tag or digest.\n" +
			"Console: ECR > Repositories > the repository > Edit > Tag immutability: Immutable.\n" +
			"CLI: aws ecr put-image-tag-mutability --repository-name <name> --image-tag-mutability IMMUTABLE",
		WellArchitected: []string{"SEC06"},
	}, "", func(in *control.Input, m snapshot.Meta, r *ecr.Repository) {
		switch r.TagMutability {
		case "IMMUTABLE":
			in.Pass(m, "tags are immutable")
		case "IMMUTABLE_WITH_EXCLUSION":
			in.Pass(m, "tags are immutable, but for the tags its exclusion filters name")
		default:
			in.Fail(m, "tags are %s: an image can be replaced behind a tag", r.TagMutability)
		}
	})
}

func ecr3() *control.Control {
	return repositoryControl(control.Control{
		ID:       "ECR.3",
		Title:    "ECR repositories should have at least one lifecycle policy configured",
		Severity: control.Medium,
		Rationale: "Without a lifecycle policy old and untagged images pile up: they cost storage and keep " +
			"vulnerable images available to pull.",
		Remediation: "Add a lifecycle policy that expires untagged images and keeps a bounded number of tagged ones.\n" +
			"Console: ECR > Repositories > the repository > Lifecycle policy > Create rule.\n" +
			"CLI: aws ecr put-lifecycle-policy --repository-name <name> --lifecycle-policy-text file://policy.json",
		WellArchitected: []string{"SEC06"},
	}, "lifecycle", func(in *control.Input, m snapshot.Meta, r *ecr.Repository) {
		in.Check(m, r.LifecyclePolicy, "a lifecycle policy is configured", "no lifecycle policy")
	})
}
