"""Button data: every kind of button is one frozen dataclass, packed to Telegram's callback data (at most
64 bytes) and parsed back by the one strict `parse`. The group -1 gate refuses any data `parse` rejects, so
a handler only ever sees a typed payload: ids are ASCII digits within SQLite's range, small numbers are
bounded, actions are one of a known set. No telegram import: the web channel may use the same payloads.

The wire format is the one earlier versions sent (`w:1:p5:yn:1`), so buttons already in people's chats
keep working after an upgrade."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias, get_args

from bot.domain.campaign.progress import STATUSES
from bot.domain.people.roster import ANHUI_CITIES, KINDS

LIMIT: Final = 64  # bytes: Telegram's limit on callback data
SQLITE_MAX: Final = 2**63 - 1
SMALL_MAX: Final = 9999  # a section, a row, an option, a page: never more than this
_ASCII_ID = re.compile(r"[0-9]{1,19}")
_ITEM = re.compile(r"[a-z][a-z0-9_.]{0,31}")  # p5, s1.practice: ASCII only
_NO_ITEM: Final = "-"


def parse_id(text: str) -> int | None:
    """A number from button data or a command: ASCII digits only, within SQLite's integer range; otherwise
    None. (str.isdigit() accepts '²' and '١', which int() then rejects or misreads.)"""
    if not _ASCII_ID.fullmatch(text):
        return None
    value = int(text)
    return value if value <= SQLITE_MAX else None


def _small(text: str) -> int | None:
    value = parse_id(text)
    return value if value is not None and value <= SMALL_MAX else None


def _item(text: str) -> str | None:
    return text if _ITEM.fullmatch(text) else None


def _opt(value: int | None) -> str:
    return "" if value is None else str(value)


def _checked(data: str) -> str:
    assert len(data.encode()) <= LIMIT, f"button data over {LIMIT} bytes: {data!r}"
    return data


WalkAction: TypeAlias = Literal[
    "go", "back", "next", "skip", "later", "on", "yn", "ch", "reply", "keep", "retype", "confirm", "redo", "row"
]
MenuAction: TypeAlias = Literal[
    "home", "pick", "cont", "secs", "sec", "prog", "evid", "reuse", "dl", "quest", "questqr", "questfill", "help"
]
EvidenceAction: TypeAlias = Literal["put", "sec", "drop", "list", "take", "pick", "ask", "rm"]
ReviewAction: TypeAlias = Literal["sum", "page", "files", "file"]
SubmitAction: TypeAlias = Literal["ask", "go"]
CardAction: TypeAlias = Literal["card", "word", "retpts", "retall", "retgo", "acceptask", "acceptgo", "diff"]
ProgressAction: TypeAlias = Literal["list", "city", "orgs", "kind"]
ExpertAction: TypeAlias = Literal["card", "cert", "g"]
ReaderAction: TypeAlias = Literal["complete", "lead", "export"]
BroadcastAction: TypeAlias = Literal["aud", "cities", "certs", "cancel", "go"]
Audience: TypeAlias = Literal["all", "pending", "returned", "kind", "city", "cert"]
OfficeKey: TypeAlias = Literal[
    "progress", "review", "flags", "broadcast", "deadline", "quotas", "sample", "grades", "export"
]
RebindAnswer: TypeAlias = Literal["yes", "no"]


def _one_of(text: str, alias: object) -> bool:
    return text in get_args(alias)


def office_key(text: str) -> OfficeKey | None:
    """The office dashboard's key named `text` (messages name the buttons by these keys), or None."""
    return text if _one_of(text, OfficeKey) else None  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Walk:
    """A walk screen's button for one item: `arg` is 1/0 for 是/否, an option's or a row's index."""

    report: int
    item: str
    action: WalkAction
    arg: int | None = None

    def pack(self) -> str:
        return _checked(f"w:{self.report}:{self.item}:{self.action}:{_opt(self.arg)}")


@dataclass(frozen=True, slots=True)
class Menu:
    """The coordinator's menu; `report` 0 is "no report chosen yet"; `section` only for `sec`."""

    action: MenuAction
    report: int = 0
    section: int | None = None

    def pack(self) -> str:
        return _checked(f"m:{self.action}:{self.report}:{_opt(self.section)}")


