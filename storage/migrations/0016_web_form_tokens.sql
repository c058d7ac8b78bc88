-- One-time tokens for web forms whose POST must act exactly once (the office's spot-check draw). Issued with
-- the form, consumed in the same transaction as the action (as a Telegram update id is), so a repeated POST of
-- the same form does nothing new. Only the token's SHA-256 is stored; `result` is what the action made.
CREATE TABLE web_form_tokens (
    token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
    user_id    INTEGER NOT NULL,
    purpose    TEXT NOT NULL CHECK (purpose IN ('sample')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL CHECK (expires_at > created_at),
    used_at    TEXT,
    result     INTEGER,
    CHECK ((used_at IS NULL) = (result IS NULL))
);
CREATE INDEX web_form_tokens_expiry ON web_form_tokens (expires_at);
