"""The floor: a bot on the same HTTP stack and update processor that makes the same Bot API calls per
update as xcheck (a reply per text; answerCallbackQuery + editMessageText per button) with no logic and no
storage. Run as `python -m bench.bare_bot` with the same XCHECK_* environment."""

from __future__ import annotations

import itertools

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.config import load_settings
from bot.http import AiohttpRequest
from bot.processor import PerUserUpdateProcessor

_n = itertools.count()
KEYBOARD = InlineKeyboardMarkup(
    [[InlineKeyboardButton("是", callback_data="y"), InlineKeyboardButton("否", callback_data="n")]]
)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"第1部分 / 共10部分 · 监测点 {next(_n)}", reply_markup=KEYBOARD)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(f"第1部分 / 共10部分 · 监测点 {next(_n)}", reply_markup=KEYBOARD)


def main() -> None:
    settings = load_settings(require_token=True)
    app = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .request(AiohttpRequest(connection_pool_size=max(64, settings.concurrent_updates)))
        .get_updates_request(AiohttpRequest(connection_pool_size=2, read_timeout=60.0))
        .concurrent_updates(PerUserUpdateProcessor(settings.concurrent_updates))
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, on_text))
    app.add_handler(CallbackQueryHandler(on_button))
    app.run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])


if __name__ == "__main__":
    main()
