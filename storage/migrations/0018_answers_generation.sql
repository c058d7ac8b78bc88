-- Each report's answers carry a generation, raised by every change to them, whatever writes them (the bot,
-- the web, the command line, another process): the walk keeps a report's decoded answers in memory and
-- reads them again only when the generation it read with the report differs (storage/reports.py).
ALTER TABLE reports ADD COLUMN answers_gen INTEGER NOT NULL DEFAULT 0 CHECK (answers_gen >= 0);

-- One trigger per answer write instead of two (an upsert that updates ran three: the closed check before
-- the insert, the closed check before the update, the audit after it): the campaign's close is checked in
-- the audit trigger, before anything is written, and aborts the statement with the same message.
DROP TRIGGER answers_closed_insert;
DROP TRIGGER answers_closed_update;
DROP TRIGGER answers_audit_insert;
DROP TRIGGER answers_audit_update;

CREATE TRIGGER answers_audit_insert AFTER INSERT ON answers BEGIN
    SELECT RAISE(ABORT, 'xcheck: campaign closed')
    WHERE EXISTS (SELECT 1 FROM campaign_close WHERE closes_at <= NEW.answered_at);
    INSERT INTO audit_log (at, actor, action, subject, detail, channel)
    VALUES (NEW.answered_at, CASE NEW.channel WHEN 'web' THEN 'web:' ELSE 'tg:' END || NEW.answered_by,
            'answer.put', 'report:' || NEW.report_id || ':' || NEW.item, NEW.value, NEW.channel);
    UPDATE reports SET updated_at = NEW.answered_at, answers_gen = answers_gen + 1 WHERE id = NEW.report_id;
END;

CREATE TRIGGER answers_audit_update AFTER UPDATE ON answers BEGIN
    SELECT RAISE(ABORT, 'xcheck: campaign closed')
    WHERE EXISTS (SELECT 1 FROM campaign_close WHERE closes_at <= NEW.answered_at);
    INSERT INTO audit_log (at, actor, action, subject, detail, channel)
    VALUES (NEW.answered_at, CASE NEW.channel WHEN 'web' THEN 'web:' ELSE 'tg:' END || NEW.answered_by,
            'answer.put', 'report:' || NEW.report_id || ':' || NEW.item, NEW.value, NEW.channel);
    UPDATE reports SET updated_at = NEW.answered_at, answers_gen = answers_gen + 1
    WHERE id IN (OLD.report_id, NEW.report_id);
END;

CREATE TRIGGER answers_gen_delete AFTER DELETE ON answers BEGIN
    UPDATE reports SET answers_gen = answers_gen + 1 WHERE id = OLD.report_id;
END;
