"""Reminders derived from stored deadlines and a log of what was sent, never from in-memory jobs.

Each deadline has slots (by default 7, 3 and 1 days before and 1 day after, at 09:00 local time). On every
tick the newest slot that has fallen due is the one that applies: a slot missed while the bot was down is
sent once when it is back, an older one it superseded is not. Each recipient's reminder is claimed in the
log before it is sent, so no reminder ever goes out twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.config import parse_date
from bot.deps import Deps
from bot.domain.campaign.progress import units
from bot.domain.campaign.questionnaire import Quota, check
from bot.domain.reports.lifecycle import review
from bot.domain.walk.reporting import load_ctx
from messages import firstday as msg
from messages import zh
from storage import campaign, closing, cursors, people, reports, roster
from storage.models import Person

OPEN = ("draft", "returned")
# A reminder waits while its person is between 提交报告 and 确认提交, at most this long after the press.
SUBMIT_HOLD = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Slot:
    kind: str
    offset: int  # days relative to the due date: negative before, positive after
    fire_at: datetime

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.offset:+d}"


@dataclass(frozen=True, slots=True)
class Reminder:
    key: str
    user_id: int
    slot: str
    text: str


def parse_due(text: str, *, year: int) -> date | None:
    """2020-12-15, 12-15 or 12月15日 (and 2020年12月15日, full-width digits): as the settings read them."""
    return parse_date(text, year=year)


async def due_dates(d: Deps) -> dict[str, date]:
    stored = await campaign.deadlines(d.db.read)
    out = {kind: date.fromisoformat(value) for kind, value in stored.items()}
    out.setdefault("report", d.settings.deadline)
    # Each deadline stands on its own: moving the report's never moves the questionnaire's.
    out.setdefault("questionnaire", d.settings.deadline)
    return out


def slots(kind: str, due: date, d: Deps) -> list[Slot]:
    hour, minute = (int(x) for x in d.settings.reminder_time.split(":"))
    at = time(hour, minute, tzinfo=d.settings.tz)
    offsets = [-n for n in d.settings.reminder_days] + list(d.settings.reminder_after_days)
    return sorted(
        (Slot(kind, off, datetime.combine(due + timedelta(days=off), at)) for off in offsets), key=lambda s: s.fire_at
    )


STALE_AFTER = timedelta(days=7)  # a slot this old is not caught up on: a reminder then is only noise


def current_slot(kind: str, due: date, d: Deps, now: datetime) -> Slot | None:
    fallen = [s for s in slots(kind, due, d) if s.fire_at <= now]
    if not fallen or now - fallen[-1].fire_at > STALE_AFTER:
        return None  # e.g. a campaign whose deadline is years past: nobody is told to hurry
    return fallen[-1]


def _when(due: date, now: datetime, d: Deps) -> str:
    return zh.days_left((due - now.astimezone(d.settings.tz).date()).days)


def _digest_when(due: date, now: datetime, d: Deps) -> str:
    """The office's digest states how far past the deadline it is; it does not urge the office to hurry
    (that is the coordinators' reminder), least of all when the deadline is long gone."""
    days = (due - now.astimezone(d.settings.tz).date()).days
    return zh.days_left(days) if days >= 0 else msg.days_past(-days)


async def _quota(d: Deps, institution_id: int, counts: dict[int, dict[int, tuple[int, int, int]]]) -> Quota | None:
    pilots = await roster.pilots_of(d.db.read, institution_id)
    if not pilots:
        return None
    return check([(p.certificate_id, p.certificate_name) for p in pilots], counts.get(institution_id, {}))


async def _coordinator_lines(d: Deps, who: Person) -> tuple[list[str], bool]:
    """What is left in each of this person's open reports, and whether all of them only wait to be submitted."""
    assert who.institution_id is not None
    lines = []
    ready = True
    mine = await reports.of_institution(d.db.read, who.institution_id)
    expected = 1 if who.role == "coordinator" else len(await roster.certificates_of_org(d.db.read, who.institution_id))
    for report in mine:
        if report.status not in OPEN:
            continue
        ctx = await load_ctx(d.db.read, report, d.outlines)
        found = review(ctx, ctx.evidence)
        ready = ready and found.ready
        sections = ctx.state.sections()
        unit = ctx.unit + (f" · {ctx.certificate}" if ctx.certificate else "")
        lines.append(
            zh.report_gap(
                unit,
                sum(s.done == s.total for s in sections),
                len(sections),
                len(found.missing_evidence),
                report.status,
            )
        )
    if len(mine) < expected:  # never opened: nothing done yet
        inst = await roster.institution(d.db.read, who.institution_id)
        total = len(d.outlines.get("institution" if who.role == "coordinator" else "training_org").sections)
        lines.append(zh.report_gap(inst.name if inst else "", 0, total, 0, "draft"))
        ready = False
    return lines, ready and bool(lines)


async def pending(d: Deps, now: datetime) -> list[Reminder]:
    """Every reminder that applies now and was not claimed before; none once the campaign is closed."""
    close = await closing.closes_at(d.db.read)
    if close is not None and datetime.fromisoformat(close) <= now:
        return []
    dues = await due_dates(d)
    claimed = {key for key, _, _ in await campaign.reminders_sent(d.db.read)}
    out: list[Reminder] = []
    counts = await campaign.counts(d.db.read)
    coordinators = await people.with_role(d.db.read, "coordinator") + await people.with_role(d.db.read, "org")

    report_slot = current_slot("report", dues["report"], d, now)
    if report_slot is not None:
        when = _when(dues["report"], now, d)
        due = zh.month_day(dues["report"].month, dues["report"].day)
        # Someone between 提交报告 and 确认提交 is not interrupted: their reminder waits for the next tick.
        submitting = await cursors.submitting(d.db.read, since=(now - SUBMIT_HOLD).isoformat())
        for who in coordinators:
            key = f"{report_slot.name}:{who.user_id}"
            if key in claimed or who.institution_id is None or who.user_id in submitting:
                continue
            lines, ready = await _coordinator_lines(d, who)
            if not lines:
                continue
            if who.role == "coordinator":
                quota = await _quota(d, who.institution_id, counts)
                if quota is not None and not quota.met:
                    lines.append(zh.quota_gap(quota.students_short, quota.teachers_short, quota.uncovered))
            text = zh.reminder("report", lines, when, due, ready=ready)
            out.append(Reminder(key, who.user_id, report_slot.name, text))
        cities = [
            p
            for p in await people.with_role(d.db.read, "city")
            if p.city and f"{report_slot.name}:city:{p.user_id}" not in claimed
        ]
        # Only institutions that lead a certificate are owed a lead reminder; the rest never get one.
        certs = await roster.certificates(d.db.read)
        leading = {c.lead_id for c in certs if c.lead_id is not None}
        leads = [
            p
            for p in coordinators
            if p.role == "coordinator"
            and p.institution_id in leading
            and f"{report_slot.name}:lead:{p.user_id}" not in claimed
        ]
        # Unit statuses are loaded only while someone still awaits this slot's city or lead reminder.
        all_units = await units(d.db) if cities or leads else []
        for who in cities:
            names = [
                u.institution.name
                for u in all_units
                if u.institution.kind == "中职"
                and u.institution.city == who.city
                and u.status not in ("submitted", "accepted")
            ]
            if names and who.city:
                out.append(
                    Reminder(
                        f"{report_slot.name}:city:{who.user_id}",
                        who.user_id,
                        report_slot.name,
                        zh.reminder_city(who.city, names, when),
                    )
                )
        for who in leads:
            led = {c.name for c in certs if c.lead_id == who.institution_id}
            rows = [
                f"{u.institution.name} · {u.certificate}"
                for u in all_units
                if u.institution.kind == "培训评价组织"
                and u.certificate in led
                and u.status not in ("submitted", "accepted")
            ]
            if rows:
                out.append(
                    Reminder(
                        f"{report_slot.name}:lead:{who.user_id}",
                        who.user_id,
                        report_slot.name,
                        zh.reminder_lead(rows, when),
                    )
                )

    quest_slot = current_slot("questionnaire", dues["questionnaire"], d, now)
    if quest_slot is not None:
        when = _when(dues["questionnaire"], now, d)
        due = zh.month_day(dues["questionnaire"].month, dues["questionnaire"].day)
        for who in coordinators:
            key = f"{quest_slot.name}:{who.user_id}"
            if key in claimed or who.role != "coordinator" or who.institution_id is None:
                continue
            report = await reports.find(d.db.read, who.institution_id, None)
            if report is None or report.status in OPEN:
                continue  # their report reminder already carries the questionnaire gap
            quota = await _quota(d, who.institution_id, counts)
            if quota is not None and not quota.met:
                gap = zh.quota_gap(quota.students_short, quota.teachers_short, quota.uncovered)
                out.append(Reminder(key, who.user_id, quest_slot.name, zh.reminder("questionnaire", [gap], when, due)))

    out += await _digest(d, now, claimed, dues["report"])
    return out


async def _digest(d: Deps, now: datetime, claimed: set[str], due: date) -> list[Reminder]:
    """The office's daily digest, at the reminder time of each day (only on that day)."""
    local = now.astimezone(d.settings.tz)
    hour, minute = (int(x) for x in d.settings.reminder_time.split(":"))
    if not d.settings.daily_digest or (local.hour, local.minute) < (hour, minute):
        return []
    slot = f"digest:{local.date().isoformat()}"
    ids = set(d.settings.admin_ids) | {p.user_id for p in await people.with_role(d.db.read, "office")}
    waiting = sorted(uid for uid in ids if f"{slot}:{uid}" not in claimed)
    if not waiting:
        return []  # today's digest went out: nothing to compute on the remaining ticks
    rows = await units(d.db)
    schools = [u for u in rows if u.institution.kind != "培训评价组织"]
    orgs = [u for u in rows if u.institution.kind == "培训评价组织"]
    done = ("submitted", "accepted")
    by_kind = {
        k: (
            sum(1 for u in schools if u.institution.kind == k and u.status in done),
            sum(1 for u in schools if u.institution.kind == k),
        )
        for k in ("本科", "高职", "中职")
    }
    counts = {s: sum(1 for u in schools if u.status == s) for s in ("not_started", "in_progress", "returned")}
    text = zh.digest(
        zh.month_day(local.month, local.day),
        by_kind,
        counts,
        (sum(1 for u in orgs if u.status in done), len(orgs)),
        _digest_when(due, now, d),
    )
    return [Reminder(f"{slot}:{uid}", uid, slot, text) for uid in waiting]
