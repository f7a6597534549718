// Package efs holds the normalized Amazon EFS state of one account in one
// region: file systems with their automatic backup policy, and access
// points. It must not import the AWS SDK.
package efs

// EFS is the EFS state of one region.
type EFS struct {
	FileSystems  []*FileSystem  `json:"file_systems"`
	AccessPoints []*AccessPoint `json:"access_points,omitempty"`
	// Errors records the lists that could not be read ("access_points")
	// with the reason. The file systems are always read: without them the
	// collector fails as a whole.
	Errors map[string]string `json:"errors,omitempty"`
}

// FileSystem is one EFS file system.
type FileSystem struct {
	ARN       string `json:"arn"`
	ID        string `json:"id"`
	Name      string `json:"name,omitempty"`
	Encrypted bool   `json:"encrypted"`
	KMSKeyID  string `json:"kms_key_id,omitempty"`
	// Backup is the automatic backup policy status (ENABLED, DISABLED,
	// ENABLING, DISABLING); "" when no policy was ever set.
	Backup string            `json:"backup,omitempty"`
	Tags   map[string]string `json:"tags,omitempty"`
	// Errors records details that could not be read ("backup_policy").
	Errors map[string]string `json:"errors,omitempty"`
}

// AccessPoint is one EFS access point.
type AccessPoint struct {
	ARN          string `json:"arn"`
	ID           string `json:"id"`
	Name         string `json:"name,omitempty"`
	FileSystemID string `json:"file_system_id"`
	// RootDirectory is the path exposed as the client's root ("/" when
	// none is enforced).
	RootDirectory string `json:"root_directory"`
	// PosixUser reports whether a POSIX user identity is enforced, and UID
	// and GID which.
	PosixUser bool  `json:"posix_user"`
	UID       int64 `json:"uid,omitempty"`
	GID       int64 `json:"gid,omitempty"`
}
