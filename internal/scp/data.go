package scp

// RegionExemptSource is where GlobalServiceActions come from.
const RegionExemptSource = "AWS Organizations User Guide, \"General examples: Deny access to AWS based on the requested AWS Region\" " +
	"(the same list as aws-samples/service-control-policy-examples, Region-controls/Deny-access-to-AWS-based-on-the-requested-AWS-region.json)"

// GlobalServiceActions are the actions the region intent leaves alone
// (NotAction): global services whose endpoint is in us-east-1 (IAM,
// Organizations, Route 53, CloudFront, STS's global endpoint…) would
// otherwise be denied everywhere outside us-east-1. The list is AWS's
// documented example, as data; AWS notes it may lag new global services.
var GlobalServiceActions = []string{
	"a4b:*", "acm:*", "aws-marketplace-management:*", "aws-marketplace:*", "aws-portal:*", "budgets:*", "ce:*",
	"chime:*", "cloudfront:*", "config:*", "cur:*", "directconnect:*", "ec2:DescribeRegions",
	"ec2:DescribeTransitGateways", "ec2:DescribeVpnGateways", "fms:*", "globalaccelerator:*", "health:*", "iam:*",
	"importexport:*", "kms:*", "mobileanalytics:*", "networkmanager:*", "organizations:*", "pricing:*", "route53:*",
	"route53domains:*", "route53-recovery-cluster:*", "route53-recovery-control-config:*",
	"route53-recovery-readiness:*", "s3:GetAccountPublic*", "s3:ListAllMyBuckets", "s3:ListMultiRegionAccessPoints",
	"s3:PutAccountPublic*", "shield:*", "sts:*", "support:*", "trustedadvisor:*", "waf-regional:*", "waf:*", "wafv2:*",
	"wellarchitected:*",
}

// SecurityServiceActions are the actions the protect_security_services
// intent denies: the ones that stop, delete or detach a security service
// (AWS Organizations User Guide, "Example SCPs for AWS Config",
// "…for Amazon GuardDuty", "…for AWS CloudTrail"; aws-samples
// service-control-policy-examples, Deny-changes-to-security-services).
var SecurityServiceActions = []string{
	"cloudtrail:DeleteTrail", "cloudtrail:PutEventSelectors", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail",
	"config:DeleteConfigRule", "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel",
	"config:StopConfigurationRecorder",
	"guardduty:DeleteDetector", "guardduty:DeleteMembers", "guardduty:DisassociateFromAdministratorAccount",
	"guardduty:DisassociateFromMasterAccount", "guardduty:DisassociateMembers", "guardduty:StopMonitoringMembers",
	"guardduty:UpdateDetector",
	"securityhub:BatchDisableStandards", "securityhub:DeleteMembers", "securityhub:DisableImportFindingsForProduct",
	"securityhub:DisableSecurityHub", "securityhub:DisassociateFromAdministratorAccount",
	"securityhub:DisassociateFromMasterAccount", "securityhub:DisassociateMembers",
	"access-analyzer:DeleteAnalyzer",
	"inspector2:Disable", "inspector2:DisassociateMember",
	"detective:DeleteGraph", "detective:DeleteMembers", "detective:DisassociateMembership",
}

// BucketActions are what protect_buckets denies on the bucket itself:
// deleting it, or weakening the policy, versioning, object lock,
// encryption, logging and lifecycle that keep its contents.
var BucketActions = []string{
	"s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketPolicy", "s3:PutBucketVersioning",
	"s3:PutBucketObjectLockConfiguration", "s3:PutEncryptionConfiguration", "s3:PutBucketLogging",
	"s3:PutLifecycleConfiguration", "s3:PutBucketAcl", "s3:PutBucketOwnershipControls",
}

// ObjectActions are what protect_buckets with objects: true denies on
// the bucket's objects.
var ObjectActions = []string{
	"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention",
}

// BaselineActions are the IAM actions 'guardrail baseline apply' and its
// rollback call (internal/baseline/item, internal/passwordpolicy), by
// service; its reads are the collectors'. TestBaselineActionsCurrent
// keeps this list in step with the calls the items make.
var BaselineActions = []string{
	"access-analyzer:CreateAnalyzer", "access-analyzer:DeleteAnalyzer", "access-analyzer:ListAnalyzers",
	"cloudtrail:CreateTrail", "cloudtrail:DeleteTrail", "cloudtrail:GetTrail", "cloudtrail:GetTrailStatus",
	"cloudtrail:StartLogging", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail",
	"config:DeleteConfigurationAggregator", "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel",
	"config:DescribeConfigurationRecorderStatus", "config:DescribeConfigurationRecorders",
	"config:DescribeDeliveryChannels", "config:PutConfigurationAggregator", "config:PutConfigurationRecorder",
	"config:PutDeliveryChannel", "config:StartConfigurationRecorder", "config:StopConfigurationRecorder",
	"detective:CreateGraph", "detective:DeleteGraph",
	"ec2:DisableEbsEncryptionByDefault", "ec2:EnableEbsEncryptionByDefault",
	"guardduty:CreateDetector", "guardduty:DeleteDetector", "guardduty:DescribeOrganizationConfiguration",
	"guardduty:GetDetector", "guardduty:ListDetectors", "guardduty:UpdateDetector",
	"guardduty:UpdateOrganizationConfiguration",
	"iam:DeleteAccountPasswordPolicy", "iam:GetAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy",
	"inspector2:Disable", "inspector2:Enable",
	"organizations:ListDelegatedAdministrators",
	"s3:DeleteBucketPolicy", "s3:GetAccountPublicAccessBlock", "s3:GetBucketObjectLockConfiguration",
	"s3:GetBucketPolicy", "s3:GetBucketVersioning", "s3:PutAccountPublicAccessBlock",
	"s3:PutBucketObjectLockConfiguration", "s3:PutBucketPolicy", "s3:PutBucketVersioning",
	"securityhub:BatchDisableStandards", "securityhub:BatchEnableStandards", "securityhub:CreateFindingAggregator",
	"securityhub:DeleteFindingAggregator", "securityhub:DescribeHub", "securityhub:DisableSecurityHub",
	"securityhub:EnableSecurityHub", "securityhub:GetEnabledStandards", "securityhub:GetFindingAggregator",
	"securityhub:ListFindingAggregators", "securityhub:UpdateFindingAggregator",
}
