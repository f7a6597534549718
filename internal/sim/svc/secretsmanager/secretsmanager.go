// Package secretsmanager simulates AWS Secrets Manager (awsJson1.1): the
// secrets of an account in a region, their metadata (rotation, last
// access, last rotation) and the calls that change it. Secret values are
// kept but never versioned: one current value per secret.
package secretsmanager

import (
	"sort"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the AWS Secrets Manager (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "secretsmanager",
		Protocol: wire.JSON11,
		Ops: map[string]svc.Handler{
			"ListSecrets":    listSecrets,
			"DescribeSecret": describeSecret,
			"CreateSecret":   createSecret,
			"GetSecretValue": getSecretValue,
			"RotateSecret":   rotateSecret,
			"DeleteSecret":   deleteSecret,
		},
	}
}

// maxResults is ListSecrets' MaxResults limit (1 to 100); without it the
// service returns pages of up to 100 too.
const maxResults = 100

func errf(code, format string, args ...any) error { return wire.Errorf(400, code, format, args...) }

func notFound() error {
	return errf("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
}

func epoch(t time.Time) *float64 {
	if t.IsZero() {
		return nil
	}
	f := float64(t.UnixMilli()) / 1000
	return &f
}

type tag struct{ Key, Value string }

type rules struct {
	AutomaticallyAfterDays *int   `json:",omitempty"`
	ScheduleExpression     string `json:",omitempty"`
}

// entry is a SecretListEntry, and the body of DescribeSecret.
type entry struct {
	ARN               string
	Name              string
	Description       string   `json:",omitempty"`
	KmsKeyId          string   `json:",omitempty"`
	RotationEnabled   *bool    `json:",omitempty"`
	RotationLambdaARN string   `json:",omitempty"`
	RotationRules     *rules   `json:",omitempty"`
	LastRotatedDate   *float64 `json:",omitempty"`
	LastChangedDate   *float64 `json:",omitempty"`
	LastAccessedDate  *float64 `json:",omitempty"`
	DeletedDate       *float64 `json:",omitempty"`
	NextRotationDate  *float64 `json:",omitempty"`
	CreatedDate       *float64 `json:",omitempty"`
	OwningService     string   `json:",omitempty"`
	Tags              []tag    `json:",omitempty"`
}

func describe(c *svc.Ctx, s *world.Secret) entry {
	e := entry{ARN: world.SecretARN(c.Account.ID, c.Region, s), Name: s.Name, Description: s.Description, KmsKeyId: s.KMSKeyID,
		LastRotatedDate: epoch(s.Rotated), LastChangedDate: epoch(s.Changed), LastAccessedDate: epoch(s.Accessed),
		DeletedDate: epoch(s.Deleted), NextRotationDate: epoch(s.NextRotation()), CreatedDate: epoch(s.Created), OwningService: s.Owner}
	if r := s.Rotation; r != nil {
		on := r.Enabled
		e.RotationEnabled, e.RotationLambdaARN = &on, r.LambdaARN
		e.RotationRules = &rules{ScheduleExpression: r.Schedule}
		if r.Days > 0 {
			d := r.Days
			e.RotationRules.AutomaticallyAfterDays = &d
		}
	}
	keys := make([]string, 0, len(s.Tags))
	for k := range s.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e.Tags = append(e.Tags, tag{k, s.Tags[k]})
	}
	return e
}

// find resolves a secret's name, full ARN, or ARN without the random
// suffix, as AWS does.
func find(c *svc.Ctx, id string) (*world.Secret, error) {
	if id == "" {
		return nil, errf("InvalidParameterException", "You must provide a value for the SecretId parameter.")
	}
	for _, s := range c.Regional().SecretsManager.Secrets {
		arn := world.SecretARN(c.Account.ID, c.Region, s)
		if id == s.Name || id == arn || id == strings.TrimSuffix(arn, "-"+s.Suffix) {
			return s, nil
		}
	}
	return nil, notFound()
}

