"""Strings of the storage's busy path (issue 16)."""

from __future__ import annotations

# Another program (a roster import, a maintenance job) held the database longer than the bot waits.
BUSY = "系统正忙（数据库正在被其他程序使用），您刚才的操作未保存。请稍等片刻后重新发送或再点一次按钮。"
