// Package web is the dashboard: the posture of the whole organization
// from the store, as HTML pages (server-rendered, with htmx to update
// parts of a page in place) and as a JSON API under /api/ behind the
// same data.
//
// It only reads the store, except for suppressing and unsuppressing
// findings. It calls AWS only when given access (Options.AWS): to plan
// a finding's remediation (reads) and to roll back a remediation run
// (a write, confirmed first: see remediation.go); without it, its
// remediation pages show the CLI commands. It is safe to expose only on
// purpose: Listen refuses a
// non-loopback address without an access token; it answers only to the
// host names it was bound to (hosts: DNS rebinding); every request but
// the login page needs the token (as a bearer token, or a session cookie
// set by logging in with it); writes are refused from other origins;
// every parameter and body has a size limit (limits); an internal error
// is logged under an ID and only the ID is shown (errors); and every
// answer carries strict security headers. Its assets are embedded: it
// works offline and loads nothing from elsewhere.
//
// Sessions live in the server's memory (sessions), which suits the one
// process that serves a dashboard: a restart, and so a new token, ends
// them all, and two processes behind one name would not share them.
package web