func listSecrets(c *svc.Ctx) (any, error) {
	var in struct {
		MaxResults             *int
		NextToken              string
		IncludePlannedDeletion bool
		Filters                []any
		SortOrder              string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.MaxResults != nil && (*in.MaxResults < 1 || *in.MaxResults > maxResults) {
		return nil, errf("InvalidParameterException", "MaxResults must be between 1 and %d.", maxResults)
	}
	if len(in.Filters) > 0 {
		return nil, errf("InvalidParameterException", "ListSecrets filters are not simulated.")
	}
	if in.SortOrder != "" && in.SortOrder != "asc" && in.SortOrder != "desc" {
		return nil, errf("InvalidParameterException", "SortOrder must be asc or desc.")
	}
	var all []entry
	for _, s := range c.Regional().SecretsManager.Secrets {
		if !s.Deleted.IsZero() && !in.IncludePlannedDeletion {
			continue
		}
		all = append(all, describe(c, s))
	}
	if in.SortOrder == "desc" {
		for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
			all[i], all[j] = all[j], all[i]
		}
	}
	max := maxResults
	if in.MaxResults != nil {
		max = *in.MaxResults
	}
	page, next, err := svc.Page(all, in.NextToken, max, maxResults, "InvalidNextTokenException")
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []entry{}
	}
	return struct {
		SecretList []entry
		NextToken  string `json:",omitempty"`
	}{page, next}, nil
}

type secretRef struct{ SecretId string }

func describeSecret(c *svc.Ctx) (any, error) {
	var in secretRef
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	s, err := find(c, in.SecretId)
	if err != nil {
		return nil, err
	}
	return describe(c, s), nil
}

type written struct {
	ARN       string
	Name      string
	VersionId string `json:",omitempty"`
}

func createSecret(c *svc.Ctx) (any, error) {
	var in struct {
		Name, Description, KmsKeyId, SecretString, SecretBinary, ClientRequestToken string
		Tags                                                                        []tag
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Name == "" || len(in.Name) > 512 {
		return nil, errf("InvalidParameterException", "The secret name must be 1 to 512 characters.")
	}
	r := c.Regional()
	for _, s := range r.SecretsManager.Secrets {
		if s.Name == in.Name {
			if !s.Deleted.IsZero() {
				return nil, errf("InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.")
			}
			return nil, errf("ResourceExistsException", "The operation failed because the secret %s already exists.", in.Name)
		}
	}
	now := c.Now().Truncate(time.Millisecond)
	s := &world.Secret{Name: in.Name, Suffix: suffix(c), Description: in.Description, KMSKeyID: in.KmsKeyId, Created: now, Changed: now}
	for _, t := range in.Tags {
		if s.Tags == nil {
			s.Tags = map[string]string{}
		}
		s.Tags[t.Key] = t.Value
	}
	r.SecretsManager.Secrets = append(r.SecretsManager.Secrets, s)
	out := written{ARN: world.SecretARN(c.Account.ID, c.Region, s), Name: s.Name}
	if in.SecretString != "" || in.SecretBinary != "" {
		out.VersionId = version(c)
	}
	return out, nil
}

// suffix is the six random characters of a secret's ARN.
func suffix(c *svc.Ctx) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	n := c.World.NextID() * 2654435761
	b := make([]byte, 6)
	for i := range b {
		b[i] = alphabet[n%uint64(len(alphabet))]
		n /= uint64(len(alphabet))
	}
	return string(b)
}

