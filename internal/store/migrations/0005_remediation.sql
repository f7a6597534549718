-- 0005: remediation shares the baseline's journal. A run says which
-- engine made it (baseline or remediate) and what came of it (outcome:
-- JSON the engine writes, such as the waves of a remediation and why it
-- halted); a step says which wave of its run made it.

ALTER TABLE baseline_runs ADD COLUMN engine TEXT {{notnull}} DEFAULT 'baseline';
ALTER TABLE baseline_runs ADD COLUMN outcome TEXT {{notnull}} DEFAULT '';
ALTER TABLE baseline_steps ADD COLUMN wave INTEGER {{notnull}} DEFAULT 0;
