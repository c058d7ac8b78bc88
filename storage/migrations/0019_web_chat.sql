-- The web's conversation page (bot/web/chat.py) runs the same core as Telegram, which applies each update once
-- by its id. Every form the page renders carries a one-time token bound to an update id of its own: the
-- negative of this row's id, so it never meets a Telegram update id (always positive) and is never reused
-- (AUTOINCREMENT). Submitting the same form again replays the same update id, which the core's transaction
-- refuses (processed_updates), so nothing happens twice. Only the token's SHA-256 is stored.
CREATE TABLE web_chat_forms (
    id         INTEGER PRIMARY KEY AUTOINCREMENT CHECK (id > 0),
    update_id  INTEGER NOT NULL UNIQUE CHECK (update_id < 0),
    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    user_id    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL CHECK (expires_at > created_at),
    CHECK (update_id = -id)
);
CREATE INDEX web_chat_forms_expiry ON web_chat_forms (expires_at);
