"""`xcheck invite --all coordinators` (issue 15) after the web channel (issue 13) (integration): every row and
letter carries the web link too, and without a known bot (web-only, or Telegram never reached) it still
writes the workbook, with the web link in the QR code, instead of refusing; only with the web channel off
does it need the bot's name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from bot.cli import main as cli_main
from tests.e2e.test_firstday_cli import _set_username, data

__all__ = ["data"]  # the fixture, used by name
CODE = r"[A-Za-z0-9_-]{16,64}"


def _body(out: Path) -> tuple[list[object], list[list[object]]]:
    rows = [list(r) for r in load_workbook(out)["邀请"].iter_rows(values_only=True)]
    return rows[0], rows[1:]


def test_web_only_invitations_carry_the_web_link(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XCHECK_WEB_BASE_URL", "https://xcheck.example.org")
    monkeypatch.delenv("XCHECK_WEB_LISTEN", raising=False)
    out = data.parent / "邀请.xlsx"
    assert cli_main(["invite", "--all", "coordinators", "--out", str(out)]) == 0
    head, body = _body(out)
    assert head == ["单位", "角色", "邀请链接", "二维码", "有效期至", "网页版链接"]
    assert len(body) == 189 + 16
    for row in body:
        telegram, web = str(row[2]), str(row[5])
        code = re.fullmatch(rf"/start ({CODE})", telegram)
        assert code is not None and web == f"https://xcheck.example.org/start/{code.group(1)}", row
    letter = Document(str(data.parent / "邀请_邀请函" / "024_安徽工商职业学院.docx"))
    text = "\n".join(p.text for p in letter.paragraphs)
    web = next(str(r[5]) for r in body if r[0] == "安徽工商职业学院")
    assert f"网页版链接（无法使用 Telegram 时用浏览器打开）：{web}" in text and "浏览器" in text
    capsys.readouterr()


def test_with_a_bot_both_links_share_one_code(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("XCHECK_WEB_BASE_URL", "XCHECK_WEB_LISTEN"):
        monkeypatch.delenv(var, raising=False)
    _set_username(data)
    out = data.parent / "邀请.xlsx"
    assert cli_main(["invite", "--all", "coordinators", "--out", str(out)]) == 0
    _, body = _body(out)
    for row in body:
        code = re.fullmatch(rf"https://t\.me/xcheck_test_bot\?start=({CODE})", str(row[2]))
        assert code is not None and str(row[5]) == f"http://127.0.0.1:8080/start/{code.group(1)}", row


def test_with_the_web_off_and_no_bot_it_still_refuses(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XCHECK_WEB_LISTEN", "off")
    assert cli_main(["invite", "--all", "coordinators", "--out", str(data.parent / "x.xlsx")]) == 2
    assert "不知道机器人的用户名" in capsys.readouterr().err
