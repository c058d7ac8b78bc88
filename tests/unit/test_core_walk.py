"""A coordinator's walk on the channel-neutral core, driven with a `Recorder`: no Telegram, no stand-in.
Each step sends one event (Command, Text, Press, Upload) to the core and checks the whole list of views it
answered with (their types, the button payloads of their keyboards, the lines of their texts) and what was
stored. Points are taken from the outline data, never named here."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from collections.abc import AsyncIterator
from html import escape
from pathlib import Path

import pytest

from bot.core import buttons as bt
from bot.core import campaign as core_campaign
from bot.core import evidence, walk
from bot.core.events import Command, Press, Sender, Text, Upload
from bot.core.stages import EvidenceStage, PlacePending, QuestStage, pending
from bot.core.views import Button, Keyboard, Recorder, Refusal, Screen, Sending, View
from bot.deps import Deps
from bot.domain.campaign import broadcast as core_broadcast
from bot.domain.outlines.loader import Item
from bot.domain.walk.reporting import load_ctx
from messages import zh
from storage import campaign, cursors, reports, roster
from storage import evidence as evidence_store
from storage.roster import CertificateRow, PilotRow, RosterRow
from tests.support.core import bind, core_deps

OFFICE, COORDINATOR, OTHER_COORDINATOR, CITY, EXPERT, STRANGER = 1, 600, 601, 800, 900, 999
SCHOOL, OTHER_SCHOOL = "安徽工商职业学院", "合肥学院"  # 附件3 No. 24 and No. 10
CERTIFICATE, SCALE = "Web前端开发", 100
PDF = b"%PDF-1.4\n%core walk\n" + b"0" * 200
_update_ids = itertools.count(1000)


@pytest.fixture
async def d(tmp_path: Path) -> AsyncIterator[Deps]:
    async with core_deps(tmp_path, office=OFFICE) as deps:
        async with deps.db.transaction() as conn:
            # One certificate piloted by the school: every per-certificate table has one row.
            await roster.upsert_institutions(conn, [RosterRow(None, "培训评价组织", "某评价组织", None)])
            await roster.replace_certificates(
                conn, [CertificateRow(CERTIFICATE, "某评价组织", OTHER_SCHOOL)], [PilotRow(SCHOOL, CERTIFICATE, SCALE)]
            )
        await bind(deps, COORDINATOR, "coordinator", SCHOOL)
        await bind(deps, OTHER_COORDINATOR, "coordinator", OTHER_SCHOOL)
        await bind(deps, CITY, "city", city="合肥")
        await bind(deps, EXPERT, "expert")
        yield deps


def sender(user_id: int) -> Sender:
    return Sender(user_id, user_id, next(_update_ids), "测试")


def typed(user_id: int, text: str) -> Text:
    return Text(sender(user_id), text)


def press(user_id: int, payload: bt.Payload, fetch_file: Fetched | None = None) -> Press:
    return Press(sender(user_id), payload.pack(), payload, fetch_file.fetch_file if fetch_file else None)


class Fetched:
    """A channel's file store: what the core asked to fetch, by the channel's file id."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.asked: list[str] = []

    async def fetch_file(self, file_id: str, dest: Path) -> None:
        self.asked.append(file_id)
        await asyncio.to_thread(dest.write_bytes, self.files[file_id])

    def upload(self, user_id: int, file_id: str, name: str) -> Upload:
        async def fetch(dest: Path) -> None:
            await self.fetch_file(file_id, dest)

        return Upload(sender(user_id), name, len(self.files[file_id]), "application/pdf", False, fetch, None, file_id)


async def run(d: Deps, flow: object, event: object) -> list[View]:
    out = Recorder()
    await flow(d, event, out)  # type: ignore[operator]
    return out.views


def payloads(view: View) -> list[list[bt.Payload | str | None]]:
    keyboard = getattr(view, "keyboard", None)
    return [[b.data if b.data is not None else b.url for b in row] for row in (keyboard.rows if keyboard else ())]


def lines(view: View) -> list[str]:
    assert isinstance(view, Screen | Refusal)
    return view.text.split("\n")


