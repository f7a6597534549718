// Package lambda holds the normalized AWS Lambda state of one account in
// one region. It must not import the AWS SDK.
package lambda

// Lambda is the Lambda state of one region.
type Lambda struct {
	Functions []*Function `json:"functions"`
}

// Function is one Lambda function ($LATEST).
type Function struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// Runtime is the managed runtime identifier ("python3.12"); "" for a
	// container image.
	Runtime string `json:"runtime,omitempty"`
	// PackageType is Zip or Image.
	PackageType string `json:"package_type"`
	// VpcID, SubnetIDs and SecurityGroupIDs are the VPC configuration;
	// all empty when the function is not connected to a VPC.
	VpcID            string   `json:"vpc_id,omitempty"`
	SubnetIDs        []string `json:"subnet_ids,omitempty"`
	SecurityGroupIDs []string `json:"security_group_ids,omitempty"`
	// SubnetZones maps each of SubnetIDs to its Availability Zone. A
	// subnet missing from it could not be found (see Errors["subnets"]).
	SubnetZones map[string]string `json:"subnet_zones,omitempty"`
	// Policy is the function's resource-based policy document (JSON);
	// "" when the function has none.
	Policy string `json:"policy,omitempty"`
	// Errors records details that could not be read, keyed "policy" or
	// "subnets", with the reason.
	Errors map[string]string `json:"errors,omitempty"`
}

// InVPC reports whether the function is connected to a VPC.
func (f *Function) InVPC() bool { return f.VpcID != "" || len(f.SubnetIDs) > 0 }
