"""Deadlines and reminders, broadcasts under faults, and the questionnaire quotas. Time is the test clock."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from bot.deps import deps_of
from bot.domain.campaign.questionnaire import check
from bot.domain.campaign.reminders import parse_due, pending
from bot.tg.senders import tick
from storage import campaign, reports, versions
from tests.support import files
from tests.support.helpers import Chat, Harness

SCHOOL = "安徽工商职业学院"
ORG = "某培训评价组织"


def local(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A time in Anhui (UTC+8) as the UTC instant the clock holds."""
    return (
        datetime(2020, month, day, hour - 8, minute, tzinfo=UTC)
        if hour >= 8
        else datetime(2020, month, day - 1, hour + 16, minute, tzinfo=UTC)
    )


async def _tick(harness: Harness) -> int:
    assert harness.app is not None
    return await tick(harness.app.bot, harness.deps)


def _texts(harness: Harness, user: int, needle: str) -> list[str]:
    return [e.text for e in harness.standin.events[user] if needle in e.text]


@pytest.fixture
async def campaign_people(harness: Harness) -> Harness:
    await harness.certify({"Web前端开发": (ORG, "合肥学院")}, {SCHOOL: [("Web前端开发", 100)]})
    await harness.bind(600, "coordinator", SCHOOL)
    await harness.chat(600).say("/menu")
    await harness.bind(610, "coordinator", "合肥学院")  # leads the certificate
    await harness.bind(620, "city", city="合肥")
    await harness.bind(630, "org", ORG)
    return harness


def test_due_dates_parse() -> None:
    assert parse_due("2020-12-15", year=2020).isoformat() == "2020-12-15"  # type: ignore[union-attr]
    assert parse_due("12月10日", year=2020).isoformat() == "2020-12-10"  # type: ignore[union-attr]
    assert parse_due("12-31", year=2021).isoformat() == "2021-12-31"  # type: ignore[union-attr]
    assert parse_due("13-40", year=2020) is None and parse_due("明天", year=2020) is None


async def test_office_sets_deadlines_in_chat(harness: Harness) -> None:
    office = harness.chat(1)
    shown = await office.say("/deadline report 12月10日")
    assert "设为 2020年12月10日（当日 24:00 前）" in shown.text  # dates shown as people write them, never ISO
    assert (await campaign.deadlines(harness.deps.db.read))["report"] == "2020-12-10"
    assert "• 自查报告：2020年12月10日" in (await office.say("/deadline")).text.splitlines()
    assert "格式不对" in (await office.say("/deadline report 明天")).text
    await harness.bind(600, "coordinator", SCHOOL)
    assert "没有权限" in (await harness.chat(600).say("/deadline report 12-01")).text


async def test_reminders_say_what_is_left_and_go_only_once(campaign_people: Harness) -> None:
    harness = campaign_people
    harness.clock.set(local(12, 8, 9, 30))  # 7 days before 12月15日, after 09:00
    assert await _tick(harness) >= 4
    (coordinator,) = _texts(harness, 600, "自查报告提醒")
    assert "已完成 0/10 部分" in coordinator and "距截止还有 7 天" in coordinator and "截止 12月15日" in coordinator
    assert "问卷：学生还差 10 人，教师还差 10 人" in coordinator
    (city,) = _texts(harness, 620, "中职自查材料")
    assert "合肥市" in city and "合肥工业学校" in city and SCHOOL not in city
    (lead,) = _texts(harness, 610, "牵头证书提醒")
    assert ORG in lead
    assert _texts(harness, 1, "每日进度")
    assert await _tick(harness) == 0  # nothing twice
    harness.clock.set(local(12, 8, 18, 0))
    assert await _tick(harness) == 0


async def test_submitted_reports_get_no_reminder(campaign_people: Harness) -> None:
    harness = campaign_people
    report = await reports.find(harness.deps.db.read, 24, None)
    assert report is not None
    async with harness.deps.db.transaction() as conn:
        await versions.set_status(conn, report.id, status="submitted", at="t", expect=("draft",), bump=True)
    harness.clock.set(local(12, 12, 9, 0))
    await _tick(harness)
    assert _texts(harness, 600, "自查报告提醒") == []
    assert _texts(harness, 600, "问卷调查提醒")  # the questionnaire is still short


async def test_a_reminder_that_fell_due_while_down_goes_out_once_when_back(campaign_people: Harness) -> None:
    harness = campaign_people
    await harness.stop()
    harness.clock.set(local(12, 14, 10, 0))  # -7 and -3 passed while down; -1 is due
    await harness.start()  # the reminder job's first tick runs right after start
    await harness.standin.wait_for(lambda: bool(_texts(harness, 600, "自查报告提醒")))
    (text,) = _texts(harness, 600, "自查报告提醒")
    assert "距截止还有 1 天" in text
    slots = {key.split(":")[1] for key, _u, _s in await campaign.reminders_sent(harness.deps.db.read)}
    assert "-1" in slots and "-7" not in slots and "-3" not in slots  # superseded slots are not sent late
    await harness.restart()
    assert await _tick(harness) == 0
    assert len(_texts(harness, 600, "自查报告提醒")) == 1


