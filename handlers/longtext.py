"""Messages longer than Telegram allows: split at line ends into several messages, never inside an HTML tag
or entity; a tag still open at a cut is closed there and opened again at the start of the next part."""

from __future__ import annotations

import re

from telegram import Update

from bot.core import views as vw
from handlers.quiet import send_unread
from handlers.screen import show, with_retry

LIMIT = 4096  # Telegram's cap on a message's text; the HTML counted here is longer than what Telegram counts
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*>")
# The pieces a line may be cut between: a tag, an entity, or one character.
_ATOM = re.compile(r"<[^<>]*>|&#?\w+;|.", re.S)

Stack = tuple[tuple[str, str], ...]  # open tags: (name, the opening tag as written)


def _after(stack: Stack, segment: str) -> Stack:
    out = list(stack)
    for match in _TAG.finditer(segment):
        name = match.group(2).lower()
        if match.group(1):
            for n in range(len(out) - 1, -1, -1):
                if out[n][0] == name:
                    del out[n:]
                    break
        else:
            out.append((name, match.group(0)))
    return tuple(out)


def _close(stack: Stack) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _open(stack: Stack) -> str:
    return "".join(tag for _, tag in stack)


def split_html(text: str, limit: int = LIMIT) -> list[str]:
    """Parts of at most `limit` characters that are each valid HTML on their own, cut at line ends where
    a line fits, else between characters of the line outside any tag or entity."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    stack: Stack = ()
    body = ""  # the current part's lines, without the tags reopened in front
    head: Stack = ()  # the tags open when the current part began

    def flush() -> None:
        nonlocal body, head
        if body:
            parts.append(_open(head) + body + _close(stack))
        body, head = "", stack

    for line in text.split("\n"):
        joined = body + ("\n" if body else "") + line
        after = _after(stack, line)
        if len(_open(head) + joined + _close(after)) <= limit:
            body, stack = joined, after
            continue
        flush()
        if len(_open(head) + line + _close(after)) <= limit:
            body, stack = line, after
            continue
        for atom in _ATOM.findall(line):  # a line longer than a message: cut between atoms
            grown = _after(stack, atom)
            if body and len(_open(head) + body + atom + _close(grown)) > limit:
                flush()
            body += atom
            stack = grown
    flush()
    return parts


async def show_long(update: Update, text: str, keys: vw.Keyboard | None = None) -> None:
    """Shows a text of any length: the first part where `show` would put it, the rest as new messages,
    the buttons under the last part."""
    parts = split_html(text)
    if len(parts) == 1:
        await show(update, text, keys)
        return
    await show(update, parts[0], None)
    chat = update.effective_chat
    assert chat is not None
    for n, part in enumerate(parts[1:], 2):
        await _send(update, chat.id, part, keys if n == len(parts) else None)


async def _send(update: Update, chat_id: int, text: str, keys: vw.Keyboard | None) -> None:
    bot = update.get_bot()
    await with_retry(lambda: send_unread(bot, chat_id, text, keys))
