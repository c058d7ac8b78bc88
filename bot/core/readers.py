"""Those who read others' reports: a city bureau (its city's 中职) and a lead institution (its
certificates' training organizations)."""

from __future__ import annotations

from bot.core import buttons as bt
from bot.core import notify
from bot.core.events import Press
from bot.core.exports import schedule_city_export
from bot.core.guards import pressed, with_role
from bot.core.views import Button, Keyboard, Out
from bot.deps import Deps
from bot.domain.reports import reading
from bot.domain.walk.reporting import Refused
from messages import when, zh
from storage import AlreadyApplied, versions
from storage.models import Person


async def city_rows(d: Deps, city: str) -> list[tuple[str, str, int | None]]:
    """(name, status, report id) of every 中职 of the city, in 附件3 order."""
    rows = await reading.city_rows(d.db.read, city, zh.STATUS_NAMES, zh.NOT_STARTED)
    return [(r.institution.name, r.status, r.report.id if r.report else None) for r in rows]


async def show_city(d: Deps, who: Person, out: Out) -> None:
    """The city bureau's menu: its 中职 with their status, each readable, and the package's two actions."""
    assert who.city is not None
    rows = await city_rows(d, who.city)
    completed = await versions.city_completed(d.db.read, who.city)
    completed = when.local_time(completed, d.settings.tz) if completed else None
    buttons = [[Button(name[:24], bt.Review(rid, "sum"))] for name, _, rid in rows if rid is not None][:40]
    buttons.append([Button(zh.BTN_CITY_COMPLETE, bt.Reader("complete"))])
    buttons.append([Button(zh.BTN_CITY_EXPORT, bt.Reader("export"))])
    await out.show(zh.city_overview(who.city, [(n, s) for n, s, _ in rows], completed), Keyboard.of(buttons))


async def complete_city_package(d: Deps, event: Press, out: Out) -> None:
    """Marks the city's 中职 package complete once every one of them has submitted; tells the office."""
    who = await with_role(d, event, out, "city")
    if who is None or who.city is None:
        return
    rows = await reading.city_rows(d.db.read, who.city, zh.STATUS_NAMES, zh.NOT_STARTED)
    try:
        await reading.complete_city(
            d.db, who, rows, at=d.now_iso(), update_id=event.sender.update_id, actor=f"tg:{who.user_id}"
        )
    except reading.NotReady as not_ready:
        await out.refuse(zh.city_not_ready(not_ready.waiting)[:190])
        return
    except AlreadyApplied:
        return
    await out.show(zh.city_completed(who.city))
    await out.notify(await notify.office_ids(d), zh.office_city_completed(who.city))


async def show_lead(d: Deps, event: Press, out: Out) -> None:
    """A lead institution's certificates and their organizations' report status."""
    who = await with_role(d, event, out, "coordinator")
    if who is None or who.institution_id is None:
        return
    rows, buttons = [], []
    for row in await reading.lead_rows(d.db.read, who.institution_id):
        status = zh.STATUS_NAMES[row.report.status] if row.report else zh.NOT_STARTED
        rows.append((row.certificate.name, row.organization.name if row.organization else "", status))
        if row.report is not None:
            buttons.append([Button(row.certificate.name[:24], bt.Review(row.report.id, "sum"))])
    await out.show(zh.lead_overview(rows), Keyboard.of(buttons) if buttons else None)


async def export_city(d: Deps, event: Press, out: Out) -> None:
    """The city's 中职 package: workbook and evidence bundle, built off the flow."""
    who = await with_role(d, event, out, "city")
    if who is None or who.city is None:
        return
    await out.ack()
    schedule_city_export(d, event.sender.chat_id, out, who.city)


async def leads_any(d: Deps, institution_id: int) -> bool:
    return await reading.leads_any(d.db.read, institution_id)


async def press_reader_button(d: Deps, event: Press, out: Out) -> None:
    """c:complete (city), c:lead (lead institution) and c:export (city)."""
    reader = await pressed(event, out, bt.Reader)
    if reader is None:
        return
    try:
        if reader.action == "complete":
            await complete_city_package(d, event, out)
        elif reader.action == "lead":
            await show_lead(d, event, out)
        else:
            await export_city(d, event, out)
    except Refused:
        await out.refuse(zh.STALE_BUTTON)
