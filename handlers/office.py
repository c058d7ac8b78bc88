"""Office commands in chat: invitations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import access, matching
from bot import buttons as bt
from bot.core import exports
from bot.core import office_review as core_review
from bot.core import oversight as core_oversight
from bot.deps import deps
from bot.invitations import deep_link, issue, web_link
from bot.roster import ANHUI_CITIES
from handlers import campaign
from handlers.adapter import command
from handlers.firstday import resolve_unit
from handlers.guards import button, parse_id
from handlers.screen import show
from messages import firstday as msg
from messages import web as web_text
from messages import when, zh
from storage import AlreadyApplied, roster
from storage.models import ORG_KIND, SCHOOL_KINDS, Institution


async def create_invitations(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Creates one-time invitations for a role and unit and replies with their deep links."""
    assert update.effective_user and update.effective_message
    d = deps(context)
    who = await access.person(d.db, update.effective_user.id, admin_ids=d.settings.admin_ids)
    if not access.is_office(who):
        await show(update, zh.NOT_ALLOWED)
        return
    args = list(context.args or [])
    if not args:
        await show(update, zh.INVITE_USAGE)
        return
    role = matching.role_of(args.pop(0))
    if role is None:
        await show(update, zh.INVITE_BAD_ROLE)
        return
    count = 1
    scope: list[int] = []
    if role == "expert" and args:
        # An expert's invitation names the institutions they will review: /invite 专家 24 97
        for ref in args:
            found = await resolve_unit(update, d, ref, SCHOOL_KINDS)
            if found is None:
                return
            scope.append(found.id)
        args = []
    elif args and parse_id(args[-1]) is not None and (role == "office" or len(args) > 1):
        count = int(args.pop())
    if not 1 <= count <= 20:
        await show(update, zh.INVITE_BAD_COUNT)
        return
    target_text = " ".join(args)
    institution: Institution | None = None
    city: str | None = None
    if role in ("coordinator", "org"):
        if not target_text:
            await show(update, zh.INVITE_USAGE)
            return
        if role == "org":
            units = await roster.institutions(d.db.read)
            matched = matching.find(units, target_text, (ORG_KIND,))
            if len(matched) == 1 and matched[0].kind != ORG_KIND:
                await show(update, zh.INVITE_NOT_ORG)
                return
            if not any(u.kind == ORG_KIND for u in matched):
                # Organizations are matched by their name in the roster: offer those there are.
                orgs = [u.name for u in units if u.kind == ORG_KIND]
                await show(update, msg.candidates(target_text, orgs) if orgs else msg.no_org(target_text))
                return
            institution = await resolve_unit(update, d, target_text, (ORG_KIND,))
        else:
            institution = await resolve_unit(update, d, target_text, SCHOOL_KINDS)
        if institution is None:
            return
        if role == "coordinator" and institution.kind == ORG_KIND:
            await show(update, zh.INVITE_NOT_SCHOOL)
            return
    elif role == "city":
        city = target_text.removesuffix("市教育局").removesuffix("市")
        if city not in ANHUI_CITIES:
            await show(update, zh.INVITE_BAD_CITY)
            return
    try:
        issued = await issue(
            d.db,
            role=role,
            institution=institution,
            city=city,
            actor=f"tg:{update.effective_user.id}",
            now=d.clock.now(),
            days=d.settings.invitation_days,
            count=count,
            scope=scope,
            update_id=update.update_id,
        )
    except AlreadyApplied:
        return
    expires = when.local_time(issued[0].expires_at, d.settings.tz)
    target = institution.name if institution else (city or zh.ROLE_NAMES[role])
    await show(
        update,
        zh.invitations_created(target, role, [deep_link(d.bot_username, i.code) for i in issued], expires)
        + web_text.invitation_web_links([web_link(d.settings.web_base, i.code) for i in issued]),
    )


def office_menu() -> InlineKeyboardMarkup:
    keys = [bt.OfficeMenu(key) for k in zh.BTN_OFFICE if (key := bt.office_key(k))]
    rows = [keys[i : i + 2] for i in range(0, len(keys), 2)]
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(zh.BTN_OFFICE[b.key], callback_data=b.pack()) for b in row] for row in rows]
    )


async def press_office_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The office dashboard's buttons run the same actions as the commands."""
    pressed = await button(update, bt.OfficeMenu)
    if pressed is None:
        return
    targets: dict[bt.OfficeKey, Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]] = {
        "progress": command(core_oversight.show_progress),
        "review": command(core_review.open_review),
        "flags": command(core_oversight.list_flags),
        "broadcast": campaign.start_broadcast,
        "deadline": campaign.set_deadline,
        "quotas": campaign.list_quota_gaps,
        "sample": command(core_oversight.draw_or_show_sample),
        "grades": command(core_oversight.list_grades),
        "export": command(exports.start_export),
    }
    target = targets[pressed.key]
    # A button carries no arguments: /sample without a seed would draw anew, so the button only shows.
    context.args = ["show"] if pressed.key == "sample" else []
    await target(update, context)


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("invite", create_invitations, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(press_office_menu, pattern=r"^ofc:"),
]