async def test_a_reminder_interrupted_mid_send_is_never_repeated(campaign_people: Harness) -> None:
    harness = campaign_people
    harness.clock.set(local(12, 12, 9, 5))
    async with harness.deps.db.transaction() as conn:  # as if the bot died right after claiming it
        await campaign.claim_reminder(conn, "report:-3:600", user_id=600, slot="report:-3", at="t")
    await harness.restart()
    sent = dict((k, s) for k, _u, s in await campaign.reminders_sent(harness.deps.db.read))
    assert sent["report:-3:600"] == "unknown"
    await _tick(harness)
    assert _texts(harness, 600, "自查报告提醒") == []


async def test_after_the_deadline_once(campaign_people: Harness) -> None:
    harness = campaign_people
    harness.clock.set(local(12, 16, 9, 1))
    await _tick(harness)
    (text,) = _texts(harness, 600, "自查报告提醒")
    assert "已超过截止日期 1 天" in text
    harness.clock.set(local(12, 20, 9, 1))
    await _tick(harness)
    assert len(_texts(harness, 600, "自查报告提醒")) == 1


async def test_a_blocked_coordinator_does_not_stop_reminders(campaign_people: Harness) -> None:
    harness = campaign_people
    harness.standin.blocked.add(600)
    harness.clock.set(local(12, 8, 9, 30))
    await _tick(harness)
    assert _texts(harness, 620, "中职自查材料")
    statuses = {k: s for k, _u, s in await campaign.reminders_sent(harness.deps.db.read)}
    assert statuses["report:-7:600"] == "failed"


# --- broadcasts ------------------------------------------------------------------------------------------
async def _many_coordinators(harness: Harness, n: int) -> list[int]:
    users = []
    for seq in range(1, n + 1):
        user = 1000 + seq
        await harness.bind(user, "coordinator", str(seq))
        users.append(user)
    return users


async def _broadcast(office: Chat, text: str, audience: str) -> object:
    await office.say("/broadcast")
    pick = await office.say(text)
    preview = await office.tap(pick, audience)
    return preview


def _received(harness: Harness, text: str) -> Counter[int]:
    calls = [c for c in harness.standin.calls_to("sendMessage") if c.params.get("text") == text]
    return Counter(int(c.params["chat_id"]) for c in calls)


async def _done(harness: Harness, office: Chat) -> str:
    await harness.standin.wait_for(lambda: "✅ 已完成" in office.last.text, timeout=20)
    return office.last.text


async def test_broadcast_preview_confirm_and_report(harness: Harness) -> None:
    users = await _many_coordinators(harness, 20)
    office = harness.chat(1)
    preview = await _broadcast(office, "请于本周内完成自查报告填报。", "全部联络人")
    assert "共 <b>20</b> 人" in preview.text and "请于本周内完成" in preview.text  # type: ignore[attr-defined]
    await office.tap(preview, "确认发送")  # type: ignore[arg-type]
    report = await _done(harness, office)
    assert "已发送 20/20" in report
    assert _received(harness, "请于本周内完成自查报告填报。") == Counter({u: 1 for u in users})


async def test_broadcast_audiences(harness: Harness) -> None:
    await _many_coordinators(harness, 20)  # 附件3 Nos. 1-16 are 本科, 17-20 高职
    office = harness.chat(1)
    await office.say("/broadcast")
    pick = await office.say("只发本科")
    preview = await office.tap(pick, "本科")
    assert "共 <b>16</b> 人" in preview.text
    cities = await office.tap(preview, "取消")
    assert "已取消" in cities.text


async def test_broadcast_survives_429_storms_and_blocked_users(harness: Harness) -> None:
    users = await _many_coordinators(harness, 30)
    harness.standin.blocked.update({users[3], users[7]})
    harness.standin.fail("sendMessage", 429, "Too Many Requests", retry_after=5, times=12, match="风暴")
    office = harness.chat(1)
    preview = await _broadcast(office, "风暴中的通知", "全部联络人")
    await office.tap(preview, "确认发送")  # type: ignore[arg-type]
    report = await _done(harness, office)
    assert "已发送 28/30" in report and "无法送达 2" in report and "已屏蔽机器人" in report
    received = _received(harness, "风暴中的通知")
    assert sum(received.values()) == 28 and max(received.values()) == 1
    assert harness.clock.slept >= 5  # it waited as told, on the test clock


async def test_broadcast_never_resends_what_may_have_arrived(harness: Harness) -> None:
    users = await _many_coordinators(harness, 10)
    # The connection dies mid-request: delivery unknown.
    harness.standin.drop("sendMessage", times=1, match="可能已送达")
    office = harness.chat(1)
    preview = await _broadcast(office, "可能已送达", "全部联络人")
    await office.tap(preview, "确认发送")  # type: ignore[arg-type]
    report = await _done(harness, office)
    assert "状态未知 1" in report and "未重发" in report
    rows = await campaign.outbox_rows(harness.deps.db.read, 1)
    assert Counter(r.status for r in rows) == Counter({"sent": 9, "unknown": 1})
    (unknown,) = [r.user_id for r in rows if r.status == "unknown"]
    # The dropped one never reached the stand-in and was not sent again; everyone else got it once.
    assert _received(harness, "可能已送达") == Counter({u: 1 for u in users if u != unknown})


