// Package notify tells people what Guardrail found: it reads a
// notification config (destinations, routes, options), decides which
// destinations an event goes to (Config.Route), renders the event (or a
// digest of many) for each kind of destination, and delivers it
// (Sender.Send): Slack and Microsoft Teams incoming webhooks, e-mail over
// SMTP, a generic webhook signed with HMAC-SHA256, Amazon SNS, and Jira.
//
// The events come from the scan (a finding new, reopened, resolved or
// suppressed), the watch (an alert) and remediation (a run halted,
// rolled back, failed or completed). What makes delivery survive outages
// (the outbox written with the finding change, retries with backoff, the
// dead letters, de-duplication by Event.Key, digests per scan) lives with
// the store and its sender loop; this package delivers one message and
// says whether a failure is worth retrying (RetryError, Retryable).
//
// Secrets (webhook URLs, the HMAC key, the SMTP password, the Jira token)
// are resolved when the config is loaded and never appear in an error or
// in output: a destination is shown by its name and Host.
//
// It must not import the packages that produce events or store them
// (scan, watch, remediate, store, web, cli), nor the simulator
// (deps_test.go).
package notify
