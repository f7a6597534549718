package iactest

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	configapi "github.com/aws/aws-sdk-go-v2/service/configservice"
	configtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	guarddutyapi "github.com/aws/aws-sdk-go-v2/service/guardduty"
	iamapi "github.com/aws/aws-sdk-go-v2/service/iam"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
)

// The CloudFormation column of the equivalence table: for each scenario
// (by name), the same misconfiguration as a CloudFormation template. It
// lives in its own file so the Terraform and CloudFormation columns are
// written apart; CloudFormationTemplate prefers a scenario's own
// Template.

// NoTemplate names the scenarios CloudFormation cannot express, and why.
var NoTemplate = map[string]string{
	"weak account password policy":  "CloudFormation has no resource type for the account password policy",
	"EBS encryption by default off": "CloudFormation has no resource type for EBS encryption by default",
	"Config recorder defined but never started": "CloudFormation starts a recorder once a delivery channel exists; " +
		"without one in the template the recorder's state depends on the account (UNKNOWN, see the mapping tests)",
}

// CloudFormationTemplate returns sc's template, "" when there is none.
func CloudFormationTemplate(sc Scenario) string {
	if sc.Template != "" {
		return sc.Template
	}
	return templates[sc.Name]
}

var templates = map[string]string{
	"s3 bucket made public with the split resources of provider v4+": `
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Public:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: eq-public
      AccessControl: PublicRead
      OwnershipControls:
        Rules:
          - ObjectOwnership: ObjectWriter
      PublicAccessBlockConfiguration:
        BlockPublicAcls: false
        IgnorePublicAcls: false
        BlockPublicPolicy: false
        RestrictPublicBuckets: false
`,
	// JSON, with the long forms.
	"s3 bucket with the inline acl and policy of provider v3": `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Inline": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "BucketName": "eq-inline",
        "AccessControl": "PublicReadWrite",
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]},
        "PublicAccessBlockConfiguration": {"BlockPublicAcls": false, "IgnorePublicAcls": false, "BlockPublicPolicy": false, "RestrictPublicBuckets": false}
      }
    },
    "InlinePolicy": {
      "Type": "AWS::S3::BucketPolicy",
      "Properties": {
        "Bucket": {"Ref": "Inline"},
        "PolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Inline", "Arn"]}, "/*"]]}}]
        }
      }
    }
  }
}`,
	"security group open to the internet on SSH and RDP": `
Resources:
  Main:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.20.0.0/16}
  Admin:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: eq-admin
      GroupDescription: admin access
      VpcId: !Ref Main
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
  Rdp:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt Admin.GroupId
      IpProtocol: tcp
      FromPort: 3389
      ToPort: 3389
      CidrIp: 0.0.0.0/0
`,
	"VPC without flow logs, its default security group as EC2 creates it": `
Resources:
  NoLogs:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.30.0.0/16
`,
	"launch template with a public IP and IMDSv1": `
Resources:
  Web:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateName: eq-web
      LaunchTemplateData:
        MetadataOptions: {HttpTokens: optional, HttpEndpoint: enabled}
        NetworkInterfaces:
          - {DeviceIndex: 0, AssociatePublicIpAddress: true}
`,
	"instance with IMDSv1, a public IP and an unencrypted root volume": `
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0abcdef1234567890
      InstanceType: t3.micro
      MetadataOptions: {HttpTokens: optional, HttpEndpoint: enabled}
      BlockDeviceMappings:
        - DeviceName: /dev/xvda
          Ebs: {VolumeSize: 8, VolumeType: gp3, Encrypted: false}
`,
	"KMS key without automatic rotation": `
Resources:
  Data:
    Type: AWS::KMS::Key
    Properties:
      Description: eq data key
      EnableKeyRotation: false
`,
	"IAM user with an administrator policy attached": `
Resources:
  Alice:
    Type: AWS::IAM::User
    Properties:
      UserName: eq-alice
  Admin:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: eq-admin
      Users: [!Ref Alice]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: "*", Resource: "*"}
`,
	"console user without MFA, with an access key made at setup": `
Resources:
  Bob:
    Type: AWS::IAM::User
    Properties:
      UserName: eq-bob
      LoginProfile: {Password: "{{resolve:secretsmanager:bob-initial-password}}"}
  BobKey:
    Type: AWS::IAM::AccessKey
    Properties: {UserName: !Ref Bob, Status: Active}
`,
	"KMS key whose policy lets anyone use it": `{
  "Resources": {
    "Open": {
      "Type": "AWS::KMS::Key",
      "Properties": {
        "Description": "eq open key",
        "EnableKeyRotation": true,
        "KeyPolicy": {"Version": "2012-10-17", "Statement": [{"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}]}
      }
    }
  }
}`,
	"GuardDuty detector suspended": `
Resources:
  Main:
    Type: AWS::GuardDuty::Detector
    Properties: {Enable: false}
`,
	// The account's default VPC is not in the template: the group names
	// it by ID, as a user deploying into the default VPC writes it.
	"instance behind a security group open on SSH": `
Resources:
  Bastion:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: eq-bastion
      GroupDescription: bastion
      VpcId: vpc-0default00000000
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
  BastionHost:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0abcdef1234567890
      SecurityGroupIds: [!GetAtt Bastion.GroupId]
      MetadataOptions: {HttpTokens: required}
`,
	"RDS instance reachable from the internet, unencrypted, without backups": `
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceIdentifier: eq-db
      Engine: mysql
      EngineVersion: "8.0.35"
      DBInstanceClass: db.t3.micro
      AllocatedStorage: "20"
      StorageType: gp3
      MasterUsername: admin
      ManageMasterUserPassword: true
      PubliclyAccessible: true
      StorageEncrypted: false
      BackupRetentionPeriod: 0
      AutoMinorVersionUpgrade: true
      Port: "3306"
`,
	// The mapping reports a permission's statement under its logical ID
	// (the Sid CloudFormation deploys is generated from the stack name,
	// the logical ID and a random suffix): the permission is named as the
	// live side's statement.
	"Lambda function anyone may invoke, on a deprecated runtime": `
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: eq-fn
      Runtime: python3.7
      Handler: app.handler
      Role: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/eq-fn
      Timeout: 3
      MemorySize: 128
      Code:
        ZipFile: |
          def handler(event, context):
              return "ok"
  public:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunction
      Principal: "*"
`,
	"CIS monitoring: a root-usage alarm whose topic has no confirmed subscriber, no IAM policy filter": `
Resources:
  TrailLogs:
    Type: AWS::S3::Bucket
    Properties: {BucketName: eq-ct-logs}
  TrailGroup:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: eq-trail-group}
  TrailRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: eq-cloudtrail-logs
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {Service: cloudtrail.amazonaws.com}, Action: "sts:AssumeRole"}]
  OrgTrail:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: eq-org-trail
      S3BucketName: !Ref TrailLogs
      IsLogging: true
      IsMultiRegionTrail: true
      IncludeGlobalServiceEvents: true
      CloudWatchLogsLogGroupArn: !GetAtt TrailGroup.Arn
      CloudWatchLogsRoleArn: !GetAtt TrailRole.Arn
  RootUsageFilter:
    Type: AWS::Logs::MetricFilter
    Properties:
      FilterName: root-usage
      LogGroupName: !Ref TrailGroup
      FilterPattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
      MetricTransformations:
        - {MetricName: RootUsage, MetricNamespace: CIS, MetricValue: "1"}
  Alarms:
    Type: AWS::SNS::Topic
    Properties: {TopicName: eq-alarms}
  SecOps:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Alarms
      Protocol: email
      Endpoint: secops@example.com
  RootUsageAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmName: root-usage
      MetricName: RootUsage
      Namespace: CIS
      Statistic: Sum
      Period: 300
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
      AlarmActions: [!Ref Alarms]
`,
	"single-region trail without log file validation or KMS": `
Parameters:
  TrailName: {Type: String, Default: eq-trail}
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties: {BucketName: eq-trail-logs}
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: !Ref TrailName
      S3BucketName: !Ref Logs
      IsLogging: true
      IsMultiRegionTrail: false
      IncludeGlobalServiceEvents: true
      EnableLogFileValidation: false
`,
}

