"""Wording of the web's conversation page (bot/web/chat.py): the Telegram conversation in the browser. What
the conversation itself says is the core's, in the same words as in Telegram (messages/zh_cn.py ...)."""

from __future__ import annotations

TITLE = "对话模式"
LINK = "对话模式"
LINK_HINT = "与 Telegram 相同的逐项填报"
INTRO = (
    "与 Telegram 相同的逐项填报：同样的问题、按钮和检查。点按钮作答，数字和文字在下方输入框发送；"
    "发送 /menu 打开主菜单，/help 查看帮助。"
)
YOU = "你"
YOU_PRESSED = "你点了：{label}"
YOU_SENT_FILE = "你上传了文件：{name}"
TYPE_HERE = "输入回答或指令（如 /menu）"
SEND = "发送"
UPLOAD = "上传佐证文件"
UPLOAD_HINT = "与在 Telegram 中发送文件相同：停在某个监测点时归入该点，否则会询问归入哪个监测点。不超过 {mb} MB。"
MENU = "主菜单"
LATER = "刚才送达"
NOTHING = "已收到。"
DOWNLOAD = "下载"
PROGRESS = "进度"
FORM_EXPIRED = "这个页面已过期（或不是发给您的），操作没有执行。请使用下方最新的按钮或输入框。"
ALREADY_DONE = "这个操作已经执行过了（重复提交不会重复执行）。请使用下方最新的按钮或输入框。"
FILE_GONE = "该文件已不在服务器上（文件只保留到服务重启）。请重新获取。"
FILE_NOT_HERE = "该文件只能在 Telegram 中发送。"
BROADCAST_SENDING = "通知正在后台发送（与在 Telegram 中确认发送相同）。网页版用户会在网页首页看到这条通知。"
BROADCAST_NO_BOT = (
    "通知已创建：网页版用户会在网页首页看到它；当前没有连接 Telegram，绑定了 Telegram 的人员将在机器人连接后收到。"
    "如需立即发送到 Telegram，请在 Telegram 中或在连接了 Telegram 的服务上发送通知。"
)
