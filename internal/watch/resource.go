package watch

import (
	"encoding/json"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/target"
)

// What an event touched, and what it can change.
//
// An alert names the resource its event touched, in the form the
// findings name it (the ARN the collectors build), so that a finding's
// page can show the alerts about its resource: a security group's
// arn:aws:ec2:<region>:<account>:security-group/<id>, a bucket's
// arn:aws:s3:::<name>, the account's AWS::::Account:<id> for the root
// user's sign-in. The event says it in its requestParameters, in names
// that differ by service; where it names nothing known, the alert names
// the first of the record's "resources", or nothing.
//
// A write event that succeeded can change the findings of the controls
// that judge what it touched, whether or not a rule alerts on it:
// writeControls maps (eventSource, eventName) to those controls, and the
// watch re-assesses them (Reassessor). The map is deliberately wide
// within a service (every control of the security groups for any change
// of one; every bucket control for any bucket setting): collecting the
// service is the cost, evaluating a few more controls on what was
// collected is nothing, and a control left out would keep a finding
// stale until the next scan. Read-only and failed calls change nothing.

// request is the part of a record that names resources.
type request struct {
	RequestParameters  map[string]any `json:"requestParameters"`
	ResponseElements   map[string]any `json:"responseElements"`
	RecipientAccountID string         `json:"recipientAccountId"`
	Resources          []struct {
		ARN string `json:"ARN"`
	} `json:"resources"`
}

// resourceOf returns what ev touched (see above), "" when it says nothing
// known.
func resourceOf(ev *Event) string {
	var r request
	if err := json.Unmarshal(ev.Raw, &r); err != nil {
		return ""
	}
	p := r.RequestParameters
	part := target.PartitionOf(ev.Region)
	str := func(m map[string]any, k string) string {
		if m == nil {
			return ""
		}
		s, _ := m[k].(string)
		return s
	}
	arn := func(svc, region, res string) string {
		return "arn:" + part + ":" + svc + ":" + region + ":" + ev.Account + ":" + res
	}
	switch ev.Source {
	case "signin.amazonaws.com":
		if ev.IdentityType == "Root" {
			return "AWS::::Account:" + ev.Account
		}
		return ev.IdentityARN
	case "ec2.amazonaws.com":
		if id := str(p, "groupId"); id != "" {
			return arn("ec2", ev.Region, "security-group/"+id)
		}
		if id := str(r.ResponseElements, "groupId"); id != "" {
			return arn("ec2", ev.Region, "security-group/"+id)
		}
		if id := str(p, "networkAclId"); id != "" {
			return arn("ec2", ev.Region, "network-acl/"+id)
		}
		if id := str(p, "routeTableId"); id != "" {
			return arn("ec2", ev.Region, "route-table/"+id)
		}
		if id := str(p, "internetGatewayId"); id != "" {
			return arn("ec2", ev.Region, "internet-gateway/"+id)
		}
		if id := str(p, "vpcId"); id != "" {
			return arn("ec2", ev.Region, "vpc/"+id)
		}
		if id := str(p, "subnetId"); id != "" {
			return arn("ec2", ev.Region, "subnet/"+id)
		}
		if id := str(p, "snapshotId"); id != "" {
			return arn("ec2", ev.Region, "snapshot/"+id)
		}
		if id := firstItem(p, "instancesSet", "instanceId"); id != "" {
			return arn("ec2", ev.Region, "instance/"+id)
		}
		if id := firstItem(r.ResponseElements, "instancesSet", "instanceId"); id != "" {
			return arn("ec2", ev.Region, "instance/"+id)
		}
		if id := str(p, "instanceId"); id != "" {
			return arn("ec2", ev.Region, "instance/"+id)
		}
	case "s3.amazonaws.com":
		if b := str(p, "bucketName"); b != "" {
			return "arn:" + part + ":s3:::" + b
		}
	case "cloudtrail.amazonaws.com":
		for _, k := range []string{"name", "trailName"} {
			if n := str(p, k); n != "" {
				if strings.HasPrefix(n, "arn:") {
					return n
				}
				return arn("cloudtrail", ev.Region, "trail/"+n)
			}
		}
	case "kms.amazonaws.com":
		if k := str(p, "keyId"); k != "" {
			if strings.HasPrefix(k, "arn:") {
				return k
			}
			if !strings.HasPrefix(k, "alias/") {
				return arn("kms", ev.Region, "key/"+k)
			}
		}
	case "iam.amazonaws.com":
		if a := str(p, "policyArn"); a != "" {
			return a
		}
		for _, f := range []struct{ key, kind string }{{"userName", "user"}, {"roleName", "role"}, {"groupName", "group"}} {
			if n := str(p, f.key); n != "" {
				return "arn:" + part + ":iam::" + ev.Account + ":" + f.kind + "/" + n
			}
		}
		if ev.IdentityType == "Root" {
			return "AWS::::Account:" + ev.Account
		}
	case "config.amazonaws.com":
		if n := str(p, "configurationRecorderName"); n != "" {
			return n
		}
	case "guardduty.amazonaws.com":
		if d := str(p, "detectorId"); d != "" {
			return arn("guardduty", ev.Region, "detector/"+d)
		}
	case "lambda.amazonaws.com":
		if f := str(p, "functionName"); f != "" {
			if strings.HasPrefix(f, "arn:") {
				return f
			}
			return arn("lambda", ev.Region, "function:"+f)
		}
	case "rds.amazonaws.com":
		if d := str(p, "dBInstanceIdentifier"); d != "" {
			return arn("rds", ev.Region, "db:"+d)
		}
	}
	if len(r.Resources) > 0 && r.Resources[0].ARN != "" {
		return r.Resources[0].ARN
	}
	return ""
}

