-- One report per institution, or per (training organization, certificate).
CREATE TABLE reports (
    id             INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    certificate_id INTEGER REFERENCES certificates (id),
    outline        TEXT NOT NULL CHECK (outline IN ('institution', 'training_org')),
    status         TEXT NOT NULL DEFAULT 'draft'
                   CHECK (status IN ('draft', 'submitted', 'returned', 'accepted')),
    version        INTEGER NOT NULL DEFAULT 0,
    started_at     TEXT,
    updated_at     TEXT
);
-- SQLite treats NULLs as distinct in UNIQUE, so key the institution-level report on 0.
CREATE UNIQUE INDEX reports_subject ON reports (institution_id, IFNULL(certificate_id, 0));

CREATE TABLE answers (
    report_id   INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    item        TEXT NOT NULL,              -- item key in the outline, e.g. 'p8' or 's3.practice'
    value       TEXT NOT NULL,              -- JSON, shape fixed by the item's answer type
    answered_by INTEGER,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (report_id, item)
);

-- Where each person stands in the walk: the whole of the walk's state lives here.
CREATE TABLE cursors (
    user_id   INTEGER PRIMARY KEY,
    report_id INTEGER REFERENCES reports (id) ON DELETE CASCADE,
    item      TEXT,
    row       INTEGER NOT NULL DEFAULT 0,   -- row of a per-certificate / per-level table
    stage     TEXT NOT NULL DEFAULT 'ask',  -- ask | followup | confirm_warning | confirm_rates
    pending   TEXT NOT NULL DEFAULT '{}',   -- JSON: a value awaiting confirmation
    updated_at TEXT NOT NULL
);
