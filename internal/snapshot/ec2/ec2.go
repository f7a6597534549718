// Package ec2 holds the normalized EC2, VPC and EBS state of one account in
// one region. It must not import the AWS SDK.
//
// Each part of the state (instances, security groups, volumes, ...) is
// read by its own call. A part that could not be read is named in
// EC2.Errors and its list is left empty: controls that read the part must
// report ERROR for the region, never judge the empty list.
package ec2

import "time"

// Parts of the state, the keys of EC2.Errors.
const (
	PartInstances          = "instances"
	PartSecurityGroups     = "security_groups"
	PartSecurityGroupRules = "security_group_rules" // only rule IDs are lost
	PartNetworkInterfaces  = "network_interfaces"   // SG attachments unknown
	PartNetworkACLs        = "network_acls"
	PartVPCs               = "vpcs"
	PartFlowLogs           = "flow_logs"
	PartSubnets            = "subnets"
	PartVolumes            = "volumes"
	PartSnapshots          = "snapshots"
	PartVPCEndpoints       = "vpc_endpoints"
	PartEBSEncryption      = "ebs_encryption_by_default"
	PartMetadataDefaults   = "instance_metadata_defaults"
	PartLaunchTemplates    = "launch_templates"
	PartTransitGateways    = "transit_gateways"
)

// Details of one snapshot, the keys of Snapshot.Errors.
const (
	// DetailPublic: whether the snapshot is publicly restorable is unknown.
	DetailPublic = "restorable_by_all"
	// DetailPermission: the accounts it is shared with are unknown.
	DetailPermission = "create_volume_permission"
)

// EC2 is the EC2/VPC/EBS state of a region.
type EC2 struct {
	// EBSEncryptionByDefault is the region's "always encrypt new EBS
	// volumes" setting.
	EBSEncryptionByDefault bool `json:"ebs_encryption_by_default"`
	// MetadataDefaults are the account-level IMDS defaults of the region
	// for new instances; empty fields mean "no preference".
	MetadataDefaults MetadataOptions `json:"instance_metadata_defaults"`

	Instances         []Instance         `json:"instances,omitempty"`
	SecurityGroups    []SecurityGroup    `json:"security_groups,omitempty"`
	NetworkInterfaces []NetworkInterface `json:"network_interfaces,omitempty"`
	NetworkACLs       []NetworkACL       `json:"network_acls,omitempty"`
	VPCs              []VPC              `json:"vpcs,omitempty"`
	FlowLogs          []FlowLog          `json:"flow_logs,omitempty"`
	Subnets           []Subnet           `json:"subnets,omitempty"`
	VPCEndpoints      []VPCEndpoint      `json:"vpc_endpoints,omitempty"`
	Volumes           []Volume           `json:"volumes,omitempty"`
	Snapshots         []Snapshot         `json:"snapshots,omitempty"`
	LaunchTemplates   []LaunchTemplate   `json:"launch_templates,omitempty"`
	TransitGateways   []TransitGateway   `json:"transit_gateways,omitempty"`

	// Errors maps each part (Part*) that could not be read to why.
	Errors map[string]string `json:"errors,omitempty"`
}

// Err returns why the first of parts could not be read, and that part,
// or "" when all were read.
func (e *EC2) Err(parts ...string) (part, reason string) {
	for _, p := range parts {
		if r, ok := e.Errors[p]; ok {
			return p, r
		}
	}
	return "", ""
}

// MetadataOptions are instance metadata service (IMDS) options.
type MetadataOptions struct {
	// HTTPTokens is "required" (IMDSv2 only) or "optional" (IMDSv1 too);
	// "" when unknown (or no preference, for defaults).
	HTTPTokens string `json:"http_tokens,omitempty"`
	// HTTPEndpoint is "enabled" or "disabled".
	HTTPEndpoint string `json:"http_endpoint,omitempty"`
	// HTTPPutResponseHopLimit is the PUT response hop limit (0: unknown).
	HTTPPutResponseHopLimit int `json:"http_put_response_hop_limit,omitempty"`
	// InstanceMetadataTags is "enabled" or "disabled".
	InstanceMetadataTags string `json:"instance_metadata_tags,omitempty"`
}

// Instance is an EC2 instance.
type Instance struct {
	ID    string `json:"id"`
	ARN   string `json:"arn"`
	State string `json:"state"` // pending running stopping stopped shutting-down terminated
	Type  string `json:"type,omitempty"`
	// ImageID is the AMI the instance was launched from.
	ImageID  string `json:"image_id,omitempty"`
	Platform string `json:"platform,omitempty"` // "windows" or ""
	KeyName  string `json:"key_name,omitempty"`
	VPCID    string `json:"vpc_id,omitempty"`
	SubnetID string `json:"subnet_id,omitempty"`
	// PrivateIP and PublicIP are the primary IPv4 addresses; PublicIP is
	// "" when the instance has none.
	PrivateIP string `json:"private_ip,omitempty"`
	PublicIP  string `json:"public_ip,omitempty"`
	// InstanceProfileARN is the attached IAM instance profile, or "".
	InstanceProfileARN string          `json:"instance_profile_arn,omitempty"`
	Metadata           MetadataOptions `json:"metadata_options"`
	// SecurityGroups are the IDs of the groups of all its interfaces.
	SecurityGroups    []string `json:"security_groups,omitempty"`
	NetworkInterfaces []string `json:"network_interfaces,omitempty"`
	// Volumes are the IDs of the attached EBS volumes.
	Volumes    []string          `json:"volumes,omitempty"`
	LaunchTime time.Time         `json:"launch_time"`
	Tags       map[string]string `json:"tags,omitempty"`
	// StateReason is DescribeInstances' StateTransitionReason: for an
	// instance a user stopped, "User initiated (2006-01-02 15:04:05 GMT)".
	StateReason string `json:"state_reason,omitempty"`
	// Virtualization is hvm or paravirtual; "" when not reported.
	Virtualization string `json:"virtualization,omitempty"`
}

