"""A tiny escaping template: every value placed into markup is escaped unless it is already Safe markup."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from messages import web as text
from messages import web_chat


class Safe(str):
    """Markup built by this module (or escaped already); placed as it is."""

    __slots__ = ()


def esc(value: object) -> Safe:
    return value if isinstance(value, Safe) else Safe(escape(str(value), quote=True))


def t(template: str, /, **values: object) -> Safe:
    """`template` is our own literal markup; each {name} is filled with its value escaped."""
    return Safe(template.format(**{k: esc(v) for k, v in values.items()}))


def join(parts: Iterable[object], sep: str = "") -> Safe:
    return Safe(sep.join(esc(p) for p in parts))


STYLE = """
*{box-sizing:border-box}body{margin:0;font:16px/1.5 -apple-system,"PingFang SC","Noto Sans CJK SC",
"WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;color:#1d2330;background:#f4f6f9}
header{background:#1f4e8c;color:#fff;padding:10px 14px;display:flex;justify-content:space-between;align-items:center}
header nav{display:flex;gap:14px;align-items:center}header form{margin:0}
header a,header button{color:#fff;background:none;border:0;font:inherit;text-decoration:none;cursor:pointer;padding:0}
main{max-width:980px;margin:0 auto;padding:12px}
.card{background:#fff;border-radius:8px;padding:12px 14px;margin:10px 0;box-shadow:0 1px 2px #0001}
h1{font-size:20px;margin:6px 0}h2{font-size:17px;margin:4px 0 8px}h3{font-size:16px;margin:4px 0}
.muted{color:#667}.small{font-size:14px}.core{color:#b35c00;font-size:13px}
.ok{color:#17702e}.err{color:#b00020;background:#fdecee;padding:6px 8px;border-radius:6px;margin:6px 0}
.warn{color:#7a4b00;background:#fff4dc;padding:6px 8px;border-radius:6px;margin:6px 0}
.info{background:#e8f1fd;padding:8px 10px;border-radius:6px}
input[type=text],input[type=number],textarea{width:100%;font:inherit;padding:8px;border:1px solid #b9c2d0;
border-radius:6px}
input[type=number]{min-width:5em}textarea{min-height:5em}
button,.btn{display:inline-block;background:#1f4e8c;color:#fff;border:0;border-radius:6px;padding:10px 16px;
font:inherit;text-decoration:none;cursor:pointer;margin:4px 0}.btn.light{background:#e3e8f0;color:#1d2330}
label.opt{display:inline-flex;align-items:center;gap:6px;margin:4px 14px 4px 0;padding:6px 0}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e1e5ec;padding:6px;text-align:left;
vertical-align:top}.num{text-align:right;white-space:nowrap}
.bar{display:flex;height:18px;border-radius:4px;overflow:hidden;background:#e3e8f0;min-width:120px}
.bar span{display:block;height:100%}.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}
.s-not_started{background:#c9ced8}.s-in_progress{background:#f0b429}.s-submitted{background:#3a7bd5}
.s-returned{background:#d64545}.s-accepted{background:#2f9e57}
.grid{display:grid;grid-template-columns:1fr;gap:10px}@media(min-width:900px){.grid{grid-template-columns:1fr 1fr}}
.scroll{overflow-x:auto}th{white-space:nowrap}.hash{word-break:break-all;font-size:13px}
.summary{list-style:none;padding:0;margin:6px 0}
"""


def page(title: str, body: Safe, *, nonce: str, csrf: str | None = None, heading: str = "") -> Safe:
    """The whole document: mobile viewport, our style, and a sign-out button once signed in."""
    out = (
        Safe("")
        if csrf is None
        else t(
            '<nav><a href="/chat" id="chat-link" title="{hint}">💬 {chat}</a> '
            '<form method="post" action="/logout">{c}<button>{out}</button></form></nav>',
            c=hidden_csrf(csrf),
            out=text.SIGN_OUT,
            chat=web_chat.LINK,
            hint=web_chat.LINK_HINT,
        )
    )
    return t(
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<title>{title}</title><style nonce="{nonce}">{style}</style></head><body>'
        '<header><a href="/">{brand}</a>{out}</header><main>{body}</main></body></html>',
        title=title,
        nonce=nonce,
        style=Safe(STYLE),
        brand=heading or text.TITLE,
        out=out,
        body=body,
    )


def hidden_csrf(token: str) -> Safe:
    return t('<input type="hidden" name="csrf" value="{v}">', v=token)


EMPTY = Safe("")
