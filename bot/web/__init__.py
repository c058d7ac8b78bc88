"""The web channel: an aiohttp app served by the bot's process (see bot.web.app)."""