// firstItem returns m[set].items[0][key]: how EC2 records list instances.
func firstItem(m map[string]any, set, key string) string {
	s, _ := m[set].(map[string]any)
	items, _ := s["items"].([]any)
	if len(items) == 0 {
		return ""
	}
	it, _ := items[0].(map[string]any)
	v, _ := it[key].(string)
	return v
}

// writeRule maps write events of one service to the controls they can
// change: names are exact, or a prefix ending in "*" (Lambda's names
// carry an API version: AddPermission20150331v2).
type writeRule struct {
	source   string
	names    []string
	controls []string
}

var (
	sgControls     = []string{"EC2.2", "EC2.18", "EC2.19", "EC2.53", "EC2.54"}
	s3Controls     = []string{"S3.1", "S3.2", "S3.3", "S3.5", "S3.6", "S3.8", "S3.9", "S3.12", "S3.14", "S3.17", "S3.20", "CloudTrail.6", "CloudTrail.7"}
	trailControls  = []string{"CloudTrail.1", "CloudTrail.2", "CloudTrail.4", "CloudTrail.5", "CloudTrail.6", "CloudTrail.7", "S3.22", "S3.23"}
	alarmControls  = []string{"CloudWatch.1", "CloudWatch.2", "CloudWatch.3", "CloudWatch.4", "CloudWatch.5", "CloudWatch.6", "CloudWatch.7", "CloudWatch.8", "CloudWatch.9", "CloudWatch.10", "CloudWatch.11", "CloudWatch.12", "CloudWatch.13", "CloudWatch.14", "GR.CloudWatch.1"}
	keyControls    = []string{"KMS.3", "KMS.4", "KMS.5"}
	iamUserControl = []string{"IAM.2", "IAM.3", "IAM.5", "IAM.8", "IAM.19", "IAM.22", "GR.IAM.2", "GR.IAM.3"}
	guardDuty      = []string{"GuardDuty.1", "GuardDuty.5", "GuardDuty.6", "GuardDuty.7", "GuardDuty.8", "GuardDuty.9", "GuardDuty.10", "GuardDuty.11", "GuardDuty.12", "GuardDuty.13"}
	rdsControls    = []string{"RDS.1", "RDS.2", "RDS.3", "RDS.4", "RDS.5", "RDS.6", "RDS.8", "RDS.9", "RDS.10", "RDS.11", "RDS.13", "RDS.17", "RDS.18", "RDS.23"}
	lambdaControls = []string{"Lambda.1", "Lambda.2", "Lambda.3", "Lambda.5"}
)