async def report_id(d: Deps, unit: str = SCHOOL) -> int:
    inst = await roster.find_institution(d.db.read, unit)
    assert inst is not None
    async with d.db.transaction() as conn:
        return (
            await reports.ensure(conn, institution_id=inst.id, certificate_id=None, outline="institution", at="t")
        ).id


async def answers(d: Deps, rid: int) -> dict[str, object]:
    report = await reports.get(d.db.read, rid)
    assert report is not None
    return dict((await load_ctx(d.db.read, report, d.outlines)).state.answers)


async def files(d: Deps, rid: int) -> list[tuple[str, str, str, int, str, str | None]]:
    return [
        (f.item, f.name, f.kind, f.size, f.sha256, f.tg_file_id) for f in await evidence_store.of_report(d.db.read, rid)
    ]


def first_points(d: Deps) -> tuple[Item, Item]:
    """The outline's first two points: per-certificate tables, core, each needing a file."""
    items = [i for i in d.outlines.get("institution").items if i.point is not None]
    first, second = items[0], items[1]
    for item in (first, second):
        assert item.point is not None and item.core and item.point.evidence and item.point.answer.type == "numbers"
    return first, second


def walk_row(rid: int, item: Item) -> list[bt.Payload | str | None]:
    """The navigation row under an unanswered core point: back, put off, menu."""
    return [bt.Walk(rid, item.key, "back"), bt.Walk(rid, item.key, "later"), bt.Menu("home", rid)]


def menu_rows(rid: int) -> list[list[bt.Payload | str | None]]:
    """A school coordinator's menu (the questionnaire is the schools')."""
    return [
        [bt.Menu("cont", rid)],
        [bt.Menu("secs", rid), bt.Menu("prog", rid)],
        [bt.Menu("evid", rid), bt.Review(rid, "sum")],
        [bt.Menu("quest", rid)],
        [bt.Menu("dl", rid), bt.Menu("help", rid)],
    ]


async def test_a_coordinator_answers_a_table_confirms_it_attaches_a_file_and_moves_on(d: Deps) -> None:
    first, second = first_points(d)
    assert first.point is not None and second.point is not None
    fetched = Fetched({"F-1": PDF})

    views = await run(d, walk.open_menu, Command(sender(COORDINATOR), "menu"))
    rid = await report_id(d)
    assert [type(v) for v in views] == [Screen] and payloads(views[0]) == menu_rows(rid)
    assert zh.unit_line(SCHOOL, None) in lines(views[0])

    views = await run(d, walk.press_menu_button, press(COORDINATOR, bt.Menu("cont", rid)))
    assert [type(v) for v in views] == [Screen]
    asked = lines(views[0])
    assert payloads(views[0]) == [[bt.Evidence(rid, first.key, "list")], walk_row(rid, first)]
    assert escape(first.point.text) in asked

    # Not a number: the same screen with one line more, saying why; nothing stored.
    views = await run(d, walk.answer_text, typed(COORDINATOR, "abc"))
    assert [type(v) for v in views] == [Screen]
    refused = lines(views[0])
    added = [line for line in refused if line not in asked]
    assert len(added) == 1 and "“abc”" in added[0] and [line for line in refused if line != added[0]] == asked
    assert payloads(views[0]) == [[bt.Evidence(rid, first.key, "list")], walk_row(rid, first)]
    assert await answers(d, rid) == {}

    # A table read whole is shown for confirmation, with the rate computed.
    answer = typed(COORDINATOR, "90")
    views = await run(d, walk.answer_text, answer)
    assert [type(v) for v in views] == [Screen]
    assert payloads(views[0]) == [
        [bt.Walk(rid, first.key, "confirm"), bt.Walk(rid, first.key, "redo")],
        [bt.Evidence(rid, first.key, "list")],
        walk_row(rid, first),
    ]
    assert f"• {CERTIFICATE}{zh.scale_note(SCALE)}：已报名人数 90 → 报考率 90.00%" in lines(views[0])

    # Confirmed: stored, and the file the point needs is asked for right away.
    views = await run(d, walk.press_walk_button, press(COORDINATOR, bt.Walk(rid, first.key, "confirm")))
    assert [type(v) for v in views] == [Screen]
    assert payloads(views[0]) == [
        [bt.Evidence(rid, first.key, "list")],
        [bt.Walk(rid, first.key, "on")],
        [bt.Walk(rid, first.key, "back"), bt.Menu("home", rid)],
    ]
    stored = await answers(d, rid)
    row_key = next(iter(stored[first.key]["rows"]))  # type: ignore[index]
    assert stored == {first.key: {"rows": {row_key: {"registered": 90}}, "confirmed": True}}

    # The same update delivered again changes nothing and answers nothing.
    assert await run(d, walk.answer_text, answer) == []
    assert await answers(d, rid) == stored

    # A file sent on the point attaches to it; the point stays on screen, its file count updated.
    views = await run(d, evidence.receive_evidence, fetched.upload(COORDINATOR, "F-1", "报名表.pdf"))
    assert [type(v) for v in views] == [Screen] and fetched.asked == ["F-1"]
    where = zh.item_name(first.point.no, first.section.no, "")
    assert lines(views[0])[:2] == zh.evidence_saved(where, "报名表.pdf", zh.FILE_KINDS["pdf"], len(PDF), 1).split("\n")
    assert payloads(views[0])[0] == [bt.Evidence(rid, first.key, "list")]
    assert [b.label for b in views[0].keyboard.rows[0]] == [f"{zh.BTN_EVIDENCE} (1)"]  # type: ignore[union-attr]
    assert await files(d, rid) == [(first.key, "报名表.pdf", "pdf", len(PDF), hashlib.sha256(PDF).hexdigest(), "F-1")]

    views = await run(d, walk.press_walk_button, press(COORDINATOR, bt.Walk(rid, first.key, "on")))
    assert [type(v) for v in views] == [Screen]
    assert payloads(views[0]) == [[bt.Evidence(rid, second.key, "list")], walk_row(rid, second)]
    assert escape(second.point.text) in lines(views[0])
    assert await answers(d, rid) == stored


