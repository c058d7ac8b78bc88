"""What the web offers is what works (integration): the upload form says which files and what size it takes,
and without a bot the web does not offer to bind a Telegram account that no bot could ever read."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bench.standin import StandIn
from bot.clock import FrozenClock
from bot.domain.people.invitations import issue
from bot.domain.people.roster import load_seed
from bot.tg.app import serve_web_only
from messages import web as web_text
from storage import Database
from storage import roster as roster_store
from tests.support.helpers import T0, Harness, make_settings
from tests.support.webclient import WebClient, close_all
from tests.web.test_web_security import SCHOOL, report_id, signed_in


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


def _shown(page: str) -> str:
    body = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


async def test_the_upload_form_says_what_it_takes(harness: Harness) -> None:
    client = await signed_in(harness)
    rid = await report_id(client)
    page = await client.get(f"/r/{rid}/s/2")
    assert client.status == 200 and 'type="file"' in page
    hint = web_text.UPLOAD_HINT.format(mb=harness.settings.max_upload_mb)
    assert "RAR" in hint and "OFD" in hint and "MP4" in hint  # what the content check accepts (issue 12)
    assert page.count('type="file"') == _shown(page).count(hint)


async def test_without_a_bot_the_web_does_not_offer_telegram(tmp_path: Path, standin: StandIn) -> None:
    settings = make_settings(tmp_path, standin, bot_token="")
    db = Database(settings.db_path)
    await db.connect()
    await load_seed(db, at=T0.isoformat())
    school = await roster_store.find_institution(db.read, SCHOOL)
    (issued,) = await issue(db, role="coordinator", institution=school, city=None, actor="test", now=T0, days=14)
    await db.close()
    stop = asyncio.Event()
    ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve_web_only(settings, clock=FrozenClock(T0), stop=stop, ready=ready))
    try:
        client = WebClient(f"http://127.0.0.1:{await asyncio.wait_for(ready, 10)}")
        await client.sign_in(issued.code)
        rid = await report_id(client)
        page = await client.get(f"/r/{rid}")
        assert client.status == 200 and 'href="/telegram"' not in page
        page = await client.get("/telegram")
        assert web_text.TELEGRAM_NO_BOT in _shown(page) and web_text.TELEGRAM_MAKE not in page
        await client.post("/telegram", {"csrf": client.csrf})
        assert web_text.TELEGRAM_NO_BOT in _shown(client.page) and 'id="tg-link"' not in client.page
    finally:
        stop.set()
        await task
