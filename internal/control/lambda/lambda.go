// Package lambda holds the AWS Lambda controls. They read the "lambda"
// collector's state and never call AWS. Function policies are judged by
// the shared public-access analysis of internal/policy, which
// the KMS key policy control and the inventory use too; the deprecated-runtime table is
// data, in runtimes.go, with its source.
package lambda

import (
	"fmt"
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/policy"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/lambda"
)

// Controls returns the Lambda controls.
func Controls() []*control.Control {
	return []*control.Control{lambda1(), lambda2(Runtimes()), lambda3(), lambda5()}
}

func meta(in *control.Input, f *lambda.Function) snapshot.Meta {
	return snapshot.Meta{ARN: f.ARN, Type: "AwsLambdaFunction", Name: f.Name, Account: in.Account.ID, Region: in.RegionName()}
}

// functionControl completes c as a control that judges every function of
// the region with judge.
func functionControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, f *lambda.Function)) *control.Control {
	c.Service = "Lambda"
	c.ResourceType = "AwsLambdaFunction"
	c.Needs = []string{"lambda"}
	c.Check = func(in *control.Input) {
		if in.Region == nil || in.Region.Lambda == nil {
			in.Error(in.AccountMeta(), "Lambda state was not collected in %s", in.RegionName())
			return
		}
		for _, f := range in.Region.Lambda.Functions {
			judge(in, meta(in, f), f)
		}
	}
	return &c
}

func lambda1() *control.Control {
	return functionControl(control.Control{
		ID:       "Lambda.1",
		Title:    "Lambda function policies should prohibit public access",
		Severity: control.Critical,
		Rationale: "A function policy that lets any principal invoke the function (directly or through a function " +
			"URL without authentication) lets anyone run its code, reach what its role can reach and run up its cost.",
		Remediation: "Console: Lambda > Functions > the function > Configuration > Permissions > Resource-based policy " +
			"statements: delete the public statement, or add a condition such as aws:SourceAccount or aws:SourceArn; " +
			"for a function URL, set Auth type to AWS_IAM.\n" +
			"CLI: aws lambda remove-permission --function-name <name> --statement-id <sid>; re-add it restricted with " +
			"aws lambda add-permission --function-name <name> --statement-id <sid> --action lambda:InvokeFunction " +
			"--principal <service-or-account> --source-account <account-id> --source-arn <source-arn>",
		WellArchitected: []string{"SEC03"},
	}, func(in *control.Input, m snapshot.Meta, f *lambda.Function) {
		if why, ok := f.Errors["policy"]; ok {
			in.Error(m, "function policy could not be read: %s", why)
			return
		}
		if f.Policy == "" {
			in.Pass(m, "no function policy")
			return
		}
		doc, err := policy.ParseString(f.Policy)
		if err != nil {
			in.Error(m, "function policy could not be read: %v", err)
			return
		}
		grants := map[*policy.Statement]policy.Grant{}
		for _, g := range policy.Public(doc, in.Account.ID) {
			grants[g.Statement] = g
		}
		var public []string
		for _, s := range doc.Statements {
			if g, ok := grants[s]; ok {
				public = append(public, g.String())
			} else if confusedDeputy(s) {
				public = append(public, fmt.Sprintf("%s allows s3.amazonaws.com without aws:SourceAccount (any account's bucket)", s.Name()))
			}
		}
		if len(public) > 0 {
			in.Fail(m, "public function policy: %s", strings.Join(public, "; "))
			return
		}
		in.Pass(m, "function policy grants no public access")
	})
}

// confusedDeputy reports an Allow to Amazon S3 that does not pin the
// bucket owner's account: bucket names are global, so any account that
// owns a bucket of that name could invoke the function (AWS Config's
// lambda-function-public-access-prohibited fails it).
func confusedDeputy(s *policy.Statement) bool {
	return s.IsAllow() && s.Service("s3.amazonaws.com") &&
		!s.Fixed("aws:SourceAccount") && !s.Fixed("aws:SourceOwner")
}