async def test_a_file_sent_from_the_menu_waits_for_the_point_it_supports(d: Deps) -> None:
    first, second = first_points(d)
    fetched = Fetched({"F-9": PDF})
    await run(d, walk.open_menu, Command(sender(COORDINATOR), "menu"))
    rid = await report_id(d)

    views = await run(d, evidence.receive_evidence, fetched.upload(COORDINATOR, "F-9", "考核记录.pdf"))
    laid = d.outlines.get("institution")
    points = [i for i in laid.section_items(first.section.no) if i.point is not None]
    puts = [bt.Evidence(rid, i.key, "put") for i in points]
    others = [bt.Evidence(rid, None, "sec", s.no) for s in laid.sections if s.no != first.section.no]
    assert [type(v) for v in views] == [Screen]
    assert payloads(views[0]) == [
        *[puts[n : n + 2] for n in range(0, len(puts), 2)],
        *[others[n : n + 5] for n in range(0, len(others), 5)],
        [bt.Evidence(rid, None, "drop")],
    ]
    # Nothing fetched or stored yet: the channel's id of the file waits on the cursor.
    cursor = await cursors.get(d.db.read, COORDINATOR)
    assert cursor is not None and cursor.stage == EvidenceStage.PLACE
    assert pending(cursor, PlacePending) == PlacePending(file_id="F-9", name="考核记录.pdf", size=len(PDF), caption="")
    assert fetched.asked == [] and await files(d, rid) == []

    # The press that names the point fetches the file through the channel and stores it there.
    views = await run(
        d, evidence.press_evidence_button, press(COORDINATOR, bt.Evidence(rid, second.key, "put"), fetched)
    )
    assert [type(v) for v in views] == [Screen] and fetched.asked == ["F-9"]
    assert payloads(views[0]) == [[bt.Evidence(rid, second.key, "list")], walk_row(rid, second)]
    sha = hashlib.sha256(PDF).hexdigest()
    assert await files(d, rid) == [(second.key, "考核记录.pdf", "pdf", len(PDF), sha, "F-9")]


