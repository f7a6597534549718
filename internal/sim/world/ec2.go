package world

import "time"

// EC2 is an account's EC2/VPC/EBS state in one region. Owner IDs are
// always the account's; IDs of rules and associations left empty in data
// are generated on first use.
type EC2 struct {
	// EBSEncryptionByDefault is the regional "always encrypt new volumes".
	EBSEncryptionByDefault bool `yaml:"ebs_encryption_by_default"`
	// EBSDefaultKMSKeyID is the key of default encryption; empty means
	// alias/aws/ebs.
	EBSDefaultKMSKeyID string `yaml:"ebs_default_kms_key_id,omitempty"`
	// SnapshotBlockPublicAccess: block-all-sharing, block-new-sharing or
	// unblocked (empty means unblocked).
	SnapshotBlockPublicAccess string `yaml:"snapshot_block_public_access,omitempty"`
	// MetadataDefaults are the account-level IMDS defaults of the region.
	MetadataDefaults MetadataDefaults `yaml:"metadata_defaults,omitempty"`

	VPCs               []*VPC               `yaml:"vpcs,omitempty"`
	Subnets            []*Subnet            `yaml:"subnets,omitempty"`
	RouteTables        []*RouteTable        `yaml:"route_tables,omitempty"`
	InternetGateways   []*InternetGateway   `yaml:"internet_gateways,omitempty"`
	NetworkACLs        []*NetworkACL        `yaml:"network_acls,omitempty"`
	FlowLogs           []*FlowLog           `yaml:"flow_logs,omitempty"`
	VPCEndpoints       []*VPCEndpoint       `yaml:"vpc_endpoints,omitempty"`
	PeeringConnections []*PeeringConnection `yaml:"peering_connections,omitempty"`
	SecurityGroups     []*SecurityGroup     `yaml:"security_groups,omitempty"`
	// NetworkInterfaces are the ENIs not owned by an instance (endpoints,
	// load balancers, Lambda); every instance also has a primary ENI.
	NetworkInterfaces []*NetworkInterface `yaml:"network_interfaces,omitempty"`
	Instances         []*Instance         `yaml:"instances,omitempty"`
	Volumes           []*Volume           `yaml:"volumes,omitempty"`
	Snapshots         []*Snapshot         `yaml:"snapshots,omitempty"`
	Images            []*Image            `yaml:"images,omitempty"`
	Addresses         []*Address          `yaml:"addresses,omitempty"`
	LaunchTemplates   []*LaunchTemplate   `yaml:"launch_templates,omitempty"`
	TransitGateways   []*TransitGateway   `yaml:"transit_gateways,omitempty"`
}

// MetadataDefaults are account-level instance metadata defaults; empty
// fields mean "no preference".
type MetadataDefaults struct {
	HTTPTokens           string `yaml:"http_tokens,omitempty"`   // optional | required
	HTTPEndpoint         string `yaml:"http_endpoint,omitempty"` // enabled | disabled
	HTTPPutHopLimit      int    `yaml:"http_put_response_hop_limit,omitempty"`
	InstanceMetadataTags string `yaml:"instance_metadata_tags,omitempty"` // enabled | disabled
}

// VPC is a virtual private cloud.
type VPC struct {
	ID              string            `yaml:"id"`
	CIDR            string            `yaml:"cidr"`
	IsDefault       bool              `yaml:"is_default,omitempty"`
	State           string            `yaml:"state,omitempty"` // available
	DHCPOptionsID   string            `yaml:"dhcp_options_id,omitempty"`
	InstanceTenancy string            `yaml:"instance_tenancy,omitempty"`
	Tags            map[string]string `yaml:"tags,omitempty"`
}

// Subnet is a subnet of a VPC.
type Subnet struct {
	ID               string            `yaml:"id"`
	VPCID            string            `yaml:"vpc_id"`
	CIDR             string            `yaml:"cidr"`
	AZ               string            `yaml:"az"`
	DefaultForAZ     bool              `yaml:"default_for_az,omitempty"`
	MapPublicIP      bool              `yaml:"map_public_ip,omitempty"`
	AvailableIPCount int               `yaml:"available_ip_count,omitempty"`
	Tags             map[string]string `yaml:"tags,omitempty"`
}

