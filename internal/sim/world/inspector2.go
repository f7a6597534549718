package world

// Inspector2 is an account's Inspector2 status in one region.
type Inspector2 struct{}
