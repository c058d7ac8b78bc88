"""The coordinator's walk through the outline: menu, typed answers, walk buttons."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot import buttons as bt
from bot.core import campaign as core_campaign
from bot.core import evidence as core_evidence
from bot.core import render
from bot.core.views import Keyboard
from bot.deps import Deps, deps
from bot.reminders import due_dates
from bot.reporting import Ctx, Refused, Walk, load_ctx, may_write, reports_for
from bot.roster import without_city
from bot.stages import QuestStage
from handlers.adapter import TelegramOut, press_event, text_event
from handlers.adapter import markup as tg_markup
from handlers.exports import download_own_report
from handlers.guards import bound, button
from handlers.office import office_menu
from handlers.office_review import take_office_text
from handlers.oversight import show_expert_menu, take_expert_text
from handlers.readers import leads_any, show_city
from handlers.screen import refuse, show
from messages import firstday as msg
from messages import zh
from storage import AlreadyApplied, cursors, reports, roster
from storage.models import Person, Report


def _walk(d: Deps, who: Person, update: Update) -> Walk:
    return Walk(
        d.db, d.outlines, who, at=d.now_iso(), update_id=update.update_id, long_limit=d.settings.max_text_length
    )


async def _show_view(update: Update, d: Deps, walk: Walk, call: object) -> None:
    try:
        view = await call  # type: ignore[misc]
    except AlreadyApplied:
        return
    except Refused as refused:
        await refuse(update, zh.REFUSALS[refused.code])
        return
    text, keyboard = render.render(view, long_limit=d.settings.max_text_length)
    await show(update, text, tg_markup(keyboard))


async def _labelled(d: Deps, report: Report) -> str:
    cert = await roster.certificate(d.db.read, report.certificate_id) if report.certificate_id else None
    return cert.name if cert else ""


async def _menu_for(update: Update, d: Deps, who: Person, report_id: int | None) -> None:
    mine = await reports_for(d.db, who, d.outlines, at=d.now_iso())
    if not mine:
        await refuse(update, zh.REFUSALS["no_certificates"] if who.role == "org" else zh.NOT_A_COORDINATOR_MENU)
        return
    if report_id is None:
        cursor = await cursors.get(d.db.read, who.user_id)
        report_id = cursor.report_id if cursor else None
    chosen = next((r for r in mine if r.id == report_id), None)
    if chosen is None:
        if len(mine) > 1:
            text, keyboard = render.render_pick([(r.id, await _labelled(d, r)) for r in mine])
            await show(update, text, tg_markup(keyboard))
            return
        chosen = mine[0]
    ctx = await load_ctx(d.db.read, chosen, d.outlines)
    async with d.db.transaction() as conn:
        await cursors.mark_menu(conn, who.user_id, chosen.id, at=d.now_iso())
    due = (await due_dates(d))["report"]
    text, keyboard = render.render_menu(
        ctx, several=len(mine) > 1, campaign=d.settings.campaign_name, due=zh.month_day(due.month, due.day)
    )
    markup = tg_markup(keyboard)
    assert markup is not None
    if chosen.outline == "training_org":  # one report per certificate: what needs evidence, what can be reused
        hint, extra = await core_evidence.core_evidence_hint(d, ctx)
        text = f"{text}\n{hint}" if hint else text
        if extra:
            extra_markup = tg_markup(Keyboard.of([extra]))
            assert extra_markup is not None
            markup = InlineKeyboardMarkup([*markup.inline_keyboard, *extra_markup.inline_keyboard])
    if who.role == "coordinator" and who.institution_id is not None and await leads_any(d, who.institution_id):
        markup = InlineKeyboardMarkup(
            [*markup.inline_keyboard, [InlineKeyboardButton(zh.BTN_LEAD, callback_data=bt.Reader("lead").pack())]]
        )
    await show(update, text, markup)


async def open_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows the main menu of the user's report (or the certificate choice for an organization)."""
    d = deps(context)
    who = await bound(update, d)
    if who is None:
        return
    if who.role == "city":
        await show_city(update, d, who)
        return
    if who.role == "expert":
        await show_expert_menu(update, d, who)
        return
    if who.role == "office":
        # Institutions with no city are invisible to every city bureau: the dashboard says so until fixed.
        missing = [i.name for i in await without_city(d.db)]
        await show(update, zh.OFFICE_MENU + (msg.dashboard_no_city(missing) if missing else ""), office_menu())
        return
    if who.role not in ("coordinator", "org"):
        await show(update, zh.NOT_A_COORDINATOR_MENU)
        return
    await _menu_for(update, d, who, None)


