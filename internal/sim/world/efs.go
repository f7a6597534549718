package world

import "time"

// EFS is an account's Amazon EFS resources in one region.
type EFS struct {
	FileSystems  []*FileSystem     `yaml:"file_systems"`
	AccessPoints []*EFSAccessPoint `yaml:"access_points"`
}

// FileSystem is an EFS file system.
type FileSystem struct {
	ID              string `yaml:"id"`
	Name            string `yaml:"name"`
	Encrypted       bool   `yaml:"encrypted"`
	KMSKeyID        string `yaml:"kms_key_id"`
	PerformanceMode string `yaml:"performance_mode"` // generalPurpose (default)
	ThroughputMode  string `yaml:"throughput_mode"`  // bursting (default)
	MountTargets    int    `yaml:"mount_targets"`
	// Backup is the automatic backup policy status: ENABLED, DISABLED,
	// ENABLING, DISABLING; "" when no policy was ever set.
	Backup  string            `yaml:"backup"`
	Created time.Time         `yaml:"created"`
	Tags    map[string]string `yaml:"tags"`
}

// EFSAccessPoint is an EFS access point.
type EFSAccessPoint struct {
	ID           string `yaml:"id"`
	Name         string `yaml:"name"`
	FileSystemID string `yaml:"file_system_id"`
	// RootDirectory is the path the access point exposes as root; "" is "/".
	RootDirectory string `yaml:"root_directory"`
	// PosixUser is the enforced user identity; nil when none is enforced.
	PosixUser *PosixUser `yaml:"posix_user"`
}

// PosixUser is the POSIX identity an access point enforces.
type PosixUser struct {
	UID           int64   `yaml:"uid"`
	GID           int64   `yaml:"gid"`
	SecondaryGIDs []int64 `yaml:"secondary_gids"`
}
