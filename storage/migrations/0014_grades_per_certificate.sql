-- Training evaluation organizations are graded per certificate (附件2: 监测要点“以证书为单位”; each
-- certificate is a report of its own): a grade belongs to (expert, institution, certificate), where
-- certificate 0 is an institution graded as a whole. Existing grades are institutions' (certificate 0).
CREATE TABLE grades_by_unit (
    user_id        INTEGER NOT NULL,
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    certificate_id INTEGER NOT NULL DEFAULT 0 CHECK (certificate_id >= 0),
    grade          TEXT NOT NULL CHECK (grade IN ('优秀', '合格', '整改', '取消试点资格')),
    comment        TEXT NOT NULL DEFAULT '',
    graded_at      TEXT NOT NULL,
    PRIMARY KEY (user_id, institution_id, certificate_id)
);
INSERT INTO grades_by_unit (user_id, institution_id, certificate_id, grade, comment, graded_at)
    SELECT user_id, institution_id, 0, grade, comment, graded_at FROM grades;
DROP TABLE grades;
ALTER TABLE grades_by_unit RENAME TO grades;
