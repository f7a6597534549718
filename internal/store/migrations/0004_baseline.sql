-- 0004: the baseline's journal. A run is one apply or rollback; a step
-- is one item changed in one target, journaled with the exact state
-- before the change (prior) before the change is sent, so that a
-- rollback can put it back even after the process was killed.
--
-- Times are Unix nanoseconds, UTC (0: not set). prior and want hold the
-- item's state as JSON text.

CREATE TABLE baseline_runs (
    seq      {{serial}},
    id       TEXT   {{notnull}} UNIQUE,
    kind     TEXT   {{notnull}},
    -- of_run is the run a rollback undoes ('' for an apply).
    of_run   TEXT   {{notnull}} DEFAULT '',
    started  BIGINT {{notnull}},
    finished BIGINT {{notnull}} DEFAULT 0,
    status   TEXT   {{notnull}},
    actor    TEXT   {{notnull}} DEFAULT '',
    -- owner is the process running it ("host:pid:start", as for scans):
    -- a RUNNING run whose process is gone reads as INTERRUPTED.
    owner    TEXT   {{notnull}} DEFAULT '',
    -- spec is the baseline spec the run applied, as written.
    spec     TEXT   {{notnull}} DEFAULT '',
    spec_name TEXT  {{notnull}} DEFAULT ''
);

CREATE TABLE baseline_steps (
    run_id    TEXT   {{notnull}} REFERENCES baseline_runs (id),
    account   TEXT   {{notnull}},
    region    TEXT   {{notnull}},
    item      TEXT   {{notnull}},
    status    TEXT   {{notnull}},
    prior     TEXT   {{notnull}},
    want      TEXT   {{notnull}},
    detail    TEXT   {{notnull}} DEFAULT '',
    journaled BIGINT {{notnull}},
    updated   BIGINT {{notnull}},
    PRIMARY KEY (run_id, account, region, item)
) {{without_rowid}};