@dataclass(frozen=True, slots=True)
class Evidence:
    """Evidence of a report: `item` None while a file waits to be placed; `arg` a section or a file id."""

    report: int
    item: str | None
    action: EvidenceAction
    arg: int | None = None

    def pack(self) -> str:
        return _checked(f"e:{self.report}:{self.item or _NO_ITEM}:{self.action}:{_opt(self.arg)}")


@dataclass(frozen=True, slots=True)
class Review:
    """Reading a report: the summary, a section page, its files, one file."""

    report: int
    action: ReviewAction
    arg: int | None = None

    def pack(self) -> str:
        return _checked(f"r:{self.report}:{self.action}:{_opt(self.arg)}")


@dataclass(frozen=True, slots=True)
class Submit:
    report: int
    action: SubmitAction

    def pack(self) -> str:
        return _checked(f"s:{self.report}:{self.action}:")


@dataclass(frozen=True, slots=True)
class Card:
    """The office's review card of one report."""

    report: int
    action: CardAction

    def pack(self) -> str:
        return _checked(f"o:{self.report}:{self.action}:")


@dataclass(frozen=True, slots=True)
class Progress:
    """The office's progress screens; `status` only for `list`."""

    action: ProgressAction
    status: str | None = None

    def pack(self) -> str:
        return _checked(f"p:{self.action}:{self.status or ''}")


@dataclass(frozen=True, slots=True)
class Expert:
    """An expert's card of an assigned institution, a certificate's unit, or a grade (an index into
    bot.domain.oversight.oversight.GRADES) for the institution or one of its certificates."""

    institution: int
    action: ExpertAction
    certificate: int | None = None
    grade: int | None = None

    def pack(self) -> str:
        if self.action == "g":
            arg = f"{self.grade}" + (f"c{self.certificate}" if self.certificate is not None else "")
        else:
            arg = _opt(self.certificate)
        return _checked(f"x:{self.institution}:{self.action}:{arg}")


@dataclass(frozen=True, slots=True)
class Reader:
    """A city bureau's or a lead institution's buttons."""

    action: ReaderAction

    def pack(self) -> str:
        return _checked(f"c:{self.action}")


@dataclass(frozen=True, slots=True)
class Broadcast:
    """Choosing a broadcast's audience: `arg` is a kind, a city or a certificate id for those audiences."""

    action: BroadcastAction
    audience: Audience | None = None
    arg: str = ""

    def pack(self) -> str:
        return _checked(f"b:{self.action}:{self.audience or ''}:{self.arg}")


@dataclass(frozen=True, slots=True)
class OfficeMenu:
    key: OfficeKey

    def pack(self) -> str:
        return _checked(f"ofc:{self.key}")


@dataclass(frozen=True, slots=True)
class Rebind:
    """The answer to "bind this account to the new invitation instead?"."""

    answer: RebindAnswer
    invitation: int

    def pack(self) -> str:
        return _checked(f"i:{self.answer}:{self.invitation}")


Payload: TypeAlias = (
    Walk | Menu | Evidence | Review | Submit | Card | Progress | Expert | Reader | Broadcast | OfficeMenu | Rebind
)
_GRADE_ARG = re.compile(r"([0-9])(?:c([0-9]{1,19}))?")


def _walk(p: list[str]) -> Walk | None:
    rid, item, arg = parse_id(p[1]), _item(p[2]), _small(p[4]) if p[4] else None
    if rid is None or item is None or not _one_of(p[3], WalkAction) or (p[4] and arg is None):
        return None
    return Walk(rid, item, p[3], arg)  # type: ignore[arg-type]


def _menu(p: list[str]) -> Menu | None:
    rid, section = parse_id(p[2]), _small(p[3]) if p[3] else None
    # Only `sec` names a section, and it always does.
    if (
        rid is None
        or not _one_of(p[1], MenuAction)
        or (p[1] == "sec") != (section is not None)
        or (p[3] and section is None)
    ):
        return None
    return Menu(p[1], rid, section)  # type: ignore[arg-type]


