-- 0002: placeholder for the dashboard's migration (issue 6), which is
-- written on another branch; migrations must run without gaps, and the
-- baseline's journal is 0003. Replace this file with the dashboard's own
-- 0002 when the branches are merged.
SELECT 1;
