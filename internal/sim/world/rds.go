package world

// RDS is an account's RDS state in one region.
type RDS struct{}
