"""Readers of a report returned for revision (an expert, a lead institution) read what was submitted, the
version they evaluate and grade; the draft being revised is its coordinators' and the office's (issue 17's
leftover: the reading screens showed the draft)."""

from __future__ import annotations

from typing import Any

from bench.standin import Shown
from bot.domain.reports.evidence import write_blob
from bot.domain.reports.lifecycle import return_for_revision
from storage import evidence as evidence_store
from storage import reports
from storage.models import Person
from tests.support.helpers import Chat, Harness
from tests.support.reportsetup import ORG, SCHOOL, province

OFFICE, COORDINATOR, ORG_USER, EXPERT = 1, 600, 700, 900
DRAFT_TEXT = "草稿中改写的做法，尚未提交"


async def _return_and_revise(harness: Harness, report_id: int) -> tuple[str, str, list[str], list[str]]:
    """The office returns the report; its coordinator rewrites the first narrative, removes one file and
    uploads two others in the draft. Returns (narrative key, submitted text, submitted file names, draft's)."""
    db = harness.deps.db
    office = Person(OFFICE, "办公室", "office", None, None, None)
    await return_for_revision(db, office, report_id, {"*": "请完善"}, at="t", update_id=None)
    report = await reports.get(db.read, report_id)
    assert report is not None and report.status == "returned"
    narrative = next(i for i in harness.deps.outlines.get(report.outline).items if i.narrative is not None)
    submitted_text = str((await reports.answers(db.read, report_id))[narrative.key]["text"])
    submitted_files = [f.name for f in await evidence_store.of_report(db.read, report_id)]
    data = b"%PDF-1.4 a file of the draft only"
    async with db.transaction() as conn:
        await reports.put_answer(
            conn, report_id=report_id, item=narrative.key, value={"text": DRAFT_TEXT}, user_id=0, at="t"
        )
        first = (await evidence_store.of_report(conn, report_id))[0]
        await evidence_store.remove(conn, first.id, at="t")
        for name in ("草稿新增.pdf", "草稿另增.pdf"):  # one file fewer, two more: the draft counts one more
            await evidence_store.add(
                conn,
                report_id=report_id,
                item=first.item,
                name=name,
                kind="pdf",
                mime="application/pdf",
                size=len(data),
                sha256=write_blob(harness.settings.evidence_dir, data),
                uploaded_by=0,
                at="t",
                tg_file_id=None,
            )
    draft_files = [f.name for f in await evidence_store.of_report(db.read, report_id)]
    assert len(draft_files) == len(submitted_files) + 1 and first.name not in draft_files
    return narrative.key, submitted_text, submitted_files, draft_files


def _section_of(harness: Harness, outline: str, key: str) -> int:
    return next(i.section.no for i in harness.deps.outlines.get(outline).items if i.key == key)


async def _read(chat: Chat, shown: Shown, report_id: int, section: int) -> tuple[str, str]:
    """The section page and the evidence list, as the reader's buttons open them."""
    page = await chat.press(shown, f"r:{report_id}:page:{section}")
    files = await chat.press(page, f"r:{report_id}:files:")
    return page.text, files.text


def _names_listed(text: str, names: list[str]) -> list[str]:
    return [n for n in names if n in text]


async def test_an_expert_reads_and_counts_the_submitted_version_of_a_returned_report(harness: Harness) -> None:
    ids: dict[str, Any] = await province(harness)
    rid = ids[SCHOOL]
    await harness.bind(EXPERT, "expert")
    assert SCHOOL in (await harness.chat(OFFICE).say(f"/assign {EXPERT} {SCHOOL}")).text
    key, submitted_text, submitted_files, draft_files = await _return_and_revise(harness, rid)
    expert = harness.chat(EXPERT)
    card = await expert.tap(await expert.say("/menu"), SCHOOL)
    # The card counts the files of the submitted version, not of the draft.
    assert f"佐证材料 {len(submitted_files)} 份" in card.text
    page, files = await _read(expert, card, rid, _section_of(harness, "institution", key))
    assert submitted_text in page and DRAFT_TEXT not in page
    assert "退回意见" not in page  # the office's comments are about the revision, not what was submitted
    assert f"（{len(submitted_files)} 份）" in files
    assert _names_listed(files, sorted(set(submitted_files + draft_files))) == sorted(set(submitted_files))


async def test_a_lead_institution_reads_the_submitted_version_and_the_authors_their_draft(harness: Harness) -> None:
    ids: dict[str, Any] = await province(harness)
    rid = ids[ORG]
    key, submitted_text, submitted_files, draft_files = await _return_and_revise(harness, rid)
    section = _section_of(harness, "training_org", key)
    lead = harness.chat(COORDINATOR)
    led = await lead.tap(await lead.say("/menu"), "牵头证书")
    page, files = await _read(lead, led, rid, section)
    assert submitted_text in page and DRAFT_TEXT not in page
    assert _names_listed(files, sorted(set(submitted_files + draft_files))) == sorted(set(submitted_files))
    # The organization itself revises its draft: it sees the draft, with the office's comment.
    author = harness.chat(ORG_USER)
    menu = await author.say("/menu")
    page, files = await _read(author, menu, rid, section)
    assert DRAFT_TEXT in page and submitted_text not in page and "退回意见" in page
    assert _names_listed(files, sorted(set(submitted_files + draft_files))) == sorted(set(draft_files))
