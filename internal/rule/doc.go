// Package rule applies a team's automation rules to findings, like
// Security Hub's automation rules: criteria select findings (account, OU,
// region, control, standard, severity, resource type, tag, ID pattern),
// actions change them (suppress with a reason and an expiry, override the
// severity, add a note, set the workflow status). Rules live in a YAML
// file; a malformed file is rejected with the file, line, column and
// field path, before anything is applied. It must not import the AWS SDK.
//
// # The file
//
//	rules:
//	  - name: accept-legacy-imdsv1     # letters, digits, . _ -; unique
//	    description: legacy ERP web servers need IMDSv1 until 2027
//	    order: 10          # 1..1000, lower runs first; default 1000
//	    terminal: false    # a match stops the later rules; default false
//	    enabled: true      # default true
//	    criteria:
//	      account: ["444444444404"]         # 12-digit account IDs
//	      ou: ["Workloads/Production"]      # OU path, and every OU under it
//	      region: ["eu-west-1"]
//	      control: ["EC2.8"]
//	      standard: ["cis-3.0"]             # short name, or "cis-3.0:1.4"
//	      severity: ["high", "critical"]
//	      resource_type: ["AwsEc2Instance"]
//	      resource_tag: {app: erp}          # every tag must match (globs)
//	      resource_id: ["arn:aws:ec2:*:*:instance/i-0abc*"]  # glob on the ARN
//	      compliance: ["FAILED"]            # default FAILED and ERROR
//	    actions:
//	      suppress: {reason: "accepted risk, SEC-123", until: 2027-06-30}
//	      severity: low
//	      note: "owned by the ERP team"
//	      workflow: NOTIFIED                # NEW or NOTIFIED
//
// Criteria fields are ANDed; the values of one field are ORed. A field
// takes a list or a single value. A rule has at least one criterion and
// at least one action. Unknown fields are errors, and so are criteria
// that can never match: a control or a standard (or a requirement of
// one) that the control catalog given to Parse does not have.
//
// Globs (resource_id, resource_tag values) are matched against the whole
// value: * is any run of characters, / included; ? is one character;
// [abc], [a-z] and [!a-z] are classes; \ quotes the next character. A
// tag pattern "*" selects resources that have the tag at all.
//
// until is a date (YYYY-MM-DD, which means midnight UTC at the start of
// that day) or an RFC 3339 time. A suppression expires at until; a rule
// whose until has passed suppresses nothing.
//
// # Applying
//
// Rules run in order (order, then their place in the file); a matching
// terminal rule stops the rules after it. Disabled rules are skipped.
// When several matching rules set the same field, the last one wins (the
// rules apply in turn, so the later write stands), but only the final
// value is written: each change is one event by "rule:<name>" of the
// rule that decided it. Notes add up: each matching rule adds its own
// note once.
//
// Applying a set to what it returned changes nothing. Three choices make
// that hold:
//
//   - Suppress and workflow act only on open findings: compliance FAILED
//     or ERROR and workflow not RESOLVED; workflow only moves NEW and
//     NOTIFIED (suppressing is the suppress action's job, resolving the
//     scan's). Unless criteria.compliance says otherwise, rules select
//     only FAILED and ERROR findings.
//   - A suppression made by a person stands; a rule does not replace it.
//     A rule replaces a suppression by another rule that the set no
//     longer decides on.
//   - Severity criteria see the severity the earlier rules set, so a
//     rule that selects by severity must run after every rule that
//     overrides severity, and cannot override it itself; Parse rejects
//     other sets.
//
// Rules never undo: a finding suppressed or re-rated by a rule that was
// since removed keeps what the rule did, until a person changes it (the
// finding does not record who set its severity).
package rule