// Live reports whether the instance exists and can run again (it is not
// terminated or being terminated).
func (i *Instance) Live() bool { return i.State != "terminated" && i.State != "shutting-down" }

// SecurityGroup is a VPC security group.
type SecurityGroup struct {
	ID          string            `json:"id"`
	ARN         string            `json:"arn"`
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	VPCID       string            `json:"vpc_id,omitempty"`
	Ingress     []Rule            `json:"ingress,omitempty"`
	Egress      []Rule            `json:"egress,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	// NetworkInterfaces are the IDs of the interfaces the group is
	// attached to (unknown when Errors names PartNetworkInterfaces).
	NetworkInterfaces []string `json:"network_interfaces,omitempty"`
}

// IsDefault reports whether g is its VPC's default security group.
func (g *SecurityGroup) IsDefault() bool { return g.Name == "default" }

// Rule is one security group rule: a protocol and port range, and exactly
// one peer (IPv4 CIDR, IPv6 CIDR, prefix list or security group).
type Rule struct {
	// ID is the security group rule ID (sgr-...), "" when unknown.
	ID string `json:"id,omitempty"`
	// Protocol is "-1" (all), "tcp", "udp", "icmp", "icmpv6" or a number.
	Protocol string `json:"protocol"`
	// FromPort and ToPort bound the ports (ICMP: type and code); -1 when
	// the protocol has no ports or all are meant.
	FromPort     int    `json:"from_port"`
	ToPort       int    `json:"to_port"`
	CIDR         string `json:"cidr,omitempty"`
	IPv6CIDR     string `json:"ipv6_cidr,omitempty"`
	PrefixListID string `json:"prefix_list_id,omitempty"`
	GroupID      string `json:"group_id,omitempty"`
	GroupOwner   string `json:"group_owner,omitempty"`
	Description  string `json:"description,omitempty"`
}

// NetworkInterface is an elastic network interface (of an instance, an
// endpoint, a load balancer, a Lambda function, ...).
type NetworkInterface struct {
	ID             string   `json:"id"`
	Type           string   `json:"type,omitempty"` // interface, vpc_endpoint, lambda, ...
	VPCID          string   `json:"vpc_id,omitempty"`
	SubnetID       string   `json:"subnet_id,omitempty"`
	InstanceID     string   `json:"instance_id,omitempty"`
	PublicIP       string   `json:"public_ip,omitempty"`
	SecurityGroups []string `json:"security_groups,omitempty"`
	Status         string   `json:"status,omitempty"`
}

// NetworkACL is a network ACL.
type NetworkACL struct {
	ID      string `json:"id"`
	ARN     string `json:"arn"`
	VPCID   string `json:"vpc_id"`
	Default bool   `json:"default,omitempty"`
	// Entries are in the order AWS returns them; they apply by RuleNumber.
	Entries []NACLEntry `json:"entries,omitempty"`
	// Subnets are the IDs of the associated subnets.
	Subnets []string          `json:"subnets,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
}

// NACLEntry is one numbered rule of a network ACL.
type NACLEntry struct {
	RuleNumber int  `json:"rule_number"`
	Egress     bool `json:"egress,omitempty"`
	// Protocol is the protocol number: "-1" (all), "6" (TCP), "17" (UDP).
	Protocol string `json:"protocol"`
	// Action is "allow" or "deny".
	Action   string `json:"action"`
	CIDR     string `json:"cidr,omitempty"`
	IPv6CIDR string `json:"ipv6_cidr,omitempty"`
	// Ports is the port range (TCP and UDP); nil means all ports.
	Ports *PortRange `json:"ports,omitempty"`
}

// PortRange is an inclusive range of ports.
type PortRange struct {
	From int `json:"from"`
	To   int `json:"to"`
}

// VPC is a virtual private cloud.
type VPC struct {
	ID        string            `json:"id"`
	ARN       string            `json:"arn"`
	CIDR      string            `json:"cidr,omitempty"`
	IsDefault bool              `json:"is_default,omitempty"`
	State     string            `json:"state,omitempty"`
	Tags      map[string]string `json:"tags,omitempty"`
}

