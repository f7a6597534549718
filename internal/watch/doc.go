// Package watch is Guardrail's real-time guardrail (guardrail watch): it
// reads CloudTrail records from a source, matches the detection rules,
// stores every match as an alert, and re-assesses what the events
// changed, so the findings in the store stay current between scans.
//
// # Sources
//
// In order of preference (see each source's file): an SQS queue fed by
// EventBridge or by the log-archive bucket's S3 notifications
// (SQSSource); the organization trail's bucket, listed from a checkpoint
// (BucketSource); CloudTrail's LookupEvents, polled per account and
// region (LookupSource); and files or standard input, to replay an
// incident (FileSource). A source yields batches of raw records; the
// Engine decodes them, matches the rules, and commits the batch.
//
// # Neither missed nor repeated
//
// A batch is committed in one transaction (store.Watch.CommitWatch): its
// alerts, the malformed input it held, the keys of the events and files
// it saw, and the positions its source reached. Only then is the source
// told (an SQS message is deleted, an in-memory position advances). So:
//
//   - a process killed before the commit stored nothing of the batch and
//     its checkpoint did not move: after a restart the source reads it
//     again (the messages come back after their visibility timeout, the
//     bucket and LookupEvents are listed from the stored checkpoints);
//   - a process killed after the commit and before the acknowledgement
//     (a message not deleted yet) reads the batch again, and its alerts,
//     unique by (event ID, rule) in the store, are not stored twice.
//
// Reading again is therefore always safe, and every source errs on that
// side (LookupEvents and the bucket re-read an overlap). The seen window
// (watch_seen) only keeps a re-read event from triggering its
// re-assessment twice, and a re-listed file from being read twice.
//
// # Malformed input
//
// A truncated gzip stream, a record that is not JSON, a record missing a
// field the rules need, a message of an unknown shape: each is counted
// (metric guardrail_watch_errors_total by kind), logged with where it is
// (the file or object and the byte offset in its uncompressed content,
// or the message), stored once per place for the dashboard and the API,
// and skipped. It never stops the watch; neither does a source or the
// store failing, which is retried with a backoff.
//
// # Re-assessment
//
// See reassess.go: what an event can change is collected again in its
// account and region, evaluated, and stored as a scan of kind watch.
//
// This package must not import the web layer or the CLI.
package watch
