package world

import (
	"github.com/guardrail-sec/guardrail/internal/policy"
)

// Resource policies of SQS queues and EventBridge buses.
//
// AWS lets a service or another account act on a queue or a bus only
// when the resource's policy allows it: EventBridge sends to a queue
// whose policy allows events.amazonaws.com sqs:SendMessage, S3 to one
// that allows s3.amazonaws.com, and an account puts events on another's
// bus when the bus policy allows its account or its organization. A
// simulator that delivered regardless would pass a deployment that
// forgot the policy, which then receives nothing on AWS; so delivery
// here is judged on the policy, with the same evaluator the product
// uses (internal/policy, a neutral library): an explicit Deny that
// applies wins, an Allow whose principal, action, resource and
// conditions match allows, anything else is denied. A document that is
// not a valid policy grants nothing.

// PolicyRequest is one request judged against a resource policy.
type PolicyRequest struct {
	// Service is a service principal (events.amazonaws.com); or Account
	// (and optionally PrincipalARN) an account's principal.
	Service      string
	Account      string
	PrincipalARN string
	Action       string // sqs:SendMessage, events:PutEvents
	Resource     string // the resource's ARN
	// Context holds the condition keys (names compare case-insensitively);
	// an empty value is a key the request does not carry.
	Context map[string]string
}

// PolicyAllowsService reports whether policy lets a service principal
// perform action on resource for a source resource and account.
func PolicyAllowsService(doc, service, action, resource, sourceARN, sourceAccount string) bool {
	return PolicyAllows(doc, PolicyRequest{Service: service, Action: action, Resource: resource,
		Context: map[string]string{"aws:sourcearn": sourceARN, "aws:sourceaccount": sourceAccount}})
}

// PolicyStatements parses a policy's statements; nil when the document
// is not a valid policy.
func PolicyStatements(doc string) []*policy.Statement {
	d, err := policy.ParseString(doc)
	if err != nil {
		return nil
	}
	return d.Statements
}

// PolicyAllows judges req against the resource policy doc.
func PolicyAllows(doc string, req PolicyRequest) bool {
	d, err := policy.ParseString(doc)
	if err != nil {
		return false
	}
	r := &policy.Request{Action: req.Action, Resource: req.Resource, Context: map[string][]string{}}
	if req.Service != "" {
		r.Principal = policy.Principal{Type: "Service", ID: req.Service}
	} else {
		id := req.PrincipalARN
		if id == "" {
			id = "arn:aws:iam::" + req.Account + ":root"
		}
		r.Principal = policy.Principal{Type: "AWS", ID: id, Account: req.Account}
	}
	for k, v := range req.Context {
		if v != "" {
			r.Context[k] = []string{v}
		}
	}
	return d.EvaluateResource(r).Decision == policy.Allow
}
