package world

// EC2 is an account's EC2/VPC/EBS state in one region.
type EC2 struct{}
