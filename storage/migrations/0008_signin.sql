-- Sign-in guessing is limited per Telegram user: each refused invitation code is remembered for a while.
CREATE TABLE signin_failures (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL CHECK (user_id > 0),
    reason  TEXT NOT NULL CHECK (reason IN ('unknown', 'used', 'expired')),
    at      TEXT NOT NULL CHECK (length(at) >= 19)
);
CREATE INDEX signin_failures_by_user ON signin_failures (user_id, at);

-- A second invitation for someone already bound waits here for their confirmation before re-binding them.
CREATE TABLE rebind_requests (
    user_id       INTEGER PRIMARY KEY CHECK (user_id > 0),
    invitation_id INTEGER NOT NULL REFERENCES invitations (id),
    code_hash     TEXT NOT NULL CHECK (length(code_hash) = 64),
    asked_at      TEXT NOT NULL CHECK (length(asked_at) >= 19)
);
