"""Button data (bot/core/buttons.py): every payload packs within Telegram's 64 bytes and parses back to itself;
the parser is strict; every button the screens of a walk and of the office show parses."""

from __future__ import annotations

from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import buttons as bt
from bot.domain.campaign.progress import STATUSES
from bot.domain.oversight.oversight import GRADES
from bot.domain.people.roster import ANHUI_CITIES, KINDS
from messages import zh
from storage import cursors, reports
from tests.support.helpers import Harness

IDS = st.integers(0, bt.SQLITE_MAX)
SMALL = st.integers(0, bt.SMALL_MAX)
ITEMS = st.from_regex(r"[a-z][a-z0-9_.]{0,31}", fullmatch=True)


def actions(alias: object) -> st.SearchStrategy[str]:
    return st.sampled_from(get_args(alias))


def _menu(action: str, report: int, section: int) -> bt.Menu:
    return bt.Menu(action, report, section if action == "sec" else None)  # type: ignore[arg-type]


def _broadcast(action: str, audience: str, kind: str, city: str, cert: int) -> bt.Broadcast:
    if action != "aud":
        return bt.Broadcast(action)  # type: ignore[arg-type]
    arg = {"kind": kind, "city": city, "cert": str(cert)}.get(audience, "")
    return bt.Broadcast("aud", audience, arg)  # type: ignore[arg-type]


def _expert(action: str, institution: int, certificate: int | None, grade: int) -> bt.Expert:
    if action == "card":
        return bt.Expert(institution, "card")
    if action == "cert":
        return bt.Expert(institution, "cert", certificate if certificate is not None else 1)
    return bt.Expert(institution, "g", certificate, grade)


PAYLOADS: st.SearchStrategy[bt.Payload] = st.one_of(
    st.builds(bt.Walk, IDS, ITEMS, actions(bt.WalkAction), st.none() | SMALL),
    st.builds(_menu, actions(bt.MenuAction), IDS, st.integers(1, bt.SMALL_MAX)),
    st.builds(bt.Evidence, IDS, st.none() | ITEMS, actions(bt.EvidenceAction), st.none() | IDS),
    st.builds(bt.Review, IDS, actions(bt.ReviewAction), st.none() | IDS),
    st.builds(bt.Submit, IDS, actions(bt.SubmitAction)),
    st.builds(bt.Card, IDS, actions(bt.CardAction)),
    st.builds(
        lambda a, s: bt.Progress(a, s if a == "list" else None), actions(bt.ProgressAction), st.sampled_from(STATUSES)
    ),  # type: ignore[arg-type]
    st.builds(_expert, actions(bt.ExpertAction), IDS, st.none() | IDS, st.integers(0, len(GRADES) - 1)),
    st.builds(bt.Reader, actions(bt.ReaderAction)),
    st.builds(
        _broadcast,
        actions(bt.BroadcastAction),
        actions(bt.Audience),
        st.sampled_from(KINDS),
        st.sampled_from(ANHUI_CITIES),
        IDS,
    ),
    st.builds(bt.OfficeMenu, actions(bt.OfficeKey)),
    st.builds(bt.Rebind, actions(bt.RebindAnswer), IDS),
)


@given(PAYLOADS)
def test_every_payload_packs_within_64_bytes_and_parses_back_to_itself(payload: bt.Payload) -> None:
    data = payload.pack()
    assert 1 <= len(data.encode()) <= 64
    assert bt.parse(data) == payload


KNOWN = {
    bt.Walk: "w:1:p5:yn:1",
    bt.Menu: "m:sec:7:2",
    bt.Evidence: "e:3:-:sec:2",
    bt.Review: "r:3:page:1",
    bt.Submit: "s:3:ask:",
    bt.Card: "o:3:retgo:",
    bt.Progress: "p:list:submitted",
    bt.Expert: "x:24:g:2c5",
    bt.Reader: "c:lead",
    bt.Broadcast: "b:aud:city:合肥",
    bt.OfficeMenu: "ofc:export",
    bt.Rebind: "i:no:12",
}


