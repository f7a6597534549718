-- 0003: what the dashboard reads fast.
--
-- scans.accounts: the accounts in scope of the scan (ID, name, OU path,
-- why not assessed), as JSON, so a scan's accounts have names even when
-- nothing of theirs was stored.
--
-- findings_open: the open findings (failing, NEW or NOTIFIED), the ones a
-- team acts on, in priority order, with the columns filters and counts
-- read: the default findings view walks it and stops after a page;
-- counts per account, control and severity read only it. Its columns do
-- not change from one scan to the next for a finding that stays open
-- (first_seen, not last_seen), so storing a scan rarely touches it.
-- Queries name its WHERE terms literally: SQLite uses a partial index
-- only when the query's terms imply them.
--
-- finding_events_scan: what each scan opened and resolved.

ALTER TABLE scans ADD COLUMN accounts TEXT {{notnull}} DEFAULT '';

CREATE INDEX findings_open ON findings (severity DESC, exposure DESC, first_seen DESC, id, account, region, control, resource_type, ou_path, compliance, workflow)
    WHERE compliance = 'FAILED' AND workflow IN ('NEW', 'NOTIFIED');

CREATE INDEX finding_events_scan ON finding_events (scan, kind);

-- findings_open_counts: the same findings by account, control and
-- severity, so that counting them groups in index order, with no sort.
CREATE INDEX findings_open_counts ON findings (account, control, severity, ou_path, compliance, workflow)
    WHERE compliance = 'FAILED' AND workflow IN ('NEW', 'NOTIFIED');
