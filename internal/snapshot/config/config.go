// Package config holds the normalized config state of one account in one region. It
// must not import the AWS SDK.
package config

// Config is the config state.
type Config struct{}
