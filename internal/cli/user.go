package cli

import (
	"os"
	"os/user"
)

// localUser is who runs this process, for the records that say who did
// what (scans, suppressions): the OS user name, else $USER, else
// "unknown".
func localUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}