async def test_broadcast_resumes_after_a_crash_without_duplicates(harness: Harness) -> None:
    users = await _many_coordinators(harness, 40)
    harness.standin.latency = 0.02
    office = harness.chat(1)
    preview = await _broadcast(office, "中断后继续", "全部联络人")
    await office.tap(preview, "确认发送")  # type: ignore[arg-type]
    await harness.standin.wait_for(lambda: sum(_received(harness, "中断后继续").values()) >= 5)
    await harness.stop()  # the sender is cut off mid-way, as by a crash
    first = _received(harness, "中断后继续")
    assert 0 < sum(first.values()) < 40
    harness.standin.latency = 0
    await harness.start()
    report = await _done(harness, office)
    rows = await campaign.outbox_rows(harness.deps.db.read, 1)
    tally = Counter(r.status for r in rows)
    assert tally["sent"] + tally["unknown"] == 40 and tally["unknown"] <= 1
    received = _received(harness, "中断后继续")
    assert max(received.values()) == 1 and set(received) <= set(users)
    assert f"已发送 {tally['sent']}/40" in report


# --- questionnaire ---------------------------------------------------------------------------------------
def test_quota_rules() -> None:
    pilots = [(1, "甲"), (2, "乙")]
    # 1,200 registered: 12 students needed (1%), 12 took part; 11 teachers; both certificates covered.
    assert check(pilots, {1: (6, 8, 500), 2: (5, 4, 700)}).met is True
    short = check(pilots, {1: (6, 8, 2000)})
    assert short.students_needed == 20 and short.students_short == 12 and short.teachers_short == 4
    assert short.uncovered == ["乙"]
    tiny = check([(1, "甲")], {1: (10, 9, 100)})
    assert tiny.students_needed == 10 and tiny.students_short == 1


async def test_questionnaire_links_counts_and_quotas(campaign_people: Harness) -> None:
    harness = campaign_people
    office = harness.chat(1)
    assert "已设置教师问卷" in (await office.say("/questionnaire teacher https://wj.example/t")).text
    await office.say("/questionnaire student https://wj.example/s")
    assert "链接" in (await office.say("/questionnaire teacher ftp://x")).text
    await office.say("/questionnaire send")
    await harness.standin.wait_for(lambda: bool(_texts(harness, 600, "问卷调查")))
    assert "https://wj.example/s" in _texts(harness, 600, "问卷调查")[0]
    chat = harness.chat(600)
    menu = await chat.say("/menu")
    screen = await chat.tap(menu, "问卷调查")
    assert "Web前端开发：未填报" in screen.text and "学生还差 10 人" in screen.text
    ask = await chat.tap(screen, "填报人数")
    assert "Web前端开发" in ask.text
    assert "需要 3 个数" in (await chat.say("12 30")).text
    done = await chat.say("12 9 800")
    assert "学生还差 1 人" in done.text
    assert "安徽工商职业学院" in (await office.say("/quotas")).text
    ask = await chat.tap(done, "填报人数")
    done = await chat.say("12 10 800")
    assert "已达到问卷要求" in done.text
    assert "均达到" in (await office.say("/quotas")).text
    assert (await pending(harness.deps, harness.clock.now())) == []  # nothing due yet at T0


async def test_questionnaire_qr_images(campaign_people: Harness) -> None:
    harness = campaign_people
    office = harness.chat(1)
    assert "图片说明" in (await office.photo(files.png())).text
    assert "JPG 或 PNG" in (await office.upload(files.pdf(), "qr.pdf", "application/pdf", caption="学生问卷")).text
    n = len(office.seen)
    harness.standin.send_photo(1, files.png() + b"qr", caption="学生问卷")
    assert "已设置学生问卷二维码" in (await harness.standin.next_shown(1, n)).text
    chat = harness.chat(600)
    screen = await chat.tap(await chat.say("/menu"), "问卷调查")
    photos = len(harness.standin.calls_to("sendPhoto"))
    harness.standin.press(600, screen, screen.button("查看问卷二维码"))
    await harness.standin.wait_for(lambda: len(harness.standin.calls_to("sendPhoto")) > photos)
    sent = harness.standin.calls_to("sendPhoto")[-1]
    assert sent.params["caption"] == "学生问卷" and sent.files["photo"][1] == files.png() + b"qr"
    assert deps_of(harness.app).settings.reminder_days == (7, 3, 1)  # type: ignore[arg-type]


async def test_broadcast_text_is_sent_escaped(harness: Harness) -> None:
    users = await _many_coordinators(harness, 3)
    office = harness.chat(1)
    preview = await _broadcast(office, "参与学生<10人的院校 & 其他", "全部联络人")
    await office.tap(preview, "确认发送")  # type: ignore[arg-type]
    await _done(harness, office)
    assert _received(harness, "参与学生&lt;10人的院校 &amp; 其他") == Counter({u: 1 for u in users})
