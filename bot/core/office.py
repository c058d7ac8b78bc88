"""The office's own screens in chat: invitations and the dashboard, whose buttons run the same flows as the
commands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core import buttons as bt
from bot.core import campaign, exports, office_review, oversight
from bot.core.buttons import parse_id
from bot.core.events import Command, Press
from bot.core.firstday import resolve_unit
from bot.core.guards import pressed
from bot.core.views import Button, Keyboard, Out
from bot.deps import Deps
from bot.domain.people import access, matching
from bot.domain.people.invitations import deep_link, issue, web_link
from bot.domain.people.roster import ANHUI_CITIES, without_city
from messages import firstday as msg
from messages import web as web_text
from messages import when, zh
from storage import AlreadyApplied, roster
from storage.models import ORG_KIND, SCHOOL_KINDS, Institution, Role

CommandFlow = Callable[[Deps, Command, Out], Awaitable[None]]


async def create_invitations(d: Deps, event: Command, out: Out) -> None:
    """Creates one-time invitations for a role and unit and replies with their deep links."""
    who = await access.person(d.db, event.sender.user_id, admin_ids=d.settings.admin_ids)
    if not access.is_office(who):
        await out.show(zh.NOT_ALLOWED)
        return
    args = list(event.args)
    if not args:
        await out.show(zh.INVITE_USAGE)
        return
    role = matching.role_of(args.pop(0))
    if role is None:
        await out.show(zh.INVITE_BAD_ROLE)
        return
    count = 1
    scope: list[int] = []
    if role == "expert" and args:
        # An expert's invitation names the institutions they will review: /invite 专家 24 97
        for ref in args:
            found = await resolve_unit(d, out, ref, SCHOOL_KINDS)
            if found is None:
                return
            scope.append(found.id)
        args = []
    elif args and parse_id(args[-1]) is not None and (role == "office" or len(args) > 1):
        count = int(args.pop())
    if not 1 <= count <= 20:
        await out.show(zh.INVITE_BAD_COUNT)
        return
    target_text = " ".join(args)
    institution: Institution | None = None
    city: str | None = None
    if role in ("coordinator", "org"):
        if not target_text:
            await out.show(zh.INVITE_USAGE)
            return
        institution = await _unit(d, out, role, target_text)
        if institution is None:
            return
    elif role == "city":
        city = target_text.removesuffix("市教育局").removesuffix("市")
        if city not in ANHUI_CITIES:
            await out.show(zh.INVITE_BAD_CITY)
            return
    try:
        issued = await issue(
            d.db,
            role=role,
            institution=institution,
            city=city,
            actor=f"tg:{event.sender.user_id}",
            now=d.clock.now(),
            days=d.settings.invitation_days,
            count=count,
            scope=scope,
            update_id=event.sender.update_id,
        )
    except AlreadyApplied:
        return
    expires = when.local_time(issued[0].expires_at, d.settings.tz)
    target = institution.name if institution else (city or zh.ROLE_NAMES[role])
    await out.show(
        zh.invitations_created(target, role, [deep_link(d.bot_username, i.code) for i in issued], expires)
        + web_text.invitation_web_links([web_link(d.settings.web_base, i.code) for i in issued]),
    )


async def _unit(d: Deps, out: Out, role: Role, target_text: str) -> Institution | None:
    """The institution a coordinator's or an organization's invitation is for; otherwise None after saying
    why (candidates, no match, or the wrong kind of unit)."""
    if role == "org":
        units = await roster.institutions(d.db.read)
        matched = matching.find(units, target_text, (ORG_KIND,))
        if len(matched) == 1 and matched[0].kind != ORG_KIND:
            await out.show(zh.INVITE_NOT_ORG)
            return None
        if not any(u.kind == ORG_KIND for u in matched):
            # Organizations are matched by their name in the roster: offer those there are.
            orgs = [u.name for u in units if u.kind == ORG_KIND]
            await out.show(msg.candidates(target_text, orgs) if orgs else msg.no_org(target_text))
            return None
        return await resolve_unit(d, out, target_text, (ORG_KIND,))
    institution = await resolve_unit(d, out, target_text, SCHOOL_KINDS)
    if institution is not None and institution.kind == ORG_KIND:
        await out.show(zh.INVITE_NOT_SCHOOL)
        return None
    return institution


def office_menu() -> Keyboard:
    keys = [bt.OfficeMenu(key) for k in zh.BTN_OFFICE if (key := bt.office_key(k))]
    rows = [keys[i : i + 2] for i in range(0, len(keys), 2)]
    return Keyboard.of([[Button(zh.BTN_OFFICE[b.key], b) for b in row] for row in rows])


async def show_office_menu(d: Deps, out: Out) -> None:
    """The office dashboard. Institutions with no city are invisible to every city bureau: it says so until
    they are fixed."""
    missing = [i.name for i in await without_city(d.db)]
    await out.show(zh.OFFICE_MENU + (msg.dashboard_no_city(missing) if missing else ""), office_menu())


MENU_TARGETS: dict[bt.OfficeKey, CommandFlow] = {
    "progress": oversight.show_progress,
    "review": office_review.open_review,
    "flags": oversight.list_flags,
    "broadcast": campaign.start_broadcast,
    "deadline": campaign.set_deadline,
    "quotas": campaign.list_quota_gaps,
    "sample": oversight.draw_or_show_sample,
    "grades": oversight.list_grades,
    "export": exports.start_export,
}


async def press_office_menu(d: Deps, event: Press, out: Out) -> None:
    """The office dashboard's buttons run the same flows as the commands, as a command with no arguments."""
    chosen = await pressed(event, out, bt.OfficeMenu)
    if chosen is None:
        return
    # A button carries no arguments: /sample without a seed would draw anew, so the button only shows.
    args = ("show",) if chosen.key == "sample" else ()
    await MENU_TARGETS[chosen.key](d, Command(event.sender, chosen.key, args), out)
