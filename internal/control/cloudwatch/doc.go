// Package cloudwatch holds the CIS monitoring controls (CIS v3.0.0 4.1 to
// 4.15: Security Hub's CloudWatch.1 to .14, and GR.CloudWatch.1). It must
// not import the AWS SDK.
//
// Each control follows one chain for an account and passes when some link
// of it is complete:
//
//	a multi-region trail the account sees (its own or the organization's),
//	logging all management events, sending them to a CloudWatch Logs group
//	→ a metric filter on that group whose pattern covers the CIS pattern
//	→ a CloudWatch alarm on the filter's metric, with actions enabled
//	→ an SNS topic among the alarm's actions with a confirmed subscription.
//
// The log group, its filters and alarms live in the account and region
// named by the group's ARN, which may be another account (the management
// account, for an organization trail); the topic in those of its own ARN.
// They are read from that account's part of the snapshot. Filters are
// compared by meaning, not text (package filterpattern).
//
// Specific filters. A filter passes the filter step when two things hold:
//
//  1. It covers the CIS reference pattern: every event the CIS pattern
//     matches, it matches too (filterpattern's Covers, judged on the
//     patterns' normal forms, so reordered, requoted or broader spellings
//     pass and a filter missing one event name fails).
//  2. It matches no ordinary event (ordinary.go): a successful read-only
//     call, by an IAM user or an assumed role, to each service a CIS item
//     watches (ec2:DescribeInstances, iam:ListPolicies, kms:Decrypt, ...).
//
// The first alone is not enough: covering is a lower bound, and
// { $.eventName = * } covers a dozen CIS patterns at once, as does
// { $.eventSource = * } or { $.eventVersion = * }. An alarm on such a
// filter fires on every call in the account; it is no monitoring of IAM
// policy changes or of anything. The second check is what tells a filter
// that watches the CIS events, and perhaps a few more of the same kind
// (ModifySecurityGroupRules next to the CIS 4.10 list, every error code
// next to AccessDenied*), from one that watches the service or the whole
// account: routine reads are what every account does all day, and no CIS
// item is about them, so a specific filter never matches them. A filter
// is judged against concrete events rather than by the fields it
// constrains because a constraint can be empty in effect ($.eventName !=
// "NoSuchCall" constrains eventName and matches everything).
//
// Matching an ordinary event errs towards yes (filterpattern's MayMatch:
// a != on a field the event lacks may match), so an uncertain filter is
// reported, never counted. A filter that matches every ordinary event is
// a catch-all, reported for every item even where the normal-form
// comparison could not prove it covers the CIS pattern (it matches all
// root activity, too). An empty pattern matches every event. Patterns
// outside the JSON syntax (terms, space-delimited) are not judged and
// never satisfy an item.
//
// When no chain is complete, the result is FAILED with the step where the
// chain that got furthest broke ("no metric filter for IAM policy changes
// on log group X", "alarm Y has no SNS action with a confirmed
// subscription"), or ERROR when a link that could have completed a chain
// was not collected.
package cloudwatch
