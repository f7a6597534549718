package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	orgapi "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/web"
)

// TestAlertExplanation: an alert about a denied call shows which SCP
// statement denied it, read with the dashboard's AWS access (the page
// and the API); without AWS access, the command to run; an alert that
// is not a denial shows nothing of it.
func TestAlertExplanation(t *testing.T) {
	ctx := context.Background()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, w)
	cfg := s.Config(t, "111111111111", "us-east-1")
	oc := orgapi.NewFromConfig(cfg)
	cp, err := oc.CreatePolicy(ctx, &orgapi.CreatePolicyInput{Name: aws.String("guardrail-org"), Description: aws.String("t"), Type: "SERVICE_CONTROL_POLICY",
		Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"DenyLeaveOrganization","Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := oc.AttachPolicy(ctx, &orgapi.AttachPolicyInput{PolicyId: cp.Policy.PolicySummary.Id, TargetId: aws.String("r-gr7d")}); err != nil {
		t.Fatal(err)
	}
	st := synthetic(t, 1)
	rec := `{"eventID":"ev-deny","eventSource":"organizations.amazonaws.com","eventName":"LeaveOrganization","awsRegion":"us-east-1",` +
		`"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::444444444401:assumed-role/Developer/alice","accountId":"444444444401"},` +
		`"recipientAccountId":"444444444401","errorCode":"AccessDeniedException","errorMessage":"... with an explicit deny in a service control policy"}`
	c, err := st.CommitWatch(ctx, store.WatchBatch{At: now, Alerts: []store.Alert{
		{EventID: "ev-deny", Rule: "access-denied", Title: "Call denied", Severity: control.Low, Account: "444444444401", Region: "us-east-1",
			EventName: "LeaveOrganization", EventSource: "organizations.amazonaws.com", EventTime: now, Source: "sqs", Raw: json.RawMessage(rec)},
		{EventID: "ev-ok", Rule: "security-group-changed", Title: "SG changed", Severity: control.Medium, Account: "444444444401", Region: "us-east-1",
			EventName: "AuthorizeSecurityGroupIngress", EventSource: "ec2.amazonaws.com", EventTime: now, Source: "sqs", Raw: json.RawMessage(`{"eventID":"ev-ok"}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	denied, other := c.Alerts[0], c.Alerts[1]
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	live, err := web.New(web.Options{Store: st, Catalog: cat, Now: clock.Fixed(now), AWS: func(context.Context) (aws.Config, error) { return cfg, nil }})
	if err != nil {
		t.Fatal(err)
	}
	page := do(live, req{path: fmt.Sprintf("/alerts/%d", denied)}).Body.String()
	for _, want := range []string{"Why was it denied?", "Denied by an SCP statement", "guardrail-org", "DenyLeaveOrganization", "Root", "From the SCPs read"} {
		if !strings.Contains(page, want) {
			t.Errorf("alert page lacks %q", want)
		}
	}
	api := do(live, req{path: fmt.Sprintf("/api/alerts/%d/explanation", denied)})
	var d web.Denial
	if err := json.Unmarshal(api.Body.Bytes(), &d); err != nil || api.Code != 200 || d.Explanation == nil || d.Explanation.Statement.Sid != "DenyLeaveOrganization" {
		t.Errorf("API = %d %s", api.Code, api.Body.String())
	}
	if rec := do(live, req{path: fmt.Sprintf("/api/alerts/%d/explanation", other)}); rec.Code != 404 {
		t.Errorf("API of an alert that is no denial: %d", rec.Code)
	}
	if page := do(live, req{path: fmt.Sprintf("/alerts/%d", other)}).Body.String(); strings.Contains(page, "Why was it denied?") {
		t.Error("an alert that is no denial is explained")
	}
	offline := server(t, st, "")
	page = do(offline, req{path: fmt.Sprintf("/alerts/%d", denied)}).Body.String()
	for _, want := range []string{"Why was it denied?", "no AWS access", "guardrail scp explain --event FILE"} {
		if !strings.Contains(page, want) {
			t.Errorf("offline alert page lacks %q", want)
		}
	}
}
