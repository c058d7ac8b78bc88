"""The office-side flows on the channel-neutral core, driven with a `Recorder`: no Telegram, no stand-in.
Each test sends events to the core and checks the whole list of views (their types, texts and the button
payloads of their keyboards) and what was stored."""

from __future__ import annotations

import asyncio
import io
import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bench.filling import fill_report
from bot.core import buttons as bt
from bot.core import exports, office, office_review, oversight, readers
from bot.core.events import Command, Press, Sender, Text
from bot.core.stages import BroadcastStage, GradeStage, ReturnStage
from bot.core.views import Ack, Button, Document, Keyboard, Notice, Progress, Recorder, Refusal, Screen, View
from bot.deps import Deps
from bot.domain.people import access
from bot.domain.reports.lifecycle import submit
from messages import firstday as msg
from messages import org_oversight as zo
from messages import zh
from storage import cursors, people, reports, roster, versions
from storage import oversight as oversight_store
from storage.models import Person
from storage.roster import CertificateRow, PilotRow, RosterRow
from tests.support.core import bind, core_deps

OFFICE, COORDINATOR, SECOND_COORDINATOR, CITY, EXPERT, STRANGER = 1, 600, 601, 800, 900, 999
SCHOOL = "安徽工商职业学院"  # 附件3 No. 24
_update_ids = itertools.count(1000)


@pytest.fixture
async def d(tmp_path: Path) -> AsyncIterator[Deps]:
    async with core_deps(tmp_path, office=OFFICE) as deps:
        yield deps


def sender(user_id: int) -> Sender:
    return Sender(user_id, user_id, next(_update_ids), "测试")


def command(user_id: int, name: str, *args: str) -> Command:
    return Command(sender(user_id), name, args)


def press(user_id: int, payload: bt.Payload) -> Press:
    return Press(sender(user_id), payload.pack(), payload)


def typed(user_id: int, text: str) -> Text:
    return Text(sender(user_id), text)


def payloads(keyboard: Keyboard | None) -> list[list[bt.Payload | str | None]]:
    return [[b.data if b.data is not None else b.url for b in row] for row in (keyboard.rows if keyboard else ())]


async def pilots(d: Deps, units: list[str]) -> None:
    """One certificate (its organization, 安徽工商 its lead) piloted by `units`: the tables have a row each."""
    org = "某评价组织"
    async with d.db.transaction() as conn:
        await roster.upsert_institutions(conn, [RosterRow(None, "培训评价组织", org, None)])
        await roster.replace_certificates(
            conn, [CertificateRow("Web前端开发", org, SCHOOL)], [PilotRow(u, "Web前端开发", 100) for u in units]
        )


async def submitted_report(d: Deps, unit: str, coordinator: int) -> int:
    """The unit's report, filled in and submitted by its coordinator."""
    inst = await roster.find_institution(d.db.read, unit)
    assert inst is not None
    async with d.db.transaction() as conn:
        report = await reports.ensure(conn, institution_id=inst.id, certificate_id=None, outline="institution", at="t")
    await fill_report(d.db, d.outlines, d.settings.evidence_dir, report.id)
    who = await people.get(d.db.read, coordinator)
    assert who is not None
    await submit(d.db, d.outlines, who, report.id, year=2020, at=d.now_iso(), update_id=None)
    return report.id


async def run(flow: object, d: Deps, event: object) -> list[View]:
    out = Recorder()
    await flow(d, event, out)  # type: ignore[operator]
    return out.views


# --- review: the card, a return, an acceptance --------------------------------------------------------------
async def test_review_refuses_anyone_but_the_office_and_says_when_nothing_waits(d: Deps) -> None:
    await bind(d, COORDINATOR, "coordinator", SCHOOL)
    assert await run(office_review.open_review, d, command(COORDINATOR, "review")) == [Refusal(zh.NOT_ALLOWED)]
    assert await run(office_review.open_review, d, command(STRANGER, "review")) == [Refusal(zh.NOT_ALLOWED)]
    assert await run(office_review.open_review, d, command(OFFICE, "review")) == [Screen(zh.REVIEW_NOTHING)]
    assert await run(office_review.open_review, d, command(OFFICE, "review", "火星学院")) == [
        Screen(msg.no_match("火星学院"))
    ]


