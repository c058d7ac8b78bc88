-- Open revisions are read on every walk step (the report's context): by report, not by a table scan.
CREATE INDEX revisions_by_report ON revisions (report_id, closed_at);
-- The start-up clean-up deletes applied update ids older than two days: a range of this index, not a scan.
CREATE INDEX processed_updates_by_at ON processed_updates (at);
