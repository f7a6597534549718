package item

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	dtapi "github.com/aws/aws-sdk-go-v2/service/detective"

	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
)

type graphState struct {
	Exists bool   `json:"exists"`
	ARN    string `json:"arn,omitempty"`
}

// detectiveGraph is a Detective behavior graph in every region of the
// security account, which administers Detective for the organization.
func detectiveGraph() Item {
	return &def[graphState]{
		name: "detective.graph", scope: Regional, phase: 1,
		applies: func(env Env) string {
			switch d := env.Settings.Detective; {
			case d == nil || !spec.On(d.Enabled):
				return NotManaged
			case env.Target.Account != env.Org.Security:
				return "only in the security account"
			}
			return ""
		},
		read: func(ctx context.Context, env Env) (graphState, error) {
			out, err := env.detective().ListGraphs(ctx, &dtapi.ListGraphsInput{})
			if err != nil || len(out.GraphList) == 0 {
				return graphState{}, err
			}
			return graphState{Exists: true, ARN: aws.ToString(out.GraphList[0].Arn)}, nil
		},
		want: func(_ Env, cur graphState) graphState { return graphState{Exists: true, ARN: cur.ARN} },
		set: func(ctx context.Context, env Env, cur, w graphState) error {
			c := env.detective()
			switch {
			case w.Exists && !cur.Exists:
				_, err := c.CreateGraph(ctx, &dtapi.CreateGraphInput{Tags: map[string]string{"managed-by": "guardrail"}})
				return err
			case !w.Exists && cur.Exists:
				_, err := c.DeleteGraph(ctx, &dtapi.DeleteGraphInput{GraphArn: aws.String(cur.ARN)})
				return err
			}
			return nil
		},
	}
}
