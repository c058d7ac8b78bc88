"""The walk through the outline and the role dispatch: /menu for every role, typed text routed by role and
stage, walk buttons and the coordinator's menu buttons. Dispatch tables, not if-chains: a role, a stage or
a menu button is one entry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from bot.core import buttons as bt
from bot.core import campaign, exports, office, office_review, oversight, readers, render
from bot.core import evidence as core_evidence
from bot.core.events import Event, Press, Text
from bot.core.guards import bound, pressed
from bot.core.stages import QuestStage
from bot.core.views import Button, Keyboard, Out
from bot.deps import Deps
from bot.domain.campaign.reminders import due_dates
from bot.domain.walk.reporting import Ctx, Refused, View, Walk, load_ctx, may_write, reports_for
from messages import zh
from storage import AlreadyApplied, cursors, reports, roster
from storage.models import Cursor, Person, Report

COORDINATORS = ("coordinator", "org")  # the roles that fill in a report


def _walk(d: Deps, who: Person, event: Event) -> Walk:
    return Walk(
        d.db,
        d.outlines,
        who,
        at=d.now_iso(),
        update_id=event.sender.update_id,
        long_limit=d.settings.max_text_length,
    )


async def _show_view(d: Deps, call: Coroutine[Any, Any, View], out: Out) -> None:
    try:
        view = await call
    except AlreadyApplied:
        return
    except Refused as refused:
        await out.refuse(zh.REFUSALS[refused.code])
        return
    await out.show(*render.render(view, long_limit=d.settings.max_text_length))


async def _labelled(d: Deps, report: Report) -> str:
    cert = await roster.certificate(d.db.read, report.certificate_id) if report.certificate_id else None
    return cert.name if cert else ""


async def _menu_for(d: Deps, who: Person, report_id: int | None, out: Out) -> None:
    mine = await reports_for(d.db, who, d.outlines, at=d.now_iso())
    if not mine:
        await out.refuse(zh.REFUSALS["no_certificates"] if who.role == "org" else zh.NOT_A_COORDINATOR_MENU)
        return
    if report_id is None:
        cursor = await cursors.get(d.db.read, who.user_id)
        report_id = cursor.report_id if cursor else None
    chosen = next((r for r in mine if r.id == report_id), None)
    if chosen is None:
        if len(mine) > 1:
            await out.show(*render.render_pick([(r.id, await _labelled(d, r)) for r in mine]))
            return
        chosen = mine[0]
    ctx = await load_ctx(d.db.read, chosen, d.outlines)
    async with d.db.transaction() as conn:
        await cursors.mark_menu(conn, who.user_id, chosen.id, at=d.now_iso())
    due = (await due_dates(d))["report"]
    text, keyboard = render.render_menu(
        ctx, several=len(mine) > 1, campaign=d.settings.campaign_name, due=zh.month_day(due.month, due.day)
    )
    if chosen.outline == "training_org":  # one report per certificate: what needs evidence, what can be reused
        hint, extra = await core_evidence.core_evidence_hint(d, ctx)
        text = f"{text}\n{hint}" if hint else text
        keyboard += [extra]
    if who.role == "coordinator" and who.institution_id is not None and await readers.leads_any(d, who.institution_id):
        keyboard += [[Button(zh.BTN_LEAD, bt.Reader("lead"))]]
    await out.show(text, keyboard)


# --- /menu: one entry per role ---------------------------------------------------------------------------
MenuFlow = Callable[[Deps, Person, Out], Awaitable[None]]


async def _coordinator_menu(d: Deps, who: Person, out: Out) -> None:
    await _menu_for(d, who, None, out)


async def _office_menu(d: Deps, who: Person, out: Out) -> None:
    await office.show_office_menu(d, out)


MENUS: dict[str, MenuFlow] = {
    "coordinator": _coordinator_menu,
    "org": _coordinator_menu,
    "city": readers.show_city,
    "expert": oversight.show_expert_menu,
    "office": _office_menu,
}


async def _menu_of(d: Deps, who: Person, out: Out) -> None:
    menu = MENUS.get(who.role)
    if menu is None:
        await out.show(zh.NOT_A_COORDINATOR_MENU)
        return
    await menu(d, who, out)


async def open_menu(d: Deps, event: Event, out: Out) -> None:
    """Shows the main menu of the user's role: a coordinator's report (or the certificate choice for an
    organization), the city's schools, the expert's assignments, the office dashboard."""
    who = await bound(d, event, out)
    if who is None:
        return
    await _menu_of(d, who, out)


# --- typed text: by role, then (for coordinators) by the stage the cursor is at ---------------------------
TextFlow = Callable[[Deps, Person, Text, Out], Awaitable[None]]
StageFlow = Callable[[Deps, Person, Text, Cursor, Out], Awaitable[None]]


async def _walk_answer(d: Deps, who: Person, event: Text, cursor: Cursor, out: Out) -> None:
    walk = _walk(d, who, event)
    await _show_view(d, walk.text(event.text, cursor), out)


async def _questionnaire_row(d: Deps, who: Person, event: Text, cursor: Cursor, out: Out) -> None:
    await campaign.take_questionnaire_text(d, who, event, out)


# Stages whose typed text is not an answer to the walk's item; every other stage is the walk's.
TYPED_BY_STAGE: dict[str, StageFlow] = {QuestStage.ROW: _questionnaire_row}


async def _coordinator_text(d: Deps, who: Person, event: Text, out: Out) -> None:
    cursor = await cursors.get(d.db.read, who.user_id)
    if cursor is None or cursor.report_id is None:
        await _menu_for(d, who, None, out)
        return
    flow = TYPED_BY_STAGE.get(cursor.stage, _walk_answer)
    await flow(d, who, event, cursor, out)


async def _office_text(d: Deps, who: Person, event: Text, out: Out) -> None:
    await office_review.take_office_text(d, event, who, out)


async def _expert_text(d: Deps, who: Person, event: Text, out: Out) -> None:
    await oversight.take_expert_text(d, event, who, out)


TYPED_BY_ROLE: dict[str, TextFlow] = {
    "coordinator": _coordinator_text,
    "org": _coordinator_text,
    "office": _office_text,
    "expert": _expert_text,
}


async def answer_text(d: Deps, event: Text, out: Out) -> None:
    """Typed text: a coordinator's answer to the item the cursor is on (then the next thing to answer), or
    what the office or an expert is typing."""
    who = await bound(d, event, out)
    if who is None:
        return
    flow = TYPED_BY_ROLE.get(who.role)
    if flow is None:
        await out.refuse(zh.UNKNOWN_COMMAND)
        return
    await flow(d, who, event, out)


# --- buttons ---------------------------------------------------------------------------------------------
async def press_walk_button(d: Deps, event: Press, out: Out) -> None:
    """Applies a walk button (yes/no, choice, back, skip, confirm...) and shows the next screen."""
    who = await bound(d, event, out)
    if who is None:
        return
    press = await pressed(event, out, bt.Walk)
    if press is None:
        return
    walk = _walk(d, who, event)
    rid, item, action = press.report, press.item, press.action
    call = walk.go(rid, item) if action == "go" else walk.press(rid, item, action, press.arg)
    await _show_view(d, call, out)


async def _report_for_menu(d: Deps, who: Person, rid: int, out: Out) -> Ctx | None:
    report = await reports.get(d.db.read, rid)
    if report is None or not may_write(who, report):
        await out.refuse(zh.NOT_ALLOWED)
        return None
    return await load_ctx(d.db.read, report, d.outlines)


# A menu button on one of the coordinator's own reports (checked before the entry runs).
MenuButton = Callable[[Deps, Person, Press, bt.Menu, Ctx, Out], Awaitable[None]]


async def _sections(d: Deps, who: Person, event: Press, press: bt.Menu, ctx: Ctx, out: Out) -> None:
    await out.show(*render.render_sections(ctx))


async def _section(d: Deps, who: Person, event: Press, press: bt.Menu, ctx: Ctx, out: Out) -> None:
    if press.section is None or not 1 <= press.section <= len(ctx.laid.sections):
        await out.refuse(zh.STALE_BUTTON)
        return
    await out.show(*render.render_section(ctx, press.section))


async def _progress(d: Deps, who: Person, event: Press, press: bt.Menu, ctx: Ctx, out: Out) -> None:
    await out.show(*render.render_progress(ctx))


async def _evidence(d: Deps, who: Person, event: Press, press: bt.Menu, ctx: Ctx, out: Out) -> None:
    await core_evidence.show_evidence_overview(d, ctx.report.id, out)


async def _reuse(d: Deps, who: Person, event: Press, press: bt.Menu, ctx: Ctx, out: Out) -> None:
    await core_evidence.show_reuse(d, ctx.report.id, out)


async def _download(d: Deps, who: Person, event: Press, press: bt.Menu, ctx: Ctx, out: Out) -> None:
    await exports.download_own_report(d, event, out, ctx.report.id)


async def _questionnaire(d: Deps, who: Person, event: Press, press: bt.Menu, ctx: Ctx, out: Out) -> None:
    await campaign.show_questionnaire(d, who, ctx.report.id, out)


async def _questionnaire_qr(d: Deps, who: Person, event: Press, press: bt.Menu, ctx: Ctx, out: Out) -> None:
    await campaign.send_questionnaire_qr(d, event, out)


async def _questionnaire_fill(d: Deps, who: Person, event: Press, press: bt.Menu, ctx: Ctx, out: Out) -> None:
    await campaign.ask_questionnaire_row(d, who, ctx.report.id, 0, out)


async def _help(d: Deps, who: Person, event: Press, press: bt.Menu, ctx: Ctx, out: Out) -> None:
    back = Keyboard.of([[Button(zh.BTN_MENU, bt.Menu("home", ctx.report.id))]])
    await out.show(zh.HELP_COMMON + zh.HELP_COORDINATOR, back)


# Each entry: the flow, and the roles it is for (the questionnaire is the schools' alone).
MENU_BUTTONS: dict[str, tuple[MenuButton, tuple[str, ...]]] = {
    "secs": (_sections, COORDINATORS),
    "sec": (_section, COORDINATORS),
    "prog": (_progress, COORDINATORS),
    "evid": (_evidence, COORDINATORS),
    "reuse": (_reuse, COORDINATORS),
    "dl": (_download, COORDINATORS),
    "quest": (_questionnaire, ("coordinator",)),
    "questqr": (_questionnaire_qr, ("coordinator",)),
    "questfill": (_questionnaire_fill, ("coordinator",)),
    "help": (_help, COORDINATORS),
}


async def press_menu_button(d: Deps, event: Press, out: Out) -> None:
    """Menu buttons: home, choose certificate, continue, sections, one section, progress, evidence, reuse,
    download, questionnaire, help."""
    who = await bound(d, event, out)
    if who is None:
        return
    press = await pressed(event, out, bt.Menu)
    if press is None:
        return
    action, rid = press.action, press.report
    if action == "home" and who.role not in COORDINATORS:
        await _menu_of(d, who, out)  # the welcome's button, for every role
        return
    if who.role not in COORDINATORS:
        await out.refuse(zh.NOT_ALLOWED)
        return
    if action == "pick":
        await _menu_for(d, who, -1, out)
        return
    if action == "home":
        if rid and await _report_for_menu(d, who, rid, out) is None:
            return
        await _menu_for(d, who, rid or None, out)
        return
    if action == "cont":
        walk = _walk(d, who, event)
        await _show_view(d, walk.resume(rid or None), out)
        return
    ctx = await _report_for_menu(d, who, rid, out)
    if ctx is None:
        return
    entry = MENU_BUTTONS.get(action)
    if entry is None or who.role not in entry[1]:
        await out.refuse(zh.STALE_BUTTON)
        return
    await entry[0](d, who, event, press, ctx, out)