def test_data_written_by_earlier_versions_parses_to_the_same_meaning() -> None:
    parsed = {kind: bt.parse(data) for kind, data in KNOWN.items()}
    assert parsed == {
        bt.Walk: bt.Walk(1, "p5", "yn", 1),
        bt.Menu: bt.Menu("sec", 7, 2),
        bt.Evidence: bt.Evidence(3, None, "sec", 2),
        bt.Review: bt.Review(3, "page", 1),
        bt.Submit: bt.Submit(3, "ask"),
        bt.Card: bt.Card(3, "retgo"),
        bt.Progress: bt.Progress("list", "submitted"),
        bt.Expert: bt.Expert(24, "g", 5, 2),
        bt.Reader: bt.Reader("lead"),
        bt.Broadcast: bt.Broadcast("aud", "city", "合肥"),
        bt.OfficeMenu: bt.OfficeMenu("export"),
        bt.Rebind: bt.Rebind("no", 12),
    }
    assert set(get_args(bt.Payload)) == set(KNOWN)


@pytest.mark.parametrize(
    "data",
    [
        "",
        "w:1:p5:yn:²",  # a superscript digit: isdigit() says yes, int() says no
        "w:١:p5:yn:1",  # Arabic-Indic digits
        "w:1:p5:yn:-1",
        "w:1:p5:yn: 1",
        "w:1:p5:fly:1",  # no such action
        "w:1:P5:go:",  # item keys are lower-case ASCII
        "w:1:监测点:go:",
        "w:1:p5:row:10000",  # beyond any row
        "w:9223372036854775808:p5:go:",  # beyond SQLite's integers
        "w:1:p5:go",  # a part missing
        "w:1:p5:go::",  # a part too many
        "m:sec:1:",  # `sec` needs its section...
        "m:home:1:3",  # ...and only `sec` has one
        "e:1:-:rm:x",
        "r:1:page:0x1",
        "s:1:go:1",
        "o:1:burn:",
        "p:list:everything",
        "p:city:x",
        "x:1:g:12",
        "x:1:g:1c",
        "x:1:card:1",
        "b:aud:kind:大学",
        "b:aud:city:上海",
        "b:aud:cert:one",
        "b:aud:all:x",
        "b:go:all:",
        "c:delete",
        "ofc:drop",
        "i:maybe:1",
        "zz:1",
        "w:1:" + "p" * 60 + ":go:",  # over 64 bytes
    ],
)
def test_parse_refuses_what_no_button_packs(data: str) -> None:
    assert bt.parse(data) is None


def test_packing_over_64_bytes_is_a_programming_error() -> None:
    with pytest.raises(AssertionError):
        bt.Broadcast("aud", "city", "城" * 30).pack()


def test_the_office_dashboard_keys_are_the_messages_keys() -> None:
    assert set(zh.BTN_OFFICE) == set(get_args(bt.OfficeKey))


async def test_every_button_of_the_walk_and_the_office_screens_parses(harness: Harness) -> None:
    """Drives the screens with the most kinds of buttons; every button shown must parse and the kinds
    seen must include the walk's, the menu's, the evidence's, the review's, the card's and the office's."""
    await harness.bind(600, "coordinator", "安徽工商职业学院")
    async with harness.deps.db.transaction() as conn:
        report = await reports.ensure(conn, institution_id=24, certificate_id=None, outline="institution", at="t")
        await cursors.put(conn, user_id=600, report_id=report.id, item="p5", at="t")
    chat = harness.chat(600)
    menu = await chat.say("/menu")
    p5 = await chat.tap(menu, "继续填报")
    await chat.tap(p5, "是")
    await chat.tap(await chat.say("/menu"), "选择部分")
    await chat.tap(await chat.say("/menu"), "佐证材料")
    await chat.tap(await chat.say("/menu"), "预览并提交")
    office = harness.chat(1)
    await office.say("/menu")
    await office.say("/progress")
    data = harness.standin.button_data()
    parsed = [bt.parse(d) for d in data]
    assert [d for d, p in zip(data, parsed, strict=True) if p is None] == []
    kinds = {type(p) for p in parsed}
    assert {bt.Walk, bt.Menu, bt.Evidence, bt.Review, bt.OfficeMenu, bt.Progress} <= kinds
