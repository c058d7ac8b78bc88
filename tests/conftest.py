from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bench.standin import StandIn
from bot.clock import FrozenClock
from bot.core import buttons
from tests.support.helpers import T0, ErrorCollector, Harness, make_settings

# Tests talk only to 127.0.0.1; a proxy from the environment must never get in the way.
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = "127.0.0.1,localhost"


@pytest.fixture(autouse=True)
def no_caller_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the caller's XCHECK_* settings (an office may export XCHECK_DATA_DIR in its shell)."""
    for key in [k for k in os.environ if k.startswith("XCHECK_")]:
        monkeypatch.delenv(key)


@pytest.fixture(autouse=True)
def fail_on_logged_errors() -> Iterator[ErrorCollector]:
    """Fails a test that logged an ERROR, or made a Bot API call the stand-in refused with 400 (as
    Telegram would), unless the test marked it expected (record.expected, StandIn.expect_refusal)."""
    collector = ErrorCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    StandIn.created.clear()
    yield collector
    root.removeHandler(collector)
    refused = [r for s in StandIn.created for r in s.unexpected_refusals()]
    # Every button any screen of any test showed must parse (bot.core.buttons), or the gate would refuse it.
    unparsed = sorted({data for s in StandIn.created for data in s.button_data() if buttons.parse(data) is None})
    StandIn.created.clear()
    if unparsed:
        pytest.fail(f"the bot showed buttons whose data bot.core.buttons.parse refuses: {unparsed}")
    if refused:
        details = "\n".join(f"{r.method}: {r.description} {str(r.params)[:300]}" for r in refused)
        pytest.fail(f"the Bot API stand-in refused calls, as Telegram would:\n{details}")
    unexpected = [r for r in collector.records if not getattr(r, "expected", False)]
    if unexpected:
        details = "\n".join(
            f"{r.name}: {r.getMessage()} {r.exc_info[1]!r}" if r.exc_info else r.getMessage() for r in unexpected
        )
        pytest.fail(f"errors were logged during the test:\n{details}")


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    s = StandIn()
    await s.start()
    yield s
    await s.stop()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
async def harness(tmp_path: Path, standin: StandIn, clock: FrozenClock) -> AsyncIterator[Harness]:
    h = Harness(standin, make_settings(tmp_path, standin), clock)
    await h.start()
    await h.seed()
    yield h
    await h.stop()
