package store

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// A scan's owner is the process that runs it: "host:pid:start", start
// being the process's start time where the system tells it (Linux), so a
// reused pid is not taken for the scan's process. A RUNNING scan whose
// owner is gone was interrupted. Owners on another host cannot be
// checked and count as alive: the check is exact for one machine, which
// is what SQLite serves; a PostgreSQL store shared by hosts keeps such a
// scan RUNNING until its own host opens the store again.

func selfOwner() string {
	host, _ := os.Hostname()
	pid := os.Getpid()
	start, _, _ := procStat(pid)
	return fmt.Sprintf("%s:%d:%s", host, pid, start)
}

// ownerAlive reports whether the process owner names may still be
// running.
func ownerAlive(owner string) bool {
	rest, start, ok := cutLast(owner)
	if !ok {
		return true
	}
	host, pidText, ok := cutLast(rest)
	if !ok {
		return true
	}
	if h, _ := os.Hostname(); h != host {
		return true
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 {
		return true
	}
	if !processExists(pid) {
		return false
	}
	now, state, ok := procStat(pid)
	switch {
	case !ok:
		return true // it exists; without /proc the pid is all there is
	case state == "Z" || state == "X":
		return false // exited, not yet reaped
	case start == "":
		return true
	}
	return now == start
}

func cutLast(s string) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// procStat returns the start time of process pid (clock ticks since
// boot) and its state, from /proc (Linux); ok is false where there is no
// /proc.
func procStat(pid int) (start, state string, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", "", false
	}
	// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
	s := string(b)
	k := strings.LastIndexByte(s, ')')
	if k < 0 {
		return "", "", false
	}
	f := strings.Fields(s[k+1:])
	if len(f) < 20 { // f[0] is field 3, state; starttime is field 22
		return "", "", false
	}
	return f[19], f[0], true
}
