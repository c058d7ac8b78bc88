"""Telegram's faults: busy or failing getFile, repeated 429s on a reply, refused messages and network
trouble. Telegram's state is a warning and the user is told what to do; our bugs alert the office."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.standin import StandIn
from bot.clock import FrozenClock
from messages import zh
from messages.faults import EVIDENCE_BUSY
from storage import cursors, reports
from storage import evidence as evidence_store
from tests.support import files
from tests.support.helpers import Chat, ErrorCollector, Harness, make_settings

COORD = 600


@pytest.fixture
async def at_point_4(harness: Harness) -> Chat:
    await harness.bind(COORD, "coordinator", "24")
    async with harness.deps.db.transaction() as conn:
        report = await reports.ensure(conn, institution_id=24, certificate_id=None, outline="institution", at="t")
        await cursors.put(conn, user_id=COORD, report_id=report.id, item="p4", at="t")
    return harness.chat(COORD)


def _office_alerts(harness: Harness) -> list[str]:
    return [c.params["text"] for c in harness.standin.calls_to("sendMessage") if c.params["chat_id"] == 1]


@pytest.mark.parametrize(
    ("fault", "told"),
    [
        ({"code": 429, "description": "Too Many Requests: retry after 7", "retry_after": 7}, EVIDENCE_BUSY),
        ({"code": 500, "description": "Internal Server Error"}, zh.EVIDENCE_REFUSALS["download_failed"]),
        ({"code": 502, "description": "Bad Gateway"}, zh.EVIDENCE_REFUSALS["download_failed"]),
    ],
)
async def test_get_file_faults_ask_the_user_to_resend(
    harness: Harness, at_point_4: Chat, fault: dict[str, object], told: str
) -> None:
    harness.standin.fail("getFile", **fault)  # type: ignore[arg-type]
    shown = await at_point_4.upload(files.pdf("方案"), "方案.pdf", "application/pdf")
    assert shown.text == told
    assert await evidence_store.of_report(harness.deps.db.read, 1) == []
    assert _office_alerts(harness) == []
    again = await at_point_4.upload(files.pdf("方案"), "方案.pdf", "application/pdf")  # sent again: stored
    assert "已保存" in again.text
    assert [e.name for e in await evidence_store.of_report(harness.deps.db.read, 1)] == ["方案.pdf"]


async def test_a_dropped_get_file_asks_the_user_to_resend(harness: Harness, at_point_4: Chat) -> None:
    harness.standin.drop("getFile")
    shown = await at_point_4.upload(files.pdf("方案"), "方案.pdf", "application/pdf")
    assert shown.text == zh.EVIDENCE_REFUSALS["download_failed"]
    assert _office_alerts(harness) == []


async def test_three_429s_on_a_reply_wait_and_deliver_it(harness: Harness, at_point_4: Chat) -> None:
    harness.standin.fail("sendMessage", 429, "Too Many Requests: retry after 4", retry_after=4, times=3, match="1+X")
    shown = await at_point_4.say("/help")
    assert shown.text.startswith(zh.HELP_COMMON)
    assert harness.clock.slept >= 12  # waited as told each time, on the app's clock
    assert _office_alerts(harness) == []
    assert not any(c.params["text"] == zh.INTERNAL_ERROR for c in harness.standin.calls_to("sendMessage"))


async def test_a_refused_message_is_our_bug_logged_and_alerted(
    harness: Harness, at_point_4: Chat, fail_on_logged_errors: ErrorCollector
) -> None:
    harness.standin.fail("sendMessage", 400, "Bad Request: can't parse entities", match="1+X")
    update_id = harness.standin.send_text(COORD, "/help")
    await harness.standin.wait_for(lambda: bool(_office_alerts(harness)))
    assert _office_alerts(harness) == [zh.office_error("BadRequest", f"update {update_id}")]
    errors = [r for r in fail_on_logged_errors.records if r.name == "xcheck.errors"]
    assert [r.levelno for r in errors] == [logging.ERROR]
    for record in errors:
        record.expected = True  # provoked on purpose


async def test_network_trouble_is_a_warning_without_alert(
    harness: Harness, at_point_4: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    harness.standin.fail("sendMessage", 502, "Bad Gateway", times=3, match="1+X")
    with caplog.at_level(logging.WARNING, logger="xcheck.errors"):
        harness.standin.send_text(COORD, "/help")
        await harness.standin.wait_for(lambda: len(harness.standin.calls_to("getUpdates")) > 0)
        await harness.standin.wait_for(lambda: any(r.name == "xcheck.errors" for r in caplog.records))
    assert [(r.levelno, r.getMessage().split(": ")[1]) for r in caplog.records if r.name == "xcheck.errors"] == [
        (logging.WARNING, "Telegram API unavailable")
    ]
    assert _office_alerts(harness) == []


async def test_upload_recognition_and_writing_run_off_the_event_loop(
    harness: Harness, at_point_4: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import bot.domain.reports.evidence as evidence

    loop_thread = threading.get_ident()
    seen: dict[str, int] = {}

    def spy(name: str, real: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*args: object, **kwargs: object) -> object:
            seen[name] = threading.get_ident()
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(evidence, "write_blob", spy("write_blob", evidence.write_blob))
    monkeypatch.setattr(evidence, "detect", spy("detect", evidence.detect))
    shown = await at_point_4.upload(files.pdf("方案"), "方案.pdf", "application/pdf")
    assert "已保存" in shown.text
    assert set(seen) == {"write_blob", "detect"} and loop_thread not in seen.values()


async def test_a_get_file_timeout_asks_the_user_to_resend(tmp_path: Path, standin: StandIn, clock: FrozenClock) -> None:
    harness = Harness(standin, make_settings(tmp_path, standin, api_timeout=0.5), clock)
    await harness.start()
    await harness.seed()
    try:
        await harness.bind(COORD, "coordinator", "24")
        async with harness.deps.db.transaction() as conn:
            report = await reports.ensure(conn, institution_id=24, certificate_id=None, outline="institution", at="t")
            await cursors.put(conn, user_id=COORD, report_id=report.id, item="p4", at="t")
        standin.slow["getFile"] = 2.0
        shown = await harness.chat(COORD).upload(files.pdf("方案"), "方案.pdf", "application/pdf")
        assert shown.text == zh.EVIDENCE_REFUSALS["download_failed"]
        assert await evidence_store.of_report(harness.deps.db.read, 1) == []
        assert _office_alerts(harness) == []
    finally:
        await harness.stop()
