// Package worker runs a scan on an Amazon SQS queue: a dispatcher lists
// the organization and sends one message per account; any number of
// workers, started and stopped at any time, on one machine or many,
// receive the messages, assess each account and stage its results into
// the scan in the store, which completes the scan when the last account
// has reported.
//
// One message per account, not per account and region. An account is
// the unit the store stages and the controls judge: the account-wide
// services (IAM, Organizations, the S3 bucket list, account settings)
// are read once per account, and controls read them together with the
// regional ones (a multi-region trail, an IAM role a Config recorder
// names). A message per region would read the account-wide services once
// per region, or make the last region's worker wait for the others. The
// largest account of an organization takes minutes, not hours, to
// assess in every region; the visibility heartbeat (below) covers it.
//
// Delivery is at least once. SQS may deliver a message twice, and a
// worker may stop after staging an account and before deleting its
// message; staging an account again replaces what was staged for it, so
// a second delivery changes nothing. A message is deleted only once its
// results are stored.
//
// The visibility heartbeat. A received message is hidden from other
// workers for the visibility timeout. While a worker assesses the
// account it extends it (ChangeMessageVisibility) every third of the
// timeout, so a slow account is not handed to a second worker, while a
// worker that dies (killed, out of memory, its machine gone) stops
// extending it and the message comes back within one timeout. A
// heartbeat that fails (the message was already visible again and
// received by another worker) is logged; the work goes on, since
// staging twice is harmless.
//
// Failures and the dead-letter queue. A worker that fails on a message
// makes it visible again after a back-off, and another attempt, by any
// worker, follows. The queue must have a redrive policy (a dead-letter
// queue and maxReceiveCount; Run refuses a queue without one, which
// would retry a poison message until its retention ends). The worker
// that fails on the last attempt a message has (its
// ApproximateReceiveCount has reached maxReceiveCount) records the
// account as not assessed, with the reason, so the scan can complete and
// says what it could not see; it then lets the message go, and SQS moves
// it to the dead-letter queue at the next receive, where it stays for
// an operator. A message that is not a message of this format (not
// JSON, an unknown version, missing fields) is an error naming it; it
// is never deleted, and goes the same way to the dead-letter queue.
//
// Stopping. On SIGTERM (the context ends) a worker stops receiving,
// abandons the account it is assessing and makes its message visible at
// once (ChangeMessageVisibility 0), so another worker takes it without
// waiting for the timeout.
//
// The package calls the SQS client's operations through method values,
// never an interface of ours: see .ci/run on the binary size.
package worker
