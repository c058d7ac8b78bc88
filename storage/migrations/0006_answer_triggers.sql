-- Every answer write is audited and touches its report inside the same statement: nothing can write an
-- answer without leaving its trace, and the walk saves two round trips per answer.
CREATE TRIGGER answers_audit_insert AFTER INSERT ON answers BEGIN
    INSERT INTO audit_log (at, actor, action, subject, detail)
    VALUES (NEW.answered_at, 'tg:' || NEW.answered_by, 'answer.put', 'report:' || NEW.report_id || ':' || NEW.item,
            NEW.value);
    UPDATE reports SET updated_at = NEW.answered_at WHERE id = NEW.report_id;
END;

CREATE TRIGGER answers_audit_update AFTER UPDATE ON answers BEGIN
    INSERT INTO audit_log (at, actor, action, subject, detail)
    VALUES (NEW.answered_at, 'tg:' || NEW.answered_by, 'answer.put', 'report:' || NEW.report_id || ':' || NEW.item,
            NEW.value);
    UPDATE reports SET updated_at = NEW.answered_at WHERE id = NEW.report_id;
END;
