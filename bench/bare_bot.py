"""The floors: a bot on the same HTTP stack and update processor that makes the same Bot API calls per
update as xcheck (a reply per text; answerCallbackQuery + editMessageText per button) with no logic and no
storage. Run as `python -m bench.bare_bot` with the same XCHECK_* environment.

By default it sends a few bytes and two buttons (the bare floor). With BENCH_SCREEN_CHARS and
BENCH_SCREEN_BUTTONS (the walk's average screen, measured in the same run) it sends a screen of that size
in HTML with that many buttons, two to a row, as xcheck's walk screens are laid out (the walk-sized floor):
what PTB and HTTP cost for the screen itself, which no walk bot can avoid."""

from __future__ import annotations

import itertools
import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.config import load_settings
from bot.tg.app import settle_memory
from bot.tg.http import ApiRequest
from bot.tg.processor import PerUserUpdateProcessor

_n = itertools.count()
CHARS = int(os.environ.get("BENCH_SCREEN_CHARS", "0"))
BUTTONS = int(os.environ.get("BENCH_SCREEN_BUTTONS", "2"))


def _keyboard() -> InlineKeyboardMarkup:
    labels = ["是", "否", "⬅️ 上一项", "⏭ 跳过", "📋 目录", "🏠 菜单", "稍后再填", "下一项"]
    buttons = [
        InlineKeyboardButton(labels[k % len(labels)], callback_data="y" if k == 0 else f"w:1:p{k}:x:{k}")
        for k in range(BUTTONS)
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


KEYBOARD = _keyboard()


def _screen() -> str:
    n = next(_n)
    if not CHARS:
        return f"第1部分 / 共10部分 · 监测点 {n}"
    head = f"<b>第1部分 / 共10部分 · 监测点 {n} ★</b>\n"
    body = "院校年度总报考率（总报考率=已报名人数/年度试点总规模数）。请发送各证书的已报名人数，每行一个证书。\n"
    return head + (body * (CHARS // len(body) + 1))[: max(0, CHARS - len(head))]


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_html(_screen(), reply_markup=KEYBOARD)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(_screen(), reply_markup=KEYBOARD, parse_mode="HTML")


def main() -> None:
    settings = load_settings(require_token=True)
    app = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .request(ApiRequest(connection_pool_size=max(64, settings.concurrent_updates)))
        .get_updates_request(ApiRequest(connection_pool_size=2, read_timeout=60.0))
        .concurrent_updates(PerUserUpdateProcessor(settings.concurrent_updates))
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, on_text))
    app.add_handler(CallbackQueryHandler(on_button))
    settle_memory()  # the same collector settings as xcheck's own process: part of the stack, not of the walk
    app.run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])


if __name__ == "__main__":
    main()
