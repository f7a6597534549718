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
// When no chain is complete, the result is FAILED with the step where the
// chain that got furthest broke ("no metric filter for IAM policy changes
// on log group X", "alarm Y has no SNS action with a confirmed
// subscription"), or ERROR when a link that could have completed a chain
// was not collected.
package cloudwatch
