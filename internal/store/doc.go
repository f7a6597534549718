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
// gone only when the scan fully assessed what it judges (plan.assessed).
// SQLite keeps a statement journal for a multi-row statement that may
// fail half-way; in a transaction of a million rows that journal costs
// more than the rows. So its constraints are ON CONFLICT FAIL or DO
// NOTHING (the row counts are checked) and foreign keys are checked at
// commit: nothing needs undoing but the whole transaction.
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
