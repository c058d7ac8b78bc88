"""The channel-neutral conversation core: a person's input arrives as one event (text, button press, file,
command, with who sent it); the core decides by role and stage, stores in one transaction, and answers with
views (text with buttons, refusals, files, pictures, notices to others) through an `Out`.

The core imports no telegram and no aiohttp (tests/unit/test_architecture.py). The Telegram adapter
(handlers/adapter.py) turns updates into events and views into Bot API calls; a test's `Recorder` keeps
the views as values."""
