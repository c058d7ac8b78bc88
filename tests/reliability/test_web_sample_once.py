"""The web console's spot-check draw happens exactly once per form: a repeated POST of the same form (double
click, browser re-POST, two at once) draws nothing new and shows the existing draw; replacing a draw is asked
about first, with the current draw on the page."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest

from storage import audit
from storage import oversight as oversight_store
from storage import roster as roster_store
from tests.support.helpers import Harness
from tests.support.webclient import WebClient, close_all
from tests.web.test_web_security import base

_HIDDEN = re.compile(r'<input type="hidden" name="(once|replaces)" value="([^"]*)">')


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


@pytest.fixture
async def office(harness: Harness) -> WebClient:
    await harness.seed()
    client = WebClient(base(harness))
    await client.sign_in(await harness.invite("office"), name="省办公室")
    assert client.status == 200, client.page[:300]
    return client


def sample_form(page: str) -> dict[str, str]:
    """The draw form's fields as a browser would post them (the confirmation box ticked if there is one)."""
    form = re.search(r'<form method="post" action="/office/sample">(.*?)</form>', page, re.S)
    assert form, page[-1500:]
    fields = dict(_HIDDEN.findall(form.group(1)))
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.group(1))
    assert csrf and "once" in fields, form.group(1)
    box = re.search(r'<input type="checkbox" name="replaces" value="(\d+)"', form.group(1))
    if box:
        fields["replaces"] = box.group(1)
    return {"csrf": csrf.group(1), **fields}


async def draws(harness: Harness) -> list[str]:
    return [e.subject for e in await audit.entries(harness.deps.db.read, action="sample.draw")]


async def shown_members(harness: Harness, sample_id: int) -> list[list[str]]:
    names = {i.id: i.name for i in await roster_store.institutions(harness.deps.db.read)}
    return [[s, names[i]] for i, s in await oversight_store.sample_members(harness.deps.db.read, sample_id)]


def table_rows(page: str) -> list[list[str]]:
    block = re.search(r'<div class="card" id="sample">(.*?)</div>', page, re.S)
    assert block, page[-1500:]
    return [list(r) for r in re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td></tr>", block.group(1))]


async def test_the_same_form_posted_again_draws_nothing_new(harness: Harness, office: WebClient) -> None:
    await office.get("/office")
    form = sample_form(office.page)
    await office.post("/office/sample", form)
    assert office.status == 200
    [first] = await draws(harness)
    assert table_rows(office.page) == await shown_members(harness, int(first))
    # The browser posts the very same form again (double click, reload of the POST, back and resubmit).
    await office.post("/office/sample", form)
    assert office.status == 200
    assert await draws(harness) == [first]
    assert table_rows(office.page) == await shown_members(harness, int(first))
    assert "没有再次抽样" in office.page


async def test_two_posts_of_one_form_at_once_draw_once(harness: Harness, office: WebClient) -> None:
    await office.get("/office")
    form = sample_form(office.page)
    await asyncio.gather(*(office.post("/office/sample", form) for _ in range(3)))
    assert len(await draws(harness)) == 1


async def test_replacing_a_draw_shows_it_and_asks_first(harness: Harness, office: WebClient) -> None:
    await office.get("/office")
    await office.post("/office/sample", sample_form(office.page))
    [first] = await draws(harness)
    # The console now shows the draw, and its form asks to confirm replacing exactly that draw.
    await office.get("/office")
    assert table_rows(office.page) == await shown_members(harness, int(first))
    form = sample_form(office.page)
    assert form["replaces"] == first
    # Posted without the confirmation (box unticked): nothing is drawn; the draw and the question are shown.
    unconfirmed = {k: v for k, v in form.items() if k != "replaces"}
    await office.post("/office/sample", unconfirmed)
    assert office.status == 200 and await draws(harness) == [first]
    assert "请勾选确认" in office.page
    assert table_rows(office.page) == await shown_members(harness, int(first))
    confirm = sample_form(office.page)
    assert confirm["once"] == form["once"] and confirm["replaces"] == first
    await office.post("/office/sample", confirm)
    assert office.status == 200
    [_, second] = await draws(harness)
    assert table_rows(office.page) == await shown_members(harness, int(second))
    # A confirmation of a draw that is no longer the current one is asked again, not taken as consent.
    await office.get("/office")
    stale = {**sample_form(office.page), "replaces": first}
    await office.post("/office/sample", stale)
    assert await draws(harness) == [first, second] and "请勾选确认" in office.page


async def test_a_token_not_issued_to_this_person_draws_nothing(harness: Harness, office: WebClient) -> None:
    other = WebClient(base(harness))
    await other.sign_in(await harness.invite("office"), name="另一位")
    await other.get("/office")
    theirs = sample_form(other.page)
    await office.get("/office")
    for once in (theirs["once"], "made-up", ""):
        await office.post("/office/sample", {**sample_form(office.page), "once": once})
        assert office.status == 400 and "抽样表单已失效" in office.page
        await office.get("/office")
    assert await draws(harness) == []
