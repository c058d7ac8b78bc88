"""简体中文文案: Telegram's faults as users see them (issue 11)."""

from __future__ import annotations

EVIDENCE_BUSY = "❗ Telegram 暂时繁忙，文件未能接收，未保存任何内容。请稍等片刻后重新发送该文件。"
