package cloudformation

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/iac"
)

// TestMapping: per resource type, a template fragment and the verdicts
// the controls give on it (a prefix of "STATUS reason").
func TestMapping(t *testing.T) {
	for _, c := range []struct {
		name, template string
		want           map[string]string
	}{
		{"bucket defaults", `
Resources:
  B:
    Type: AWS::S3::Bucket
`, map[string]string{
			"B S3.8":  "PASSED all four bucket-level Block Public Access settings are on",
			"B S3.12": "PASSED ACLs are disabled (Object Ownership: BucketOwnerEnforced)",
			"B S3.17": "FAILED default encryption is AES256 (SSE-S3), not SSE-KMS",
			"B S3.9":  "FAILED server access logging is disabled",
			"B S3.5":  "FAILED no bucket policy",
		}},
		{"bucket logging to itself, object lock, unknown encryption key", `
Parameters:
  KeyArn: {Type: String}
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      ObjectLockEnabled: true
      LoggingConfiguration: {LogFilePrefix: self/}
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: "aws:kms", KMSMasterKeyID: !Ref KeyArn}
`, map[string]string{
			"B S3.9":  "PASSED server access logs go to template-b-",
			"B S3.20": "FAILED MFA delete is not enabled",
			"B S3.17": "UNKNOWN bucket encryption could not be read: known after apply: BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID (parameter KeyArn has no Default",
			"B S3.8":  "PASSED",
		}},
		{"bucket policy on a bucket outside the template", `
Resources:
  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: existing-bucket
      PolicyDocument: {Statement: [{Effect: Allow, Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::existing-bucket/*"}]}
`, map[string]string{
			"P -": "NOT_ASSESSED the bucket existing-bucket is not defined in this template",
		}},
		{"bucket policy joined by name", `
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties: {BucketName: named}
  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: named
      PolicyDocument: {Statement: [{Effect: Allow, Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::named/*"}]}
`, map[string]string{
			"B S3.2": "PASSED", // Block Public Access (the default) blocks the public policy
			"B S3.6": "PASSED",
		}},
		{"security group: default egress, rule with an unknown CIDR", `
Parameters:
  Cidr: {Type: String}
Resources:
  G:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: g
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref Cidr}
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - {IpProtocol: "-1", CidrIpv6: "::/0"}
`, map[string]string{
			"G EC2.53":   "UNKNOWN known after apply: SecurityGroupIngress[0].CidrIp (parameter Cidr has no Default",
			"Web EC2.54": "FAILED port 22, 3389 open to the internet",
			"Web EC2.18": "FAILED open to the internet beyond tcp/80 and tcp/443: rule (all traffic from ::/0)",
		}},
		{"rule resource on a group outside the template", `
Resources:
  R:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: sg-0123456789abcdef0, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
`, map[string]string{
			"R -": "NOT_ASSESSED the security group sg-0123456789abcdef0 is not defined in this template",
		}},
		{"vpc with a flow log, subnet mapping public IPs", `
Resources:
  V:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  L:
    Type: AWS::EC2::FlowLog
    Properties: {ResourceId: !Ref V, ResourceType: VPC, TrafficType: ALL, LogDestinationType: s3, LogDestination: arn:aws:s3:::logs}
  S:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref V, CidrBlock: 10.0.1.0/24, MapPublicIpOnLaunch: true}
  I:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-1, SubnetId: !Ref S, MetadataOptions: {HttpTokens: required}}
`, map[string]string{
			"V EC2.6":  "PASSED",
			"S EC2.15": "FAILED",
			"I EC2.9":  "FAILED public IPv4 address (known after apply)",
			"I EC2.8":  "PASSED IMDSv2 required",
		}},
		{"instance: IMDS from its launch template, unknown subnet", `
Resources:
  T:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        MetadataOptions: {HttpTokens: required}
  I:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      SubnetId: subnet-0123
      LaunchTemplate: {LaunchTemplateId: !Ref T, Version: !GetAtt T.LatestVersionNumber}
  J:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-1, SubnetId: subnet-0123}
`, map[string]string{
			"I EC2.8":   "PASSED IMDSv2 required",
			"I EC2.9":   "UNKNOWN known after apply: NetworkInterfaces[0].AssociatePublicIpAddress (unset: the subnet's MapPublicIpOnLaunch decides",
			"J EC2.8":   "UNKNOWN known after apply: MetadataOptions.HttpTokens (unset: the AMI and the account's IMDS defaults decide at launch)",
			"T EC2.170": "PASSED",
		}},
		{"volumes: encrypted, unset, attached", `
Resources:
  Enc:
    Type: AWS::EC2::Volume
    Properties: {Size: 10, Encrypted: true, AvailabilityZone: us-east-1a}
  Plain:
    Type: AWS::EC2::Volume
    Properties: {Size: 10, AvailabilityZone: us-east-1a}
  I:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-1, SubnetId: subnet-1}
  A:
    Type: AWS::EC2::VolumeAttachment
    Properties: {VolumeId: !Ref Plain, InstanceId: !Ref I, Device: /dev/sdf}
`, map[string]string{
			"Enc EC2.3":   "NOT_APPLICABLE volume is not attached",
			"Plain EC2.3": "UNKNOWN known after apply: Encrypted (unset: EBS encryption by default",
		}},
		{"kms key: default policy, rotation unknown", `
Parameters:
  Rotate: {Type: String, AllowedValues: ["true", "false"]}
Resources:
  K:
    Type: AWS::KMS::Key
    Properties: {EnableKeyRotation: !Ref Rotate}
  A:
    Type: AWS::KMS::Alias
    Properties: {AliasName: alias/app, TargetKeyId: !Ref K}
`, map[string]string{
			"K KMS.5": "PASSED",
			"K KMS.4": "UNKNOWN",
			"K KMS.3": "PASSED",
		}},
		{"rds instance and cluster", `
Resources:
  C:
    Type: AWS::RDS::DBCluster
    Properties: {Engine: aurora-postgresql, StorageEncrypted: true, DeletionProtection: true}
  D:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, DBInstanceClass: db.t3.micro, PubliclyAccessible: false, StorageEncrypted: true, MultiAZ: true, Port: 5433, BackupRetentionPeriod: 7}
  U:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql, DBInstanceClass: db.t3.micro}
`, map[string]string{
			"D RDS.2":  "PASSED",
			"D RDS.3":  "PASSED",
			"D RDS.23": "PASSED",
			"D RDS.11": "PASSED",
			"U RDS.2":  "UNKNOWN known after apply: PubliclyAccessible (unset: the DB subnet group",
			"U RDS.3":  "FAILED storage not encrypted",
			"U RDS.23": "FAILED listens on mysql's default port 3306",
		}},
		{"lambda function with a public permission and a URL", `
Resources:
  F:
    Type: AWS::Lambda::Function
    Properties: {Runtime: nodejs22.x, Handler: i.h, Role: arn:aws:iam::000000000000:role/r, Code: {ZipFile: x}}
  P:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: !Ref F, Action: "lambda:InvokeFunctionUrl", Principal: "*", FunctionUrlAuthType: NONE}
  U:
    Type: AWS::Lambda::Url
    Properties: {TargetFunctionArn: !GetAtt F.Arn, AuthType: NONE}
  S:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: !Ref F, Action: "lambda:InvokeFunction", Principal: s3.amazonaws.com, SourceAccount: !Ref AWS::AccountId}
`, map[string]string{
			"F Lambda.1": "FAILED public function policy: P allows lambda:InvokeFunctionUrl to any principal",
			"F Lambda.2": "PASSED runtime nodejs22.x",
			"F Lambda.3": "FAILED not connected to a VPC",
		}},
		{"nested stack, SAM function, custom resource", `
Transform: AWS::Serverless-2016-10-31
Resources:
  N:
    Type: AWS::CloudFormation::Stack
    Properties: {TemplateURL: https://example.com/n.json}
  F:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: i.h, CodeUri: .}
  C:
    Type: Custom::Seed
    Properties: {ServiceToken: arn:aws:lambda:us-east-1:000000000000:function:seed}
  M:
    Type: AWS::CDK::Metadata
`, map[string]string{
			"N -": "NOT_ASSESSED nested stack",
			"F -": "NOT_ASSESSED expanded by the transform AWS::Serverless-2016-10-31 at deploy",
			"C -": "NOT_ASSESSED custom resource",
		}},
		{"iam policy on principals outside the template", `
Resources:
  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      Roles: [existing-role]
      PolicyDocument: {Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}
`, map[string]string{
			"P -": "NOT_ASSESSED it is attached to role existing-role, not defined in this template",
		}},
		{"iam user with a group and an access key", `
Resources:
  G:
    Type: AWS::IAM::Group
    Properties: {GroupName: admins, ManagedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"]}
  U:
    Type: AWS::IAM::User
    Properties: {UserName: carol, Groups: [!Ref G], LoginProfile: {Password: x}}
  K:
    Type: AWS::IAM::AccessKey
    Properties: {UserName: !Ref U}
`, map[string]string{
			"U IAM.2": "PASSED",
			"U IAM.5": "FAILED MFA is not enabled for console user carol",
			"U IAM.3": "PASSED",
		}},
		{"trail with CloudWatch Logs and a KMS key of the template", `
Resources:
  K:
    Type: AWS::KMS::Key
    Properties: {EnableKeyRotation: true}
  T:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      S3BucketName: logs
      IsMultiRegionTrail: true
      EnableLogFileValidation: true
      KMSKeyId: !Ref K
      CloudWatchLogsLogGroupArn: !GetAtt G.Arn
      CloudWatchLogsRoleArn: arn:aws:iam::000000000000:role/ct
  G:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: trail}
`, map[string]string{
			"T CloudTrail.2": "PASSED trail template-T-",
			"T CloudTrail.4": "PASSED",
			"T CloudTrail.5": "PASSED trail template-T-",
		}},
		{"metric filter, alarm and topic", `
Resources:
  F:
    Type: AWS::Logs::MetricFilter
    Properties:
      LogGroupName: trail
      FilterPattern: '{ ($.userIdentity.type = "Root") && ($.userIdentity.invokedBy NOT EXISTS) && ($.eventType != "AwsServiceEvent") }'
      MetricTransformations: [{MetricName: RootUse, MetricNamespace: CIS, MetricValue: "1"}]
  A:
    Type: AWS::CloudWatch::Alarm
    Properties: {MetricName: RootUse, Namespace: CIS, Statistic: Sum, Period: 300, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: GreaterThanOrEqualToThreshold, AlarmActions: [!Ref N]}
  N:
    Type: AWS::SNS::Topic
    Properties:
      Subscription: [{Protocol: email, Endpoint: sec@example.com}]
`, map[string]string{
			"F CloudWatch.1": "FAILED no multi-region trail",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := verdicts(t, loadText(t, "template.yaml", c.template, LoadOptions{}))
			expect(t, got, c.want)
		})
	}
}

