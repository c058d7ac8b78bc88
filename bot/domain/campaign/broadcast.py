"""Broadcasts: who receives one, and the text of the live delivery report. The sender that works through
the outbox is Telegram runtime: bot/tg/senders.py."""

from __future__ import annotations

from collections import Counter

from bot.deps import Deps
from bot.domain.campaign.progress import units
from messages import zh
from storage import campaign, people, roster
from storage.models import ORG_KIND


async def recipients(d: Deps, audience: str, arg: str) -> list[tuple[int, str]]:
    """(user id, label) of everyone the audience names: coordinators of matching units, and city bureaus
    for 'all' and their own city."""
    all_units = await units(d.db)
    if audience == "all":
        wanted = {u.institution.id for u in all_units}
    elif audience == "schools":
        wanted = {u.institution.id for u in all_units if u.institution.kind != ORG_KIND}
    elif audience == "kind":
        wanted = {u.institution.id for u in all_units if u.institution.kind == arg}
    elif audience == "city":
        wanted = {u.institution.id for u in all_units if u.institution.city == arg}
    elif audience == "pending":
        wanted = {u.institution.id for u in all_units if u.status not in ("submitted", "accepted")}
    elif audience == "returned":
        wanted = {u.institution.id for u in all_units if u.status == "returned"}
    elif audience == "cert":
        cert = next((c for c in await roster.certificates(d.db.read) if c.name == arg), None)
        pilots = {p.institution_id for p in await roster.all_pilots(d.db.read) if cert and p.certificate_id == cert.id}
        wanted = pilots | ({cert.org_id} if cert and cert.org_id else set())
    else:
        raise ValueError(audience)
    names = {i.id: i.name for i in await roster.institutions(d.db.read)}
    out = []
    for role in ("coordinator", "org"):
        for p in await people.with_role(d.db.read, role):
            if p.institution_id in wanted:
                out.append((p.user_id, f"{names.get(p.institution_id or 0, '')} {p.name}".strip()))
    if audience in ("all", "city"):
        for p in await people.with_role(d.db.read, "city"):
            if audience == "all" or p.city == arg:
                out.append((p.user_id, zh.city_label(p.city, p.name)))
    return out


async def report_text(d: Deps, broadcast_id: int) -> tuple[str, bool]:
    found = await campaign.broadcast(d.db.read, broadcast_id)
    assert found is not None
    rows = await campaign.outbox_rows(d.db.read, broadcast_id)
    tally = Counter(r.status for r in rows)
    done = found.status == "done"
    problems = [(r.label or str(r.user_id), r.status) for r in rows if r.status in ("failed", "unreachable", "unknown")]
    label = zh.audience_label(found.audience, found.audience_arg)
    return zh.broadcast_report(broadcast_id, label, len(rows), dict(tally), done, problems), done
