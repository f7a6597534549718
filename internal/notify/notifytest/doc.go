// Package notifytest runs the receivers notifications are tested
// against, on loopback, speaking the third parties' documented APIs: an
// HTTP receiver for webhooks, Slack and Teams (scriptable answers: fail
// N times, rate-limit with Retry-After; checks of each payload's shape
// and of the webhook's HMAC), a Jira server implementing the REST
// endpoints Guardrail uses (issues, comments, transitions, search with
// the JQL it writes), and an SMTP server (go-smtp) with STARTTLS on a
// self-signed certificate and AUTH PLAIN. Each records what it received.
//
// It must not import the product's packages other than notify (whose
// documented formats it checks).
package notifytest