func version(c *svc.Ctx) string {
	h := c.World.HexID("", 32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// getSecretValue records the access (AWS keeps the date, not the time);
// the value itself is not simulated.
func getSecretValue(c *svc.Ctx) (any, error) {
	var in secretRef
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	s, err := find(c, in.SecretId)
	if err != nil {
		return nil, err
	}
	if !s.Deleted.IsZero() {
		return nil, errf("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.")
	}
	now := c.Now()
	s.Accessed = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return struct {
		ARN, Name, VersionId string
		CreatedDate          *float64
		VersionStages        []string
	}{world.SecretARN(c.Account.ID, c.Region, s), s.Name, version(c), epoch(s.Changed), []string{"AWSCURRENT"}}, nil
}

// rotateSecret turns rotation on with the given rules and, unless
// RotateImmediately is false, rotates at once (the Lambda function is not
// invoked: the rotation succeeds).
func rotateSecret(c *svc.Ctx) (any, error) {
	var in struct {
		SecretId          string
		RotationLambdaARN string
		RotationRules     *rules
		RotateImmediately *bool
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	s, err := find(c, in.SecretId)
	if err != nil {
		return nil, err
	}
	if !s.Deleted.IsZero() {
		return nil, errf("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.")
	}
	rot := s.Rotation
	if rot == nil {
		rot = &world.SecretRotation{}
	}
	if in.RotationLambdaARN != "" {
		rot.LambdaARN = in.RotationLambdaARN
	}
	if in.RotationRules != nil {
		rot.Days, rot.Schedule, rot.Next = 0, in.RotationRules.ScheduleExpression, time.Time{}
		if d := in.RotationRules.AutomaticallyAfterDays; d != nil {
			if *d < 1 || *d > 1000 {
				return nil, errf("InvalidParameterException", "AutomaticallyAfterDays must be between 1 and 1000.")
			}
			rot.Days = *d
		}
		if rot.Days > 0 && rot.Schedule != "" {
			return nil, errf("InvalidParameterException", "You can't specify both AutomaticallyAfterDays and ScheduleExpression.")
		}
	}
	if rot.LambdaARN == "" && s.Owner == "" {
		return nil, errf("InvalidRequestException", "No Lambda rotation function ARN is associated with this secret.")
	}
	if rot.Days == 0 && rot.Schedule == "" {
		return nil, errf("InvalidRequestException", "The secret has no rotation schedule: set RotationRules.")
	}
	rot.Enabled = true
	s.Rotation = rot
	now := c.Now().Truncate(time.Millisecond)
	out := written{ARN: world.SecretARN(c.Account.ID, c.Region, s), Name: s.Name}
	if in.RotateImmediately == nil || *in.RotateImmediately {
		s.Rotated, s.Changed = now, now
		out.VersionId = version(c)
	}
	return out, nil
}

func deleteSecret(c *svc.Ctx) (any, error) {
	var in struct {
		SecretId                   string
		RecoveryWindowInDays       *int
		ForceDeleteWithoutRecovery bool
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	s, err := find(c, in.SecretId)
	if err != nil {
		return nil, err
	}
	if in.RecoveryWindowInDays != nil && in.ForceDeleteWithoutRecovery {
		return nil, errf("InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
	}
	days := 30
	if in.RecoveryWindowInDays != nil {
		if *in.RecoveryWindowInDays < 7 || *in.RecoveryWindowInDays > 30 {
			return nil, errf("InvalidParameterException", "RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
		}
		days = *in.RecoveryWindowInDays
	}
	now := c.Now().Truncate(time.Millisecond)
	arn := world.SecretARN(c.Account.ID, c.Region, s)
	if in.ForceDeleteWithoutRecovery {
		r := c.Regional()
		for i, x := range r.SecretsManager.Secrets {
			if x == s {
				r.SecretsManager.Secrets = append(r.SecretsManager.Secrets[:i], r.SecretsManager.Secrets[i+1:]...)
				break
			}
		}
		return struct {
			ARN, Name    string
			DeletionDate *float64
		}{arn, s.Name, epoch(now)}, nil
	}
	if s.Deleted.IsZero() {
		s.Deleted = now
	}
	return struct {
		ARN, Name    string
		DeletionDate *float64
	}{arn, s.Name, epoch(s.Deleted.AddDate(0, 0, days))}, nil
}
