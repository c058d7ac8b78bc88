"""The `xcheck` command line: init, run, roster, invite, outline, backup."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import cast

from bot import invitations
from bot import roster as roster_domain
from bot.clock import Clock
from bot.config import Settings, SettingsError, load_settings
from storage import Database, meta
from storage import roster as roster_store
from storage.models import ORG_KIND, ROLES, Role


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="xcheck", description="1+X 自查助手")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create or migrate the database and load the 189 institutions of 附件3")
    sub.add_parser("run", help="run the bot (long polling) and the web channel; without a token, the web alone")

    r = sub.add_parser("roster", help="the office's roster workbook")
    rs = r.add_subparsers(dest="action", required=True)
    rs.add_parser("export", help="write the roster workbook").add_argument("file", type=Path)
    rs.add_parser("import", help="read a roster workbook; all or nothing").add_argument("file", type=Path)

    i = sub.add_parser("invite", help="create one-time invitation links")
    i.add_argument("role", choices=ROLES)
    i.add_argument("target", nargs="?", default="", help="附件3 number or name; a city for role city")
    i.add_argument("--count", type=int, default=1)
    i.add_argument("--days", type=int, default=None)

    o = sub.add_parser("outline", help="print an outline")
    os_ = o.add_subparsers(dest="action", required=True)
    show = os_.add_parser("show")
    show.add_argument("which", choices=("institution", "training_org"))
    show.add_argument("--json", action="store_true")

    e = sub.add_parser("export", help="the office workbook, the evidence bundle and the Word self-reports")
    e.add_argument("--out", type=Path, required=True, help="workbook path (.xlsx); the bundle goes beside it as .zip")
    e.add_argument("--no-bundle", action="store_true")
    e.add_argument("--docx", type=Path, default=None, help="folder for one Word self-report per report")
    e.add_argument("--city", default=None, help="only this city's 中职 (a city bureau's package)")

    dl = sub.add_parser("deadline", help="show or set a deadline (report or questionnaire)")
    dl.add_argument("kind", nargs="?", choices=("report", "questionnaire"))
    dl.add_argument("date", nargs="?", help="2020-12-15, 12-15 or 12月15日")

    s = sub.add_parser("sample", help="draw a reproducible spot-check sample")
    s.add_argument("--seed", default=None)

    b = sub.add_parser("backup", help="consistent copy of the database while the bot runs")
    b.add_argument("file", type=Path)
    return p


async def _with_db(settings: Settings, work: Callable[[Database], Awaitable[int]]) -> int:
    db = Database(settings.db_path)
    await db.connect()
    try:
        return await work(db)
    finally:
        await db.close()


async def _init(db: Database) -> int:
    n = await roster_domain.load_seed(db, at=Clock().now().isoformat())
    counts = await roster_store.count(db.read)
    print(f"database ready (schema v{await db.schema_version()}); {n} pilot institutions loaded: {counts}")
    return 0


async def _bot_username(db: Database, settings: Settings) -> str | None:
    known = await meta.get(db.read, "bot_username")
    if known:
        return known
    if not settings.bot_token.get_secret_value():
        return None
    from telegram import Bot

    from bot.http import AiohttpRequest

    try:
        async with Bot(
            settings.bot_token.get_secret_value(), base_url=settings.api_base_url, request=AiohttpRequest()
        ) as bot:
            return bot.username
    except Exception:  # offline: the plain /start code still works
        return None


def _invite(args: argparse.Namespace, settings: Settings) -> Callable[[Database], Awaitable[int]]:
    async def work(db: Database) -> int:
        role = cast(Role, args.role)
        institution, city = None, None
        if role in ("coordinator", "org"):
            institution = await roster_store.find_institution(db.read, args.target)
            if institution is None:
                print(
                    f"error: no institution {args.target!r} (use its 附件3 number or exact name)",
                    file=sys.stderr,
                )
                return 2
            if (role == "org") != (institution.kind == ORG_KIND):
                print(
                    f"error: {institution.name} is a {institution.kind}, not right for role {role}",
                    file=sys.stderr,
                )
                return 2
        elif role == "city":
            city = args.target.removesuffix("市")
            if city not in roster_domain.ANHUI_CITIES:
                print(f"error: {args.target!r} is not a prefecture city of Anhui", file=sys.stderr)
                return 2
        if not 1 <= args.count <= 500:
            print("error: --count must be between 1 and 500", file=sys.stderr)
            return 2
        issued = await invitations.issue(
            db,
            role=role,
            institution=institution,
            city=city,
            actor="cli",
            now=Clock().now(),
            days=args.days or settings.invitation_days,
            count=args.count,
        )
        username = await _bot_username(db, settings)
        for inv in issued:
            target = inv.institution.name if inv.institution else (inv.city or "")
            print(
                f"{role}\t{target}\t{inv.expires_at.astimezone(settings.tz):%Y-%m-%d %H:%M}\t"
                f"{invitations.deep_link(username, inv.code)}\t{invitations.web_link(settings.web_base, inv.code)}"
            )
        return 0

    return work


def _roster(args: argparse.Namespace) -> Callable[[Database], Awaitable[int]]:
    async def work(db: Database) -> int:
        if args.action == "export":
            await roster_domain.export_workbook(db, args.file)
            print(f"roster written to {args.file}")
            return 0
        try:
            parsed = await roster_domain.import_workbook(db, args.file, actor="cli", at=Clock().now().isoformat())
        except roster_domain.RosterImportError as exc:
            print(f"nothing imported: {len(exc.errors)} problem(s) in {args.file}:", file=sys.stderr)
            for line in exc.errors:
                print(f"  {line}", file=sys.stderr)
            return 1
        print(
            f"imported {len(parsed.institutions)} institutions, {len(parsed.certificates)} certificates, "
            f"{len(parsed.pilots)} pilots"
        )
        return 0

    return work


def _export(args: argparse.Namespace, settings: Settings) -> Callable[[Database], Awaitable[int]]:
    async def work(db: Database) -> int:
        from bot.export.run import export
        from bot.outlines import load_outlines

        result = await export(
            db,
            load_outlines(year=settings.campaign_year),
            year=settings.campaign_year,
            evidence_root=settings.evidence_dir,
            out=args.out,
            city=args.city.removesuffix("市") if args.city else None,
            with_bundle=not args.no_bundle,
            docx_dir=args.docx,
        )
        print(f"workbook {result.workbook} ({result.sheets} sheets)")
        if result.bundle:
            print(f"evidence bundle {result.bundle} ({result.files} files)")
        if result.documents:
            print(f"{len(result.documents)} Word self-reports in {args.docx}")
        return 0

    return work


def _deadline(args: argparse.Namespace, settings: Settings) -> Callable[[Database], Awaitable[int]]:
    async def work(db: Database) -> int:
        from bot.reminders import parse_due
        from storage import audit, campaign

        if args.kind and args.date:
            due = parse_due(args.date, year=settings.campaign_year)
            if due is None:
                print(f"error: {args.date!r} is not a date (2020-12-15, 12-15 or 12月15日)", file=sys.stderr)
                return 2
            now = Clock().now().isoformat()
            async with db.transaction() as conn:
                await campaign.set_deadline(conn, args.kind, due.isoformat(), by="cli", at=now)
                await audit.record(
                    conn,
                    at=now,
                    actor="cli",
                    action="deadline.set",
                    subject=args.kind,
                    detail={"due_on": due.isoformat()},
                )
        elif args.kind or args.date:
            print("error: give both a kind and a date, or neither", file=sys.stderr)
            return 2
        stored = await campaign.deadlines(db.read)
        report = stored.get("report", settings.deadline.isoformat())
        print(f"report\t{report}")
        print(f"questionnaire\t{stored.get('questionnaire', report)}")
        return 0

    return work


def _sample(args: argparse.Namespace) -> Callable[[Database], Awaitable[int]]:
    async def work(db: Database) -> int:
        from bot.oversight import draw_sample

        sample_id, result = await draw_sample(db, seed=args.seed, actor="cli", at=Clock().now().isoformat())
        print(f"sample #{sample_id} seed {result.seed}")
        for stratum, n in result.strata.items():
            print(f"  {stratum}: {n['drawn']}/{n['population']}")
        names = {i.id: i.name for i in await roster_store.institutions(db.read)}
        for c in result.picked:
            print(f"{c.stratum}\t{names.get(c.id, c.id)}")
        return 0

    return work


def _backup(args: argparse.Namespace) -> Callable[[Database], Awaitable[int]]:
    async def work(db: Database) -> int:
        await db.backup_to(args.file)
        print(f"database copied to {args.file}")
        return 0

    return work


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"xcheck: {exc}", file=sys.stderr)
        return 2
    if args.command == "run":
        from bot.app import run, run_web_only

        if not settings.bot_token.get_secret_value():
            if not settings.web_enabled:
                print("xcheck: set XCHECK_BOT_TOKEN, or XCHECK_WEB_LISTEN to serve the web channel", file=sys.stderr)
                return 2
            run_web_only(settings)  # no token: the web channel alone, and it says so
            return 0
        run(settings)
        return 0
    if args.command == "outline":
        from bot.outlines.show import show_outline

        print(show_outline(args.which, settings, as_json=args.json))
        return 0
    work: Callable[[Database], Awaitable[int]]
    if args.command == "init":
        work = _init
    elif args.command == "roster":
        work = _roster(args)
    elif args.command == "invite":
        work = _invite(args, settings)
    elif args.command == "export":
        work = _export(args, settings)
    elif args.command == "sample":
        work = _sample(args)
    elif args.command == "deadline":
        work = _deadline(args, settings)
    else:
        work = _backup(args)
    return asyncio.run(_with_db(settings, work))


if __name__ == "__main__":
    raise SystemExit(main())
