"""The `xcheck` command line: init, run, roster, invite, outline, export, deadline, sample, backup, campaign.

Help and messages are in Chinese with English in brackets (messages/firstday.py)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, NoReturn

from bot.clock import Clock
from bot.config import Settings, SettingsError, load_settings, parse_date
from bot.domain.people import invitations, matching
from bot.domain.people import roster as roster_domain
from messages import firstday as msg
from messages import when
from storage import Database, meta
from storage import roster as roster_store
from storage.models import ORG_KIND, SCHOOL_KINDS, Institution

H = msg.CLI_HELP
CANDIDATES_SHOWN = 20


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        # argparse passes prefix="" when it builds a subcommand's prog: keep that one empty.
        super().add_usage(usage, actions, groups, "用法 (usage): " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese section titles, a Chinese -h and one-line Chinese errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数 (arguments)"
        self._optionals.title = "选项 (options)"
        self.add_argument("-h", "--help", action="help", help=msg.HELP_FLAG)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {msg.ERR}{message}\n")


def _ranged(option: str, low: int, high: int) -> Callable[[str], int]:
    def convert(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(msg.NOT_POSITIVE.format(option=option, low=low, high=high, value=text))
        return value

    return convert


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="xcheck", description=msg.CLI_DESCRIPTION, epilog=msg.CLI_EPILOG)
    sub = p.add_subparsers(dest="command", required=True, title="子命令 (commands)", metavar="命令")
    sub.add_parser("init", help=H["init"], description=H["init"])
    sub.add_parser("run", help=H["run"], description=H["run"])

    r = sub.add_parser("roster", help=H["roster"], description=H["roster"])
    rs = r.add_subparsers(dest="action", required=True, title="操作 (actions)", metavar="操作")
    for action in ("export", "import", "template"):
        rs.add_parser(action, help=H[f"roster.{action}"], description=H[f"roster.{action}"]).add_argument(
            "file", type=Path, help=H["roster.file"]
        )
    rs.add_parser("check", help=H["roster.check"], description=H["roster.check"])

    i = sub.add_parser("invite", help=H["invite"], description=H["invite"], epilog=msg.INVITE_EPILOG)
    i.add_argument("role", help=H["invite.role"])
    i.add_argument("target", nargs="*", default=[], help=H["invite.target"])
    i.add_argument("--count", type=_ranged("--count", 1, 500), default=1, help=H["invite.count"])
    i.add_argument("--days", type=_ranged("--days", 1, 365), default=None, help=H["invite.days"])
    i.add_argument("--all", action="store_true", help=H["invite.all"])
    i.add_argument("--out", type=Path, default=None, help=H["invite.out"])
    i.add_argument("--renew", action="store_true", help=H["invite.renew"])

    o = sub.add_parser("outline", help=H["outline"], description=H["outline"])
    os_ = o.add_subparsers(dest="action", required=True, title="操作 (actions)", metavar="操作")
    show = os_.add_parser("show", help=H["outline.show"], description=H["outline.show"])
    show.add_argument("which", choices=("institution", "training_org"), help=H["outline.which"])
    show.add_argument("--json", action="store_true", help=H["outline.json"])

    e = sub.add_parser("export", help=H["export"], description=H["export"])
    e.add_argument("--out", type=Path, required=True, help=H["export.out"])
    e.add_argument("--no-bundle", action="store_true", help=H["export.no_bundle"])
    e.add_argument("--docx", type=Path, default=None, help=H["export.docx"])
    e.add_argument("--city", default=None, help=H["export.city"])

    dl = sub.add_parser("deadline", help=H["deadline"], description=H["deadline"])
    dl.add_argument("kind", nargs="?", choices=("report", "questionnaire"), help=H["deadline.kind"])
    dl.add_argument("date", nargs="?", help=H["deadline.date"])

    s = sub.add_parser("sample", help=H["sample"], description=H["sample"])
    s.add_argument("--draw", action="store_true", help=H["sample.draw"])
    s.add_argument("--dry-run", action="store_true", help=H["sample.dry_run"])
    s.add_argument("--seed", default=None, help=H["sample.seed"])
    s.add_argument("--yes", action="store_true", help=H["sample.yes"])

    b = sub.add_parser("backup", help=H["backup"], description=H["backup"])
    b.add_argument("file", type=Path, help=H["backup.file"])
    b.add_argument("--force", action="store_true", help=H["backup.force"])

    c = sub.add_parser("campaign", help=H["campaign"], description=H["campaign"])
    c.add_argument(
        "action", nargs="?", default="status", choices=("status", "close", "reopen"), help=H["campaign.action"]
    )
    c.add_argument("--on", default=None, help=H["campaign.on"])
    return p


def _fail(text: str, code: int = 2) -> int:
    print(f"{msg.ERR}{text}", file=sys.stderr)
    return code


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
    missing = await roster_domain.without_city(db)
    if missing:
        print(msg.INIT_NEXT.format(n=len(missing)))
    return 0


async def _bot_username(db: Database, settings: Settings) -> str | None:
    known = await meta.get(db.read, "bot_username")
    if known:
        return known
    if not settings.bot_token.get_secret_value():
        return None
    from telegram import Bot

    from bot.tg.http import ApiRequest, resolve_proxy

    try:
        async with Bot(
            settings.bot_token.get_secret_value(),
            base_url=settings.api_base_url,
            request=ApiRequest(proxy=resolve_proxy(settings.api_base_url, settings.proxy)),
            get_updates_request=ApiRequest(proxy=resolve_proxy(settings.api_base_url, settings.proxy)),
        ) as bot:
            return bot.username
    except Exception:  # offline: the plain /start code still works
        return None


def _pick(found: list[Institution], ref: str) -> Institution | int:
    """The one unit meant, or the exit code after listing candidates / saying nothing matched."""
    if len(found) == 1:
        return found[0]
    if not found:
        return _fail(msg.NO_MATCH.format(ref=ref))
    _candidates(msg.AMBIGUOUS.format(ref=ref), found)
    return 2


def _candidates(head: str, found: list[Institution]) -> None:
    lines = [head] + [f"  {u.seq if u.seq is not None else '-'}\t{u.name}" for u in found[:CANDIDATES_SHOWN]]
    if len(found) > CANDIDATES_SHOWN:
        lines.append(msg.MORE_CANDIDATES.format(n=len(found)))
    print("\n".join(lines), file=sys.stderr)


def _invite(args: argparse.Namespace, settings: Settings) -> Callable[[Database], Awaitable[int]]:
    async def work(db: Database) -> int:
        if args.all:
            return await _invite_all(db, args, settings)
        role = matching.role_of(args.role)
        if role is None:
            return _fail(msg.BAD_ROLE.format(role=args.role))
        if args.out is not None or args.renew:
            return _fail(msg.OUT_ONLY_WITH_ALL)
        units = await roster_store.institutions(db.read)
        institution, city, scope = None, None, []
        target = " ".join(args.target)
        if role == "expert":
            # An expert's invitation carries their assigned institutions: invite expert 24 97
            for ref in args.target:
                picked = _pick(matching.find(units, ref, SCHOOL_KINDS), ref)
                if isinstance(picked, int):
                    return picked
                scope.append(picked.id)
        elif role in ("coordinator", "org"):
            if not target:
                return _fail(msg.TARGET_NEEDED.format(role=args.role))
            kinds = (ORG_KIND,) if role == "org" else SCHOOL_KINDS
            found = matching.find(units, target, kinds)
            if role == "org" and len(found) == 1 and found[0].kind != ORG_KIND:
                return _fail(msg.WRONG_KIND_ORG.format(name=found[0].name, kind=found[0].kind))
            if role == "org" and not any(u.kind == ORG_KIND for u in found):
                # Organizations are matched by their name in the roster: list those there are.
                orgs = [u for u in units if u.kind == ORG_KIND]
                if not orgs:
                    return _fail(msg.NO_ORGS_IN_ROSTER.format(ref=target))
                _candidates(msg.NO_ORG_MATCH.format(ref=target), orgs)
                return 2
            picked = _pick(found, target)
            if isinstance(picked, int):
                return picked
            institution = picked
            if role == "org" and institution.kind != ORG_KIND:
                return _fail(msg.WRONG_KIND_ORG.format(name=institution.name, kind=institution.kind))
            if role == "coordinator" and institution.kind == ORG_KIND:
                return _fail(msg.WRONG_KIND_SCHOOL.format(name=institution.name))
        elif role == "city":
            city = target.removesuffix("市教育局").removesuffix("市")
            if city not in roster_domain.ANHUI_CITIES:
                return _fail(msg.BAD_CITY.format(city=target))
        issued = await invitations.issue(
            db,
            role=role,
            institution=institution,
            city=city,
            actor="cli",
            now=Clock().now(),
            days=args.days or settings.invitation_days,
            count=args.count,
            scope=scope or None,
        )
        username = await _bot_username(db, settings)
        names = {u.id: u.name for u in units}
        for inv in issued:
            label = inv.institution.name if inv.institution else (inv.city or "、".join(names[i] for i in scope))
            print(
                f"{role}\t{label}\t{when.local_time(inv.expires_at, settings.tz)}\t"
                f"{invitations.deep_link(username, inv.code)}\t{invitations.web_link(settings.web_base, inv.code)}"
            )
        return 0

    return work


async def _invite_all(db: Database, args: argparse.Namespace, settings: Settings) -> int:
    from bot.domain.people import bulk_invites

    if matching.role_of(args.role) != "coordinator" or args.target:
        return _fail(msg.ALL_ONLY_COORDINATORS)
    if args.out is None:
        return _fail(msg.ALL_NEEDS_OUT)
    if args.out.suffix.lower() != ".xlsx":
        return _fail(msg.OUT_NEEDS_XLSX.format(path=args.out, example=args.out.with_suffix(".xlsx")))
    username = await _bot_username(db, settings)
    if not username and not settings.web_enabled:  # with the web channel, its links serve (and fill the QR codes)
        return _fail(msg.NO_USERNAME)
    outcome = await bulk_invites.issue_all(
        db,
        username=username,
        now=Clock().now(),
        days=args.days or settings.invitation_days,
        actor="cli",
        renew=args.renew,
        web_base=settings.web_base if settings.web_enabled else None,
    )
    folder = await bulk_invites.write(outcome.lines, args.out, when=lambda at: when.local_time(at, settings.tz))
    print(msg.invitations_written(len(outcome.lines), str(args.out), str(folder), outcome.kept, outcome.revoked))
    return 0


def _roster(args: argparse.Namespace) -> Callable[[Database], Awaitable[int]]:
    async def work(db: Database) -> int:
        if args.action == "export":
            await roster_domain.export_workbook(db, args.file)
            print(f"roster written to {args.file}")
            return 0
        if args.action == "template":
            if args.file.suffix.lower() != ".xlsx":
                return _fail(msg.OUT_NEEDS_XLSX.format(path=args.file, example=args.file.with_suffix(".xlsx")))
            roster_domain.write_template(args.file)
            print(msg.TEMPLATE_WRITTEN.format(path=args.file))
            return 0
        if args.action == "check":
            missing = await roster_domain.without_city(db)
            total = len([i for i in await roster_store.institutions(db.read) if i.kind in SCHOOL_KINDS])
            print(msg.roster_check([(i.seq, i.kind, i.name) for i in missing], total))
            return 1 if missing else 0
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
        from datetime import date

        from bot.domain.outlines import load_outlines
        from bot.export.meta import ExportMeta
        from bot.export.run import export
        from messages import documents as words
        from storage import campaign

        if args.out.suffix.lower() != ".xlsx":
            return _fail(msg.OUT_NEEDS_XLSX.format(path=args.out, example=args.out.with_suffix(".xlsx")))
        city = args.city.strip().removesuffix("市") if args.city is not None else None
        if city is not None and city not in roster_domain.ANHUI_CITIES:
            return _fail(msg.UNKNOWN_CITY.format(city=args.city, cities="、".join(roster_domain.ANHUI_CITIES)))
        insts = await roster_store.institutions(db.read)
        if city is not None and not any(i.city == city and i.kind == "中职" for i in insts):
            return _fail(msg.EXPORT_EMPTY.format(what=msg.EXPORT_EMPTY_CITY.format(city=city)), 1)
        if not insts:
            return _fail(msg.EXPORT_EMPTY.format(what=msg.EXPORT_EMPTY_ALL), 1)
        stored = await campaign.deadlines(db.read)
        meta = ExportMeta(
            campaign=settings.campaign_name,
            year=settings.campaign_year,
            tz=settings.tz,
            made_at=Clock().now(),
            maker=words.maker_city(city) if city else words.MAKER_OFFICE,
            deadline=date.fromisoformat(stored["report"]) if "report" in stored else settings.deadline,
        )
        result = await export(
            db,
            load_outlines(year=settings.campaign_year),
            year=settings.campaign_year,
            evidence_root=settings.evidence_dir,
            out=args.out,
            city=city,
            with_bundle=not args.no_bundle,
            docx_dir=args.docx,
            docx_zip=args.docx / words.DOC_ZIP_NAME if args.docx else None,
            meta=meta,
            data_dir=settings.data_dir,
        )
        print(f"workbook {result.workbook} ({result.sheets} sheets)")
        if result.bundle:
            print(f"evidence bundle {result.bundle} ({result.files} files)")
        if result.documents:
            print(f"{len(result.documents)} Word self-reports in {args.docx}, all in {result.documents_zip}")
        return 0

    return work


def _deadline(args: argparse.Namespace, settings: Settings) -> Callable[[Database], Awaitable[int]]:
    async def work(db: Database) -> int:
        from storage import audit, campaign

        if args.kind and args.date:
            due = parse_date(args.date, year=settings.campaign_year)
            if due is None:
                return _fail(msg.DEADLINE_BAD.format(date=args.date))
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
            return _fail(msg.DEADLINE_BOTH)
        stored = await campaign.deadlines(db.read)
        # Each deadline stands on its own: setting the report's never moves the questionnaire's.
        print(f"report\t{stored.get('report', settings.deadline.isoformat())}")
        print(f"questionnaire\t{stored.get('questionnaire', settings.deadline.isoformat())}")
        return 0

    return work


def _print_draw(
    sample_id: int | None, seed: str, strata: dict[str, dict[str, int]], picked: list[tuple[str, str]]
) -> None:
    head = f"sample #{sample_id} seed {seed}" if sample_id is not None else f"{msg.SAMPLE_DRY} seed {seed}"
    print(head)
    for stratum, n in strata.items():
        print(f"  {stratum}: {n['drawn']}/{n['population']}")
    for stratum, name in picked:
        print(f"{stratum}\t{name}")


def _sample(args: argparse.Namespace, ask: Callable[[str], str]) -> Callable[[Database], Awaitable[int]]:
    async def work(db: Database) -> int:
        import json

        from bot.domain.oversight.oversight import candidates, draw_sample
        from bot.domain.oversight.sampling import draw
        from storage import oversight

        names = {i.id: i.name for i in await roster_store.institutions(db.read)}
        latest = await oversight.latest_sample(db.read)
        if args.dry_run:
            schools, orgs = await candidates(db)
            result = draw(schools, orgs, seed=args.seed or _fresh_seed(), fraction=0.2)
            _print_draw(
                None, result.seed, result.strata, [(c.stratum, names.get(c.id, str(c.id))) for c in result.picked]
            )
            return 0
        if not args.draw:
            if latest is None:
                print(msg.SAMPLE_NONE)
                return 0
            sample_id, seed, _by, _at, strata = latest
            members = await oversight.sample_members(db.read, sample_id)
            _print_draw(sample_id, seed, json.loads(strata), [(s, names.get(i, str(i))) for i, s in members])
            return 0
        if latest is not None and not args.yes:
            try:
                answer = ask(msg.SAMPLE_EXISTS.format(id=latest[0], seed=latest[1]))
            except EOFError:  # no terminal to ask on: keep the recorded draw
                answer = ""
            if answer.strip().lower() not in ("yes", "y", "是", "确定"):
                print(msg.SAMPLE_KEPT.format(id=latest[0]))
                return 1
        sample_id, result = await draw_sample(db, seed=args.seed, actor="cli", at=Clock().now().isoformat())
        _print_draw(
            sample_id, result.seed, result.strata, [(c.stratum, names.get(c.id, str(c.id))) for c in result.picked]
        )
        return 0

    return work


def _fresh_seed() -> str:
    import secrets

    return secrets.token_hex(8)


def _backup(args: argparse.Namespace) -> Callable[[Database], Awaitable[int]]:
    async def work(db: Database) -> int:
        if args.force:
            args.file.unlink(missing_ok=True)  # SQLite's backup cannot write over a file that is not a database
        await db.backup_to(args.file)
        print(msg.BACKUP_DONE.format(path=args.file))
        return 0

    return work


def _campaign(args: argparse.Namespace, settings: Settings) -> Callable[[Database], Awaitable[int]]:
    async def work(db: Database) -> int:
        from storage import audit, campaign, closing

        now = Clock().now()
        if args.action == "close":
            if args.on is not None:
                day = parse_date(args.on, year=settings.campaign_year)
                if day is None:
                    return _fail(msg.DEADLINE_BAD.format(date=args.on))
                at = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=settings.tz)
            else:
                at = now
            async with db.transaction() as conn:
                await closing.set_close(conn, at.astimezone(now.tzinfo).isoformat(), by="cli", now=now.isoformat())
                await audit.record(
                    conn, at=now.isoformat(), actor="cli", action="campaign.close", detail={"at": at.isoformat()}
                )
        elif args.action == "reopen":
            if args.on is not None:
                return _fail(msg.ON_ONLY_WITH_CLOSE)
            async with db.transaction() as conn:
                await closing.reopen(conn)
                await audit.record(conn, at=now.isoformat(), actor="cli", action="campaign.reopen")
            print(msg.CAMPAIGN_REOPENED)
        elif args.on is not None:
            return _fail(msg.ON_ONLY_WITH_CLOSE)
        stored = await campaign.deadlines(db.read)
        due = date.fromisoformat(stored.get("report", settings.deadline.isoformat()))
        due_text = f"{due.year}年{due.month}月{due.day}日"
        close = await closing.closes_at(db.read)
        if close is None:
            print(msg.CAMPAIGN_OPEN.format(due=due_text))
        else:
            local = datetime.fromisoformat(close).astimezone(settings.tz)
            if local <= now:
                print(msg.CAMPAIGN_CLOSED.format(at=when.local_time(local, settings.tz)))
            else:
                last = (local - timedelta(minutes=1)).date()
                print(msg.CAMPAIGN_CLOSES.format(on=when.local_date(last, settings.tz), due=due_text))
        return 0

    return work


def main(argv: Sequence[str] | None = None, *, ask: Callable[[str], str] = input) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"xcheck: {exc}", file=sys.stderr)
        return 2
    if args.command == "run":
        from bot.tg.app import run, run_web_only

        if not settings.bot_token.get_secret_value():
            if not settings.web_enabled:
                print("xcheck: set XCHECK_BOT_TOKEN, or XCHECK_WEB_LISTEN to serve the web channel", file=sys.stderr)
                return 2
            run_web_only(settings)  # no token: the web channel alone, and it says so
            return 0
        run(settings)
        return 0
    if args.command == "outline":
        from bot.domain.outlines.show import show_outline

        print(show_outline(args.which, settings, as_json=args.json))
        return 0
    if args.command == "backup" and args.file.exists() and not args.force:
        return _fail(msg.BACKUP_EXISTS.format(path=args.file), 1)
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
        work = _sample(args, ask)
    elif args.command == "deadline":
        work = _deadline(args, settings)
    elif args.command == "campaign":
        work = _campaign(args, settings)
    else:
        work = _backup(args)
    return asyncio.run(_with_db(settings, work))


if __name__ == "__main__":
    raise SystemExit(main())
