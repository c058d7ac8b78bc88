"""The office's invitation form acts once: posted again (a double click, the browser's resubmission) or
forged, it issues nothing more and shows the form again with a fresh token."""

from __future__ import annotations

from bot.core import forms
from messages import web_roles as say
from storage import roster as roster_store
from tests.support.helpers import Harness
from tests.web.test_web_invite import SCHOOL, _close_clients, _invitations, _office, site

__all__ = ["_close_clients", "site"]  # fixtures, used by name


async def test_the_same_form_posted_twice_issues_once(site: Harness) -> None:
    school = await roster_store.find_institution(site.deps.db.read, SCHOOL)
    assert school is not None
    office = await _office(site)
    await office.get("/office/invite")
    form = {"csrf": office.csrf, "once": office.once, "role": "coordinator", "unit": str(school.id), "count": "2"}
    await office.post("/office/invite", form)
    assert office.status == 200
    issued = await _invitations(site)
    assert issued == [("coordinator", school.id, None)] * 2
    await office.post("/office/invite", form)
    assert office.status == 409 and say.INVITE_FORM_USED in office.page
    assert await _invitations(site) == issued
    # The form shown again carries a new token, which issues a new batch.
    fresh = office.once
    assert fresh != form["once"]
    await office.post("/office/invite", {**form, "once": fresh, "count": "1"})
    assert office.status == 200 and len(await _invitations(site)) == 3


async def test_a_forged_or_missing_token_issues_nothing(site: Harness) -> None:
    office = await _office(site)
    await office.get("/office/invite")
    for once in ("", "forged", "x" * 200):
        await office.post("/office/invite", {"csrf": office.csrf, "once": once, "role": "office", "count": "1"})
        assert office.status == 409, once
    assert await _invitations(site) == []


async def test_another_persons_token_issues_nothing(site: Harness) -> None:
    office = await _office(site)
    await office.get("/office/invite")
    assert site.deps.web is not None and site.deps.web.runner is not None
    (theirs,) = await forms.issue(site.deps, 12345, 1)
    await office.post("/office/invite", {"csrf": office.csrf, "once": theirs, "role": "office", "count": "1"})
    assert office.status == 409
    assert await _invitations(site) == []
