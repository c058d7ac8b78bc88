"""Each answer type on its own (bot/domain/answers/types): reading typed text, buttons and web forms, completeness, the
texts for chat, web and exports, the walk's prompt and buttons, and the registry against the outline files."""

from __future__ import annotations

import inspect
import json
from importlib import resources
from typing import Any, get_args

import pytest
from pydantic import TypeAdapter

from bot.core import buttons as bt
from bot.domain.answers.parsers import Invalid
from bot.domain.answers.types import ANSWER_TYPES, Answer, AnswerType, Choice, Number, Numbers, Text, YesNo
from bot.domain.answers.types.base import FormRead, NumberBox, Options, TableForm, TextBox
from bot.domain.answers.types.scope import ItemScope
from bot.domain.outlines.loader import Item, LaidOut, load_outline
from bot.domain.walk.rules import Finding, Row
from messages import entry as en
from messages import zh

LONG = 2000
CERTS = [Row("c1", "Web前端开发", 100), Row("c2", "物流管理", 50)]


@pytest.fixture(scope="module")
def laid() -> LaidOut:
    return LaidOut(load_outline("institution", year=2020))


def scope(laid: LaidOut, key: str, answers: dict[str, Any] | None = None) -> ItemScope:
    return ItemScope(laid, laid.by_key[key], answers or {}, CERTS)


def answer_of(laid: LaidOut, key: str) -> Any:
    item: Item = laid.by_key[key]
    assert item.point is not None
    return item.point.answer


def invalid(code: str, call: Any) -> Invalid:
    with pytest.raises(Invalid) as caught:
        call()
    assert caught.value.code == code
    return caught.value


# --- the registry ----------------------------------------------------------------------------------------
def _type_names(cls: type[AnswerType]) -> tuple[str, ...]:
    return get_args(cls.model_fields["type"].annotation)


def test_registry_maps_every_answer_type_of_the_outline_files_to_a_class_implementing_every_method() -> None:
    used: set[str] = set()
    for name in ("institution", "training_org"):
        raw = json.loads((resources.files("bot.domain.outlines") / f"{name}.json").read_text(encoding="utf-8"))
        used |= {p["answer"]["type"] for s in raw["sections"] for p in s["points"]}
    registry = {t: cls for cls in ANSWER_TYPES for t in _type_names(cls)}
    # Each type name belongs to exactly one class, and every name the outlines use has one.
    assert sum(len(_type_names(cls)) for cls in ANSWER_TYPES) == len(registry)
    assert used == {"yesno", "choice", "number", "numbers"}
    assert used <= set(registry)
    assert set(registry) == {"yesno", "choice", "number", "numbers", "text", "longtext"}
    required = {n for n, f in vars(AnswerType).items() if getattr(f, "__isabstractmethod__", False)}
    assert required >= {"parse", "read_form", "complete", "chat_text", "web_text", "export_text", "describe"}
    for cls in ANSWER_TYPES:
        assert issubclass(cls, AnswerType)
        assert not inspect.isabstract(cls), f"{cls.__name__} leaves {cls.__abstractmethods__} out"
        for name in required:
            assert getattr(cls, name) is not getattr(AnswerType, name), f"{cls.__name__}.{name}"


def test_the_union_validates_each_type_name_to_its_class() -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(Answer)
    samples = {
        "yesno": {"type": "yesno", "flavour": "practice", "followup": "请说明。"},
        "choice": {"type": "choice", "options": ["甲", "乙"]},
        "number": {"type": "number", "label": "人数"},
        "numbers": {"type": "numbers", "rows": "once", "fields": [{"id": "n", "label": "人数"}]},
        "text": {"type": "text"},
        "longtext": {"type": "longtext"},
    }
    for name, data in samples.items():
        parsed = adapter.validate_python(data)
        assert name in _type_names(type(parsed))
        assert parsed.type == name


