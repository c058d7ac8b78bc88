"""Work that outlives the input that started it (an export built and sent after the reply): an asyncio task
the app owns (`Deps.tasks`, cancelled on shutdown). It keeps the `Out` it was given, which sends by chat."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from bot.deps import Deps

log = logging.getLogger("xcheck.core.tasks")


def spawn(d: Deps, work: Coroutine[Any, Any, None], *, name: str) -> asyncio.Task[None]:
    task = asyncio.create_task(work, name=name)
    d.tasks.add(task)
    task.add_done_callback(d.tasks.discard)
    task.add_done_callback(_log_failure)
    return task


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background work %s failed", task.get_name(), exc_info=task.exception())
