"""Invitations, greetings and refusals through the real PTB stack and the stand-in."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.people.invitations import hash_code
from storage import audit, people
from tests.support.helpers import Harness


async def test_start_without_binding_explains_how_to_get_an_invitation(harness: Harness) -> None:
    shown = await harness.chat(500).say("/start")
    assert "尚未绑定" in shown.text and "邀请链接" in shown.text


async def test_invitation_binds_and_greets_by_institution_name(harness: Harness) -> None:
    shown = await harness.bind(501, "coordinator", "24")
    assert "安徽工商职业学院" in shown.text and "绑定成功" in shown.text
    person = await people.get(harness.deps.db.read, 501)
    assert person is not None and person.role == "coordinator"
    again = await harness.chat(501).say("/start")
    assert "安徽工商职业学院" in again.text
    log = await audit.entries(harness.deps.db.read, action="invite.redeem")
    assert [e.actor for e in log] == ["tg:501"]


async def test_used_code_is_refused_and_binds_nobody(harness: Harness) -> None:
    code = await harness.invite("coordinator", "1")
    assert "宿州学院" in (await harness.chat(502).say(f"/start {code}")).text
    shown = await harness.chat(503).say(f"/start {code}")
    assert "已被使用" in shown.text
    assert await people.get(harness.deps.db.read, 503) is None


async def test_expired_and_unknown_codes_are_refused(harness: Harness) -> None:
    code = await harness.invite("coordinator", "2")
    harness.clock.advance(timedelta(days=15))
    assert "已过期" in (await harness.chat(504).say(f"/start {code}")).text
    assert "无效" in (await harness.chat(504).say("/start not-a-real-code")).text
    assert await people.get(harness.deps.db.read, 504) is None


async def test_codes_are_stored_only_as_hashes(harness: Harness) -> None:
    code = await harness.invite("city", city="合肥")
    async with harness.deps.db.read.execute("SELECT code_hash FROM invitations") as cur:
        stored = [r[0] for r in await cur.fetchall()]
    assert code not in stored and hash_code(code) in stored


async def test_group_messages_are_ignored(harness: Harness) -> None:
    group = {"id": -100123, "type": "supergroup", "title": "群"}
    harness.standin.send_text(505, "/help", chat=group)
    # One user's updates are processed in order: once the private reply arrives, the group one was seen.
    shown = await harness.chat(505).say("/help")
    assert shown.chat_id == 505
    assert harness.standin.events[-100123] == []


async def test_help_and_cancel_work_for_strangers(harness: Harness) -> None:
    assert "/menu" in (await harness.chat(506).say("/help")).text
    assert "已取消" in (await harness.chat(506).say("/cancel")).text


async def test_office_creates_invitation_in_chat_and_it_works(harness: Harness) -> None:
    shown = await harness.chat(1).say("/invite coordinator 安徽工商职业学院")
    assert "安徽工商职业学院" in shown.text
    link = next(line for line in shown.text.splitlines() if "t.me/" in line)
    code = link.split("start=")[1].split("<")[0]
    assert link.startswith("<code>https://t.me/xcheck_test_bot?start=")
    assert "绑定成功" in (await harness.chat(507).say(f"/start {code}")).text


async def test_invite_is_refused_to_non_office_and_bad_targets(harness: Harness) -> None:
    await harness.bind(508, "coordinator", "24")
    assert "没有权限" in (await harness.chat(508).say("/invite expert")).text
    office = harness.chat(1)
    assert "找不到" in (await office.say("/invite coordinator 9999")).text
    assert "地级市" in (await office.say("/invite city 火星")).text
    assert "角色" in (await office.say("/invite wizard 1")).text
    assert "不是培训评价组织" in (await office.say("/invite org 24")).text


async def test_bot_sets_its_command_menu(harness: Harness) -> None:
    calls = harness.standin.calls_to("setMyCommands")
    assert calls and {c["command"] for c in calls[-1].params["commands"]} >= {
        "start",
        "help",
        "cancel",
        "menu",
    }


async def test_html_in_names_is_escaped(harness: Harness) -> None:
    shown = await harness.chat(1).say("/invite coordinator <b>x</b>")
    assert "找不到" in shown.text


async def test_welcome_opens_the_menu_for_every_role(harness: Harness) -> None:
    for user, role, target, city in (
        (520, "coordinator", "24", None),
        (521, "city", "", "合肥"),
        (522, "expert", "", None),
    ):
        welcome = await harness.bind(user, role, target, city)  # type: ignore[arg-type]
        menu = await harness.chat(user).tap(welcome, "打开主菜单")
        assert menu.text != welcome.text and "没有权限" not in menu.text
    office = await harness.chat(1).say("/menu")
    assert "协调推进办公室" in office.text and "填报进度" in str(office.buttons)
    table = await harness.chat(1).tap(office, "填报进度")
    assert "189 所" in table.text
    assert "目前没有待审核的报告" in (await harness.chat(1).tap(office, "待审核报告")).text
    shown = await harness.chat(1).tap(office, "抽查样本")
    assert "尚未抽取样本" in shown.text  # the button shows; only /sample draws
