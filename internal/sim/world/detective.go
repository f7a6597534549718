package world

// Detective is an account's Detective graphs in one region.
type Detective struct{}
