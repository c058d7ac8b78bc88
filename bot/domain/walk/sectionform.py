"""A whole section answered at once (the web channel's section page), under the walk's own rules.

The form is a flat mapping of field names to typed text, as a browser sends it:

- ``p7`` the answer of a number, text, choice (option index) or yes/no (``1``/``0``) point, or a narrative;
- ``p4.note`` the explanation a 否 on a practice question (or a 是 on a violation question) needs;
- ``p9.skip`` = ``1`` to skip a non-core item;
- ``p1.c12.registered`` one cell of a table (row key, field id); ``p1.ok`` = ``1`` confirms its warnings.

Each item is parsed with the same parsers and checked with the same rules as a typed answer in chat; a
blank item is left as it was. Valid items are stored in one transaction; an invalid one is reported and
left untouched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.domain.answers.parsers import Invalid, parse_text
from bot.domain.outlines.loader import Item, Outlines
from bot.domain.walk.reporting import EDITABLE, Ctx, Refused, load_ctx, may_write
from bot.domain.walk.rules import Finding
from storage import Database, reports
from storage.models import Person


@dataclass
class ItemOutcome:
    saved: bool = False
    error: Invalid | None = None
    refusal: str | None = None  # a REFUSALS code (e.g. core_cannot_skip)
    findings: list[Finding] = field(default_factory=list)  # errors refuse the table; warnings need ok=1
    needs_note: bool = False  # stored, but the follow-up explanation is still missing


@dataclass
class SectionOutcome:
    ctx: Ctx
    items: dict[str, ItemOutcome]

    @property
    def clean(self) -> bool:
        return all(
            o.error is None and o.refusal is None and not o.findings and not o.needs_note for o in self.items.values()
        )


def _blank(form: Mapping[str, str], key: str) -> bool:
    return not form.get(key, "").strip()


def _value(ctx: Ctx, item: Item, form: Mapping[str, str], out: ItemOutcome, long_limit: int) -> dict[str, Any] | None:
    """The new value of one item from the form, None to leave it; Invalid when it cannot be an answer."""
    key = item.key
    if form.get(f"{key}.skip") == "1":
        if not item.skippable:
            out.refusal = "core_cannot_skip"
            return None
        return {"skipped": True}
    if item.narrative is not None:
        return None if _blank(form, key) else {"text": parse_text(form[key], limit=long_limit)}
    assert item.point is not None
    read = item.point.answer.read_form(form, key, ctx.scope(item), long_limit=long_limit)
    out.findings = read.findings
    out.needs_note = read.needs_note
    return read.value


async def apply_section(
    db: Database,
    outlines: Outlines,
    who: Person,
    report_id: int,
    section_no: int,
    form: Mapping[str, str],
    *,
    at: str,
    long_limit: int,
) -> SectionOutcome:
    async with db.transaction() as conn:
        report = await reports.get(conn, report_id)
        if report is None or not may_write(who, report):
            raise Refused("not_allowed")
        if report.status not in EDITABLE:
            raise Refused("locked")
        ctx = await load_ctx(conn, report, outlines)
        if not 1 <= section_no <= len(ctx.laid.sections):
            raise Refused("stale")
        outcomes: dict[str, ItemOutcome] = {}
        for item in ctx.laid.section_items(section_no):
            out = outcomes[item.key] = ItemOutcome()
            if not ctx.may_edit(item):
                continue  # in a revision only the reopened items can change; the rest is shown read-only
            try:
                value = _value(ctx, item, form, out, long_limit)
            except Invalid as invalid:
                out.error = invalid
                continue
            if value is None or value == ctx.value(item):
                continue
            await reports.put_answer(conn, report_id=report.id, item=item.key, value=value, user_id=who.user_id, at=at)
            ctx.state.answers[item.key] = value
            out.saved = True
        return SectionOutcome(ctx, outcomes)
