package world

// Inspector2 is an account's Inspector2 status in one region.
type Inspector2 struct {
	// Resources is the scan status per resource type (ENABLED, DISABLED,
	// ENABLING, DISABLING, SUSPENDED; empty means DISABLED).
	Resources Inspector2Resources `yaml:"resources"`
	// OrgConfig is the delegated administrator's auto-enable setting.
	OrgConfig *Inspector2AutoEnable `yaml:"org_config,omitempty"`
}

// Inspector2Resources is a status per Inspector scan type.
type Inspector2Resources struct {
	EC2            string `yaml:"ec2,omitempty"`
	ECR            string `yaml:"ecr,omitempty"`
	Lambda         string `yaml:"lambda,omitempty"`
	LambdaCode     string `yaml:"lambda_code,omitempty"`
	CodeRepository string `yaml:"code_repository,omitempty"`
}

// Inspector2AutoEnable says which scan types are enabled for new members.
type Inspector2AutoEnable struct {
	EC2            bool `yaml:"ec2"`
	ECR            bool `yaml:"ecr"`
	Lambda         bool `yaml:"lambda"`
	LambdaCode     bool `yaml:"lambda_code"`
	CodeRepository bool `yaml:"code_repository"`
}
