// Package iac judges infrastructure as code before it is applied: a
// Terraform plan (iac/terraform) or a CloudFormation template
// (iac/cloudformation) becomes a Source, the snapshot of one synthetic
// account and region that the collectors would have produced once the
// code is applied, and Evaluate runs the very same controls over it
// (control/catalog, control.EvaluateAccount). Results name the code's
// resource (its address or logical ID, file and line) instead of an ARN.
//
// # What a plan cannot say
//
// A plan is not an account. Three kinds of gap are kept apart, and none
// of them ever reads as PASSED:
//
//   - A value known only after apply (a bucket policy built from an ARN
//     that does not exist yet) is UNKNOWN, "known after apply: <attrs>".
//     A loader lists the attributes it read that are unknown on the
//     Resource (Unknown); a control result on such a resource that would
//     have been PASSED, FAILED or NOT_APPLICABLE becomes UNKNOWN, since
//     the verdict may rest on the missing value. A loader that knows
//     which controls an unknown attribute decides can say so
//     (UnknownFor), and the other controls keep their verdict.
//   - Account-level state (the password policy, EBS encryption by
//     default, the account's S3 Block Public Access, whether CloudTrail,
//     Config and GuardDuty are on, the CIS 4.x metric filters) is judged
//     only when the code defines it (a resource whose Facts name it) or
//     when Options.Context supplies it; otherwise the control is
//     NOT_ASSESSED with the reason. State no code can define (the root
//     user, the security contact) is always NOT_ASSESSED.
//   - A resource the code defines only in part (rules added to a
//     security group outside the plan, a policy set on a bucket outside
//     it) keeps a FAILED verdict on the part it defines; what would pass
//     is UNKNOWN (Resource.Partial), or the parts it does not define are
//     unread details of the snapshot.
//   - A resource type no mapping covers is listed NOT_ASSESSED with the
//     reason, never dropped.
//
// A failure an approved exception covers (an exemption file, or the
// guardrail:exempt tag read by internal/exempt) is EXEMPTED with its
// approver and does not fail the run; once the exception has expired it
// is FAILED again, with a note saying so.
//
// The package must not import the AWS SDK nor the simulator: it reads
// files, never AWS.
package iac
