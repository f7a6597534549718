package iactest

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	cloudtrailapi "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	configapi "github.com/aws/aws-sdk-go-v2/service/configservice"
	configtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	guarddutyapi "github.com/aws/aws-sdk-go-v2/service/guardduty"
	iamapi "github.com/aws/aws-sdk-go-v2/service/iam"
	kmsapi "github.com/aws/aws-sdk-go-v2/service/kms"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

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
	// Live creates the misconfiguration in the simulator's account.
	Live func(ctx context.Context, cfg aws.Config) error
	// Plan is the same as a Terraform plan's resources.
	Plan []Resource
	// Template is the same as a CloudFormation template (YAML or JSON);
	// "" until the CloudFormation column is filled.
	Template string
}

const adminPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

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
