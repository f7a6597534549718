-- 0009: the overview's counts, kept as small as the overview shows them.
--
-- open_by_account: the open findings (failing, NEW or NOTIFIED) by
-- account, OU path and severity (a few rows per account); open_by_control:
-- by control, with the number of accounts that have one and the greatest
-- severity among them (a finding's severity may be overridden). Both are open_counts (0008) summed, kept by the
-- store in the same transaction as open_counts (FinishScan, Suppress,
-- Unsuppress): open_by_account from the same changes, open_by_control
-- recomputed from open_counts for the controls those changes touched.
-- An overview reads these two (about a thousand rows at 200 accounts)
-- instead of open_counts (one row per account and control: 34,000). A
-- row whose count reaches zero is deleted. Filled here from open_counts.

CREATE TABLE open_by_account (
    account  TEXT    {{notnull}},
    ou_path  TEXT    {{notnull}},
    severity INTEGER {{notnull}},
    n        BIGINT  {{notnull}},
    PRIMARY KEY (account, severity, ou_path)
) {{without_rowid}};

INSERT INTO open_by_account (account, ou_path, severity, n)
SELECT account, ou_path, severity, SUM(n) FROM open_counts GROUP BY account, ou_path, severity;

CREATE TABLE open_by_control (
    control  TEXT    {{notnull}},
    severity INTEGER {{notnull}},
    accounts BIGINT  {{notnull}},
    n        BIGINT  {{notnull}},
    PRIMARY KEY (control)
) {{without_rowid}};

INSERT INTO open_by_control (control, severity, accounts, n)
SELECT control, MAX(severity), COUNT(DISTINCT account), SUM(n) FROM open_counts GROUP BY control;
