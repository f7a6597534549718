// Package world is the state the AWS simulator holds: an organization of
// accounts, each with its global services (IAM, S3 buckets, account-level
// settings) and its regional services per region.
//
// Locking: every Account has a mutex. The simulator's server holds the
// calling account's lock for the whole of a handler, so handlers read and
// write that account's state freely. A handler must never lock another
// account (that could deadlock); cross-account data (the organization,
// delegated administrators, the global S3 bucket namespace) lives on World
// and is guarded by World.Mu, always taken after an account lock.
//
// world holds plain data with yaml tags (the demo organization is written
// in them); it must not import the simulator's server or protocols.
package world

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// Partition is the only partition the simulator models.
const Partition = "aws"

// World is the whole simulated AWS.
type World struct {
	Mu sync.Mutex

	Org      *Organization
	Accounts map[string]*Account
	// Regions is every region the simulated partition has, in order.
	Regions []RegionInfo
	// HomeRegion is where global services are signed and org-wide
	// resources live (us-east-1).
	HomeRegion string
	// Creds maps an access key ID to what it may do.
	Creds map[string]*Credential
	// Buckets is the global S3 bucket namespace: bucket name → owner account.
	Buckets map[string]string
	// Now is the simulator's clock; tests set it for reproducible ages.
	Now func() time.Time
	// Health is the application health model: legacy applications on
	// instances and the CloudWatch alarms that follow them (health.go).
	Health Health
	// SQS and Events hold every account's queues and event buses, with
	// locks of their own (sqs.go, eventbridge.go): services deliver to
	// them across accounts.
	SQS    SQS
	Events Events
	// Trail is the CloudTrail records of every call the simulator serves,
	// their delivery to trail buckets and their subscribers (trail.go).
	Trail TrailLog

	seq uint64
}

// RegionInfo describes a region of the partition.
type RegionInfo struct {
	Name string `yaml:"name"`
	// OptIn is true for regions AWS launched after March 2019, which are
	// disabled until an account opts in.
	OptIn bool `yaml:"opt_in"`
}

// New returns an empty world with the standard region list.
func New() *World {
	return &World{
		Accounts:   map[string]*Account{},
		Regions:    DefaultRegions(),
		HomeRegion: "us-east-1",
		Creds:      map[string]*Credential{},
		Buckets:    map[string]string{},
		Now:        time.Now,
		Health:     Health{Delay: DefaultHealthDelay, Elapsed: Monotonic()},
		Trail:      TrailLog{Delay: DefaultTrailDelay},
	}
}

// DefaultRegions is the commercial partition's region list: 17 regions
// enabled by default and the opt-in regions.
func DefaultRegions() []RegionInfo {
	def := []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
		"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
		"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
		"ap-south-1", "sa-east-1"}
	opt := []string{"af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4",
		"eu-south-1", "eu-south-2", "eu-central-2", "me-south-1", "me-central-1", "il-central-1", "ca-west-1"}
	var out []RegionInfo
	for _, r := range def {
		out = append(out, RegionInfo{Name: r})
	}
	for _, r := range opt {
		out = append(out, RegionInfo{Name: r, OptIn: true})
	}
	return out
}

// Region looks up a region of the partition.
func (w *World) Region(name string) (RegionInfo, bool) {
	for _, r := range w.Regions {
		if r.Name == name {
			return r, true
		}
	}
	return RegionInfo{}, false
}

// NextID returns a process-unique counter, for generated resource IDs.
func (w *World) NextID() uint64 {
	w.Mu.Lock()
	defer w.Mu.Unlock()
	w.seq++
	return w.seq
}

// HexID returns a generated ID: prefix + n hex digits, unique in this world.
func (w *World) HexID(prefix string, n int) string {
	s := fmt.Sprintf("%0*x", n, w.NextID()*2654435761%(1<<60))
	if len(s) > n {
		s = s[len(s)-n:]
	}
	return prefix + s
}

// Account returns the account with id, or nil.
func (w *World) Account(id string) *Account {
	w.Mu.Lock()
	defer w.Mu.Unlock()
	return w.Accounts[id]
}

