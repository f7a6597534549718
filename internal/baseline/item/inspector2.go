package item

import (
	"context"

	inapi "github.com/aws/aws-sdk-go-v2/service/inspector2"
	intypes "github.com/aws/aws-sdk-go-v2/service/inspector2/types"

	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
)

// inspectorState is the status of each scan type (ENABLED, DISABLED,
// ENABLING, ...); "" is DISABLED.
type inspectorState struct {
	EC2        string `json:"ec2"`
	ECR        string `json:"ecr"`
	Lambda     string `json:"lambda"`
	LambdaCode string `json:"lambda_code"`
}

func (s *inspectorState) field(t string) *string {
	switch t {
	case "ec2":
		return &s.EC2
	case "ecr":
		return &s.ECR
	case "lambda":
		return &s.Lambda
	}
	return &s.LambdaCode
}

var scanTypes = map[string]intypes.ResourceScanType{"ec2": intypes.ResourceScanTypeEc2, "ecr": intypes.ResourceScanTypeEcr,
	"lambda": intypes.ResourceScanTypeLambda, "lambda_code": intypes.ResourceScanTypeLambdaCode}

// on reports whether a status counts as on (a scan type being enabled
// is on its way).
func on(status string) bool { return status == "ENABLED" || status == "ENABLING" }

// inspector is Amazon Inspector scanning the spec's resource types in
// every region.
func inspector() Item {
	return &def[inspectorState]{
		name: "inspector2.scanning", scope: Regional, phase: 1,
		applies: func(env Env) string {
			if i := env.Settings.Inspector2; i == nil || !spec.On(i.Enabled) {
				return NotManaged
			}
			return ""
		},
		read: func(ctx context.Context, env Env) (inspectorState, error) {
			out, err := env.inspector2().BatchGetAccountStatus(ctx, &inapi.BatchGetAccountStatusInput{AccountIds: []string{env.Target.Account}})
			if err != nil {
				return inspectorState{}, err
			}
			st := inspectorState{EC2: "DISABLED", ECR: "DISABLED", Lambda: "DISABLED", LambdaCode: "DISABLED"}
			for _, a := range out.Accounts {
				if r := a.ResourceState; r != nil {
					for t, s := range map[string]*intypes.State{"ec2": r.Ec2, "ecr": r.Ecr, "lambda": r.Lambda, "lambda_code": r.LambdaCode} {
						if s != nil && s.Status != "" {
							*st.field(t) = string(s.Status)
						}
					}
				}
			}
			return st, nil
		},
		want: func(env Env, cur inspectorState) inspectorState {
			w := cur
			for _, t := range env.Settings.Inspector2.Resources {
				if !on(*w.field(t)) {
					*w.field(t) = "ENABLED"
				}
			}
			return w
		},
		set: func(ctx context.Context, env Env, cur, w inspectorState) error {
			var enable, disable []intypes.ResourceScanType
			for _, t := range []string{"ec2", "ecr", "lambda", "lambda_code"} {
				c, x := on(*cur.field(t)), on(*w.field(t))
				switch {
				case x && !c:
					enable = append(enable, scanTypes[t])
				case c && !x:
					disable = append(disable, scanTypes[t])
				}
			}
			c := env.inspector2()
			if len(enable) > 0 {
				if _, err := c.Enable(ctx, &inapi.EnableInput{ResourceTypes: enable, AccountIds: []string{env.Target.Account}}); err != nil {
					return err
				}
			}
			if len(disable) > 0 {
				if _, err := c.Disable(ctx, &inapi.DisableInput{ResourceTypes: disable, AccountIds: []string{env.Target.Account}}); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
