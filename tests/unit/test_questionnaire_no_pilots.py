"""The questionnaire's 填报人数 button of a school that pilots no certificate (a stale button after a roster
change, or data posted by hand) is refused like any stale button: no cursor moves, nothing is stored."""

from __future__ import annotations

from pathlib import Path

from bot.core import buttons as bt
from bot.core import dispatch
from bot.core.events import Press, Sender, Text
from bot.core.views import Recorder, Refusal
from messages import zh
from storage import cursors, reports, roster
from tests.support.core import core_deps
from tests.unit.test_core_office import bind

SCHOOL = "安徽工商职业学院"


async def test_the_fill_button_of_a_school_without_pilots_is_refused(tmp_path: Path) -> None:
    async with core_deps(tmp_path, office=1) as d:
        await bind(d, 600, "coordinator", SCHOOL)
        inst = await roster.find_institution(d.db.read, SCHOOL)
        assert inst is not None
        async with d.db.transaction() as conn:
            report = await reports.ensure(
                conn, institution_id=inst.id, certificate_id=None, outline="institution", at=d.now_iso()
            )
        before = await cursors.get(d.db.read, 600)
        data = bt.Menu("questfill", report.id).pack()
        out = Recorder()
        await dispatch.press(d, Press(Sender(600, 600, 1), data, bt.parse(data)), out)
        assert out.views == [Refusal(zh.STALE_BUTTON)]
        assert await cursors.get(d.db.read, 600) == before
        # A number typed next is not taken as a questionnaire row either.
        out = Recorder()
        await dispatch.TYPED(d, Text(Sender(600, 600, 2), "10 20 30"), out)
        assert not any(isinstance(v, Refusal) and v.text == zh.STALE_BUTTON for v in out.views)
