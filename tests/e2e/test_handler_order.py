"""The order PTB checks the handlers in (handlers/__init__.py): typed answers and button presses are
checked first, and the order never changes which flow an update reaches."""

from __future__ import annotations

import time

from bench.standin import BOT_ID, Shown, StandIn
from messages import zh
from storage import cursors, reports
from tests.support.helpers import Chat, Harness

SCHOOL = "安徽工商职业学院"
COORD = 610


def press_on_command_text(standin: StandIn, user: int, shown: Shown, data: str, text: str) -> int:
    """A press on a message whose text starts with a bot command, as Telegram delivers it: the message the
    button sits on comes with its entities (the stand-in's own presses carry none)."""
    message = {
        "message_id": shown.message_id,
        "date": int(time.time()),
        "chat": {"id": shown.chat_id, "type": "private", "first_name": "测试"},
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "xcheck", "username": standin.username},
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
    }
    query = {
        "id": str(next(StandIn._query_ids)),
        "from": standin.user(user),
        "chat_instance": str(shown.chat_id),
        "message": message,
        "data": data,
    }
    return standin._push({"callback_query": query})


async def at_menu(harness: Harness) -> tuple[Chat, Shown]:
    await harness.bind(COORD, "coordinator", SCHOOL)
    async with harness.deps.db.transaction() as conn:
        report = await reports.ensure(conn, institution_id=24, certificate_id=None, outline="institution", at="t")
        await cursors.put(conn, user_id=COORD, report_id=report.id, item="p5", at="t")
    chat = harness.chat(COORD)
    return chat, await chat.say("/menu")


async def test_a_press_on_a_message_starting_with_a_command_runs_the_buttons_flow(harness: Harness) -> None:
    chat, menu = await at_menu(harness)
    n = len(chat.seen)
    press_on_command_text(harness.standin, COORD, menu, menu.button("继续填报"), "/help 本帮助")
    shown = await harness.standin.next_shown(COORD, n)
    # The button's flow (the walk at point 5, on the pressed message), not /help's screen.
    assert "监测点 5" in shown.text
    assert zh.HELP_COMMON not in shown.text
    assert shown.message_id == menu.message_id
    assert len(harness.standin.calls_to("answerCallbackQuery")) == 1


async def test_typed_commands_are_commands_and_other_text_is_an_answer(harness: Harness) -> None:
    chat, menu = await at_menu(harness)
    p5 = await chat.tap(menu, "继续填报")
    assert "监测点 5" in p5.text
    assert zh.HELP_COMMON in (await chat.say("/help")).text  # not taken as point 5's answer
    assert "监测点 6" in (await chat.say("是")).text
    assert (await reports.answers(harness.deps.db.read, 1))["p5"] == {"yes": True, "note": None}
    unknown = await chat.say("/nosuchcommand")
    assert unknown.text == zh.UNKNOWN_COMMAND
    cursor = await cursors.get(harness.deps.db.read, COORD)
    assert cursor is not None and cursor.item == "p6"
