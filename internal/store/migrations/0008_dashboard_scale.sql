-- 0008: what keeps the dashboard fast at a few hundred thousand findings.
--
-- open_counts: the open findings (failing, NEW or NOTIFIED) by account,
-- OU path, control and severity: what the overview, the account pages
-- and a count of open findings read instead of the findings. total_counts:
-- every finding by severity, compliance and workflow: the count of a view
-- filtered on those alone ("every status"). Both are kept by the store in
-- the transaction that changes the findings (FinishScan, Suppress,
-- Unsuppress), from each finding's state before and after, so they are
-- exact whenever a reader sees the findings. A row whose count reaches
-- zero is deleted. Filled here from the findings already stored.
--
-- findings_priority: the findings in the default order (severity,
-- exposure, failing first, newest first seen, ID), so that a page of a
-- view over every status walks an index instead of sorting them all.
--
-- scans.trend: the few numbers of a scan's scores that the score trend
-- shows (overall, and each standard, account and region with data), as
-- JSON, written with the scores: the trend of 30 scans reads 30 of
-- these, not 30 scores holding every target and control. Filled for the
-- scans already stored from their scores (backfillTrend).
--
-- The text index (SQLite: an FTS5 trigram table kept by triggers;
-- PostgreSQL: pg_trgm GIN indexes) is made by the store's code after
-- this file (textIndex in dialect.go): it differs by backend, and
-- PostgreSQL may not have the extension.

ALTER TABLE scans ADD COLUMN trend TEXT {{notnull}} DEFAULT '';

CREATE TABLE open_counts (
    account  TEXT    {{notnull}},
    ou_path  TEXT    {{notnull}},
    control  TEXT    {{notnull}},
    severity INTEGER {{notnull}},
    n        BIGINT  {{notnull}},
    PRIMARY KEY (account, control, severity, ou_path)
) {{without_rowid}};

INSERT INTO open_counts (account, ou_path, control, severity, n)
SELECT account, ou_path, control, severity, COUNT(*) FROM findings
WHERE compliance = 'FAILED' AND workflow IN ('NEW', 'NOTIFIED')
GROUP BY account, ou_path, control, severity;

CREATE TABLE total_counts (
    severity   INTEGER {{notnull}},
    compliance TEXT    {{notnull}},
    workflow   TEXT    {{notnull}},
    n          BIGINT  {{notnull}},
    PRIMARY KEY (severity, compliance, workflow)
) {{without_rowid}};

INSERT INTO total_counts (severity, compliance, workflow, n)
SELECT severity, compliance, workflow, COUNT(*) FROM findings
GROUP BY severity, compliance, workflow;

CREATE INDEX findings_priority ON findings (severity DESC, exposure DESC, (CASE WHEN compliance = 'FAILED' THEN 0 ELSE 1 END), first_seen DESC, id);

-- store_features: what this database could be given, by name, with a
-- word on it: text_index is "fts5-trigram", "pg_trgm" or "none: why".
CREATE TABLE store_features (
    name   TEXT PRIMARY KEY,
    detail TEXT {{notnull}}
);
