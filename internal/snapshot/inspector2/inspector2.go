// Package inspector2 holds the normalized Amazon Inspector state of one
// account in one region: the status of each scan type. It must not import
// the AWS SDK.
package inspector2

// StatusEnabled is the status of a scan type that is on. The others are
// ENABLING, DISABLING, DISABLED, SUSPENDING and SUSPENDED.
const StatusEnabled = "ENABLED"

// Inspector2 is the Amazon Inspector state of a region. A status is ""
// when Inspector did not report it (a scan type not offered in the
// region); an account that never enabled Inspector reads DISABLED.
type Inspector2 struct {
	// Status is the account's overall status.
	Status string `json:"status"`
	// EC2, ECR, Lambda (standard scanning), LambdaCode (Lambda code
	// scanning) and CodeRepository are the statuses of the scan types.
	EC2            string `json:"ec2,omitempty"`
	ECR            string `json:"ecr,omitempty"`
	Lambda         string `json:"lambda,omitempty"`
	LambdaCode     string `json:"lambda_code,omitempty"`
	CodeRepository string `json:"code_repository,omitempty"`
}