// RouteTable is a VPC route table.
type RouteTable struct {
	ID      string            `yaml:"id"`
	VPCID   string            `yaml:"vpc_id"`
	Main    bool              `yaml:"main,omitempty"`
	Routes  []Route           `yaml:"routes,omitempty"`
	Subnets []string          `yaml:"subnets,omitempty"` // explicitly associated subnet IDs
	Tags    map[string]string `yaml:"tags,omitempty"`
}

// Route is one route of a route table.
type Route struct {
	Destination     string `yaml:"destination,omitempty"`
	DestinationIPv6 string `yaml:"destination_ipv6,omitempty"`
	GatewayID       string `yaml:"gateway_id,omitempty"` // local, igw-..., vpce-...
	NATGatewayID    string `yaml:"nat_gateway_id,omitempty"`
	PeeringID       string `yaml:"peering_id,omitempty"`
	State           string `yaml:"state,omitempty"` // active | blackhole
}

// InternetGateway is an internet gateway, attached to at most one VPC.
type InternetGateway struct {
	ID    string            `yaml:"id"`
	VPCID string            `yaml:"vpc_id,omitempty"`
	Tags  map[string]string `yaml:"tags,omitempty"`
}

// NetworkACL is a network ACL.
type NetworkACL struct {
	ID      string            `yaml:"id"`
	VPCID   string            `yaml:"vpc_id"`
	Default bool              `yaml:"default,omitempty"`
	Entries []NACLEntry       `yaml:"entries,omitempty"`
	Subnets []string          `yaml:"subnets,omitempty"`
	Tags    map[string]string `yaml:"tags,omitempty"`
}

// NACLEntry is one numbered rule of a network ACL.
type NACLEntry struct {
	RuleNumber int    `yaml:"rule_number"`
	Egress     bool   `yaml:"egress,omitempty"`
	Protocol   string `yaml:"protocol"` // "-1" all, "6" tcp, "17" udp, "1" icmp
	Action     string `yaml:"action"`   // allow | deny
	CIDR       string `yaml:"cidr,omitempty"`
	IPv6CIDR   string `yaml:"ipv6_cidr,omitempty"`
	FromPort   *int   `yaml:"from_port,omitempty"`
	ToPort     *int   `yaml:"to_port,omitempty"`
	ICMPType   *int   `yaml:"icmp_type,omitempty"`
	ICMPCode   *int   `yaml:"icmp_code,omitempty"`
}

// FlowLog is a VPC flow log.
type FlowLog struct {
	ID                 string            `yaml:"id"`
	ResourceID         string            `yaml:"resource_id"`
	TrafficType        string            `yaml:"traffic_type"`          // ACCEPT | REJECT | ALL
	DestinationType    string            `yaml:"destination_type"`      // cloud-watch-logs | s3 | kinesis-data-firehose
	Destination        string            `yaml:"destination,omitempty"` // ARN
	LogGroupName       string            `yaml:"log_group_name,omitempty"`
	DeliverLogsRoleARN string            `yaml:"deliver_logs_role_arn,omitempty"`
	LogFormat          string            `yaml:"log_format,omitempty"`
	MaxAggregation     int               `yaml:"max_aggregation_interval,omitempty"`
	Created            time.Time         `yaml:"created"`
	Tags               map[string]string `yaml:"tags,omitempty"`
}

// VPCEndpoint is a gateway or interface VPC endpoint.
type VPCEndpoint struct {
	ID             string            `yaml:"id"`
	Type           string            `yaml:"type"` // Gateway | Interface
	VPCID          string            `yaml:"vpc_id"`
	ServiceName    string            `yaml:"service_name"`
	State          string            `yaml:"state,omitempty"` // available
	PolicyDocument string            `yaml:"policy_document,omitempty"`
	RouteTableIDs  []string          `yaml:"route_table_ids,omitempty"`
	SubnetIDs      []string          `yaml:"subnet_ids,omitempty"`
	GroupIDs       []string          `yaml:"group_ids,omitempty"`
	PrivateDNS     bool              `yaml:"private_dns,omitempty"`
	Created        time.Time         `yaml:"created"`
	Tags           map[string]string `yaml:"tags,omitempty"`
}

// PeeringConnection is a VPC peering connection.
type PeeringConnection struct {
	ID        string            `yaml:"id"`
	Requester PeeringVPC        `yaml:"requester"`
	Accepter  PeeringVPC        `yaml:"accepter"`
	Status    string            `yaml:"status"` // active | pending-acceptance | deleted ...
	Tags      map[string]string `yaml:"tags,omitempty"`
}

