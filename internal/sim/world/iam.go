package world

import "time"

// IAM is an account's IAM state (global).
type IAM struct {
	Roles []*Role `yaml:"roles"`
}

// Role is an IAM role.
type Role struct {
	Name string `yaml:"name"`
	Path string `yaml:"path"`
	ID   string `yaml:"id"`
	// AssumeRolePolicy is the trust policy document (JSON).
	AssumeRolePolicy string    `yaml:"assume_role_policy"`
	Created          time.Time `yaml:"created"`
}

// Role returns the role named name, or nil.
func (i *IAM) Role(name string) *Role {
	for _, r := range i.Roles {
		if r.Name == name {
			return r
		}
	}
	return nil
}
