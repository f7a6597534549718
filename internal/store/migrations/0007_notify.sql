-- 0007: notifications (guardrail --notify). The outbox holds every
-- notification to send, written in the same transaction as the change it
-- tells of (a finding's new/reopened/resolved/suppressed, a watch alert, a
-- remediation run that did not complete), so a change is never stored
-- without its notifications nor the reverse. UNIQUE (event_key,
-- destination) is the de-duplication: an event key names a change and
-- its place in the finding's lifecycle (the scan that made it), so the
-- same change enqueued twice is one row, and a finding that resolves,
-- reopens and resolves again is three.
--
-- status: pending, sending (claimed by a sender until lease_until, with
-- claim_token), sent, dead (attempts exhausted or a permanent error).
-- grp gathers rows sent as one message: a scan's digest, or the alerts of
-- one rule and resource within the grouping window.

CREATE TABLE notify_outbox (
    id           {{serial}},
    destination  TEXT    {{notnull}},
    route        TEXT    {{notnull}} DEFAULT '',
    event_key    TEXT    {{notnull}},
    finding_id   TEXT    {{notnull}} DEFAULT '',
    payload      TEXT    {{notnull}},
    grp          TEXT    {{notnull}} DEFAULT '',
    digest       INTEGER {{notnull}} DEFAULT 0,
    status       TEXT    {{notnull}},
    attempts     INTEGER {{notnull}} DEFAULT 0,
    next_attempt BIGINT  {{notnull}},
    lease_until  BIGINT  {{notnull}} DEFAULT 0,
    claim_token  TEXT    {{notnull}} DEFAULT '',
    last_error   TEXT    {{notnull}} DEFAULT '',
    created      BIGINT  {{notnull}},
    sent         BIGINT  {{notnull}} DEFAULT 0,
    receipt      TEXT    {{notnull}} DEFAULT '',
    UNIQUE (event_key, destination)
);
CREATE INDEX notify_outbox_due ON notify_outbox (status, next_attempt);
CREATE INDEX notify_outbox_group ON notify_outbox (destination, grp, status);
CREATE INDEX notify_outbox_finding ON notify_outbox (finding_id);

-- One ticket per finding and destination, ever.
CREATE TABLE notify_tickets (
    finding_id  TEXT   {{notnull}},
    destination TEXT   {{notnull}},
    ticket      TEXT   {{notnull}},
    status      TEXT   {{notnull}} DEFAULT '',
    resolution  TEXT   {{notnull}} DEFAULT '',
    created     BIGINT {{notnull}},
    updated     BIGINT {{notnull}},
    PRIMARY KEY (finding_id, destination)
) {{without_rowid}};
CREATE INDEX notify_tickets_key ON notify_tickets (ticket);

-- How far a sync (the Jira poll of one destination) has read.
CREATE TABLE notify_checkpoints (
    name     TEXT   PRIMARY KEY,
    position TEXT   {{notnull}},
    updated  BIGINT {{notnull}}
) {{without_rowid}};
