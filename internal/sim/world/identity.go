package world

import "time"

// Principal is who signed a request.
type Principal struct {
	Account string
	// ARN is the caller's ARN as GetCallerIdentity returns it:
	// arn:aws:iam::111122223333:root, ...:user/alice, or
	// arn:aws:sts::111122223333:assumed-role/Role/session.
	ARN    string
	UserID string
	// Role is the assumed role's name for AssumedRole principals, RoleARN
	// its ARN (with its path).
	Role    string
	RoleARN string
}

// Credential is an access key the simulator accepts.
type Credential struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string // set for temporary credentials
	Expires         time.Time
	// Issued is when temporary credentials were issued (a CloudTrail
	// record's sessionContext.attributes.creationDate).
	Issued    time.Time
	Principal Principal
}

// AddCredential registers a credential and returns it.
func (w *World) AddCredential(c *Credential) *Credential {
	w.Mu.Lock()
	defer w.Mu.Unlock()
	w.Creds[c.AccessKeyID] = c
	return c
}

// Credential returns the credential with the access key id, or nil.
func (w *World) Credential(id string) *Credential {
	w.Mu.Lock()
	defer w.Mu.Unlock()
	return w.Creds[id]
}
