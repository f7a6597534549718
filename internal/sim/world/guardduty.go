package world

// GuardDuty is an account's GuardDuty state in one region.
type GuardDuty struct{}