// PeeringVPC is one side of a peering connection.
type PeeringVPC struct {
	VPCID   string `yaml:"vpc_id"`
	OwnerID string `yaml:"owner_id"`
	CIDR    string `yaml:"cidr"`
	Region  string `yaml:"region"`
}

// SecurityGroup is a VPC security group; its rules are kept one per
// source/destination, as DescribeSecurityGroupRules shows them.
type SecurityGroup struct {
	ID          string            `yaml:"id"`
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	VPCID       string            `yaml:"vpc_id"`
	Rules       []*SGRule         `yaml:"rules,omitempty"`
	Tags        map[string]string `yaml:"tags,omitempty"`
}

// SGRule is one security group rule: a protocol and port range, and one
// of a CIDR, an IPv6 CIDR, a referenced group or a prefix list.
type SGRule struct {
	ID           string `yaml:"id,omitempty"` // sgr-...; generated when empty
	Egress       bool   `yaml:"egress,omitempty"`
	Protocol     string `yaml:"protocol"` // "-1", tcp, udp, icmp, icmpv6 or a number
	FromPort     int    `yaml:"from_port"`
	ToPort       int    `yaml:"to_port"`
	CIDR         string `yaml:"cidr,omitempty"`
	IPv6CIDR     string `yaml:"ipv6_cidr,omitempty"`
	GroupID      string `yaml:"group_id,omitempty"`
	GroupOwner   string `yaml:"group_owner,omitempty"` // empty: this account
	PrefixListID string `yaml:"prefix_list_id,omitempty"`
	Description  string `yaml:"description,omitempty"`
	// Tags are the rule's own tags (a rule is a taggable resource).
	Tags map[string]string `yaml:"tags,omitempty"`
}

// NetworkInterface is an elastic network interface not owned by an
// instance.
type NetworkInterface struct {
	ID            string            `yaml:"id"`
	SubnetID      string            `yaml:"subnet_id"`
	VPCID         string            `yaml:"vpc_id"`
	AZ            string            `yaml:"az"`
	Description   string            `yaml:"description,omitempty"`
	InterfaceType string            `yaml:"interface_type,omitempty"` // interface, vpc_endpoint, lambda, ...
	PrivateIP     string            `yaml:"private_ip"`
	PublicIP      string            `yaml:"public_ip,omitempty"`
	GroupIDs      []string          `yaml:"group_ids,omitempty"`
	Status        string            `yaml:"status,omitempty"` // in-use | available
	Tags          map[string]string `yaml:"tags,omitempty"`
}

// Instance is an EC2 instance.
type Instance struct {
	ID              string           `yaml:"id"`
	ReservationID   string           `yaml:"reservation_id,omitempty"`
	ImageID         string           `yaml:"image_id"`
	InstanceType    string           `yaml:"instance_type"`
	State           string           `yaml:"state"` // pending running stopping stopped shutting-down terminated
	AZ              string           `yaml:"az"`
	VPCID           string           `yaml:"vpc_id"`
	SubnetID        string           `yaml:"subnet_id"`
	PrivateIP       string           `yaml:"private_ip"`
	PublicIP        string           `yaml:"public_ip,omitempty"`
	KeyName         string           `yaml:"key_name,omitempty"`
	Platform        string           `yaml:"platform,omitempty"`         // windows or empty
	SecurityGroups  []string         `yaml:"security_groups,omitempty"`  // group IDs
	InstanceProfile string           `yaml:"instance_profile,omitempty"` // ARN
	Metadata        InstanceMetadata `yaml:"metadata"`
	LaunchTime      time.Time        `yaml:"launch_time"`
	// StateTransitionTime is when a user last stopped (or terminated)
	// the instance; DescribeInstances reports it in the reason "User
	// initiated (<time> GMT)". Zero for an instance never stopped.
	StateTransitionTime time.Time `yaml:"state_transition_time,omitempty"`
	// VirtualizationType is hvm (the default) or paravirtual, from the AMI.
	VirtualizationType string            `yaml:"virtualization_type,omitempty"`
	RootDevice         string            `yaml:"root_device,omitempty"` // /dev/xvda
	Tags               map[string]string `yaml:"tags,omitempty"`
	// LegacyIMDSv1: the instance runs an application that reads instance
	// metadata without a session token, and fails when IMDSv1 is turned
	// off (see Health).
	LegacyIMDSv1 bool `yaml:"legacy_imdsv1,omitempty"`
}

