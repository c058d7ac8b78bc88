-- Institutions of 附件3 and training evaluation organizations share one table: both report, both are
-- "who a coordinator speaks for".
CREATE TABLE institutions (
    id      INTEGER PRIMARY KEY,
    seq     INTEGER UNIQUE,                 -- number in 附件3; NULL for training organizations
    kind    TEXT NOT NULL CHECK (kind IN ('本科', '高职', '中职', '培训评价组织')),
    name    TEXT NOT NULL UNIQUE,
    city    TEXT                            -- NULL until known for certain
);

CREATE TABLE certificates (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    org_id  INTEGER REFERENCES institutions (id),   -- its training evaluation organization
    lead_id INTEGER REFERENCES institutions (id)    -- its lead institution (牵头院校)
);

CREATE TABLE pilots (
    institution_id INTEGER NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
    certificate_id INTEGER NOT NULL REFERENCES certificates (id) ON DELETE CASCADE,
    scale          INTEGER NOT NULL CHECK (scale >= 0),      -- 试点规模
    PRIMARY KEY (institution_id, certificate_id)
);

CREATE TABLE people (
    user_id        INTEGER PRIMARY KEY,         -- Telegram user id
    name           TEXT NOT NULL DEFAULT '',
    role           TEXT NOT NULL CHECK (role IN ('office', 'coordinator', 'city', 'org', 'expert')),
    institution_id INTEGER REFERENCES institutions (id),
    city           TEXT,
    chat_id        INTEGER,
    bound_at       TEXT NOT NULL
);
CREATE INDEX people_institution ON people (institution_id);

CREATE TABLE invitations (
    id             INTEGER PRIMARY KEY,
    code_hash      TEXT NOT NULL UNIQUE,        -- sha256 of the code; the code itself is never stored
    role           TEXT NOT NULL,
    institution_id INTEGER REFERENCES institutions (id),
    city           TEXT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    used_at        TEXT,
    used_by        INTEGER
);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,                      -- 'tg:<user id>' or 'cli'
    action  TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    detail  TEXT NOT NULL DEFAULT '{}'          -- JSON
);

-- Update ids already applied: Telegram re-delivers updates not yet confirmed after a crash.
CREATE TABLE processed_updates (
    update_id INTEGER PRIMARY KEY,
    at        TEXT NOT NULL
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