// FlowLog is a flow log of a VPC, subnet or network interface.
type FlowLog struct {
	ID string `json:"id"`
	// ResourceID is the VPC, subnet or interface logged.
	ResourceID string `json:"resource_id"`
	// TrafficType is ACCEPT, REJECT or ALL.
	TrafficType string `json:"traffic_type"`
	// Status is the flow log's status (ACTIVE); DeliverStatus the last
	// delivery's (SUCCESS, FAILED).
	Status          string `json:"status,omitempty"`
	DeliverStatus   string `json:"deliver_status,omitempty"`
	DestinationType string `json:"destination_type,omitempty"` // cloud-watch-logs | s3 | kinesis-data-firehose
	Destination     string `json:"destination,omitempty"`
}

// Subnet is a subnet of a VPC.
type Subnet struct {
	ID           string `json:"id"`
	ARN          string `json:"arn"`
	VPCID        string `json:"vpc_id"`
	CIDR         string `json:"cidr,omitempty"`
	AZ           string `json:"availability_zone,omitempty"`
	DefaultForAZ bool   `json:"default_for_az,omitempty"`
	// MapPublicIPOnLaunch gives instances launched in it a public IPv4
	// address.
	MapPublicIPOnLaunch bool              `json:"map_public_ip_on_launch"`
	Tags                map[string]string `json:"tags,omitempty"`
}

// VPCEndpoint is a gateway or interface VPC endpoint.
type VPCEndpoint struct {
	ID          string `json:"id"`
	Type        string `json:"type"` // Gateway | Interface | GatewayLoadBalancer ...
	VPCID       string `json:"vpc_id"`
	ServiceName string `json:"service_name"` // com.amazonaws.<region>.<service>
	State       string `json:"state"`        // available ...
}

// Volume is an EBS volume.
type Volume struct {
	ID          string             `json:"id"`
	ARN         string             `json:"arn"`
	State       string             `json:"state"` // available | in-use ...
	Size        int                `json:"size_gib"`
	Type        string             `json:"type,omitempty"`
	Encrypted   bool               `json:"encrypted"`
	KMSKeyID    string             `json:"kms_key_id,omitempty"`
	Attachments []VolumeAttachment `json:"attachments,omitempty"`
	Tags        map[string]string  `json:"tags,omitempty"`
}

// VolumeAttachment attaches a volume to an instance.
type VolumeAttachment struct {
	InstanceID string `json:"instance_id"`
	Device     string `json:"device,omitempty"`
	State      string `json:"state,omitempty"` // attached ...
}

// Snapshot is an EBS snapshot the account owns.
type Snapshot struct {
	ID          string    `json:"id"`
	ARN         string    `json:"arn"`
	VolumeID    string    `json:"volume_id,omitempty"`
	State       string    `json:"state,omitempty"`
	Size        int       `json:"size_gib"`
	Encrypted   bool      `json:"encrypted"`
	Description string    `json:"description,omitempty"`
	Started     time.Time `json:"started"`
	// Public: anyone may create volumes from it (it is shared with "all"
	// and snapshot block public access does not block that).
	Public bool `json:"public"`
	// SharedWith are the account IDs given createVolumePermission; read
	// only for public snapshots.
	SharedWith []string          `json:"shared_with,omitempty"`
	Tags       map[string]string `json:"tags,omitempty"`
	// Errors maps each detail (Detail*) that could not be read to why.
	Errors map[string]string `json:"errors,omitempty"`
}

// LaunchTemplate is an EC2 launch template.
type LaunchTemplate struct {
	ID             string            `json:"id"`
	ARN            string            `json:"arn"`
	Name           string            `json:"name"`
	DefaultVersion int               `json:"default_version"`
	LatestVersion  int               `json:"latest_version"`
	Tags           map[string]string `json:"tags,omitempty"`
	// Versions are the default and the latest version (one version when
	// they are the same): what launches use unless they name a version.
	Versions []LaunchTemplateVersion `json:"versions,omitempty"`
}

// LaunchTemplateVersion is what one version of a launch template sets.
type LaunchTemplateVersion struct {
	Number  int  `json:"number"`
	Default bool `json:"default,omitempty"`
	// NetworkInterfaces are the interfaces it specifies.
	NetworkInterfaces []LaunchTemplateInterface `json:"network_interfaces,omitempty"`
	// Metadata is nil when the version sets no metadata options.
	Metadata *MetadataOptions `json:"metadata_options,omitempty"`
}

// LaunchTemplateInterface is a network interface of a launch template.
type LaunchTemplateInterface struct {
	DeviceIndex int `json:"device_index"`
	// AssociatePublicIP is nil when unset (the subnet's setting applies).
	AssociatePublicIP *bool `json:"associate_public_ip,omitempty"`
}

// TransitGateway is a transit gateway the account owns.
type TransitGateway struct {
	ID          string `json:"id"`
	ARN         string `json:"arn"`
	Description string `json:"description,omitempty"`
	State       string `json:"state"` // available, pending, modifying, deleting, deleted
	// AutoAcceptSharedAttachments accepts attachment requests from other
	// accounts without review.
	AutoAcceptSharedAttachments bool              `json:"auto_accept_shared_attachments"`
	Tags                        map[string]string `json:"tags,omitempty"`
}
