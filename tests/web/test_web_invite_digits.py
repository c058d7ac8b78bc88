"""The office's invitation form refuses a unit or count written in digits int() cannot read as meant."""

from __future__ import annotations

import pytest

from tests.support.helpers import Harness
from tests.web.test_web_invite import _close_clients, _invitations, _office, site

__all__ = ["_close_clients", "site"]  # fixtures, used by name


@pytest.mark.parametrize("field", ["unit", "count"])
@pytest.mark.parametrize("odd", ["²", "١"])
async def test_odd_digits_are_refused_and_nothing_is_issued(site: Harness, field: str, odd: str) -> None:
    office = await _office(site)
    await office.get("/office/invite")
    before = await _invitations(site)
    form = {"csrf": office.csrf, "once": office.once, "role": "coordinator", "unit": "24", "count": "1", field: odd}
    await office.post("/office/invite", form)
    assert office.status == 400, office.page[:300]
    assert await _invitations(site) == before
