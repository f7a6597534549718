package world

// SecurityHub is an account's Security Hub state in one region.
type SecurityHub struct{}
