package inventory

import (
	"strconv"
	"time"
)

// Resource types, as the controls' results name them (ASFF types), so a
// resource and the findings about it share their type. ASFF has no type
// for EBS snapshots (the controls report them as "Other"); the inventory
// calls them TypeEBSSnapshot.
const (
	TypeSecurityGroup     = "AwsEc2SecurityGroup"
	TypeInstance          = "AwsEc2Instance"
	TypeEBSSnapshot       = "AwsEc2Snapshot"
	TypeBucket            = "AwsS3Bucket"
	TypeUser              = "AwsIamUser"
	TypeRole              = "AwsIamRole"
	TypeGroup             = "AwsIamGroup"
	TypeDBInstance        = "AwsRdsDbInstance"
	TypeDBSnapshot        = "AwsRdsDbSnapshot"
	TypeDBClusterSnapshot = "AwsRdsDbClusterSnapshot"
	TypeFunction          = "AwsLambdaFunction"
	TypeKey               = "AwsKmsKey"
)

// Types are every type Build collects, sorted.
var Types = []string{TypeEBSSnapshot, TypeInstance, TypeSecurityGroup, TypeGroup, TypeRole, TypeUser, TypeKey,
	TypeFunction, TypeDBClusterSnapshot, TypeDBInstance, TypeDBSnapshot, TypeBucket}

// Resource is one resource of one account, as of the scan that last saw
// it.
type Resource struct {
	Account     string `json:"account"`
	AccountName string `json:"account_name,omitempty"`
	OUPath      string `json:"ou_path,omitempty"`
	// Region is where the resource lives; the account's home region for
	// IAM principals.
	Region string `json:"region"`
	// Type is the ASFF type (Type* constants).
	Type string `json:"type"`
	ARN  string `json:"arn"`
	// ID is the resource's own ID (sg-..., i-..., the bucket or user name).
	ID string `json:"id"`
	// Name is its Name tag, or its name.
	Name     string            `json:"name,omitempty"`
	Tags     map[string]string `json:"tags,omitempty"`
	Exposure Exposure          `json:"exposure"`
	Attrs    Attrs             `json:"attrs"`
	// Scan is the scan that last saw it, at Seen.
	Scan string    `json:"scan,omitempty"`
	Seen time.Time `json:"seen,omitzero"`
}

// Attrs are what searches read of a resource: the part for its type is
// set. Why says, for each exposure flag, what makes the resource exposed,
// or what could not be read to judge it.
type Attrs struct {
	Why           []string            `json:"why,omitempty"`
	SecurityGroup *SecurityGroupAttrs `json:"security_group,omitempty"`
	Instance      *InstanceAttrs      `json:"instance,omitempty"`
	Bucket        *BucketAttrs        `json:"bucket,omitempty"`
	User          *UserAttrs          `json:"user,omitempty"`
	Principal     *PrincipalAttrs     `json:"principal,omitempty"`
	DBInstance    *DBInstanceAttrs    `json:"db_instance,omitempty"`
	Snapshot      *SnapshotAttrs      `json:"snapshot,omitempty"`
}

// SecurityGroupAttrs are a security group's.
type SecurityGroupAttrs struct {
	VPC     string `json:"vpc,omitempty"`
	Ingress []Rule `json:"ingress,omitempty"`
	// Interfaces are the network interfaces it is attached to;
	// PublicInterfaces those of them with a public IP.
	Interfaces       []string `json:"interfaces,omitempty"`
	PublicInterfaces []string `json:"public_interfaces,omitempty"`
	// InterfacesUnknown says why the attachments could not be read.
	InterfacesUnknown string `json:"interfaces_unknown,omitempty"`
}

// Rule is an inbound security group rule: a protocol, a port range and
// one peer.
type Rule struct {
	ID string `json:"id,omitempty"`
	// Protocol is "-1" (all), "tcp", "udp", "icmp", "icmpv6" or a number.
	Protocol string `json:"protocol"`
	// FromPort and ToPort bound the ports; -1 when the protocol has no
	// ports or all are meant.
	FromPort    int    `json:"from_port"`
	ToPort      int    `json:"to_port"`
	CIDR        string `json:"cidr,omitempty"`
	IPv6CIDR    string `json:"ipv6_cidr,omitempty"`
	PrefixList  string `json:"prefix_list,omitempty"`
	Group       string `json:"group,omitempty"`
	Description string `json:"description,omitempty"`
}