async def test_the_office_returns_points_and_the_coordinators_are_told(d: Deps) -> None:
    await bind(d, COORDINATOR, "coordinator", SCHOOL)
    await bind(d, SECOND_COORDINATOR, "coordinator", SCHOOL)
    await pilots(d, [SCHOOL])
    rid = await submitted_report(d, SCHOOL, COORDINATOR)

    (card,) = await run(office_review.open_review, d, command(OFFICE, "review", "24"))
    assert isinstance(card, Screen)
    assert card.text == (
        f"🏫 {SCHOOL}\n状态：已提交 · 第 1 版（共 1 个提交版本）\n"
        "最近提交：2020年11月20日 08:00\n未完成项目：0 · 佐证材料：11 份"
    )
    assert payloads(card.keyboard) == [
        [bt.Review(rid, "page", 1)],
        [bt.Card(rid, "retpts"), bt.Card(rid, "retall")],
        [bt.Card(rid, "acceptask")],
        [bt.Card(rid, "word")],
    ]
    back = Keyboard.of([[Button(zh.BTN_CARD, bt.Card(rid, "card"))]])
    assert await run(office_review.press_office_button, d, press(OFFICE, bt.Card(rid, "retpts"))) == [
        Screen(zh.RETURN_POINTS_PROMPT, back)
    ]
    cursor = await cursors.get(d.db.read, OFFICE)
    assert cursor is not None and (cursor.report_id, cursor.stage) == (rid, ReturnStage.POINTS)

    # A line that names no point is refused whole; nothing is stored.
    who = await access.person(d.db, OFFICE, admin_ids=d.settings.admin_ids)
    assert who is not None and who.role == "office"
    bad = await run_text(d, "监测点 999 不存在", who)
    assert bad == [Refusal(zh.RETURN_BAD_LINES + "\n监测点 999 不存在")]
    assert await cursors.get(d.db.read, OFFICE) == cursor
    preview = await run_text(d, "1 请核对报名人数\n2：补充考核记录", who)
    label_1, label_2 = zh.item_name(1, 1), zh.item_name(2, 1)
    assert preview == [
        Screen(
            zh.return_preview([(label_1, "请核对报名人数"), (label_2, "补充考核记录")]),
            Keyboard.of(
                [
                    [Button(zh.BTN_RETURN_CONFIRM, bt.Card(rid, "retgo"))],
                    [Button(zh.BTN_CANCEL, bt.Card(rid, "card"))],
                ]
            ),
        )
    ]
    views = await run(office_review.press_office_button, d, press(OFFICE, bt.Card(rid, "retgo")))
    assert views == [
        Screen(zh.returned_done(SCHOOL, 2), back),
        Notice(
            (COORDINATOR, SECOND_COORDINATOR),
            zh.returned_to_coordinator(SCHOOL, None, [(label_1, "请核对报名人数"), (label_2, "补充考核记录")]),
            Keyboard.of([[Button(zh.BTN_START_REVISION, bt.Walk(rid, "p1", "go"))]]),
        ),
    ]
    report = await reports.get(d.db.read, rid)
    assert report is not None and report.status == "returned"
    (revision,) = await versions.revisions(d.db.read, rid)
    assert revision.comments == {"p1": "请核对报名人数", "p2": "补充考核记录"}
    # The same confirmation pressed again is stale: the prepared return was used up.
    assert await run(office_review.press_office_button, d, press(OFFICE, bt.Card(rid, "retgo"))) == [
        Refusal(zh.REFUSALS["stale"])
    ]


async def run_text(d: Deps, text: str, who: Person) -> list[View]:
    out = Recorder()
    await office_review.take_office_text(d, typed(OFFICE, text), who, out)
    return out.views


async def test_the_offices_typing_is_a_broadcasts_text_after_the_dashboards_button_else_a_hint(d: Deps) -> None:
    who = await access.person(d.db, OFFICE, admin_ids=d.settings.admin_ids)
    assert who is not None
    assert await run_text(d, "大家好", who) == [Refusal(zh.HELP_OFFICE.strip())]
    assert await run(office.press_office_menu, d, press(OFFICE, bt.OfficeMenu("broadcast"))) == [
        Screen(zh.BROADCAST_ASK_TEXT)
    ]
    (pick,) = await run_text(d, "请于周五前提交", who)
    assert isinstance(pick, Screen) and pick.text == zh.BROADCAST_PICK
    assert all(isinstance(b, bt.Broadcast) for row in payloads(pick.keyboard) for b in row)
    cursor = await cursors.get(d.db.read, OFFICE)
    assert cursor is not None and cursor.stage == BroadcastStage.AUDIENCE


