// Package store keeps what scans found, across scans: every scan (who,
// when, scope, counts, scores, what could not be assessed), every finding
// with its lifecycle and history, and each scan's results, so teams can
// see what is new, what was fixed, what was accepted, and how the score
// moves. One interface, two backends with the same SQL: SQLite embedded
// (the default: one file, nothing to install) and PostgreSQL for a team.
//
// Durability: a scan's results are stored in one transaction. A scan
// killed at any point (even kill -9) leaves every earlier scan and every
// finding exactly as they were; the scan itself stays recorded as
// RUNNING, and is reported as INTERRUPTED once no process holds it.
// Readers (the dashboard) can read while a scan writes.
//
// # Storage
//
// Both backends run the same SQL over database/sql (modernc.org/sqlite,
// pure Go, and pgx); dialect.go holds the few differences: placeholders,
// column types, case-insensitive LIKE, and PostgreSQL's COPY for bulk
// inserts. Open applies the embedded migrations (migrations/NNNN_name.sql)
// in one transaction, recorded in schema_migrations, and refuses a
// database whose schema is newer than the binary. SQLite runs in WAL mode
// with one writing connection (BEGIN IMMEDIATE) and a pool of read-only
// ones; PostgreSQL writers take a transaction-scoped advisory lock. Either
// way FinishScan and Suppress never interleave their read-modify-write
// cycles, and readers see the store before or after a write, never half.
//
// FinishScan reads the stored findings one scanned account at a time,
// moves each through its lifecycle and the rules, and writes in bulk:
// whole rows for new findings, one UPDATE per finding that changed, and
// one statement that sets when the rest (most of them, from the second
// scan on) were last seen. A finding the scan did not see is resolved as
// gone only when the scan fully assessed what it judges (plan.assessed,
// below).
// SQLite keeps a statement journal for a multi-row statement that may
// fail half-way; in a transaction of a million rows that journal costs
// more than the rows. So its constraints are ON CONFLICT FAIL or DO
// NOTHING (the row counts are checked) and foreign keys are checked at
// commit: nothing needs undoing but the whole transaction.
//
// # What a scan may change
//
// A scan may change a finding only inside its own scope, and the report
// carries that scope explicitly: the controls evaluated (Controls,
// narrowed by --controls and --standard), the accounts in scope
// (Accounts, narrowed by --include and --exclude), for each one reached
// the regions it assessed (Account.Regions, narrowed by --regions; the
// regions asked for that it has not enabled are Skipped, out of scope),
// the accounts not reached (Account.Error), the collectors that failed
// and where (Gaps), and which collectors read an account once for all
// its regions (Collectors, Global).
//
// What the scan saw changes its finding: a failure opens or reopens it,
// a pass or not-applicable resolves it, and an ERROR changes nothing but
// the compliance recorded. A result is a judgement the scan made from
// what it read, so it lies inside the scope by construction; the
// evaluator sees to the one case where a judgement would be made of
// missing data (a global control that reads regional state, on an
// account none of whose regions was assessed: ERROR, never FAILED).
//
// What the scan did not see is the hard part: a finding whose resource
// did not show up is resolved as gone only if the scan would have seen
// it, that is if the scan fully assessed everything the finding is
// about:
//
//   - its control was evaluated: a scan of some controls says nothing of
//     the others;
//   - its account was in scope and reached: a scan of some accounts, or
//     one whose role could not be assumed, says nothing of the others;
//   - its region was assessed in that account, unless its control reads
//     only account-wide state (IAM, the S3 bucket list: read once per
//     account, whatever the regions, so a bucket or user gone is gone).
//     Global controls that read regional state (the trails behind
//     CloudTrail.6, the metric filters behind the CIS monitoring
//     controls) report a resource in the region it lives in, and a scan
//     of eu-west-1 has not read a trail that lives in us-east-1; a
//     collector not declared global is taken as regional;
//   - no collector the control needs failed there (anywhere in the
//     account, for a global control), and the control reported no ERROR
//     about the account there: what could not be read is not fixed.
//
// Anything less and the finding is left exactly as it was, so a partial
// scan (--regions, --include, --controls, an account or a region not
// assessed, a collector gap) never resolves what it did not look at, on
// either backend.
//
// # Resources
//
// resources holds the latest known state of each resource (package
// inventory): FinishScan replaces, in the same transaction, the rows of
// each (account, region, type) the scan read in full and keeps the others
// as the scan that last saw them left them. Each finding the scan saw
// takes its resource's exposure from the scan's inventory (one whose
// resource the scan did not read keeps its exposure); the priority order
// sorts by exposure after severity.
//
// # Comparing scans
//
// scan_results holds each finding every scan saw, with its compliance,
// and a 'GONE' row when a scan found its resource gone. A finding's state
// as of a scan is its latest row up to that scan, ERROR rows skipped
// (could not be assessed is no news). Diff compares those states, so a
// target that one of the two scans did not assess neither appears nor is
// fixed.
//
// This package must not import the AWS SDK.
package store
