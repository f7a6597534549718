// Package config holds the controls on AWS Config: Config.1, which CIS
// AWS Foundations 3.3 maps to. It reads snapshot/config only.
package config

import (
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/config"
)

// Controls returns the AWS Config controls.
func Controls() []*control.Control {
	return []*control.Control{config1()}
}

func config1() *control.Control {
	return &control.Control{
		ID:           "Config.1",
		Title:        "AWS Config should be enabled and use the service-linked role for resource recording",
		Service:      "Config",
		Severity:     control.Critical,
		ResourceType: "AwsAccount",
		Needs:        []string{"config"},
		Check:        checkEnabled,
		Rationale: "AWS Config records how every resource is configured and how that changes, which security " +
			"investigations, change tracking and compliance audits depend on. A region without a running recorder " +
			"is a region where changes leave no history. Security Hub also requires the recorder to use the " +
			"service-linked role AWSServiceRoleForConfig: a customer role can lack the permissions AWS Config needs " +
			"and lets whoever controls it stop or narrow the recording.",
		Remediation: "Console: AWS Config > Settings (or Get started) in the region; choose \"Record all resources " +
			"supported in this region\", include global resources (IAM) in the home region, choose the delivery " +
			"bucket, and start recording.\n" +
			"CLI: aws configservice put-configuration-recorder --region <region> --configuration-recorder " +
			"name=default,roleARN=arn:aws:iam::<account>:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig " +
			"--recording-group allSupported=true,includeGlobalResourceTypes=<true in the home region, false elsewhere>; " +
			"aws configservice put-delivery-channel --region <region> --delivery-channel name=default,s3BucketName=<bucket>; " +
			"aws configservice start-configuration-recorder --region <region> --configuration-recorder-name default",
		WellArchitected: []string{"SEC04"},
	}
}

// configSLR ends the ARN of AWS Config's service-linked role.
const configSLR = ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"

// checkEnabled passes a region whose customer-managed recorder records
// every supported resource type, is running, last delivered without
// failure, uses the service-linked role (Security Hub's default,
// includeConfigServiceLinkedRoleCheck=true), and has a delivery channel. In the account's home region the
// recorder must also record global resource types: CIS 3.3 requires them
// in one region, and Guardrail expects that region to be the home region.
func checkEnabled(in *control.Input) {
	m := in.AccountMeta()
	c := in.Region.Config
	if c == nil {
		in.Error(m, "AWS Config state was not collected")
		return
	}
	recs := c.CustomerRecorders()
	if len(recs) == 0 {
		if len(c.Recorders) > 0 {
			in.Fail(m, "no customer-managed configuration recorder (only the service-linked recorder of %s, whose history is not delivered to you)",
				c.Recorders[0].ServicePrincipal)
			return
		}
		in.Fail(m, "AWS Config is not enabled: no configuration recorder")
		return
	}
	// AWS allows one customer-managed recorder per region.
	r := recs[0]
	var bad, unknown []string
	switch {
	case r.Status == nil && c.Errors[config.DetailRecorderStatus] != "":
		unknown = append(unknown, "recorder status: "+c.Errors[config.DetailRecorderStatus])
	case r.Status == nil:
		unknown = append(unknown, "no status reported for recorder "+r.Name)
	case !r.Status.Recording:
		bad = append(bad, fmt.Sprintf("recorder %s is stopped", r.Name))
	case strings.EqualFold(r.Status.LastStatus, "Failure"):
		why := strings.Trim(r.Status.LastErrorCode+": "+r.Status.LastErrorMessage, ": ")
		if why != "" {
			why = " (" + why + ")"
		}
		bad = append(bad, fmt.Sprintf("recorder %s last failed to record%s", r.Name, why))
	}
	switch {
	case r.RoleARN == "":
		unknown = append(unknown, "the IAM role of recorder "+r.Name+" (not reported)")
	case !strings.HasSuffix(r.RoleARN, configSLR):
		bad = append(bad, fmt.Sprintf("recorder %s uses the role %s, not the service-linked role AWSServiceRoleForConfig", r.Name, r.RoleARN))
	}
	if !r.AllSupported {
		switch {
		case len(r.ExcludedResourceTypes) > 0:
			bad = append(bad, fmt.Sprintf("recorder %s excludes %d resource types (%s)", r.Name, len(r.ExcludedResourceTypes), list(r.ExcludedResourceTypes)))
		default:
			bad = append(bad, fmt.Sprintf("recorder %s records only %d selected resource types (%s), not all supported types", r.Name, len(r.ResourceTypes), list(r.ResourceTypes)))
		}
	}
	home := in.RegionName() == in.Account.HomeRegion
	if home && !r.IncludeGlobalResourceTypes {
		bad = append(bad, fmt.Sprintf("recorder %s does not record global resource types (IAM); CIS 3.3 needs them recorded in one region, and Guardrail expects the home region %s",
			r.Name, in.Account.HomeRegion))
	}
	switch {
	case c.Errors[config.DetailDeliveryChannels] != "":
		unknown = append(unknown, "delivery channels: "+c.Errors[config.DetailDeliveryChannels])
	case len(c.Channels) == 0:
		bad = append(bad, "no delivery channel")
	}
	switch {
	case len(bad) > 0:
		in.Fail(m, "%s", strings.Join(bad, "; "))
	case len(unknown) > 0:
		in.Error(m, "could not read %s", strings.Join(unknown, "; "))
	default:
		what := "all supported resource types"
		if home {
			what += " including global types"
		}
		in.Pass(m, "recorder %s records %s and delivers to s3://%s", r.Name, what, c.Channels[0].S3BucketName)
	}
}

// list names at most three items of s.
func list(s []string) string {
	if len(s) > 3 {
		return strings.Join(s[:3], ", ") + ", ..."
	}
	return strings.Join(s, ", ")
}
