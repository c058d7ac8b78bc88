"""简体中文文案: roster import row errors added by issue 11 (序号 out of range or taken)."""

from __future__ import annotations

from html import escape

SEQ_MAX = 9999


def seq_out_of_range(where: str, seq: str) -> str:
    return f"{where}：序号“{escape(seq)}”超出范围，应为 1 到 {SEQ_MAX} 之间的整数"


def seq_taken(where: str, seq: int, holder: str) -> str:
    return f"{where}：序号 {seq} 已属于“{escape(holder)}”（该院校不在本表中或序号未改），请核对"
