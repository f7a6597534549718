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
// pure Go, and pgx); dialect.go holds the few differences. Open applies
// the embedded migrations (migrations/NNNN_name.sql) in one transaction,
// recorded in schema_migrations, and refuses a database whose schema is
// newer than the binary. SQLite runs in WAL mode with one writing
// connection (BEGIN IMMEDIATE) and a pool of read-only ones; PostgreSQL
// writers take a transaction-scoped advisory lock, so FinishScan and
// Suppress never interleave read-modify-write cycles.
//
// FinishScan reads the stored findings one scanned account at a time,
// moves each through its lifecycle and the rules, and writes with
// multi-row statements: whole rows for findings that changed, only the
// last-seen time for the rest (most of them, from the second scan on).
// A finding the scan did not see is resolved as gone only when the scan
// fully assessed what it judges (see plan.assessed).
//
// This package must not import the AWS SDK.
package store