# --- yes / no --------------------------------------------------------------------------------------------
def test_yesno_reads_words_buttons_and_forms(laid: LaidOut) -> None:
    practice: YesNo = answer_of(laid, "p4")
    assert practice.parse("是", long_limit=LONG) == {"yes": True}
    assert practice.parse("没有。", long_limit=LONG) == {"yes": False}
    invalid("yesno", lambda: practice.parse("也许", long_limit=LONG))
    assert practice.from_button("yn", 1) == {"yes": True}
    assert practice.from_button("yn", 0) == {"yes": False}
    assert practice.from_button("yn", 2) is None
    assert practice.from_button("ch", 1) is None
    sc = scope(laid, "p4")
    assert practice.read_form({}, "p4", sc, long_limit=LONG) == FormRead(None)
    assert practice.read_form({"p4": "0"}, "p4", sc, long_limit=LONG) == FormRead(
        {"yes": False, "note": None}, needs_note=True
    )
    assert practice.read_form({"p4": "0", "p4.note": " 明年补齐 "}, "p4", sc, long_limit=LONG) == FormRead(
        {"yes": False, "note": "明年补齐"}
    )
    # A 是 on a practice question needs no explanation: one typed anyway is not kept.
    assert practice.read_form({"p4": "1", "p4.note": "多余"}, "p4", sc, long_limit=LONG) == FormRead(
        {"yes": True, "note": None}
    )
    invalid("yesno", lambda: practice.read_form({"p4": "2"}, "p4", sc, long_limit=LONG))
    invalid("too_long", lambda: practice.read_form({"p4": "0", "p4.note": "字" * 11}, "p4", sc, long_limit=10))


def test_yesno_explanations_completeness_and_waiver(laid: LaidOut) -> None:
    practice: YesNo = answer_of(laid, "p4")
    violation: YesNo = answer_of(laid, "p24")
    sc = scope(laid, "p4")
    assert practice.carry_over({"yes": False, "note": "原因"}, {"yes": False}) == {"yes": False, "note": "原因"}
    assert practice.carry_over({"yes": False, "note": "原因"}, {"yes": True}) == {"yes": True, "note": None}
    assert practice.asks_note({"yes": False, "note": None})
    assert not practice.asks_note({"yes": False, "note": "原因"})
    assert not practice.asks_note({"yes": True, "note": None})
    assert violation.asks_note({"yes": True, "note": None})
    assert not violation.asks_note({"yes": False, "note": None})
    assert practice.add_note({"yes": False, "note": None}, " 原因 ", long_limit=LONG) == {"yes": False, "note": "原因"}
    invalid("empty", lambda: practice.add_note({"yes": False}, "  ", long_limit=LONG))
    assert practice.complete({"yes": True}, sc)
    assert not practice.complete({"yes": False, "note": None}, sc)
    assert practice.complete({"yes": False, "note": "原因"}, sc)
    assert not practice.complete({"note": "原因"}, sc)
    assert violation.complete({"yes": False}, sc)
    assert practice.waived({"yes": False}, "no") and not practice.waived({"yes": True}, "no")
    assert not practice.waived({}, "no")
    assert practice.takes_text(followup=True) and not practice.takes_text(followup=False)
    assert violation.signals_breach() and not practice.signals_breach()
    assert YesNo.waives_evidence and not Numbers.waives_evidence
    assert practice.note_question() == "请说明原因及下一步改进计划。"


def test_yesno_texts_buttons_and_fields(laid: LaidOut) -> None:
    practice: YesNo = answer_of(laid, "p4")
    sc = scope(laid, "p4")
    value = {"yes": False, "note": "<b>原因</b>"}
    assert practice.chat_text(value, sc) == "否；&lt;b&gt;原因&lt;/b&gt;"
    assert practice.web_text(value, sc) == "否；<b>原因</b>"
    assert practice.export_text(value, sc) == "否；<b>原因</b>"
    assert practice.chat_text({"note": "x"}, sc) is None
    assert practice.export_text({"yes": True, "note": None}, sc) == "是"
    assert practice.note_of(value) == ("否", len("<b>原因</b>"))
    assert practice.note_of({"yes": True, "note": None}) is None
    assert practice.describe({}) == "是/否（选否须说明）"
    buttons = practice.buttons(7, "p4")
    assert buttons == [[("是", bt.Walk(7, "p4", "yn", 1)), ("否", bt.Walk(7, "p4", "yn", 0))]]
    assert [bt.parse(p.pack()) for _label, p in buttons[0]] == [p for _label, p in buttons[0]]
    assert practice.ask_lines({}, sc, row=0, redo=False, long_limit=LONG) == ["请点按钮，或发送“是”/“否”。"]
    assert practice.followup_lines({"yes": False}, long_limit=300) == [
        "您选择了“否”。请说明原因及下一步改进计划。",
        "请发送文字（不超过 300 字）。",
    ]
    assert practice.web_fields("p4", {"yes": False, "note": "原因"}) == [
        Options("p4", [("1", "是"), ("0", "否")], "0", boxed=True),
        TextBox("p4.note", "原因", prompt="说明（请说明原因及下一步改进计划。）"),
    ]
    assert practice.web_fields("p4", {})[0] == Options("p4", [("1", "是"), ("0", "否")], "", boxed=True)


