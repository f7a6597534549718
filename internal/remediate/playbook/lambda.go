package playbook

// lambdaPlaybooks returns the playbooks of lambda's controls.
func lambdaPlaybooks() []Playbook { return nil }
