// Package cloudtrail holds the CloudTrail controls (CloudTrail.1, .2, .4,
// .5) and the S3 object-level logging controls that CloudTrail implements
// (S3.22, S3.23). It must not import the AWS SDK.
//
// Trails and regions. A multi-region trail is seen in every region of its
// account, and an organization trail in every account of the
// organization; the snapshot holds one copy per (account, region) that
// sees it. So the controls here are Global: each looks at every assessed
// region of an account (checking the cloudtrail collector's gaps itself),
// merges the copies of a trail by ARN (View), and judges once per
// account.
//
//   - Account-level controls (CloudTrail.1, S3.22, S3.23) count every trail
//     the account sees, the organization's trail included: it logs the
//     account's events.
//   - Trail-level controls (CloudTrail.2, .4, .5) judge a trail in the
//     account that owns it, when that account is in the snapshot, and
//     otherwise in each account that sees it, so the organization trail
//     yields one result, in the management account, not one per member.
//
// Which trail counts. CloudTrail.1, S3.22, S3.23 and the CIS monitoring
// controls (control/cloudwatch) all need "a qualifying trail": one that
// is multi-region, logging, and logs the events they need. That is
// decided in one place, snapshot/cloudtrail's Trail.Qualify, and
// View.Qualifying applies it to the trails an account sees. A trail that
// leaves out the management events of any service (KMS, RDS Data API)
// does not log all management events and does not qualify.
package cloudtrail
