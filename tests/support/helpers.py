"""Builders and drivers for end-to-end tests: a running bot against the stand-in, and chats with it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bench.filling import fill_report, sample_answer  # noqa: F401 - shared with tests
from bench.standin import Shown, StandIn
from bot.clock import FrozenClock
from bot.config import Settings
from bot.deps import Deps, deps_of
from bot.domain.people.invitations import issue
from bot.domain.people.roster import load_seed
from bot.tg.app import ALLOWED_UPDATES, build_application
from storage import roster as roster_store
from storage.models import Role
from storage.roster import CertificateRow, PilotRow, RosterRow

# 08:00 in Anhui: before the day's reminder time, so no digest goes out unless a test moves the clock.
T0 = datetime(2020, 11, 20, 0, 0, tzinfo=UTC)


def make_settings(tmp_path: Path, standin: StandIn, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": standin.token,
        "data_dir": tmp_path / "data",
        "api_base_url": standin.base_url,
        "api_file_url": standin.file_url,
        "admin_ids": (1,),
        "web_listen": "127.0.0.1:0",  # the web channel on a free port, so parallel runs never collide
        "_env_file": None,
    }
    values.update(overrides)
    return Settings(**values)


class ErrorCollector(logging.Handler):
    """Collects every ERROR logged anywhere, so a handler exception fails the test that caused it."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Harness:
    """The real Application, polling the stand-in over HTTP, started the way run_polling starts it."""

    def __init__(self, standin: StandIn, settings: Settings, clock: FrozenClock) -> None:
        self.standin = standin
        self.settings = settings
        self.clock = clock
        self.app: Application | None = None  # type: ignore[type-arg]

    @property
    def deps(self) -> Deps:
        assert self.app is not None
        return deps_of(self.app)

    async def start(self) -> None:
        app = build_application(self.settings, clock=self.clock)
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES)
        await app.start()
        self.app = app

    async def stop(self) -> None:
        app, self.app = self.app, None
        if app is None:
            return
        assert app.updater is not None
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        if app.post_stop is not None:
            await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def seed(self) -> None:
        await load_seed(self.deps.db, at=self.clock.now().isoformat())

    async def invite(self, role: Role, target: str = "", city: str | None = None) -> str:
        inst = await roster_store.find_institution(self.deps.db.read, target) if target else None
        issued = await issue(
            self.deps.db, role=role, institution=inst, city=city, actor="test", now=self.clock.now(), days=14
        )
        return issued[0].code

    async def bind(self, user_id: int, role: Role, target: str = "", city: str | None = None) -> Shown:
        code = await self.invite(role, target, city)
        return await self.chat(user_id).say(f"/start {code}")

    async def certify(self, certificates: dict[str, tuple[str, str]], pilots: dict[str, list[tuple[str, int]]]) -> None:
        """Certificates {name: (organization, lead institution)} and pilots {institution: [(cert, scale)]}."""
        orgs = sorted({org for org, _ in certificates.values()})
        async with self.deps.db.transaction() as conn:
            await roster_store.upsert_institutions(conn, [RosterRow(None, "培训评价组织", o, None) for o in orgs])
            await roster_store.replace_certificates(
                conn,
                [CertificateRow(name, org, lead) for name, (org, lead) in certificates.items()],
                [PilotRow(inst, cert, scale) for inst, rows in pilots.items() for cert, scale in rows],
            )

    async def fill(self, report_id: int, *, evidence: bool = True, skip: tuple[str, ...] = ()) -> None:
        """Answers every item of a report directly in the database, for tests about after the walk."""
        await fill_report(
            self.deps.db, self.deps.outlines, self.settings.evidence_dir, report_id, evidence=evidence, skip=skip
        )

    def chat(self, user_id: int) -> Chat:
        return Chat(self.standin, user_id)


class Chat:
    """One simulated user in a private chat. Each step waits for the one thing the bot shows next."""

    def __init__(self, standin: StandIn, user_id: int) -> None:
        self.standin = standin
        self.user_id = user_id

    @property
    def seen(self) -> list[Shown]:
        return self.standin.events[self.user_id]

    @property
    def last(self) -> Shown:
        return self.seen[-1]

    async def say(self, text: str) -> Shown:
        n = len(self.seen)
        self.standin.send_text(self.user_id, text)
        return await self.standin.next_shown(self.user_id, n)

    async def tap(self, shown: Shown, label: str) -> Shown:
        return await self.press(shown, shown.button(label))

    async def press(self, shown: Shown, data: str) -> Shown:
        n = len(self.seen)
        self.standin.press(self.user_id, shown, data)
        return await self.standin.next_shown(self.user_id, n)

    async def upload(self, content: bytes, name: str, mime: str, **kw: Any) -> Shown:
        n = len(self.seen)
        self.standin.send_document(self.user_id, content, name, mime, **kw)
        return await self.standin.next_shown(self.user_id, n)

    async def photo(self, content: bytes, **kw: Any) -> Shown:
        n = len(self.seen)
        self.standin.send_photo(self.user_id, content, **kw)
        return await self.standin.next_shown(self.user_id, n)
