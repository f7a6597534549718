-- 0001: scans, findings, the history of each finding, and each scan's
-- results. Shared by SQLite and PostgreSQL; {{...}} are the type tokens
-- the dialect fills in.
--
-- Times are Unix nanoseconds, UTC (0: not set). JSON columns hold text,
-- '' when empty. Severity is control.Severity: 0 informational .. 4
-- critical.
--
-- Constraints never need to undo one statement: a failed statement fails
-- its whole transaction. So in SQLite NOT NULL is ON CONFLICT FAIL and
-- foreign keys are checked at commit: then a multi-row statement needs no
-- statement journal, which in a big transaction costs more than the rows.

CREATE TABLE scans (
    seq            {{serial}},
    id             TEXT    {{notnull}} UNIQUE,
    started        BIGINT  {{notnull}},
    finished       BIGINT  {{notnull}} DEFAULT 0,
    status         TEXT    {{notnull}},
    actor          TEXT    {{notnull}} DEFAULT '',
    -- owner is the process that runs the scan, "host:pid:start", so that
    -- a RUNNING scan whose process is gone reads as INTERRUPTED.
    owner          TEXT    {{notnull}} DEFAULT '',
    scope          TEXT    {{notnull}} DEFAULT '',
    stats          TEXT    {{notnull}} DEFAULT '',
    passed         BIGINT  {{notnull}} DEFAULT 0,
    failed         BIGINT  {{notnull}} DEFAULT 0,
    not_applicable BIGINT  {{notnull}} DEFAULT 0,
    errors         BIGINT  {{notnull}} DEFAULT 0,
    scores         TEXT    {{notnull}} DEFAULT '',
    gaps           TEXT    {{notnull}} DEFAULT '',
    not_assessed   TEXT    {{notnull}} DEFAULT '',
    changes        TEXT    {{notnull}} DEFAULT ''
);
CREATE INDEX scans_status ON scans (status);

CREATE TABLE findings (
    id                  TEXT    PRIMARY KEY,
    control             TEXT    {{notnull}},
    title               TEXT    {{notnull}},
    account             TEXT    {{notnull}},
    account_name        TEXT    {{notnull}},
    ou_path             TEXT    {{notnull}},
    region              TEXT    {{notnull}},
    resource_arn        TEXT    {{notnull}},
    resource_type       TEXT    {{notnull}},
    resource_name       TEXT    {{notnull}},
    resource_tags       TEXT    {{notnull}},
    standards           TEXT    {{notnull}},
    severity            INTEGER {{notnull}},
    severity_overridden INTEGER {{notnull}},
    compliance          TEXT    {{notnull}},
    reason              TEXT    {{notnull}},
    workflow            TEXT    {{notnull}},
    suppression         TEXT    {{notnull}},
    notes               TEXT    {{notnull}},
    first_seen          BIGINT  {{notnull}},
    last_seen           BIGINT  {{notnull}},
    updated_at          BIGINT  {{notnull}},
    last_scan           TEXT    {{notnull}}
) {{findings_storage}};
-- FinishScan reads the findings of each scanned account. Filters select
-- by account and region, or control; the other filter columns (workflow,
-- compliance, severity) split the findings in a few large parts, which an
-- index would not find faster than a scan, and every index slows down
-- storing a scan.
CREATE INDEX findings_account ON findings (account, region);
CREATE INDEX findings_control ON findings (control);

CREATE TABLE finding_events (
    seq        {{serial}},
    finding_id TEXT   {{notnull}} REFERENCES findings (id) DEFERRABLE INITIALLY DEFERRED,
    at         BIGINT {{notnull}},
    scan       TEXT   {{notnull}},
    kind       TEXT   {{notnull}},
    actor      TEXT   {{notnull}},
    detail     TEXT   {{notnull}}
);
CREATE INDEX finding_events_finding ON finding_events (finding_id, seq);

-- scan_results: each finding a scan saw, as it saw it, and each finding
-- the scan resolved because its resource was gone (compliance 'GONE').
-- A finding's state as of a scan is its latest row up to that scan: Diff
-- compares those; "findings of scan X" reads X's rows.
CREATE TABLE scan_results (
    scan       BIGINT  {{notnull}} REFERENCES scans (seq) DEFERRABLE INITIALLY DEFERRED,
    finding_id TEXT    {{notnull}} REFERENCES findings (id) DEFERRABLE INITIALLY DEFERRED,
    compliance TEXT    {{notnull}},
    severity   INTEGER {{notnull}},
    PRIMARY KEY (scan, finding_id)
) {{without_rowid}};
CREATE INDEX scan_results_finding ON scan_results (finding_id, scan, compliance);
