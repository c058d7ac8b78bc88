-- Evidence files: the bytes live under the data directory addressed by SHA-256; this is the index.
CREATE TABLE evidence (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    item        TEXT NOT NULL,              -- the monitoring point (or narrative) it supports
    name        TEXT NOT NULL,              -- sanitized original name
    kind        TEXT NOT NULL,              -- pdf, jpeg, png, docx, xlsx, pptx, doc, xls, ppt, zip
    mime        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    uploaded_by INTEGER NOT NULL,
    uploaded_at TEXT NOT NULL,
    tg_file_id  TEXT,                       -- only a cache for sending the file again
    removed_at  TEXT                        -- kept, so earlier versions still list what they had
);
CREATE INDEX evidence_report ON evidence (report_id, item);

-- Every submitted version, whole: answers and evidence as submitted, with the receipt's checksum.
CREATE TABLE report_versions (
    report_id    INTEGER NOT NULL REFERENCES reports (id),
    version      INTEGER NOT NULL,
    submitted_at TEXT NOT NULL,
    submitted_by INTEGER NOT NULL,
    content      TEXT NOT NULL,
    checksum     TEXT NOT NULL,
    PRIMARY KEY (report_id, version)
);

-- Returns for revision: which items reopened, with the office's comment on each.
CREATE TABLE revisions (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    version     INTEGER NOT NULL,
    comments    TEXT NOT NULL,              -- JSON {item key or "*": comment}
    returned_by INTEGER NOT NULL,
    returned_at TEXT NOT NULL,
    closed_at   TEXT
);

CREATE TABLE city_packages (
    city         TEXT PRIMARY KEY,
    completed_at TEXT NOT NULL,
    completed_by INTEGER NOT NULL
);

ALTER TABLE reports ADD COLUMN submitted_at TEXT;
ALTER TABLE reports ADD COLUMN accepted_at TEXT;

-- Experts see only the institutions the office assigned to them.
CREATE TABLE expert_assignments (
    user_id        INTEGER NOT NULL,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    assigned_at    TEXT NOT NULL,
    PRIMARY KEY (user_id, institution_id)
);
