// Package policy is Guardrail's one reader and evaluator of IAM policy
// documents: identity policies, resource policies (bucket, function, key
// policies) and service control policies. The public-access controls,
// the inventory, the remediation playbooks, the SCP compiler and the
// simulator all use it, so that a policy means the same thing to each.
//
// It is a neutral library: it imports only the standard library, so the
// simulator may use it without importing the product.
//
// Parse keeps every statement's position in its source, for errors a
// person can act on ("line 12, column 5: statement 3 (Sid "DenyRegions"):
// Effect "deny": want "Allow" or "Deny""). Evaluate and EvaluateResource
// follow IAM's documented evaluation within one document: a statement
// applies when its action, resource, principal and every condition
// match; an explicit Deny wins; else an Allow allows; else the request is
// implicitly denied (NotApplicable). Combining documents (an SCP at each
// level of an organization, a resource policy with an identity policy) is
// the caller's business: each level is one Evaluate.
//
// Public and CrossAccount say whether a resource policy lets in everyone
// or other accounts; see public.go for the rules and their judgement
// calls.
package policy
