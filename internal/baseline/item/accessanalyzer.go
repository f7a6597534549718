package item

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	aaapi "github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
)

type analyzerState struct {
	// Exists says the baseline's analyzer (Name) exists.
	Exists bool   `json:"exists"`
	Name   string `json:"name"`
	// CoveredBy is another active analyzer of the same zone of trust,
	// which already does the job: the baseline then adds none.
	CoveredBy string `json:"covered_by,omitempty"`
}

// accessAnalyzer is an external-access analyzer (zone of trust: the
// account) in every account and region that has none.
func accessAnalyzer() Item {
	return analyzerItem("accessanalyzer.analyzer", aatypes.TypeAccount, func(env Env) string { return "" })
}

// orgAccessAnalyzer is an organization analyzer in every region of the
// security account, the delegated administrator of IAM Access Analyzer.
func orgAccessAnalyzer() Item {
	return analyzerItem("accessanalyzer.organization", aatypes.TypeOrganization, func(env Env) string {
		switch {
		case !spec.Bool(env.Settings.AccessAnalyzer.Organization):
			return NotManaged
		case env.Org.ID == "":
			return NoOrganization
		case env.Target.Account != env.Org.Security:
			return "only in the security account (the delegated administrator)"
		}
		return ""
	})
}

func analyzerItem(name string, typ aatypes.Type, applies func(Env) string) Item {
	analyzerName := func(env Env) string {
		n := spec.Str(env.Settings.AccessAnalyzer.Name)
		if n == "" {
			n = "guardrail-external-access"
		}
		if typ == aatypes.TypeOrganization {
			n += "-organization"
		}
		return n
	}
	return &def[analyzerState]{
		name: name, scope: Regional, phase: 1,
		applies: func(env Env) string {
			if a := env.Settings.AccessAnalyzer; a == nil || !spec.On(a.Enabled) {
				return NotManaged
			}
			return applies(env)
		},
		read: func(ctx context.Context, env Env) (analyzerState, error) {
			st := analyzerState{Name: analyzerName(env)}
			c := env.accessAnalyzer()
			err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
				out, err := c.ListAnalyzers(ctx, &aaapi.ListAnalyzersInput{NextToken: token, Type: typ})
				if err != nil {
					return nil, err
				}
				for _, a := range out.Analyzers {
					switch {
					case aws.ToString(a.Name) == st.Name:
						st.Exists = true
					case a.Status == aatypes.AnalyzerStatusActive && st.CoveredBy == "":
						st.CoveredBy = aws.ToString(a.Name)
					}
				}
				return out.NextToken, nil
			})
			return st, err
		},
		want: func(_ Env, cur analyzerState) analyzerState {
			w := cur
			if cur.CoveredBy == "" {
				w.Exists = true
			}
			return w
		},
		set: func(ctx context.Context, env Env, cur, w analyzerState) error {
			c := env.accessAnalyzer()
			switch {
			case w.Exists && !cur.Exists:
				_, err := c.CreateAnalyzer(ctx, &aaapi.CreateAnalyzerInput{AnalyzerName: aws.String(w.Name), Type: typ,
					Tags: map[string]string{"managed-by": "guardrail"}})
				return err
			case !w.Exists && cur.Exists:
				_, err := c.DeleteAnalyzer(ctx, &aaapi.DeleteAnalyzerInput{AnalyzerName: aws.String(cur.Name)})
				if awsx.IsNotFound(err) {
					return nil
				}
				return err
			case w.Name != cur.Name:
				return fmt.Errorf("analyzer %s: the state names %s", cur.Name, w.Name)
			}
			return nil
		},
	}
}
