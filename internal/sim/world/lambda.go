package world

// Lambda is an account's Lambda functions in one region.
type Lambda struct{}
