package world

// CloudTrail is an account's CloudTrail trails in one region (trails live in their home region).
type CloudTrail struct{}
