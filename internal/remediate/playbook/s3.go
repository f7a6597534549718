package playbook

// s3Playbooks returns the playbooks of s3's controls.
func s3Playbooks() []Playbook { return nil }