// AccountIDs returns the IDs of every account, sorted.
func (w *World) AccountIDs() []string {
	w.Mu.Lock()
	defer w.Mu.Unlock()
	ids := make([]string, 0, len(w.Accounts))
	for id := range w.Accounts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Account is one AWS account and everything in it.
type Account struct {
	Mu sync.Mutex `yaml:"-"`

	ID    string `yaml:"id"`
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
	// Regions is the opt-in status of every region of the partition in
	// this account: ENABLED_BY_DEFAULT, ENABLED or DISABLED.
	RegionStatus map[string]string `yaml:"-"`
	// Regional holds the state of the regional services, per region.
	Regional map[string]*Region `yaml:"-"`

	// Global services (one per account).
	IAM     IAM     `yaml:"iam"`
	S3      S3      `yaml:"s3"`
	Contact Contact `yaml:"contact"`
	// CloudFront is global: its distributions belong to the account.
	CloudFront CloudFront `yaml:"cloudfront"`
	// Route53 is global: its hosted zones belong to the account.
	Route53 Route53 `yaml:"route53"`
}

// Contact is the account's alternate contacts (Account API).
type Contact struct {
	Security *AlternateContact `yaml:"security,omitempty"`
}

// AlternateContact is one alternate contact of an account.
type AlternateContact struct {
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
	Phone string `yaml:"phone"`
	Title string `yaml:"title"`
}

// RegionEnabled reports whether the account may use region.
func (a *Account) RegionEnabled(region string) bool {
	s := a.RegionStatus[region]
	return s == "ENABLED" || s == "ENABLED_BY_DEFAULT"
}

// In returns the account's state in region, creating it empty if needed.
func (a *Account) In(region string) *Region {
	r := a.Regional[region]
	if r == nil {
		r = &Region{}
		if a.Regional == nil {
			a.Regional = map[string]*Region{}
		}
		a.Regional[region] = r
	}
	return r
}

// Region is one account's regional services in one region.
type Region struct {
	EC2            EC2            `yaml:"ec2"`
	CloudTrail     CloudTrail     `yaml:"cloudtrail"`
	Config         ConfigService  `yaml:"config"`
	GuardDuty      GuardDuty      `yaml:"guardduty"`
	SecurityHub    SecurityHub    `yaml:"securityhub"`
	AccessAnalyzer AccessAnalyzer `yaml:"accessanalyzer"`
	Inspector2     Inspector2     `yaml:"inspector2"`
	Detective      Detective      `yaml:"detective"`
	KMS            KMS            `yaml:"kms"`
	Logs           Logs           `yaml:"logs"`
	CloudWatch     CloudWatch     `yaml:"cloudwatch"`
	SNS            SNS            `yaml:"sns"`
	RDS            RDS            `yaml:"rds"`
	Lambda         Lambda         `yaml:"lambda"`
	ELB            ELB            `yaml:"elb"`
	WAFv2          WAFv2          `yaml:"wafv2"`
	ElastiCache    ElastiCache    `yaml:"elasticache"`
	Redshift       Redshift       `yaml:"redshift"`
	EFS            EFS            `yaml:"efs"`
	OpenSearch     OpenSearch     `yaml:"opensearch"`
	DynamoDB       DynamoDB       `yaml:"dynamodb"`
	Kinesis        Kinesis        `yaml:"kinesis"`
	Backup         Backup         `yaml:"backup"`
	// SQS is the queues a world file declares here; they are created in
	// World.SQS by RegisterQueues (the SQS handlers read only World.SQS).
	SQS            SQSSeed        `yaml:"sqs"`
	SecretsManager SecretsManager `yaml:"secretsmanager"`
	ACM            ACM            `yaml:"acm"`
	Macie          Macie          `yaml:"macie"`
	// EventBridge is the custom buses a world file declares here; they
	// are created in World.Events by RegisterBuses.
	EventBridge   EventBridgeSeed `yaml:"eventbridge"`
	ECS           ECS             `yaml:"ecs"`
	ECR           ECR             `yaml:"ecr"`
	EKS           EKS             `yaml:"eks"`
	CodeBuild     CodeBuild       `yaml:"codebuild"`
	AutoScaling   AutoScaling     `yaml:"autoscaling"`
	SSM           SSM             `yaml:"ssm"`
	StepFunctions StepFunctions   `yaml:"stepfunctions"`
	APIGateway    APIGateway      `yaml:"apigateway"`

	// NetworkFirewall is kept apart so its long name does not realign the fields above.
	NetworkFirewall NetworkFirewall `yaml:"networkfirewall"`
}

// ARN builds an ARN in the simulated partition.
func ARN(service, region, account, resource string) string {
	return "arn:" + Partition + ":" + service + ":" + region + ":" + account + ":" + resource
}

// AddAccount creates an account with every default region enabled, the
// opt-in regions disabled, and a root credential (see RootKey).
func (w *World) AddAccount(id, name, email string) *Account {
	a := &Account{ID: id, Name: name, Email: email, RegionStatus: map[string]string{}, Regional: map[string]*Region{}}
	for _, r := range w.Regions {
		if r.OptIn {
			a.RegionStatus[r.Name] = "DISABLED"
		} else {
			a.RegionStatus[r.Name] = "ENABLED_BY_DEFAULT"
		}
	}
	w.Mu.Lock()
	w.Accounts[id] = a
	w.Mu.Unlock()
	w.AddCredential(&Credential{
		AccessKeyID:     RootKey(id),
		SecretAccessKey: RootSecret(id),
		Principal:       Principal{Account: id, ARN: "arn:aws:iam::" + id + ":root", UserID: id},
	})
	return a
}

// RootKey is the access key ID of an account's root credential in the
// simulator. These are simulator credentials, valid nowhere else; they do
// not match the AKIA pattern of real keys on purpose.
func RootKey(account string) string { return "AKSIM" + account + "RT0" }

// RootSecret is the secret of RootKey.
func RootSecret(account string) string { return "simulator-root-secret-" + account }
