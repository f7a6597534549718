package cloudformation

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Synthetic identities. A resource that does not exist yet has no
// physical ID; CloudFormation makes one at deploy (a name such as
// "stack-logicalid-1a2b3c4d5e6f", or the service's own ID). The loader
// makes a stable one from the stack and logical ID in the same shape, so
// that Ref and GetAtt join resources the way they will be joined once
// deployed (a bucket policy to its bucket, a rule to its group), and the
// results name a resource the same way on every run. A name the template
// sets itself (BucketName, RoleName, ...) is used as is.

// uuidOf is a stable UUID-shaped ID for parts.
func uuidOf(parts ...string) string {
	h := hashOf(parts...)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func hashOf(parts ...string) string {
	s := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(s[:])
}

// typeInfo says how CloudFormation names a resource type: the property
// that sets its name, the shape of a generated ID, what Ref returns and
// the ARN.
type typeInfo struct {
	// nameProp is the property that names the resource ("BucketName").
	nameProp string
	// idPrefix makes a generated ID "<prefix><17 hex>" (sg-, i-, vpc-);
	// "" generates a name "<stack>-<logical ID>-<12 chars>".
	idPrefix string
	// lower: generated names are lower case (buckets, DB identifiers).
	lower bool
	// uuid: the generated ID is a UUID (KMS keys).
	uuid bool
	// hex32: the generated ID is 32 hex characters (GuardDuty).
	hex32 bool
	// arn formats the ARN from (partition, region, account, id).
	arn func(p, r, a, id string) string
	// refIsARN: Ref returns the ARN, not the ID.
	refIsARN bool
	// attrs are the attributes the template decides, from the resource;
	// any other attribute is known only at deploy.
	attrs map[string]func(e *evaluator, r *Resource, id, arn string) *Value
}

func arnFmt(service, format string) func(p, r, a, id string) string {
	return func(p, r, a, id string) string {
		return fmt.Sprintf("arn:%s:%s:%s:%s:%s", p, service, r, a, fmt.Sprintf(format, id))
	}
}

func globalARN(service, format string) func(p, r, a, id string) string {
	return func(p, _, a, id string) string {
		return fmt.Sprintf("arn:%s:%s::%s:%s", p, service, a, fmt.Sprintf(format, id))
	}
}

var arnAttr = func(_ *evaluator, _ *Resource, _, arn string) *Value { return str(arn) }
var idAttr = func(_ *evaluator, _ *Resource, id, _ string) *Value { return str(id) }

func propAttr(prop string) func(e *evaluator, r *Resource, id, arn string) *Value {
	return func(e *evaluator, r *Resource, _, _ string) *Value {
		if v := e.prop(r, prop); v != nil {
			return v
		}
		return unknown(fmt.Sprintf("%s of %s is chosen by AWS at deploy", prop, r.LogicalID))
	}
}

// types is set in init: its attribute functions resolve properties,
// which resolve references through it.
var types map[string]typeInfo

func typeTable() map[string]typeInfo {
	return map[string]typeInfo{
		"AWS::S3::Bucket": {nameProp: "BucketName", lower: true,
			arn: func(p, _, _, id string) string { return "arn:" + p + ":s3:::" + id },
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{
				"Arn": arnAttr,
				"DomainName": func(e *evaluator, _ *Resource, id, _ string) *Value {
					return str(id + ".s3." + urlSuffix(e.t.opts.Partition))
				},
				"RegionalDomainName": func(e *evaluator, _ *Resource, id, _ string) *Value {
					return str(id + ".s3." + e.t.opts.Region + "." + urlSuffix(e.t.opts.Partition))
				},
				"DualStackDomainName": func(e *evaluator, _ *Resource, id, _ string) *Value {
					return str(id + ".s3.dualstack." + e.t.opts.Region + "." + urlSuffix(e.t.opts.Partition))
				},
			}},
		"AWS::EC2::SecurityGroup": {idPrefix: "sg-", arn: arnFmt("ec2", "security-group/%s"),
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"GroupId": idAttr, "VpcId": propAttr("VpcId")}},
		"AWS::EC2::Instance": {idPrefix: "i-", arn: arnFmt("ec2", "instance/%s"),
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"InstanceId": idAttr}},
		"AWS::EC2::LaunchTemplate": {idPrefix: "lt-", arn: arnFmt("ec2", "launch-template/%s"),
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{
				"LaunchTemplateId":     idAttr,
				"LatestVersionNumber":  func(*evaluator, *Resource, string, string) *Value { return str("1") },
				"DefaultVersionNumber": func(*evaluator, *Resource, string, string) *Value { return str("1") },
			}},
		"AWS::EC2::Volume": {idPrefix: "vol-", arn: arnFmt("ec2", "volume/%s"),
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"VolumeId": idAttr}},
		"AWS::EC2::VPC": {idPrefix: "vpc-", arn: arnFmt("ec2", "vpc/%s"),
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"VpcId": idAttr, "CidrBlock": propAttr("CidrBlock"),
				"DefaultSecurityGroup": func(e *evaluator, r *Resource, _, _ string) *Value {
					return str(defaultSGID(e.t.StackName, r.LogicalID))
				}}},
		"AWS::EC2::Subnet":               {idPrefix: "subnet-", arn: arnFmt("ec2", "subnet/%s"), attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"SubnetId": idAttr, "VpcId": propAttr("VpcId")}},
		"AWS::EC2::FlowLog":              {idPrefix: "fl-", arn: arnFmt("ec2", "vpc-flow-log/%s")},
		"AWS::EC2::SecurityGroupIngress": {idPrefix: "sgr-"},
		"AWS::EC2::SecurityGroupEgress":  {idPrefix: "sgr-"},
		"AWS::RDS::DBInstance": {nameProp: "DBInstanceIdentifier", lower: true, arn: arnFmt("rds", "db:%s"),
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"DBInstanceArn": arnAttr}},
		"AWS::RDS::DBCluster": {nameProp: "DBClusterIdentifier", lower: true, arn: arnFmt("rds", "cluster:%s"),
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"DBClusterArn": arnAttr}},
		"AWS::KMS::Key": {uuid: true, arn: arnFmt("kms", "key/%s"),
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"Arn": arnAttr, "KeyId": idAttr}},
		"AWS::CloudTrail::Trail": {nameProp: "TrailName", arn: arnFmt("cloudtrail", "trail/%s"),
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"Arn": arnAttr}},
		"AWS::Config::ConfigurationRecorder": {nameProp: "Name", arn: arnFmt("config", "configuration-recorder/%s")},
		"AWS::GuardDuty::Detector":           {hex32: true, arn: arnFmt("guardduty", "detector/%s")},
		"AWS::IAM::User": {nameProp: "UserName", arn: globalARN("iam", "user/%s"),
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"Arn": arnAttr}},
		"AWS::IAM::Group": {nameProp: "GroupName", arn: globalARN("iam", "group/%s"),
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"Arn": arnAttr}},
		"AWS::IAM::Role": {nameProp: "RoleName", arn: globalARN("iam", "role/%s"),
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"Arn": arnAttr}},
		"AWS::IAM::Policy": {nameProp: "PolicyName"},
		"AWS::IAM::ManagedPolicy": {nameProp: "ManagedPolicyName", arn: globalARN("iam", "policy/%s"), refIsARN: true,
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"PolicyArn": arnAttr}},
		"AWS::IAM::InstanceProfile": {nameProp: "InstanceProfileName", arn: globalARN("iam", "instance-profile/%s"),
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"Arn": arnAttr}},
		"AWS::Lambda::Function": {nameProp: "FunctionName", arn: arnFmt("lambda", "function:%s"),
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"Arn": arnAttr}},
		"AWS::Lambda::Permission": {},
		"AWS::Lambda::Url":        {},
		"AWS::SNS::Topic": {nameProp: "TopicName", arn: arnFmt("sns", "%s"), refIsARN: true,
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{
				"TopicArn":  arnAttr,
				"TopicName": idAttr,
			}},
		"AWS::SNS::TopicPolicy": {},
		"AWS::Logs::LogGroup": {nameProp: "LogGroupName", arn: arnFmt("logs", "log-group:%s:*"),
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"Arn": arnAttr}},
		"AWS::Logs::MetricFilter": {nameProp: "FilterName"},
		"AWS::CloudWatch::Alarm": {nameProp: "AlarmName", arn: arnFmt("cloudwatch", "alarm:%s"),
			attrs: map[string]func(*evaluator, *Resource, string, string) *Value{"Arn": arnAttr}},
		"AWS::S3::BucketPolicy": {},
	}
}

