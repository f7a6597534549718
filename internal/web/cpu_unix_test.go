//go:build unix

package web_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used, user and system:
// on a shared machine a page's CPU time says what it costs when its
// wall time says how busy the machine was. (A PostgreSQL server's CPU
// is its own processes', not counted here.)
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
