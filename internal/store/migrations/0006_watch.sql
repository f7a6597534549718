-- 0006: the watch (guardrail watch). Alerts are the rule matches of
-- CloudTrail events, one per (event, rule): the unique key is what keeps a
-- restarted watch from repeating one. Checkpoints are how far each source
-- has read, written in the same transaction as the alerts of what they
-- cover. watch_seen remembers, for a window, the events that made an
-- alert or a re-assessment and the log files read in full, so that an
-- event read twice (a redelivered message, an overlapping poll) does not
-- trigger its re-assessment twice. watch_errors is the malformed input
-- met, once per place.
--
-- A scan records its kind: 'scan' (a scan of the organization) or
-- 'watch' (a re-assessment the watch made of one account and region).

ALTER TABLE scans ADD COLUMN kind TEXT {{notnull}} DEFAULT 'scan';

CREATE TABLE watch_alerts (
    seq          {{serial}},
    event_id     TEXT    {{notnull}},
    rule         TEXT    {{notnull}},
    title        TEXT    {{notnull}},
    severity     INTEGER {{notnull}},
    -- controls: JSON list of the control IDs the event can affect.
    controls     TEXT    {{notnull}} DEFAULT '',
    account      TEXT    {{notnull}},
    region       TEXT    {{notnull}},
    resource     TEXT    {{notnull}} DEFAULT '',
    event_name   TEXT    {{notnull}} DEFAULT '',
    event_source TEXT    {{notnull}} DEFAULT '',
    actor        TEXT    {{notnull}} DEFAULT '',
    source_ip    TEXT    {{notnull}} DEFAULT '',
    event_time   BIGINT  {{notnull}},
    -- source is how the watch read the event (sqs, bucket, lookup, file),
    -- origin where (a queue, an object, a file).
    source       TEXT    {{notnull}},
    origin       TEXT    {{notnull}} DEFAULT '',
    stored       BIGINT  {{notnull}},
    raw          TEXT    {{notnull}},
    UNIQUE (event_id, rule)
);
CREATE INDEX watch_alerts_time ON watch_alerts (event_time, seq);
CREATE INDEX watch_alerts_account ON watch_alerts (account, event_time);

CREATE TABLE watch_checkpoints (
    source   TEXT   {{notnull}},
    key      TEXT   {{notnull}},
    position TEXT   {{notnull}},
    updated  BIGINT {{notnull}},
    PRIMARY KEY (source, key)
) {{without_rowid}};

CREATE TABLE watch_seen (
    key TEXT   PRIMARY KEY,
    at  BIGINT {{notnull}}
) {{without_rowid}};
CREATE INDEX watch_seen_at ON watch_seen (at);

CREATE TABLE watch_errors (
    seq     {{serial}},
    source  TEXT   {{notnull}},
    origin  TEXT   {{notnull}},
    pos     BIGINT {{notnull}},
    kind    TEXT   {{notnull}},
    message TEXT   {{notnull}},
    at      BIGINT {{notnull}},
    UNIQUE (origin, pos, kind)
);
