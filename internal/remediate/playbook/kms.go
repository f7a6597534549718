package playbook

// kmsPlaybooks returns the playbooks of kms's controls.
func kmsPlaybooks() []Playbook { return nil }