def _evidence(p: list[str]) -> Evidence | None:
    rid, arg = parse_id(p[1]), parse_id(p[4]) if p[4] else None
    item = None if p[2] == _NO_ITEM else _item(p[2])
    if rid is None or (item is None and p[2] != _NO_ITEM) or not _one_of(p[3], EvidenceAction):
        return None
    return None if p[4] and arg is None else Evidence(rid, item, p[3], arg)  # type: ignore[arg-type]


def _review(p: list[str]) -> Review | None:
    rid, arg = parse_id(p[1]), parse_id(p[3]) if p[3] else None
    if rid is None or not _one_of(p[2], ReviewAction) or (p[3] and arg is None):
        return None
    return Review(rid, p[2], arg)  # type: ignore[arg-type]


def _submit(p: list[str]) -> Submit | None:
    rid = parse_id(p[1])
    return Submit(rid, p[2]) if rid is not None and _one_of(p[2], SubmitAction) and not p[3] else None  # type: ignore[arg-type]


def _card(p: list[str]) -> Card | None:
    rid = parse_id(p[1])
    return Card(rid, p[2]) if rid is not None and _one_of(p[2], CardAction) and not p[3] else None  # type: ignore[arg-type]


def _progress(p: list[str]) -> Progress | None:
    if p[1] == "list":
        return Progress("list", p[2]) if p[2] in STATUSES else None
    return Progress(p[1]) if _one_of(p[1], ProgressAction) and not p[2] else None  # type: ignore[arg-type]


def _expert(p: list[str]) -> Expert | None:
    inst = parse_id(p[1])
    if inst is None:
        return None
    if p[2] == "card" and not p[3]:
        return Expert(inst, "card")
    if p[2] == "cert":
        cert = parse_id(p[3])
        return Expert(inst, "cert", certificate=cert) if cert is not None else None
    grade = _GRADE_ARG.fullmatch(p[3]) if p[2] == "g" else None
    if grade is None:
        return None
    cert = parse_id(grade.group(2)) if grade.group(2) else None
    if grade.group(2) and cert is None:
        return None
    return Expert(inst, "g", certificate=cert, grade=int(grade.group(1)))


def _broadcast(p: list[str]) -> Broadcast | None:
    action, audience, arg = p[1], p[2], p[3]
    if action in ("cities", "certs", "cancel", "go"):
        return Broadcast(action) if not audience and not arg else None  # type: ignore[arg-type]
    if action != "aud" or not _one_of(audience, Audience):
        return None
    valid = {
        "kind": arg in KINDS,
        "city": arg in ANHUI_CITIES,
        "cert": parse_id(arg) is not None,
    }.get(audience, not arg)
    return Broadcast("aud", audience, arg) if valid else None  # type: ignore[arg-type]


def _rebind(p: list[str]) -> Rebind | None:
    invitation = parse_id(p[2])
    return Rebind(p[1], invitation) if invitation is not None and _one_of(p[1], RebindAnswer) else None  # type: ignore[arg-type]


_PARSERS = {
    ("w", 5): _walk,
    ("m", 4): _menu,
    ("e", 5): _evidence,
    ("r", 4): _review,
    ("s", 4): _submit,
    ("o", 4): _card,
    ("p", 3): _progress,
    ("x", 4): _expert,
    ("b", 4): _broadcast,
    ("i", 3): _rebind,
}


def parse(data: str) -> Payload | None:
    """The payload of button data, or None for anything no button of this bot packs (old formats, forged
    or garbled data, numbers out of range or in other scripts, unknown actions)."""
    if not data or len(data.encode()) > LIMIT:
        return None
    parts = data.split(":")
    if len(parts) == 2 and parts[0] == "c":
        return Reader(parts[1]) if _one_of(parts[1], ReaderAction) else None  # type: ignore[arg-type]
    if len(parts) == 2 and parts[0] == "ofc":
        return OfficeMenu(parts[1]) if _one_of(parts[1], OfficeKey) else None  # type: ignore[arg-type]
    parser = _PARSERS.get((parts[0], len(parts)))
    return parser(parts) if parser else None
