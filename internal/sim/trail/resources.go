package trail

import (
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// resourceKeys map a request member, per service, to the resource type
// it names (what LookupEvents shows and filters by as ResourceType and
// ResourceName).
var resourceKeys = map[string]map[string]string{
	"ec2": {
		"groupId": "AWS::EC2::SecurityGroup", "instanceId": "AWS::EC2::Instance", "vpcId": "AWS::EC2::VPC",
		"subnetId": "AWS::EC2::Subnet", "networkAclId": "AWS::EC2::NetworkAcl", "routeTableId": "AWS::EC2::RouteTable",
		"internetGatewayId": "AWS::EC2::InternetGateway", "natGatewayId": "AWS::EC2::NatGateway",
		"volumeId": "AWS::EC2::Volume", "snapshotId": "AWS::EC2::Snapshot", "imageId": "AWS::EC2::Ami",
		"keyName": "AWS::EC2::KeyPair", "networkInterfaceId": "AWS::EC2::NetworkInterface",
		"customerGatewayId": "AWS::EC2::CustomerGateway", "vpnGatewayId": "AWS::EC2::VPNGateway",
		"transitGatewayId": "AWS::EC2::TransitGateway",
	},
	"iam": {
		"userName": "AWS::IAM::User", "roleName": "AWS::IAM::Role", "groupName": "AWS::IAM::Group",
		"policyArn": "AWS::IAM::Policy", "instanceProfileName": "AWS::IAM::InstanceProfile",
		"accessKeyId": "AWS::IAM::AccessKey",
	},
	"s3":            {"bucketName": "AWS::S3::Bucket"},
	"s3control":     {"name": "AWS::S3::AccessPoint"},
	"cloudtrail":    {"name": "AWS::CloudTrail::Trail", "trailName": "AWS::CloudTrail::Trail"},
	"kms":           {"keyId": "AWS::KMS::Key", "targetKeyId": "AWS::KMS::Key", "aliasName": "AWS::KMS::Alias"},
	"config":        {"configurationRecorderName": "AWS::Config::ConfigurationRecorder", "deliveryChannelName": "AWS::Config::DeliveryChannel", "configRuleName": "AWS::Config::ConfigRule"},
	"guardduty":     {"detectorId": "AWS::GuardDuty::Detector"},
	"lambda":        {"functionName": "AWS::Lambda::Function"},
	"rds":           {"dBInstanceIdentifier": "AWS::RDS::DBInstance", "dBClusterIdentifier": "AWS::RDS::DBCluster", "dBSnapshotIdentifier": "AWS::RDS::DBSnapshot"},
	"logs":          {"logGroupName": "AWS::Logs::LogGroup"},
	"monitoring":    {"alarmName": "AWS::CloudWatch::Alarm", "alarmNames": "AWS::CloudWatch::Alarm"},
	"sns":           {"topicArn": "AWS::SNS::Topic"},
	"organizations": {"policyId": "AWS::Organizations::Policy", "accountId": "AWS::Organizations::Account"},
	"sts":           {"roleArn": "AWS::IAM::Role"},
	"sqs":           {"queueUrl": "AWS::SQS::Queue", "queueName": "AWS::SQS::Queue"},
	"events":        {"name": "AWS::Events::Rule", "rule": "AWS::Events::Rule"},
}

// resources are the resources a call names. S3 data events name their
// object and bucket with ARNs (and so go into the record), as AWS writes
// them; so does STS's AssumeRole with the role.
func (s *source) resources(params map[string]any) []world.TrailResource {
	var out []world.TrailResource
	if s.service == "s3" && DataEvent(s.service, s.op) {
		b, _ := params["bucketName"].(string)
		if b == "" {
			return nil
		}
		k, _ := params["key"].(string)
		if k == "" {
			k, _ = params["prefix"].(string)
		}
		return []world.TrailResource{
			{Type: "AWS::S3::Object", Name: b + "/" + k, ARN: "arn:aws:s3:::" + b + "/" + k},
			{Type: "AWS::S3::Bucket", Name: b, ARN: "arn:aws:s3:::" + b, AccountID: s.account},
		}
	}
	keys := resourceKeys[s.service]
	if keys == nil {
		return nil
	}
	seen := map[world.TrailResource]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			names := make([]string, 0, len(x))
			for k := range x {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				if typ, ok := keys[k]; ok {
					for _, name := range strs(x[k]) {
						r := world.TrailResource{Type: typ, Name: name}
						if s.service == "sts" && strings.HasPrefix(name, "arn:") {
							r.ARN = name
							if f := strings.Split(name, ":"); len(f) > 4 {
								r.AccountID = f[4]
							}
						}
						if !seen[r] {
							seen[r] = true
							out = append(out, r)
						}
					}
					continue
				}
				walk(x[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(params)
	return out
}

func strs(v any) []string {
	switch x := v.(type) {
	case string:
		if x != "" {
			return []string{x}
		}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
