// Package remediate fixes failing findings across an organization,
// safely by default, and undoes exactly what it changed. The data flows
// one way:
//
//	store (findings of a scan) + org (accounts, their roles)
//	  -> plan (each finding's playbook reads the live state and says
//	     what it would change, or why it skips)
//	  -> waves (canary accounts first, then waves of growing size)
//	  -> apply (per change: re-read, journal the prior state, change,
//	     verify by re-assessing the control) -> store.Journal
//	  -> health gate (soak; CloudWatch alarms; error rate) -> halt and
//	     roll back the wave
//
// Remediation shares the baseline's journal and executor: a run is a
// store.BaselineRun of engine "remediate", each change a journaled step
// (package change) whose item is "<control> <resource ARN>", with the
// wave that made it; tasks run on exec.Local, one per target, each
// target's changes in plan order (several playbooks may act on one
// resource, such as the account's password policy). Rollback reads the
// journal and puts each step back to its prior state, in reverse order,
// as a rollback run of its own.
//
// Safety. Nothing changes without a plan made from the live state. A
// resource whose live state differs from the plan's when its turn comes
// (changed since the plan, by someone else) is skipped with why; one
// that already passes is left alone. A run changes at most MaxChanges
// resources (raising it is explicit). Exempt resources (a
// "guardrail:exempt" tag, a suppressed finding) are listed and left
// alone; a malformed or expired exemption is an error before anything
// changes. Between waves, and for Soak after each, the gate watches the
// alarms the user names in the accounts and regions changed so far: one
// going to ALARM halts the run and rolls the wave back (or the whole
// run); so does an error rate over MaxErrorRate.
//
// remediate must not import the CLI; it talks to AWS through playbook,
// org, scan (to verify) and the CloudWatch client (the gate).
package remediate
