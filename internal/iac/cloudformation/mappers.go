package cloudformation

// mappers are the mapped types, each with the function that fills the
// snapshot from it.
var mappers = map[string]mapFunc{
	"AWS::S3::Bucket":                {fn: mapBucket},
	"AWS::S3::BucketPolicy":          {fn: mapBucketPolicy, join: true},
	"AWS::EC2::SecurityGroup":        {fn: mapSecurityGroup},
	"AWS::EC2::SecurityGroupIngress": {fn: mapSecurityGroupRule, join: true},
	"AWS::EC2::SecurityGroupEgress":  {fn: mapSecurityGroupRule, join: true},
	"AWS::EC2::VPC":                  {fn: mapVPC},
	"AWS::EC2::Subnet":               {fn: mapSubnet},
	"AWS::EC2::FlowLog":              {fn: mapFlowLog, join: true},
	"AWS::EC2::LaunchTemplate":       {fn: mapLaunchTemplate},
	"AWS::EC2::Instance":             {fn: mapInstance, join: true},
	"AWS::EC2::Volume":               {fn: mapVolume},
	"AWS::EC2::VolumeAttachment":     {fn: mapVolumeAttachment, join: true},
}