// InstanceMetadata are an instance's IMDS options.
type InstanceMetadata struct {
	HTTPTokens           string `yaml:"http_tokens"`             // optional | required
	HTTPEndpoint         string `yaml:"http_endpoint,omitempty"` // enabled (default) | disabled
	HTTPPutHopLimit      int    `yaml:"http_put_response_hop_limit,omitempty"`
	InstanceMetadataTags string `yaml:"instance_metadata_tags,omitempty"`
	HTTPProtocolIPv6     string `yaml:"http_protocol_ipv6,omitempty"`
}

// Volume is an EBS volume.
type Volume struct {
	ID          string             `yaml:"id"`
	Size        int                `yaml:"size"`
	Type        string             `yaml:"type,omitempty"` // gp3 ...
	AZ          string             `yaml:"az"`
	State       string             `yaml:"state,omitempty"` // available | in-use
	Encrypted   bool               `yaml:"encrypted,omitempty"`
	KMSKeyID    string             `yaml:"kms_key_id,omitempty"`
	SnapshotID  string             `yaml:"snapshot_id,omitempty"`
	IOPS        int                `yaml:"iops,omitempty"`
	Created     time.Time          `yaml:"created"`
	Attachments []VolumeAttachment `yaml:"attachments,omitempty"`
	Tags        map[string]string  `yaml:"tags,omitempty"`
}

// VolumeAttachment attaches a volume to an instance.
type VolumeAttachment struct {
	InstanceID          string    `yaml:"instance_id"`
	Device              string    `yaml:"device"`
	DeleteOnTermination bool      `yaml:"delete_on_termination,omitempty"`
	AttachTime          time.Time `yaml:"attach_time,omitempty"`
}

// Snapshot is an EBS snapshot owned by the account.
type Snapshot struct {
	ID          string    `yaml:"id"`
	VolumeID    string    `yaml:"volume_id"`
	VolumeSize  int       `yaml:"volume_size"`
	State       string    `yaml:"state,omitempty"` // completed
	Description string    `yaml:"description,omitempty"`
	Encrypted   bool      `yaml:"encrypted,omitempty"`
	KMSKeyID    string    `yaml:"kms_key_id,omitempty"`
	Started     time.Time `yaml:"started"`
	// Public: createVolumePermission has Group=all.
	Public bool `yaml:"public,omitempty"`
	// SharedWith are the account IDs with createVolumePermission.
	SharedWith []string          `yaml:"shared_with,omitempty"`
	Tags       map[string]string `yaml:"tags,omitempty"`
}

// Image is an AMI owned by the account.
type Image struct {
	ID           string            `yaml:"id"`
	Name         string            `yaml:"name"`
	Description  string            `yaml:"description,omitempty"`
	State        string            `yaml:"state,omitempty"` // available
	Public       bool              `yaml:"public,omitempty"`
	Architecture string            `yaml:"architecture,omitempty"`
	Platform     string            `yaml:"platform,omitempty"`
	RootDevice   string            `yaml:"root_device,omitempty"`
	SnapshotIDs  []string          `yaml:"snapshot_ids,omitempty"`
	IMDSSupport  string            `yaml:"imds_support,omitempty"` // v2.0 or empty
	Created      time.Time         `yaml:"created"`
	Tags         map[string]string `yaml:"tags,omitempty"`
}

// Address is an Elastic IP address.
type Address struct {
	AllocationID       string            `yaml:"allocation_id"`
	PublicIP           string            `yaml:"public_ip"`
	AssociationID      string            `yaml:"association_id,omitempty"`
	InstanceID         string            `yaml:"instance_id,omitempty"`
	NetworkInterfaceID string            `yaml:"network_interface_id,omitempty"`
	PrivateIP          string            `yaml:"private_ip,omitempty"`
	Tags               map[string]string `yaml:"tags,omitempty"`
}

// LaunchTemplate is an EC2 launch template and its versions.
type LaunchTemplate struct {
	ID        string    `yaml:"id"` // lt-...
	Name      string    `yaml:"name"`
	Created   time.Time `yaml:"created"`
	CreatedBy string    `yaml:"created_by,omitempty"` // ARN; the account root when empty
	// DefaultVersion is the number of the default version (0 means 1).
	DefaultVersion int `yaml:"default_version,omitempty"`
	// LastVersion is the highest version number given so far, deleted
	// versions included (0: the latest version's). EC2 does not reuse the
	// number of a deleted version.
	LastVersion int `yaml:"last_version,omitempty"`
	// Versions are numbered from 1 in order unless they say otherwise.
	Versions []*LaunchTemplateVersion `yaml:"versions"`
	Tags     map[string]string        `yaml:"tags,omitempty"`
}

