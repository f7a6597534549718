package world

// CloudWatch is an account's CloudWatch alarms in one region.
type CloudWatch struct{}