# --- choice ----------------------------------------------------------------------------------------------
def test_choice(laid: LaidOut) -> None:
    choice: Choice = answer_of(laid, "p22")
    sc = scope(laid, "p22")
    assert choice.parse("2", long_limit=LONG) == {"choice": "部分上传"}
    assert choice.parse(" 尚未上传 ", long_limit=LONG) == {"choice": "尚未上传"}
    caught = invalid("choice", lambda: choice.parse("4", long_limit=LONG))
    assert caught.params == {"options": ["已全部上传", "部分上传", "尚未上传"]}
    assert choice.from_button("ch", 0) == {"choice": "已全部上传"}
    assert choice.from_button("ch", 3) is None
    assert choice.from_button("ch", None) is None
    assert choice.from_button("yn", 1) is None
    # The web form sends an option's index from 0; typed words are read as in chat.
    assert choice.read_form({"p22": "0"}, "p22", sc, long_limit=LONG) == FormRead({"choice": "已全部上传"})
    assert choice.read_form({"p22": "部分上传"}, "p22", sc, long_limit=LONG) == FormRead({"choice": "部分上传"})
    assert choice.read_form({"p22": " "}, "p22", sc, long_limit=LONG) == FormRead(None)
    invalid("choice", lambda: choice.read_form({"p22": "全部"}, "p22", sc, long_limit=LONG))
    assert choice.complete({"choice": "部分上传"}, sc) and not choice.complete({}, sc)
    odd = Choice(type="choice", options=["<i>甲</i>", "乙"])
    assert odd.chat_text({"choice": "<i>甲</i>"}, sc) == "&lt;i&gt;甲&lt;/i&gt;"
    assert odd.web_text({"choice": "<i>甲</i>"}, sc) == "<i>甲</i>"
    assert odd.export_text({"choice": "乙"}, sc) == "乙"
    assert choice.describe({}) == "单选：已全部上传 / 部分上传 / 尚未上传"
    assert choice.buttons(3, "p22") == [
        [("1. 已全部上传", bt.Walk(3, "p22", "ch", 0))],
        [("2. 部分上传", bt.Walk(3, "p22", "ch", 1))],
        [("3. 尚未上传", bt.Walk(3, "p22", "ch", 2))],
    ]
    assert choice.ask_lines({}, sc, row=0, redo=False, long_limit=LONG) == ["请点选项，或发送序号。"]
    options = [("0", "已全部上传"), ("1", "部分上传"), ("2", "尚未上传")]
    assert choice.web_fields("p22", {"choice": "尚未上传"}) == [Options("p22", options, "2")]
    assert choice.web_fields("p22", {"choice": "已删除的选项"}) == [Options("p22", options, "")]
    assert not choice.takes_text(followup=False) and choice.as_table() is None and choice.number_fields() == []


# --- one number ------------------------------------------------------------------------------------------
def test_number(laid: LaidOut) -> None:
    number: Number = answer_of(laid, "p7")  # 工作动态周报填报率, 0–100 %
    sc = scope(laid, "p7")
    assert number.parse("95%", long_limit=LONG) == {"n": 95}
    assert number.parse("９５", long_limit=LONG) == {"n": 95}
    assert invalid("above_max", lambda: number.parse("101", long_limit=LONG)).params == {"value": 101, "max": 100}
    invalid("below_min", lambda: number.parse("-1", long_limit=LONG))
    invalid("not_number", lambda: number.parse("很多", long_limit=LONG))
    invalid("count", lambda: number.parse("1 2", long_limit=LONG))
    assert number.read_form({"p7": "80"}, "p7", sc, long_limit=LONG) == FormRead({"n": 80})
    assert number.read_form({"p7": ""}, "p7", sc, long_limit=LONG) == FormRead(None)
    invalid("not_whole", lambda: number.read_form({"p7": "3.5"}, "p7", sc, long_limit=LONG))
    assert number.complete({"n": 0}, sc) and not number.complete({}, sc)
    assert number.chat_text({"n": 95}, sc) == "95%"
    assert number.web_text({"n": 95}, sc) == "95%"
    assert number.export_text({"n": 95}, sc) == "95%"
    assert Number(type="number", label="<b>人数</b>").saved_label("3") == "&lt;b&gt;人数&lt;/b&gt; 3"
    assert number.describe({}) == "整数 0–100%"
    assert number.buttons(1, "p7") == []
    assert number.ask_lines({}, sc, row=0, redo=False, long_limit=LONG) == [
        "请发送工作动态周报填报率：0–100 的整数（单位 %）。"
    ]
    assert number.web_fields("p7", {"n": 5}) == [NumberBox("p7", "工作动态周报填报率", 0, 100, "%", 5)]


