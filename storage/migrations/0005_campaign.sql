-- Deadlines the office sets; reminders are derived from these plus what was already sent.
CREATE TABLE deadlines (
    kind   TEXT PRIMARY KEY CHECK (kind IN ('report', 'questionnaire')),
    due_on TEXT NOT NULL,                    -- local date, YYYY-MM-DD; due at the end of that day
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);

-- One row per reminder per recipient, written before sending: a reminder never goes out twice.
CREATE TABLE reminder_log (
    key     TEXT PRIMARY KEY,                -- slot and recipient, e.g. report:-3:600
    user_id INTEGER NOT NULL,
    slot    TEXT NOT NULL,
    status  TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'unknown')),
    at      TEXT NOT NULL
);

CREATE TABLE broadcasts (
    id            INTEGER PRIMARY KEY,
    text          TEXT NOT NULL,
    audience      TEXT NOT NULL,
    audience_arg  TEXT NOT NULL DEFAULT '',
    created_by    INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('running', 'done')),
    report_chat   INTEGER,                   -- where the live delivery report is shown
    report_msg    INTEGER
);

-- The outbox: one row per recipient. 'sending' is written before the API call; a row found in
-- 'sending' after a crash becomes 'unknown' and is never sent again.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id),
    user_id      INTEGER NOT NULL,
    label        TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unreachable', 'unknown')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL,
    UNIQUE (broadcast_id, user_id)
);
CREATE INDEX outbox_pending ON outbox (broadcast_id, status);

CREATE TABLE questionnaire_links (
    kind    TEXT PRIMARY KEY CHECK (kind IN ('teacher', 'student')),
    url     TEXT NOT NULL DEFAULT '',
    image   TEXT NOT NULL DEFAULT '',        -- sha256 of a QR image under the evidence store, if any
    set_at  TEXT NOT NULL
);

CREATE TABLE questionnaire_counts (
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    certificate_id INTEGER NOT NULL REFERENCES certificates (id),
    teachers       INTEGER NOT NULL CHECK (teachers >= 0),
    students       INTEGER NOT NULL CHECK (students >= 0),
    registered     INTEGER NOT NULL CHECK (registered >= 0),   -- 备案人数 on the certificate platform
    updated_by     INTEGER NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (institution_id, certificate_id)
);
