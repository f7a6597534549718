// Package shard splits an organization's accounts into N stable shares,
// so that N processes, on one machine or many, each take one share of a
// scan, a baseline or a remediation and together cover every account
// exactly once.
//
// An account's shard depends only on its ID and N: it does not move when
// accounts join or leave the organization, and every process computes
// the same answer without talking to the others.
package shard

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Spec is shard Index of Count, 1-based as written on the command line
// ("2/4" is the second of four). The zero Spec is the whole organization.
type Spec struct {
	Index, Count int
}

// Parse reads "I/N" (1 ≤ I ≤ N). An empty string is the zero Spec.
func Parse(s string) (Spec, error) {
	if s == "" {
		return Spec{}, nil
	}
	i, n, ok := strings.Cut(s, "/")
	if !ok {
		return Spec{}, fmt.Errorf("shard %q: want I/N, as 2/4 for the second of four shards", s)
	}
	index, err := strconv.Atoi(strings.TrimSpace(i))
	if err != nil {
		return Spec{}, fmt.Errorf("shard %q: index %q is not a number", s, i)
	}
	count, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil {
		return Spec{}, fmt.Errorf("shard %q: count %q is not a number", s, n)
	}
	if count < 1 {
		return Spec{}, fmt.Errorf("shard %q: the count must be at least 1", s)
	}
	if index < 1 || index > count {
		return Spec{}, fmt.Errorf("shard %q: the index must be between 1 and %d", s, count)
	}
	return Spec{Index: index, Count: count}, nil
}

// All reports whether s is the whole organization (no sharding, or 1/1).
func (s Spec) All() bool { return s.Count <= 1 }

// String is "I/N", or "" for the zero Spec.
func (s Spec) String() string {
	if s.Count == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Of is the 1-based shard of n that account belongs to: FNV-1a (64-bit)
// of the account ID, modulo n.
func Of(account string, n int) int {
	if n <= 1 {
		return 1
	}
	h := fnv.New64a()
	h.Write([]byte(account))
	return int(h.Sum64()%uint64(n)) + 1
}

// Contains reports whether account belongs to shard s.
func (s Spec) Contains(account string) bool {
	return s.All() || Of(account, s.Count) == s.Index
}

// Suffix is what a run of shard s adds to its generated ID, "-shard2of4"
// ("" for the whole organization): shards started at the same instant
// get distinct runs, and a run's ID says which share it worked on.
func (s Spec) Suffix() string {
	if s.All() {
		return ""
	}
	return fmt.Sprintf("-shard%dof%d", s.Index, s.Count)
}
