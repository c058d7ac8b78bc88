-- The campaign's end. One row at most: the instant (UTC ISO) from which reports are read-only and
-- reminders and digests stop. A close set for a future date takes effect on its own when that time comes.
CREATE TABLE campaign_close (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    closes_at TEXT NOT NULL CHECK (closes_at LIKE '____-__-__T__:__:__%'),
    set_by    TEXT NOT NULL,
    set_at    TEXT NOT NULL
);

-- Reports are read-only once closed, whatever code path writes: answers, evidence, submissions.
-- Each write carries its own time, compared with the close instant (both UTC ISO strings).
CREATE TRIGGER answers_closed_insert BEFORE INSERT ON answers
WHEN EXISTS (SELECT 1 FROM campaign_close WHERE closes_at <= NEW.answered_at)
BEGIN
    SELECT RAISE(ABORT, 'xcheck: campaign closed');
END;

CREATE TRIGGER answers_closed_update BEFORE UPDATE ON answers
WHEN EXISTS (SELECT 1 FROM campaign_close WHERE closes_at <= NEW.answered_at)
BEGIN
    SELECT RAISE(ABORT, 'xcheck: campaign closed');
END;

CREATE TRIGGER evidence_closed_insert BEFORE INSERT ON evidence
WHEN EXISTS (SELECT 1 FROM campaign_close WHERE closes_at <= NEW.uploaded_at)
BEGIN
    SELECT RAISE(ABORT, 'xcheck: campaign closed');
END;

CREATE TRIGGER versions_closed_insert BEFORE INSERT ON report_versions
WHEN EXISTS (SELECT 1 FROM campaign_close WHERE closes_at <= NEW.submitted_at)
BEGIN
    SELECT RAISE(ABORT, 'xcheck: campaign closed');
END;