async def answer_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stores a typed answer to the item the cursor is on, then shows the next thing to answer."""
    d = deps(context)
    who = await bound(update, d)
    if who is None:
        return
    if who.role == "office":
        await take_office_text(update, context, who)
        return
    if who.role == "expert":
        await take_expert_text(update, context, who)
        return
    if who.role not in ("coordinator", "org"):
        await refuse(update, zh.UNKNOWN_COMMAND)
        return
    assert update.effective_message is not None and update.effective_message.text is not None
    cursor = await cursors.get(d.db.read, who.user_id)
    if cursor is None or cursor.report_id is None:
        await _menu_for(update, d, who, None)
        return
    if cursor.stage == QuestStage.ROW:
        await core_campaign.take_questionnaire_text(d, who, text_event(update), TelegramOut(update, context.bot, d=d))
        return
    walk = _walk(d, who, update)
    await _show_view(update, d, walk, walk.text(update.effective_message.text, cursor))


async def press_walk_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Applies a walk button (yes/no, choice, back, skip, confirm...) and shows the next screen."""
    d = deps(context)
    query = update.callback_query
    assert query is not None
    who = await bound(update, d)
    if who is None:
        return
    pressed = await button(update, bt.Walk)
    if pressed is None:
        return
    walk = _walk(d, who, update)
    rid, item, action = pressed.report, pressed.item, pressed.action
    call = walk.go(rid, item) if action == "go" else walk.press(rid, item, action, pressed.arg)
    await _show_view(update, d, walk, call)


async def _report_for_menu(update: Update, d: Deps, who: Person, rid: int) -> Ctx | None:
    report = await reports.get(d.db.read, rid)
    if report is None or not may_write(who, report):
        await refuse(update, zh.NOT_ALLOWED)
        return None
    return await load_ctx(d.db.read, report, d.outlines)


async def press_menu_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Menu buttons: continue, sections, one section, progress, help, choose certificate."""
    d = deps(context)
    query = update.callback_query
    assert query is not None
    who = await bound(update, d)
    if who is None:
        return
    pressed = await button(update, bt.Menu)
    if pressed is None:
        return
    action, rid, section = pressed.action, pressed.report, pressed.section
    if action == "home" and who.role not in ("coordinator", "org"):
        await open_menu(update, context)  # the welcome's button, for every role
        return
    if who.role not in ("coordinator", "org"):
        await refuse(update, zh.NOT_ALLOWED)
        return
    if action == "pick":
        await _menu_for(update, d, who, -1)
        return
    if action == "home":
        if rid and await _report_for_menu(update, d, who, rid) is None:
            return
        await _menu_for(update, d, who, rid or None)
        return
    if action == "cont":
        walk = _walk(d, who, update)
        await _show_view(update, d, walk, walk.resume(rid or None))
        return
    ctx = await _report_for_menu(update, d, who, rid)
    if ctx is None:
        return
    if action == "secs":
        text, keyboard = render.render_sections(ctx)
        await show(update, text, tg_markup(keyboard))
    elif action == "sec" and section is not None and 1 <= section <= len(ctx.laid.sections):
        text, keyboard = render.render_section(ctx, section)
        await show(update, text, tg_markup(keyboard))
    elif action == "prog":
        text, keyboard = render.render_progress(ctx)
        await show(update, text, tg_markup(keyboard))
    elif action == "evid":
        await core_evidence.show_evidence_overview(d, ctx.report.id, TelegramOut(update, context.bot, d=d))
    elif action == "reuse":
        await core_evidence.show_reuse(d, ctx.report.id, TelegramOut(update, context.bot, d=d))
    elif action == "dl":
        await download_own_report(update, context, ctx.report.id)
    elif action == "quest" and who.role == "coordinator":
        await core_campaign.show_questionnaire(d, who, ctx.report.id, TelegramOut(update, context.bot, d=d))
    elif action == "questqr" and who.role == "coordinator":
        await core_campaign.send_questionnaire_qr(d, press_event(update), TelegramOut(update, context.bot, d=d))
    elif action == "questfill" and who.role == "coordinator":
        await core_campaign.ask_questionnaire_row(d, who, ctx.report.id, 0, TelegramOut(update, context.bot, d=d))
    elif action == "help":
        back = InlineKeyboardMarkup(
            [[InlineKeyboardButton(zh.BTN_MENU, callback_data=bt.Menu("home", ctx.report.id).pack())]]
        )
        await show(update, zh.HELP_COMMON + zh.HELP_COORDINATOR, back)
    else:
        await refuse(update, zh.STALE_BUTTON)


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("menu", open_menu, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(press_walk_button, pattern=r"^w:"),
    CallbackQueryHandler(press_menu_button, pattern=r"^m:"),
]

# Typed answers catch any remaining text, so they are registered after every command handler.
TEXT_HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, answer_text),
]