# --- text ------------------------------------------------------------------------------------------------
def test_short_and_long_text(laid: LaidOut) -> None:
    short, long = Text(type="text"), Text(type="longtext")
    sc = scope(laid, "p4")
    assert short.parse("  \u200b说明  ", long_limit=LONG) == {"text": "说明"}
    assert invalid("too_long", lambda: short.parse("字" * 201, long_limit=LONG)).params == {"limit": 200, "got": 201}
    assert long.parse("字" * 201, long_limit=LONG) == {"text": "字" * 201}
    invalid("too_long", lambda: long.parse("字" * 11, long_limit=10))
    invalid("empty", lambda: long.parse("\u200b ", long_limit=LONG))
    assert short.read_form({"p9": "说明"}, "p9", sc, long_limit=LONG) == FormRead({"text": "说明"})
    assert short.read_form({}, "p9", sc, long_limit=LONG) == FormRead(None)
    assert short.complete({"text": "说明"}, sc) and not short.complete({"text": ""}, sc)
    assert short.takes_text(followup=False)
    assert short.chat_text({"text": "<script>"}, sc) == "&lt;script&gt;"
    assert short.chat_text({"text": "字" * 400}, sc) == "字" * 300 + "…"
    assert short.web_text({"text": "<script>"}, sc) == "<script>"
    assert long.export_text({"text": "一\n二"}, sc) == "一\n二"
    assert short.chat_text({}, sc) is None
    assert short.describe({}) == "文字"
    assert short.ask_lines({}, sc, row=0, redo=False, long_limit=LONG) == ["请发送文字（不超过 200 字）。"]
    assert long.ask_lines({}, sc, row=0, redo=False, long_limit=500) == ["请发送文字（不超过 500 字）。"]
    assert short.web_fields("p9", {"text": "x"}) == [TextBox("p9", "x", limit="不超过 200 字")]
    assert long.web_fields("p9", {}) == [TextBox("p9", None, limit="不超过 2000 字")]


# --- a table of numbers ----------------------------------------------------------------------------------
ANSWERS = {
    "p1": {"rows": {"c1": {"registered": 80}, "c2": {"registered": 50}}, "confirmed": True},
    "p2": {"rows": {"c1": {"assessed": 60}}, "confirmed": False},
}


def test_numbers_reads_a_row_and_a_web_table_under_its_checks(laid: LaidOut) -> None:
    registered: Numbers = answer_of(laid, "p1")
    assessed: Numbers = answer_of(laid, "p2")
    assert registered.parse("1,000人", long_limit=LONG) == {"registered": 1000}
    invalid("count", lambda: registered.parse("1 2", long_limit=LONG))
    sc = scope(laid, "p2", ANSWERS)
    form = {"p2.c1.assessed": "70", "p2.c2.assessed": "40"}
    assert assessed.read_form(form, "p2", sc, long_limit=LONG) == FormRead(
        {"rows": {"c1": {"assessed": 70}, "c2": {"assessed": 40}}, "confirmed": True}
    )
    assert assessed.read_form({"p2.c1.assessed": "70"}, "p2", sc, long_limit=LONG) == FormRead(
        {"rows": {"c1": {"assessed": 70}}, "confirmed": False}
    )
    assert assessed.read_form({"p2.c1.assessed": "90"}, "p2", sc, long_limit=LONG) == FormRead(
        None, [Finding("error", "Web前端开发：已完成考核人数不能超过已报名人数（80）。")]
    )
    warned = FormRead(None, [Finding("warn", "Web前端开发：已完成考核人数为 0，考核率将为 0，请确认是否无误。")])
    assert assessed.read_form({"p2.c1.assessed": "0"}, "p2", sc, long_limit=LONG) == warned
    assert assessed.read_form({"p2.c1.assessed": "0", "p2.ok": "1"}, "p2", sc, long_limit=LONG) == FormRead(
        {"rows": {"c1": {"assessed": 0}}, "confirmed": False}
    )
    assert assessed.read_form({}, "p2", sc, long_limit=LONG) == FormRead(None)
    invalid("not_number", lambda: assessed.read_form({"p2.c2.assessed": "x"}, "p2", sc, long_limit=LONG))
    no_certificates = ItemScope(laid, laid.by_key["p2"], ANSWERS, [])
    invalid("no_rows", lambda: assessed.read_form({}, "p2", no_certificates, long_limit=LONG))


