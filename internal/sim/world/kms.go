package world

// KMS is an account's KMS keys in one region.
type KMS struct{}
