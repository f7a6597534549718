// Package baseline makes every account and region of an organization
// match a baseline spec, and puts them back. The data flows one way:
//
//	spec (desired settings) -> item (read, want, set per service)
//	  -> baseline (plan, apply, rollback over targets) -> store.Journal
//
// Plan reads every item in every target and says what would change.
// Apply does the same and, for each change, first journals the exact
// prior state in the store (a committed transaction: it survives a
// killed process), then sends the change. Rollback reads the journal of
// a run and sets each item back to its prior state, which it journals
// in turn as a run of its own.
//
// Order. Work is one exec.Task per (target, service): the items of one
// service run in order within a target (the GuardDuty detector before
// the organization's auto-enable, which needs it); services and targets
// run in parallel on the bounded pool, each account's calls paced by
// the rate limiter. Items of phase 0 (delegated administrators, the log
// bucket) finish everywhere before phase 1 starts, because phase 1
// items in the security account need the administrator in place.
// Rollback runs phases and items in reverse.
//
// Resuming. A run has an ID. Applying with the ID of an unfinished run
// resumes it: a step the journal says is DONE is not touched again; a
// step journaled but not confirmed (the process died while sending it)
// is read and completed, and keeps the prior state journaled the first
// time, so a rollback still restores the state before the run began.
//
// What rollback cannot undo. AWS cannot turn S3 Object Lock off, and a
// bucket once versioned can be suspended but never unversioned; such a
// step is restored as far as AWS allows and reported as irreversible.
// A detector, analyzer or graph that the run created is deleted, with
// what it had collected since.
//
// baseline must not import the CLI or the scan; it talks to AWS only
// through item and org.
package baseline
