package playbook

// iamPlaybooks returns the playbooks of iam's controls.
func iamPlaybooks() []Playbook { return nil }
