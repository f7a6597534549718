package world

// Logs is an account's CloudWatch Logs state in one region.
type Logs struct{}
