"""The questionnaire quotas of the notice: per institution, students at least 1% of those registered on the
certificate platform and at least 10, teachers at least 10, and every piloted certificate covered."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

MIN_STUDENTS = 10
MIN_TEACHERS = 10
STUDENT_SHARE = 0.01


@dataclass
class Quota:
    teachers: int
    students: int
    registered: int
    uncovered: list[str] = field(default_factory=list)

    @property
    def students_needed(self) -> int:
        return max(MIN_STUDENTS, math.ceil(STUDENT_SHARE * self.registered))

    @property
    def students_short(self) -> int:
        return max(0, self.students_needed - self.students)

    @property
    def teachers_short(self) -> int:
        return max(0, MIN_TEACHERS - self.teachers)

    @property
    def met(self) -> bool:
        return not self.students_short and not self.teachers_short and not self.uncovered


def check(pilots: list[tuple[int, str]], counts: dict[int, tuple[int, int, int]]) -> Quota:
    """pilots: (certificate id, name) the institution pilots;
    counts: {certificate: (teachers, students, registered)}."""
    quota = Quota(
        teachers=sum(c[0] for c in counts.values()),
        students=sum(c[1] for c in counts.values()),
        registered=sum(c[2] for c in counts.values()),
    )
    for cert_id, name in pilots:
        got = counts.get(cert_id)
        if got is None or got[0] == 0 or got[1] == 0:
            quota.uncovered.append(name)
    return quota