func lambda2(runtimes []Runtime) *control.Control {
	deprecated := map[string]Runtime{}
	for _, r := range runtimes {
		deprecated[r.ID] = r
	}
	return functionControl(control.Control{
		ID:       "Lambda.2",
		Title:    "Lambda functions should use supported runtimes",
		Severity: control.Medium,
		Rationale: "Lambda stops patching a runtime once it is deprecated; a function left on it runs on an " +
			"unpatched language runtime and operating system. Runtime dates: " + RuntimesSource + ".",
		Remediation: "Move the code to a supported runtime, test it, then switch the function over.\n" +
			"Console: Lambda > Functions > the function > Code > Runtime settings > Edit > Runtime.\n" +
			"CLI: aws lambda update-function-configuration --function-name <name> --runtime <runtime, e.g. python3.13>",
		WellArchitected: []string{"SEC06"},
	}, func(in *control.Input, m snapshot.Meta, f *lambda.Function) {
		if f.Runtime == "" {
			in.NotApplicable(m, "%s package: the runtime is part of the image", orDefault(f.PackageType, "Image"))
			return
		}
		r, ok := deprecated[f.Runtime]
		switch {
		case !ok:
			in.Error(m, "runtime %s is not in Guardrail's runtime table (%s)", f.Runtime, RuntimesSource)
		case !in.Now.Before(r.Deprecated):
			in.Fail(m, "runtime %s deprecated since %s", f.Runtime, r.Deprecated.Format("2006-01-02"))
		default:
			in.Pass(m, "runtime %s supported until %s", f.Runtime, r.Deprecated.Format("2006-01-02"))
		}
	})
}

func lambda3() *control.Control {
	return functionControl(control.Control{
		ID:       "Lambda.3",
		Title:    "Lambda functions should be in a VPC",
		Severity: control.Low,
		Rationale: "A function attached to a VPC reaches private resources through security groups and VPC " +
			"endpoints, and its traffic stays under the VPC's network controls and flow logs.",
		Remediation: "Console: Lambda > Functions > the function > Configuration > VPC > Edit: choose a VPC, private " +
			"subnets and security groups > Save.\n" +
			"CLI: aws lambda update-function-configuration --function-name <name> --vpc-config SubnetIds=<subnet-a>,<subnet-b>,SecurityGroupIds=<sg>",
		WellArchitected: []string{"SEC05"},
	}, func(in *control.Input, m snapshot.Meta, f *lambda.Function) {
		if f.InVPC() {
			in.Pass(m, "in VPC %s", orDefault(f.VpcID, "(unknown)"))
			return
		}
		in.Fail(m, "not connected to a VPC")
	})
}

// minZones is Security Hub's minAvailabilityZones default for Lambda.5.
const minZones = 2

func lambda5() *control.Control {
	return functionControl(control.Control{
		ID:       "Lambda.5",
		Title:    "VPC Lambda functions should operate in multiple Availability Zones",
		Severity: control.Medium,
		Rationale: fmt.Sprintf("A VPC function whose subnets are all in one Availability Zone stops when that zone "+
			"fails; subnets in at least %d zones keep it running.", minZones),
		Remediation: "Console: Lambda > Functions > the function > Configuration > VPC > Edit: add subnets in another " +
			"Availability Zone > Save.\n" +
			"CLI: aws lambda update-function-configuration --function-name <name> --vpc-config SubnetIds=<subnet-in-az-a>,<subnet-in-az-b>,SecurityGroupIds=<sg>",
	}, func(in *control.Input, m snapshot.Meta, f *lambda.Function) {
		if !f.InVPC() {
			in.NotApplicable(m, "not connected to a VPC")
			return
		}
		if why, ok := f.Errors["subnets"]; ok {
			in.Error(m, "Availability Zones of the function's subnets unknown: %s", why)
			return
		}
		set := map[string]bool{}
		for _, s := range f.SubnetIDs {
			z, ok := f.SubnetZones[s]
			if !ok {
				in.Error(m, "Availability Zone of subnet %s unknown", s)
				return
			}
			set[z] = true
		}
		zones := make([]string, 0, len(set))
		for z := range set {
			zones = append(zones, z)
		}
		sort.Strings(zones)
		if len(zones) >= minZones {
			in.Pass(m, "subnets in %d Availability Zones (%s)", len(zones), strings.Join(zones, ", "))
			return
		}
		in.Fail(m, "subnets in %d Availability Zone(s) (%s), fewer than %d", len(zones), strings.Join(zones, ", "), minZones)
	})
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
