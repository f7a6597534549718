-- 0009: staged scans, a scan made of parts (shards, or the accounts a
-- queue's workers take) that several processes write into one store.
--
-- scans.parts is how many parts a staged scan waits for (0: a scan
-- stored at once by FinishScan); scans.staged is what every part must
-- agree on (scope, controls, standards) as JSON, so a part that joins
-- with a different scope is refused.
--
-- scan_parts: one row per expected part; reported is when it reported
-- (Unix nanoseconds, 0: not yet), stats its work as JSON.
--
-- staged_accounts: each account's results as its part stages them,
-- until the last part reports and the store applies the lifecycle once
-- over all of them; then the rows are deleted. One row per (scan,
-- part, account): a part that runs again replaces its rows. Each column
-- is JSON: the account's record (in the part that assessed the account;
-- '' in a part holding only results about a resource the account owns),
-- results, gaps and inventory.

ALTER TABLE scans ADD COLUMN parts BIGINT {{notnull}} DEFAULT 0;
ALTER TABLE scans ADD COLUMN staged TEXT {{notnull}} DEFAULT '';

CREATE TABLE scan_parts (
    scan     TEXT   {{notnull}},
    part     TEXT   {{notnull}},
    reported BIGINT {{notnull}} DEFAULT 0,
    stats    TEXT   {{notnull}} DEFAULT '',
    PRIMARY KEY (scan, part)
) {{without_rowid}};

CREATE TABLE staged_accounts (
    scan      TEXT {{notnull}},
    account   TEXT {{notnull}},
    part      TEXT {{notnull}},
    record    TEXT {{notnull}},
    results   TEXT {{notnull}} DEFAULT '',
    gaps      TEXT {{notnull}} DEFAULT '',
    inventory TEXT {{notnull}} DEFAULT '',
    PRIMARY KEY (scan, part, account)
) {{without_rowid}};