// CloudFormationScenarios are rows whose live side and template exist,
// and whose Terraform plan is not written yet: the CloudFormation test
// runs them with Scenarios. A row that gains a Plan moves to Scenarios.
func CloudFormationScenarios() []Scenario {
	return []Scenario{
		{
			Name:     "GuardDuty detector with the features it gets by default",
			Controls: []string{"GuardDuty.1", "GuardDuty.5", "GuardDuty.6", "GuardDuty.7", "GuardDuty.8", "GuardDuty.9", "GuardDuty.10"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				_, err := guarddutyapi.NewFromConfig(cfg).CreateDetector(ctx, &guarddutyapi.CreateDetectorInput{Enable: aws.Bool(true)})
				return err
			},
			Template: `
Resources:
  Detector:
    Type: AWS::GuardDuty::Detector
    Properties: {Enable: true}
`,
		},
		{
			Name:     "Config recorder without the global resource types",
			Controls: []string{"Config.1"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				s3c := s3api.NewFromConfig(cfg, func(o *s3api.Options) { o.UsePathStyle = true })
				if _, err := s3c.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String("eq-config")}); err != nil {
					return err
				}
				c := configapi.NewFromConfig(cfg)
				if _, err := c.PutConfigurationRecorder(ctx, &configapi.PutConfigurationRecorderInput{ConfigurationRecorder: &configtypes.ConfigurationRecorder{
					Name: aws.String("default"), RoleARN: aws.String("arn:aws:iam::" + Account + ":role/config"),
					RecordingGroup: &configtypes.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: false}}}); err != nil {
					return err
				}
				if _, err := c.PutDeliveryChannel(ctx, &configapi.PutDeliveryChannelInput{DeliveryChannel: &configtypes.DeliveryChannel{
					Name: aws.String("default"), S3BucketName: aws.String("eq-config")}}); err != nil {
					return err
				}
				_, err := c.StartConfigurationRecorder(ctx, &configapi.StartConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")})
				return err
			},
			Template: `
Resources:
  ConfigBucket:
    Type: AWS::S3::Bucket
    Properties: {BucketName: eq-config}
  Recorder:
    Type: AWS::Config::ConfigurationRecorder
    Properties:
      Name: default
      RoleARN: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/config
      RecordingGroup: {AllSupported: true, IncludeGlobalResourceTypes: false}
  Channel:
    Type: AWS::Config::DeliveryChannel
    Properties:
      Name: default
      S3BucketName: !Ref ConfigBucket
`,
		},
		{
			Name:     "inline policies on a user and a role allowing every KMS key",
			Controls: []string{"IAM.2", "KMS.2"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				c := iamapi.NewFromConfig(cfg)
				if _, err := c.CreateUser(ctx, &iamapi.CreateUserInput{UserName: aws.String("eq-bob")}); err != nil {
					return err
				}
				if _, err := c.PutUserPolicy(ctx, &iamapi.PutUserPolicyInput{UserName: aws.String("eq-bob"), PolicyName: aws.String("decrypt"), PolicyDocument: aws.String(decryptPolicy)}); err != nil {
					return err
				}
				if _, err := c.CreateRole(ctx, &iamapi.CreateRoleInput{RoleName: aws.String("eq-app"), AssumeRolePolicyDocument: aws.String(ec2Trust)}); err != nil {
					return err
				}
				_, err := c.PutRolePolicy(ctx, &iamapi.PutRolePolicyInput{RoleName: aws.String("eq-app"), PolicyName: aws.String("decrypt"), PolicyDocument: aws.String(decryptPolicy)})
				return err
			},
			Template: `
Resources:
  Bob:
    Type: AWS::IAM::User
    Properties:
      UserName: eq-bob
  App:
    Type: AWS::IAM::Role
    Properties:
      RoleName: eq-app
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]
  Decrypt:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: decrypt
      Users: [!Ref Bob]
      Roles: [!Ref App]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: "kms:Decrypt", Resource: "*"}
`,
		},
	}
}

const decryptPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`

const ec2Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
