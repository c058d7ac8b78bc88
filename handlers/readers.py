"""Those who read others' reports: a city bureau (its city's 中职) and a lead institution (its
certificates' training organizations)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot import buttons as bt
from bot import reading
from bot.deps import Deps, deps
from bot.reporting import Refused
from handlers import notify
from handlers.exports import schedule_city_export
from handlers.guards import button, with_role
from handlers.screen import acknowledge, refuse, show
from messages import when, zh
from storage import AlreadyApplied, reports, roster, versions
from storage.models import Person

Button = InlineKeyboardButton


async def city_rows(d: Deps, city: str) -> list[tuple[str, str, int | None]]:
    """(name, status, report id) of every 中职 of the city, in 附件3 order."""
    rows = await reading.city_rows(d.db.read, city, zh.STATUS_NAMES, zh.NOT_STARTED)
    return [(r.institution.name, r.status, r.report.id if r.report else None) for r in rows]


async def show_city(update: Update, d: Deps, who: Person) -> None:
    assert who.city is not None
    rows = await city_rows(d, who.city)
    completed = await versions.city_completed(d.db.read, who.city)
    completed = when.local_time(completed, d.settings.tz) if completed else None
    buttons = [
        [Button(name[:24], callback_data=bt.Review(rid, "sum").pack())] for name, _, rid in rows if rid is not None
    ][:40]
    buttons.append([Button(zh.BTN_CITY_COMPLETE, callback_data=bt.Reader("complete").pack())])
    buttons.append([Button(zh.BTN_CITY_EXPORT, callback_data=bt.Reader("export").pack())])
    await show(
        update, zh.city_overview(who.city, [(n, s) for n, s, _ in rows], completed), InlineKeyboardMarkup(buttons)
    )


async def complete_city_package(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Marks the city's 中职 package complete once every one of them has submitted; tells the office."""
    d = deps(context)
    who = await with_role(update, d, "city")
    if who is None or who.city is None:
        return
    rows = await reading.city_rows(d.db.read, who.city, zh.STATUS_NAMES, zh.NOT_STARTED)
    try:
        await reading.complete_city(
            d.db, who, rows, at=d.now_iso(), update_id=update.update_id, actor=f"tg:{who.user_id}"
        )
    except reading.NotReady as not_ready:
        await refuse(update, zh.city_not_ready(not_ready.waiting)[:190])
        return
    except AlreadyApplied:
        return
    await show(update, zh.city_completed(who.city))
    await notify.tell(context.bot, await notify.office_ids(d), zh.office_city_completed(who.city))


async def show_lead(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A lead institution's certificates and their organizations' report status."""
    d = deps(context)
    who = await with_role(update, d, "coordinator")
    if who is None or who.institution_id is None:
        return
    rows, buttons = [], []
    for cert in await roster.certificates(d.db.read):
        if cert.lead_id != who.institution_id or cert.org_id is None:
            continue
        org = await roster.institution(d.db.read, cert.org_id)
        report = await reports.find(d.db.read, cert.org_id, cert.id)
        status = zh.STATUS_NAMES[report.status] if report else zh.NOT_STARTED
        rows.append((cert.name, org.name if org else "", status))
        if report is not None:
            buttons.append([Button(cert.name[:24], callback_data=bt.Review(report.id, "sum").pack())])
    await show(update, zh.lead_overview(rows), InlineKeyboardMarkup(buttons) if buttons else None)


async def export_city(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The city's 中职 package: workbook and evidence bundle, built off the handler."""
    d = deps(context)
    who = await with_role(update, d, "city")
    if who is None or who.city is None:
        return
    await acknowledge(update)
    schedule_city_export(context, update, d, who.city)


async def leads_any(d: Deps, institution_id: int) -> bool:
    return await reading.leads_any(d.db.read, institution_id)


async def press_reader_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """c:complete (city) and c:lead (lead institution)."""
    pressed = await button(update, bt.Reader)
    if pressed is None:
        return
    try:
        if pressed.action == "complete":
            await complete_city_package(update, context)
        elif pressed.action == "lead":
            await show_lead(update, context)
        else:
            await export_city(update, context)
    except Refused:
        await refuse(update, zh.STALE_BUTTON)


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CallbackQueryHandler(press_reader_button, pattern=r"^c:"),
]
