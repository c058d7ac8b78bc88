-- Spot-check draws: reproducible from the recorded seed, with who drew them and the strata.
CREATE TABLE samples (
    id        INTEGER PRIMARY KEY,
    seed      TEXT NOT NULL,
    fraction  REAL NOT NULL,
    drawn_by  TEXT NOT NULL,
    drawn_at  TEXT NOT NULL,
    strata    TEXT NOT NULL               -- JSON {stratum: {"population": n, "drawn": k}}
);

CREATE TABLE sample_members (
    sample_id      INTEGER NOT NULL REFERENCES samples (id) ON DELETE CASCADE,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    stratum        TEXT NOT NULL,
    PRIMARY KEY (sample_id, institution_id)
);

-- Experts' grades: one current grade per expert and institution, every change in the audit log.
CREATE TABLE grades (
    user_id        INTEGER NOT NULL,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    grade          TEXT NOT NULL CHECK (grade IN ('优秀', '合格', '整改', '取消试点资格')),
    comment        TEXT NOT NULL DEFAULT '',
    graded_at      TEXT NOT NULL,
    PRIMARY KEY (user_id, institution_id)
);

-- An expert's invitation can carry the institutions assigned to them (JSON list of ids).
ALTER TABLE invitations ADD COLUMN scope TEXT NOT NULL DEFAULT '[]';
