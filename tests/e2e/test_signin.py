"""Sign-in: guessing invitation codes is limited per user; a second invitation asks before re-binding."""

from __future__ import annotations

from datetime import timedelta

from messages import signin as texts
from messages import zh
from storage import people
from tests.support.helpers import Harness

USER = 640


async def _who(harness: Harness) -> tuple[str, int | None, str | None] | None:
    found = await people.get(harness.deps.db.read, USER)
    return (found.role, found.institution_id, found.city) if found else None


async def test_guessing_codes_is_limited_per_user(harness: Harness) -> None:
    chat = harness.chat(USER)
    for n in range(5):
        refused = await chat.say(f"/start guess{n}")
        assert refused.text == zh.INVITE_UNKNOWN
    code = await harness.invite("coordinator", "24")
    # Even a valid code is not looked at once the limit is reached.
    assert (await chat.say(f"/start {code}")).text == texts.TOO_MANY_ATTEMPTS
    assert await _who(harness) is None
    other = harness.chat(USER + 1)  # the limit is this user's, not everyone's
    assert (await other.say("/start guess")).text == zh.INVITE_UNKNOWN
    harness.clock.advance(timedelta(hours=1, minutes=1))
    assert "绑定成功" in (await chat.say(f"/start {code}")).text
    assert await _who(harness) == ("coordinator", 24, None)


async def test_second_invitation_asks_before_rebinding(harness: Harness) -> None:
    await harness.bind(USER, "coordinator", "24")
    chat = harness.chat(USER)
    code = await harness.invite("city", city="合肥")
    question = await chat.say(f"/start {code}")
    assert question.text == texts.rebind_question("coordinator", "安徽工商职业学院", "city", "合肥")
    assert [t for t, _ in question.buttons] == [texts.BTN_REBIND_YES, texts.BTN_REBIND_NO]
    assert await _who(harness) == ("coordinator", 24, None)  # nothing changed yet
    kept = await chat.tap(question, texts.BTN_REBIND_NO)
    assert kept.text == texts.REBIND_KEPT
    assert await _who(harness) == ("coordinator", 24, None)
    # The invitation was not used: asked again, confirming re-binds.
    again = await chat.say(f"/start {code}")
    done = await chat.tap(again, texts.BTN_REBIND_YES)
    assert done.text == zh.welcome("city", "合肥")
    assert await _who(harness) == ("city", None, "合肥")


async def test_an_old_confirmation_button_rebinds_nothing(harness: Harness) -> None:
    await harness.bind(USER, "coordinator", "24")
    chat = harness.chat(USER)
    first = await chat.say(f"/start {await harness.invite('city', city='合肥')}")
    second = await chat.say(f"/start {await harness.invite('city', city='芜湖')}")
    n = len(harness.standin.calls_to("answerCallbackQuery"))
    harness.standin.press(USER, first, first.button(texts.BTN_REBIND_YES))
    await harness.standin.wait_for(lambda: len(harness.standin.calls_to("answerCallbackQuery")) > n)
    assert harness.standin.calls_to("answerCallbackQuery")[-1].params["text"] == zh.STALE_BUTTON
    assert await _who(harness) == ("coordinator", 24, None)
    await chat.tap(second, texts.BTN_REBIND_YES)
    assert await _who(harness) == ("city", None, "芜湖")


async def test_same_binding_again_needs_no_question(harness: Harness) -> None:
    await harness.bind(USER, "coordinator", "24")
    shown = await harness.bind(USER, "coordinator", "24")
    assert shown.text == zh.welcome("coordinator", "安徽工商职业学院")