// TestUnknownPerControl: an unknown property makes UNKNOWN only the
// controls it decides; the others keep their verdict.
func TestUnknownPerControl(t *testing.T) {
	srcs := loadText(t, "template.yaml", `
Parameters:
  Tokens: {Type: String}
Resources:
  I:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      SubnetId: subnet-1
      MetadataOptions: {HttpTokens: !Ref Tokens}
      NetworkInterfaces: [{DeviceIndex: "0", AssociatePublicIpAddress: false, SubnetId: subnet-1}]
      IamInstanceProfile: app
`, LoadOptions{})
	got := verdicts(t, srcs)
	expect(t, got, map[string]string{
		"I EC2.8":    "UNKNOWN known after apply: MetadataOptions.HttpTokens (parameter Tokens has no Default",
		"I EC2.9":    "PASSED no public IPv4 address",
		"I GR.EC2.1": "PASSED instance profile arn:aws:iam::000000000000:instance-profile/app",
	})
	var inst *iac.Resource
	for _, r := range srcs[0].Resources {
		if r.Address == "I" {
			inst = r
		}
	}
	if inst == nil || len(inst.Unknown) != 1 || !strings.HasPrefix(inst.Unknown[0], "MetadataOptions.HttpTokens") {
		t.Errorf("unknowns = %+v", inst)
	}
	// With the parameter given, it is decided.
	got = verdicts(t, loadText(t, "template.yaml", `
Parameters:
  Tokens: {Type: String}
Resources:
  I:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-1, SubnetId: subnet-1, MetadataOptions: {HttpTokens: !Ref Tokens}}
`, LoadOptions{Options: Options{Parameters: map[string]string{"Tokens": "optional"}}}))
	expect(t, got, map[string]string{"I EC2.8": "FAILED IMDSv1 allowed (HttpTokens optional)"})
}

// TestConditionUnknown: a resource that exists only under a condition
// the template does not decide is judged, every verdict UNKNOWN.
func TestConditionUnknown(t *testing.T) {
	got := verdicts(t, loadText(t, "template.yaml", `
Parameters:
  Env: {Type: String}
Conditions:
  Prod: !Equals [!Ref Env, prod]
Resources:
  B:
    Type: AWS::S3::Bucket
    Condition: Prod
`, LoadOptions{}))
	expect(t, got, map[string]string{"B S3.17": "UNKNOWN known after apply: Condition Prod (parameter Env has no Default"})
}
