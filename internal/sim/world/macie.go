package world

import "time"

// Macie is Amazon Macie's state for an account in one region.
type Macie struct {
	// Status is "" (Macie was never enabled, or was disabled), ENABLED or
	// PAUSED.
	Status                     string    `yaml:"status,omitempty"`
	FindingPublishingFrequency string    `yaml:"finding_publishing_frequency,omitempty"`
	Created                    time.Time `yaml:"created,omitempty"`
	Updated                    time.Time `yaml:"updated,omitempty"`
	// AutomatedDiscovery is automated sensitive data discovery: "" or
	// DISABLED, or ENABLED.
	AutomatedDiscovery string `yaml:"automated_discovery,omitempty"`
	// Administrator is the Macie administrator account of a member
	// account ("" for a standalone or administrator account).
	Administrator string `yaml:"administrator,omitempty"`
}