// prop resolves a top-level property of r without resolving the rest
// (names are needed before every resource's properties are).
func (e *evaluator) prop(r *Resource, name string) *Value {
	pn := field(r.node, "Properties")
	n := field(pn, name)
	if n == nil {
		return nil
	}
	v := e.eval(n, "Resources."+r.LogicalID+".Properties."+name)
	if v == noValue || v.Kind == Null {
		return nil
	}
	return v
}

// physicalID is what Ref returns for r.
func (e *evaluator) physicalID(r *Resource) *Value {
	if r.physical != nil {
		return r.physical
	}
	if r.resolving {
		e.errorf(r.key, "Resources."+r.LogicalID, "its name refers to itself")
		return unknown("the name of " + r.LogicalID + " refers to itself")
	}
	r.resolving = true
	defer func() { r.resolving = false }()
	id := e.rawID(r)
	v := id
	if ti := types[r.Type]; ti.refIsARN && id.Kind == String {
		v = str(e.arnOf(r, id.Str))
	}
	r.physical = v
	return v
}

// rawID is the resource's name or ID (for a topic or managed policy,
// not the ARN that Ref returns).
func (e *evaluator) rawID(r *Resource) *Value {
	ti := types[r.Type]
	if ti.nameProp != "" {
		if v := e.prop(r, ti.nameProp); v != nil {
			if v.Kind == Unknown {
				return v
			}
			if s, ok := v.text(); ok {
				return str(s)
			}
		}
	}
	return str(e.generatedID(r))
}

