// Package ec2 holds the controls on EC2, VPC and EBS state: instance
// metadata, exposure and roles, how long a stopped instance has been
// stopped (EC2.4) and paravirtual instances (EC2.24); launch templates; security groups and
// network ACLs; flow logs, subnets, endpoints and transit gateways; EBS
// encryption and snapshot sharing. They read snapshot/ec2 only; this
// package must not import the AWS SDK.
//
// Whether a security group rule or a network ACL entry opens a port to the
// internet is decided in one place (exposure.go) for every control that
// asks: EC2.18, EC2.19, EC2.21, EC2.53 and EC2.54.
package ec2
