"""Which roles may use which command: one table (bot/domain/people/access.py) that the core's dispatch
enforces for every channel before any flow runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core import dispatch
from bot.core.events import Command, Sender
from bot.core.views import Recorder, Refusal
from bot.deps import Deps
from bot.domain.people import access
from messages import zh
from storage.models import Role
from tests.support.core import core_deps
from tests.unit.test_core_office import bind

OFFICE, COORDINATOR, CITY, EXPERT, STRANGER = 1, 600, 800, 900, 999
SCHOOL = "安徽工商职业学院"


@pytest.fixture
async def d(tmp_path: Path) -> AsyncIterator[Deps]:
    async with core_deps(tmp_path, office=OFFICE) as deps:
        await bind(deps, COORDINATOR, "coordinator", SCHOOL)
        await bind(deps, CITY, "city", city="合肥")
        await bind(deps, EXPERT, "expert")
        yield deps


def test_every_command_has_one_rule_and_every_rule_a_command() -> None:
    assert set(access.COMMAND_ACCESS) == set(dispatch.COMMANDS)
    # Every command both channels dispatch runs its flow behind the table's check, not the flow alone.
    assert {name: getattr(flow, "__wrapped__", None) for name, flow in dispatch.COMMANDS.items()} == dict(
        dispatch._FLOWS
    )


PEOPLE: dict[int, Role | None] = {STRANGER: None, COORDINATOR: "coordinator", CITY: "city", EXPERT: "expert"}


@pytest.mark.parametrize("user_id", list(PEOPLE))
async def test_each_command_refuses_exactly_those_the_table_refuses(d: Deps, user_id: int) -> None:
    who = await access.person(d.db, user_id, admin_ids=d.settings.admin_ids)
    assert (who.role if who else None) == PEOPLE[user_id]
    refusals = {Refusal(zh.NOT_ALLOWED), Refusal(zh.NOT_BOUND)}
    refused = set()
    for n, name in enumerate(sorted(dispatch.COMMANDS)):
        out = Recorder()
        await dispatch.command(d, Command(Sender(user_id, user_id, 5000 + n), name, ()), out)
        if out.views[:1] and out.views[0] in refusals:
            refused.add(name)
    expected = {name for name in dispatch.COMMANDS if not access.may_use(who, name)}
    assert refused == expected
    # What those people may not use: the office's commands, and for a stranger also the bound ones.
    office_only = {name for name, rule in access.COMMAND_ACCESS.items() if rule == "office"}
    bound_only = {name for name, rule in access.COMMAND_ACCESS.items() if rule == "bound"}
    assert expected == (office_only | bound_only if who is None else office_only)


async def test_a_refused_command_runs_no_flow(d: Deps, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []

    async def flow(d: Deps, event: Command, out: Recorder) -> None:
        ran.append(event.name)

    monkeypatch.setitem(dispatch.COMMANDS, "quotas", dispatch.checked("quotas", flow))  # type: ignore[arg-type]
    out = Recorder()
    await dispatch.command(d, Command(Sender(COORDINATOR, COORDINATOR, 1), "quotas", ()), out)
    assert (ran, out.views) == ([], [Refusal(zh.NOT_ALLOWED)])
    await dispatch.command(d, Command(Sender(OFFICE, OFFICE, 2), "quotas", ()), out)
    assert ran == ["quotas"]
