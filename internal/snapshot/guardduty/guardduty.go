// Package guardduty holds the normalized Amazon GuardDuty state of one
// account in one region: its detector (there is at most one) and the
// status of each protection feature. It must not import the AWS SDK.
package guardduty

import "time"

// Feature names as GetDetector reports them.
const (
	FeatureCloudTrail           = "CLOUD_TRAIL"
	FeatureDNSLogs              = "DNS_LOGS"
	FeatureFlowLogs             = "FLOW_LOGS"
	FeatureS3DataEvents         = "S3_DATA_EVENTS"
	FeatureEKSAuditLogs         = "EKS_AUDIT_LOGS"
	FeatureEBSMalwareProtection = "EBS_MALWARE_PROTECTION"
	FeatureRDSLoginEvents       = "RDS_LOGIN_EVENTS"
	FeatureEKSRuntimeMonitoring = "EKS_RUNTIME_MONITORING"
	FeatureLambdaNetworkLogs    = "LAMBDA_NETWORK_LOGS"
	FeatureRuntimeMonitoring    = "RUNTIME_MONITORING"

	// AdditionalEKSAddonManagement is the additional configuration of
	// EKS_RUNTIME_MONITORING and RUNTIME_MONITORING that has GuardDuty
	// manage the security agent on EKS clusters.
	AdditionalEKSAddonManagement = "EKS_ADDON_MANAGEMENT"
	// AdditionalECSFargateAgentManagement and AdditionalEC2AgentManagement
	// are the additional configurations of RUNTIME_MONITORING that have
	// GuardDuty manage its agent on ECS Fargate tasks and EC2 instances.
	AdditionalECSFargateAgentManagement = "ECS_FARGATE_AGENT_MANAGEMENT"
	AdditionalEC2AgentManagement        = "EC2_AGENT_MANAGEMENT"
)

// Statuses of detectors and features.
const (
	Enabled  = "ENABLED"
	Disabled = "DISABLED"
)

// DetailDetector is the key of Detector.Errors when GetDetector failed.
const DetailDetector = "detector"

// GuardDuty is the GuardDuty state of a region. No detector means
// GuardDuty was never enabled there.
type GuardDuty struct {
	Detectors []Detector `json:"detectors"`
}

// Detector is a GuardDuty detector.
type Detector struct {
	ID  string `json:"id"`
	ARN string `json:"arn"`
	// Status is ENABLED or DISABLED (suspended); "" when unknown.
	Status                     string            `json:"status,omitempty"`
	FindingPublishingFrequency string            `json:"finding_publishing_frequency,omitempty"`
	CreatedAt                  time.Time         `json:"created_at,omitzero"`
	Tags                       map[string]string `json:"tags,omitempty"`
	// Features by name (Feature* constants). A feature the detector does
	// not report (not offered in the region) is absent.
	Features map[string]Feature `json:"features,omitempty"`
	// Errors are the details that could not be read (DetailDetector):
	// everything but ID and ARN is unknown then.
	Errors map[string]string `json:"errors,omitempty"`
}

// Feature is the status of one protection feature.
type Feature struct {
	Status string `json:"status"`
	// Additional are the statuses of its additional configurations
	// (EKS_ADDON_MANAGEMENT, ...), by name.
	Additional map[string]string `json:"additional,omitempty"`
}