async def test_the_office_accepts_after_asking_and_accepted_reports_cannot_be_returned(d: Deps) -> None:
    await bind(d, COORDINATOR, "coordinator", SCHOOL)
    await pilots(d, [SCHOOL])
    rid = await submitted_report(d, SCHOOL, COORDINATOR)
    assert await run(office_review.press_office_button, d, press(OFFICE, bt.Card(rid, "acceptask"))) == [
        Screen(
            zh.ACCEPT_ASK,
            Keyboard.of(
                [
                    [Button(zh.BTN_ACCEPT_CONFIRM, bt.Card(rid, "acceptgo"))],
                    [Button(zh.BTN_CANCEL, bt.Card(rid, "card"))],
                ]
            ),
        )
    ]
    assert await run(office_review.press_office_button, d, press(OFFICE, bt.Card(rid, "acceptgo"))) == [
        Screen(zh.accepted(SCHOOL), Keyboard.of([[Button(zh.BTN_CARD, bt.Card(rid, "card"))]])),
        Notice((COORDINATOR,), zh.accepted_notice(SCHOOL, None)),
    ]
    report = await reports.get(d.db.read, rid)
    assert report is not None and report.status == "accepted"
    assert await run(office_review.press_office_button, d, press(OFFICE, bt.Card(rid, "retall"))) == [
        Refusal(zh.REFUSALS["accepted_final"])
    ]
    # A coordinator pressing the office's button is refused before anything is read.
    assert await run(office_review.press_office_button, d, press(COORDINATOR, bt.Card(rid, "acceptgo"))) == [
        Refusal(zh.NOT_ALLOWED)
    ]


async def test_the_dashboard_buttons_run_the_commands_flows(d: Deps) -> None:
    (shown,) = await run(office.press_office_menu, d, press(OFFICE, bt.OfficeMenu("review")))
    assert shown == Screen(zh.REVIEW_NOTHING)
    (sample,) = await run(office.press_office_menu, d, press(OFFICE, bt.OfficeMenu("sample")))
    assert sample == Screen(zh.NO_SAMPLE)  # the button only shows; it never draws
    assert await oversight_store.latest_sample(d.db.read) is None
    out = Recorder()
    await office.show_office_menu(d, out)
    (menu,) = out.views
    assert isinstance(menu, Screen) and menu.text.startswith(zh.OFFICE_MENU)
    assert [b for row in payloads(menu.keyboard) for b in row] == [
        bt.OfficeMenu(key) for k in zh.BTN_OFFICE if (key := bt.office_key(k))
    ]


# --- invitations ----------------------------------------------------------------------------------------------
async def test_invitations_are_issued_once_per_update_and_bad_roles_explained(d: Deps) -> None:
    assert await run(office.create_invitations, d, command(OFFICE, "invite")) == [Screen(zh.INVITE_USAGE)]
    assert await run(office.create_invitations, d, command(OFFICE, "invite", "校长", "24")) == [
        Screen(zh.INVITE_BAD_ROLE)
    ]
    assert await run(office.create_invitations, d, command(COORDINATOR, "invite", "院校", "24")) == [
        Screen(zh.NOT_ALLOWED)
    ]
    event = command(OFFICE, "invite", "院校", "24")
    (issued,) = await run(office.create_invitations, d, event)
    assert isinstance(issued, Screen) and SCHOOL in issued.text and "/start/" in issued.text
    # The same update again (a replay) issues nothing and says nothing.
    assert await run(office.create_invitations, d, event) == []
    rows = await d.db.read.execute_fetchall("SELECT role, institution_id FROM invitations")
    inst = await roster.find_institution(d.db.read, SCHOOL)
    assert inst is not None and [tuple(r) for r in rows] == [("coordinator", inst.id)]


# --- readers: the city bureau ---------------------------------------------------------------------------------
async def test_a_city_completes_its_package_only_when_every_school_submitted(d: Deps) -> None:
    await bind(d, CITY, "city", city="合肥")
    schools = [i for i in await roster.institutions(d.db.read, kind="中职") if i.city == "合肥"]
    assert len(schools) == 15
    await pilots(d, [i.name for i in schools])
    refused = await run(readers.press_reader_button, d, press(CITY, bt.Reader("complete")))
    assert refused == [Refusal(zh.city_not_ready([i.name for i in schools])[:190])]
    assert await versions.city_completed(d.db.read, "合肥") is None
    # Every 中职 of 合肥 submits; then the package is complete and the office is told.
    for n, inst in enumerate(schools):
        await bind(d, 2000 + n, "coordinator", inst.name)
        await submitted_report(d, inst.name, 2000 + n)
    views = await run(readers.press_reader_button, d, press(CITY, bt.Reader("complete")))
    assert views == [Screen(zh.city_completed("合肥")), Notice((OFFICE,), zh.office_city_completed("合肥"))]
    assert await versions.city_completed(d.db.read, "合肥") is not None
    out = Recorder()
    who = await people.get(d.db.read, CITY)
    assert who is not None
    await readers.show_city(d, who, out)
    (overview,) = out.views
    assert isinstance(overview, Screen)
    ids = [(await reports.find(d.db.read, i.id, None)) for i in schools]
    assert payloads(overview.keyboard) == [
        *[[bt.Review(r.id, "sum")] for r in ids if r is not None],
        [bt.Reader("complete")],
        [bt.Reader("export")],
    ]
    # Someone else's role presses the city's button: refused.
    await bind(d, COORDINATOR, "coordinator", SCHOOL)
    assert await run(readers.press_reader_button, d, press(COORDINATOR, bt.Reader("complete"))) == [
        Refusal(zh.NOT_ALLOWED)
    ]


