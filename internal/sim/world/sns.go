package world

// SNS is an account's SNS topics in one region.
type SNS struct{}
