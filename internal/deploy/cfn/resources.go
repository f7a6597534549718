package cfn

import (
	"encoding/json"
	"fmt"
)

// types makes the properties struct of each modelled resource type.
var types = typeMap(
	&Role{}, &LogGroup{}, &Cluster{}, &TaskDefinition{}, &Service{},
	&LoadBalancer{}, &TargetGroup{}, &Listener{}, &SecurityGroup{},
	&SecurityGroupIngress{}, &DBSubnetGroup{}, &DBInstance{},
	&Queue{}, &QueuePolicy{}, &EventBus{}, &EventBusPolicy{}, &Rule{}, &Schedule{},
	&Secret{}, &StackSet{}, &OrganizationsResourcePolicy{},
)

func typeMap(ps ...Properties) map[string]func() Properties {
	m := map[string]func() Properties{}
	for _, p := range ps {
		m[p.CFNType()] = func() Properties { return newOf(p) }
	}
	return m
}

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"Key"`
	Value Str    `json:"Value"`
}

// PolicyDocument is an IAM policy document.
type PolicyDocument struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a policy document. Action is always a
// list and Resource a list of values.
type Statement struct {
	Sid       string                      `json:"Sid,omitempty"`
	Effect    string                      `json:"Effect"`
	Principal *Principal                  `json:"Principal,omitempty"`
	Action    []string                    `json:"Action"`
	Resource  []Str                       `json:"Resource,omitempty"`
	Condition map[string]map[string][]Str `json:"Condition,omitempty"`
}

// Principal is a statement's principal: AWS principals (role ARNs),
// services, or everyone ("*", narrowed by a condition).
type Principal struct {
	Everyone bool
	AWS      []Str
	Service  []string
}

// MarshalJSON writes "*" or the map of principal types.
func (p Principal) MarshalJSON() ([]byte, error) {
	if p.Everyone {
		return []byte(`"*"`), nil
	}
	type plain struct {
		AWS     []Str    `json:"AWS,omitempty"`
		Service []string `json:"Service,omitempty"`
	}
	return json.Marshal(plain{p.AWS, p.Service})
}

// UnmarshalJSON reads "*" or the map of principal types.
func (p *Principal) UnmarshalJSON(data []byte) error {
	*p = Principal{}
	if string(data) == `"*"` {
		p.Everyone = true
		return nil
	}
	var plain struct {
		AWS     []Str    `json:"AWS"`
		Service []string `json:"Service"`
	}
	if err := strict(data, &plain); err != nil {
		return fmt.Errorf("principal: %w", err)
	}
	p.AWS, p.Service = plain.AWS, plain.Service
	return nil
}

// InlinePolicy is one of a role's inline policies.
type InlinePolicy struct {
	PolicyName     string         `json:"PolicyName"`
	PolicyDocument PolicyDocument `json:"PolicyDocument"`
}

// Role is AWS::IAM::Role.
type Role struct {
	RoleName                 Str            `json:"RoleName,omitzero"`
	Description              string         `json:"Description,omitempty"`
	Path                     string         `json:"Path,omitempty"`
	MaxSessionDuration       int            `json:"MaxSessionDuration,omitempty"`
	AssumeRolePolicyDocument PolicyDocument `json:"AssumeRolePolicyDocument"`
	Policies                 []InlinePolicy `json:"Policies,omitempty"`
	Tags                     []Tag          `json:"Tags,omitempty"`
}

func (*Role) CFNType() string { return "AWS::IAM::Role" }

// LogGroup is AWS::Logs::LogGroup.
type LogGroup struct {
	LogGroupName    Str `json:"LogGroupName"`
	RetentionInDays int `json:"RetentionInDays"`
}

func (*LogGroup) CFNType() string { return "AWS::Logs::LogGroup" }

// NameValue is a name and a value (ECS cluster settings).
type NameValue struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// Cluster is AWS::ECS::Cluster.
type Cluster struct {
	ClusterName       Str         `json:"ClusterName"`
	ClusterSettings   []NameValue `json:"ClusterSettings,omitempty"`
	CapacityProviders []string    `json:"CapacityProviders,omitempty"`
}

func (*Cluster) CFNType() string { return "AWS::ECS::Cluster" }

// TaskDefinition is AWS::ECS::TaskDefinition.
type TaskDefinition struct {
	Family                  Str                   `json:"Family"`
	Cpu                     string                `json:"Cpu"`
	Memory                  string                `json:"Memory"`
	NetworkMode             string                `json:"NetworkMode"`
	RequiresCompatibilities []string              `json:"RequiresCompatibilities"`
	RuntimePlatform         *RuntimePlatform      `json:"RuntimePlatform,omitempty"`
	ExecutionRoleArn        Str                   `json:"ExecutionRoleArn"`
	TaskRoleArn             Str                   `json:"TaskRoleArn,omitzero"`
	ContainerDefinitions    []ContainerDefinition `json:"ContainerDefinitions"`
}

func (*TaskDefinition) CFNType() string { return "AWS::ECS::TaskDefinition" }

// RuntimePlatform is a task definition's OS and CPU architecture.
type RuntimePlatform struct {
	CpuArchitecture       string `json:"CpuArchitecture"`
	OperatingSystemFamily string `json:"OperatingSystemFamily"`
}

// ContainerDefinition is one container of a task definition.
type ContainerDefinition struct {
	Name                   string            `json:"Name"`
	Image                  Str               `json:"Image"`
	Essential              bool              `json:"Essential"`
	Command                []Str             `json:"Command"`
	Environment            []KeyValue        `json:"Environment,omitempty"`
	Secrets                []ContainerSecret `json:"Secrets,omitempty"`
	PortMappings           []PortMapping     `json:"PortMappings,omitempty"`
	ReadonlyRootFilesystem bool              `json:"ReadonlyRootFilesystem"`
	User                   string            `json:"User,omitempty"`
	StopTimeout            int               `json:"StopTimeout,omitempty"`
	LogConfiguration       LogConfiguration  `json:"LogConfiguration"`
}

// KeyValue is an environment variable.
type KeyValue struct {
	Name  string `json:"Name"`
	Value Str    `json:"Value"`
}

// ContainerSecret is an environment variable ECS reads from Secrets
// Manager when it starts the task (ValueFrom: the secret's ARN, with
// ":json-key::" to pick a key of a JSON secret).
type ContainerSecret struct {
	Name      string `json:"Name"`
	ValueFrom Str    `json:"ValueFrom"`
}

// PortMapping is a container port.
type PortMapping struct {
	ContainerPort int    `json:"ContainerPort"`
	Protocol      string `json:"Protocol"`
}

// LogConfiguration sends a container's output to CloudWatch Logs.
type LogConfiguration struct {
	LogDriver string         `json:"LogDriver"`
	Options   map[string]Str `json:"Options"`
}

// Service is AWS::ECS::Service.
type Service struct {
	ServiceName             Str                      `json:"ServiceName"`
	Cluster                 Str                      `json:"Cluster"`
	TaskDefinition          Str                      `json:"TaskDefinition"`
	DesiredCount            int                      `json:"DesiredCount"`
	LaunchType              string                   `json:"LaunchType"`
	EnableExecuteCommand    bool                     `json:"EnableExecuteCommand"`
	NetworkConfiguration    NetworkConfiguration     `json:"NetworkConfiguration"`
	LoadBalancers           []ServiceLoadBalancer    `json:"LoadBalancers,omitempty"`
	DeploymentConfiguration *DeploymentConfiguration `json:"DeploymentConfiguration,omitempty"`
}

func (*Service) CFNType() string { return "AWS::ECS::Service" }

// NetworkConfiguration places a service's (or a task's) network
// interfaces.
type NetworkConfiguration struct {
	AwsvpcConfiguration AwsvpcConfiguration `json:"AwsvpcConfiguration"`
}

// AwsvpcConfiguration is the subnets and security groups of a task.
type AwsvpcConfiguration struct {
	AssignPublicIp string `json:"AssignPublicIp"`
	Subnets        Strs   `json:"Subnets"`
	SecurityGroups []Str  `json:"SecurityGroups"`
}

// ServiceLoadBalancer registers a service's container with a target
// group.
type ServiceLoadBalancer struct {
	ContainerName  string `json:"ContainerName"`
	ContainerPort  int    `json:"ContainerPort"`
	TargetGroupArn Str    `json:"TargetGroupArn"`
}

// DeploymentConfiguration is how a service replaces its tasks.
type DeploymentConfiguration struct {
	MinimumHealthyPercent int                       `json:"MinimumHealthyPercent"`
	MaximumPercent        int                       `json:"MaximumPercent"`
	CircuitBreaker        *DeploymentCircuitBreaker `json:"DeploymentCircuitBreaker,omitempty"`
}

// DeploymentCircuitBreaker rolls back a deployment whose tasks fail.
type DeploymentCircuitBreaker struct {
	Enable   bool `json:"Enable"`
	Rollback bool `json:"Rollback"`
}

// LoadBalancer is AWS::ElasticLoadBalancingV2::LoadBalancer.
type LoadBalancer struct {
	Type                   string      `json:"Type"`
	Scheme                 Str         `json:"Scheme"`
	Subnets                Strs        `json:"Subnets"`
	SecurityGroups         []Str       `json:"SecurityGroups"`
	LoadBalancerAttributes []Attribute `json:"LoadBalancerAttributes,omitempty"`
}

func (*LoadBalancer) CFNType() string { return "AWS::ElasticLoadBalancingV2::LoadBalancer" }

// Attribute is a load balancer's or target group's attribute.
type Attribute struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// TargetGroup is AWS::ElasticLoadBalancingV2::TargetGroup.
type TargetGroup struct {
	Port                  int         `json:"Port"`
	Protocol              string      `json:"Protocol"`
	TargetType            string      `json:"TargetType"`
	VpcId                 Str         `json:"VpcId"`
	HealthCheckPath       string      `json:"HealthCheckPath"`
	HealthCheckProtocol   string      `json:"HealthCheckProtocol"`
	Matcher               *Matcher    `json:"Matcher,omitempty"`
	TargetGroupAttributes []Attribute `json:"TargetGroupAttributes,omitempty"`
}

func (*TargetGroup) CFNType() string { return "AWS::ElasticLoadBalancingV2::TargetGroup" }

// Matcher is the HTTP codes a health check takes as healthy.
type Matcher struct {
	HttpCode string `json:"HttpCode"`
}

// Listener is AWS::ElasticLoadBalancingV2::Listener.
type Listener struct {
	LoadBalancerArn Str              `json:"LoadBalancerArn"`
	Port            int              `json:"Port"`
	Protocol        string           `json:"Protocol"`
	SslPolicy       string           `json:"SslPolicy,omitempty"`
	Certificates    []Certificate    `json:"Certificates,omitempty"`
	DefaultActions  []ListenerAction `json:"DefaultActions"`
}

func (*Listener) CFNType() string { return "AWS::ElasticLoadBalancingV2::Listener" }

// Certificate is a listener's certificate.
type Certificate struct {
	CertificateArn Str `json:"CertificateArn"`
}

// ListenerAction is one action of a listener, in Order.
type ListenerAction struct {
	Type                   string                  `json:"Type"`
	Order                  int                     `json:"Order"`
	AuthenticateOidcConfig *AuthenticateOidcConfig `json:"AuthenticateOidcConfig,omitempty"`
	TargetGroupArn         Str                     `json:"TargetGroupArn,omitzero"`
}

// AuthenticateOidcConfig signs users in with an OpenID Connect
// provider before the request is forwarded.
type AuthenticateOidcConfig struct {
	Issuer                   Str    `json:"Issuer"`
	AuthorizationEndpoint    Str    `json:"AuthorizationEndpoint"`
	TokenEndpoint            Str    `json:"TokenEndpoint"`
	UserInfoEndpoint         Str    `json:"UserInfoEndpoint"`
	ClientId                 Str    `json:"ClientId"`
	ClientSecret             Str    `json:"ClientSecret"`
	Scope                    string `json:"Scope,omitempty"`
	SessionTimeout           int64  `json:"SessionTimeout,omitempty"`
	OnUnauthenticatedRequest string `json:"OnUnauthenticatedRequest"`
}

// SecurityGroup is AWS::EC2::SecurityGroup.
type SecurityGroup struct {
	GroupDescription     string   `json:"GroupDescription"`
	VpcId                Str      `json:"VpcId"`
	SecurityGroupIngress []SGRule `json:"SecurityGroupIngress,omitempty"`
	SecurityGroupEgress  []SGRule `json:"SecurityGroupEgress"`
}

func (*SecurityGroup) CFNType() string { return "AWS::EC2::SecurityGroup" }

// SGRule is one rule of a security group.
type SGRule struct {
	Description                string `json:"Description"`
	IpProtocol                 string `json:"IpProtocol"`
	FromPort                   *int   `json:"FromPort,omitempty"`
	ToPort                     *int   `json:"ToPort,omitempty"`
	CidrIp                     Str    `json:"CidrIp,omitzero"`
	SourceSecurityGroupId      Str    `json:"SourceSecurityGroupId,omitzero"`
	DestinationSecurityGroupId Str    `json:"DestinationSecurityGroupId,omitzero"`
}

// SecurityGroupIngress is AWS::EC2::SecurityGroupIngress: a rule kept
// apart from its group, so two groups can refer to each other.
type SecurityGroupIngress struct {
	GroupId               Str    `json:"GroupId"`
	Description           string `json:"Description"`
	IpProtocol            string `json:"IpProtocol"`
	FromPort              int    `json:"FromPort"`
	ToPort                int    `json:"ToPort"`
	SourceSecurityGroupId Str    `json:"SourceSecurityGroupId"`
}

func (*SecurityGroupIngress) CFNType() string { return "AWS::EC2::SecurityGroupIngress" }

// DBSubnetGroup is AWS::RDS::DBSubnetGroup.
type DBSubnetGroup struct {
	DBSubnetGroupDescription string `json:"DBSubnetGroupDescription"`
	SubnetIds                Strs   `json:"SubnetIds"`
}

func (*DBSubnetGroup) CFNType() string { return "AWS::RDS::DBSubnetGroup" }

// DBInstance is AWS::RDS::DBInstance.
type DBInstance struct {
	Engine                      string   `json:"Engine"`
	EngineVersion               string   `json:"EngineVersion"`
	DBInstanceClass             string   `json:"DBInstanceClass"`
	AllocatedStorage            string   `json:"AllocatedStorage"`
	MaxAllocatedStorage         int      `json:"MaxAllocatedStorage,omitempty"`
	StorageType                 string   `json:"StorageType"`
	StorageEncrypted            bool     `json:"StorageEncrypted"`
	DBName                      string   `json:"DBName"`
	MasterUsername              string   `json:"MasterUsername"`
	ManageMasterUserPassword    bool     `json:"ManageMasterUserPassword"`
	PubliclyAccessible          bool     `json:"PubliclyAccessible"`
	MultiAZ                     bool     `json:"MultiAZ"`
	DBSubnetGroupName           Str      `json:"DBSubnetGroupName"`
	VPCSecurityGroups           []Str    `json:"VPCSecurityGroups"`
	DeletionProtection          bool     `json:"DeletionProtection"`
	BackupRetentionPeriod       int      `json:"BackupRetentionPeriod"`
	CopyTagsToSnapshot          bool     `json:"CopyTagsToSnapshot"`
	AutoMinorVersionUpgrade     bool     `json:"AutoMinorVersionUpgrade"`
	EnablePerformanceInsights   bool     `json:"EnablePerformanceInsights"`
	EnableCloudwatchLogsExports []string `json:"EnableCloudwatchLogsExports,omitempty"`
}

func (*DBInstance) CFNType() string { return "AWS::RDS::DBInstance" }

// Queue is AWS::SQS::Queue.
type Queue struct {
	QueueName                     Str            `json:"QueueName"`
	MessageRetentionPeriod        int            `json:"MessageRetentionPeriod"`
	VisibilityTimeout             int            `json:"VisibilityTimeout,omitempty"`
	ReceiveMessageWaitTimeSeconds int            `json:"ReceiveMessageWaitTimeSeconds,omitempty"`
	SqsManagedSseEnabled          bool           `json:"SqsManagedSseEnabled"`
	RedrivePolicy                 *RedrivePolicy `json:"RedrivePolicy,omitempty"`
}

func (*Queue) CFNType() string { return "AWS::SQS::Queue" }

// RedrivePolicy moves a message received maxReceiveCount times to the
// dead-letter queue.
type RedrivePolicy struct {
	DeadLetterTargetArn Str `json:"deadLetterTargetArn"`
	MaxReceiveCount     int `json:"maxReceiveCount"`
}

// QueuePolicy is AWS::SQS::QueuePolicy.
type QueuePolicy struct {
	Queues         []Str          `json:"Queues"`
	PolicyDocument PolicyDocument `json:"PolicyDocument"`
}

func (*QueuePolicy) CFNType() string { return "AWS::SQS::QueuePolicy" }

// EventBus is AWS::Events::EventBus.
type EventBus struct {
	Name Str `json:"Name"`
}

func (*EventBus) CFNType() string { return "AWS::Events::EventBus" }

// EventBusPolicy is AWS::Events::EventBusPolicy.
type EventBusPolicy struct {
	EventBusName Str       `json:"EventBusName"`
	StatementId  string    `json:"StatementId"`
	Statement    Statement `json:"Statement"`
}

func (*EventBusPolicy) CFNType() string { return "AWS::Events::EventBusPolicy" }

// Rule is AWS::Events::Rule.
type Rule struct {
	Name         Str          `json:"Name"`
	Description  string       `json:"Description,omitempty"`
	EventBusName Str          `json:"EventBusName,omitzero"`
	EventPattern EventPattern `json:"EventPattern"`
	State        string       `json:"State"`
	Targets      []RuleTarget `json:"Targets"`
}

func (*Rule) CFNType() string { return "AWS::Events::Rule" }

// EventPattern is the part of an EventBridge pattern the rules use.
type EventPattern struct {
	Source     []string `json:"source,omitempty"`
	DetailType []string `json:"detail-type,omitempty"`
}

// RuleTarget is one target of a rule.
type RuleTarget struct {
	Id          string                 `json:"Id"`
	Arn         Str                    `json:"Arn"`
	RoleArn     Str                    `json:"RoleArn,omitzero"`
	RetryPolicy *RuleTargetRetryPolicy `json:"RetryPolicy,omitempty"`
}

// RuleTargetRetryPolicy is how long EventBridge retries a target.
type RuleTargetRetryPolicy struct {
	MaximumEventAgeInSeconds int `json:"MaximumEventAgeInSeconds"`
	MaximumRetryAttempts     int `json:"MaximumRetryAttempts"`
}

// Schedule is AWS::Scheduler::Schedule.
type Schedule struct {
	Name                       Str                `json:"Name"`
	Description                string             `json:"Description,omitempty"`
	ScheduleExpression         string             `json:"ScheduleExpression"`
	ScheduleExpressionTimezone string             `json:"ScheduleExpressionTimezone,omitempty"`
	FlexibleTimeWindow         FlexibleTimeWindow `json:"FlexibleTimeWindow"`
	State                      string             `json:"State"`
	Target                     ScheduleTarget     `json:"Target"`
}

func (*Schedule) CFNType() string { return "AWS::Scheduler::Schedule" }

// FlexibleTimeWindow is OFF: the schedule fires on time.
type FlexibleTimeWindow struct {
	Mode string `json:"Mode"`
}

// ScheduleTarget is what a schedule invokes: here the universal target
// arn:aws:scheduler:::aws-sdk:ecs:runTask, Input its request.
type ScheduleTarget struct {
	Arn         string               `json:"Arn"`
	RoleArn     Str                  `json:"RoleArn"`
	Input       Str                  `json:"Input"`
	RetryPolicy *ScheduleRetryPolicy `json:"RetryPolicy,omitempty"`
}

// ScheduleRetryPolicy is how long the Scheduler retries its target.
type ScheduleRetryPolicy struct {
	MaximumEventAgeInSeconds int `json:"MaximumEventAgeInSeconds"`
	MaximumRetryAttempts     int `json:"MaximumRetryAttempts"`
}

// Secret is AWS::SecretsManager::Secret with a generated value.
type Secret struct {
	Name                 Str                   `json:"Name"`
	Description          string                `json:"Description,omitempty"`
	GenerateSecretString *GenerateSecretString `json:"GenerateSecretString"`
}

func (*Secret) CFNType() string { return "AWS::SecretsManager::Secret" }

// GenerateSecretString is how Secrets Manager generates the value.
type GenerateSecretString struct {
	PasswordLength     int  `json:"PasswordLength"`
	ExcludePunctuation bool `json:"ExcludePunctuation"`
}

// StackSet is AWS::CloudFormation::StackSet.
type StackSet struct {
	StackSetName         Str                   `json:"StackSetName"`
	Description          string                `json:"Description,omitempty"`
	PermissionModel      string                `json:"PermissionModel"`
	AutoDeployment       *AutoDeployment       `json:"AutoDeployment"`
	CallAs               string                `json:"CallAs,omitempty"`
	Capabilities         []string              `json:"Capabilities"`
	ManagedExecution     *ManagedExecution     `json:"ManagedExecution,omitempty"`
	OperationPreferences *OperationPreferences `json:"OperationPreferences,omitempty"`
	StackInstancesGroup  []StackInstances      `json:"StackInstancesGroup"`
	TemplateBody         string                `json:"TemplateBody"`
}

func (*StackSet) CFNType() string { return "AWS::CloudFormation::StackSet" }

// AutoDeployment deploys to accounts that join the targets, and removes
// the stacks of those that leave.
type AutoDeployment struct {
	Enabled                      bool `json:"Enabled"`
	RetainStacksOnAccountRemoval bool `json:"RetainStacksOnAccountRemoval"`
}

// ManagedExecution lets StackSets run non-conflicting operations at
// once.
type ManagedExecution struct {
	Active bool `json:"Active"`
}

// OperationPreferences are how a StackSet operation proceeds.
type OperationPreferences struct {
	RegionConcurrencyType      string `json:"RegionConcurrencyType,omitempty"`
	FailureTolerancePercentage int    `json:"FailureTolerancePercentage"`
	MaxConcurrentPercentage    int    `json:"MaxConcurrentPercentage"`
}

// StackInstances are the stack set's instances: organizational units
// (or the root) and regions.
type StackInstances struct {
	DeploymentTargets DeploymentTargets `json:"DeploymentTargets"`
	Regions           []string          `json:"Regions"`
}

// DeploymentTargets are the OUs (or the root) whose accounts get an
// instance.
type DeploymentTargets struct {
	OrganizationalUnitIds []string `json:"OrganizationalUnitIds"`
}

// OrganizationsResourcePolicy is AWS::Organizations::ResourcePolicy:
// the organization's delegation policy, created in the management
// account.
type OrganizationsResourcePolicy struct {
	Content PolicyDocument `json:"Content"`
}

func (*OrganizationsResourcePolicy) CFNType() string { return "AWS::Organizations::ResourcePolicy" }