// Source is the rule's peer: a CIDR, a prefix list or a security group.
func (r Rule) Source() string {
	switch {
	case r.CIDR != "":
		return r.CIDR
	case r.IPv6CIDR != "":
		return r.IPv6CIDR
	case r.PrefixList != "":
		return r.PrefixList
	}
	return r.Group
}

// Ports describes the protocol and ports as a console would: "tcp 22",
// "udp 1024-65535", "tcp all ports", "all traffic", "icmp".
func (r Rule) Ports() string {
	p := r.Protocol
	switch p {
	case "-1", "all":
		return "all traffic"
	case "6":
		p = "tcp"
	case "17":
		p = "udp"
	}
	switch {
	case p != "tcp" && p != "udp":
		return p
	case r.FromPort < 0 || r.ToPort < 0 || r.FromPort == 0 && r.ToPort == 65535:
		return p + " all ports"
	case r.FromPort == r.ToPort:
		return p + " " + strconv.Itoa(r.FromPort)
	}
	return p + " " + strconv.Itoa(r.FromPort) + "-" + strconv.Itoa(r.ToPort)
}

// String is "tcp 22 from 0.0.0.0/0".
func (r Rule) String() string { return r.Ports() + " from " + r.Source() }

// InstanceAttrs are an EC2 instance's.
type InstanceAttrs struct {
	State     string `json:"state"`
	Type      string `json:"type,omitempty"`
	VPC       string `json:"vpc,omitempty"`
	Subnet    string `json:"subnet,omitempty"`
	PublicIP  string `json:"public_ip,omitempty"`
	PrivateIP string `json:"private_ip,omitempty"`
	// HTTPTokens is "required" (IMDSv2 only) or "optional" (IMDSv1
	// too); HTTPEndpoint "enabled" or "disabled" ("" when unknown: AWS's
	// default is enabled).
	HTTPTokens     string   `json:"http_tokens,omitempty"`
	HTTPEndpoint   string   `json:"http_endpoint,omitempty"`
	SecurityGroups []string `json:"security_groups,omitempty"`
}

// IMDSv1 reports whether the instance's metadata service answers IMDSv1
// requests: tokens optional and the endpoint not disabled.
func (a *InstanceAttrs) IMDSv1() bool {
	return a.HTTPTokens == "optional" && a.HTTPEndpoint != "disabled"
}

// BucketAttrs are an S3 bucket's public access, as S3.2 and S3.3 judge
// it.
type BucketAttrs struct {
	Public bool `json:"public"`
	// Unknown: whether it is public could not be decided (Attrs.Why says
	// what is missing).
	Unknown bool `json:"unknown,omitempty"`
}

// UserAttrs are an IAM user's credentials (or the root user's).
type UserAttrs struct {
	Root bool `json:"root,omitempty"`
	// ConsolePassword: the user can sign in to the console (the root user
	// always can).
	ConsolePassword  bool      `json:"console_password"`
	PasswordLastUsed time.Time `json:"password_last_used,omitzero"`
	MFA              bool      `json:"mfa"`
	// CredentialsUnknown says why the console password or MFA is not
	// known.
	CredentialsUnknown string      `json:"credentials_unknown,omitempty"`
	AccessKeys         []AccessKey `json:"access_keys,omitempty"`
	// KeysUnknown says why the access keys could not be read.
	KeysUnknown string `json:"keys_unknown,omitempty"`
	// Admin says how the user has full administrative access.
	Admin []string `json:"admin,omitempty"`
}

// AccessKey is an access key of a user.
type AccessKey struct {
	ID      string    `json:"id"`
	Active  bool      `json:"active"`
	Created time.Time `json:"created"`
	// LastUsed is zero when the key was never used (or it is unknown).
	LastUsed time.Time `json:"last_used,omitzero"`
}

// PrincipalAttrs are an IAM role's or group's.
type PrincipalAttrs struct {
	// Admin says how it has full administrative access.
	Admin []string `json:"admin,omitempty"`
	// PoliciesUnknown says why its policies could not be read.
	PoliciesUnknown string `json:"policies_unknown,omitempty"`
}

// DBInstanceAttrs are an RDS instance's.
type DBInstanceAttrs struct {
	Engine             string `json:"engine"`
	PubliclyAccessible bool   `json:"publicly_accessible"`
	Port               int    `json:"port,omitempty"`
}

// SnapshotAttrs are an EBS or RDS snapshot's.
type SnapshotAttrs struct {
	Public    bool     `json:"public"`
	Encrypted bool     `json:"encrypted"`
	Shared    []string `json:"shared_with,omitempty"`
}
