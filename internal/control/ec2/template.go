package ec2

import (
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
)

// templateControl judges every launch template of the region: judge
// returns what is wrong with one version ("" when nothing), and a template
// fails when its default or latest version is wrong.
func templateControl(pass string, judge func(v *ec2.LaunchTemplateVersion) string) func(*control.Input) {
	return func(in *control.Input) {
		e := state(in, ec2.PartLaunchTemplates)
		if e == nil {
			return
		}
		for i := range e.LaunchTemplates {
			t := &e.LaunchTemplates[i]
			m := meta(typeLaunchTemplate, t.ARN, t.Name, t.Tags)
			if len(t.Versions) == 0 {
				in.Error(m, "default and latest versions not collected")
				continue
			}
			var bad []string
			for n := range t.Versions {
				v := &t.Versions[n]
				if why := judge(v); why != "" {
					bad = append(bad, fmt.Sprintf("version %d (%s) %s", v.Number, role(t, v), why))
				}
			}
			if len(bad) > 0 {
				in.Fail(m, "%s", strings.Join(bad, "; "))
			} else {
				in.Pass(m, "%s", pass)
			}
		}
	}
}

// role says which of default and latest v is.
func role(t *ec2.LaunchTemplate, v *ec2.LaunchTemplateVersion) string {
	switch def, latest := v.Default || v.Number == t.DefaultVersion, v.Number == t.LatestVersion; {
	case def && latest:
		return "default, latest"
	case def:
		return "default"
	case latest:
		return "latest"
	}
	return "listed"
}

func ec2_25() *control.Control {
	return &control.Control{
		ID:           "EC2.25",
		Title:        "Amazon EC2 launch templates should not assign public IPs to network interfaces",
		Service:      "EC2",
		Severity:     control.High,
		ResourceType: typeLaunchTemplate,
		Needs:        []string{collector},
		Check: templateControl("default and latest versions assign no public IP", func(v *ec2.LaunchTemplateVersion) string {
			var idx []string
			for _, n := range v.NetworkInterfaces {
				if n.AssociatePublicIP != nil && *n.AssociatePublicIP {
					idx = append(idx, itoa(n.DeviceIndex))
				}
			}
			if len(idx) == 0 {
				return ""
			}
			return "assigns a public IP to network interface " + strings.Join(idx, ", ")
		}),
		Rationale: "Every instance launched from a template that assigns public IPs (by Auto Scaling, for " +
			"example) is reachable from the internet, whether or not it was meant to be.",
		Remediation: "Create a template version whose network interfaces do not associate a public IP address, " +
			"make it the default, and point Auto Scaling groups at it. Console: EC2 > Launch templates > the " +
			"template > Actions > Modify template (Create new version) > Network settings > Advanced network " +
			"configuration > Auto-assign public IP: Disable; then Actions > Set default version. CLI: aws ec2 " +
			"create-launch-template-version --launch-template-id <lt-id> --source-version <n> " +
			"--launch-template-data '{\"NetworkInterfaces\":[{\"DeviceIndex\":0,\"AssociatePublicIpAddress\":false}]}'; " +
			"aws ec2 modify-launch-template --launch-template-id <lt-id> --default-version <new>",
		WellArchitected: []string{"SEC05"},
	}
}

func ec2_170() *control.Control {
	return &control.Control{
		ID:           "EC2.170",
		Title:        "EC2 launch templates should use Instance Metadata Service Version 2 (IMDSv2)",
		Service:      "EC2",
		Severity:     control.Low,
		ResourceType: typeLaunchTemplate,
		Needs:        []string{collector},
		Check: templateControl("default and latest versions require IMDSv2", func(v *ec2.LaunchTemplateVersion) string {
			m := v.Metadata
			switch {
			case m == nil:
				return "sets no metadata options (IMDSv2 not required)"
			case m.HTTPEndpoint == "disabled", m.HTTPTokens == "required":
				return ""
			case m.HTTPTokens == "":
				return "does not require IMDSv2 (HttpTokens not set)"
			}
			return "allows IMDSv1 (HttpTokens " + m.HTTPTokens + ")"
		}),
		Rationale: "Instances launched from a template that does not require IMDSv2 accept IMDSv1 requests, " +
			"through which a server-side request forgery can read the instance role's credentials.",
		Remediation: "Create a template version with HttpTokens required and make it the default. Console: EC2 > " +
			"Launch templates > the template > Actions > Modify template (Create new version) > Advanced " +
			"details > Metadata version: V2 only (token required); then Actions > Set default version. CLI: " +
			"aws ec2 create-launch-template-version --launch-template-id <lt-id> --source-version <n> " +
			"--launch-template-data '{\"MetadataOptions\":{\"HttpTokens\":\"required\",\"HttpEndpoint\":\"enabled\"}}'; " +
			"aws ec2 modify-launch-template --launch-template-id <lt-id> --default-version <new>",
		WellArchitected: []string{"SEC06"},
	}
}

func ec2_23() *control.Control {
	return &control.Control{
		ID:           "EC2.23",
		Title:        "Amazon EC2 Transit Gateways should not automatically accept VPC attachment requests",
		Service:      "EC2",
		Severity:     control.High,
		ResourceType: typeTransitGateway,
		Needs:        []string{collector},
		Check: func(in *control.Input) {
			e := state(in, ec2.PartTransitGateways)
			if e == nil {
				return
			}
			for i := range e.TransitGateways {
				g := &e.TransitGateways[i]
				if g.State == "deleted" || g.State == "deleting" {
					continue
				}
				in.Check(meta(typeTransitGateway, g.ARN, g.ID, g.Tags), !g.AutoAcceptSharedAttachments,
					"attachment requests from other accounts are reviewed",
					"accepts attachment requests from other accounts automatically (AutoAcceptSharedAttachments)")
			}
		},
		Rationale: "A transit gateway shared through AWS RAM that accepts attachments automatically lets any " +
			"account it is shared with connect a VPC to your network without review.",
		Remediation: "Turn off automatic acceptance of shared attachments and accept attachment requests " +
			"individually. Console: VPC > Transit gateways > the gateway > Actions > Modify transit gateway > " +
			"clear \"Auto accept shared attachments\". CLI: aws ec2 modify-transit-gateway " +
			"--transit-gateway-id <tgw-id> --options AutoAcceptSharedAttachments=disable",
		WellArchitected: []string{"SEC05"},
	}
}
