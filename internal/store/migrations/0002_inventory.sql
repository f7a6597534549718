-- 0002: the resource inventory and each finding's exposure.
--
-- resources holds the latest known state of each resource: a scan
-- replaces the resources of each (account, region, type) it read in full
-- and keeps the others, as the scan that last saw them (scan, seen) left
-- them. exposure is inventory.Exposure (bit flags: 1 privileged,
-- 2 internet, 4 public), whose value is its rank; tags and attrs are JSON.
-- Searches select by type, then account and region.

CREATE TABLE resources (
    account      TEXT    {{notnull}},
    region       TEXT    {{notnull}},
    type         TEXT    {{notnull}},
    arn          TEXT    {{notnull}},
    id           TEXT    {{notnull}},
    name         TEXT    {{notnull}},
    account_name TEXT    {{notnull}},
    ou_path      TEXT    {{notnull}},
    exposure     INTEGER {{notnull}},
    tags         TEXT    {{notnull}},
    attrs        TEXT    {{notnull}},
    scan         TEXT    {{notnull}},
    seen         BIGINT  {{notnull}},
    PRIMARY KEY (account, region, type, arn)
) {{without_rowid}};
CREATE INDEX resources_type ON resources (type, exposure DESC, account, region, arn);

-- A finding's exposure is its resource's, as of the scan that last saw
-- it; the priority order sorts by it after severity.
ALTER TABLE findings ADD COLUMN exposure INTEGER {{notnull}} DEFAULT 0;