# --- oversight: an expert grades ------------------------------------------------------------------------------
async def test_an_assigned_expert_grades_with_a_comment_and_others_cannot(d: Deps) -> None:
    await bind(d, COORDINATOR, "coordinator", SCHOOL)
    await bind(d, EXPERT, "expert")
    await pilots(d, [SCHOOL])
    rid = await submitted_report(d, SCHOOL, COORDINATOR)
    inst = await roster.find_institution(d.db.read, SCHOOL)
    assert inst is not None
    assert await run(oversight.assign_expert, d, command(OFFICE, "assign", str(EXPERT), "24")) == [
        Screen(zh.assigned(f"用户{EXPERT}", [SCHOOL]))
    ]
    (card,) = await run(oversight.press_expert_button, d, press(EXPERT, bt.Expert(inst.id, "card")))
    assert isinstance(card, Screen)
    assert payloads(card.keyboard) == [
        [bt.Review(rid, "page", 1), bt.Review(rid, "files")],
        [bt.Expert(inst.id, "g", None, n) for n in range(4)],
        [bt.Menu("home")],
    ]
    chosen = await run(oversight.press_expert_button, d, press(EXPERT, bt.Expert(inst.id, "g", None, 2)))
    assert chosen == [Screen(zh.grade_comment_prompt("整改"))]
    cursor = await cursors.get(d.db.read, EXPERT)
    assert cursor is not None and cursor.stage == GradeStage.COMMENT
    expert = await people.get(d.db.read, EXPERT)
    assert expert is not None
    out = Recorder()
    await oversight.take_expert_text(d, typed(EXPERT, "无"), expert, out)  # 整改 needs a reason
    assert out.views == [Refusal(zh.GRADE_COMMENT_REQUIRED)]
    out = Recorder()
    await oversight.take_expert_text(d, typed(EXPERT, "师资不足"), expert, out)
    assert out.views == [
        Screen(zo.graded(SCHOOL, "整改"), Keyboard.of([[Button(zh.BTN_MENU, bt.Expert(inst.id, "card"))]]))
    ]
    assert [(g.user_id, g.institution_id, g.grade, g.comment) for g in await oversight_store.all_grades(d.db.read)] == [
        (EXPERT, inst.id, "整改", "师资不足")
    ]
    # An expert not assigned to it, and a coordinator, are refused.
    await bind(d, EXPERT + 1, "expert")
    assert await run(oversight.press_expert_button, d, press(EXPERT + 1, bt.Expert(inst.id, "card"))) == [
        Refusal(zh.NOT_ALLOWED)
    ]
    assert await run(oversight.press_expert_button, d, press(COORDINATOR, bt.Expert(inst.id, "card"))) == [
        Refusal(zh.NOT_ALLOWED)
    ]


# --- exports: built off the flow, then delivered through the same Out ----------------------------------------
async def test_a_city_export_reports_progress_sends_the_files_and_leaves_nothing(d: Deps) -> None:
    out = Recorder()
    await exports.start_export(d, command(OFFICE, "export", "北京"), out)
    assert out.views == [Ack(), Refusal(msg.EXPORT_BAD_CITY.format(city="北京"))]
    assert not d.tasks
    kept: list[bytes] = []

    class Keeping(Recorder):
        async def emit(self, view: View) -> object:
            if isinstance(view, Document) and view.path is not None:
                kept.append(view.path.read_bytes())  # the folder is removed once sent
            return await super().emit(view)

    out = Keeping()
    await exports.start_export(d, command(OFFICE, "export", "合肥市"), out)
    await asyncio.gather(*d.tasks)
    assert [type(v) for v in out.views] == [Ack, Progress, Document, Progress]
    _, started, workbook, done = out.views
    assert started == Progress(exports.PROGRESS, zh.EXPORT_STARTED)
    assert isinstance(workbook, Document) and workbook.filename == "合肥市中职自查汇总.xlsx"
    sheets = load_workbook(io.BytesIO(kept[0])).sheetnames
    assert len(kept) == 1 and len(sheets) > 1
    assert done == Progress(exports.PROGRESS, zh.EXPORT_DONE.format(sheets=len(sheets), files=0))
    assert list(d.settings.exports_dir.iterdir()) == []