var writeRules = []writeRule{
	{"ec2.amazonaws.com", []string{"AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
		"RevokeSecurityGroupEgress", "ModifySecurityGroupRules", "CreateSecurityGroup", "DeleteSecurityGroup"}, sgControls},
	{"ec2.amazonaws.com", []string{"RunInstances", "TerminateInstances", "ModifyInstanceMetadataOptions", "AssociateAddress",
		"DisassociateAddress", "AssociateIamInstanceProfile", "DisassociateIamInstanceProfile", "ReplaceIamInstanceProfileAssociation"},
		[]string{"EC2.8", "EC2.9", "GR.EC2.1"}},
	{"ec2.amazonaws.com", []string{"CreateNetworkAcl", "DeleteNetworkAcl", "CreateNetworkAclEntry", "ReplaceNetworkAclEntry", "DeleteNetworkAclEntry"}, []string{"EC2.21"}},
	{"ec2.amazonaws.com", []string{"EnableEbsEncryptionByDefault", "DisableEbsEncryptionByDefault"}, []string{"EC2.7"}},
	{"ec2.amazonaws.com", []string{"ModifySnapshotAttribute"}, []string{"EC2.1"}},
	{"ec2.amazonaws.com", []string{"CreateVolume", "AttachVolume"}, []string{"EC2.3"}},
	{"ec2.amazonaws.com", []string{"CreateVpc", "DeleteVpc", "CreateFlowLogs", "DeleteFlowLogs", "CreateVpcEndpoint", "DeleteVpcEndpoints"}, []string{"EC2.6", "EC2.10"}},
	{"ec2.amazonaws.com", []string{"ModifySubnetAttribute", "CreateSubnet"}, []string{"EC2.15"}},
	{"ec2.amazonaws.com", []string{"ModifyTransitGateway", "CreateTransitGateway"}, []string{"EC2.23"}},
	{"ec2.amazonaws.com", []string{"CreateLaunchTemplate", "CreateLaunchTemplateVersion", "ModifyLaunchTemplate"}, []string{"EC2.25", "EC2.170"}},
	{"s3.amazonaws.com", []string{"CreateBucket", "DeleteBucket", "PutBucketPolicy", "DeleteBucketPolicy", "PutBucketAcl",
		"PutBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock", "PutAccountPublicAccessBlock", "DeleteAccountPublicAccessBlock",
		"PutBucketOwnershipControls", "DeleteBucketOwnershipControls", "PutBucketEncryption", "DeleteBucketEncryption",
		"PutBucketLogging", "PutBucketVersioning"}, s3Controls},
	{"cloudtrail.amazonaws.com", []string{"CreateTrail", "DeleteTrail", "UpdateTrail", "StartLogging", "StopLogging",
		"PutEventSelectors", "PutInsightSelectors"}, trailControls},
	{"logs.amazonaws.com", []string{"PutMetricFilter", "DeleteMetricFilter", "DeleteLogGroup"}, alarmControls},
	{"monitoring.amazonaws.com", []string{"PutMetricAlarm", "DeleteAlarms"}, alarmControls},
	{"sns.amazonaws.com", []string{"Subscribe", "Unsubscribe", "DeleteTopic"}, alarmControls},
	{"kms.amazonaws.com", []string{"DisableKey", "EnableKey", "ScheduleKeyDeletion", "CancelKeyDeletion", "EnableKeyRotation",
		"DisableKeyRotation", "PutKeyPolicy", "CreateKey"}, keyControls},
	{"iam.amazonaws.com", []string{"CreateAccessKey", "DeleteAccessKey", "UpdateAccessKey", "CreateLoginProfile", "DeleteLoginProfile",
		"EnableMFADevice", "DeactivateMFADevice", "AttachUserPolicy", "DetachUserPolicy", "PutUserPolicy", "DeleteUserPolicy",
		"CreateUser", "DeleteUser"}, append([]string{"IAM.4", "IAM.6", "IAM.9"}, iamUserControl...)},
	{"iam.amazonaws.com", []string{"CreatePolicy", "CreatePolicyVersion", "SetDefaultPolicyVersion", "DeletePolicy", "PutRolePolicy",
		"DeleteRolePolicy", "AttachRolePolicy", "DetachRolePolicy", "AttachGroupPolicy", "DetachGroupPolicy", "PutGroupPolicy"},
		[]string{"IAM.1", "IAM.21", "KMS.1", "KMS.2", "GR.IAM.4"}},
	{"iam.amazonaws.com", []string{"UpdateAccountPasswordPolicy", "DeleteAccountPasswordPolicy"}, []string{"IAM.7", "IAM.15", "IAM.16"}},
	{"iam.amazonaws.com", []string{"CreateRole", "DeleteRole"}, []string{"IAM.18"}},
	{"config.amazonaws.com", []string{"PutConfigurationRecorder", "DeleteConfigurationRecorder", "StartConfigurationRecorder",
		"StopConfigurationRecorder", "PutDeliveryChannel", "DeleteDeliveryChannel"}, []string{"Config.1"}},
	{"guardduty.amazonaws.com", []string{"CreateDetector", "DeleteDetector", "UpdateDetector"}, guardDuty},
	{"securityhub.amazonaws.com", []string{"EnableSecurityHub", "DisableSecurityHub", "BatchEnableStandards", "BatchDisableStandards"},
		[]string{"GR.SecurityHub.1", "GR.SecurityHub.2"}},
	{"access-analyzer.amazonaws.com", []string{"CreateAnalyzer", "DeleteAnalyzer"}, []string{"IAM.28"}},
	{"inspector2.amazonaws.com", []string{"Enable", "Disable"}, []string{"Inspector.1", "Inspector.2", "Inspector.3", "Inspector.4"}},
	{"rds.amazonaws.com", []string{"CreateDBInstance", "DeleteDBInstance", "ModifyDBInstance", "ModifyDBSnapshotAttribute",
		"ModifyDBClusterSnapshotAttribute", "CreateDBSnapshot"}, rdsControls},
	{"lambda.amazonaws.com", []string{"AddPermission*", "RemovePermission*", "CreateFunction*", "UpdateFunctionConfiguration*", "DeleteFunction*"}, lambdaControls},
	{"account.amazonaws.com", []string{"PutAlternateContact", "DeleteAlternateContact"}, []string{"Account.1"}},
}

// writeIndex is writeRules by source and exact name, with the prefixes
// apart.
var writeIndex = func() map[string]map[string][]string {
	idx := map[string]map[string][]string{}
	for _, w := range writeRules {
		if idx[w.source] == nil {
			idx[w.source] = map[string][]string{}
		}
		for _, n := range w.names {
			idx[w.source][n] = append(idx[w.source][n], w.controls...)
		}
	}
	return idx
}()

// writeControls returns the controls a successful write event of source
// and name can change (none for an event of another kind).
func writeControls(source, name string) []string {
	bySource := writeIndex[source]
	if bySource == nil {
		return nil
	}
	if cs, ok := bySource[name]; ok {
		return cs
	}
	for n, cs := range bySource {
		if strings.HasSuffix(n, "*") && strings.HasPrefix(name, strings.TrimSuffix(n, "*")) {
			return cs
		}
	}
	return nil
}
