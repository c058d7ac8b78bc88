-- The web channel: server-side sessions, one-time links between the channels, and the channel of every
-- audited action.

-- A signed-in browser. The cookie carries a random id; only its SHA-256 is stored.
CREATE TABLE web_sessions (
    id_hash    TEXT PRIMARY KEY CHECK (length(id_hash) = 64),
    user_id    INTEGER NOT NULL,
    csrf       TEXT NOT NULL CHECK (length(csrf) >= 32),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL CHECK (expires_at > created_at),
    seen_at    TEXT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

-- One-time links for a person already bound: 'web' signs a Telegram user in on the web, 'telegram' binds
-- a web user's Telegram account to the same person. Only the code's SHA-256 is stored.
CREATE TABLE channel_links (
    code_hash  TEXT PRIMARY KEY CHECK (length(code_hash) = 64),
    user_id    INTEGER NOT NULL,
    purpose    TEXT NOT NULL CHECK (purpose IN ('web', 'telegram')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL CHECK (expires_at > created_at),
    used_at    TEXT
);

-- Which channel an action came through. Rows written before this migration came from Telegram or the CLI.
ALTER TABLE audit_log ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram'
    CHECK (channel IN ('telegram', 'web', 'cli'));
UPDATE audit_log SET channel = 'cli' WHERE actor = 'cli';

ALTER TABLE answers ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram' CHECK (channel IN ('telegram', 'web', 'cli'));

DROP TRIGGER answers_audit_insert;
DROP TRIGGER answers_audit_update;

CREATE TRIGGER answers_audit_insert AFTER INSERT ON answers BEGIN
    INSERT INTO audit_log (at, actor, action, subject, detail, channel)
    VALUES (NEW.answered_at, CASE NEW.channel WHEN 'web' THEN 'web:' ELSE 'tg:' END || NEW.answered_by,
            'answer.put', 'report:' || NEW.report_id || ':' || NEW.item, NEW.value, NEW.channel);
    UPDATE reports SET updated_at = NEW.answered_at WHERE id = NEW.report_id;
END;

CREATE TRIGGER answers_audit_update AFTER UPDATE ON answers BEGIN
    INSERT INTO audit_log (at, actor, action, subject, detail, channel)
    VALUES (NEW.answered_at, CASE NEW.channel WHEN 'web' THEN 'web:' ELSE 'tg:' END || NEW.answered_by,
            'answer.put', 'report:' || NEW.report_id || ':' || NEW.item, NEW.value, NEW.channel);
    UPDATE reports SET updated_at = NEW.answered_at WHERE id = NEW.report_id;
END;
