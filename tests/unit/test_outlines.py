"""The outlines as data: wording, core flags, answer types, validation, and `xcheck outline show`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.cli import main as cli_main
from bot.domain.outlines import load_outline, load_outlines
from bot.domain.outlines.models import Numbers, Outline

# The annexes of the notice, shipped with the tests so the comparisons always run.
SEED = Path(__file__).resolve().parents[1] / "support" / "data" / "notice_annexes.txt"

CORE_INSTITUTION = {1, 2, 4, 6, 8, 12, 15, 17, 20, 23, 24}
CORE_ORG = {1, 2, 6, 8, 10, 11, 12, 13, 15, 17, 18, 19, 21}


def test_institution_outline_has_10_sections_26_points_and_its_11_core_points() -> None:
    outline = load_outline("institution", year=2020)
    points = [p for s in outline.sections for p in s.points]
    assert len(outline.sections) == 10 and [p.no for p in points] == list(range(1, 27))
    assert {p.no for p in points if p.core} == CORE_INSTITUTION


def test_training_org_outline_has_9_sections_23_points_and_its_13_core_points() -> None:
    outline = load_outline("training_org", year=2020)
    points = [p for s in outline.sections for p in s.points]
    assert len(outline.sections) == 9 and [p.no for p in points] == list(range(1, 24))
    assert {p.no for p in points if p.core} == CORE_ORG
    assert outline.subject == "certificate"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(
    ("which", "annex", "next_annex"), [("institution", "附件 1.", "附件 2."), ("training_org", "附件 2.", "附件 3")]
)
def test_every_title_and_point_is_worded_as_in_the_seed(which: str, annex: str, next_annex: str) -> None:
    text = SEED.read_text(encoding="utf-8")
    part = _squash(text[text.index(annex) : text.index(next_annex, text.index(annex) + 5)])
    outline = load_outline(which, year=2020)  # type: ignore[arg-type]
    for section in outline.sections:
        assert _squash(section.title) in part, section.title
        assert _squash(section.indicator) in part, section.indicator
        for point in section.points:
            mark = "★" if point.core else ""
            wording = _squash(f"{mark}{point.no}.{point.text}")
            if point.note:  # the seed's own line breaks off; the note says what was restored
                wording = wording[:-2]
            assert wording in part, (point.no, point.text)
            if not point.core:
                assert _squash(f"★{point.no}.{point.text}")[:-2] not in part


def test_each_section_asks_for_its_narratives() -> None:
    laid = load_outlines(year=2020).institution
    labels = {i.narrative.label for i in laid.items if i.narrative}
    assert labels == {"主要做法与成效", "存在问题与改进措施"}
    assert laid.by_key["s1.practice"].section.no == 1


def test_the_campaign_year_is_configuration_not_a_constant() -> None:
    outline = load_outline("institution", year=2021)
    assert outline.sections[0].title == "2021 年度证书考核完成情况"
    assert "2021 年X证书考核经费支付情况" in outline.sections[7].points[0].text


def test_formulas_and_rules_are_data() -> None:
    p1 = load_outline("institution", year=2020).sections[0].points[0]
    assert isinstance(p1.answer, Numbers)
    assert [(r.numerator, r.denominator) for r in p1.answer.rates] == [("registered", "scale")]
    p3 = load_outline("institution", year=2020).sections[0].points[2]
    assert isinstance(p3.answer, Numbers)
    assert any(c.op == "le" and c.other == "assessed" and c.severity == "error" for c in p3.answer.checks)


def _raw(which: str = "institution") -> dict:  # type: ignore[type-arg]
    return json.loads(
        (Path(__file__).parents[2] / "bot" / "domain" / "outlines" / f"{which}.json").read_text(encoding="utf-8")
    )


@pytest.mark.parametrize(
    "breaks",
    [
        lambda d: d["sections"][0]["points"][0]["answer"].update(type="slider"),
        lambda d: d["sections"][0]["points"][0].update(core="maybe"),
        lambda d: d["sections"][1]["points"][0].update(no=99),
        lambda d: d["sections"][0]["points"][1]["answer"]["rates"][0].update(denominator="nothing"),
        lambda d: d["sections"][0]["points"][0]["answer"]["checks"][0].update(field="passed"),
        lambda d: d["sections"][0]["points"][0].update(extra="field"),
        lambda d: d["sections"][0]["points"][0]["answer"]["rates"][0].update(numerator="passed"),
    ],
)
def test_a_broken_outline_is_refused_at_load(breaks) -> None:  # type: ignore[no-untyped-def]
    data = _raw()
    breaks(data)
    with pytest.raises(ValidationError):
        Outline.model_validate(data)


def test_outline_show_prints_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["outline", "show", "institution"]) == 0
    text = capsys.readouterr().out
    assert "★1. 院校年度总报考率" in text and "26. 学生是否存在违反考核纪律的情况?" in text
    assert "报考率=已报名人数/试点规模" in text
    assert cli_main(["outline", "show", "training_org", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    points = [p for s in data["sections"] for p in s["points"]]
    assert len(data["sections"]) == 9 and len(points) == 23
    assert {p["no"] for p in points if p["core"]} == CORE_ORG
    assert {p["answer_type"] for p in points} == {"numbers", "yesno"}
    assert points[0]["text"].startswith("年度报考率")
