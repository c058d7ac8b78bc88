"""/start (with or without an invitation), /help, /cancel: the flows (handlers/start.py is their Telegram side)."""

from __future__ import annotations

from bot.core import buttons as bt
from bot.core.events import Command, Press
from bot.core.guards import pressed
from bot.core.views import Button, Keyboard, Out
from bot.deps import Deps
from bot.domain.people import access, signin
from bot.domain.people.invitations import (
    InvitationRefused,
    Rebind,
    TooManyAttempts,
    confirm_rebind,
    keep_binding,
    sign_in,
)
from messages import signin as texts
from messages import web as web_text
from messages import zh
from storage import AlreadyApplied, cursors, roster

_REFUSALS = {"unknown": zh.INVITE_UNKNOWN, "used": zh.INVITE_USED, "expired": zh.INVITE_EXPIRED}


async def _unit_name(d: Deps, institution_id: int | None, city: str | None) -> str | None:
    if institution_id is not None:
        inst = await roster.institution(d.db.read, institution_id)
        return inst.name if inst else None
    return city


async def start(d: Deps, event: Command, out: Out) -> None:
    """Redeems an invitation code if one came with /start, then greets the user by their unit."""
    user = event.sender
    if event.args and await signin.is_telegram_link(d.db, event.args[0][:64]):
        await _bind_telegram(d, event, event.args[0][:64], out)
        return
    who = await access.person(d.db, user.user_id, admin_ids=d.settings.admin_ids)
    if event.args:
        try:
            bound = await sign_in(
                d.db,
                code=event.args[0][:64],
                current=who,
                user_id=user.user_id,
                name=user.full_name,
                chat_id=user.chat_id,
                now=d.clock.now(),
                update_id=user.update_id,
            )
        except TooManyAttempts:
            await out.refuse(texts.TOO_MANY_ATTEMPTS)
            return
        except InvitationRefused as refused:
            await out.refuse(_REFUSALS[refused.reason])
            return
        except AlreadyApplied:
            return
        if isinstance(bound, Rebind):
            assert who is not None
            question = texts.rebind_question(
                who.role,
                await _unit_name(d, who.institution_id, who.city),
                bound.role,
                await _unit_name(d, bound.institution_id, bound.city),
            )
            buttons = [
                Button(texts.BTN_REBIND_YES, bt.Rebind("yes", bound.invitation_id)),
                Button(texts.BTN_REBIND_NO, bt.Rebind("no", bound.invitation_id)),
            ]
            await out.show(question, Keyboard.of([buttons]))
            return
        await _welcome(d, out, *bound)
        return
    if who is None:
        await out.show(zh.NOT_BOUND)
        return
    await out.show(zh.greeting(who.role, await _unit_name(d, who.institution_id, who.city)))


async def _welcome(d: Deps, out: Out, role: str, inst_id: int | None, city: str | None) -> None:
    menu = Keyboard.of([[Button(zh.BTN_OPEN_MENU, bt.Menu("home"))]])
    await out.show(zh.welcome(role, await _unit_name(d, inst_id, city)), menu)


async def press_rebind_button(d: Deps, event: Press, out: Out) -> None:
    """确认更换 binds per the invitation the user was asked about; 保留当前身份 leaves everything as it was."""
    user = event.sender
    press = await pressed(event, out, bt.Rebind)
    if press is None:
        return
    invitation_id = press.invitation
    try:
        if press.answer == "no":
            if not await keep_binding(
                d.db, invitation_id=invitation_id, user_id=user.user_id, update_id=user.update_id, at=d.now_iso()
            ):
                await out.refuse(zh.STALE_BUTTON)
                return
            await out.show(texts.REBIND_KEPT)
            return
        bound = await confirm_rebind(
            d.db,
            invitation_id=invitation_id,
            user_id=user.user_id,
            name=user.full_name,
            chat_id=user.chat_id,
            now=d.clock.now(),
            update_id=user.update_id,
        )
    except InvitationRefused as refused:
        await out.refuse(_REFUSALS[refused.reason])
        return
    except AlreadyApplied:
        return
    if bound is None:
        await out.refuse(zh.STALE_BUTTON)
        return
    await _welcome(d, out, *bound)


async def _bind_telegram(d: Deps, event: Command, code: str, out: Out) -> None:
    """A web user's one-time link: this Telegram account becomes the same person."""
    try:
        await signin.redeem_telegram_link(
            d.db,
            code=code,
            tg_user_id=event.sender.user_id,
            chat_id=event.sender.chat_id,
            now=d.clock.now(),
            update_id=event.sender.update_id,
        )
    except InvitationRefused as refused:
        await out.refuse(_REFUSALS[refused.reason])
        return
    except signin.AlreadyBound:
        await out.refuse(web_text.TELEGRAM_LINK_ALREADY)
        return
    except AlreadyApplied:
        return
    menu = Keyboard.of([[Button(zh.BTN_OPEN_MENU, bt.Menu("home"))]])
    await out.show(web_text.TELEGRAM_LINK_BOUND, menu)


async def show_help(d: Deps, event: Command, out: Out) -> None:
    """Sends the help text for the user's role."""
    who = await access.person(d.db, event.sender.user_id, admin_ids=d.settings.admin_ids)
    text = zh.HELP_COMMON
    if who is None:
        text += "\n\n" + zh.NOT_BOUND
    elif who.role in ("coordinator", "org"):
        text += zh.HELP_COORDINATOR
    elif who.role == "office":
        text += zh.HELP_OFFICE
    await out.show(text)


async def cancel(d: Deps, event: Command, out: Out) -> None:
    """Drops any half-finished step (a pending confirmation); stored answers stay."""
    await cursors.reset_stage(d.db, event.sender.user_id, at=d.now_iso())
    await out.show(zh.CANCELLED)
