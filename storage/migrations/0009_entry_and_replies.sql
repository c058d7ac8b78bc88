-- Issue 12. A long text Telegram split into several messages is one answer: the first part is kept here,
-- with when it arrived, so a part arriving within seconds is merged into it instead of answering the
-- next item. One row per person; replaced by their next text.
CREATE TABLE text_fragments (
    user_id     INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    item        TEXT NOT NULL CHECK (length(item) BETWEEN 1 AND 40),
    stage       TEXT NOT NULL CHECK (stage IN ('ask', 'followup')),
    text        TEXT NOT NULL CHECK (length(text) > 0),
    parts       INTEGER NOT NULL CHECK (parts >= 1),
    last_length INTEGER NOT NULL CHECK (last_length > 0),
    previous    TEXT CHECK (previous IS NULL OR json_valid(previous)),  -- the item's value before part 1
    received_at TEXT NOT NULL
);

-- A coordinator's reply, in text, to the office's comment on a returned point ("*": the whole report).
CREATE TABLE comment_replies (
    id          INTEGER PRIMARY KEY,
    revision_id INTEGER NOT NULL REFERENCES revisions (id),
    item        TEXT NOT NULL CHECK (length(item) BETWEEN 1 AND 40),
    text        TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    replied_by  INTEGER NOT NULL,
    replied_at  TEXT NOT NULL
);
CREATE INDEX comment_replies_revision ON comment_replies (revision_id, item);
