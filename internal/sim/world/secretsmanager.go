package world

import "time"

// SecretsManager is an account's AWS Secrets Manager secrets in one
// region.
type SecretsManager struct {
	Secrets []*Secret `yaml:"secrets"`
}

// Secret is a secret. Its ARN ends in Name, a hyphen and Suffix (six
// random characters AWS adds so that a new secret of the same name gets
// another ARN).
type Secret struct {
	Name        string `yaml:"name"`
	Suffix      string `yaml:"suffix"`
	Description string `yaml:"description,omitempty"`
	// KMSKeyID is the key that encrypts the secret ("" is the AWS managed
	// key aws/secretsmanager, which DescribeSecret does not name).
	KMSKeyID string            `yaml:"kms_key_id,omitempty"`
	Tags     map[string]string `yaml:"tags,omitempty"`
	Created  time.Time         `yaml:"created"`
	Changed  time.Time         `yaml:"changed,omitempty"`
	// Accessed is the last day the secret's value was read (AWS keeps the
	// date only); zero when never.
	Accessed time.Time `yaml:"accessed,omitempty"`
	// Rotated is the last successful rotation; zero when never.
	Rotated time.Time `yaml:"rotated,omitempty"`
	// Rotation is the rotation configuration; nil when rotation was never
	// configured.
	Rotation *SecretRotation `yaml:"rotation,omitempty"`
	// Deleted is when the secret is scheduled to be deleted (zero: not
	// scheduled). ListSecrets leaves such secrets out unless asked.
	Deleted time.Time `yaml:"deleted,omitempty"`
	// Owner is the service that manages the secret (rds, ...), "" for
	// secrets the account created itself.
	Owner string `yaml:"owner,omitempty"`
}

// SecretRotation is a secret's rotation configuration.
type SecretRotation struct {
	Enabled   bool   `yaml:"enabled"`
	LambdaARN string `yaml:"lambda_arn,omitempty"`
	// Days is AutomaticallyAfterDays; Schedule a rate() or cron()
	// expression (one of the two).
	Days     int    `yaml:"days,omitempty"`
	Schedule string `yaml:"schedule,omitempty"`
	// Next is the next scheduled rotation, as AWS reports it; zero lets
	// the simulator derive it from Days.
	Next time.Time `yaml:"next,omitempty"`
}

// SecretARN is the ARN of s in account and region.
func SecretARN(account, region string, s *Secret) string {
	return ARN("secretsmanager", region, account, "secret:"+s.Name+"-"+s.Suffix)
}

// NextRotation is when s should rotate next: Rotation.Next when set,
// otherwise the last rotation (or creation) plus Days; zero when rotation
// is off or the schedule is an expression the simulator does not derive.
func (s *Secret) NextRotation() time.Time {
	r := s.Rotation
	if r == nil || !r.Enabled {
		return time.Time{}
	}
	if !r.Next.IsZero() {
		return r.Next
	}
	if r.Days == 0 {
		return time.Time{}
	}
	from := s.Rotated
	if from.IsZero() {
		from = s.Created
	}
	return from.AddDate(0, 0, r.Days)
}
