package world

import "time"

// Detective is an account's Detective graphs in one region.
type Detective struct {
	// Graph is the behavior graph the account administers here (at most
	// one); nil means Detective is not enabled.
	Graph *DetectiveGraph `yaml:"graph,omitempty"`
}

// DetectiveGraph is a Detective behavior graph.
type DetectiveGraph struct {
	// ID is 32 hex digits; empty means derived from account and region.
	ID        string            `yaml:"id,omitempty"`
	CreatedAt time.Time         `yaml:"created_at,omitempty"`
	Tags      map[string]string `yaml:"tags,omitempty"`
	// AutoEnable is the organization configuration of the graph (new
	// organization accounts become members automatically).
	AutoEnable bool `yaml:"auto_enable"`
}
