"""What every handler needs, kept on the Application so handlers themselves hold no state."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.config import Settings
from bot.domain.outlines import Outlines
from storage import Database

if TYPE_CHECKING:  # types only: the domain imports Deps, and imports no telegram (tests/unit/test_architecture.py)
    from telegram.ext import Application, CallbackContext

    from bot.tg.floodgate import FloodGate
    from bot.tg.inbox import Inbox
    from bot.web.app import WebServer


@dataclass
class Deps:
    settings: Settings
    db: Database
    clock: Clock
    outlines: Outlines
    gate: FloodGate
    inbox: Inbox
    bot_username: str | None = None
    web: WebServer | None = None  # the web channel, served by the same process
    # Background work (broadcast senders) owned by the app, cancelled on shutdown.
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def now_iso(self) -> str:
        return self.clock.now().isoformat()

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.settings.admin_ids


DEPS_KEY = "xcheck.deps"


def deps(context: CallbackContext) -> Deps:  # type: ignore[type-arg]
    return context.application.bot_data[DEPS_KEY]  # type: ignore[no-any-return]


def deps_of(application: Application) -> Deps:  # type: ignore[type-arg]
    return application.bot_data[DEPS_KEY]  # type: ignore[no-any-return]