async def test_menu_opens_by_role(d: Deps) -> None:
    views = await run(d, walk.open_menu, Command(sender(OFFICE), "menu"))
    assert [type(v) for v in views] == [Screen]
    keys = [p.key for row in payloads(views[0]) for p in row if isinstance(p, bt.OfficeMenu)]
    assert sorted(keys) == sorted(k for k in map(bt.office_key, zh.BTN_OFFICE) if k) and len(keys) == len(zh.BTN_OFFICE)
    assert lines(views[0])[0] == zh.OFFICE_MENU.split("\n")[0]
    # The welcome's 打开菜单 button opens the same menu for every role.
    assert await run(d, walk.press_menu_button, press(OFFICE, bt.Menu("home"))) == views

    views = await run(d, walk.open_menu, Command(sender(CITY), "menu"))
    assert [type(v) for v in views] == [Screen]
    assert payloads(views[0]) == [[bt.Reader("complete")], [bt.Reader("export")]]

    views = await run(d, walk.open_menu, Command(sender(EXPERT), "menu"))
    assert [type(v) for v in views] == [Screen] and payloads(views[0]) == []

    assert await run(d, walk.open_menu, Command(sender(STRANGER), "menu")) == [Refusal(zh.NOT_BOUND)]
    # Only a report's own coordinators press its menu buttons.
    rid = await report_id(d)
    assert await run(d, walk.press_menu_button, press(OFFICE, bt.Menu("secs", rid))) == [Refusal(zh.NOT_ALLOWED)]
    refused = await run(d, walk.press_menu_button, press(OTHER_COORDINATOR, bt.Menu("secs", rid)))
    assert refused == [Refusal(zh.NOT_ALLOWED)]


async def test_typed_text_goes_by_role_then_by_stage(d: Deps) -> None:
    assert await run(d, walk.answer_text, typed(CITY, "你好")) == [Refusal(zh.UNKNOWN_COMMAND)]
    assert await run(d, walk.answer_text, typed(OFFICE, "你好")) == [Refusal(zh.HELP_OFFICE.strip())]
    assert await run(d, walk.answer_text, typed(STRANGER, "你好")) == [Refusal(zh.NOT_BOUND)]
    expert_menu = await run(d, walk.open_menu, Command(sender(EXPERT), "menu"))
    assert await run(d, walk.answer_text, typed(EXPERT, "你好")) == expert_menu

    # A coordinator who has not opened anything yet gets the menu.
    views = await run(d, walk.answer_text, typed(COORDINATOR, "你好"))
    rid = await report_id(d)
    assert [type(v) for v in views] == [Screen] and payloads(views[0]) == menu_rows(rid)

    # In the questionnaire's stage the typed line is that table's row, not an answer to the walk.
    views = await run(d, walk.press_menu_button, press(COORDINATOR, bt.Menu("questfill", rid)))
    assert views == [Screen(zh.quest_ask(CERTIFICATE, 1, 1))]
    cursor = await cursors.get(d.db.read, COORDINATOR)
    assert cursor is not None and cursor.stage == QuestStage.ROW
    views = await run(d, walk.answer_text, typed(COORDINATOR, "abc"))
    assert [type(v) for v in views] == [Refusal] and lines(views[0])[1:] == zh.quest_ask(CERTIFICATE, 1, 1).split("\n")
    assert await campaign.counts(d.db.read) == {}

    views = await run(d, walk.answer_text, typed(COORDINATOR, "3 40 35"))
    inst = await roster.find_institution(d.db.read, SCHOOL)
    cert = next(c for c in await roster.certificates(d.db.read) if c.name == CERTIFICATE)
    assert inst is not None and await campaign.counts(d.db.read) == {inst.id: {cert.id: (3, 40, 35)}}
    assert [type(v) for v in views] == [Screen]
    assert payloads(views[0]) == [[bt.Menu("questfill", rid)], [bt.Menu("questqr", rid)], [bt.Menu("home", rid)]]
    assert await answers(d, rid) == {}  # nothing went to the walk
    cursor = await cursors.get(d.db.read, COORDINATOR)
    assert cursor is not None and cursor.stage != QuestStage.ROW


