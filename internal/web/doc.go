// Package web is the dashboard: the posture of the whole organization
// from the store, as HTML pages (server-rendered, with htmx to update
// parts of a page in place) and as a JSON API under /api/ behind the
// same data.
//
// It only reads the store, except for suppressing and unsuppressing
// findings. It is safe to expose only on purpose: Listen refuses a
// non-loopback address without an access token, every request but the
// login page needs the token (as a bearer token or a session cookie set
// by logging in with it), writes are refused from other origins, and
// every answer carries strict security headers. Its assets are embedded:
// it works offline and loads nothing from elsewhere.
package web
