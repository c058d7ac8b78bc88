"""The layers, as an import contract (issue 13). A typed answer runs one way down: adapter (handlers/, the
web) -> core (bot/core) -> domain (bot/domain) -> storage. The domain and the core never import telegram or
aiohttp, directly or through another module; the domain never imports the core (but for the typed button
data and stages both share), the Telegram runtime or the web; storage/ imports neither telegram, aiohttp
nor handlers/; messages/ never imports telegram; the adapters reach storage and the domain only through
the core. Walks the import graph of the source with `ast` (no import-linter: one small test, no new
dependency). Imports under `if TYPE_CHECKING:` are not run and are not counted, as import-linter's
`exclude_type_checking_imports` does; imports inside functions are counted."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "storage", "messages")

# The Telegram runtime (bot/tg) and the process around it: may import telegram and aiohttp.
RUNTIME_PACKAGES = ("bot.tg",)
RUNTIME = {"bot.__main__", "bot.cli", "bot.tg"}
WEB = "bot.web"
# What the domain may take from the core: typed data both layers share (button payloads that answer types
# offer, the walk's stages), no flow.
SHARED_WITH_THE_DOMAIN = ("bot.core.buttons", "bot.core.stages")


def _under(name: str, packages: tuple[str, ...] | set[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, package: str) -> Iterator[str]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking(node):
            yield from (name for child in node.orelse for name in _imports(child, package))
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            yield target
            # `from bot import buttons` imports the module bot.core.buttons
            yield from (f"{target}.{alias.name}" for alias in node.names)
        yield from _imports(node, package)


@cache
def direct_imports(name: str) -> frozenset[str]:
    path = modules()[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set(_imports(ast.parse(path.read_text(encoding="utf-8")), package))
    return frozenset(found)


def _top(name: str) -> str:
    return name.split(".")[0]


def _own(name: str) -> str | None:
    """The project module an import names (a module, or a package's __init__), or None for a library."""
    while name:
        if name in modules():
            return name
        name = name.rpartition(".")[0]
    return None


def chain_to(start: str, forbidden: set[str]) -> list[str] | None:
    """The import chain from `start` to a module of a forbidden top-level package, or None."""
    seen = {start}
    paths = [[start]]
    while paths:
        path = paths.pop(0)
        for target in sorted(direct_imports(path[-1])):
            if _top(target) in forbidden:
                return [*path, target]
            own = _own(target)
            if own is not None and own not in seen:
                seen.add(own)
                # Importing bot.x runs bot/__init__.py too.
                for parent in _parents(own):
                    if parent not in seen:
                        seen.add(parent)
                        paths.append([*path, parent])
                paths.append([*path, own])
    return None


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts)) if ".".join(parts[:n]) in modules()]


def domain() -> list[str]:
    """Everything in bot/ but the Telegram runtime, the process around it and the web channel."""
    return [m for m in modules() if _top(m) == "bot" and not _under(m, RUNTIME) and not _under(m, {WEB})]


def test_the_runtime_list_names_real_modules() -> None:
    assert RUNTIME - set(modules()) == set()
    assert len(domain()) > 30  # the walk, reports, people, campaign, oversight, exports...


@pytest.mark.parametrize("name", [m for m in modules() if _under(m, {"bot.domain"})])
def test_the_domain_imports_no_core_no_runtime_and_no_web(name: str) -> None:
    own = {t for t in direct_imports(name) if _own(t) is not None and t != "bot.core"}
    above = {"bot.core", *RUNTIME_PACKAGES, WEB, "bot.cli"}
    assert sorted(t for t in own if _under(t, above) and not _under(t, SHARED_WITH_THE_DOMAIN)) == []


@pytest.mark.parametrize("name", domain())
def test_the_domain_imports_neither_telegram_nor_aiohttp(name: str) -> None:
    assert chain_to(name, {"telegram", "aiohttp"}) is None


@pytest.mark.parametrize("name", [m for m in modules() if _top(m) == "storage"])
def test_storage_imports_neither_telegram_aiohttp_nor_handlers(name: str) -> None:
    assert chain_to(name, {"telegram", "aiohttp", "handlers"}) is None


