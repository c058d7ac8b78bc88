"""The office's return comments whose update was applied between the flow's reads and its write (the web
page's form posted twice at once): nothing changes, and it is no error."""

from __future__ import annotations

from bot.core import buttons as bt
from bot.core import office_review
from bot.core.events import Sender, Text
from bot.core.stages import ReturnStage
from bot.core.views import Recorder
from bot.deps import Deps
from bot.domain.people import access
from storage import cursors
from tests.unit.test_core_office import (
    COORDINATOR,
    OFFICE,
    SCHOOL,
    bind,
    d,
    pilots,
    press,
    run,
    submitted_report,
)

__all__ = ["d"]  # the fixture, used by name


async def test_comments_of_an_update_applied_meanwhile_change_nothing(d: Deps) -> None:
    await bind(d, COORDINATOR, "coordinator", SCHOOL)
    await pilots(d, [SCHOOL])
    rid = await submitted_report(d, SCHOOL, COORDINATOR)
    await run(office_review.press_office_button, d, press(OFFICE, bt.Card(rid, "retpts")))
    who = await access.person(d.db, OFFICE, admin_ids=d.settings.admin_ids)
    assert who is not None
    comments = Text(Sender(OFFICE, OFFICE, 4242), "监测点 1 请补充佐证材料")
    before = await cursors.get(d.db.read, OFFICE)
    assert before is not None and before.stage == ReturnStage.POINTS
    # The same update applied meanwhile (another post of the form, between this one's reads and its write).
    async with d.db.transaction(update_id=4242, at=d.now_iso()):
        pass
    out = Recorder()
    await office_review.take_office_text(d, comments, who, out)
    assert out.views == [] and await cursors.get(d.db.read, OFFICE) == before
