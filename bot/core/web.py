"""/web: a one-time link that signs a Telegram user in on the web channel, as the same person."""

from __future__ import annotations

from bot.core.events import Command
from bot.core.guards import bound
from bot.core.views import Out
from bot.deps import Deps
from bot.domain.people import signin
from messages import web as web_text


async def web_link(d: Deps, event: Command, out: Out) -> None:
    who = await bound(d, event, out)
    if who is None:
        return
    code = await signin.issue_link(d.db, who, "web", now=d.clock.now())
    await out.show(web_text.web_link_message(f"{d.settings.web_base}/w/{code}"))
