package item

import (
	"context"
	"maps"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	gdapi "github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"

	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
)

type detectorState struct {
	Exists     bool   `json:"exists"`
	DetectorID string `json:"detector_id,omitempty"`
	// Enabled is the detector's status (a suspended detector exists but
	// is not enabled).
	Enabled bool `json:"enabled"`
	// Features is the status of every feature ("S3_DATA_EVENTS") and
	// additional configuration ("RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT").
	Features map[string]string `json:"features,omitempty"`
}

// additional are the additional configurations the baseline turns on
// with a feature: runtime monitoring manages its EKS agent.
var additional = map[string][]string{"RUNTIME_MONITORING": {"EKS_ADDON_MANAGEMENT"}, "EKS_RUNTIME_MONITORING": {"EKS_ADDON_MANAGEMENT"}}

// guardDutyDetector is a GuardDuty detector, enabled, with the spec's
// protection plans, in every region.
func guardDutyDetector() Item {
	return &def[detectorState]{
		name: "guardduty.detector", scope: Regional, phase: 1,
		applies: func(env Env) string {
			if g := env.Settings.GuardDuty; g == nil || !spec.On(g.Enabled) {
				return NotManaged
			}
			return ""
		},
		read: func(ctx context.Context, env Env) (detectorState, error) {
			c := env.guardDuty()
			id, err := detectorID(ctx, c)
			if err != nil || id == "" {
				return detectorState{}, err
			}
			d, err := c.GetDetector(ctx, &gdapi.GetDetectorInput{DetectorId: aws.String(id)})
			if err != nil {
				return detectorState{}, err
			}
			st := detectorState{Exists: true, DetectorID: id, Enabled: d.Status == gdtypes.DetectorStatusEnabled, Features: map[string]string{}}
			for _, f := range d.Features {
				st.Features[string(f.Name)] = string(f.Status)
				for _, a := range f.AdditionalConfiguration {
					st.Features[string(f.Name)+"/"+string(a.Name)] = string(a.Status)
				}
			}
			return st, nil
		},
		want: func(env Env, cur detectorState) detectorState {
			w := cur
			w.Exists, w.Enabled = true, true
			w.Features = maps.Clone(cur.Features)
			if w.Features == nil {
				w.Features = map[string]string{}
			}
			for _, f := range env.Settings.GuardDuty.Features {
				w.Features[f] = "ENABLED"
				for _, a := range additional[f] {
					w.Features[f+"/"+a] = "ENABLED"
				}
			}
			return w
		},
		set: func(ctx context.Context, env Env, cur, w detectorState) error {
			c := env.guardDuty()
			if !w.Exists {
				if !cur.Exists {
					return nil
				}
				_, err := c.DeleteDetector(ctx, &gdapi.DeleteDetectorInput{DetectorId: aws.String(cur.DetectorID)})
				return err
			}
			features := changedFeatures(cur.Features, w.Features)
			if !cur.Exists {
				_, err := c.CreateDetector(ctx, &gdapi.CreateDetectorInput{Enable: aws.Bool(w.Enabled), Features: features})
				return err
			}
			if cur.Enabled == w.Enabled && len(features) == 0 {
				return nil
			}
			_, err := c.UpdateDetector(ctx, &gdapi.UpdateDetectorInput{DetectorId: aws.String(cur.DetectorID), Enable: aws.Bool(w.Enabled), Features: features})
			return err
		},
	}
}

// changedFeatures are the features of want whose status differs in cur.
func changedFeatures(cur, want map[string]string) []gdtypes.DetectorFeatureConfiguration {
	var out []gdtypes.DetectorFeatureConfiguration
	idx := map[string]int{}
	for _, k := range sortedKeys(want) {
		if cur[k] == want[k] {
			continue
		}
		name, add, isAdd := strings.Cut(k, "/")
		i, ok := idx[name]
		if !ok {
			out = append(out, gdtypes.DetectorFeatureConfiguration{Name: gdtypes.DetectorFeature(name), Status: gdtypes.FeatureStatus(orDisabled(want[name]))})
			i = len(out) - 1
			idx[name] = i
		}
		if isAdd {
			out[i].AdditionalConfiguration = append(out[i].AdditionalConfiguration,
				gdtypes.DetectorAdditionalConfiguration{Name: gdtypes.FeatureAdditionalConfiguration(add), Status: gdtypes.FeatureStatus(want[k])})
		}
	}
	return out
}

func orDisabled(s string) string {
	if s == "" {
		return "DISABLED"
	}
	return s
}

// detectorID returns the region's detector, or "".
func detectorID(ctx context.Context, c *gdapi.Client) (string, error) {
	out, err := c.ListDetectors(ctx, &gdapi.ListDetectorsInput{})
	if err != nil || len(out.DetectorIds) == 0 {
		return "", err
	}
	return out.DetectorIds[0], nil
}

type autoEnableState struct {
	// AutoEnable is ALL, NEW or NONE; "" when the account has no
	// detector in the region yet.
	AutoEnable string `json:"auto_enable"`
}

// guardDutyAutoEnable is how the delegated administrator enables the
// organization's accounts, in each region (after its detector).
func guardDutyAutoEnable() Item {
	return &def[autoEnableState]{
		name: "guardduty.auto-enable", scope: Regional, phase: 1,
		applies: func(env Env) string {
			g := env.Settings.GuardDuty
			switch {
			case g == nil || !spec.On(g.Enabled) || g.AutoEnable == nil:
				return NotManaged
			case env.Org.ID == "":
				return NoOrganization
			case env.Target.Account != env.Org.Security:
				return "only in the security account (the delegated administrator)"
			}
			return ""
		},
		read: func(ctx context.Context, env Env) (autoEnableState, error) {
			c := env.guardDuty()
			id, err := detectorID(ctx, c)
			if err != nil || id == "" {
				return autoEnableState{}, err
			}
			out, err := c.DescribeOrganizationConfiguration(ctx, &gdapi.DescribeOrganizationConfigurationInput{DetectorId: aws.String(id)})
			if err != nil {
				return autoEnableState{}, err
			}
			return autoEnableState{AutoEnable: string(out.AutoEnableOrganizationMembers)}, nil
		},
		want: func(env Env, _ autoEnableState) autoEnableState {
			return autoEnableState{AutoEnable: spec.Str(env.Settings.GuardDuty.AutoEnable)}
		},
		set: func(ctx context.Context, env Env, _, w autoEnableState) error {
			if w.AutoEnable == "" {
				return nil // there was no detector: deleting it (guardduty.detector) undoes this
			}
			c := env.guardDuty()
			id, err := detectorID(ctx, c)
			if err != nil {
				return err
			}
			_, err = c.UpdateOrganizationConfiguration(ctx, &gdapi.UpdateOrganizationConfigurationInput{DetectorId: aws.String(id),
				AutoEnableOrganizationMembers: gdtypes.AutoEnableMembers(w.AutoEnable)})
			return err
		},
	}
}
