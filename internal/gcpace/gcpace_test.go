package gcpace

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestGoal: the heap goal is the floor while the live heap is under half
// of it, and GOGC=100 above.
func TestGoal(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live, roots uint64
		want        int
	}{
		{0, 0, maxPercent},
		{1, 0, maxPercent},
		{16 * mb, 0, 1500}, // 16 MB live, 256 MB goal
		{16 * mb, 16 * mb, 750},
		{64 * mb, 0, 300},
		{100 * mb, 0, 156},
		{100 * mb, 56 * mb, 100},
		{128 * mb, 0, 100},
		{400 * mb, 10 * mb, 100},
	} {
		if got := Goal(256*mb, c.live, c.roots); got != c.want {
			t.Errorf("Goal(256 MB, %d MB, %d MB) = %d, want %d", c.live/mb, c.roots/mb, got, c.want)
		}
	}
}

// waitPercent waits (a bounded time) for the pacer to set a GOGC that
// satisfies ok, forcing collections meanwhile.
func waitPercent(t *testing.T, ok func(int) bool) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		p := Percent()
		if ok(p) {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("GOGC is %d after 10s of collections", p)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestStartFollowsLiveHeap: with a small live heap the pacer raises
// GOGC; once the live heap is over half the floor it is back to 100;
// stop restores what was set before.
func TestStartFollowsLiveHeap(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOGC")
	os.Unsetenv("GOMEMLIMIT")
	cgroupMemoryMax = filepath.Join(t.TempDir(), "none")
	prior := debug.SetGCPercent(80)
	defer debug.SetGCPercent(prior)
	priorLimit := debug.SetMemoryLimit(1 << 40)
	defer debug.SetMemoryLimit(priorLimit)

	const floor = 64 << 20
	stop := Start(floor)
	if again := Start(floor); again == nil {
		t.Fatal("a second Start returned no stop")
	}
	waitPercent(t, func(p int) bool { return p > 200 })
	if got := debug.SetMemoryLimit(-1); got != floor {
		t.Errorf("under the floor the memory limit is %d, want the floor %d", got, floor)
	}
	live := make([][]byte, 0, 48)
	for range 48 { // 48 MB live: over half the floor
		live = append(live, make([]byte, 1<<20))
	}
	waitPercent(t, func(p int) bool { return p == 100 })
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("over the floor the memory limit is %d, want the one before Start", got)
	}
	runtime.KeepAlive(live)
	stop()
	if got := debug.SetGCPercent(prior); got != 80 {
		t.Errorf("after stop GOGC = %d, want the 80 set before Start", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("after stop the memory limit is %d, want the one before Start", got)
	}
	if p := Percent(); p != 0 {
		t.Errorf("Percent after stop = %d, want 0", p)
	}
}

// TestUserChoiceWins: GOGC or GOMEMLIMIT in the environment turn the
// pacer off.
func TestUserChoiceWins(t *testing.T) {
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, "200")
			stop := Start(64 << 20)
			defer stop()
			if p := Percent(); p != 0 {
				t.Errorf("pacing with %s set: GOGC %d", env, p)
			}
		})
	}
}

// TestCgroupLimit: in a container, the floor is at most a quarter of
// the memory limit; "max" is no limit.
func TestCgroupLimit(t *testing.T) {
	dir := t.TempDir()
	cgroupMemoryMax = filepath.Join(dir, "memory.max")
	defer func() { cgroupMemoryMax = "/sys/fs/cgroup/memory.max" }()
	if err := os.WriteFile(cgroupMemoryMax, []byte("max\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := cgroupLimit(); got != 0 {
		t.Errorf("max: limit %d, want 0", got)
	}
	if err := os.WriteFile(cgroupMemoryMax, []byte("268435456\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := cgroupLimit(); got != 256<<20 {
		t.Errorf("limit %d, want 256 MiB", got)
	}
	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	os.Unsetenv("GOMEMLIMIT")
	stop := Start(1 << 30)
	defer stop()
	mu.Lock()
	floor := running.floor
	mu.Unlock()
	if floor != 64<<20 {
		t.Errorf("floor %d under a 256 MiB limit, want 64 MiB", floor)
	}
}