def test_numbers_completeness_and_texts(laid: LaidOut) -> None:
    registered: Numbers = answer_of(laid, "p1")
    sc = scope(laid, "p1", ANSWERS)
    assert registered.complete(ANSWERS["p1"], sc)
    assert not registered.complete({**ANSWERS["p1"], "confirmed": False}, sc)
    assert not registered.complete({"rows": {"c1": {"registered": 80}}, "confirmed": True}, sc)
    assert not registered.complete({"rows": {}, "confirmed": True}, ItemScope(laid, laid.by_key["p1"], ANSWERS, []))
    assert registered.chat_text(ANSWERS["p1"], sc) == (
        "• Web前端开发（规模 100）：已报名人数 80 → 报考率 80.00%\n"
        "• 物流管理（规模 50）：已报名人数 50 → 报考率 100.00%\n"
        "<b>合计：试点规模 150、已报名人数 130 → 报考率 86.67%</b>"
    )
    assert (
        registered.web_text(ANSWERS["p1"], sc) == "Web前端开发：已报名人数 80；物流管理：已报名人数 50；报考率 86.67%"
    )
    assert registered.export_text(ANSWERS["p1"], sc) == "合计：试点规模 150、已报名人数 130；报考率 86.67%"
    assert registered.web_text({}, ItemScope(laid, laid.by_key["p1"], {}, [])) == "报考率 —"
    assert registered.describe({"scale": "试点规模", "registered": "已报名人数"}) == (
        "按证书填写：已报名人数；计算：报考率=已报名人数/试点规模"
    )
    assert registered.as_table() is registered
    assert [f.id for f in registered.number_fields()] == ["registered"]
    assert registered.web_fields("p1", {}) == [TableForm(registered)]
    assert registered.buttons(1, "p1") == []


def test_numbers_asks_a_row_with_the_figures_it_builds_on(laid: LaidOut) -> None:
    assessed: Numbers = answer_of(laid, "p2")
    sc = scope(laid, "p2", ANSWERS)
    assert assessed.ask_lines(ANSWERS["p2"], sc, row=1, redo=False, long_limit=LONG) == [
        "• Web前端开发：已完成考核人数 60 → 考核率 75.00%\n"
        "• 物流管理：已完成考核人数 — → 考核率 —\n"
        "<b>合计：已完成考核人数 60 → 考核率 75.00%</b>",
        "证书：<b>物流管理</b>\u3000第 2/2 个\n请发送已完成考核人数（整数）。",
        "此前填写：已报名人数 50",
        "也可一次发送整张表：每个证书一行按上面的顺序，或写“证书名 数字”，例如：\nWeb前端开发 120\n物流管理 120",
    ]
    # Nothing typed yet and asked again from the confirmation: no table above, no whole-table hint.
    lines = assessed.ask_lines({}, sc, row=0, redo=True, long_limit=LONG)
    assert lines == [
        en.redo_row("Web前端开发"),
        "证书：<b>Web前端开发</b>\u3000第 1/2 个\n请发送已完成考核人数（整数）。",
        "此前填写：已报名人数 80",
    ]
    no_rows = ItemScope(laid, laid.by_key["p2"], {}, [])
    assert assessed.ask_lines({}, no_rows, row=0, redo=False, long_limit=LONG) == [zh.invalid("no_rows", {})]
    assert assessed.example(sc) == "Web前端开发 120\n物流管理 120"
