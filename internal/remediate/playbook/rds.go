package playbook

// rdsPlaybooks returns the playbooks of rds's controls.
func rdsPlaybooks() []Playbook { return nil }
