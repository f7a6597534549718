// Package ec2 holds the controls on EC2, VPC and EBS state: instance
// metadata and exposure, security groups and network ACLs, flow logs,
// subnets and endpoints, and EBS encryption and snapshot sharing. They
// read snapshot/ec2 only; this package must not import the AWS SDK.
//
// Whether a security group rule or a network ACL entry opens a port to the
// internet is decided in one place (exposure.go) for every control that
// asks.
package ec2