// generatedID is the ID CloudFormation would generate for r.
func (e *evaluator) generatedID(r *Resource) string {
	ti := types[r.Type]
	h := hashOf(e.t.StackName, r.LogicalID)
	switch {
	case ti.idPrefix != "":
		return ti.idPrefix + h[:17]
	case ti.uuid:
		return uuidOf(e.t.StackName, r.LogicalID)
	case ti.hex32:
		return h[:32]
	}
	return generatedName(e.t.StackName, r.LogicalID, ti.lower)
}

// generatedName is the name CloudFormation generates for a resource
// whose name the template does not set: "<stack>-<logical ID>-<12
// random characters>" (here a hash, so it is stable).
func generatedName(stack, logicalID string, lower bool) string {
	name := stack + "-" + logicalID
	if len(name) > 50 {
		name = name[:50]
	}
	name += "-" + strings.ToUpper(hashOf(stack, logicalID)[:12])
	if lower {
		name = strings.ToLower(name)
	}
	return name
}

// arnOf is r's synthetic ARN given its ID; "" when its type has none.
func (e *evaluator) arnOf(r *Resource, id string) string {
	ti := types[r.Type]
	if ti.arn == nil {
		return ""
	}
	o := e.t.opts
	return ti.arn(o.Partition, o.Region, o.AccountID, id)
}

// attribute is GetAtt r.attr.
func (e *evaluator) attribute(r *Resource, attr string) *Value {
	ti := types[r.Type]
	if f := ti.attrs[attr]; f != nil {
		id := e.rawID(r)
		if id.Kind == Unknown {
			return id
		}
		return f(e, r, id.Str, e.arnOf(r, id.Str))
	}
	return unknown(fmt.Sprintf("!GetAtt %s.%s is known only once the resource exists", r.LogicalID, attr))
}

// Identity is a resource's synthetic name or ID and ARN, as the results
// name it. ID is unknown (Kind Unknown) when its name is.
func (t *Template) identity(e *evaluator, r *Resource) (id *Value, arn string) {
	id = e.rawID(r)
	if id.Kind == String {
		arn = e.arnOf(r, id.Str)
	}
	return id, arn
}

// defaultSGID is the synthetic ID of the default security group EC2
// creates with a VPC.
func defaultSGID(stack, vpc string) string { return "sg-" + hashOf(stack, vpc, "default")[:17] }