@pytest.mark.parametrize("name", [m for m in modules() if _top(m) == "messages"])
def test_messages_import_no_telegram(name: str) -> None:
    assert chain_to(name, {"telegram"}) is None


def test_the_contract_sees_a_forbidden_import_through_another_module(tmp_path: Path) -> None:
    """The walker itself: a chain through a runtime module is found, a type-only import is not."""
    runtime = chain_to("bot.tg.app", {"telegram"})
    assert runtime is not None and runtime[-1].startswith("telegram")
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import telegram\nimport aiohttp\n")
    assert sorted(_imports(tree, "bot")) == ["aiohttp", "typing", "typing.TYPE_CHECKING"]
    inside = ast.parse("def f():\n    from telegram import Bot\n")
    assert sorted(_imports(inside, "bot")) == ["telegram", "telegram.Bot"]


# handlers/ only translates: Telegram updates to core events, views to Bot API calls. What a handler
# module may import from the project: the core, button data, its dependencies' holder, wording, and the
# other adapter modules. Storage and the domain are reached through bot.core only.
ADAPTER_MAY_IMPORT = ("bot.core", "bot.core.buttons", "bot.deps", "bot.config", "handlers", "messages")


def _reaches_past_the_core(name: str) -> list[str]:
    own = {t for t in direct_imports(name) if _own(t) is not None and _own(t) != "bot"}
    allowed = (*ADAPTER_MAY_IMPORT, *RUNTIME)
    own = {t for t in own if t not in ("bot.core", "bot.tg")}  # `from bot.tg import x` names the package too
    return sorted(t for t in own if not any(t == p or t.startswith(p + ".") for p in allowed))


@pytest.mark.parametrize("name", [m for m in modules() if _top(m) == "handlers"])
def test_handlers_reach_storage_and_the_domain_only_through_the_core(name: str) -> None:
    assert _reaches_past_the_core(name) == []


def test_the_handlers_contract_sees_a_module_that_reaches_storage() -> None:
    # The web's section pages call storage and the walk directly: as a handler they would be refused.
    assert {"storage.reports", "bot.domain.walk.reporting"} <= set(_reaches_past_the_core("bot.web.walk"))


@pytest.mark.parametrize("name", [m for m in modules() if m == "bot.core" or m.startswith("bot.core.")])
def test_the_core_imports_no_channel(name: str) -> None:
    assert chain_to(name, {"telegram", "aiohttp", "handlers"}) is None


# bot/web/chat.py is the web's second adapter over the same core (issue 13): like handlers/, it reaches
# storage and the domain only through bot.core; besides, only the web channel's own mechanics (sessions and
# pages, escaping, streamed uploads), which reach no storage either.
WEB_CHAT = "bot.web.chat"
WEB_CHAT_MAY_IMPORT = (
    "bot.core",
    "bot.core.buttons",
    "bot.deps",
    "bot.config",
    "bot.web.app",
    "bot.web.html",
    "bot.web.uploads",
    "messages",
)


def _past_the_core(name: str, allowed: tuple[str, ...]) -> list[str]:
    own = {t for t in direct_imports(name) if _own(t) is not None and _own(t) not in ("bot", "bot.web")}
    return sorted(t for t in own if not any(t == p or t.startswith(p + ".") for p in allowed))


def test_the_web_conversation_page_reaches_storage_and_the_domain_only_through_the_core() -> None:
    assert _past_the_core(WEB_CHAT, WEB_CHAT_MAY_IMPORT) == []
    # Its upload helper is mechanics only: no storage, no domain.
    assert _past_the_core("bot.web.uploads", ("bot.web.app", "bot.web.html", "messages")) == []


def test_the_web_chat_contract_sees_a_page_that_reaches_storage() -> None:
    # The section pages reach storage and the domain directly: the same check refuses them.
    assert {"storage.reports", "bot.domain.walk.reporting"} <= set(_past_the_core("bot.web.walk", WEB_CHAT_MAY_IMPORT))
