package policy

import (
	"encoding/json"
	"os"
	"testing"
)

// evalCase is one row of testdata/eval.json: a policy, a request, and the
// decision and deciding Sid IAM documents for it.
type evalCase struct {
	Name     string          `json:"name"`
	Resource bool            `json:"resource"`
	Policy   json.RawMessage `json:"policy"`
	Request  struct {
		Action    string              `json:"action"`
		Resource  string              `json:"resource"`
		Context   map[string][]string `json:"context"`
		Principal struct {
			Type    string `json:"type"`
			ID      string `json:"id"`
			Account string `json:"account"`
			OrgID   string `json:"orgId"`
			Root    bool   `json:"root"`
		} `json:"principal"`
	} `json:"request"`
	Want string `json:"want"`
	Sid  string `json:"sid"`
}

func TestEvaluateData(t *testing.T) {
	raw, err := os.ReadFile("testdata/eval.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []evalCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 60 {
		t.Fatalf("only %d cases read", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			doc, err := Parse(c.Policy)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			p := c.Request.Principal
			r := &Request{Action: c.Request.Action, Resource: c.Request.Resource, Context: c.Request.Context,
				Principal: Principal{Type: p.Type, ID: p.ID, Account: p.Account, OrgID: p.OrgID, Root: p.Root}}
			var res Result
			if c.Resource {
				res = doc.EvaluateResource(r)
			} else {
				res = doc.Evaluate(r)
			}
			if res.Decision.String() != c.Want {
				t.Fatalf("decision %s, want %s", res.Decision, c.Want)
			}
			sid := ""
			if res.Statement != nil {
				sid = res.Statement.Sid
			}
			if sid != c.Sid {
				t.Fatalf("deciding Sid %q, want %q", sid, c.Sid)
			}
		})
	}
}

func TestEvaluateAll(t *testing.T) {
	full, _ := ParseString(`{"Version":"2012-10-17","Statement":[{"Sid":"FullAWSAccess","Effect":"Allow","Action":"*","Resource":"*"}]}`)
	deny, _ := ParseString(`{"Version":"2012-10-17","Statement":[{"Sid":"NoLeave","Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`)
	r := &Request{Action: "organizations:LeaveOrganization"}
	if res := EvaluateAll([]*Document{full, deny}, r); res.Decision != Deny || res.Statement.Sid != "NoLeave" || res.Doc != deny {
		t.Fatalf("deny: %+v", res)
	}
	r.Action = "s3:ListAllMyBuckets"
	if res := EvaluateAll([]*Document{deny, full}, r); res.Decision != Allow || res.Doc != full {
		t.Fatalf("allow: %+v", res)
	}
	if res := EvaluateAll([]*Document{deny}, r); res.Decision != NotApplicable || res.Statement != nil {
		t.Fatalf("implicit deny: %+v", res)
	}
}
