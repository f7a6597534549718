package world

// S3 is an account's S3 buckets and account-level S3 settings (global).
type S3 struct{}
