"""An expert on the web: the assigned sample (an institution as a whole, an organization per certificate),
reading the submitted version of a report (never a returned report's draft, in Telegram either), grading with
a comment under Telegram's rules and its storage call (audit channel 'web'); unassigned units refused."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import pytest

from bot.core import buttons as bt
from bot.domain.people.invitations import issue
from bot.domain.reports.lifecycle import return_for_revision
from messages import org_oversight as zo
from messages import web_roles as say
from messages import zh
from storage import audit, people, reports, versions
from storage import evidence as evidence_store
from storage import oversight as oversight_store
from storage import roster as roster_store
from storage.models import Person
from storage.roster import RosterRow
from tests.support.helpers import Harness
from tests.support.reportsetup import ORG, SCHOOL, SECOND, province
from tests.support.webclient import WebClient, close_all
from tests.support.webroles import shown, web_person

DRAFT_TEXT = "修改稿：尚未提交的新说法"


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


@pytest.fixture
async def sample(harness: Harness) -> dict[str, int]:
    """Two schools and an organization, all submitted; the expert is assigned the first school and the
    organization (not the second school). Returns report ids by name, and institution ids as 'inst:<name>'."""
    found = await province(harness)
    for name in (SCHOOL, SECOND, ORG):
        inst = await roster_store.find_institution(harness.deps.db.read, name)
        assert inst is not None
        found[f"inst:{name}"] = inst.id
    return found


async def _expert(h: Harness, sample: dict[str, int]) -> WebClient:
    return await web_person(h, "expert", scope=[sample[f"inst:{SCHOOL}"], sample[f"inst:{ORG}"]])


async def _graded(h: Harness) -> list[tuple[int, int, int, str, str]]:
    return [
        (g.user_id, g.institution_id, g.certificate_id, g.grade, g.comment)
        for g in await oversight_store.all_grades(h.deps.db.read)
    ]


async def test_the_expert_home_lists_the_assigned_units(harness: Harness, sample: dict[str, int]) -> None:
    client = await _expert(harness, sample)
    page = await client.get("/")
    assert client.status == 200
    text = shown(page)
    assert say.EXPERT_HEADING in text and SECOND not in text
    cards = re.findall(r'<div class="card scroll"><h2>(.*?)</h2>.*?<table>(.*?)</table>', page, flags=re.S)
    submitted = zo.report_status("submitted", 1)
    assert [(shown(name), shown(rows)) for name, rows in cards] == [
        (SCHOOL, f"{SCHOOL} {submitted} 尚未评定"),
        (ORG, f"Web前端开发 {submitted} 尚未评定"),
    ]
    assert zo.BY_CERTIFICATE in text  # the organization is graded per certificate
    # An organization assigned before the roster gives it a certificate: listed, with nothing to grade yet.
    d = harness.deps
    (expert,) = await people.with_role(d.db.read, "expert")
    async with d.db.transaction() as conn:
        await roster_store.upsert_institutions(conn, [RosterRow(None, "培训评价组织", "新评价组织", None)])
    new_org = await roster_store.find_institution(d.db.read, "新评价组织")
    assert new_org is not None
    async with d.db.transaction() as conn:
        await oversight_store.assign(conn, expert.user_id, new_org.id, at="t")
    assert f"新评价组织 {zo.NO_CERTIFICATES}" in shown(await client.get("/expert"))


async def test_grading_stores_what_telegram_stores_with_the_web_channel(
    harness: Harness, sample: dict[str, int]
) -> None:
    d = harness.deps
    client = await _expert(harness, sample)
    (expert,) = await people.with_role(d.db.read, "expert")
    school, org = sample[f"inst:{SCHOOL}"], sample[f"inst:{ORG}"]
    url = f"/expert/{school}/0"
    page = await client.get(url)
    assert client.status == 200 and say.NOT_GRADED in shown(page)
    assert [v for v in re.findall(r'name="grade" value="([^"]+)"', page)] == ["优秀", "合格", "整改", "取消试点资格"]
    # No token, a grade that is not one of the four, 整改 with no comment: refused, nothing stored.
    await client.post(url, {"grade": "合格", "comment": ""})
    assert client.status == 403
    await client.get(url)
    await client.post(url, {"csrf": client.csrf, "grade": "很好", "comment": ""})
    assert client.status == 400 and say.GRADE_PICK in shown(client.page)
    await client.post(url, {"csrf": client.csrf, "grade": "整改", "comment": "  无 "})
    assert client.status == 400 and zh.GRADE_COMMENT_REQUIRED in shown(client.page)
    long = "意" * (harness.settings.max_text_length + 1)
    await client.post(url, {"csrf": client.csrf, "grade": "合格", "comment": long})
    assert client.status == 400
    assert await _graded(harness) == []
    # 无 means no comment, as in Telegram.
    page = await client.post(url, {"csrf": client.csrf, "grade": "合格", "comment": "无"})
    assert client.status == 200 and say.graded(SCHOOL, "合格") in shown(page)
    assert say.current_grade("合格", "") in shown(page)
    await client.post(url, {"csrf": client.csrf, "grade": "整改", "comment": "佐证<材料>不全"})
    cert = (await roster_store.certificates_of_org(d.db.read, org))[0].id
    await client.get(f"/expert/{org}/{cert}")
    await client.post(f"/expert/{org}/{cert}", {"csrf": client.csrf, "grade": "优秀", "comment": ""})
    assert client.status == 200
    assert await _graded(harness) == [
        (expert.user_id, school, 0, "整改", "佐证<材料>不全"),
        (expert.user_id, org, cert, "优秀", ""),
    ]
    assert "佐证&lt;材料&gt;不全" in await client.get(url)
    log = await audit.entries(d.db.read, action="grade.put")
    assert [(e.actor, e.subject, e.channel) for e in log] == [
        (f"web:{expert.user_id}", str(school), "web"),
        (f"web:{expert.user_id}", str(school), "web"),
        (f"web:{expert.user_id}", f"{org}:{cert}", "web"),
    ]
    page = await client.get("/expert")
    assert "评定：整改" in shown(page) and "评定：优秀" in shown(page)


async def test_unassigned_units_and_other_pages_are_refused(harness: Harness, sample: dict[str, int]) -> None:
    client = await _expert(harness, sample)
    second = sample[f"inst:{SECOND}"]
    await client.get(f"/expert/{second}/0")
    assert client.status == 403
    await client.get(f"/expert/{sample[f'inst:{SCHOOL}']}/0")
    await client.post(f"/expert/{second}/0", {"csrf": client.csrf, "grade": "优秀", "comment": ""})
    assert client.status == 403
    assert await _graded(harness) == []
    for path in (f"/read/{sample[SECOND]}", f"/r/{sample[SCHOOL]}", f"/r/{sample[SCHOOL]}/word", "/city", "/lead"):
        await client.get(path)
        assert client.status == 403, path
    await client.get(f"/expert/{sample[f'inst:{ORG}']}/0")  # an organization is graded per certificate only
    assert client.status == 404


async def _return_and_redraft(harness: Harness, sample: dict[str, int]) -> tuple[int, int, int, str, str]:
    """The office returns the school's report; its coordinator rewrites a narrative, adds a file and removes
    a submitted one in the draft. Returns (report id, submitted file id, draft file id, item key)."""
    d = harness.deps
    rid = sample[SCHOOL]
    laid = d.outlines.institution
    item = next(i for i in laid.items if i.narrative is not None)
    office = Person(user_id=1, name="", role="office", institution_id=None, city=None, chat_id=1)
    version = await versions.version(d.db.read, rid, 1)
    assert version is not None
    submitted = json.loads(version.content)["answers"][item.key]["text"]
    files = await evidence_store.of_report(d.db.read, rid)
    kept = files[0]
    await return_for_revision(d.db, office, rid, {"*": "请完善"}, at=harness.clock.now().isoformat(), update_id=None)
    async with d.db.transaction() as conn:
        await reports.put_answer(conn, report_id=rid, item=item.key, value={"text": DRAFT_TEXT}, user_id=600, at="t")
        added = await evidence_store.add(
            conn,
            report_id=rid,
            item=kept.item,
            name="修改稿附件.pdf",
            kind=kept.kind,
            mime=kept.mime,
            size=kept.size,
            sha256=kept.sha256,
            uploaded_by=600,
            at="t",
            tg_file_id=None,
        )
        await evidence_store.remove(conn, kept.id, at="t")
    return rid, kept.id, added, item.key, submitted


async def test_readers_see_the_submitted_version_of_a_returned_report(harness: Harness, sample: dict[str, int]) -> None:
    d = harness.deps
    rid, kept, added, key, submitted = await _return_and_redraft(harness, sample)
    client = await _expert(harness, sample)
    page = await client.get(f"/read/{rid}")
    assert client.status == 200
    text = shown(page)
    assert submitted in text and DRAFT_TEXT not in text
    assert "该报告已退回修改。以下为第 1 版" in text
    assert f"/read/{rid}/f/{kept}" in page and f"/read/{rid}/f/{added}" not in page
    await client.get(f"/read/{rid}/f/{kept}")
    assert client.status == 200 and client.last_body
    for path in (f"/read/{rid}/f/{added}", f"/r/{rid}/f/{added}"):  # the draft's file, by either URL
        await client.get(path)
        assert client.status == 403, path
    # Not gradable while returned: no form, and a forged POST stores nothing.
    school = sample[f"inst:{SCHOOL}"]
    page = await client.get(f"/expert/{school}/0")
    assert zo.GRADE_NOT_SUBMITTED in shown(page) and 'name="grade"' not in page
    await client.post(f"/expert/{school}/0", {"csrf": client.csrf, "grade": "优秀", "comment": ""})
    assert client.status == 409 and await _graded(harness) == []
    # Its authors still see their draft.
    assert key and DRAFT_TEXT in str((await reports.answers(d.db.read, rid))[key])


async def test_telegram_readers_see_the_submitted_version_too(harness: Harness, sample: dict[str, int]) -> None:
    rid, _kept, _added, key, submitted = await _return_and_redraft(harness, sample)
    (invited,) = await issue(
        harness.deps.db,
        role="expert",
        institution=None,
        city=None,
        actor="test",
        now=harness.clock.now(),
        days=14,
        scope=[sample[f"inst:{SCHOOL}"]],
    )
    chat = harness.chat(800)
    shown_msg = await chat.say(f"/start {invited.code}")
    section = harness.deps.outlines.institution.by_key[key].section.no
    page = await chat.press(shown_msg, bt.Review(rid, "page", section).pack())
    assert submitted in page.text and DRAFT_TEXT not in page.text, page.text
    files = await chat.press(shown_msg, bt.Review(rid, "files").pack())
    assert "修改稿附件.pdf" not in files.text
