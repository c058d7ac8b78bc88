"""Office commands that create something record their Telegram update with it: replayed from the inbox
after a crash (kill -9 between the commit and the inbox's bookkeeping), they create nothing twice. And a
broadcast row is 'sending' only once its send slot is granted."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from bench.standin import StandIn
from bot.clock import FrozenClock
from storage import Database, campaign
from storage import inbox as inbox_store
from tests.support.helpers import T0, Harness, make_settings

OFFICE = 1


async def _count(harness: Harness, sql: str) -> int:
    rows = await harness.deps.db.read.execute_fetchall(sql)
    return int(next(iter(rows))[0])


async def _crash_and_replay(harness: Harness, update_id: int) -> None:
    """As if the bot died right after applying the update, before the inbox row was cleared: the update is
    back in the inbox and the restarted bot replays it first."""
    payload = next(u for u in harness.standin.updates if u["update_id"] == update_id)
    await harness.stop()
    db = Database(harness.settings.db_path)
    await db.connect()
    async with db.transaction() as conn:
        await inbox_store.add(conn, [payload])
    await db.close()
    await harness.start()
    for _ in range(400):  # the replay is handled and cleared from the inbox (flushed every 0.5 s)
        if not await inbox_store.pending(harness.deps.db.read):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the replayed update was never handled")


async def _command(harness: Harness, text: str) -> int:
    """Sends an office command and waits for its answer; returns its update id."""
    n = len(harness.standin.events[OFFICE])
    update_id = harness.standin.send_text(OFFICE, text)
    await harness.standin.next_shown(OFFICE, n)
    return update_id


async def test_questionnaire_notice_reaches_every_school_once_after_a_replay(harness: Harness) -> None:
    users = []
    for seq in (1, 24, 88):
        await harness.bind(2000 + seq, "coordinator", str(seq))
        users.append(2000 + seq)
    await _command(harness, "/questionnaire teacher https://wj.example.cn/t")
    update_id = await _command(harness, "/questionnaire send")
    await harness.standin.wait_for(lambda: "✅ 已完成" in harness.standin.events[OFFICE][-1].text)
    await _crash_and_replay(harness, update_id)
    assert await _count(harness, "SELECT COUNT(*) FROM broadcasts") == 1
    notice = (await campaign.broadcast(harness.deps.db.read, 1)).text  # type: ignore[union-attr]
    received = Counter(
        int(c.params["chat_id"]) for c in harness.standin.calls_to("sendMessage") if c.params["text"] == notice
    )
    assert received == Counter({u: 1 for u in users})
    assert await _count(harness, "SELECT COUNT(*) FROM broadcasts WHERE status != 'done'") == 0


async def test_sample_is_drawn_once_after_a_replay(harness: Harness) -> None:
    update_id = await _command(harness, "/sample seed-1")
    await _crash_and_replay(harness, update_id)
    assert await _count(harness, "SELECT COUNT(*) FROM samples") == 1
    assert await _count(harness, "SELECT COUNT(*) FROM audit_log WHERE action = 'sample.draw'") == 1


async def test_invitations_are_created_once_after_a_replay(harness: Harness) -> None:
    update_id = await _command(harness, "/invite coordinator 24 2")
    await _crash_and_replay(harness, update_id)
    assert await _count(harness, "SELECT COUNT(*) FROM invitations") == 2
    assert await _count(harness, "SELECT COUNT(*) FROM audit_log WHERE action = 'invite.create'") == 1


async def test_deadline_and_assignment_are_recorded_once_after_a_replay(harness: Harness) -> None:
    await harness.bind(700, "expert")
    first = await _command(harness, "/deadline report 2020-12-20")
    second = await _command(harness, "/assign 700 24")
    await _crash_and_replay(harness, first)
    await _crash_and_replay(harness, second)
    actions = await harness.deps.db.read.execute_fetchall(
        "SELECT action, COUNT(*) FROM audit_log WHERE action IN ('deadline.set', 'expert.assign') GROUP BY action"
    )
    assert {a: n for a, n in actions} == {"deadline.set": 1, "expert.assign": 1}


class HeldClock(FrozenClock):
    """A frozen clock whose sleeps can be held: the flood gate's wait for a slot blocks until released."""

    def __init__(self) -> None:
        super().__init__(T0)
        self.release = asyncio.Event()
        self.release.set()
        self.held = 0

    async def sleep(self, seconds: float) -> None:
        if not self.release.is_set():
            self.held += 1
            await self.release.wait()
        await super().sleep(seconds)


async def test_a_broadcast_row_is_sending_only_once_its_slot_is_granted(tmp_path: Path, standin: StandIn) -> None:
    clock = HeldClock()
    # One bulk message per 100 s: the first goes at once, the second waits for its slot (held below).
    harness = Harness(standin, make_settings(tmp_path, standin, broadcast_rate=0.01), clock)
    await harness.start()
    await harness.seed()
    try:
        users = [3001, 3002, 3003]
        for n, user in enumerate(users, 1):
            await harness.bind(user, "coordinator", str(n))
        office = harness.chat(OFFICE)
        await office.say("/broadcast")
        pick = await office.say("等待发送时断电")
        preview = await office.tap(pick, "全部联络人")
        clock.release.clear()
        await office.press(preview, preview.button("确认发送"))
        await standin.wait_for(lambda: clock.held > 0)
        rows = await campaign.outbox_rows(harness.deps.db.read, 1)
        # One went out; the next waits for its slot and is not claimed yet, so a crash now loses nothing.
        assert [r.status for r in rows] == ["sent", "pending", "pending"]
        await harness.stop()  # the crash, while the sender waits for its slot
        clock.release.set()
        await harness.start()
        await standin.wait_for(lambda: "✅ 已完成" in office.last.text, timeout=20)
        rows = await campaign.outbox_rows(harness.deps.db.read, 1)
        assert [r.status for r in rows] == ["sent", "sent", "sent"]
        got = Counter(
            int(c.params["chat_id"]) for c in standin.calls_to("sendMessage") if c.params["text"] == "等待发送时断电"
        )
        assert got == Counter({u: 1 for u in users})
    finally:
        clock.release.set()
        await harness.stop()