// LaunchTemplateVersion is one version of a launch template.
type LaunchTemplateVersion struct {
	Number      int                `yaml:"number,omitempty"`
	Description string             `yaml:"description,omitempty"`
	Created     time.Time          `yaml:"created"`
	Data        LaunchTemplateData `yaml:"data"`
}

// LaunchTemplateData is what a launch template version sets; empty fields
// are not set (the launch request, account defaults or AMI decide).
type LaunchTemplateData struct {
	ImageID            string `yaml:"image_id,omitempty"`
	InstanceType       string `yaml:"instance_type,omitempty"`
	KeyName            string `yaml:"key_name,omitempty"`
	InstanceProfileARN string `yaml:"instance_profile,omitempty"`
	// SecurityGroupIDs apply when no network interface is specified.
	SecurityGroupIDs  []string                  `yaml:"security_group_ids,omitempty"`
	NetworkInterfaces []LaunchTemplateInterface `yaml:"network_interfaces,omitempty"`
	// Metadata is nil when the version sets no metadata options.
	Metadata *InstanceMetadata `yaml:"metadata,omitempty"`
	// BlockDevices are the version's block device mappings.
	BlockDevices []LaunchTemplateBlockDevice `yaml:"block_devices,omitempty"`
}

// LaunchTemplateBlockDevice is a block device mapping of a launch
// template version.
type LaunchTemplateBlockDevice struct {
	DeviceName  string `yaml:"device_name"`
	NoDevice    string `yaml:"no_device,omitempty"`
	VirtualName string `yaml:"virtual_name,omitempty"` // ephemeral0 ...
	// EBS is nil for an instance store or suppressed device.
	EBS *LaunchTemplateEBS `yaml:"ebs,omitempty"`
}

// LaunchTemplateEBS is the EBS volume of a block device mapping; empty
// fields are not set.
type LaunchTemplateEBS struct {
	SnapshotID          string `yaml:"snapshot_id,omitempty"`
	VolumeSize          int    `yaml:"volume_size,omitempty"`
	VolumeType          string `yaml:"volume_type,omitempty"`
	IOPS                int    `yaml:"iops,omitempty"`
	Throughput          int    `yaml:"throughput,omitempty"`
	KMSKeyID            string `yaml:"kms_key_id,omitempty"`
	Encrypted           *bool  `yaml:"encrypted,omitempty"`
	DeleteOnTermination *bool  `yaml:"delete_on_termination,omitempty"`
}

// LaunchTemplateInterface is a network interface of a launch template.
type LaunchTemplateInterface struct {
	DeviceIndex int `yaml:"device_index"`
	// AssociatePublicIP is nil when unset (the subnet's setting applies).
	AssociatePublicIP   *bool    `yaml:"associate_public_ip,omitempty"`
	DeleteOnTermination *bool    `yaml:"delete_on_termination,omitempty"`
	SubnetID            string   `yaml:"subnet_id,omitempty"`
	GroupIDs            []string `yaml:"group_ids,omitempty"`
}

// TransitGateway is a transit gateway owned by the account.
type TransitGateway struct {
	ID          string    `yaml:"id"` // tgw-...
	Description string    `yaml:"description,omitempty"`
	State       string    `yaml:"state,omitempty"` // available (default) | pending | modifying | deleting | deleted
	Created     time.Time `yaml:"created"`
	// AmazonSideASN is the BGP ASN (0 means 64512).
	AmazonSideASN int64 `yaml:"amazon_side_asn,omitempty"`
	// AutoAcceptSharedAttachments accepts attachment requests from other
	// accounts without review.
	AutoAcceptSharedAttachments bool `yaml:"auto_accept_shared_attachments,omitempty"`
	// DefaultRouteTableAssociation and DefaultRouteTablePropagation are
	// AWS's defaults (enable) unless turned off.
	NoDefaultRouteTableAssociation bool              `yaml:"no_default_route_table_association,omitempty"`
	NoDefaultRouteTablePropagation bool              `yaml:"no_default_route_table_propagation,omitempty"`
	Tags                           map[string]string `yaml:"tags,omitempty"`
}
