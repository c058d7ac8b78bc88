"""/start (with or without an invitation), /help, /cancel."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import access, signin
from bot import buttons as bt
from bot.deps import deps
from bot.invitations import InvitationRefused, Rebind, TooManyAttempts, confirm_rebind, keep_binding, sign_in
from handlers.guards import button
from handlers.screen import refuse, show
from messages import signin as texts
from messages import web as web_text
from messages import zh
from storage import AlreadyApplied, cursors, roster

_REFUSALS = {"unknown": zh.INVITE_UNKNOWN, "used": zh.INVITE_USED, "expired": zh.INVITE_EXPIRED}


async def _unit_name(context: ContextTypes.DEFAULT_TYPE, institution_id: int | None, city: str | None) -> str | None:
    if institution_id is not None:
        inst = await roster.institution(deps(context).db.read, institution_id)
        return inst.name if inst else None
    return city


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Redeems an invitation code if one came with /start, then greets the user by their unit."""
    assert update.effective_user and update.effective_message and update.effective_chat
    d = deps(context)
    user = update.effective_user
    if context.args and await signin.is_telegram_link(d.db, context.args[0][:64]):
        await _bind_telegram(update, context, context.args[0][:64])
        return
    who = await access.person(d.db, user.id, admin_ids=d.settings.admin_ids)
    if context.args:
        try:
            bound = await sign_in(
                d.db,
                code=context.args[0][:64],
                current=who,
                user_id=user.id,
                name=user.full_name,
                chat_id=update.effective_chat.id,
                now=d.clock.now(),
                update_id=update.update_id,
            )
        except TooManyAttempts:
            await refuse(update, texts.TOO_MANY_ATTEMPTS)
            return
        except InvitationRefused as refused:
            await refuse(update, _REFUSALS[refused.reason])
            return
        except AlreadyApplied:
            return
        if isinstance(bound, Rebind):
            assert who is not None
            question = texts.rebind_question(
                who.role,
                await _unit_name(context, who.institution_id, who.city),
                bound.role,
                await _unit_name(context, bound.institution_id, bound.city),
            )
            buttons = [
                InlineKeyboardButton(texts.BTN_REBIND_YES, callback_data=bt.Rebind("yes", bound.invitation_id).pack()),
                InlineKeyboardButton(texts.BTN_REBIND_NO, callback_data=bt.Rebind("no", bound.invitation_id).pack()),
            ]
            await show(update, question, InlineKeyboardMarkup([buttons]))
            return
        await _welcome(update, context, *bound)
        return
    if who is None:
        await show(update, zh.NOT_BOUND)
        return
    await show(update, zh.greeting(who.role, await _unit_name(context, who.institution_id, who.city)))


async def _welcome(
    update: Update, context: ContextTypes.DEFAULT_TYPE, role: str, inst_id: int | None, city: str | None
) -> None:
    menu = InlineKeyboardMarkup([[InlineKeyboardButton(zh.BTN_OPEN_MENU, callback_data=bt.Menu("home").pack())]])
    await show(update, zh.welcome(role, await _unit_name(context, inst_id, city)), menu)


async def press_rebind_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """确认更换 binds per the invitation the user was asked about; 保留当前身份 leaves everything as it was."""
    assert update.effective_user is not None and update.callback_query is not None
    d = deps(context)
    user = update.effective_user
    pressed = await button(update, bt.Rebind)
    if pressed is None:
        return
    invitation_id = pressed.invitation
    try:
        if pressed.answer == "no":
            if not await keep_binding(
                d.db, invitation_id=invitation_id, user_id=user.id, update_id=update.update_id, at=d.now_iso()
            ):
                await refuse(update, zh.STALE_BUTTON)
                return
            await show(update, texts.REBIND_KEPT)
            return
        bound = await confirm_rebind(
            d.db,
            invitation_id=invitation_id,
            user_id=user.id,
            name=user.full_name,
            chat_id=update.effective_chat.id if update.effective_chat else user.id,
            now=d.clock.now(),
            update_id=update.update_id,
        )
    except InvitationRefused as refused:
        await refuse(update, _REFUSALS[refused.reason])
        return
    except AlreadyApplied:
        return
    if bound is None:
        await refuse(update, zh.STALE_BUTTON)
        return
    await _welcome(update, context, *bound)


async def _bind_telegram(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    """A web user's one-time link: this Telegram account becomes the same person."""
    assert update.effective_user and update.effective_chat
    d = deps(context)
    try:
        await signin.redeem_telegram_link(
            d.db,
            code=code,
            tg_user_id=update.effective_user.id,
            chat_id=update.effective_chat.id,
            now=d.clock.now(),
            update_id=update.update_id,
        )
    except InvitationRefused as refused:
        await refuse(update, _REFUSALS[refused.reason])
        return
    except signin.AlreadyBound:
        await refuse(update, web_text.TELEGRAM_LINK_ALREADY)
        return
    except AlreadyApplied:
        return
    menu = InlineKeyboardMarkup([[InlineKeyboardButton(zh.BTN_OPEN_MENU, callback_data=bt.Menu("home").pack())]])
    await show(update, web_text.TELEGRAM_LINK_BOUND, menu)


async def show_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends the help text for the user's role."""
    assert update.effective_user and update.effective_message
    d = deps(context)
    who = await access.person(d.db, update.effective_user.id, admin_ids=d.settings.admin_ids)
    text = zh.HELP_COMMON
    if who is None:
        text += "\n\n" + zh.NOT_BOUND
    elif who.role in ("coordinator", "org"):
        text += zh.HELP_COORDINATOR
    elif who.role == "office":
        text += zh.HELP_OFFICE
    await show(update, text)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Drops any half-finished step (a pending confirmation); stored answers stay."""
    assert update.effective_message and update.effective_user
    await cursors.reset_stage(deps(context).db, update.effective_user.id, at=deps(context).now_iso())
    await show(update, zh.CANCELLED)


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("start", start, filters=filters.ChatType.PRIVATE),
    CommandHandler("help", show_help, filters=filters.ChatType.PRIVATE),
    CommandHandler("cancel", cancel, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(press_rebind_button, pattern=r"^i:"),
]
