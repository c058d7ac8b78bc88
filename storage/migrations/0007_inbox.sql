-- Updates as fetched, written before the next getUpdates confirms them to Telegram, deleted once handled:
-- after a crash, whatever was confirmed but not handled is replayed from here.
CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    payload   TEXT NOT NULL
);
