"""The Telegram runtime: application factory, HTTP, update processor, flood gate, inbox, senders."""
