package iactest

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	cloudtrailapi "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cloudwatchapi "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	logsapi "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	configapi "github.com/aws/aws-sdk-go-v2/service/configservice"
	configtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	guarddutyapi "github.com/aws/aws-sdk-go-v2/service/guardduty"
	iamapi "github.com/aws/aws-sdk-go-v2/service/iam"
	kmsapi "github.com/aws/aws-sdk-go-v2/service/kms"
	lambdaapi "github.com/aws/aws-sdk-go-v2/service/lambda"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	snsapi "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// defaultVPC gives the account the default VPC every region has, with a
// default subnet that maps public IPs on launch.
func defaultVPC(w *world.World) {
	e := &w.Account(Account).In(Region).EC2
	e.VPCs = append(e.VPCs, &world.VPC{ID: "vpc-0default00000000", CIDR: "172.31.0.0/16", IsDefault: true, State: "available"})
	e.Subnets = append(e.Subnets, &world.Subnet{ID: "subnet-0default0000000", VPCID: "vpc-0default00000000", CIDR: "172.31.0.0/20",
		AZ: Region + "a", DefaultForAZ: true, MapPublicIP: true, AvailableIPCount: 4091})
}

// Scenario is one row of the equivalence table: a misconfiguration
// created live through the SDK, and the same as a Terraform plan (and,
// from the CloudFormation loader's branch, as a template). Controls are
// the controls compared: both sides must give each of them the same
// FAILED verdicts, with the same reasons once IDs are normalized.
type Scenario struct {
	Name     string
	Controls []string
	// World, when set, prepares state every real account has and the
	// simulator's API cannot create (a default VPC), before the baseline.
	World func(w *world.World)
	// Seed, when set, puts in the world the part of the
	// misconfiguration the simulator's API cannot create (it has no
	// CreateDBInstance nor CreateFunction), as the remediation tests do;
	// only the simulator that sees the setup gets it.
	Seed func(w *world.World)
	// Live creates the misconfiguration in the simulator's account
	// through the SDK.
	Live func(ctx context.Context, cfg aws.Config) error
	// Plan is the same as a Terraform plan's resources.
	Plan []Resource
	// Template is the same as a CloudFormation template (YAML or JSON);
	// "" until the CloudFormation column is filled.
	Template string
}

const adminPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

const (
	trailGroupARN    = "arn:aws:logs:us-east-1:" + Account + ":log-group:eq-trail-group:*"
	trailRoleARN     = "arn:aws:iam::" + Account + ":role/eq-cloudtrail-logs"
	cloudtrailTrust  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	rootUsagePattern = `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`
)

const openKeyPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*"}]}`

const publicReadPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::eq-inline/*"}]}`

func bucketRef(name string) map[string][]string {
	return map[string][]string{"bucket": {"aws_s3_bucket." + name + ".id", "aws_s3_bucket." + name}}
}

func pabValues(on bool) map[string]any {
	return map[string]any{"block_public_acls": on, "ignore_public_acls": on, "block_public_policy": on, "restrict_public_buckets": on}
}

// Scenarios returns the equivalence table.
func Scenarios() []Scenario {
	return []Scenario{
		{
			Name:     "s3 bucket made public with the split resources of provider v4+",
			Controls: []string{"S3.2", "S3.5", "S3.8", "S3.9", "S3.12", "S3.17", "S3.20"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				c := s3api.NewFromConfig(cfg, func(o *s3api.Options) { o.UsePathStyle = true })
				if _, err := c.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String("eq-public"), ObjectOwnership: s3types.ObjectOwnershipObjectWriter}); err != nil {
					return err
				}
				if _, err := c.PutPublicAccessBlock(ctx, &s3api.PutPublicAccessBlockInput{Bucket: aws.String("eq-public"),
					PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}}); err != nil {
					return err
				}
				_, err := c.PutBucketAcl(ctx, &s3api.PutBucketAclInput{Bucket: aws.String("eq-public"), ACL: s3types.BucketCannedACLPublicRead})
				return err
			},
			Plan: []Resource{
				{Address: "aws_s3_bucket.public", Values: map[string]any{"bucket": "eq-public", "force_destroy": false},
					Unknown: map[string]any{"acl": true, "arn": true, "grant": true, "policy": true, "versioning": true, "logging": true, "server_side_encryption_configuration": true}},
				{Address: "aws_s3_bucket_ownership_controls.public", Values: map[string]any{"rule": []any{map[string]any{"object_ownership": "ObjectWriter"}}},
					Unknown: map[string]any{"bucket": true}, Refs: bucketRef("public")},
				{Address: "aws_s3_bucket_public_access_block.public", Values: pabValues(false), Unknown: map[string]any{"bucket": true}, Refs: bucketRef("public")},
				{Address: "aws_s3_bucket_acl.public", Values: map[string]any{"acl": "public-read", "bucket": "eq-public"}},
			},
		},
		{
			Name:     "s3 bucket with the inline acl and policy of provider v3",
			Controls: []string{"S3.2", "S3.3", "S3.8"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				c := s3api.NewFromConfig(cfg, func(o *s3api.Options) { o.UsePathStyle = true })
				if _, err := c.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String("eq-inline"), ObjectOwnership: s3types.ObjectOwnershipBucketOwnerPreferred}); err != nil {
					return err
				}
				if _, err := c.PutPublicAccessBlock(ctx, &s3api.PutPublicAccessBlockInput{Bucket: aws.String("eq-inline"),
					PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}}); err != nil {
					return err
				}
				if _, err := c.PutBucketAcl(ctx, &s3api.PutBucketAclInput{Bucket: aws.String("eq-inline"), ACL: s3types.BucketCannedACLPublicReadWrite}); err != nil {
					return err
				}
				_, err := c.PutBucketPolicy(ctx, &s3api.PutBucketPolicyInput{Bucket: aws.String("eq-inline"), Policy: aws.String(publicReadPolicy)})
				return err
			},
			Plan: []Resource{
				{Address: "aws_s3_bucket.inline", Values: map[string]any{"bucket": "eq-inline", "acl": "public-read-write", "policy": publicReadPolicy}},
				{Address: "aws_s3_bucket_ownership_controls.inline", Values: map[string]any{"bucket": "eq-inline", "rule": []any{map[string]any{"object_ownership": "BucketOwnerPreferred"}}}},
				{Address: "aws_s3_bucket_public_access_block.inline", Values: map[string]any{"bucket": "eq-inline", "block_public_acls": false, "ignore_public_acls": false, "block_public_policy": false, "restrict_public_buckets": false}},
			},
		},
		{
			Name:     "security group open to the internet on SSH and RDP",
			Controls: []string{"EC2.18", "EC2.19", "EC2.53"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				c := ec2api.NewFromConfig(cfg)
				vpc, err := c.CreateVpc(ctx, &ec2api.CreateVpcInput{CidrBlock: aws.String("10.20.0.0/16")})
				if err != nil {
					return err
				}
				sg, err := c.CreateSecurityGroup(ctx, &ec2api.CreateSecurityGroupInput{GroupName: aws.String("eq-admin"), Description: aws.String("admin access"), VpcId: vpc.Vpc.VpcId})
				if err != nil {
					return err
				}
				_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2api.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []ec2types.IpPermission{
					{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}},
					{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(3389), ToPort: aws.Int32(3389), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}},
				}})
				return err
			},
			Plan: []Resource{
				{Address: "aws_vpc.main", Values: map[string]any{"cidr_block": "10.20.0.0/16"}},
				{Address: "aws_security_group.admin", Values: map[string]any{"name": "eq-admin", "description": "admin access",
					"ingress": []any{map[string]any{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": []any{"0.0.0.0/0"}, "ipv6_cidr_blocks": []any{}, "prefix_list_ids": []any{}, "security_groups": []any{}, "self": false, "description": ""}},
					"egress":  []any{}},
					Unknown: map[string]any{"vpc_id": true}, Refs: map[string][]string{"vpc_id": {"aws_vpc.main.id", "aws_vpc.main"}}},
				{Address: "aws_vpc_security_group_ingress_rule.rdp", Values: map[string]any{"ip_protocol": "tcp", "from_port": 3389, "to_port": 3389, "cidr_ipv4": "0.0.0.0/0"},
					Unknown: map[string]any{"security_group_id": true}, Refs: map[string][]string{"security_group_id": {"aws_security_group.admin.id", "aws_security_group.admin"}}},
			},
		},
		{
			Name:     "instance behind a security group open on SSH",
			Controls: []string{"EC2.19", "EC2.53"},
			World:    defaultVPC,
			Live: func(ctx context.Context, cfg aws.Config) error {
				c := ec2api.NewFromConfig(cfg)
				sg, err := c.CreateSecurityGroup(ctx, &ec2api.CreateSecurityGroupInput{GroupName: aws.String("eq-bastion"), Description: aws.String("bastion"), VpcId: aws.String("vpc-0default00000000")})
				if err != nil {
					return err
				}
				if _, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2api.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []ec2types.IpPermission{
					{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}); err != nil {
					return err
				}
				_, err = c.RunInstances(ctx, &ec2api.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
					SecurityGroupIds: []string{*sg.GroupId}, MetadataOptions: &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateRequired}})
				return err
			},
			Plan: []Resource{
				{Address: "aws_security_group.bastion", Values: map[string]any{"name": "eq-bastion", "description": "bastion", "vpc_id": "vpc-0default00000000",
					"ingress": []any{map[string]any{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": []any{"0.0.0.0/0"}, "ipv6_cidr_blocks": []any{}, "prefix_list_ids": []any{}, "security_groups": []any{}, "self": false}},
					"egress":  []any{}}},
				{Address: "aws_instance.bastion", Values: map[string]any{"ami": "ami-0abcdef1234567890", "metadata_options": []any{map[string]any{"http_tokens": "required"}}},
					Unknown: map[string]any{"vpc_security_group_ids": true, "associate_public_ip_address": true},
					Refs:    map[string][]string{"vpc_security_group_ids": {"aws_security_group.bastion.id", "aws_security_group.bastion"}}},
			},
		},
		{
			Name:     "VPC without flow logs, its default security group as EC2 creates it",
			Controls: []string{"EC2.6", "EC2.2"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				_, err := ec2api.NewFromConfig(cfg).CreateVpc(ctx, &ec2api.CreateVpcInput{CidrBlock: aws.String("10.30.0.0/16")})
				return err
			},
			Plan: []Resource{{Address: "aws_vpc.nologs", Values: map[string]any{"cidr_block": "10.30.0.0/16"}}},
		},
		{
			Name:     "launch template with a public IP and IMDSv1",
			Controls: []string{"EC2.25", "EC2.170"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				_, err := ec2api.NewFromConfig(cfg).CreateLaunchTemplate(ctx, &ec2api.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("eq-web"),
					LaunchTemplateData: &ec2types.RequestLaunchTemplateData{
						MetadataOptions:   &ec2types.LaunchTemplateInstanceMetadataOptionsRequest{HttpTokens: ec2types.LaunchTemplateHttpTokensStateOptional, HttpEndpoint: ec2types.LaunchTemplateInstanceMetadataEndpointStateEnabled},
						NetworkInterfaces: []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{{DeviceIndex: aws.Int32(0), AssociatePublicIpAddress: aws.Bool(true)}},
					}})
				return err
			},
			Plan: []Resource{{Address: "aws_launch_template.web", Values: map[string]any{"name": "eq-web",
				"metadata_options":   []any{map[string]any{"http_tokens": "optional", "http_endpoint": "enabled"}},
				"network_interfaces": []any{map[string]any{"device_index": 0, "associate_public_ip_address": "true"}}}}},
		},
		{
			Name:     "instance with IMDSv1, a public IP and an unencrypted root volume",
			Controls: []string{"EC2.3", "EC2.8", "EC2.9", "GR.EC2.1"},
			World:    defaultVPC,
			Live: func(ctx context.Context, cfg aws.Config) error {
				// The default VPC's subnets give a public IP; EBS
				// encryption by default is off.
				_, err := ec2api.NewFromConfig(cfg).RunInstances(ctx, &ec2api.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"),
					MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: ec2types.InstanceTypeT3Micro,
					MetadataOptions: &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateOptional, HttpEndpoint: ec2types.InstanceMetadataEndpointStateEnabled}})
				return err
			},
			Plan: []Resource{{Address: "aws_instance.web", Values: map[string]any{"ami": "ami-0abcdef1234567890", "instance_type": "t3.micro",
				"associate_public_ip_address": true,
				"metadata_options":            []any{map[string]any{"http_tokens": "optional", "http_endpoint": "enabled", "http_put_response_hop_limit": 1}},
				"root_block_device":           []any{map[string]any{"encrypted": false, "volume_size": 8, "volume_type": "gp3"}}},
				Unknown: map[string]any{"public_ip": true, "subnet_id": true, "root_block_device": []any{map[string]any{"device_name": true, "volume_id": true}}}}},
		},
		{
			Name:     "EBS encryption by default off",
			Controls: []string{"EC2.7"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				_, err := ec2api.NewFromConfig(cfg).DisableEbsEncryptionByDefault(ctx, &ec2api.DisableEbsEncryptionByDefaultInput{})
				return err
			},
			Plan: []Resource{{Address: "aws_ebs_encryption_by_default.this", Values: map[string]any{"enabled": false}}},
		},
		{
			Name:     "KMS key without automatic rotation",
			Controls: []string{"KMS.4"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				_, err := kmsapi.NewFromConfig(cfg).CreateKey(ctx, &kmsapi.CreateKeyInput{Description: aws.String("eq data key")})
				return err
			},
			Plan: []Resource{{Address: "aws_kms_key.data", Values: map[string]any{"description": "eq data key", "enable_key_rotation": false, "is_enabled": true,
				"policy": `{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"}]}`}}},
		},
		{
			Name:     "IAM user with an administrator policy attached",
			Controls: []string{"IAM.1", "IAM.2", "IAM.21"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				c := iamapi.NewFromConfig(cfg)
				if _, err := c.CreateUser(ctx, &iamapi.CreateUserInput{UserName: aws.String("eq-alice")}); err != nil {
					return err
				}
				p, err := c.CreatePolicy(ctx, &iamapi.CreatePolicyInput{PolicyName: aws.String("eq-admin"), PolicyDocument: aws.String(adminPolicy)})
				if err != nil {
					return err
				}
				_, err = c.AttachUserPolicy(ctx, &iamapi.AttachUserPolicyInput{UserName: aws.String("eq-alice"), PolicyArn: p.Policy.Arn})
				return err
			},
			Plan: []Resource{
				{Address: "aws_iam_user.alice", Values: map[string]any{"name": "eq-alice", "path": "/"}},
				{Address: "aws_iam_policy.admin", Values: map[string]any{"name": "eq-admin", "path": "/", "policy": adminPolicy}, Unknown: map[string]any{"arn": true}},
				{Address: "aws_iam_user_policy_attachment.alice", Values: map[string]any{"user": "eq-alice"}, Unknown: map[string]any{"policy_arn": true},
					Refs: map[string][]string{"policy_arn": {"aws_iam_policy.admin.arn", "aws_iam_policy.admin"}}},
			},
		},
		{
			Name:     "console user without MFA, with an access key made at setup",
			Controls: []string{"IAM.5", "IAM.19", "GR.IAM.2"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				c := iamapi.NewFromConfig(cfg)
				if _, err := c.CreateUser(ctx, &iamapi.CreateUserInput{UserName: aws.String("eq-bob")}); err != nil {
					return err
				}
				if _, err := c.CreateLoginProfile(ctx, &iamapi.CreateLoginProfileInput{UserName: aws.String("eq-bob"), Password: aws.String("Correct-Horse-9-Battery")}); err != nil {
					return err
				}
				_, err := c.CreateAccessKey(ctx, &iamapi.CreateAccessKeyInput{UserName: aws.String("eq-bob")})
				return err
			},
			Plan: []Resource{
				{Address: "aws_iam_user.bob", Values: map[string]any{"name": "eq-bob", "path": "/"}},
				{Address: "aws_iam_user_login_profile.bob", Values: map[string]any{"user": "eq-bob"}, Unknown: map[string]any{"password": true}},
				{Address: "aws_iam_access_key.bob", Values: map[string]any{"user": "eq-bob", "status": "Active"}, Unknown: map[string]any{"secret": true}},
			},
		},
		{
			Name:     "KMS key whose policy lets anyone use it",
			Controls: []string{"KMS.5"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				_, err := kmsapi.NewFromConfig(cfg).CreateKey(ctx, &kmsapi.CreateKeyInput{Description: aws.String("eq open key"), Policy: aws.String(openKeyPolicy)})
				return err
			},
			Plan: []Resource{{Address: "aws_kms_key.open", Values: map[string]any{"description": "eq open key", "enable_key_rotation": true, "is_enabled": true, "policy": openKeyPolicy}}},
		},
		{
			Name:     "GuardDuty detector suspended",
			Controls: []string{"GuardDuty.1"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				_, err := guarddutyapi.NewFromConfig(cfg).CreateDetector(ctx, &guarddutyapi.CreateDetectorInput{Enable: aws.Bool(false)})
				return err
			},
			Plan: []Resource{{Address: "aws_guardduty_detector.main", Values: map[string]any{"enable": false}}},
		},
		{
			Name:     "Config recorder defined but never started",
			Controls: []string{"Config.1"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				_, err := configapi.NewFromConfig(cfg).PutConfigurationRecorder(ctx, &configapi.PutConfigurationRecorderInput{ConfigurationRecorder: &configtypes.ConfigurationRecorder{
					Name: aws.String("default"), RoleARN: aws.String("arn:aws:iam::222222222222:role/config"),
					RecordingGroup: &configtypes.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: true}}})
				return err
			},
			Plan: []Resource{{Address: "aws_config_configuration_recorder.main", Values: map[string]any{"name": "default", "role_arn": "arn:aws:iam::222222222222:role/config",
				"recording_group": []any{map[string]any{"all_supported": true, "include_global_resource_types": true}}}}},
		},
		{
			Name:     "RDS instance reachable from the internet, unencrypted, without backups",
			Controls: []string{"RDS.2", "RDS.3", "RDS.11"},
			Seed: func(w *world.World) {
				r := &w.Account(Account).In(Region).RDS
				r.Instances = append(r.Instances, &world.DBInstance{ID: "eq-db", Class: "db.t3.micro", Engine: "mysql", EngineVersion: "8.0.35",
					Status: "available", MasterUsername: "admin", AllocatedStorage: 20, StorageType: "gp3", PubliclyAccessible: true,
					AutoMinorVersionUpgrade: true, BackupRetentionPeriod: 0, Port: 3306, Created: simtest.Now})
			},
			Live: func(context.Context, aws.Config) error { return nil },
			Plan: []Resource{{Address: "aws_db_instance.db", Values: map[string]any{"identifier": "eq-db", "engine": "mysql", "engine_version": "8.0.35",
				"instance_class": "db.t3.micro", "allocated_storage": 20, "publicly_accessible": true, "storage_encrypted": false,
				"backup_retention_period": 0, "auto_minor_version_upgrade": true, "port": 3306, "username": "admin"},
				Unknown: map[string]any{"password": true, "endpoint": true, "address": true}}},
		},
		{
			Name:     "Lambda function anyone may invoke, on a deprecated runtime",
			Controls: []string{"Lambda.1", "Lambda.2"},
			Seed: func(w *world.World) {
				l := &w.Account(Account).In(Region).Lambda
				l.Functions = append(l.Functions, &world.LambdaFunction{Name: "eq-fn", Runtime: "python3.7", Handler: "app.handler",
					Role: "arn:aws:iam::" + Account + ":role/eq-fn", PackageType: "Zip", Timeout: 3, MemorySize: 128, LastModified: simtest.Now})
			},
			Live: func(ctx context.Context, cfg aws.Config) error {
				_, err := lambdaapi.NewFromConfig(cfg).AddPermission(ctx, &lambdaapi.AddPermissionInput{FunctionName: aws.String("eq-fn"),
					StatementId: aws.String("public"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("*")})
				return err
			},
			Plan: []Resource{
				{Address: "aws_lambda_function.fn", Values: map[string]any{"function_name": "eq-fn", "runtime": "python3.7", "handler": "app.handler",
					"role": "arn:aws:iam::" + Account + ":role/eq-fn", "package_type": "Zip", "timeout": 3, "memory_size": 128}, Unknown: map[string]any{"arn": true}},
				{Address: "aws_lambda_permission.public", Values: map[string]any{"statement_id": "public", "action": "lambda:InvokeFunction", "principal": "*"},
					Unknown: map[string]any{"function_name": true}, Refs: map[string][]string{"function_name": {"aws_lambda_function.fn.function_name", "aws_lambda_function.fn"}}},
			},
		},
		{
			Name:     "weak account password policy",
			Controls: []string{"IAM.7", "IAM.15", "IAM.16"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				_, err := iamapi.NewFromConfig(cfg).UpdateAccountPasswordPolicy(ctx, &iamapi.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(8), RequireNumbers: true})
				return err
			},
			Plan: []Resource{{Address: "aws_iam_account_password_policy.strict", Values: map[string]any{"minimum_password_length": 8, "require_numbers": true,
				"require_symbols": false, "require_uppercase_characters": false, "require_lowercase_characters": false, "allow_users_to_change_password": false}}},
		},
		{
			Name:     "CIS monitoring: a root-usage alarm whose topic has no confirmed subscriber, no IAM policy filter",
			Controls: []string{"CloudWatch.1", "CloudWatch.4"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				s3c := s3api.NewFromConfig(cfg, func(o *s3api.Options) { o.UsePathStyle = true })
				if _, err := s3c.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String("eq-ct-logs")}); err != nil {
					return err
				}
				lc := logsapi.NewFromConfig(cfg)
				if _, err := lc.CreateLogGroup(ctx, &logsapi.CreateLogGroupInput{LogGroupName: aws.String("eq-trail-group")}); err != nil {
					return err
				}
				if _, err := iamapi.NewFromConfig(cfg).CreateRole(ctx, &iamapi.CreateRoleInput{RoleName: aws.String("eq-cloudtrail-logs"), AssumeRolePolicyDocument: aws.String(cloudtrailTrust)}); err != nil {
					return err
				}
				ct := cloudtrailapi.NewFromConfig(cfg)
				if _, err := ct.CreateTrail(ctx, &cloudtrailapi.CreateTrailInput{Name: aws.String("eq-org-trail"), S3BucketName: aws.String("eq-ct-logs"),
					IsMultiRegionTrail: aws.Bool(true), CloudWatchLogsLogGroupArn: aws.String(trailGroupARN), CloudWatchLogsRoleArn: aws.String(trailRoleARN)}); err != nil {
					return err
				}
				if _, err := ct.StartLogging(ctx, &cloudtrailapi.StartLoggingInput{Name: aws.String("eq-org-trail")}); err != nil {
					return err
				}
				if _, err := lc.PutMetricFilter(ctx, &logsapi.PutMetricFilterInput{LogGroupName: aws.String("eq-trail-group"), FilterName: aws.String("root-usage"),
					FilterPattern: aws.String(rootUsagePattern), MetricTransformations: []logstypes.MetricTransformation{{MetricName: aws.String("RootUsage"), MetricNamespace: aws.String("CIS"), MetricValue: aws.String("1")}}}); err != nil {
					return err
				}
				sc := snsapi.NewFromConfig(cfg)
				topic, err := sc.CreateTopic(ctx, &snsapi.CreateTopicInput{Name: aws.String("eq-alarms")})
				if err != nil {
					return err
				}
				if _, err := sc.Subscribe(ctx, &snsapi.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("email"), Endpoint: aws.String("secops@example.com")}); err != nil {
					return err
				}
				_, err = cloudwatchapi.NewFromConfig(cfg).PutMetricAlarm(ctx, &cloudwatchapi.PutMetricAlarmInput{AlarmName: aws.String("root-usage"), MetricName: aws.String("RootUsage"),
					Namespace: aws.String("CIS"), Statistic: cwtypes.StatisticSum, Period: aws.Int32(300), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
					ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold, AlarmActions: []string{*topic.TopicArn}})
				return err
			},
			Plan: []Resource{
				{Address: "aws_s3_bucket.ct", Values: map[string]any{"bucket": "eq-ct-logs"}},
				{Address: "aws_cloudwatch_log_group.trail", Values: map[string]any{"name": "eq-trail-group"}},
				{Address: "aws_iam_role.trail", Values: map[string]any{"name": "eq-cloudtrail-logs", "path": "/", "assume_role_policy": cloudtrailTrust}},
				{Address: "aws_cloudtrail.org", Values: map[string]any{"name": "eq-org-trail", "s3_bucket_name": "eq-ct-logs", "is_multi_region_trail": true,
					"include_global_service_events": true, "enable_logging": true, "cloud_watch_logs_group_arn": trailGroupARN, "cloud_watch_logs_role_arn": trailRoleARN}},
				{Address: "aws_cloudwatch_log_metric_filter.root", Values: map[string]any{"name": "root-usage", "log_group_name": "eq-trail-group", "pattern": rootUsagePattern,
					"metric_transformation": []any{map[string]any{"name": "RootUsage", "namespace": "CIS", "value": "1"}}}},
				{Address: "aws_sns_topic.alarms", Values: map[string]any{"name": "eq-alarms"}, Unknown: map[string]any{"arn": true}},
				{Address: "aws_sns_topic_subscription.secops", Values: map[string]any{"protocol": "email", "endpoint": "secops@example.com"},
					Unknown: map[string]any{"topic_arn": true}, Refs: map[string][]string{"topic_arn": {"aws_sns_topic.alarms.arn", "aws_sns_topic.alarms"}}},
				{Address: "aws_cloudwatch_metric_alarm.root", Values: map[string]any{"alarm_name": "root-usage", "metric_name": "RootUsage", "namespace": "CIS",
					"statistic": "Sum", "period": 300, "evaluation_periods": 1, "threshold": 1, "comparison_operator": "GreaterThanOrEqualToThreshold", "actions_enabled": true},
					Unknown: map[string]any{"alarm_actions": true}, Refs: map[string][]string{"alarm_actions": {"aws_sns_topic.alarms.arn", "aws_sns_topic.alarms"}}},
			},
		},
		{
			Name:     "single-region trail without log file validation or KMS",
			Controls: []string{"CloudTrail.1", "CloudTrail.2", "CloudTrail.4"},
			Live: func(ctx context.Context, cfg aws.Config) error {
				s3c := s3api.NewFromConfig(cfg, func(o *s3api.Options) { o.UsePathStyle = true })
				if _, err := s3c.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String("eq-trail-logs")}); err != nil {
					return err
				}
				c := cloudtrailapi.NewFromConfig(cfg)
				if _, err := c.CreateTrail(ctx, &cloudtrailapi.CreateTrailInput{Name: aws.String("eq-trail"), S3BucketName: aws.String("eq-trail-logs")}); err != nil {
					return err
				}
				_, err := c.StartLogging(ctx, &cloudtrailapi.StartLoggingInput{Name: aws.String("eq-trail")})
				return err
			},
			Plan: []Resource{
				{Address: "aws_s3_bucket.trail", Values: map[string]any{"bucket": "eq-trail-logs"}},
				{Address: "aws_cloudtrail.main", Values: map[string]any{"name": "eq-trail", "s3_bucket_name": "eq-trail-logs", "is_multi_region_trail": false,
					"enable_log_file_validation": false, "include_global_service_events": true, "enable_logging": true}},
			},
		},
	}
}
