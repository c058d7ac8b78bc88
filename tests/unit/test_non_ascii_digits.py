"""Digits that are digits to str.isdigit() but not to int() — '²', '①' — or that int() reads in another
script ('١٢'): where a number is expected they are refused with the usual message, never an error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core import dispatch
from bot.core.events import Command, Sender
from bot.core.views import Recorder, Refusal, Screen
from bot.deps import Deps
from bot.domain.answers.parsers import Invalid
from bot.domain.answers.types.choice import Choice
from bot.domain.people.matching import match
from storage import roster
from tests.support.core import core_deps
from tests.unit.test_core_office import bind

ODD = ["²", "①", "١٢", "²4"]


@pytest.fixture
async def d(tmp_path: Path) -> AsyncIterator[Deps]:
    async with core_deps(tmp_path, office=1) as deps:
        yield deps


@pytest.mark.parametrize("ref", ODD)
async def test_a_unit_named_by_odd_digits_matches_nothing(d: Deps, ref: str) -> None:
    units = await roster.institutions(d.db.read)
    assert match(units, ref) == [] and match(units, f"#{ref}") == []
    assert [u.name for u in match(units, "24")] == ["安徽工商职业学院"]


@pytest.mark.parametrize(("ref", "read"), [("²", "乙"), ("①", "甲"), ("١٢", None), ("²4", None)])
def test_a_choice_form_with_odd_digits_is_read_as_typed_text(ref: str, read: str | None) -> None:
    """Not as a radio button's index: as what a person typed, where NFKC folds '²' and '①' to the option's
    1-based number, as for a chat answer; what no option matches is refused."""
    choice = Choice(type="choice", options=["甲", "乙"])
    if read is None:
        with pytest.raises(Invalid):
            choice.read_form({"k": ref}, "k", None, long_limit=100)  # type: ignore[arg-type]
    else:
        assert choice.read_form({"k": ref}, "k", None, long_limit=100).value == {"choice": read}  # type: ignore[arg-type]
    assert choice.read_form({"k": "1"}, "k", None, long_limit=100).value == {"choice": "乙"}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "args"), [("review", ("²",)), ("invite", ("coordinator", "²")), ("assign", ("900", "²"))]
)
async def test_office_commands_with_odd_digits_answer_and_store_nothing(
    d: Deps, name: str, args: tuple[str, ...]
) -> None:
    await bind(d, 900, "expert")
    out = Recorder()
    await dispatch.command(d, Command(Sender(1, 1, 77), name, args), out)
    assert out.views and all(isinstance(v, (Screen, Refusal)) for v in out.views)
    assert not await d.db.was_applied(77)