async def test_menu_buttons_refuse_what_does_not_fit(d: Deps) -> None:
    await run(d, walk.open_menu, Command(sender(COORDINATOR), "menu"))
    rid = await report_id(d)
    sections = len(d.outlines.get("institution").sections)
    stale = [Refusal(zh.STALE_BUTTON)]
    assert await run(d, walk.press_menu_button, press(COORDINATOR, bt.Menu("sec", rid, sections + 1))) == stale
    # A button of another kind given to the walk's buttons is old or forged.
    assert await run(d, walk.press_walk_button, press(COORDINATOR, bt.Menu("home", rid))) == stale
    help_screen = Screen(
        zh.HELP_COMMON + zh.HELP_COORDINATOR, Keyboard.of([[Button(zh.BTN_MENU, bt.Menu("home", rid))]])
    )
    assert await run(d, walk.press_menu_button, press(COORDINATOR, bt.Menu("help", rid))) == [help_screen]
    views = await run(d, walk.press_menu_button, press(COORDINATOR, bt.Menu("sec", rid, sections)))
    laid = d.outlines.get("institution")
    last = [bt.Walk(rid, i.key, "go") for i in laid.section_items(sections)]
    assert [type(v) for v in views] == [Screen]
    assert payloads(views[0]) == [*[last[n : n + 2] for n in range(0, len(last), 2)], [bt.Menu("secs", rid)]]


async def test_the_office_types_a_broadcast_and_the_channel_is_handed_its_sending(d: Deps) -> None:
    """/broadcast, its text typed (routed by role, then by the office's stage), the audience, the preview;
    then the core stores the broadcast with one outbox row per recipient (both schools' coordinators and
    the city bureau) and hands it to the channel, which sends the outbox."""
    assert await run(d, core_campaign.start_broadcast, Command(sender(OFFICE), "broadcast")) == [
        Screen(zh.BROADCAST_ASK_TEXT)
    ]
    views = await run(d, walk.answer_text, typed(OFFICE, "请于周五前提交 <自查报告>"))
    assert [type(v) for v in views] == [Screen] and lines(views[0]) == [zh.BROADCAST_PICK]
    assert [bt.Broadcast("aud", "all"), bt.Broadcast("aud", "pending")] in payloads(views[0])
    assert payloads(views[0])[-1] == [bt.Broadcast("cancel")]

    views = await run(d, core_campaign.press_broadcast_button, press(OFFICE, bt.Broadcast("aud", "all")))
    preview = zh.broadcast_preview(zh.audience_label("all", ""), 3, "请于周五前提交 <自查报告>")[:4000]
    assert views == [
        Screen(
            preview,
            Keyboard.of([[Button(zh.BTN_SEND, bt.Broadcast("go"))], [Button(zh.BTN_CANCEL, bt.Broadcast("cancel"))]]),
        )
    ]

    views = await run(d, core_campaign.press_broadcast_button, press(OFFICE, bt.Broadcast("go")))
    assert [type(v) for v in views] == [Sending]
    sending = views[0]
    assert isinstance(sending, Sending)
    found = await campaign.broadcast(d.db.read, sending.broadcast_id)
    assert found is not None and (found.text, found.audience, found.created_by) == (
        "请于周五前提交 &lt;自查报告&gt;",
        "all",
        OFFICE,
    )
    outbox = await campaign.outbox_rows(d.db.read, sending.broadcast_id)
    assert sorted((r.user_id, r.status, r.attempts) for r in outbox) == [
        (COORDINATOR, "pending", 0),
        (OTHER_COORDINATOR, "pending", 0),
        (CITY, "pending", 0),  # 'all' reaches the city bureaus too
    ]
    assert sending.text == (await core_broadcast.report_text(d, sending.broadcast_id))[0]
    # Typed text now goes back to the office's own hint: the broadcast flow has ended.
    assert await run(d, walk.answer_text, typed(OFFICE, "再来一条")) == [Refusal(zh.HELP_OFFICE.strip())]
