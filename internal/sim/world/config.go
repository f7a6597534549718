package world

// ConfigService is an account's AWS Config state in one region.
type ConfigService struct{}
