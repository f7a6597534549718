// Package ec2 collects the EC2, VPC and EBS state of one account in one
// region into snapshot/ec2.
//
// The state is read in parts (instances, security groups, volumes, ...),
// one paginated call each. A part that cannot be read is recorded in
// EC2.Errors and the rest is still read, so a policy that lacks one action
// costs only the controls that need it; the collector fails as a whole
// only when no part at all could be read.
package ec2
