package playbook

// cloudtrailPlaybooks returns the playbooks of cloudtrail's controls.
func cloudtrailPlaybooks() []Playbook { return nil }
