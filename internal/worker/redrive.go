package worker

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// parseMaxReceiveCount reads maxReceiveCount from a RedrivePolicy
// attribute; SQS writes it as a number or a string.
func parseMaxReceiveCount(policy string) (int, error) {
	var p struct {
		MaxReceiveCount json.RawMessage `json:"maxReceiveCount"`
	}
	if err := json.Unmarshal([]byte(policy), &p); err != nil {
		return 0, errors.New("not JSON")
	}
	n, err := strconv.Atoi(strings.Trim(string(p.MaxReceiveCount), `"`))
	if err != nil || n < 1 {
		return 0, errors.New("no maxReceiveCount of at least 1")
	}
	return n, nil
}
