-- 0001: scans, findings, the history of each finding, and each scan's
-- results. Shared by SQLite and PostgreSQL; {{...}} are the type tokens
-- the dialect fills in.
--
-- Times are Unix nanoseconds, UTC (0: not set). JSON columns hold text,
-- '' when empty. Severity is control.Severity: 0 informational .. 4
-- critical.

CREATE TABLE scans (
    seq            {{serial}},
    id             TEXT    NOT NULL UNIQUE,
    started        BIGINT  NOT NULL,
    finished       BIGINT  NOT NULL DEFAULT 0,
    status         TEXT    NOT NULL,
    actor          TEXT    NOT NULL DEFAULT '',
    -- owner is the process that runs the scan, "host:pid:start", so that
    -- a RUNNING scan whose process is gone reads as INTERRUPTED.
    owner          TEXT    NOT NULL DEFAULT '',
    scope          TEXT    NOT NULL DEFAULT '',
    stats          TEXT    NOT NULL DEFAULT '',
    passed         BIGINT  NOT NULL DEFAULT 0,
    failed         BIGINT  NOT NULL DEFAULT 0,
    not_applicable BIGINT  NOT NULL DEFAULT 0,
    errors         BIGINT  NOT NULL DEFAULT 0,
    scores         TEXT    NOT NULL DEFAULT '',
    gaps           TEXT    NOT NULL DEFAULT '',
    not_assessed   TEXT    NOT NULL DEFAULT '',
    changes        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX scans_status ON scans (status);

CREATE TABLE findings (
    id                  TEXT    PRIMARY KEY,
    control             TEXT    NOT NULL,
    title               TEXT    NOT NULL,
    account             TEXT    NOT NULL,
    account_name        TEXT    NOT NULL,
    ou_path             TEXT    NOT NULL,
    region              TEXT    NOT NULL,
    resource_arn        TEXT    NOT NULL,
    resource_type       TEXT    NOT NULL,
    resource_name       TEXT    NOT NULL,
    resource_tags       TEXT    NOT NULL,
    standards           TEXT    NOT NULL,
    severity            INTEGER NOT NULL,
    severity_overridden INTEGER NOT NULL,
    compliance          TEXT    NOT NULL,
    reason              TEXT    NOT NULL,
    workflow            TEXT    NOT NULL,
    suppression         TEXT    NOT NULL,
    notes               TEXT    NOT NULL,
    first_seen          BIGINT  NOT NULL,
    last_seen           BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL,
    last_scan           TEXT    NOT NULL
);
-- FinishScan reads the findings of each scanned account; the filters
-- select by account, region, control, workflow, compliance, severity.
CREATE INDEX findings_account  ON findings (account, region);
CREATE INDEX findings_control  ON findings (control);
CREATE INDEX findings_workflow ON findings (workflow, compliance);
CREATE INDEX findings_severity ON findings (severity);

CREATE TABLE finding_events (
    seq        {{serial}},
    finding_id TEXT   NOT NULL REFERENCES findings (id),
    at         BIGINT NOT NULL,
    scan       TEXT   NOT NULL,
    kind       TEXT   NOT NULL,
    actor      TEXT   NOT NULL,
    detail     TEXT   NOT NULL
);
CREATE INDEX finding_events_finding ON finding_events (finding_id, seq);

-- scan_results: each finding a scan saw, as it saw it, and each finding
-- the scan resolved because its resource was gone (compliance 'GONE').
-- A finding's state as of a scan is its latest row up to that scan: Diff
-- compares those; "findings of scan X" reads X's rows.
CREATE TABLE scan_results (
    scan       BIGINT  NOT NULL REFERENCES scans (seq),
    finding_id TEXT    NOT NULL REFERENCES findings (id),
    compliance TEXT    NOT NULL,
    severity   INTEGER NOT NULL,
    PRIMARY KEY (scan, finding_id)
) {{without_rowid}};
CREATE INDEX scan_results_finding ON scan_results (finding_id, scan, compliance);
