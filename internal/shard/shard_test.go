package shard

import (
	"fmt"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Spec
		err  string
	}{
		{in: "", want: Spec{}},
		{in: "1/1", want: Spec{1, 1}},
		{in: "2/4", want: Spec{2, 4}},
		{in: "4/4", want: Spec{4, 4}},
		{in: "0/4", err: "between 1 and 4"},
		{in: "5/4", err: "between 1 and 4"},
		{in: "1/0", err: "at least 1"},
		{in: "2", err: "want I/N"},
		{in: "a/4", err: `index "a"`},
		{in: "1/b", err: `count "b"`},
	} {
		got, err := Parse(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Parse(%q) error = %v, want it to say %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if got.String() != tc.in && tc.in != "" {
			t.Errorf("Parse(%q).String() = %q", tc.in, got.String())
		}
	}
}

// Every account is in exactly one shard, the shares are close to even,
// and an account's shard is fixed (the value is part of the contract:
// shards started by different versions must agree).
func TestPartition(t *testing.T) {
	const n = 4
	sizes := make([]int, n+1)
	for i := range 2000 {
		acct := fmt.Sprintf("%012d", 100000000000+i*7919)
		in := 0
		for s := 1; s <= n; s++ {
			if (Spec{s, n}).Contains(acct) {
				in++
				sizes[s]++
			}
		}
		if in != 1 {
			t.Fatalf("account %s is in %d shards", acct, in)
		}
	}
	for s := 1; s <= n; s++ {
		if sizes[s] < 400 || sizes[s] > 600 {
			t.Errorf("shard %d/%d has %d of 2000 accounts; want close to 500", s, n, sizes[s])
		}
	}
	if got := Of("111111111111", 4); got != Of("111111111111", 4) {
		t.Fatal("not stable")
	}
	if !(Spec{}).Contains("123456789012") || !(Spec{1, 1}).Contains("123456789012") {
		t.Error("the whole organization must contain every account")
	}
}
